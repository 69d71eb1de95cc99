package io.sgemu.control.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.sgemu.control.aws.WorldLoader;
import io.sgemu.control.model.World;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The world the seeds are written against: the project's three-tier example ({@code examples/three-tier},
 * found from the working folder upwards) when it is there, else a small native YAML world of its own.
 */
final class ExampleWorld {

    /** A native YAML world (the format's reference example, shortened). */
    static final String NATIVE_YAML = """
            account: "111122223333"
            vpcs:
              vpc-1: {cidrs: [10.0.0.0/16, "2600:1f18:aaaa:bb00::/56"]}
            subnets:
              subnet-web: {vpc: vpc-1, cidr: 10.0.1.0/24, ipv6-cidr: "2600:1f18:aaaa:bb01::/64", az: us-east-1a, az-id: use1-az1}
              subnet-db:  {vpc: vpc-1, cidr: 10.0.2.0/24, az: us-east-1b}
            prefix-lists:
              pl-office: {name: office, cidrs: [203.0.113.0/24, 198.51.100.0/24]}
            nacls:
              acl-default:
                vpc: vpc-1
                default: true
                ingress: ["100 allow -1 all 0.0.0.0/0", "101 allow -1 all ::/0"]
                egress:  ["100 allow -1 all 0.0.0.0/0", "101 allow -1 all ::/0"]
              acl-db:
                vpc: vpc-1
                subnets: [subnet-db]
                ingress:
                  - "100 allow tcp 5432 10.0.1.0/24"
                  - "110 allow icmp 3:4 0.0.0.0/0"
                  - "200 deny -1 all 0.0.0.0/0"
                egress:
                  - "100 allow tcp 1024-65535 10.0.1.0/24"
            groups:
              sg-web:
                vpc: vpc-1
                name: web
                ingress:
                  - "tcp 443 0.0.0.0/0"
                  - "tcp 443 ::/0"
                  - "tcp 22 pl-office"
                  - "tcp 22 sg-admin sgr-0123456789abcdef0"
                  - "icmp 8:-1 0.0.0.0/0"
                egress: ["-1 all 0.0.0.0/0"]
              sg-db:
                vpc: vpc-1
                ingress: ["tcp 5432 sg-web"]
                egress: []
              sg-admin:
                vpc: vpc-1
            enis:
              eni-web1:
                subnet: subnet-web
                ips: [10.0.1.10, 10.0.1.11]
                ipv6: ["2600:1f18:aaaa:bb01::10"]
                public-ip: 54.1.2.3
                public-ips: {54.1.2.4: 10.0.1.11}
                groups: [sg-web]
                type: interface
                instance: i-0123456789abcdef0
                conntrack: {tcp-established: 3600, udp: 30, udp-stream: 180, max-tracked: 100000}
              eni-db1:
                subnet: subnet-db
                ips: [10.0.2.20]
                groups: [sg-db]
            """;

    private ExampleWorld() {
    }

    /** {@code examples/three-tier} above the working folder, or null. */
    static Path threeTier() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            Path ex = p.resolve("examples").resolve("three-tier");
            if (Files.isDirectory(ex.resolve("aws"))) {
                return ex;
            }
            p = p.getParent();
        }
        return null;
    }

    /** The example's describe files, each as it is. */
    static List<byte[]> describeFiles() {
        Path ex = threeTier();
        if (ex == null) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(ex.resolve("aws"))) {
            List<byte[]> out = new ArrayList<>();
            for (Path f : files.sorted().toList()) {
                out.add(Files.readAllBytes(f));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The example's describe output merged into one document (every top-level key of every file). */
    static JsonNode mergedDescribe() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode merged = json.createObjectNode();
        try {
            for (byte[] f : describeFiles()) {
                json.readTree(f).fields().forEachRemaining(e -> merged.set(e.getKey(), e.getValue()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return merged;
    }

    static byte[] toJson(JsonNode n) {
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] toYaml(JsonNode n) {
        try {
            return new YAMLMapper().writeValueAsBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The world that change lines and EC2 calls act on. */
    static World load() {
        try {
            Path dir = Files.createTempDirectory("sgemu-fuzz-world");
            Path f;
            if (threeTier() != null) {
                f = dir.resolve("world.json");
                Files.write(f, toJson(mergedDescribe()));
            } else {
                f = dir.resolve("world.yaml");
                Files.writeString(f, NATIVE_YAML, StandardCharsets.UTF_8);
            }
            try {
                return new WorldLoader().load(List.of(f)).world();
            } finally {
                Files.delete(f);
                Files.delete(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ids of the loaded world's things, for seeds that name them. */
    record Ids(String vpc, String subnet, String subnet2, String group, String group2, String acl, String assoc,
               String eni) {
    }

    static Ids ids() {
        if (threeTier() != null) {
            return new Ids("vpc-0c3a1e5f7d9b2a4c6", "subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002",
                    "sg-0a11b22c33d44e502", "sg-0a11b22c33d44e503", "acl-0a1b2c3d4e5f60001",
                    "aclassoc-0a1b2c3d4e5f60002", "eni-0f1e2d3c4b5a69811");
        }
        return new Ids("vpc-1", "subnet-web", "subnet-db", "sg-web", "sg-db", "acl-db", "aclassoc-subnet-db",
                "eni-web1");
    }
}
