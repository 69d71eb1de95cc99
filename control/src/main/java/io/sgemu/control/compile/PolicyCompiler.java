package io.sgemu.control.compile;

import io.sgemu.control.model.ConnTrackConfig;
import io.sgemu.control.model.NaclEntry;
import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.PrefixList;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.Vpc;
import io.sgemu.control.model.World;
import io.sgemu.control.reference.FlowLogEnis;
import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;
import io.sgemu.dataplane.policy.AddressTable;
import io.sgemu.dataplane.policy.NetworkAclTable;
import io.sgemu.dataplane.policy.Policy;
import io.sgemu.dataplane.policy.PolicySnapshot;
import io.sgemu.dataplane.policy.PrefixMap;
import io.sgemu.dataplane.policy.RuleTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Compiles a {@link World} into a {@link PolicySnapshot} (DESIGN.md: compile/, model to dataplane).
 *
 * <p>Incremental: given the previous snapshot it
 * <ul>
 *   <li>keeps the numbers of ENIs that still exist (new ENIs get new numbers, a removed ENI leaves a hole
 *       that owns no address), and of security groups (rule tables name groups by number);</li>
 *   <li>reuses every compiled rule table whose groups' rules (and the prefix lists those rules name) did
 *       not change. Group references compile to group numbers matched through identities, so a change
 *       of membership (an ENI's groups) rebuilds only the address table and the identities, and a new
 *       table only for a set of groups never compiled before;</li>
 *   <li>reuses the compiled NACLs whose entries did not change.</li>
 * </ul>
 *
 * <p>One policy per distinct set of groups, shared by the ENIs that carry that set. A set of one group is
 * that group's table. A set of several is compiled into one merged table (one prefix walk per packet)
 * while the merged tables fit the merge budget, the sets carried by most ENIs first; a set beyond the
 * budget is the union of its groups' tables (as many walks as groups, no memory of its own), so that a
 * world where every ENI has its own combination of groups still compiles into bounded memory.
 *
 * <p>Not thread-safe: one compiler compiles one sequence of worlds.
 */
public final class PolicyCompiler {

    /** Bytes that merged tables of multi-group sets may take (the single-group tables always exist). */
    public static final long DEFAULT_MERGE_BUDGET_BYTES = 2L << 20;

    /** Evaluation order of NACL entries: the reference evaluator's (rule number, deny first, text). */
    static final Comparator<NaclEntry> NACL_ORDER = Comparator.comparingInt(NaclEntry::ruleNumber)
            .thenComparing(NaclEntry::allow)
            .thenComparing(NaclEntry::describe);

    private final long mergeBudgetBytes;
    private final int trieThreshold;

    public PolicyCompiler() {
        this(DEFAULT_MERGE_BUDGET_BYTES, PrefixMap.DEFAULT_TRIE_THRESHOLD);
    }

    /**
     * @param mergeBudgetBytes bytes that merged multi-group tables may take (0: never merge)
     * @param trieThreshold    leaf count above which a prefix map is a trie rather than intervals
     */
    public PolicyCompiler(long mergeBudgetBytes, int trieThreshold) {
        this.mergeBudgetBytes = mergeBudgetBytes;
        this.trieThreshold = trieThreshold;
    }

    /**
     * Compiles {@code world}. {@code regionOverride}: the region flow logs print (null derives it from
     * each ENI's availability zone). {@code previous}: the snapshot this one replaces, or null.
     */
    public PolicySnapshot compile(World world, String regionOverride, PolicySnapshot previous) {
        CompilerState before = previous != null && previous.compilerState() instanceof CompilerState s ? s
                : CompilerState.EMPTY;
        Map<String, Integer> groupNumbers = new HashMap<>(before.groupNumbers());
        for (String id : world.securityGroups().keySet()) {
            number(groupNumbers, id);
        }
        List<NetworkInterface> enis = new ArrayList<>(world.networkInterfaces().values());

        // ENI numbers: kept for ENIs that still exist (the previous snapshot's ids), new ones after the
        // previous snapshot's last number, so that a removed ENI's number stays a hole.
        Map<String, Integer> previousNumbers = new HashMap<>();
        if (previous != null) {
            for (int e = 0; e < previous.eniCount(); e++) {
                if (previous.eniId(e) != null) {
                    previousNumbers.put(previous.eniId(e), e);
                }
            }
        }
        int[] eniNumbers = new int[enis.size()];
        int nextEni = previous == null ? 0 : previous.eniCount();
        for (int i = 0; i < eniNumbers.length; i++) {
            Integer n = previousNumbers.get(enis.get(i).id());
            eniNumbers[i] = n != null ? n : nextEni++;
        }

        Map<String, Integer> subnetNumbers = new LinkedHashMap<>();
        world.subnets().keySet().forEach(id -> subnetNumbers.putIfAbsent(id, subnetNumbers.size()));
        enis.forEach(e -> subnetNumbers.putIfAbsent(e.subnetId(), subnetNumbers.size()));

        Tables tables = new Tables(world, groupNumbers, before.tables());
        int[] eniPolicy = new int[enis.size()];
        List<RuleTable[]> policies = choosePolicies(world, enis, tables, eniPolicy);

        PolicySnapshot.Builder b = PolicySnapshot.builder(nextEni, subnetNumbers.size());
        Map<String, String> regions = new HashMap<>();
        for (int i = 0; i < enis.size(); i++) {
            NetworkInterface eni = enis.get(i);
            ConnTrackConfig ct = eni.connTrack() != null ? eni.connTrack() : ConnTrackConfig.DEFAULT;
            // The region as FlowLogEnis derives it, once per zone name (one string shared by its ENIs).
            String region = regionOverride;
            if (region == null) {
                var subnet = world.subnets().get(eni.subnetId());
                String az = subnet != null && subnet.availabilityZone() != null ? subnet.availabilityZone()
                        : eni.availabilityZone();
                region = az == null ? null : regions.computeIfAbsent(az, FlowLogEnis::regionOf);
            }
            b.eni(eniNumbers[i], eni.id(), FlowLogEnis.of(world, eni, region), subnetNumbers.get(eni.subnetId()),
                    eni.tracksEveryFlow(), ct.maxTrackedConnections(), ct.tcpEstablishedTimeout(), ct.udpTimeout(),
                    ct.udpStreamTimeout(), eniPolicy[i], resolverOf(world, eni));
        }
        b.policies(policies.toArray(RuleTable[][]::new));
        addAddresses(enis, eniNumbers, groupNumbers, b);

        Map<String, NaclCache> nacls = new HashMap<>();
        for (Map.Entry<String, Integer> s : subnetNumbers.entrySet()) {
            NetworkAcl acl = world.naclOf(s.getKey());
            NetworkAclTable table = null;
            if (acl != null) {
                NaclCache cached = nacls.get(acl.id());
                if (cached == null) {
                    NaclCache old = before.nacls().get(acl.id());
                    cached = old != null && old.entries().equals(acl.entries()) ? old
                            : new NaclCache(acl.entries(), compileNacl(acl, trieThreshold));
                    nacls.put(acl.id(), cached);
                }
                table = cached.table();
            }
            b.subnet(s.getValue(), s.getKey(), table);
        }

        b.compilerState(new CompilerState(groupNumbers, tables.compiled, nacls));
        return b.build();
    }

    /**
     * The number that {@code snapshot}'s rule tables and identities give the group, or {@link Policy#NONE}
     * (for diagnostics and tests).
     */
    public static int groupNumber(PolicySnapshot snapshot, String groupId) {
        if (snapshot.compilerState() instanceof CompilerState s) {
            Integer n = s.groupNumbers().get(groupId);
            return n == null ? Policy.NONE : n;
        }
        return Policy.NONE;
    }

    /**
     * The group's number: once given (to a group of the world, an ENI's group, a referenced id), kept for
     * good, so that compiled tables stay valid across snapshots.
     */
    static int number(Map<String, Integer> numbers, String groupId) {
        Integer n = numbers.get(groupId);
        if (n == null) {
            n = numbers.size();
            numbers.put(groupId, n);
        }
        return n;
    }

    /** The ENI's groups, each once, sorted: the key of its policy (group order never matters). */
    static List<String> groupSet(NetworkInterface eni) {
        List<String> ids = eni.groupIds();
        if (ids.size() == 1) {
            return ids;
        }
        String[] sorted = ids.toArray(String[]::new);
        Arrays.sort(sorted);
        int n = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (n == 0 || !sorted[n - 1].equals(sorted[i])) {
                sorted[n++] = sorted[i];
            }
        }
        return List.of(n == sorted.length ? sorted : Arrays.copyOf(sorted, n));
    }

    /**
     * One policy per distinct group set, numbered in order of first appearance; {@code eniPolicy[i]}
     * receives the policy of {@code enis.get(i)}. Merged tables are given to the sets carried by most ENIs
     * first, while the budget lasts (a still valid merged table of the previous snapshot is reused whatever
     * its rank, and counted).
     */
    private List<RuleTable[]> choosePolicies(World world, List<NetworkInterface> enis, Tables tables, int[] eniPolicy) {
        Map<List<String>, Integer> numbers = new HashMap<>();
        List<List<String>> sets = new ArrayList<>();
        IntCounts carriers = new IntCounts();
        for (int i = 0; i < enis.size(); i++) {
            List<String> set = groupSet(enis.get(i));
            Integer n = numbers.get(set);
            if (n == null) {
                n = sets.size();
                numbers.put(set, n);
                sets.add(set);
            }
            eniPolicy[i] = n;
            carriers.add(n);
        }
        RuleTable[][] out = new RuleTable[sets.size()][];
        Integer[] byCarriers = new Integer[sets.size()];
        for (int i = 0; i < byCarriers.length; i++) {
            byCarriers[i] = i;
        }
        Arrays.sort(byCarriers, Comparator.comparingInt((Integer p) -> -carriers.get(p))); // stable: ties by appearance
        long budget = mergeBudgetBytes;
        List<Integer> toMerge = new ArrayList<>();
        List<List<String>> existing = new ArrayList<>(sets.size());
        for (List<String> set : sets) {
            existing.add(existingGroups(world, set));
        }
        for (int n : byCarriers) {
            List<String> groups = existing.get(n);
            if (groups.size() <= 1) {
                out[n] = groups.isEmpty() ? new RuleTable[0] : new RuleTable[] {tables.single(groups.get(0))};
                continue;
            }
            RuleTable reused = tables.reusable(groups);
            if (reused != null) {
                tables.keep(groups);
                budget -= reused.bytes();
                out[n] = new RuleTable[] {reused};
            } else {
                toMerge.add(n);
            }
        }
        for (int n : toMerge) {
            List<String> groups = existing.get(n);
            if (budget > 0) {
                RuleTable merged = tables.of(groups);
                budget -= merged.bytes();
                out[n] = new RuleTable[] {merged};
            } else {
                RuleTable[] each = new RuleTable[groups.size()];
                for (int i = 0; i < each.length; i++) {
                    each[i] = tables.single(groups.get(i));
                }
                out[n] = each;
            }
        }
        return Arrays.asList(out);
    }

    /** Counts by small int key. */
    private static final class IntCounts {
        private int[] counts = new int[16];

        void add(int key) {
            if (key >= counts.length) {
                counts = Arrays.copyOf(counts, Math.max(key + 1, counts.length * 2));
            }
            counts[key]++;
        }

        int get(int key) {
            return counts[key];
        }
    }

    /** The groups of the set that exist in the world (an unknown id contributes no rules). */
    private static List<String> existingGroups(World world, List<String> set) {
        List<String> out = new ArrayList<>(set.size());
        for (String id : set) {
            if (world.securityGroups().containsKey(id)) {
                out.add(id);
            }
        }
        return out;
    }

    private static long resolverOf(World world, NetworkInterface eni) {
        Vpc vpc = world.vpcs().get(eni.vpcId());
        if (vpc == null || vpc.ipv4Cidrs().isEmpty()) {
            return -1;
        }
        return vpc.ipv4Cidrs().get(0).network().plus(2).lo();
    }

    /**
     * The address table, as the reference's address book reads the world: every private address of every
     * ENI first (the first ENI of the world that claims one owns it), then the public IPv4s, so that a
     * public IP never hides a private one. The identity of a private address is the set of groups of every
     * ENI that claims it as private (membership is by address); a public address has none.
     */
    private static void addAddresses(List<NetworkInterface> enis, int[] eniNumbers, Map<String, Integer> groupNumbers,
                                     PolicySnapshot.Builder b) {
        AddressTable.Builder t = new AddressTable.Builder();
        Map<GroupNumbers, Integer> identityNumbers = new HashMap<>();
        List<int[]> identities = new ArrayList<>();
        // Entries claimed as private by more than one ENI: the union of their groups.
        Map<Integer, TreeSet<Integer>> shared = new HashMap<>();
        for (int i = 0; i < enis.size(); i++) {
            NetworkInterface eni = enis.get(i);
            int[] groups = new int[eni.groupIds().size()];
            for (int k = 0; k < groups.length; k++) {
                groups[k] = number(groupNumbers, eni.groupIds().get(k));
            }
            Arrays.sort(groups);
            GroupNumbers key = new GroupNumbers(distinct(groups));
            Integer identity = identityNumbers.get(key);
            if (identity == null) {
                identity = identities.size();
                identityNumbers.put(key, identity);
                identities.add(key.numbers());
            }
            for (IpAddress a : eni.privateAddresses()) {
                int size = t.size();
                int entry = add(t, eni, eniNumbers[i], a, false, identity);
                if (t.size() == size && t.identityOf(entry) != identity) {
                    TreeSet<Integer> union = shared.computeIfAbsent(entry, k -> new TreeSet<>());
                    for (int g : identities.get(t.identityOf(entry))) {
                        union.add(g);
                    }
                    for (int g : key.numbers()) {
                        union.add(g);
                    }
                }
            }
        }
        for (Map.Entry<Integer, TreeSet<Integer>> e : shared.entrySet()) {
            GroupNumbers key = new GroupNumbers(e.getValue().stream().mapToInt(Integer::intValue).toArray());
            Integer identity = identityNumbers.get(key);
            if (identity == null) {
                identity = identities.size();
                identityNumbers.put(key, identity);
                identities.add(key.numbers());
            }
            t.identity(e.getKey(), identity);
        }
        for (int i = 0; i < enis.size(); i++) {
            NetworkInterface eni = enis.get(i);
            for (IpAddress pub : eni.publicIps().keySet()) {
                add(t, eni, eniNumbers[i], pub, true, Policy.NONE);
            }
        }
        b.addresses(t.build());
        b.identities(identities.toArray(int[][]::new));
    }

    private static int[] distinct(int[] sorted) {
        int n = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (n == 0 || sorted[n - 1] != sorted[i]) {
                sorted[n++] = sorted[i];
            }
        }
        return n == sorted.length ? sorted : Arrays.copyOf(sorted, n);
    }

    /** Adds the address (unless an earlier ENI claimed it) and returns its entry. */
    private static int add(AddressTable.Builder t, NetworkInterface eni, int n, IpAddress a, boolean pub, int identity) {
        IpAddress own = eni.publicIps().getOrDefault(a, a);
        IpAddress logged = eni.primaryIpv4() != null && eni.secondaryIpv4().contains(own) ? eni.primaryIpv4() : own;
        return t.add(a.family(), a.hi(), a.lo(), n, pub, own.hi(), own.lo(), logged.hi(), logged.lo(), identity);
    }

    /** Entries of each direction in evaluation order; an entry without a CIDR never matches and is left out. */
    static NetworkAclTable compileNacl(NetworkAcl acl, int trieThreshold) {
        NetworkAclTable.Builder b = new NetworkAclTable.Builder().trieThreshold(trieThreshold);
        List<NaclEntry> sorted = new ArrayList<>(acl.entries());
        sorted.sort(NACL_ORDER);
        for (NaclEntry e : sorted) {
            Cidr c = e.cidr();
            if (c == null) {
                continue;
            }
            boolean ranged = Protocols.hasPorts(e.protocol()) && e.portRange() != null;
            b.add(e.egress(), e.protocol(), e.allow(), c.family(), c.network().hi(), c.network().lo(),
                    c.prefixLength(), ranged, ranged ? e.portRange().from() : -1, ranged ? e.portRange().to() : -1,
                    e.icmpType(), e.icmpCode());
        }
        return b.build();
    }

    /** The compiled rule tables of this compilation, by group set, with what they were compiled from. */
    private final class Tables {
        final World world;
        final Map<String, Integer> groupNumbers;
        final Map<List<String>, CompiledTable> previous;
        final Map<List<String>, CompiledTable> compiled = new HashMap<>();
        private final Map<String, GroupSource> sourceOf = new HashMap<>();
        private final Map<String, RuleTable> singles = new HashMap<>();

        Tables(World world, Map<String, Integer> groupNumbers, Map<List<String>, CompiledTable> previous) {
            this.world = world;
            this.groupNumbers = groupNumbers;
            this.previous = previous;
        }

        /** The previous snapshot's table for the (existing, sorted) groups, if its sources are unchanged. */
        RuleTable reusable(List<String> groups) {
            CompiledTable old = previous.get(groups);
            return old != null && old.sources().equals(sources(groups)) ? old.table() : null;
        }

        void keep(List<String> groups) {
            compiled.putIfAbsent(groups, previous.get(groups));
        }

        /** The table of one (existing) group. */
        RuleTable single(String group) {
            RuleTable t = singles.get(group);
            if (t == null) {
                t = of(List.of(group));
                singles.put(group, t);
            }
            return t;
        }

        /** The table of the (existing, sorted) groups: this compilation's, the previous one's, or new. */
        RuleTable of(List<String> groups) {
            CompiledTable c = compiled.get(groups);
            if (c != null) {
                return c.table();
            }
            List<GroupSource> sources = sources(groups);
            CompiledTable old = previous.get(groups);
            if (old != null && old.sources().equals(sources)) {
                c = old;
            } else {
                c = new CompiledTable(compileGroups(groups), sources);
            }
            compiled.put(groups, c);
            return c.table();
        }

        List<GroupSource> sources(List<String> groups) {
            GroupSource[] out = new GroupSource[groups.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = sourceOf.computeIfAbsent(groups.get(i), k -> GroupSource.of(world, world.securityGroups().get(k)));
            }
            return List.of(out);
        }

        RuleTable compileGroups(List<String> groups) {
            RuleTable.Builder b = new RuleTable.Builder().trieThreshold(trieThreshold);
            for (String id : groups) {
                SecurityGroup g = world.securityGroups().get(id);
                for (boolean egress : new boolean[] {false, true}) {
                    for (SgRule r : g.rules(egress)) {
                        addRule(b, egress, r);
                    }
                }
            }
            return b.build();
        }

        private void addRule(RuleTable.Builder b, boolean egress, SgRule r) {
            switch (r.peer()) {
                case Peer.CidrPeer c -> addCidr(b, egress, r, c.cidr(), c.cidr().isAllAddresses());
                case Peer.PrefixListPeer pl -> {
                    PrefixList list = world.prefixLists().get(pl.prefixListId());
                    if (list == null) {
                        b.addNothing(); // a list the world does not know matches nothing
                    } else {
                        // Current entries; never "all addresses" for untracked flows, even 0.0.0.0/0.
                        for (Cidr c : list.entries()) {
                            addCidr(b, egress, r, c, false);
                        }
                    }
                }
                case Peer.GroupPeer g ->
                        b.addGroupReference(egress, r.protocol(), r.fromPort(), r.toPort(), number(groupNumbers, g.groupId()));
            }
        }

        private static void addCidr(RuleTable.Builder b, boolean egress, SgRule r, Cidr c, boolean allAddresses) {
            IpAddress n = c.network();
            b.addCidr(egress, r.protocol(), r.fromPort(), r.toPort(), n.family(), n.hi(), n.lo(), c.prefixLength(),
                    allAddresses);
        }
    }

    /** What a group's compiled rules depend on: its rules and the current entries of the lists they name. */
    record GroupSource(List<SgRule> ingress, List<SgRule> egress, Map<String, List<Cidr>> prefixLists) {
        static GroupSource of(World world, SecurityGroup g) {
            Map<String, List<Cidr>> lists = new HashMap<>();
            for (boolean egress : new boolean[] {false, true}) {
                for (SgRule r : g.rules(egress)) {
                    if (r.peer() instanceof Peer.PrefixListPeer pl) {
                        // An unknown list and an empty one both match nothing: the same source.
                        PrefixList list = world.prefixLists().get(pl.prefixListId());
                        lists.put(pl.prefixListId(), list == null ? List.of() : list.entries());
                    }
                }
            }
            return new GroupSource(g.ingress(), g.egress(), lists.isEmpty() ? Map.of() : Map.copyOf(lists));
        }
    }

    record CompiledTable(RuleTable table, List<GroupSource> sources) {
    }

    record NaclCache(List<NaclEntry> entries, NetworkAclTable table) {
    }

    /** Sorted group numbers, compared by content (an identity's key). */
    private record GroupNumbers(int[] numbers) {
        @Override
        public boolean equals(Object o) {
            return o instanceof GroupNumbers g && Arrays.equals(numbers, g.numbers);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(numbers);
        }
    }

    /**
     * What one compilation hands the next through its snapshot: group numbers, compiled tables with their
     * sources, compiled NACLs. ENI numbers are not kept here: the previous snapshot's ENI ids give them.
     */
    record CompilerState(Map<String, Integer> groupNumbers, Map<List<String>, CompiledTable> tables,
                         Map<String, NaclCache> nacls) {
        static final CompilerState EMPTY = new CompilerState(Map.of(), Map.of(), Map.of());
    }
}
