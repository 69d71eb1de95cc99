package io.sgemu.control.reference;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.control.changes.Change;
import io.sgemu.control.changes.ChangeLog;
import io.sgemu.control.changes.ChangeLogException;
import io.sgemu.control.model.ConnTrackConfig;
import io.sgemu.control.model.NaclEntry;
import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.World;
import io.sgemu.control.replay.FastReplayer;
import io.sgemu.control.replay.Replayer;
import io.sgemu.control.replay.VerdictWriter;
import io.sgemu.dataplane.capture.PcapWriter;
import io.sgemu.dataplane.flowlog.FlowLogAggregator;
import io.sgemu.dataplane.flowlog.FlowLogFormat;
import io.sgemu.dataplane.flowlog.FlowLogTextWriter;
import io.sgemu.dataplane.net.IpAddress;
import io.sgemu.dataplane.packet.LinkType;
import io.sgemu.dataplane.packet.PacketBuilder;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fast dataplane against the reference evaluator, end to end: for seeded random worlds (IPv4 and
 * IPv6, references, prefix lists, NACLs, secondary and public IPs, always-tracked interface types,
 * per-ENI timeouts, allowances), random packet sequences written to a capture (TCP with every flag
 * mix, UDP, ICMP echo and errors, other protocols, later fragments, time jumps across every timeout)
 * and random EC2 changes during the replay, {@link FastReplayer} must write exactly the verdicts and
 * flow-log records that {@link Replayer} writes: with one worker, and with three (flows steered to
 * workers, verdicts and records merged back in capture order). Worlds with allowances run with one
 * worker only: across workers the allowance is counted per worker clock (see the pipeline's comment).
 */
class FastPathDifferentialTest {

    private static final int PACKETS = 3_000;
    private static final AtomicLong JUDGED = new AtomicLong();
    /** Later fragments that got a first fragment's verdict, and orphans, over the whole run. */
    private static final AtomicLong LATER_WITH_FIRST = new AtomicLong();
    private static final AtomicLong ORPHANS = new AtomicLong();

    @TempDir
    Path dir;

    static LongStream seeds() {
        return LongStream.range(0, 200).map(i -> 0x5EED_0000L + i * 7919);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void fastPathWritesTheReferencesVerdictsAndFlowLogs(long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        boolean allowances = r.nextInt(3) == 0;
        World world = withTimeouts(ReferencePropertiesTest.RandomWorlds.world(r, allowances), r);
        List<Sent> sent = withFragments(ReferencePropertiesTest.RandomWorlds.packets(r, world, PACKETS, false), r);
        List<Packet> packets = sent.stream().map(Sent::packet).toList();
        Path pcap = writeCapture(sent);
        List<Change> changes = randomChanges(r, world, packets);
        // A small fragment table and a short timeout now and then, so that both limits are met.
        EvaluatorSettings settings = r.nextInt(4) == 0
                ? EvaluatorSettings.DEFAULT.withFragments(1 + r.nextInt(60), 1 + r.nextInt(16))
                : EvaluatorSettings.DEFAULT;

        Output reference = reference(world, changes, pcap, settings);
        for (int i = 0; i < sent.size(); i++) {
            if (sent.get(i).kind() == Sent.LATER) {
                boolean orphan = reference.verdicts.get(i).contains("fragment-without-first");
                (orphan ? ORPHANS : LATER_WITH_FIRST).incrementAndGet();
            }
        }
        int[] workerCounts = allowances ? new int[] {1} : new int[] {1, 3};
        for (int workers : workerCounts) {
            Output fast = fast(world, changes, pcap, workers, settings);
            assertSame("seed " + seed + ", " + workers + " worker(s): verdicts", reference.verdicts, fast.verdicts);
            assertSame("seed " + seed + ", " + workers + " worker(s): flow logs", reference.flowLogs, fast.flowLogs);
            assertThat(fast.counters).as("seed %d, %d worker(s): per-ENI counters", seed, workers).isEqualTo(reference.counters);
            JUDGED.addAndGet(packets.size());
        }
    }

    /** Equal lists, or a message that shows the first line where they part. */
    private static void assertSame(String what, List<String> expected, List<String> actual) {
        int n = Math.min(expected.size(), actual.size());
        for (int i = 0; i < n; i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                assertThat(actual.get(i)).as("%s: line %d of %d (reference has %d lines)", what, i + 1, actual.size(),
                        expected.size()).isEqualTo(expected.get(i));
            }
        }
        assertThat(actual.size()).as("%s: line count", what).isEqualTo(expected.size());
    }

    @AfterAll
    static void report() {
        System.out.println("fast path vs reference: " + JUDGED.get() + " packets judged by both, identically; "
                + LATER_WITH_FIRST.get() + " later fragments with their first fragment, " + ORPHANS.get() + " orphans");
        if (JUDGED.get() > 0) {
            assertThat(LATER_WITH_FIRST.get()).as("later fragments that met their first fragment").isPositive();
            assertThat(ORPHANS.get()).as("orphan fragments").isPositive();
        }
    }

    private record Output(List<String> verdicts, List<String> flowLogs, Map<String, EniCounters> counters) {
    }

    private static Output reference(World world, List<Change> changes, Path pcap, EvaluatorSettings settings)
            throws IOException {
        StringWriter v = new StringWriter();
        StringWriter f = new StringWriter();
        FlowLogTextWriter flows = new FlowLogTextWriter(f, FlowLogFormat.DEFAULT);
        Replayer.ReplayResult r = new Replayer(world, changes, settings, new FlowLogAggregator(60, flows),
                new VerdictWriter(v)).run(pcap);
        flows.flush();
        assertThat(r.accountingProblems).as("reference: every frame accounted for").isEmpty();
        return new Output(v.toString().lines().toList(), f.toString().lines().toList(), r.counters);
    }

    private static Output fast(World world, List<Change> changes, Path pcap, int workers, EvaluatorSettings settings)
            throws IOException {
        StringWriter v = new StringWriter();
        StringWriter f = new StringWriter();
        FlowLogTextWriter flows = new FlowLogTextWriter(f, FlowLogFormat.DEFAULT);
        Replayer.ReplayResult r = new FastReplayer(world, changes, settings, workers, flows, 60,
                new VerdictWriter(v), 1 << 14).run(pcap);
        flows.flush();
        assertThat(r.accountingProblems).as("fast, %d worker(s): every frame accounted for", workers).isEmpty();
        return new Output(v.toString().lines().toList(), f.toString().lines().toList(), r.counters);
    }

    /** Short per-ENI timeouts on some ENIs, so that the time jumps of the packets cross them. */
    private static World withTimeouts(World w, SplittableRandom r) {
        World out = w;
        for (NetworkInterface e : w.networkInterfaces().values()) {
            if (r.nextInt(3) == 0) {
                ConnTrackConfig c = e.connTrack() == null ? ConnTrackConfig.DEFAULT : e.connTrack();
                out = out.withNetworkInterface(e.withConnTrack(new ConnTrackConfig(60 + r.nextInt(60), 30 + r.nextInt(31),
                        60 + r.nextInt(121), c.maxTrackedConnections())));
            }
        }
        return out;
    }

    /** A packet as written: not a fragment, the first fragment of datagram {@code id}, or a later one. */
    private record Sent(Packet packet, int kind, int id) {
        static final int WHOLE = 0;
        static final int FIRST = 1;
        static final int LATER = 2;
    }

    /**
     * Some packets become first fragments of datagrams, whose later fragments (no ports, no flags) follow
     * a few to a few hundred packets on (so some arrive after a time jump past the fragment timeout);
     * some later fragments have no first fragment at all. Identifications come from a small pool now and
     * then, so that datagrams of the same hosts reuse them.
     */
    private static List<Sent> withFragments(List<Packet> in, SplittableRandom r) {
        List<Sent> out = new ArrayList<>(in.size() * 11 / 10);
        java.util.TreeMap<Integer, List<Sent>> due = new java.util.TreeMap<>();
        for (int i = 0; i < in.size(); i++) {
            Packet p = in.get(i);
            List<Sent> now = due.remove(i);
            if (now != null) {
                for (Sent later : now) {
                    Packet q = later.packet();
                    out.add(new Sent(new Packet(p.timeNanos(), q.protocol(), q.src(), q.dst(), -1, -1, -1, -1, -1, -1,
                            q.length()), Sent.LATER, later.id()));
                }
            }
            int roll = r.nextInt(40);
            int id = r.nextInt(4) == 0 ? r.nextInt(4) : r.nextInt(1 << 16);
            if (roll < 2) {
                out.add(new Sent(p, Sent.FIRST, id));
                int fragments = 1 + r.nextInt(3);
                for (int k = 0; k < fragments; k++) {
                    int at = i + 1 + (r.nextInt(3) == 0 ? r.nextInt(400) : r.nextInt(5));
                    due.computeIfAbsent(at, x -> new ArrayList<>())
                            .add(new Sent(new Packet(p.timeNanos(), p.protocol(), p.src(), p.dst(), -1, -1, -1, -1, -1, -1,
                                    28 + r.nextInt(1400)), Sent.LATER, id));
                }
            } else if (roll == 2) {
                out.add(new Sent(new Packet(p.timeNanos(), p.protocol(), p.src(), p.dst(), -1, -1, -1, -1, -1, -1,
                        p.length()), Sent.LATER, id));
            } else {
                out.add(new Sent(p, Sent.WHOLE, 0));
            }
        }
        return out;
    }

    private Path writeCapture(List<Sent> packets) throws IOException {
        Path pcap = dir.resolve("packets.pcap");
        try (PcapWriter w = PcapWriter.create(pcap, LinkType.ETHERNET, PcapWriter.Precision.NANOSECONDS)) {
            for (Sent s : packets) {
                w.write(s.packet().timeNanos(), frame(s));
            }
        }
        return pcap;
    }

    private static byte[] frame(Sent s) {
        Packet p = s.packet();
        PacketBuilder b = PacketBuilder.ip(p.src(), p.dst());
        int payload = Math.max(0, p.length() - 60);
        switch (p.protocol()) {
            case Protocols.TCP -> b.tcp(Math.max(0, p.srcPort()), Math.max(0, p.dstPort()), Math.max(0, p.tcpFlags()), payload);
            case Protocols.UDP -> b.udp(Math.max(0, p.srcPort()), Math.max(0, p.dstPort()), payload);
            case Protocols.ICMP, Protocols.ICMPV6 -> b.icmp(Math.max(0, p.icmpType()), Math.max(0, p.icmpCode()),
                    Math.max(0, p.icmpId())).payload(payload);
            default -> b.protocol(p.protocol(), payload);
        }
        b.identification(s.id());
        if (s.kind() == Sent.FIRST) {
            b.fragment(0, true);
        } else if (s.kind() == Sent.LATER) {
            b.fragment(1 + (p.length() & 7), (p.length() & 1) == 0);
        }
        return b.ethernet().build();
    }

    /**
     * Up to four EC2 changes at random times in the capture: group lists of ENIs (membership), timeouts,
     * a new inbound rule, a revoked outbound rule, NACL entries created and deleted. A change the change
     * log refuses (as EC2 would) is left out.
     */
    private List<Change> randomChanges(SplittableRandom r, World world, List<Packet> packets) throws IOException {
        Path file = dir.resolve("changes.jsonl");
        List<String> lines = new ArrayList<>();
        List<Change> accepted = List.of();
        long first = packets.get(0).timeNanos();
        long last = packets.get(packets.size() - 1).timeNanos();
        int count = r.nextInt(5);
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            times.add(first + (long) (r.nextDouble() * (last - first)));
        }
        times.sort(null);
        World now = world;
        for (long at : times) {
            String line = changeLine(r, now, at);
            if (line == null) {
                continue;
            }
            lines.add(line);
            Files.write(file, lines);
            try {
                accepted = ChangeLog.read(file, world);
                now = world;
                for (Change c : accepted) {
                    now = c.apply(now);
                }
            } catch (ChangeLogException e) {
                lines.remove(lines.size() - 1);
            }
        }
        Files.write(file, lines);
        return lines.isEmpty() ? List.of() : ChangeLog.read(file, world);
    }

    private static String changeLine(SplittableRandom r, World w, long atNanos) {
        String at = String.format(java.util.Locale.ROOT, "%d.%09d", atNanos / 1_000_000_000L, atNanos % 1_000_000_000L);
        List<NetworkInterface> enis = new ArrayList<>(w.networkInterfaces().values());
        List<SecurityGroup> groups = new ArrayList<>(w.securityGroups().values());
        switch (r.nextInt(6)) {
            case 0 -> {
                NetworkInterface e = enis.get(r.nextInt(enis.size()));
                List<String> ids = new ArrayList<>();
                for (SecurityGroup g : groups) {
                    if (r.nextBoolean()) {
                        ids.add("\"" + g.id() + "\"");
                    }
                }
                if (ids.isEmpty()) {
                    ids.add("\"" + groups.get(0).id() + "\"");
                }
                return "{\"at\": " + at + ", \"action\": \"ModifyNetworkInterfaceAttribute\", \"input\": {\"NetworkInterfaceId\": \""
                        + e.id() + "\", \"Groups\": [" + String.join(", ", ids) + "]}}";
            }
            case 1 -> {
                NetworkInterface e = enis.get(r.nextInt(enis.size()));
                return "{\"at\": " + at + ", \"action\": \"ModifyNetworkInterfaceAttribute\", \"input\": {\"NetworkInterfaceId\": \""
                        + e.id() + "\", \"ConnectionTrackingSpecification\": {\"TcpEstablishedTimeout\": " + (60 + r.nextInt(100))
                        + ", \"UdpTimeout\": " + (30 + r.nextInt(31)) + ", \"UdpStreamTimeout\": " + (60 + r.nextInt(121)) + "}}}";
            }
            case 2 -> {
                SecurityGroup g = groups.get(r.nextInt(groups.size()));
                int port = 1 + r.nextInt(65000);
                String peer = r.nextBoolean() ? "\"IpRanges\": [{\"CidrIp\": \"0.0.0.0/0\"}]"
                        : "\"UserIdGroupPairs\": [{\"GroupId\": \"" + groups.get(r.nextInt(groups.size())).id() + "\"}]";
                return "{\"at\": " + at + ", \"action\": \"AuthorizeSecurityGroupIngress\", \"input\": {\"GroupId\": \"" + g.id()
                        + "\", \"IpPermissions\": [{\"IpProtocol\": \"" + (r.nextBoolean() ? "tcp" : "udp") + "\", \"FromPort\": "
                        + port + ", \"ToPort\": " + (port + r.nextInt(500)) + ", " + peer + "}]}}";
            }
            case 3 -> {
                SecurityGroup g = groups.get(r.nextInt(groups.size()));
                boolean egress = r.nextBoolean();
                List<SgRule> rules = g.rules(egress);
                if (rules.isEmpty()) {
                    return null;
                }
                return "{\"at\": " + at + ", \"action\": \"RevokeSecurityGroup" + (egress ? "Egress" : "Ingress")
                        + "\", \"input\": {\"GroupId\": \"" + g.id() + "\", \"IpPermissions\": [" + permission(rules.get(r.nextInt(rules.size())))
                        + "]}}";
            }
            case 4 -> {
                NetworkAcl acl = customAcl(w, r);
                if (acl == null) {
                    return null;
                }
                boolean egress = r.nextBoolean();
                int number = 1 + r.nextInt(300);
                for (NaclEntry e : acl.entries()) {
                    if (e.egress() == egress && e.ruleNumber() == number) {
                        return null;
                    }
                }
                return "{\"at\": " + at + ", \"action\": \"CreateNetworkAclEntry\", \"input\": {\"NetworkAclId\": \"" + acl.id()
                        + "\", \"RuleNumber\": " + number + ", \"Protocol\": \"" + (r.nextBoolean() ? "6" : "-1") + "\", \"RuleAction\": \""
                        + (r.nextBoolean() ? "allow" : "deny") + "\", \"Egress\": " + egress + ", \"CidrBlock\": \""
                        + (r.nextBoolean() ? "0.0.0.0/0" : "10.0.0.0/16") + "\", \"PortRange\": {\"From\": 1024, \"To\": 65535}}}";
            }
            default -> {
                NetworkAcl acl = customAcl(w, r);
                if (acl == null || acl.entries().isEmpty()) {
                    return null;
                }
                NaclEntry e = acl.entries().get(r.nextInt(acl.entries().size()));
                return "{\"at\": " + at + ", \"action\": \"DeleteNetworkAclEntry\", \"input\": {\"NetworkAclId\": \"" + acl.id()
                        + "\", \"RuleNumber\": " + e.ruleNumber() + ", \"Egress\": " + e.egress() + "}}";
            }
        }
    }

    private static NetworkAcl customAcl(World w, SplittableRandom r) {
        List<NetworkAcl> custom = w.networkAcls().values().stream().filter(a -> !a.isDefault()).toList();
        return custom.isEmpty() ? null : custom.get(r.nextInt(custom.size()));
    }

    /** A rule as the EC2 API's IpPermission. */
    private static String permission(SgRule rule) {
        StringBuilder sb = new StringBuilder("{\"IpProtocol\": \"").append(Protocols.name(rule.protocol())).append('"');
        if (rule.protocol() != Protocols.ALL) {
            sb.append(", \"FromPort\": ").append(rule.fromPort()).append(", \"ToPort\": ").append(rule.toPort());
        }
        switch (rule.peer()) {
            case Peer.CidrPeer c -> {
                boolean v4 = c.cidr().family() == IpAddress.V4;
                sb.append(v4 ? ", \"IpRanges\": [{\"CidrIp\": \"" : ", \"Ipv6Ranges\": [{\"CidrIpv6\": \"").append(c.cidr()).append("\"}]");
            }
            case Peer.PrefixListPeer pl -> sb.append(", \"PrefixListIds\": [{\"PrefixListId\": \"").append(pl.prefixListId()).append("\"}]");
            case Peer.GroupPeer g -> sb.append(", \"UserIdGroupPairs\": [{\"GroupId\": \"").append(g.groupId()).append("\"}]");
        }
        return sb.append('}').toString();
    }
}
