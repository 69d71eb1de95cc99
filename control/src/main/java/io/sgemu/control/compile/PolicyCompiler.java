package io.sgemu.control.compile;

import io.sgemu.control.model.ConnTrackConfig;
import io.sgemu.control.model.NaclEntry;
import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.PersistentMap;
import io.sgemu.control.compile.CompilerState.NaclCache;
import io.sgemu.control.model.Protocols;
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
import java.util.Objects;
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

    /** Longest chain of {@code with...} steps an incremental compilation follows back to the world it knows. */
    static final int MAX_STEPS = 4096;

    /**
     * Compiles {@code world}. {@code regionOverride}: the region flow logs print (null derives it from
     * each ENI's availability zone). {@code previous}: the snapshot this one replaces, or null.
     *
     * <p>When {@code world} was made from the world {@code previous} was compiled from by {@code with...}
     * steps, and they changed rules, NACLs, prefix lists or an existing ENI's groups or connection tracking,
     * only what they touched is compiled ({@link IncrementalCompile}); otherwise the whole world is.
     */
    public PolicySnapshot compile(World world, String regionOverride, PolicySnapshot previous) {
        CompilerState before = previous != null && previous.compilerState() instanceof CompilerState s ? s
                : CompilerState.EMPTY;
        if (before.world() != null && Objects.equals(before.region(), regionOverride)) {
            if (world == before.world()) {
                return previous;
            }
            List<World.Touch> changes = world.changesSince(before.world(), MAX_STEPS);
            if (changes != null) {
                PolicySnapshot p = new IncrementalCompile(this, world, previous, before, changes).compile();
                if (p != null) {
                    world.forgetOrigin();
                    return p;
                }
            }
        }
        PolicySnapshot p = compileWhole(world, regionOverride, previous, before);
        world.forgetOrigin(); // the next compilation starts from this world: its ancestors may go
        return p;
    }

    private PolicySnapshot compileWhole(World world, String regionOverride, PolicySnapshot previous,
                                        CompilerState before) {
        GroupNumbering groupNumbers = new GroupNumbering(before.groupNumbers());
        for (String id : world.securityGroups().keySet()) {
            groupNumbers.number(id);
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
        PersistentMap<String, Integer> eniNumberOf = PersistentMap.empty();
        for (int i = 0; i < eniNumbers.length; i++) {
            Integer n = previousNumbers.get(enis.get(i).id());
            eniNumbers[i] = n != null ? n : nextEni++;
            eniNumberOf = eniNumberOf.plus(enis.get(i).id(), eniNumbers[i]);
        }

        Map<String, Integer> subnetNumbers = new LinkedHashMap<>();
        world.subnets().keySet().forEach(id -> subnetNumbers.putIfAbsent(id, subnetNumbers.size()));
        enis.forEach(e -> subnetNumbers.putIfAbsent(e.subnetId(), subnetNumbers.size()));

        GroupTables tables = new GroupTables(world, groupNumbers, trieThreshold, before.tables(),
                before.groupSources(), null);
        int[] eniPolicy = new int[enis.size()];
        Policies chosen = choosePolicies(world, enis, tables, eniPolicy);

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
        b.policies(chosen.tables().toArray(RuleTable[][]::new));
        Identities identities = addAddresses(enis, eniNumbers, groupNumbers, b);

        Map<String, NaclCache> nacls = new HashMap<>();
        for (Map.Entry<String, Integer> s : subnetNumbers.entrySet()) {
            NetworkAcl acl = world.naclOf(s.getKey());
            b.subnet(s.getValue(), s.getKey(), acl == null ? null : naclTable(acl, nacls, before.nacls()));
        }

        PersistentMap<List<String>, Integer> policyOf = PersistentMap.empty();
        PersistentMap<Integer, List<String>> policySets = PersistentMap.empty();
        Map<String, IntList> ofGroup = new HashMap<>();
        for (int p = 0; p < chosen.sets().size(); p++) {
            List<String> set = chosen.sets().get(p);
            policyOf = policyOf.plus(set, p);
            policySets = policySets.plus(p, set);
            for (String g : set) {
                ofGroup.computeIfAbsent(g, k -> new IntList()).add(p);
            }
        }
        PersistentMap<String, int[]> policiesOfGroup = PersistentMap.empty();
        for (Map.Entry<String, IntList> e : ofGroup.entrySet()) {
            policiesOfGroup = policiesOfGroup.plus(e.getKey(), e.getValue().toArray());
        }
        b.compilerState(new CompilerState(world, regionOverride, groupNumbers.numbers(), tables.usedOnly(), tables.sources(), nacls,
                eniNumberOf, policyOf, policySets, policiesOfGroup, identities.numbers(), identities.coClaimants(),
                chosen.budgetLeft(), 0));
        return b.build();
    }

    /** The compiled table of {@code acl}: this compilation's, the previous one's if its entries are unchanged, or new. */
    NetworkAclTable naclTable(NetworkAcl acl, Map<String, NaclCache> now, Map<String, NaclCache> before) {
        NaclCache cached = now.get(acl.id());
        if (cached == null) {
            NaclCache old = before.get(acl.id());
            cached = old != null && old.entries().equals(acl.entries()) ? old
                    : new NaclCache(acl.entries(), compileNacl(acl, trieThreshold));
            now.put(acl.id(), cached);
        }
        return cached.table();
    }

    int trieThreshold() {
        return trieThreshold;
    }

    /** A growable int list (policy numbers by group). */
    static final class IntList {
        private int[] a = new int[4];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
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
    private Policies choosePolicies(World world, List<NetworkInterface> enis, GroupTables tables, int[] eniPolicy) {
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
        return new Policies(sets, Arrays.asList(out), Math.max(0, budget));
    }

    /** The group set of each policy number, its tables, and the merge budget left. */
    record Policies(List<List<String>> sets, List<RuleTable[]> tables, long budgetLeft) {
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
    static List<String> existingGroups(World world, List<String> set) {
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
     * ENI that claims it as private (membership is by address): the owner's identity (the snapshot's
     * per-ENI identity, which a change of groups rewrites alone), or, for an address several ENIs with other
     * groups claim, an identity of its own. A public address has none.
     *
     * @return the identities by their group numbers, and the ENIs that claim an address another ENI claims too
     */
    private static Identities addAddresses(List<NetworkInterface> enis,
            int[] eniNumbers, GroupNumbering groupNumbers, PolicySnapshot.Builder b) {
        AddressTable.Builder t = new AddressTable.Builder();
        Map<CompilerState.GroupNumbers, Integer> identityNumbers = new HashMap<>();
        List<int[]> identities = new ArrayList<>();
        Map<Integer, Integer> eniIdentity = new HashMap<>();
        // Entries claimed as private by ENIs of other identities: the union of their groups.
        Map<Integer, TreeSet<Integer>> shared = new HashMap<>();
        java.util.Set<Integer> coClaimants = new java.util.HashSet<>();
        for (int i = 0; i < enis.size(); i++) {
            NetworkInterface eni = enis.get(i);
            int[] groups = groupNumbers(eni, groupNumbers);
            CompilerState.GroupNumbers key = new CompilerState.GroupNumbers(groups);
            int identity = identityNumbers.computeIfAbsent(key, k -> {
                identities.add(k.numbers());
                return identities.size() - 1;
            });
            b.eniIdentity(eniNumbers[i], identity);
            eniIdentity.put(eniNumbers[i], identity);
            for (IpAddress a : eni.privateAddresses()) {
                int size = t.size();
                int entry = add(t, eni, eniNumbers[i], a, false, AddressTable.OWNER);
                if (t.size() == size) { // claimed before, as a private address (public ones come later)
                    if (t.eniOf(entry) != eniNumbers[i]) {
                        coClaimants.add(t.eniOf(entry));
                        coClaimants.add(eniNumbers[i]);
                    }
                    int owner = eniIdentity.get(t.eniOf(entry));
                    if (owner != identity || shared.containsKey(entry)) {
                        TreeSet<Integer> union = shared.computeIfAbsent(entry, k -> new TreeSet<>());
                        for (int g : identities.get(owner)) {
                            union.add(g);
                        }
                        for (int g : groups) {
                            union.add(g);
                        }
                    }
                }
            }
        }
        for (Map.Entry<Integer, TreeSet<Integer>> e : shared.entrySet()) {
            CompilerState.GroupNumbers key = new CompilerState.GroupNumbers(
                    e.getValue().stream().mapToInt(Integer::intValue).toArray());
            int identity = identityNumbers.computeIfAbsent(key, k -> {
                identities.add(k.numbers());
                return identities.size() - 1;
            });
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
        return new Identities(PersistentMap.copyOf(identityNumbers), java.util.Set.copyOf(coClaimants));
    }

    /** What {@link #addAddresses} tells the incremental compilations. */
    private record Identities(PersistentMap<CompilerState.GroupNumbers, Integer> numbers,
                              java.util.Set<Integer> coClaimants) {
    }

    /** The ENI's group numbers, sorted, each once: the key of its identity. */
    static int[] groupNumbers(NetworkInterface eni, GroupNumbering groupNumbers) {
        int[] groups = new int[eni.groupIds().size()];
        for (int k = 0; k < groups.length; k++) {
            groups[k] = groupNumbers.number(eni.groupIds().get(k));
        }
        Arrays.sort(groups);
        return distinct(groups);
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
}
