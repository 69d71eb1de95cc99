package io.sgemu.control.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.sgemu.control.compile.PolicyCompiler;
import io.sgemu.control.model.ConnTrackConfig;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.IpAddress;
import io.sgemu.dataplane.policy.Policy;
import io.sgemu.dataplane.policy.PolicySnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The compiled policy against the reference, function by function, over seeded random worlds and packets:
 * every answer of {@link PolicySnapshot} must equal the reference's reading of the same world
 * ({@code SecurityGroupRules.matching(..).isEmpty()}, {@code untracked}, {@code NetworkAclRules.decide},
 * {@code AddressBook}, {@code ReservedAddresses.isReserved}). The seed is in every failure message.
 */
class CompiledDifferentialTest {

    private static final int PACKETS = 1000;

    static LongStream seeds() {
        return LongStream.range(0, 200).map(i -> 0xC0DE_0000L + i * 104_729);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void compiledPolicyAgreesWithTheReference(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        World world = CompiledWorlds.world(r);
        String region = r.nextInt(4) == 0 ? "eu-central-1" : null;
        // Small tries: the trie layouts are reached by the random worlds' few prefixes too.
        PolicyCompiler compiler = r.nextBoolean() ? new PolicyCompiler()
                : new PolicyCompiler(r.nextBoolean() ? 0 : 1 << 20, 1 + r.nextInt(4));
        PolicySnapshot s = compiler.compile(world, region, null);
        Tally t = new Tally();
        check(seed, world, region, s, r, PACKETS, t);
        assertThat(t.checks).as("seed %d: checks made", seed).isGreaterThan(PACKETS);
    }

    /** The random cases mean something only if they reach every outcome of every function. */
    @Test
    void randomCasesReachEveryOutcome() {
        Tally t = new Tally();
        t.detailed = true;
        seeds().limit(60).forEach(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            World world = CompiledWorlds.world(r);
            PolicySnapshot s = new PolicyCompiler(0, 2).compile(world, null, null);
            check(seed, world, null, s, r, 300, t);
        });
        assertThat(t.outcomes).as("outcomes over 60 seeds").containsKeys("sg allows", "sg denies",
                "sg allows by reference", "untracked", "tracked", "nacl allows", "nacl denies", "nacl trie",
                "address public", "address private", "address external", "address collision", "reserved",
                "not reserved", "composite policy", "logged secondary");
    }

    static final class Tally {
        long checks;
        boolean detailed;
        final Map<String, Integer> outcomes = new TreeMap<>();

        void saw(String what) {
            outcomes.merge(what, 1, Integer::sum);
        }
    }

    static void check(long seed, World world, String region, PolicySnapshot s, SplittableRandom r, int packets, Tally t) {
        AddressBook book = new AddressBook(world, region);
        SecurityGroupRules rules = new SecurityGroupRules(book);
        List<NetworkInterface> enis = new ArrayList<>(world.networkInterfaces().values());
        int[] numbers = new int[enis.size()];
        for (int i = 0; i < enis.size(); i++) {
            NetworkInterface eni = enis.get(i);
            int n = s.eniNumber(eni.id());
            numbers[i] = n;
            ConnTrackConfig ct = eni.connTrack() != null ? eni.connTrack() : ConnTrackConfig.DEFAULT;
            expect(seed, "flow-log ENI of " + eni.id(), book.flowLogEni(eni), s.flowLogEni(n));
            expect(seed, "tracks every flow " + eni.id(), eni.tracksEveryFlow(), s.tracksEveryFlow(n));
            expect(seed, "allowance " + eni.id(), ct.maxTrackedConnections(), s.maxTrackedConnections(n));
            expect(seed, "tcp timeout " + eni.id(), ct.tcpEstablishedTimeout(), s.tcpEstablishedTimeoutSeconds(n));
            expect(seed, "udp timeout " + eni.id(), ct.udpTimeout(), s.udpTimeoutSeconds(n));
            expect(seed, "udp stream timeout " + eni.id(), ct.udpStreamTimeout(), s.udpStreamTimeoutSeconds(n));
            expect(seed, "subnet of " + eni.id(), eni.subnetId(), s.subnetId(s.eniSubnet(n)));
            if (s.ruleTables(n).length > 1) {
                t.saw("composite policy");
            }
        }
        List<String> groupIds = new ArrayList<>(world.securityGroups().keySet());
        groupIds.add("sg-unknown");
        List<IpAddress>[] addresses = CompiledWorlds.addresses(world, r);
        for (List<IpAddress> family : addresses) {
            for (IpAddress a : family) {
                checkAddress(seed, book, s, a, groupIds, t);
            }
        }
        for (int i = 0; i < packets; i++) {
            Packet p = CompiledWorlds.packet(r, addresses);
            String what = "packet " + i + " " + p;
            int family = p.src().family();
            NetworkInterface a = book.eniOf(p.src());
            NetworkInterface b = book.eniOf(p.dst());
            int ea = a == null ? Policy.NONE : s.eniNumber(a.id());
            int eb = b == null ? Policy.NONE : s.eniNumber(b.id());
            expect(seed, what + ": source ENI", ea, eniOf(s, p.src()));
            expect(seed, what + ": destination ENI", eb, eniOf(s, p.dst()));
            boolean reserved = ReservedAddresses.isReserved(p, a, b, book);
            expect(seed, what + ": reserved", reserved, s.isReserved(family, p.src().hi(), p.src().lo(), p.dst().hi(),
                    p.dst().lo(), p.protocol(), p.srcPort(), p.dstPort(), ea, eb));
            t.saw(reserved ? "reserved" : "not reserved");

            // The ends' ENIs and one more, in both directions.
            int other = r.nextInt(enis.size());
            for (int k = 0; k < 3; k++) {
                NetworkInterface eni = k == 0 ? a : (k == 1 ? b : enis.get(other));
                if (eni == null) {
                    continue;
                }
                int n = s.eniNumber(eni.id());
                for (boolean egress : new boolean[] {false, true}) {
                    IpAddress remote = SecurityGroupRules.remote(p, egress);
                    int entry = s.findAddress(remote.family(), remote.hi(), remote.lo());
                    int identity = entry == Policy.NONE ? Policy.NONE : s.identity(entry);
                    boolean ref = !rules.matching(eni, egress, p).isEmpty();
                    boolean got = s.securityGroupAllows(n, egress, family, remote.hi(), remote.lo(), identity,
                            p.protocol(), p.dstPort(), p.icmpType(), p.icmpCode());
                    expect(seed, what + ": sg " + (egress ? "egress" : "ingress") + " of " + eni.id(), ref, got);
                    t.saw(ref ? "sg allows" : "sg denies");
                    t.checks++;
                    if (t.detailed && ref && !anyNonReferenceMatch(rules, eni, egress, p)) {
                        t.saw("sg allows by reference");
                    }
                    boolean untracked = rules.untracked(eni, egress, p);
                    expect(seed, what + ": untracked " + (egress ? "egress" : "ingress") + " of " + eni.id(), untracked,
                            s.untracked(n, egress, family, remote.hi(), remote.lo(), p.protocol(), p.srcPort(),
                                    p.dstPort()));
                    if (ref) {
                        t.saw(untracked ? "untracked" : "tracked");
                    }
                }
            }
            int subnet = r.nextInt(s.subnetCount());
            for (int k = 0; k < 3; k++) {
                int sn = k == 0 ? (a == null ? -1 : s.eniSubnet(ea)) : (k == 1 ? (b == null ? -1 : s.eniSubnet(eb)) : subnet);
                if (sn < 0) {
                    continue;
                }
                String subnetId = s.subnetId(sn);
                for (boolean egress : new boolean[] {false, true}) {
                    IpAddress remote = egress ? p.dst() : p.src();
                    boolean ref = NetworkAclRules.decide(world.naclOf(subnetId), subnetId, egress, p).allowed();
                    expect(seed, what + ": nacl " + (egress ? "egress" : "ingress") + " of " + subnetId, ref,
                            s.networkAclAllows(sn, egress, family, remote.hi(), remote.lo(), p.protocol(), p.dstPort(),
                                    p.icmpType(), p.icmpCode()));
                    t.saw(ref ? "nacl allows" : "nacl denies");
                    var acl = world.naclOf(subnetId);
                    if (t.detailed && acl != null && acl.entries().stream().filter(e -> e.egress() == egress).count()
                            > io.sgemu.dataplane.policy.NetworkAclTable.LINEAR_LIMIT) {
                        t.saw("nacl trie");
                    }
                }
            }
        }
    }

    private static boolean anyNonReferenceMatch(SecurityGroupRules rules, NetworkInterface eni, boolean egress, Packet p) {
        return rules.matching(eni, egress, p).stream()
                .anyMatch(m -> !(m.rule().peer() instanceof io.sgemu.control.model.Peer.GroupPeer));
    }

    private static int eniOf(PolicySnapshot s, IpAddress a) {
        int entry = s.findAddress(a.family(), a.hi(), a.lo());
        return entry == Policy.NONE ? Policy.NONE : s.addressEni(entry);
    }

    private static void checkAddress(long seed, AddressBook book, PolicySnapshot s, IpAddress a, List<String> groupIds,
                                     Tally t) {
        NetworkInterface eni = book.eniOf(a);
        int entry = s.findAddress(a.family(), a.hi(), a.lo());
        if (eni == null) {
            expect(seed, a + ": external", Policy.NONE, entry);
            t.saw("address external");
            return;
        }
        if (entry == Policy.NONE) {
            fail("seed " + seed + ": " + a + " belongs to " + eni.id() + " but the snapshot has no entry");
        }
        expect(seed, a + ": owner", eni.id(), s.eniId(s.addressEni(entry)));
        boolean isPrivate = eni.privateAddresses().contains(a);
        expect(seed, a + ": public", !isPrivate, s.addressIsPublic(entry));
        t.saw(isPrivate ? "address private" : "address public");
        long claims = book.world().networkInterfaces().values().stream()
                .filter(e -> e.privateAddresses().contains(a) || e.publicIps().containsKey(a)).count();
        if (claims > 1) {
            t.saw("address collision");
        }
        IpAddress own = AddressBook.ownView(eni, a);
        expect(seed, a + ": own view", own, new IpAddress(a.family(), s.ownViewHi(entry), s.ownViewLo(entry)));
        IpAddress logged = AddressBook.logged(eni, a);
        expect(seed, a + ": logged", logged, new IpAddress(a.family(), s.loggedHi(entry), s.loggedLo(entry)));
        if (!logged.equals(own)) {
            t.saw("logged secondary");
        }
        int identity = s.identity(entry);
        if (!isPrivate) {
            expect(seed, a + ": identity of a public address", Policy.NONE, identity);
        }
        for (String g : groupIds) {
            int number = PolicyCompiler.groupNumber(s, g);
            boolean member = identity != Policy.NONE && number != Policy.NONE
                    && java.util.Arrays.binarySearch(s.identityGroups(identity), number) >= 0;
            expect(seed, a + ": member of " + g, book.isMemberOf(g, a), member);
        }
    }

    private static void expect(long seed, String what, Object reference, Object compiled) {
        if (!java.util.Objects.equals(reference, compiled)) {
            fail("seed " + seed + ": " + what + ": reference " + reference + ", compiled " + compiled);
        }
    }
}
