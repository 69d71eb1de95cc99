package io.sgemu.dataplane.policy;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The compiled rules of a set of security groups, both directions: what a packet's remote address and
 * service must be for some rule of the set to allow it (SEMANTICS.md section 2), and the parts of the
 * untracked-flow test (section 3) that depend on the rules. Immutable; shared by every ENI whose groups
 * compile to it, and reused by the next snapshot when the groups' rules did not change.
 *
 * <p>Per direction {@code d} (0 inbound, 1 outbound) and family {@code f} (0 IPv4, 1 IPv6):
 * <ul>
 *   <li>{@code maps[2d+f]}: a leaf-pushed {@link PrefixMap} from the remote address to the offset of a
 *       service set in {@code pool}: the union of the services of every CIDR rule and prefix-list entry
 *       that contains the address;</li>
 *   <li>{@code refGroups[d]} (sorted group numbers) and {@code refServices[d]} (service-set offsets): for
 *       each group that a rule references, the union of the services of those rules. A remote address
 *       matches them through its identity (the group numbers of its ENI), never through its bits, so
 *       that a change of membership needs no change here;</li>
 *   <li>{@code allAddresses[2d+f]}: the service set of the rules whose peer is the CIDR {@code 0.0.0.0/0}
 *       (resp. {@code ::/0}) only, and {@code allPorts[2d+f]} its "all ports of tcp / of udp" bits (bit 0
 *       tcp, bit 1 udp).</li>
 * </ul>
 * {@code pool} holds every service set of the table ({@link ServiceSets} layout, the empty set at 0).
 */
public final class RuleTable {

    private final int[] pool;
    private final PrefixMap[] maps;
    private final int[][] refGroups;
    private final int[][] refServices;
    private final int[] allAddresses;
    private final int[] allPorts;
    private final int ruleCount;

    private RuleTable(int[] pool, PrefixMap[] maps, int[][] refGroups, int[][] refServices, int[] allAddresses,
                      int ruleCount) {
        this.pool = pool;
        this.maps = maps;
        this.refGroups = refGroups;
        this.refServices = refServices;
        this.allAddresses = allAddresses;
        this.ruleCount = ruleCount;
        this.allPorts = new int[4];
        for (int i = 0; i < 4; i++) {
            allPorts[i] = (ServiceSets.allPorts(pool, allAddresses[i], ServiceSets.TCP) ? 1 : 0)
                    | (ServiceSets.allPorts(pool, allAddresses[i], ServiceSets.UDP) ? 2 : 0);
        }
    }

    /**
     * Does a rule of direction {@code d} allow the packet? {@code identityGroups[from..to)} are the sorted
     * group numbers of the remote address's identity (an empty range for an external or public address).
     */
    boolean allows(int d, int f, long hi, long lo, int[] identityGroups, int from, int to, int protocol, int dstPort,
                   int icmpType, int icmpCode) {
        int[] pool = this.pool;
        int set = maps[2 * d + f].lookup(hi, lo);
        if (set != ServiceSets.EMPTY && ServiceSets.matches(pool, set, protocol, dstPort, icmpType, icmpCode)) {
            return true;
        }
        int[] groups = refGroups[d];
        if (groups.length == 0 || from >= to) {
            return false;
        }
        int[] services = refServices[d];
        // Both sorted: one merge walk over the referenced groups and the identity's groups.
        int i = 0;
        int j = from;
        while (i < groups.length && j < to) {
            int g = groups[i];
            int h = identityGroups[j];
            if (g < h) {
                i++;
            } else if (g > h) {
                j++;
            } else {
                if (ServiceSets.matches(pool, services[i], protocol, dstPort, icmpType, icmpCode)) {
                    return true;
                }
                i++;
                j++;
            }
        }
        return false;
    }

    /** Does an all-addresses rule of direction {@code d}, family {@code f} admit (protocol, port)? */
    boolean allAddressesAdmit(int d, int f, int protocol, int dstPort) {
        return ServiceSets.matches(pool, allAddresses[2 * d + f], protocol, dstPort, -1, -1);
    }

    /** Has direction {@code d} an all-addresses, all-ports rule for tcp or udp {@code protocol} (or -1)? */
    boolean allAddressesAllPorts(int d, int f, int protocol) {
        return (allPorts[2 * d + f] & (protocol == ServiceSets.TCP ? 1 : 2)) != 0;
    }

    /** The prefix map of direction {@code egress}, family 4 or 6 (for tests and reports). */
    public PrefixMap prefixMap(boolean egress, int family) {
        return maps[2 * (egress ? 1 : 0) + (family == 4 ? 0 : 1)];
    }

    /** The service set a CIDR or prefix-list rule allows at the address, as text (diagnostics). */
    public String servicesAt(boolean egress, int family, long hi, long lo) {
        return ServiceSets.describe(pool, prefixMap(egress, family).lookup(hi, lo));
    }

    /** The number of rules compiled into this table. */
    public int ruleCount() {
        return ruleCount;
    }

    /** Bytes held (arrays and headers, approximately). */
    public long bytes() {
        long b = 64 + PrefixMap.arrayBytes(pool.length, 4) + 4 * 16 + PrefixMap.arrayBytes(4, 4) * 2;
        for (PrefixMap m : maps) {
            b += m.bytes();
        }
        for (int d = 0; d < 2; d++) {
            b += PrefixMap.arrayBytes(refGroups[d].length, 4) + PrefixMap.arrayBytes(refServices[d].length, 4);
        }
        return b;
    }

    /** Collects rules, then compiles them. Not thread-safe; one builder makes one table. */
    public static final class Builder {
        private final ServiceSets.Builder services = new ServiceSets.Builder();
        private final PrefixMap.Builder[] maps = new PrefixMap.Builder[4];
        private final int[] allAddresses = new int[4];
        private final List<Map<Integer, Integer>> refs = List.of(new TreeMap<>(), new TreeMap<>());
        private int ruleCount;

        public Builder() {
            for (int i = 0; i < 4; i++) {
                maps[i] = new PrefixMap.Builder(i % 2 == 0 ? 4 : 6, services);
            }
        }

        /** Leaf count above which a prefix map is laid out as a trie. */
        public Builder trieThreshold(int leaves) {
            for (PrefixMap.Builder m : maps) {
                m.trieThreshold(leaves);
            }
            return this;
        }

        /**
         * A rule (or one prefix-list entry of a rule) whose peer is the CIDR {@code hi:lo/length} of
         * {@code family}. {@code allAddressesPeer}: the rule's peer is the CIDR {@code 0.0.0.0/0} or
         * {@code ::/0} itself (not a prefix list that contains it), which counts for untracked flows.
         */
        public Builder addCidr(boolean egress, int protocol, int fromPort, int toPort, int family, long hi, long lo,
                               int length, boolean allAddressesPeer) {
            int set = services.ofRule(protocol, fromPort, toPort);
            ruleCount++;
            if (set == ServiceSets.EMPTY) {
                return this; // a rule that can match nothing
            }
            int i = 2 * (egress ? 1 : 0) + (family == 4 ? 0 : 1);
            maps[i].add(hi, lo, length, set);
            if (allAddressesPeer) {
                allAddresses[i] = services.union(allAddresses[i], set);
            }
            return this;
        }

        /** A rule whose peer is the security group numbered {@code group}. */
        public Builder addGroupReference(boolean egress, int protocol, int fromPort, int toPort, int group) {
            int set = services.ofRule(protocol, fromPort, toPort);
            ruleCount++;
            if (set == ServiceSets.EMPTY) {
                return this;
            }
            refs.get(egress ? 1 : 0).merge(group, set, services::union);
            return this;
        }

        /** A rule that matches no address (a prefix list the world does not know); counted only. */
        public Builder addNothing() {
            ruleCount++;
            return this;
        }

        public RuleTable build() {
            PrefixMap[] built = new PrefixMap[4];
            for (int i = 0; i < 4; i++) {
                built[i] = maps[i].build();
            }
            boolean[] used = new boolean[services.size()];
            for (PrefixMap m : built) {
                m.markValues(used);
            }
            for (int a : allAddresses) {
                used[a] = true;
            }
            int[][] groups = new int[2][];
            int[][] sets = new int[2][];
            for (int d = 0; d < 2; d++) {
                groups[d] = new int[refs.get(d).size()];
                sets[d] = new int[refs.get(d).size()];
                int k = 0;
                for (Map.Entry<Integer, Integer> e : refs.get(d).entrySet()) {
                    groups[d][k] = e.getKey();
                    sets[d][k] = e.getValue();
                    used[e.getValue()] = true;
                    k++;
                }
            }
            int[] offsets = new int[services.size()];
            int[] pool = services.encode(used, offsets);
            for (int i = 0; i < 4; i++) {
                built[i] = built[i].remapped(offsets);
            }
            int[] all = new int[4];
            for (int i = 0; i < 4; i++) {
                all[i] = offsets[allAddresses[i]];
            }
            for (int d = 0; d < 2; d++) {
                for (int k = 0; k < sets[d].length; k++) {
                    sets[d][k] = offsets[sets[d][k]];
                }
            }
            return new RuleTable(pool, built, groups, sets, all, ruleCount);
        }
    }
}
