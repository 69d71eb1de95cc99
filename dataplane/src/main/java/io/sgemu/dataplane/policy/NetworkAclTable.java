package io.sgemu.dataplane.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One network ACL compiled (SEMANTICS.md section 4): per direction, its entries in evaluation order (rule
 * number, ties as the compiler orders them), the first that matches decides, no match denies.
 *
 * <p>Entries are struct-of-arrays, index {@code i} in evaluation order: family, network and mask (two
 * longs each), protocol (-1 all), destination port range {@code portLo..portHi} (an entry without a range
 * has 0..65535, which also admits a packet without ports), ICMP type and code (-1 any), allow.
 *
 * <p>A direction with at most {@link #LINEAR_LIMIT} entries is scanned in order. A bigger one also has
 * a leaf-pushed {@link PrefixMap} per family from the address to a candidate list: the entries, in
 * order, whose CIDR contains the address, cut after the first one that matches every protocol (nothing
 * after it can decide). The scan then tests protocol and ports of the candidates only. Candidate lists
 * live in {@code candidates}: at offset {@code o}, a count then the entry indices; the empty list at 0.
 */
public final class NetworkAclTable {

    /** Entries per direction up to which a linear scan is used. */
    public static final int LINEAR_LIMIT = 24;

    private final Direction[] directions;

    private NetworkAclTable(Direction ingress, Direction egress) {
        this.directions = new Direction[] {ingress, egress};
    }

    /** Does the ACL allow the packet in direction {@code egress}? The address is the remote end. */
    public boolean allows(boolean egress, int family, long hi, long lo, int protocol, int dstPort, int icmpType,
                          int icmpCode) {
        return directions[egress ? 1 : 0].allows(family, hi, lo, protocol, dstPort, icmpType, icmpCode);
    }

    /** True when direction {@code egress} uses candidate tries rather than a linear scan. */
    public boolean usesTries(boolean egress) {
        return directions[egress ? 1 : 0].v4 != null;
    }

    public long bytes() {
        return 32 + directions[0].bytes() + directions[1].bytes();
    }

    private static final class Direction {
        final int n;
        final int[] family;
        final long[] netHi;
        final long[] netLo;
        final long[] maskHi;
        final long[] maskLo;
        final int[] protocol;
        final int[] portLo;
        final int[] portHi;
        final int[] icmpType;
        final int[] icmpCode;
        final boolean[] allow;
        final PrefixMap v4;
        final PrefixMap v6;
        final int[] candidates;

        Direction(List<long[]> rows, int trieThreshold) {
            n = rows.size();
            family = new int[n];
            netHi = new long[n];
            netLo = new long[n];
            maskHi = new long[n];
            maskLo = new long[n];
            protocol = new int[n];
            portLo = new int[n];
            portHi = new int[n];
            icmpType = new int[n];
            icmpCode = new int[n];
            allow = new boolean[n];
            for (int i = 0; i < n; i++) {
                long[] r = rows.get(i);
                family[i] = (int) r[0];
                netHi[i] = r[1];
                netLo[i] = r[2];
                maskHi[i] = r[3];
                maskLo[i] = r[4];
                protocol[i] = (int) r[5];
                portLo[i] = (int) r[6];
                portHi[i] = (int) r[7];
                icmpType[i] = (int) r[8];
                icmpCode[i] = (int) r[9];
                allow[i] = r[10] != 0;
            }
            if (n <= LINEAR_LIMIT) {
                v4 = null;
                v6 = null;
                candidates = null;
                return;
            }
            Candidates lists = new Candidates(protocol);
            PrefixMap.Builder b4 = new PrefixMap.Builder(4, lists).trieThreshold(trieThreshold);
            PrefixMap.Builder b6 = new PrefixMap.Builder(6, lists).trieThreshold(trieThreshold);
            for (int i = 0; i < n; i++) {
                int length = (int) rows.get(i)[11];
                (family[i] == 4 ? b4 : b6).add(netHi[i], netLo[i], length, lists.single(i));
            }
            PrefixMap m4 = b4.build();
            PrefixMap m6 = b6.build();
            boolean[] used = new boolean[lists.size()];
            m4.markValues(used);
            m6.markValues(used);
            int[] offsets = new int[lists.size()];
            candidates = lists.encode(used, offsets);
            v4 = m4.remapped(offsets);
            v6 = m6.remapped(offsets);
        }

        boolean allows(int fam, long hi, long lo, int proto, int port, int type, int code) {
            if (v4 == null) {
                for (int i = 0; i < n; i++) {
                    if (family[i] == fam && (hi & maskHi[i]) == netHi[i] && (lo & maskLo[i]) == netLo[i]
                            && serviceMatches(i, proto, port, type, code)) {
                        return allow[i];
                    }
                }
                return false;
            }
            int[] c = candidates;
            int at = (fam == 4 ? v4 : v6).lookup(hi, lo);
            int count = c[at];
            for (int k = 1; k <= count; k++) {
                int i = c[at + k];
                if (serviceMatches(i, proto, port, type, code)) {
                    return allow[i];
                }
            }
            return false;
        }

        private boolean serviceMatches(int i, int proto, int port, int type, int code) {
            int p = protocol[i];
            if (p == -1) {
                return true;
            }
            if (p != proto) {
                return false;
            }
            if (p == ServiceSets.TCP || p == ServiceSets.UDP) {
                if (port < 0) {
                    return portLo[i] == 0 && portHi[i] >= ServiceSets.MAX_PORT;
                }
                return port >= portLo[i] && port <= portHi[i];
            }
            if (p == ServiceSets.ICMP || p == ServiceSets.ICMPV6) {
                int t = icmpType[i];
                if (t == -1) {
                    return true; // NACL "all ICMP", whatever the code (PortMatch.naclIcmp)
                }
                int c = icmpCode[i];
                return type == t && (c == -1 || code == c);
            }
            return true;
        }

        long bytes() {
            long b = 96 + PrefixMap.arrayBytes(n, 4) * 7 + PrefixMap.arrayBytes(n, 8) * 4 + PrefixMap.arrayBytes(n, 1);
            if (v4 != null) {
                b += v4.bytes() + v6.bytes() + PrefixMap.arrayBytes(candidates.length, 4);
            }
            return b;
        }
    }

    /** Interned candidate lists (sorted entry indices), united by merging; cut after a catch-all entry. */
    private static final class Candidates implements PrefixMap.Union {
        private final int[] protocol;
        private final List<int[]> byId = new ArrayList<>();
        private final Map<IntArrayKey, Integer> ids = new HashMap<>();
        private final Map<Long, Integer> unions = new HashMap<>();

        Candidates(int[] protocol) {
            this.protocol = protocol;
            intern(new int[0]);
        }

        int single(int entry) {
            return intern(new int[] {entry});
        }

        int size() {
            return byId.size();
        }

        @Override
        public int empty() {
            return 0;
        }

        @Override
        public int union(int a, int b) {
            if (a == b || b == 0) {
                return a;
            }
            if (a == 0) {
                return b;
            }
            long key = a < b ? ((long) a << 32) | b : ((long) b << 32) | a;
            Integer cached = unions.get(key);
            if (cached != null) {
                return cached;
            }
            int[] x = byId.get(a);
            int[] y = byId.get(b);
            int[] out = new int[x.length + y.length];
            int n = 0;
            int i = 0;
            int j = 0;
            while (i < x.length || j < y.length) {
                int v = (j >= y.length || (i < x.length && x[i] <= y[j])) ? x[i++] : y[j++];
                if (n > 0 && out[n - 1] == v) {
                    continue;
                }
                out[n++] = v;
                if (protocol[v] == -1) {
                    break; // matches every packet here: nothing after it is ever reached
                }
            }
            int id = intern(Arrays.copyOf(out, n));
            unions.put(key, id);
            return id;
        }

        private int intern(int[] list) {
            IntArrayKey k = new IntArrayKey(list);
            Integer id = ids.get(k);
            if (id != null) {
                return id;
            }
            byId.add(list);
            ids.put(k, byId.size() - 1);
            return byId.size() - 1;
        }

        int[] encode(boolean[] used, int[] offsets) {
            IntList out = new IntList(64);
            out.add(0);
            for (int id = 1; id < byId.size(); id++) {
                if (used[id]) {
                    offsets[id] = out.size();
                    out.add(byId.get(id).length);
                    out.addAll(byId.get(id));
                }
            }
            return out.toArray();
        }
    }

    private record IntArrayKey(int[] a) {
        @Override
        public boolean equals(Object o) {
            return o instanceof IntArrayKey k && Arrays.equals(a, k.a);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(a);
        }
    }

    /** Collects the entries of one ACL in evaluation order, per direction. */
    public static final class Builder {
        private final List<List<long[]>> rows = List.of(new ArrayList<>(), new ArrayList<>());
        private int trieThreshold = PrefixMap.DEFAULT_TRIE_THRESHOLD;

        public Builder trieThreshold(int leaves) {
            this.trieThreshold = leaves;
            return this;
        }

        /**
         * The next entry of direction {@code egress} in evaluation order. {@code hasPortRange} false: the
         * entry names no range (all ports); otherwise {@code fromPort..toPort} with -1 an open bound.
         */
        public Builder add(boolean egress, int protocol, boolean allow, int family, long hi, long lo, int length,
                           boolean hasPortRange, int fromPort, int toPort, int icmpType, int icmpCode) {
            long maskHi;
            long maskLo;
            if (family == 4) {
                maskHi = 0;
                maskLo = length == 0 ? 0 : (0xFFFF_FFFFL << (32 - length)) & 0xFFFF_FFFFL;
            } else {
                maskHi = length >= 64 ? -1L : (length == 0 ? 0 : -1L << (64 - length));
                maskLo = length <= 64 ? 0 : (length == 128 ? -1L : -1L << (128 - length));
            }
            int loPort = 0;
            int hiPort = ServiceSets.MAX_PORT;
            if (hasPortRange) {
                loPort = fromPort < 0 ? 0 : fromPort;
                hiPort = toPort < 0 ? ServiceSets.MAX_PORT : toPort;
            }
            rows.get(egress ? 1 : 0).add(new long[] {family, hi & maskHi, lo & maskLo, maskHi, maskLo, protocol, loPort, hiPort,
                icmpType, icmpCode, allow ? 1 : 0, length});
            return this;
        }

        public NetworkAclTable build() {
            return new NetworkAclTable(new Direction(rows.get(0), trieThreshold), new Direction(rows.get(1), trieThreshold));
        }
    }
}
