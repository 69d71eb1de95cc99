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
    public static final long DEFAULT_MERGE_BUDGET_BYTES = 8L << 20;

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
        Map<String, Integer> groupNumbers = new LinkedHashMap<>(before.groupNumbers());
        numberGroups(world, groupNumbers);

        // ENI numbers: kept for ENIs that still exist, new ones after the highest number ever given.
        Map<String, Integer> eniNumbers = new LinkedHashMap<>();
        int nextEni = before.nextEniNumber();
        for (String id : world.networkInterfaces().keySet()) {
            Integer n = before.eniNumbers().get(id);
            eniNumbers.put(id, n != null ? n : nextEni++);
        }

        Map<String, Integer> subnetNumbers = new LinkedHashMap<>();
        world.subnets().keySet().forEach(id -> subnetNumbers.putIfAbsent(id, subnetNumbers.size()));
        world.networkInterfaces().values().forEach(e -> subnetNumbers.putIfAbsent(e.subnetId(), subnetNumbers.size()));

        Tables tables = new Tables(world, groupNumbers, before.tables());
        Map<List<String>, Integer> policyNumbers = new HashMap<>();
        List<RuleTable[]> policies = choosePolicies(world, tables, policyNumbers);

        PolicySnapshot.Builder b = PolicySnapshot.builder(nextEni, subnetNumbers.size());
        for (NetworkInterface eni : world.networkInterfaces().values()) {
            ConnTrackConfig ct = eni.connTrack() != null ? eni.connTrack() : ConnTrackConfig.DEFAULT;
            b.eni(eniNumbers.get(eni.id()), eni.id(), FlowLogEnis.of(world, eni, regionOverride),
                    subnetNumbers.get(eni.subnetId()), eni.tracksEveryFlow(), ct.maxTrackedConnections(),
                    ct.tcpEstablishedTimeout(), ct.udpTimeout(), ct.udpStreamTimeout(),
                    policyNumbers.get(groupSet(eni)), resolverOf(world, eni));
        }
        b.policies(policies.toArray(RuleTable[][]::new));
        addAddresses(world, eniNumbers, groupNumbers, b);

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

        b.compilerState(new CompilerState(groupNumbers, eniNumbers, nextEni, tables.compiled, nacls));
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

    /** Every group id the world names (groups, ENIs' group lists, references) gets a number once. */
    private static void numberGroups(World world, Map<String, Integer> numbers) {
        for (SecurityGroup g : world.securityGroups().values()) {
            numbers.putIfAbsent(g.id(), numbers.size());
            for (boolean egress : new boolean[] {false, true}) {
                for (SgRule r : g.rules(egress)) {
                    if (r.peer() instanceof Peer.GroupPeer p) {
                        numbers.putIfAbsent(p.groupId(), numbers.size());
                    }
                }
            }
        }
        for (NetworkInterface eni : world.networkInterfaces().values()) {
            for (String g : eni.groupIds()) {
                numbers.putIfAbsent(g, numbers.size());
            }
        }
    }

    /** The ENI's groups, each once, sorted: the key of its policy (group order never matters). */
    static List<String> groupSet(NetworkInterface eni) {
        return List.copyOf(new TreeSet<>(eni.groupIds()));
    }

    /**
     * One policy per distinct group set, numbered in order of first appearance. Merged tables are given
     * to the sets carried by most ENIs first, while the budget lasts (a still valid merged table of the
     * previous snapshot is reused whatever its rank, and counted).
     */
    private List<RuleTable[]> choosePolicies(World world, Tables tables, Map<List<String>, Integer> numbers) {
        Map<List<String>, Integer> carriers = new LinkedHashMap<>();
        for (NetworkInterface eni : world.networkInterfaces().values()) {
            carriers.merge(groupSet(eni), 1, Integer::sum);
        }
        List<List<String>> sets = new ArrayList<>(carriers.keySet());
        for (List<String> set : sets) {
            numbers.put(set, numbers.size());
        }
        RuleTable[][] out = new RuleTable[sets.size()][];
        List<List<String>> byCarriers = new ArrayList<>(sets);
        byCarriers.sort(Comparator.comparingInt((List<String> s) -> -carriers.get(s)));
        long budget = mergeBudgetBytes;
        List<List<String>> toMerge = new ArrayList<>();
        for (List<String> set : byCarriers) {
            List<String> existing = existingGroups(world, set);
            int n = numbers.get(set);
            if (existing.size() <= 1) {
                out[n] = existing.isEmpty() ? new RuleTable[0] : new RuleTable[] {tables.of(existing)};
                continue;
            }
            RuleTable reused = tables.reusable(existing);
            if (reused != null) {
                tables.keep(existing);
                budget -= reused.bytes();
                out[n] = new RuleTable[] {reused};
            } else {
                toMerge.add(set);
            }
        }
        for (List<String> set : toMerge) {
            List<String> existing = existingGroups(world, set);
            int n = numbers.get(set);
            if (budget > 0) {
                RuleTable merged = tables.of(existing);
                budget -= merged.bytes();
                out[n] = new RuleTable[] {merged};
            } else {
                RuleTable[] each = new RuleTable[existing.size()];
                for (int i = 0; i < each.length; i++) {
                    each[i] = tables.of(List.of(existing.get(i)));
                }
                out[n] = each;
            }
        }
        return Arrays.asList(out);
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
    private static void addAddresses(World world, Map<String, Integer> eniNumbers, Map<String, Integer> groupNumbers,
                                     PolicySnapshot.Builder b) {
        Map<IpAddress, TreeSet<Integer>> members = new HashMap<>();
        for (NetworkInterface eni : world.networkInterfaces().values()) {
            for (IpAddress a : eni.privateAddresses()) {
                TreeSet<Integer> groups = members.computeIfAbsent(a, k -> new TreeSet<>());
                for (String g : eni.groupIds()) {
                    groups.add(groupNumbers.get(g));
                }
            }
        }
        Map<GroupNumbers, Integer> identityNumbers = new LinkedHashMap<>();
        AddressTable.Builder t = new AddressTable.Builder();
        for (NetworkInterface eni : world.networkInterfaces().values()) {
            int n = eniNumbers.get(eni.id());
            for (IpAddress a : eni.privateAddresses()) {
                if (t.entryOf(a.family(), a.hi(), a.lo()) != Policy.NONE) {
                    continue;
                }
                GroupNumbers key = new GroupNumbers(members.get(a).stream().mapToInt(Integer::intValue).toArray());
                int identity = identityNumbers.computeIfAbsent(key, k -> identityNumbers.size());
                add(t, eni, n, a, false, identity);
            }
        }
        for (NetworkInterface eni : world.networkInterfaces().values()) {
            int n = eniNumbers.get(eni.id());
            for (IpAddress pub : eni.publicIps().keySet()) {
                add(t, eni, n, pub, true, Policy.NONE);
            }
        }
        b.addresses(t.build());
        b.identities(identityNumbers.keySet().stream().map(GroupNumbers::numbers).toArray(int[][]::new));
    }

    private static void add(AddressTable.Builder t, NetworkInterface eni, int n, IpAddress a, boolean pub, int identity) {
        IpAddress own = eni.publicIps().getOrDefault(a, a);
        IpAddress logged = eni.primaryIpv4() != null && eni.secondaryIpv4().contains(own) ? eni.primaryIpv4() : own;
        t.add(a.family(), a.hi(), a.lo(), n, pub, own.hi(), own.lo(), logged.hi(), logged.lo(), identity);
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
            List<GroupSource> out = new ArrayList<>(groups.size());
            for (String id : groups) {
                out.add(GroupSource.of(world, world.securityGroups().get(id)));
            }
            return out;
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
                        b.addGroupReference(egress, r.protocol(), r.fromPort(), r.toPort(), groupNumbers.get(g.groupId()));
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
                        PrefixList list = world.prefixLists().get(pl.prefixListId());
                        lists.put(pl.prefixListId(), list == null ? null : list.entries());
                    }
                }
            }
            return new GroupSource(g.ingress(), g.egress(), lists);
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

    /** What one compilation hands the next through its snapshot. */
    record CompilerState(Map<String, Integer> groupNumbers, Map<String, Integer> eniNumbers, int nextEniNumber,
                         Map<List<String>, CompiledTable> tables, Map<String, NaclCache> nacls) {
        static final CompilerState EMPTY = new CompilerState(Map.of(), Map.of(), 0, Map.of(), Map.of());
    }
}
