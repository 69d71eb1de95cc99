package io.sgemu.control.gen;

import io.sgemu.control.aws.LoaderOptions;
import io.sgemu.control.aws.WorldLoader;
import io.sgemu.control.model.ConnTrackConfig;
import io.sgemu.control.model.NaclEntry;
import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.Subnet;
import io.sgemu.control.model.Vpc;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Worlds the generator's tests run on. */
final class GenWorlds {

    static final String ACCOUNT = "111122223333";

    private GenWorlds() {
    }

    /** The bundled three-tier example (load balancer, two app servers, a database with a secondary IP). */
    static World threeTier() {
        Path aws = Path.of("..", "examples", "three-tier", "aws").toAbsolutePath().normalize();
        return new WorldLoader(new LoaderOptions(false)).load(List.of(aws)).world();
    }

    /**
     * A dual-stack world: a web ENI with a public IPv4 and an IPv6 address open on 443 and to ICMPv6 echo
     * from anywhere, and a worker that admits everything from the web group; NACLs allow everything.
     */
    static World dualStack() {
        Vpc vpc = new Vpc("vpc-6", ACCOUNT, List.of(Cidr.parse("10.1.0.0/16")), List.of(Cidr.parse("2600:1f18:1::/56")));
        Subnet subnet = new Subnet("subnet-6", "vpc-6", Cidr.parse("10.1.1.0/24"), Cidr.parse("2600:1f18:1:1::/64"),
                "us-east-1a", "use1-az1", ACCOUNT);
        NetworkAcl acl = new NetworkAcl("acl-6", "vpc-6", true, List.of(
                new NaclEntry(100, false, Protocols.ALL, true, Cidr.ALL_V4, null, -1, -1),
                new NaclEntry(100, true, Protocols.ALL, true, Cidr.ALL_V4, null, -1, -1),
                new NaclEntry(101, false, Protocols.ALL, true, Cidr.ALL_V6, null, -1, -1),
                new NaclEntry(101, true, Protocols.ALL, true, Cidr.ALL_V6, null, -1, -1)), List.of("subnet-6"));
        SecurityGroup web = new SecurityGroup("sg-web", "web", "vpc-6", ACCOUNT, List.of(
                rule(false, Protocols.TCP, 443, 443, new Peer.CidrPeer(Cidr.ALL_V4), 0),
                rule(false, Protocols.TCP, 443, 443, new Peer.CidrPeer(Cidr.ALL_V6), 1),
                rule(false, Protocols.ICMPV6, -1, -1, new Peer.CidrPeer(Cidr.ALL_V6), 2)), List.of(
                rule(true, Protocols.ALL, -1, -1, new Peer.CidrPeer(Cidr.ALL_V4), 0),
                rule(true, Protocols.ALL, -1, -1, new Peer.CidrPeer(Cidr.ALL_V6), 1)));
        SecurityGroup worker = new SecurityGroup("sg-worker", "worker", "vpc-6", ACCOUNT, List.of(
                rule(false, Protocols.ALL, -1, -1, new Peer.GroupPeer("sg-web"), 0)), List.of(
                rule(true, Protocols.TCP, 443, 443, new Peer.CidrPeer(Cidr.ALL_V4), 0)));
        NetworkInterface webEni = new NetworkInterface("eni-web", "subnet-6", "vpc-6", ACCOUNT, "us-east-1a", "interface",
                "i-web", IpAddress.parse("10.1.1.10"), List.of(), List.of(IpAddress.parse("2600:1f18:1:1::10")),
                Map.of(IpAddress.parse("3.80.0.10"), IpAddress.parse("10.1.1.10")), List.of("sg-web"), ConnTrackConfig.DEFAULT);
        NetworkInterface workerEni = new NetworkInterface("eni-worker", "subnet-6", "vpc-6", ACCOUNT, "us-east-1a",
                "interface", "i-worker", IpAddress.parse("10.1.1.20"), List.of(IpAddress.parse("10.1.1.21")),
                List.of(IpAddress.parse("2600:1f18:1:1::20")), Map.of(), List.of("sg-worker"), ConnTrackConfig.DEFAULT);
        return new World(Map.of("vpc-6", vpc), Map.of("subnet-6", subnet), Map.of("acl-6", acl),
                ordered(web, worker), Map.of("eni-web", webEni, "eni-worker", workerEni).entrySet().stream()
                        .sorted(Map.Entry.comparingByKey())
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a,
                                java.util.LinkedHashMap::new)), Map.of());
    }

    /** A world whose only ENI has a group with no rules: nothing can be accepted. */
    static World closed() {
        Vpc vpc = new Vpc("vpc-c", ACCOUNT, List.of(Cidr.parse("10.2.0.0/16")), List.of());
        Subnet subnet = new Subnet("subnet-c", "vpc-c", Cidr.parse("10.2.1.0/24"), null, "us-east-1a", "use1-az1", ACCOUNT);
        SecurityGroup sg = new SecurityGroup("sg-c", "closed", "vpc-c", ACCOUNT, List.of(), List.of());
        NetworkInterface eni = new NetworkInterface("eni-c", "subnet-c", "vpc-c", ACCOUNT, "us-east-1a", "interface", null,
                IpAddress.parse("10.2.1.10"), List.of(), List.of(), Map.of(IpAddress.parse("3.80.0.99"), IpAddress.parse("10.2.1.10")),
                List.of("sg-c"), ConnTrackConfig.DEFAULT);
        return new World(Map.of("vpc-c", vpc), Map.of("subnet-c", subnet), Map.of(), Map.of("sg-c", sg),
                Map.of("eni-c", eni), Map.of());
    }

    private static Map<String, SecurityGroup> ordered(SecurityGroup... groups) {
        Map<String, SecurityGroup> m = new java.util.LinkedHashMap<>();
        for (SecurityGroup g : groups) {
            m.put(g.id(), g);
        }
        return m;
    }

    private static SgRule rule(boolean egress, int protocol, int from, int to, Peer peer, int index) {
        return new SgRule(null, egress, protocol, from, to, peer, null, index);
    }
}
