package io.sgemu.control.compile;

import io.sgemu.control.compile.CompilerState.CompiledTable;
import io.sgemu.control.compile.CompilerState.GroupSource;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.PersistentMap;
import io.sgemu.control.model.PrefixList;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;
import io.sgemu.dataplane.policy.RuleTable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The compiled rule tables of one compilation, by (existing, sorted) list of groups: a table of the
 * previous compilation is reused when what it was compiled from (the groups' rules and the entries of the
 * prefix lists they name) is unchanged, else compiled anew. Group references compile to group numbers
 * ({@link GroupNumbering}), matched through identities, so membership never invalidates a table.
 */
final class GroupTables {

    private final World world;
    private final GroupNumbering groupNumbers;
    private final int trieThreshold;
    private final PersistentMap<List<String>, CompiledTable> previous;
    private final Map<List<String>, CompiledTable> used = new HashMap<>();
    private final Map<String, GroupSource> sourceOf = new HashMap<>();
    private final PersistentMap<String, GroupSource> previousSources;
    private final java.util.Set<String> touched;

    /**
     * @param previousSources the sources the previous compilation made, by group
     * @param touched         the groups changed since (their sources are made anew; the others' are the
     *                        previous ones, the very objects, so that comparing them is cheap), or null when
     *                        unknown (every source is made anew)
     */
    GroupTables(World world, GroupNumbering groupNumbers, int trieThreshold,
                PersistentMap<List<String>, CompiledTable> previous, PersistentMap<String, GroupSource> previousSources,
                java.util.Set<String> touched) {
        this.world = world;
        this.groupNumbers = groupNumbers;
        this.trieThreshold = trieThreshold;
        this.previous = previous;
        this.previousSources = previousSources;
        this.touched = touched;
    }

    /** The previous compilation's table for the groups, if its sources are unchanged (then counted as used). */
    RuleTable reusable(List<String> groups) {
        CompiledTable c = used.get(groups);
        if (c != null) {
            return c.table();
        }
        CompiledTable old = previous.get(groups);
        if (old != null && old.sources().equals(sources(groups))) {
            used.put(groups, old);
            return old.table();
        }
        return null;
    }

    /** The table of one (existing) group. */
    RuleTable single(String group) {
        return of(List.of(group));
    }

    /** The table of the (existing, sorted) groups: this compilation's, the previous one's, or new. */
    RuleTable of(List<String> groups) {
        RuleTable t = reusable(groups);
        if (t != null) {
            return t;
        }
        CompiledTable c = new CompiledTable(compileGroups(groups), sources(groups));
        used.put(groups, c);
        return c.table();
    }

    /** The tables this compilation used (a full compilation keeps only these). */
    PersistentMap<List<String>, CompiledTable> usedOnly() {
        return PersistentMap.copyOf(used);
    }

    /**
     * The previous tables with this compilation's in their place (an incremental compilation keeps the
     * others: they are checked against their sources before any reuse).
     */
    PersistentMap<List<String>, CompiledTable> previousAndUsed() {
        PersistentMap<List<String>, CompiledTable> out = previous;
        for (Map.Entry<List<String>, CompiledTable> e : used.entrySet()) {
            out = out.plus(e.getKey(), e.getValue());
        }
        return out;
    }

    /**
     * The sources this compilation made or reused, by group: the previous ones, without those of changed
     * groups, with this compilation's in place.
     */
    PersistentMap<String, GroupSource> sources() {
        PersistentMap<String, GroupSource> out = touched == null ? PersistentMap.empty() : previousSources;
        if (touched != null) {
            for (String id : touched) {
                out = out.minus(id); // changed and not made anew here: the next compilation that needs it makes it
            }
        }
        for (Map.Entry<String, GroupSource> e : sourceOf.entrySet()) {
            out = out.plus(e.getKey(), e.getValue());
        }
        return out;
    }

    private List<GroupSource> sources(List<String> groups) {
        GroupSource[] out = new GroupSource[groups.size()];
        for (int i = 0; i < out.length; i++) {
            String id = groups.get(i);
            GroupSource s = sourceOf.get(id);
            if (s == null) {
                s = touched != null && !touched.contains(id) ? previousSources.get(id) : null;
                if (s == null) {
                    s = GroupSource.of(world, world.securityGroups().get(id));
                }
                sourceOf.put(id, s);
            }
            out[i] = s;
        }
        return List.of(out);
    }

    private RuleTable compileGroups(List<String> groups) {
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
                    b.addGroupReference(egress, r.protocol(), r.fromPort(), r.toPort(), groupNumbers.number(g.groupId()));
        }
    }

    private static void addCidr(RuleTable.Builder b, boolean egress, SgRule r, Cidr c, boolean allAddresses) {
        IpAddress n = c.network();
        b.addCidr(egress, r.protocol(), r.fromPort(), r.toPort(), n.family(), n.hi(), n.lo(), c.prefixLength(),
                allAddresses);
    }
}
