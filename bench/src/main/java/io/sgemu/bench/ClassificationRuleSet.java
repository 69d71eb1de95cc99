package io.sgemu.bench;

import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.Subnet;
import io.sgemu.control.model.Vpc;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A packet-classification rule set as security-group rules, and its header trace, for benchmarks.
 *
 * <p>Read from a ClassBench filter file (each filter: source prefix as the peer of an inbound rule,
 * protocol, destination port range; the destination prefix and source ports cannot be expressed by a
 * security-group rule and are dropped; protocol 0 with mask 0 is -1; ICMP filters become "all ICMP"; the
 * sets' catch-alls (any protocol from a prefix shorter than /8) are left out, since under the union
 * semantics of security groups they would allow every packet and make the benchmark a constant), or
 * generated with ClassBench-like distributions ({@link #generate}).
 */
public final class ClassificationRuleSet {

    /** Any-protocol filters over a prefix shorter than this are catch-alls, left out. */
    static final int WIDE = 8;

    public static final String DATA_PROPERTY = "sgemu.classbench";
    public static final String DATA_VARIABLE = "SGEMU_SHARED_DATA";

    /** One filter: source prefix, protocol (-1 any), destination port range. */
    public record Filter(int source, int length, int protocol, int fromPort, int toPort) {
    }

    private final List<Filter> filters;
    /** Trace headers, struct of arrays: source IPv4 bits, protocol, destination port (-1 none), ICMP type/code. */
    public final long[] src;
    public final int[] protocol;
    public final int[] dstPort;
    public final int[] icmpType;
    public final int[] icmpCode;

    private ClassificationRuleSet(List<Filter> filters, List<int[]> headers) {
        this.filters = filters;
        int n = headers.size();
        src = new long[n];
        protocol = new int[n];
        dstPort = new int[n];
        icmpType = new int[n];
        icmpCode = new int[n];
        for (int i = 0; i < n; i++) {
            int[] h = headers.get(i);
            src[i] = h[0] & 0xFFFF_FFFFL;
            protocol[i] = h[1];
            boolean ports = h[1] == 6 || h[1] == 17;
            boolean icmp = h[1] == 1;
            dstPort[i] = ports ? h[2] : -1;
            icmpType[i] = icmp ? h[2] & 0xFF : -1;
            icmpCode[i] = icmp ? h[3] & 0xFF : -1;
        }
    }

    public int size() {
        return filters.size();
    }

    public int headers() {
        return src.length;
    }

    /** The directory of ClassBench files: system property {@value #DATA_PROPERTY}, else $SGEMU_SHARED_DATA/classbench. */
    public static Path directory() {
        String dir = System.getProperty(DATA_PROPERTY);
        if (dir == null || dir.isBlank()) {
            String shared = System.getenv(DATA_VARIABLE);
            if (shared == null || shared.isBlank()) {
                throw new IllegalStateException("set -D" + DATA_PROPERTY + "=<dir> or " + DATA_VARIABLE);
            }
            return Path.of(shared, "classbench");
        }
        return Path.of(dir);
    }

    /** The filter file {@code name} (e.g. acl1_1k) and its {@code _trace}. */
    public static ClassificationRuleSet read(Path dir, String name) {
        try {
            List<Filter> filters = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve(name))) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.substring(1).split("\t");
                Cidr s = Cidr.parse(f[0].trim());
                String[] d = f[3].split(":");
                String[] p = f[4].trim().split("/");
                int protocol = Integer.decode(p[1]) == 0 ? -1 : Integer.decode(p[0]);
                boolean ports = protocol == 6 || protocol == 17;
                if (protocol == -1 && s.prefixLength() < WIDE) {
                    continue; // a catch-all: with union semantics it would allow every packet
                }
                filters.add(new Filter((int) s.network().lo(), s.prefixLength(), protocol,
                        ports ? Integer.parseInt(d[0].trim()) : -1, ports ? Integer.parseInt(d[1].trim()) : -1));
            }
            List<int[]> headers = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve(name + "_trace"))) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.trim().split("\\s+");
                headers.add(new int[] {(int) Long.parseLong(f[0]), Integer.parseInt(f[4]), Integer.parseInt(f[3]),
                    Integer.parseInt(f[2])});
            }
            return new ClassificationRuleSet(filters, headers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final int[] WELL_KNOWN = {80, 443, 22, 53, 25, 110, 143, 21, 23, 123, 161, 389, 445, 1433, 1521, 3306,
        3389, 5432, 6379, 8080, 8443, 9200};

    /**
     * {@code count} filters with ClassBench-like distributions, seeded: source prefixes clustered under a
     * few hundred networks (so that they nest), lengths mostly /32, /24, /16-/23, some short; destination
     * ports mostly well-known single ports, the ephemeral range, all ports, some arbitrary ranges;
     * protocols mostly tcp and udp. Prefixes shorter than /16 name one well-known TCP or UDP port (a
     * broad block allowing every port would allow most of the trace). The trace has {@code headers} headers, 90% drawn inside a random
     * filter (as ClassBench's trace generator does), 10% anywhere.
     */
    public static ClassificationRuleSet generate(int count, int headers, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] networks = new int[Math.max(16, count / 40)];
        for (int i = 0; i < networks.length; i++) {
            networks[i] = r.nextInt();
        }
        List<Filter> filters = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int x = r.nextInt(100);
            int length = x < 40 ? 32 : x < 60 ? 24 : x < 80 ? 16 + r.nextInt(8) : x < 93 ? 25 + r.nextInt(7)
                    : x < 98 ? 8 + r.nextInt(8) : r.nextInt(8);
            int base = networks[r.nextInt(networks.length)];
            int address = length <= 16 ? base : (base & 0xFFFF_0000) | (r.nextInt() & 0xFFFF);
            int mask = length == 0 ? 0 : -1 << (32 - length);
            int p = r.nextInt(100);
            int protocol = p < 60 ? 6 : p < 85 ? 17 : p < 90 ? 1 : p < 95 && length >= WIDE ? -1 : 47;
            int from = -1;
            int to = -1;
            if (length < 16 && (protocol == -1 || protocol == 47)) {
                protocol = 6; // broad blocks name single services, as real rule sets do
            }
            if (protocol == 6 || protocol == 17) {
                int k = length < 16 ? 0 : r.nextInt(100);
                if (k < 50) {
                    from = to = WELL_KNOWN[r.nextInt(WELL_KNOWN.length)];
                } else if (k < 65) {
                    from = 1024;
                    to = 65535;
                } else if (k < 85) {
                    from = 0;
                    to = 65535;
                } else {
                    from = r.nextInt(60000);
                    to = from + r.nextInt(2000);
                }
            }
            filters.add(new Filter(address & mask, length, protocol, from, to));
        }
        List<int[]> trace = new ArrayList<>(headers);
        for (int i = 0; i < headers; i++) {
            if (r.nextInt(10) == 0) {
                trace.add(new int[] {r.nextInt(), r.nextBoolean() ? 6 : 17, r.nextInt(65536), r.nextInt(65536)});
                continue;
            }
            Filter f = filters.get(r.nextInt(filters.size()));
            int host = f.length() == 32 ? 0 : r.nextInt() & (int) (0xFFFF_FFFFL >>> f.length());
            int protocol = f.protocol() == -1 ? (r.nextBoolean() ? 6 : 17) : f.protocol();
            int port = f.fromPort() < 0 ? r.nextInt(65536) : f.fromPort() + r.nextInt(f.toPort() - f.fromPort() + 1);
            trace.add(new int[] {f.source() | host, protocol, port, r.nextInt(65536)});
        }
        return new ClassificationRuleSet(filters, trace);
    }

    /** A world of one ENI whose one group has an inbound rule per filter. */
    public World world() {
        List<SgRule> in = new ArrayList<>(filters.size());
        for (Filter f : filters) {
            in.add(new SgRule(null, false, f.protocol(), f.fromPort(), f.toPort(),
                    new Peer.CidrPeer(new Cidr(IpAddress.v4(f.source()), f.length())), null, in.size()));
        }
        SecurityGroup g = new SecurityGroup("sg-bench", "bench", "vpc-1", "111122223333", in, List.of());
        Subnet subnet = new Subnet("subnet-1", "vpc-1", Cidr.parse("10.0.0.0/24"), null, "us-east-1a", "use1-az1",
                "111122223333");
        NetworkInterface eni = new NetworkInterface("eni-bench", "subnet-1", "vpc-1", "111122223333", "us-east-1a",
                "interface", null, IpAddress.parse("10.0.0.10"), List.of(), List.of(), Map.of(), List.of("sg-bench"), null);
        return new World(Map.of("vpc-1", new Vpc("vpc-1", "111122223333", List.of(Cidr.parse("10.0.0.0/16")), List.of())),
                Map.of("subnet-1", subnet), Map.of(), Map.of("sg-bench", g), Map.of("eni-bench", eni), Map.of());
    }
}
