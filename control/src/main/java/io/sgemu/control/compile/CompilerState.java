package io.sgemu.control.compile;

import io.sgemu.control.model.NaclEntry;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.PersistentMap;
import io.sgemu.control.model.PrefixList;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.policy.NetworkAclTable;
import io.sgemu.dataplane.policy.RuleTable;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one compilation hands the next through its snapshot ({@code PolicySnapshot.compilerState()}): the
 * world it compiled and the numbering and tables behind the snapshot. Persistent maps throughout, so that an
 * incremental compilation makes the next state in time proportional to its change, and an older state
 * stays valid (a snapshot the dataplane refused leaves the one before it in force).
 *
 * @param world           the world compiled (its origin forgotten), null for the empty state
 * @param region          the region override it was compiled with
 * @param groupNumbers    group id -> number: once given, kept for good (rule tables and identities name groups by number)
 * @param tables          compiled rule tables by (existing, sorted) group list, with what they were compiled from
 * @param groupSources    what each group's table was compiled from, as last made (see {@link GroupTables})
 * @param nacls           compiled NACLs by NACL id, with their entries
 * @param eniNumbers      ENI id -> number
 * @param policyOf        group set (as {@link PolicyCompiler#groupSet} makes it) -> policy number
 * @param policySets      policy number -> its group set
 * @param policiesOfGroup group id -> the policies whose set names it
 * @param identityOf      sorted group numbers -> identity number
 * @param coClaimants     numbers of the ENIs that claim a private address another ENI claims too (their
 *                        identity is not theirs alone: a change of their groups is compiled whole)
 * @param mergeBudgetLeft bytes that further merged tables may still take
 * @param appended        policies and identities added by incremental compilations since the last full one
 */
record CompilerState(World world, String region, PersistentMap<String, Integer> groupNumbers,
                     PersistentMap<List<String>, CompiledTable> tables,
                     PersistentMap<String, GroupSource> groupSources, Map<String, NaclCache> nacls,
                     PersistentMap<String, Integer> eniNumbers, PersistentMap<List<String>, Integer> policyOf,
                     PersistentMap<Integer, List<String>> policySets, PersistentMap<String, int[]> policiesOfGroup,
                     PersistentMap<GroupNumbers, Integer> identityOf, Set<Integer> coClaimants,
                     long mergeBudgetLeft, int appended) {

    static final CompilerState EMPTY = new CompilerState(null, null, PersistentMap.empty(), PersistentMap.empty(),
            PersistentMap.empty(), Map.of(), PersistentMap.empty(), PersistentMap.empty(), PersistentMap.empty(), PersistentMap.empty(),
            PersistentMap.empty(), Set.of(), 0, 0);

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
    record GroupNumbers(int[] numbers) {
        @Override
        public boolean equals(Object o) {
            return o instanceof GroupNumbers g && Arrays.equals(numbers, g.numbers);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(numbers);
        }

        @Override
        public String toString() {
            return Arrays.toString(numbers);
        }
    }
}
