package io.sgemu.control.reference;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.control.model.NaclEntry;
import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.IpAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties of the reference evaluator over random small worlds and packet sequences. Each case is
 * driven by one seed, printed in every assertion message so that a failure can be replayed.
 */
class ReferencePropertiesTest {

    static LongStream seeds() {
        return LongStream.range(0, 100).map(i -> 0x5eed_0000L + i * 7919);
    }

    /** (i) The order of an ENI's groups, of the rules in a group, and of groups in the world never matters. */
    @ParameterizedTest
    @MethodSource("seeds")
    void sg2_groupAndRuleOrderNeverChangeAVerdict(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        World world = RandomWorlds.world(r, true);
        List<Packet> packets = RandomWorlds.packets(r, world, 120, false);
        World shuffled = shuffleGroupsAndRules(world, new SplittableRandom(seed ^ 0x9e37_79b9L));

        assertSameVerdicts(seed, world, shuffled, packets);
    }

    /** (iii) NACL entry file order never matters: rule numbers decide. */
    @ParameterizedTest
    @MethodSource("seeds")
    void nacl4_entryFileOrderNeverChangesAVerdict(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        World world = RandomWorlds.world(r, true);
        List<Packet> packets = RandomWorlds.packets(r, world, 120, false);
        World shuffled = shuffleNaclEntries(world, new SplittableRandom(seed ^ 0x7f4a_7c15L));

        assertSameVerdicts(seed, world, shuffled, packets);
    }

    /**
     * (ii) Allow-only: adding an allow rule to a group never turns an ACCEPT into a REJECT, packet by
     * packet, for a fresh evaluator on the same sequence. This holds with connection tracking because
     * (a) every stage lets through a superset of packets, so every tracked entry is created no later;
     * (b) a flow that the new rule makes untracked is admitted by rules in both directions. It needs two
     * conditions, which the case respects: no entry may disappear within the sequence (it spans less
     * than the shortest lifetime, the 5 s close linger), and no allowance (more entries could exhaust it).
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void sg2_addingAnAllowRuleNeverTurnsAcceptIntoReject(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        World world = RandomWorlds.world(r, false);
        List<Packet> packets = RandomWorlds.packets(r, world, 120, true);
        List<String> groupIds = new ArrayList<>(world.securityGroups().keySet());
        SecurityGroup g = world.securityGroups().get(groupIds.get(r.nextInt(groupIds.size())));
        boolean egress = r.nextBoolean();
        SgRule added = RandomWorlds.rule(r, egress, 99);
        if (r.nextBoolean()) {
            // All-addresses rules are the ones that change tracking (section 3): try them often.
            added = new SgRule(added.ruleId(), egress, added.protocol(), added.fromPort(), added.toPort(),
                    TestWorld.peer("0.0.0.0/0"), null, 99);
        }
        List<SgRule> in = new ArrayList<>(g.ingress());
        List<SgRule> out = new ArrayList<>(g.egress());
        (egress ? out : in).add(added);
        World wider = world.withSecurityGroup(new SecurityGroup(g.id(), g.name(), g.vpcId(), g.ownerId(), in, out));

        ReferenceEvaluator before = new ReferenceEvaluator(world, EvaluatorSettings.DEFAULT);
        ReferenceEvaluator after = new ReferenceEvaluator(wider, EvaluatorSettings.DEFAULT);
        for (int i = 0; i < packets.size(); i++) {
            Packet p = packets.get(i);
            Verdict b = before.evaluate(p);
            Verdict a = after.evaluate(p);
            if (b.accepted()) {
                assertThat(a.action()).as("seed %d, packet %d %s, rule %s added to %s: before %s, after %s",
                        seed, i, p, added.describe(), g.id(), b.trace(), a.trace()).isEqualTo(Action.ACCEPT);
            }
            assertThat(a.action() == Action.SKIP).as("seed %d, packet %d: SKIP does not depend on rules", seed, i)
                    .isEqualTo(b.action() == Action.SKIP);
        }
    }

    /** The random cases mean something only if they reach every outcome; this checks they do. */
    @org.junit.jupiter.api.Test
    void randomCasesReachEveryOutcome() {
        Map<String, Integer> seen = new java.util.TreeMap<>();
        seeds().forEach(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            World world = RandomWorlds.world(r, true);
            ReferenceEvaluator ev = new ReferenceEvaluator(world, EvaluatorSettings.DEFAULT);
            for (Packet p : RandomWorlds.packets(r, world, 120, false)) {
                Verdict v = ev.evaluate(p);
                seen.merge(v.action() + (v.stage() == null ? "" : " " + v.stage()), 1, Integer::sum);
                if (v.action() == Action.SKIP) {
                    seen.merge("skip " + v.reason(), 1, Integer::sum);
                }
                if (v.trace().stream().anyMatch(d -> d.decidedBy().equals(ReferenceEvaluator.CONNTRACK))) {
                    seen.merge("conntrack", 1, Integer::sum);
                }
                if (v.trace().stream().anyMatch(d -> d.decidedBy().equals(ReferenceEvaluator.SAME_SUBNET))) {
                    seen.merge("same subnet", 1, Integer::sum);
                }
            }
        });
        assertThat(seen).as("outcomes over all seeds").containsKeys("ACCEPT", "REJECT SG_EGRESS", "REJECT NACL_EGRESS",
                "REJECT NACL_INGRESS", "REJECT SG_INGRESS", "REJECT CONNTRACK_ALLOWANCE", "skip no-eni",
                "skip reserved-address", "conntrack", "same subnet");
        assertThat(seen.get("ACCEPT")).as("accepted packets over all seeds: %s", seen).isGreaterThan(1000);
    }

    private static void assertSameVerdicts(long seed, World world, World shuffled, List<Packet> packets) {
        ReferenceEvaluator one = new ReferenceEvaluator(world, EvaluatorSettings.DEFAULT);
        ReferenceEvaluator two = new ReferenceEvaluator(shuffled, EvaluatorSettings.DEFAULT);
        for (int i = 0; i < packets.size(); i++) {
            Packet p = packets.get(i);
            assertThat(two.evaluate(p)).as("seed %d, packet %d %s", seed, i, p).isEqualTo(one.evaluate(p));
        }
        assertThat(two.counters()).as("seed %d: counters", seed).isEqualTo(one.counters());
    }

    private static <T> List<T> shuffled(List<T> list, SplittableRandom r) {
        List<T> copy = new ArrayList<>(list);
        for (int i = copy.size() - 1; i > 0; i--) {
            Collections.swap(copy, i, r.nextInt(i + 1));
        }
        return copy;
    }

    static World shuffleGroupsAndRules(World w, SplittableRandom r) {
        Map<String, SecurityGroup> groups = new LinkedHashMap<>();
        for (String id : shuffled(new ArrayList<>(w.securityGroups().keySet()), r)) {
            SecurityGroup g = w.securityGroups().get(id);
            groups.put(id, new SecurityGroup(g.id(), g.name(), g.vpcId(), g.ownerId(),
                    shuffled(g.ingress(), r), shuffled(g.egress(), r)));
        }
        Map<String, NetworkInterface> enis = new LinkedHashMap<>();
        w.networkInterfaces().forEach((id, e) -> enis.put(id, e.withGroups(shuffled(e.groupIds(), r))));
        return new World(w.vpcs(), w.subnets(), w.networkAcls(), groups, enis, w.prefixLists());
    }

    static World shuffleNaclEntries(World w, SplittableRandom r) {
        return w.mapNetworkAcls(acl -> new NetworkAcl(acl.id(), acl.vpcId(), acl.isDefault(),
                shuffled(acl.entries(), r), acl.subnetIds()));
    }

    /** Random small worlds and packet sequences over them. */
    static final class RandomWorlds {

        private static final String[] EXTERNAL_V4 = {"203.0.113.5", "198.51.100.7", "192.0.2.1"};
        private static final String[] EXTERNAL_V6 = {"2001:db8::5", "2001:db8::6"};
        private static final String[] PEERS = {"0.0.0.0/0", "0.0.0.0/0", "0.0.0.0/0", "10.0.0.0/16", "10.0.0.0/16",
                "::/0", "10.0.0.0/16", "10.0.1.0/24", "203.0.113.0/24",
                "2600:1f18:0:100::/56", "sg-0", "sg-1", "sg-2", "sg-3", "pl-1"};
        private static final int[][] PORTS = {{22, 22}, {80, 80}, {443, 443}, {1024, 65535}, {0, 65535}, {40000, 40001}};
        private static final int[][] ICMP = {{-1, -1}, {8, -1}, {0, -1}, {3, 4}, {-1, 4}, {3, -1}, {128, -1}, {129, -1}};
        private static final String[] NACL_CIDRS = {"0.0.0.0/0", "10.0.0.0/16", "203.0.113.0/24", "::/0", "10.0.1.0/24"};
        private static final String[] NACL_PORTS = {null, "22", "1024-65535", "0-1023", "80-443"};
        private static final int[] FLAGS = {Packet.SYN, Packet.SYN | Packet.ACK, Packet.ACK, Packet.FIN | Packet.ACK,
                Packet.RST, Packet.PSH | Packet.ACK};

        private RandomWorlds() {
        }

        static SgRule rule(SplittableRandom r, boolean egress, int index) {
            String[] protocols = {"-1", "-1", "tcp", "tcp", "udp", "icmp", "icmpv6", "47"};
            int protocol = Protocols.parse(protocols[r.nextInt(protocols.length)]);
            int from = -1;
            int to = -1;
            if (Protocols.hasPorts(protocol)) {
                int[] p = PORTS[r.nextInt(PORTS.length)];
                from = p[0];
                to = p[1];
            } else if (Protocols.isIcmp(protocol)) {
                int[] p = ICMP[r.nextInt(ICMP.length)];
                from = p[0];
                to = p[1];
            }
            String ruleId = r.nextInt(3) == 0 ? "sgr-" + Integer.toHexString(r.nextInt(1 << 20)) : null;
            return new SgRule(ruleId, egress, protocol, from, to, TestWorld.peer(PEERS[r.nextInt(PEERS.length)]), null, index);
        }

        static World world(SplittableRandom r, boolean allowances) {
            TestWorld t = new TestWorld();
            t.vpc("vpc-1", "10.0.0.0/16", "2600:1f18:0:100::/56");
            int subnets = 1 + r.nextInt(3);
            for (int s = 0; s < subnets; s++) {
                t.subnet("subnet-" + s, "vpc-1", "10.0." + s + ".0/24", "2600:1f18:0:10" + s + "::/64", "us-east-1a", "use1-az1");
            }
            t.prefixList("pl-1", "198.51.100.0/24", "10.0.1.0/24");
            for (int g = 0; g < 4; g++) {
                TestWorld.Sg sg = t.sg("sg-" + g);
                int in = r.nextInt(6);
                int out = 1 + r.nextInt(5);
                for (int i = 0; i < in; i++) {
                    sg.in.add(rule(r, false, i));
                }
                for (int i = 0; i < out; i++) {
                    sg.out.add(rule(r, true, i));
                }
            }
            t.nacl("acl-default", "vpc-1", true).allowAll();
            for (int s = 0; s < subnets; s++) {
                if (r.nextBoolean()) {
                    TestWorld.Acl acl = t.nacl("acl-" + s, "vpc-1", false, "subnet-" + s);
                    for (boolean egress : new boolean[] {false, true}) {
                        List<Integer> numbers = new ArrayList<>();
                        for (int n = 1; n <= 20; n++) {
                            numbers.add(n * 10);
                        }
                        int count = r.nextInt(7);
                        for (int e = 0; e < count; e++) {
                            int number = numbers.remove(r.nextInt(numbers.size()));
                            acl.entries.add(naclEntry(r, number, egress));
                        }
                    }
                }
            }
            int enis = 2 + r.nextInt(4);
            for (int i = 0; i < enis; i++) {
                int s = r.nextInt(subnets);
                List<String> groups = new ArrayList<>(List.of("sg-0", "sg-1", "sg-2", "sg-3"));
                int keep = 1 + r.nextInt(3);
                List<String> mine = new ArrayList<>();
                for (int k = 0; k < keep; k++) {
                    mine.add(groups.remove(r.nextInt(groups.size())));
                }
                TestWorld.Eni e = t.eni("eni-" + i, "subnet-" + s, "10.0." + s + "." + (10 + i), mine.toArray(String[]::new));
                e.ipv6("2600:1f18:0:10" + s + "::" + (10 + i));
                if (r.nextInt(3) == 0) {
                    e.secondary("10.0." + s + "." + (100 + i));
                }
                if (r.nextInt(4) == 0) {
                    e.publicIp("54.0.0." + (10 + i));
                }
                if (r.nextInt(10) == 0) {
                    e.type("natGateway");
                }
                if (allowances && r.nextInt(3) == 0) {
                    e.maxTracked(1 + r.nextInt(3));
                }
            }
            return t.build();
        }

        private static NaclEntry naclEntry(SplittableRandom r, int number, boolean egress) {
            String[] protocols = {"-1", "tcp", "udp", "icmp", "icmpv6"};
            String protocol = protocols[r.nextInt(protocols.length)];
            int p = Protocols.parse(protocol);
            String ports = Protocols.hasPorts(p) ? NACL_PORTS[r.nextInt(NACL_PORTS.length)] : null;
            int type = -1;
            int code = -1;
            if (Protocols.isIcmp(p)) {
                int[] tc = ICMP[r.nextInt(ICMP.length)];
                type = tc[0];
                code = tc[1];
            }
            return TestWorld.Acl.entry(number, egress, protocol, r.nextInt(10) < 7,
                    NACL_CIDRS[r.nextInt(NACL_CIDRS.length)], ports, type, code);
        }

        /**
         * A packet sequence: fresh packets between ENI and external addresses, and (a third, or half for
         * a short span) packets of a flow already seen, in either direction. {@code shortSpan}: all within 4.9 s; otherwise
         * steps of up to 2 s with an occasional jump of 40-70 s so that entries expire.
         */
        static List<Packet> packets(SplittableRandom r, World w, int n, boolean shortSpan) {
            List<IpAddress> v4 = new ArrayList<>();
            List<IpAddress> v6 = new ArrayList<>();
            for (NetworkInterface e : w.networkInterfaces().values()) {
                for (IpAddress a : e.privateAddresses()) {
                    (a.isV4() ? v4 : v6).add(a);
                }
                v4.addAll(e.publicIps().keySet());
            }
            for (String x : EXTERNAL_V4) {
                v4.add(IpAddress.parse(x));
            }
            for (String x : EXTERNAL_V6) {
                v6.add(IpAddress.parse(x));
            }
            List<Packet> out = new ArrayList<>();
            double time = 1_000;
            for (int i = 0; i < n; i++) {
                if (shortSpan) {
                    time += 4.9 / n;
                } else {
                    time += r.nextInt(20) == 0 ? 40 + r.nextDouble() * 30 : r.nextDouble() * 2;
                }
                long nanos = Packet.seconds(time);
                if (!out.isEmpty() && r.nextInt(shortSpan ? 2 : 3) == 0) {
                    Packet prev = out.get(r.nextInt(out.size()));
                    out.add(again(r, prev, nanos));
                    continue;
                }
                List<IpAddress> hosts = r.nextInt(5) == 0 ? v6 : v4;
                IpAddress src = hosts.get(r.nextInt(hosts.size()));
                IpAddress dst = hosts.get(r.nextInt(hosts.size()));
                if (src.equals(dst)) {
                    dst = hosts.get((hosts.indexOf(src) + 1) % hosts.size());
                }
                out.add(fresh(r, src, dst, nanos));
            }
            return out;
        }

        private static Packet fresh(SplittableRandom r, IpAddress src, IpAddress dst, long nanos) {
            int[] sports = {40000, 40001, 40002, 22, 443, 68};
            int[] dports = {22, 80, 443, 40000, 53, 67};
            int kind = r.nextInt(20);
            int len = 40 + r.nextInt(1460);
            if (kind < 9) {
                return new Packet(nanos, Protocols.TCP, src, dst, sports[r.nextInt(sports.length)],
                        dports[r.nextInt(dports.length)], -1, -1, -1, FLAGS[r.nextInt(FLAGS.length)], len);
            }
            if (kind < 14) {
                return new Packet(nanos, Protocols.UDP, src, dst, sports[r.nextInt(sports.length)],
                        dports[r.nextInt(dports.length)], -1, -1, -1, -1, len);
            }
            if (kind < 19) {
                int protocol = src.isV4() ? Protocols.ICMP : Protocols.ICMPV6;
                int[][] messages = src.isV4() ? new int[][] {{8, 0}, {0, 0}, {3, 4}, {11, 0}, {13, 0}}
                        : new int[][] {{128, 0}, {129, 0}, {2, 0}, {1, 4}, {135, 0}};
                int[] m = messages[r.nextInt(messages.length)];
                boolean echo = m[0] == 8 || m[0] == 0 || m[0] == 128 || m[0] == 129;
                return new Packet(nanos, protocol, src, dst, -1, -1, m[0], m[1], echo ? 1 + r.nextInt(2) : -1, -1, len);
            }
            return new Packet(nanos, 47, src, dst, -1, -1, -1, -1, -1, -1, len);
        }

        /** Another packet of {@code prev}'s flow: the same direction or the reverse, with new flags. */
        private static Packet again(SplittableRandom r, Packet prev, long nanos) {
            Packet p = r.nextBoolean() ? prev.reversed() : prev;
            int flags = p.protocol() == Protocols.TCP ? FLAGS[r.nextInt(FLAGS.length)] : -1;
            int type = p.icmpType();
            if (p.isIcmpEcho() && p != prev) {
                type = switch (type) {
                    case 8 -> 0;
                    case 0 -> 8;
                    case 128 -> 129;
                    case 129 -> 128;
                    default -> type;
                };
            }
            return new Packet(nanos, p.protocol(), p.src(), p.dst(), p.srcPort(), p.dstPort(), type, p.icmpCode(),
                    p.icmpId(), flags, p.length());
        }
    }
}
