package io.sgemu.control.compile;

import io.sgemu.control.compile.CompilerState.GroupNumbers;
import io.sgemu.control.compile.CompilerState.NaclCache;
import io.sgemu.control.model.ConnTrackConfig;
import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.PersistentMap;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.Subnet;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.policy.NetworkAclTable;
import io.sgemu.dataplane.policy.PolicySnapshot;
import io.sgemu.dataplane.policy.RuleTable;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One incremental compilation: the next snapshot made from the previous one by a patch
 * ({@link PolicySnapshot#patch()}) that shares every array the changes do not touch, in time proportional
 * to the changes, not to the world (SEMANTICS.md: a change is in force within milliseconds on a world of
 * 100k ENIs). It handles what the control plane changes while traffic flows:
 * <ul>
 *   <li>a security group's rules (created, changed or deleted group): that group's table, and the tables
 *       of the policies whose group set names it;</li>
 *   <li>a prefix list's entries: as a change of every group whose rules name the list;</li>
 *   <li>an existing ENI's groups (membership): its policy (an existing one for that set of groups, or a new
 *       one) and its identity (which group references match, for all its own private addresses at once);
 *       and its connection-tracking settings;</li>
 *   <li>NACL entries and associations: the subnets' compiled NACLs.</li>
 * </ul>
 * Anything else (an ENI created, deleted or readdressed, new groups for an ENI that shares an address)
 * answers null and the compiler compiles the whole world. So do too many policies and identities added
 * since the last whole compilation (they are never removed here; the whole compilation drops the unused).
 */
final class IncrementalCompile {

    private final PolicyCompiler compiler;
    private final World world;
    private final PolicySnapshot previous;
    private final CompilerState before;
    private final List<World.Touch> changes;

    IncrementalCompile(PolicyCompiler compiler, World world, PolicySnapshot previous, CompilerState before,
                       List<World.Touch> changes) {
        this.compiler = compiler;
        this.world = world;
        this.previous = previous;
        this.before = before;
        this.changes = changes;
    }

    /** The next snapshot, or null when the changes need a whole compilation. */
    PolicySnapshot compile() {
        Set<String> groups = new LinkedHashSet<>();
        Set<String> enis = new LinkedHashSet<>();
        Set<String> lists = new LinkedHashSet<>();
        boolean nacls = false;
        for (World.Touch t : changes) {
            switch (t.kind()) {
                case SECURITY_GROUP -> groups.add(t.id());
                case NETWORK_INTERFACE -> enis.add(t.id());
                case PREFIX_LIST -> lists.add(t.id());
                case NETWORK_ACL, NETWORK_ACLS -> nacls = true;
            }
        }
        if (!lists.isEmpty()) {
            groups.addAll(groupsNaming(lists));
        }
        // Only ENIs that exist on both sides and changed no more than their groups and connection tracking.
        for (String id : enis) {
            NetworkInterface old = before.world().networkInterfaces().get(id);
            NetworkInterface now = world.networkInterfaces().get(id);
            if (old == null || now == null || before.eniNumbers().get(id) == null
                    || !now.withGroups(old.groupIds()).withConnTrack(old.connTrack()).equals(old)) {
                return null;
            }
            if (!PolicyCompiler.groupSet(old).equals(PolicyCompiler.groupSet(now))
                    && before.coClaimants().contains(before.eniNumbers().get(id))) {
                return null;
            }
        }

        PolicySnapshot.Patch patch = previous.patch();
        GroupNumbering groupNumbers = new GroupNumbering(before.groupNumbers());
        for (String g : groups) {
            groupNumbers.number(g);
        }
        GroupTables tables = new GroupTables(world, groupNumbers, compiler.trieThreshold(), before.tables(),
                before.groupSources(), groups);
        Policies policies = new Policies();
        for (String g : groups) {
            int[] ps = before.policiesOfGroup().get(g);
            if (ps != null) {
                for (int p : ps) {
                    policies.dirty.add(p);
                }
            }
        }

        PersistentMap<GroupNumbers, Integer> identityOf = before.identityOf();
        int appended = before.appended();
        for (String id : enis) {
            NetworkInterface old = before.world().networkInterfaces().get(id);
            NetworkInterface now = world.networkInterfaces().get(id);
            int eni = before.eniNumbers().get(id);
            List<String> set = PolicyCompiler.groupSet(now);
            if (!set.equals(PolicyCompiler.groupSet(old))) {
                Integer p = policies.policyOf.get(set);
                if (p == null) {
                    p = policies.add(set);
                    appended++;
                }
                patch.eniPolicy(eni, p);
                GroupNumbers key = new GroupNumbers(PolicyCompiler.groupNumbers(now, groupNumbers));
                Integer identity = identityOf.get(key);
                if (identity == null) {
                    identity = patch.addIdentity(key.numbers());
                    identityOf = identityOf.plus(key, identity);
                    appended++;
                }
                patch.eniIdentity(eni, identity);
            }
            if (!Objects.equals(old.connTrack(), now.connTrack())) {
                ConnTrackConfig ct = now.connTrack() != null ? now.connTrack() : ConnTrackConfig.DEFAULT;
                patch.eniConnTrack(eni, ct.maxTrackedConnections(), ct.tcpEstablishedTimeout(), ct.udpTimeout(),
                        ct.udpStreamTimeout());
            }
        }
        if (appended > Math.max(1024, previous.eniCount() / 4)) {
            return null; // time to drop what no ENI uses any more
        }
        long budget = policies.recompile(tables, before.mergeBudgetLeft());
        if (policies.changed()) {
            patch.policies(policies.tables);
        }

        Map<String, NaclCache> naclCache = before.nacls();
        if (nacls) {
            naclCache = new HashMap<>();
            recompileNacls(patch, naclCache);
        }

        patch.compilerState(new CompilerState(world, before.region(), groupNumbers.numbers(),
                tables.previousAndUsed(), tables.sources(), naclCache, before.eniNumbers(), policies.policyOf, policies.policySets,
                policies.policiesOfGroup, identityOf, before.coClaimants(), budget, appended));
        return patch.build();
    }

    /** Groups whose rules name one of {@code lists} (a scan of every rule: prefix lists change seldom). */
    private Set<String> groupsNaming(Set<String> lists) {
        Set<String> out = new LinkedHashSet<>();
        for (SecurityGroup g : world.securityGroups().values()) {
            for (boolean egress : new boolean[] {false, true}) {
                for (SgRule r : g.rules(egress)) {
                    if (r.peer() instanceof Peer.PrefixListPeer pl && lists.contains(pl.prefixListId())) {
                        out.add(g.id());
                    }
                }
            }
        }
        return out;
    }

    /** Every subnet's NACL again, as {@link World#naclOf} finds it, compiled tables reused by entries. */
    private void recompileNacls(PolicySnapshot.Patch patch, Map<String, NaclCache> now) {
        Map<String, NetworkAcl> associated = new HashMap<>();
        Map<String, NetworkAcl> defaults = new HashMap<>();
        for (NetworkAcl acl : world.networkAcls().values()) {
            for (String subnet : acl.subnetIds()) {
                associated.putIfAbsent(subnet, acl);
            }
            if (acl.isDefault()) {
                defaults.put(acl.vpcId(), acl); // the last default of a VPC, as naclOf's fallback
            }
        }
        for (int s = 0; s < previous.subnetCount(); s++) {
            String id = previous.subnetId(s);
            NetworkAcl acl = associated.get(id);
            if (acl == null) {
                Subnet subnet = world.subnets().get(id);
                acl = subnet == null ? null : defaults.get(subnet.vpcId());
            }
            NetworkAclTable table = acl == null ? null : compiler.naclTable(acl, now, before.nacls());
            if (table != previous.networkAcl(s)) {
                patch.subnetAcl(s, table);
            }
        }
    }

    /** The policies: the previous ones, the dirty ones compiled again, new ones appended. */
    private final class Policies {
        final TreeSet<Integer> dirty = new TreeSet<>();
        RuleTable[][] tables;
        PersistentMap<List<String>, Integer> policyOf = before.policyOf();
        PersistentMap<Integer, List<String>> policySets = before.policySets();
        PersistentMap<String, int[]> policiesOfGroup = before.policiesOfGroup();
        private final int count = previous.policyCount();
        private int added;

        /** A new policy for {@code set}, compiled with the dirty ones. */
        int add(List<String> set) {
            int p = count + added++;
            policyOf = policyOf.plus(set, p);
            policySets = policySets.plus(p, set);
            for (String g : set) {
                int[] ps = policiesOfGroup.get(g);
                int[] grown = ps == null ? new int[1] : Arrays.copyOf(ps, ps.length + 1);
                grown[grown.length - 1] = p;
                policiesOfGroup = policiesOfGroup.plus(g, grown);
            }
            dirty.add(p);
            return p;
        }

        boolean changed() {
            return tables != null;
        }

        /**
         * Compiles the dirty policies: a set of one group is its table; a set of several keeps a merged table
         * if it had one (compiled again) or gets one while the merge budget lasts, else is the union of its
         * groups' tables. Returns the budget left.
         */
        long recompile(GroupTables groupTables, long budget) {
            if (dirty.isEmpty()) {
                return budget;
            }
            tables = previous.policies(count + added);
            for (int p : dirty) {
                List<String> groups = PolicyCompiler.existingGroups(world, policySets.get(p));
                RuleTable[] old = p < count ? previous.policyTables(p) : null;
                if (groups.isEmpty()) {
                    tables[p] = new RuleTable[0];
                } else if (groups.size() == 1) {
                    tables[p] = new RuleTable[] {groupTables.single(groups.get(0))};
                } else if ((old != null && old.length == 1) || (old == null && budget > 0)) {
                    RuleTable merged = groupTables.of(groups);
                    budget -= merged.bytes() - (old != null && old.length == 1 ? old[0].bytes() : 0);
                    tables[p] = new RuleTable[] {merged};
                } else {
                    RuleTable[] each = new RuleTable[groups.size()];
                    for (int i = 0; i < each.length; i++) {
                        each[i] = groupTables.single(groups.get(i));
                    }
                    tables[p] = each;
                }
            }
            return Math.max(0, budget);
        }
    }
}
