package io.sgemu.control.reference;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.control.compile.PolicyCompiler;
import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.PrefixList;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;
import io.sgemu.dataplane.policy.Policy;
import io.sgemu.dataplane.policy.PolicySnapshot;
import io.sgemu.dataplane.policy.RuleTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Incremental compilation: a snapshot compiled from the previous one answers as the reference does for
 * the new world, keeps ENI numbers, and reuses what did not change (identities make a membership change
 * an address-table change only: the tables of the rules that reference the group are the same objects).
 */
class CompiledIncrementalTest {

    private static final String DB_PORT_FROM_WEB = "sg-db";

    /** web (443 from anywhere), db (5432 from sg-web), app (8080 from sg-web). */
    private static TestWorld threeTier() {
        TestWorld t = new TestWorld();
        t.vpc("vpc-1", "10.0.0.0/16");
        t.subnet("subnet-a", "vpc-1", "10.0.1.0/24");
        t.sg("sg-web").in("tcp", 443, 443, "0.0.0.0/0").allOut();
        t.sg(DB_PORT_FROM_WEB).in("tcp", 5432, 5432, "sg-web").allOut();
        t.sg("sg-app").in("tcp", 8080, 8080, "sg-web").allOut();
        t.eni("eni-web", "subnet-a", "10.0.1.10", "sg-web");
        t.eni("eni-db", "subnet-a", "10.0.1.20", "sg-db");
        t.eni("eni-app", "subnet-a", "10.0.1.30", "sg-app");
        t.eni("eni-both", "subnet-a", "10.0.1.40", "sg-web", "sg-app");
        return t;
    }

    private static boolean dbAdmits(PolicySnapshot s, String from, int port) {
        IpAddress a = IpAddress.parse(from);
        int entry = s.findAddress(4, 0, a.lo());
        int identity = entry == Policy.NONE ? Policy.NONE : s.identity(entry);
        return s.securityGroupAllows(s.eniNumber("eni-db"), false, 4, 0, a.lo(), identity, 6, port, -1, -1);
    }

    @Test
    void sg2_membershipChangeReusesEveryRuleTableAndTakesEffectAtOnce() {
        TestWorld t = threeTier();
        PolicyCompiler compiler = new PolicyCompiler();
        PolicySnapshot before = compiler.compile(t.build(), null, null);
        assertThat(dbAdmits(before, "10.0.1.30", 5432)).as("eni-app is not in sg-web yet").isFalse();

        // ModifyNetworkInterfaceAttribute Groups: eni-app joins sg-web (its set is now eni-web's).
        t.eni("eni-app").groups("sg-web");
        PolicySnapshot after = compiler.compile(t.build(), null, before);

        assertThat(dbAdmits(after, "10.0.1.30", 5432)).as("eni-app's address matches sg-web references at once").isTrue();
        assertThat(dbAdmits(after, "10.0.1.30", 5433)).isFalse();
        for (String eni : List.of("eni-web", "eni-db", "eni-both")) {
            assertSameTables(before, after, eni);
        }
        assertThat(after.ruleTables(after.eniNumber("eni-app")))
                .as("eni-app now shares eni-web's compiled table").containsExactly(before.ruleTables(before.eniNumber("eni-web")));
    }

    @Test
    void sg2_aNewGroupCombinationCompilesOneTableAndReusesTheOthers() {
        TestWorld t = threeTier();
        PolicyCompiler compiler = new PolicyCompiler();
        PolicySnapshot before = compiler.compile(t.build(), null, null);
        t.eni("eni-app").groups("sg-app", "sg-db");
        PolicySnapshot after = compiler.compile(t.build(), null, before);
        for (String eni : List.of("eni-web", "eni-db", "eni-both")) {
            assertSameTables(before, after, eni);
        }
        RuleTable[] app = after.ruleTables(after.eniNumber("eni-app"));
        assertThat(app).hasSize(1);
        assertThat(app[0]).isNotSameAs(before.ruleTables(before.eniNumber("eni-app"))[0]);
        assertThat(app[0].ruleCount()).as("sg-app's and sg-db's rules merged").isEqualTo(4);
    }

    @Test
    void sg2_aRuleChangeRecompilesOnlyTheTablesOfThatGroup() {
        TestWorld t = threeTier();
        PolicyCompiler compiler = new PolicyCompiler();
        PolicySnapshot before = compiler.compile(t.build(), null, null);
        t.sg(DB_PORT_FROM_WEB).in("tcp", 5433, 5433, "sg-web");
        PolicySnapshot after = compiler.compile(t.build(), null, before);
        assertThat(after.ruleTables(after.eniNumber("eni-db"))[0])
                .isNotSameAs(before.ruleTables(before.eniNumber("eni-db"))[0]);
        assertThat(dbAdmits(after, "10.0.1.10", 5433)).isTrue();
        assertThat(dbAdmits(before, "10.0.1.10", 5433)).isFalse();
        for (String eni : List.of("eni-web", "eni-app", "eni-both")) {
            assertSameTables(before, after, eni);
        }
    }

    @Test
    void sg2_aPrefixListChangeRecompilesTheTablesThatNameIt() {
        TestWorld t = threeTier();
        t.prefixList("pl-office", "198.51.100.0/24");
        t.sg("sg-app").in("tcp", 22, 22, "pl-office");
        PolicyCompiler compiler = new PolicyCompiler();
        PolicySnapshot before = compiler.compile(t.build(), null, null);
        t.prefixList("pl-office", "198.51.100.0/24", "192.0.2.0/24");
        PolicySnapshot after = compiler.compile(t.build(), null, before);
        assertThat(after.ruleTables(after.eniNumber("eni-app"))[0])
                .isNotSameAs(before.ruleTables(before.eniNumber("eni-app"))[0]);
        assertSameTables(before, after, "eni-db");
        assertSameTables(before, after, "eni-web");
        IpAddress office = IpAddress.parse("192.0.2.7");
        int app = after.eniNumber("eni-app");
        assertThat(after.securityGroupAllows(app, false, 4, 0, office.lo(), Policy.NONE, 6, 22, -1, -1)).isTrue();
        assertThat(before.securityGroupAllows(app, false, 4, 0, office.lo(), Policy.NONE, 6, 22, -1, -1)).isFalse();
    }

    /**
     * A change made with World's with-steps is compiled as a patch of the previous snapshot: the connection
     * tracking settings stay the same arrays (workers need not list their connections again), and the result
     * answers as a whole compilation of the same world does.
     */
    @Test
    void sg2_aChangeByWithStepsPatchesThePreviousSnapshot() {
        PolicyCompiler compiler = new PolicyCompiler();
        World w0 = threeTier().build();
        PolicySnapshot s0 = compiler.compile(w0, null, null);
        World w1 = w0.withNetworkInterface(w0.networkInterfaces().get("eni-app").withGroups(List.of("sg-app", "sg-web")));
        PolicySnapshot s1 = compiler.compile(w1, null, s0);
        assertThat(s1.sameTimeouts(s0)).as("a membership change is a patch").isTrue();
        assertThat(w1.origin()).as("the compiled world forgets its parent").isNull();
        assertThat(dbAdmits(s1, "10.0.1.30", 5432)).as("eni-app now matches sg-web references").isTrue();
        assertThat(dbAdmits(s0, "10.0.1.30", 5432)).as("the previous snapshot is unchanged").isFalse();

        SecurityGroup db = w1.securityGroups().get(DB_PORT_FROM_WEB);
        List<SgRule> in = new ArrayList<>(db.ingress());
        in.add(new SgRule(null, false, 6, 22, 22, new io.sgemu.control.model.Peer.CidrPeer(Cidr.parse("10.0.1.30/32")),
                null, in.size()));
        World w2 = w1.withSecurityGroup(new SecurityGroup(db.id(), db.name(), db.vpcId(), db.ownerId(), in, db.egress()));
        PolicySnapshot s2 = compiler.compile(w2, null, s1);
        assertThat(s2.sameTimeouts(s1)).as("a rule change is a patch").isTrue();
        assertThat(dbAdmits(s2, "10.0.1.30", 22)).isTrue();
        assertThat(dbAdmits(s1, "10.0.1.30", 22)).isFalse();
        assertSameTables(s1, s2, "eni-web");

        World copy = new World(w2.vpcs(), w2.subnets(), w2.networkAcls(), w2.securityGroups(), w2.networkInterfaces(),
                w2.prefixLists());
        PolicySnapshot whole = compiler.compile(copy, null, s2);
        assertThat(whole.sameTimeouts(s2)).as("a world without lineage is compiled whole").isFalse();
        for (String from : List.of("10.0.1.10", "10.0.1.30", "10.0.1.40", "192.0.2.1")) {
            for (int port : new int[] {22, 5432, 8080}) {
                assertThat(dbAdmits(s2, from, port)).as("%s:%d", from, port).isEqualTo(dbAdmits(whole, from, port));
            }
        }
    }

    @Test
    void eniNumbersStayWhileTheEniExistsAndARemovedOneLeavesAHole() {
        TestWorld t = threeTier();
        PolicyCompiler compiler = new PolicyCompiler();
        PolicySnapshot s1 = compiler.compile(t.build(), null, null);
        Map<String, Integer> numbers = new LinkedHashMap<>();
        for (String id : List.of("eni-web", "eni-db", "eni-app", "eni-both")) {
            numbers.put(id, s1.eniNumber(id));
        }
        assertThat(numbers.values()).containsExactlyInAnyOrder(0, 1, 2, 3);

        t.removeEni("eni-db");
        t.eni("eni-new", "subnet-a", "10.0.1.20", "sg-web"); // takes eni-db's address
        PolicySnapshot s2 = compiler.compile(t.build(), null, s1);
        int hole = numbers.get("eni-db");
        for (String id : List.of("eni-web", "eni-app", "eni-both")) {
            assertThat(s2.eniNumber(id)).as(id).isEqualTo(numbers.get(id));
        }
        assertThat(s2.eniNumber("eni-new")).as("a new ENI gets a new number").isEqualTo(4);
        assertThat(s2.eniCount()).isEqualTo(5);
        assertThat(s2.eniId(hole)).isNull();
        int entry = s2.findAddress(4, 0, IpAddress.parse("10.0.1.20").lo());
        assertThat(s2.addressEni(entry)).as("the hole owns no address").isEqualTo(4);
        for (NetworkInterface eni : t.build().networkInterfaces().values()) {
            for (IpAddress a : eni.privateAddresses()) {
                assertThat(s2.addressEni(s2.findAddress(a.family(), a.hi(), a.lo()))).isNotEqualTo(hole);
            }
        }
        assertThat(s2.securityGroupAllows(hole, false, 4, 0, 1, Policy.NONE, -1, -1, -1, -1)).isFalse();

        t.eni("eni-db", "subnet-a", "10.0.1.21", "sg-db"); // comes back: a new number, the hole stays
        PolicySnapshot s3 = compiler.compile(t.build(), null, s2);
        assertThat(s3.eniNumber("eni-db")).isEqualTo(5);
        assertThat(s3.eniId(hole)).isNull();
        assertThat(s3.eniNumber("eni-new")).isEqualTo(4);
    }

    private static void assertSameTables(PolicySnapshot before, PolicySnapshot after, String eni) {
        RuleTable[] a = before.ruleTables(before.eniNumber(eni));
        RuleTable[] b = after.ruleTables(after.eniNumber(eni));
        assertThat(b).as(eni + ": rule tables").hasSameSizeAs(a);
        for (int i = 0; i < a.length; i++) {
            assertThat(b[i]).as(eni + ": rule table " + i + " is the same object").isSameAs(a[i]);
        }
    }

    static LongStream seeds() {
        return LongStream.range(0, 60).map(i -> 0x1DC0_0000L + i * 7_919);
    }

    /** Random changes one after another; every snapshot, compiled from the previous, agrees with the reference. */
    @ParameterizedTest
    @MethodSource("seeds")
    void incrementalSnapshotsAgreeWithTheReference(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        World world = CompiledWorlds.world(r);
        PolicyCompiler compiler = r.nextBoolean() ? new PolicyCompiler() : new PolicyCompiler(0, 2);
        PolicySnapshot s = compiler.compile(world, null, null);
        CompiledDifferentialTest.Tally t = new CompiledDifferentialTest.Tally();
        Map<String, Integer> numbers = numbers(world, s);
        for (int step = 0; step < 12; step++) {
            World next = change(world, r);
            PolicySnapshot n = compiler.compile(next, null, s);
            for (Map.Entry<String, Integer> e : numbers.entrySet()) {
                if (next.networkInterfaces().containsKey(e.getKey())) {
                    assertThat(n.eniNumber(e.getKey())).as("seed %d step %d: number of %s", seed, step, e.getKey())
                            .isEqualTo(e.getValue());
                }
            }
            CompiledDifferentialTest.check(seed, next, null, n, r, 150, t);
            world = next;
            s = n;
            numbers.putAll(numbers(world, s));
        }
        assertThat(t.checks).as("seed %d: checks", seed).isPositive();
    }

    /**
     * A reloaded world (no lineage) is rebased onto the running one: equal in value to the file's, made by
     * with-steps for what differs, so that it compiles as a change, and the snapshot agrees with the reference.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void aReloadedWorldRebasedOntoTheRunningOneCompilesAsAChange(long seed) {
        SplittableRandom r = new SplittableRandom(seed ^ 0x5EED);
        World running = CompiledWorlds.world(r);
        PolicyCompiler compiler = new PolicyCompiler();
        PolicySnapshot s = compiler.compile(running, null, null);
        World edited = running;
        for (int k = 1 + r.nextInt(4); k > 0; k--) {
            edited = change(edited, r);
        }
        World file = new World(edited.vpcs(), edited.subnets(), edited.networkAcls(), edited.securityGroups(),
                edited.networkInterfaces(), edited.prefixLists()); // as loaded from files: no lineage
        World rebased = running.rebasedTo(file);
        assertThat(rebased).as("seed %d: the rebased world is the file's", seed).isEqualTo(file);
        if (rebased != file) {
            assertThat(rebased.changesSince(running, Integer.MAX_VALUE)).as("seed %d: made from the running world", seed)
                    .isNotNull();
        }
        PolicySnapshot n = compiler.compile(rebased, null, s);
        CompiledDifferentialTest.check(seed, file, null, n, r, 150, new CompiledDifferentialTest.Tally());
        assertThat(running.rebasedTo(running)).as("seed %d: nothing changed, nothing to do", seed).isSameAs(running);
    }

    private static Map<String, Integer> numbers(World w, PolicySnapshot s) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String id : w.networkInterfaces().keySet()) {
            out.put(id, s.eniNumber(id));
        }
        return out;
    }

    /** One random change: groups of an ENI, a group's rules, a prefix list, an ENI added or removed, a NACL. */
    private static World change(World w, SplittableRandom r) {
        List<NetworkInterface> enis = new ArrayList<>(w.networkInterfaces().values());
        List<String> groupIds = new ArrayList<>(w.securityGroups().keySet());
        switch (r.nextInt(9)) {
            case 6 -> { // connection tracking of an ENI
                NetworkInterface e = enis.get(r.nextInt(enis.size()));
                return w.withNetworkInterface(e.withConnTrack(r.nextBoolean() ? null
                        : new io.sgemu.control.model.ConnTrackConfig(60 + r.nextInt(1000), 30 + r.nextInt(100),
                        60 + r.nextInt(100), r.nextInt(3) * 100L)));
            }
            case 7 -> { // a group created empty, or one deleted (its members and referrers keep naming it)
                if (r.nextBoolean() || groupIds.size() < 2) {
                    SecurityGroup any = w.securityGroups().get(groupIds.get(0));
                    String id = "sg-new" + r.nextInt(1000);
                    return w.withSecurityGroup(new SecurityGroup(id, id, any.vpcId(), any.ownerId(), List.of(),
                            List.of(CompiledWorlds.rule(r, true, 0, id, groupIds))));
                }
                return w.withoutSecurityGroup(groupIds.get(r.nextInt(groupIds.size())));
            }
            case 8 -> { // NACL associations moved (all NACLs touched)
                List<NetworkAcl> acls = new ArrayList<>(w.networkAcls().values());
                if (acls.size() < 2) {
                    return w;
                }
                NetworkAcl to = acls.get(r.nextInt(acls.size()));
                return w.mapNetworkAcls(acl -> acl == to ? acl : acl.withAssociations(List.of(), Map.of()))
                        .mapNetworkAcls(acl -> acl.id().equals(to.id())
                                ? acl.withAssociations(new ArrayList<>(w.subnets().keySet()), Map.of()) : acl);
            }
            case 0 -> {
                NetworkInterface e = enis.get(r.nextInt(enis.size()));
                List<String> groups = new ArrayList<>();
                for (int k = r.nextInt(4); k > 0; k--) {
                    groups.add(groupIds.get(r.nextInt(groupIds.size())));
                }
                return w.withNetworkInterface(e.withGroups(groups));
            }
            case 1 -> {
                String id = groupIds.get(r.nextInt(groupIds.size()));
                SecurityGroup g = w.securityGroups().get(id);
                List<SgRule> in = new ArrayList<>(g.ingress());
                if (!in.isEmpty() && r.nextBoolean()) {
                    in.remove(r.nextInt(in.size()));
                } else {
                    in.add(CompiledWorlds.rule(r, false, in.size(), id, groupIds));
                }
                return w.withSecurityGroup(new SecurityGroup(id, g.name(), g.vpcId(), g.ownerId(), in, g.egress()));
            }
            case 2 -> {
                PrefixList pl = w.prefixLists().get("pl-1");
                List<Cidr> entries = new ArrayList<>(pl.entries());
                entries.add(CompiledWorlds.randomCidr(r, 4));
                return w.withPrefixList(new PrefixList(pl.id(), pl.name(), pl.family(), entries));
            }
            case 3 -> {
                Map<String, NetworkInterface> m = new LinkedHashMap<>(w.networkInterfaces());
                if (m.size() > 1) {
                    m.remove(enis.get(r.nextInt(enis.size())).id());
                }
                return new World(w.vpcs(), w.subnets(), w.networkAcls(), w.securityGroups(), m, w.prefixLists());
            }
            case 4 -> {
                World donor = CompiledWorlds.world(r);
                NetworkInterface e = donor.networkInterfaces().values().iterator().next();
                NetworkInterface renamed = new NetworkInterface("eni-added-" + r.nextInt(1000), e.subnetId(), e.vpcId(),
                        e.ownerId(), e.availabilityZone(), e.interfaceType(), e.instanceId(), e.primaryIpv4(),
                        e.secondaryIpv4(), e.ipv6(), e.publicIps(), e.groupIds().stream()
                        .filter(w.securityGroups()::containsKey).toList(), e.connTrack());
                return w.withNetworkInterface(renamed);
            }
            default -> {
                if (w.networkAcls().isEmpty()) {
                    return w;
                }
                List<NetworkAcl> acls = new ArrayList<>(w.networkAcls().values());
                NetworkAcl acl = acls.get(r.nextInt(acls.size()));
                List<io.sgemu.control.model.NaclEntry> entries = new ArrayList<>(acl.entries());
                entries.add(CompiledWorlds.randomEntry(r, r.nextBoolean()));
                return w.withNetworkAcl(acl.withEntries(entries));
            }
        }
    }
}
