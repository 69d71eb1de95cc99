package io.sgemu.dataplane.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Service sets: the (protocol, destination ports / ICMP type and code) that a set of security-group rules
 * allows, encoded in one flat {@code int[]} pool and probed without allocation.
 *
 * <p>Semantics are those of one rule's protocol-and-ports test (SEMANTICS.md section 2), unioned over the
 * set's rules: protocol -1 matches every packet; tcp/udp match the destination port against the ranges,
 * and a packet without a port (a later fragment, port -1) only when a single rule of the set covers every
 * port (two rules 0-100 and 101-65535 do not: nothing narrower than "all ports" can be shown to hold for
 * a port-less packet); icmp/icmpv6 match type and code as security groups do (type -1 with code -1 is
 * any message, a specific type with code -1 any code of it, type -1 with a specific code nothing); every
 * other protocol number matches whatever the ports.
 *
 * <h2>Layout of one set at offset {@code o} of the pool</h2>
 * <pre>
 * o+0                header: ALL | TCP_FULL | UDP_FULL | ICMP_ANY | ICMP6_ANY flags (bits 0-4),
 *                    HAS_TCP | HAS_UDP | HAS_ICMP | HAS_ICMP6 | HAS_OTHER section bits (bits 8-12)
 * then, for each section present, in this order:
 *   tcp, udp         n, then n pairs (lo, hi): sorted, disjoint, non-adjacent inclusive port ranges
 *   icmp, icmpv6     n, then n keys (type << 9 | (code + 1)) sorted; code + 1 == 0 means any code
 *   other            n, then n protocol numbers sorted
 * </pre>
 * The empty set is always at offset 0 (header 0), so a lookup that finds nothing can answer 0.
 */
public final class ServiceSets {

    public static final int EMPTY = 0;

    static final int ALL = 1;
    static final int TCP_FULL = 1 << 1;
    static final int UDP_FULL = 1 << 2;
    static final int ICMP_ANY = 1 << 3;
    static final int ICMP6_ANY = 1 << 4;
    static final int HAS_TCP = 1 << 8;
    static final int HAS_UDP = 1 << 9;
    static final int HAS_ICMP = 1 << 10;
    static final int HAS_ICMP6 = 1 << 11;
    static final int HAS_OTHER = 1 << 12;

    static final int TCP = 6;
    static final int UDP = 17;
    static final int ICMP = 1;
    static final int ICMPV6 = 58;
    static final int MAX_PORT = 65_535;

    private ServiceSets() {
    }

    /** Does the set at {@code offset} allow the packet? Allocation-free. */
    public static boolean matches(int[] pool, int offset, int protocol, int dstPort, int icmpType, int icmpCode) {
        int h = pool[offset];
        if ((h & ALL) != 0) {
            return true;
        }
        int s = offset + 1;
        switch (protocol) {
            case TCP:
                if (dstPort < 0) {
                    return (h & TCP_FULL) != 0;
                }
                return (h & HAS_TCP) != 0 && inRanges(pool, s, dstPort);
            case UDP:
                if (dstPort < 0) {
                    return (h & UDP_FULL) != 0;
                }
                if ((h & HAS_UDP) == 0) {
                    return false;
                }
                if ((h & HAS_TCP) != 0) {
                    s += 1 + 2 * pool[s];
                }
                return inRanges(pool, s, dstPort);
            case ICMP:
                if ((h & ICMP_ANY) != 0) {
                    return true;
                }
                if ((h & HAS_ICMP) == 0) {
                    return false;
                }
                s = skipPorts(pool, h, s);
                return icmpIn(pool, s, icmpType, icmpCode);
            case ICMPV6:
                if ((h & ICMP6_ANY) != 0) {
                    return true;
                }
                if ((h & HAS_ICMP6) == 0) {
                    return false;
                }
                s = skipPorts(pool, h, s);
                if ((h & HAS_ICMP) != 0) {
                    s += 1 + pool[s];
                }
                return icmpIn(pool, s, icmpType, icmpCode);
            default:
                if ((h & HAS_OTHER) == 0) {
                    return false;
                }
                s = skipPorts(pool, h, s);
                if ((h & HAS_ICMP) != 0) {
                    s += 1 + pool[s];
                }
                if ((h & HAS_ICMP6) != 0) {
                    s += 1 + pool[s];
                }
                return sortedContains(pool, s + 1, pool[s], protocol);
        }
    }

    /**
     * True when the set allows every packet of {@code protocol} whatever its ports: protocol -1, or a
     * single rule of that protocol covering all ports (the "all-ports rule" of SEMANTICS.md section 3).
     */
    public static boolean allPorts(int[] pool, int offset, int protocol) {
        int h = pool[offset];
        return (h & ALL) != 0 || (protocol == TCP && (h & TCP_FULL) != 0) || (protocol == UDP && (h & UDP_FULL) != 0);
    }

    private static int skipPorts(int[] pool, int h, int s) {
        if ((h & HAS_TCP) != 0) {
            s += 1 + 2 * pool[s];
        }
        if ((h & HAS_UDP) != 0) {
            s += 1 + 2 * pool[s];
        }
        return s;
    }

    /** Ranges at {@code s}: count, then (lo, hi) pairs; is {@code port} in one? */
    private static boolean inRanges(int[] pool, int s, int port) {
        int n = pool[s];
        int base = s + 1;
        // The last range whose lo <= port, by binary search over the pairs.
        int lo = 0;
        int hi = n - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (pool[base + 2 * mid] <= port) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found >= 0 && pool[base + 2 * found + 1] >= port;
    }

    private static boolean icmpIn(int[] pool, int s, int type, int code) {
        if (type < 0 || type > 255) {
            return false; // a packet without a type matches only "any message"
        }
        int n = pool[s];
        if (sortedContains(pool, s + 1, n, type << 9)) {
            return true;
        }
        return code >= 0 && code <= 255 && sortedContains(pool, s + 1, n, (type << 9) | (code + 1));
    }

    private static boolean sortedContains(int[] pool, int from, int n, int key) {
        int lo = from;
        int hi = from + n - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int v = pool[mid];
            if (v < key) {
                lo = mid + 1;
            } else if (v > key) {
                hi = mid - 1;
            } else {
                return true;
            }
        }
        return false;
    }

    /** The set at {@code offset} as text, for diagnostics and tests. */
    public static String describe(int[] pool, int offset) {
        int h = pool[offset];
        if ((h & ALL) != 0) {
            return "all";
        }
        StringBuilder sb = new StringBuilder("{");
        int s = offset + 1;
        String[] names = {"tcp", "udp"};
        int[] has = {HAS_TCP, HAS_UDP};
        int[] full = {TCP_FULL, UDP_FULL};
        for (int k = 0; k < 2; k++) {
            if ((h & has[k]) != 0) {
                int n = pool[s];
                sb.append(' ').append(names[k]).append((h & full[k]) != 0 ? "(all)" : "");
                for (int i = 0; i < n; i++) {
                    sb.append(' ').append(pool[s + 1 + 2 * i]).append('-').append(pool[s + 2 + 2 * i]);
                }
                s += 1 + 2 * n;
            }
        }
        String[] icmpNames = {"icmp", "icmpv6"};
        int[] icmpHas = {HAS_ICMP, HAS_ICMP6};
        int[] icmpAny = {ICMP_ANY, ICMP6_ANY};
        for (int k = 0; k < 2; k++) {
            if ((h & icmpAny[k]) != 0) {
                sb.append(' ').append(icmpNames[k]).append(" any");
            }
            if ((h & icmpHas[k]) != 0) {
                int n = pool[s];
                for (int i = 0; i < n; i++) {
                    int key = pool[s + 1 + i];
                    sb.append(' ').append(icmpNames[k]).append(' ').append(key >>> 9).append('/').append((key & 511) - 1);
                }
                s += 1 + n;
            }
        }
        if ((h & HAS_OTHER) != 0) {
            int n = pool[s];
            for (int i = 0; i < n; i++) {
                sb.append(" proto ").append(pool[s + 1 + i]);
            }
        }
        return sb.append(" }").toString();
    }

    /**
     * Builds service sets: one per rule, unions of them (memoised), each interned so that equal sets share
     * one id; then {@link #encode} lays out the sets still in use and gives their offsets.
     */
    public static final class Builder implements PrefixMap.Union {

        private final List<Services> byId = new ArrayList<>();
        private final Map<Services, Integer> ids = new HashMap<>();
        private final Map<Long, Integer> unions = new HashMap<>();

        public Builder() {
            intern(Services.NONE); // id 0: the empty set
        }

        @Override
        public int empty() {
            return 0;
        }

        /**
         * The set of one rule (raw EC2 values: ports or ICMP type/code, -1 meaning any), or the empty set for
         * a rule that can match nothing (ICMP type -1 with a specific code, an empty port range, ...).
         */
        public int ofRule(int protocol, int fromPort, int toPort) {
            return intern(Services.ofRule(protocol, fromPort, toPort));
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
            int id = intern(byId.get(a).union(byId.get(b)));
            unions.put(key, id);
            return id;
        }

        public boolean isEmpty(int id) {
            return id == 0;
        }

        public boolean allPorts(int id, int protocol) {
            Services s = byId.get(id);
            return s.all || (protocol == TCP && s.tcpFull) || (protocol == UDP && s.udpFull);
        }

        private int intern(Services s) {
            Integer id = ids.get(s);
            if (id != null) {
                return id;
            }
            int n = byId.size();
            byId.add(s);
            ids.put(s, n);
            return n;
        }

        /**
         * Lays out the sets whose ids are marked in {@code used} (id 0, the empty set, always first, at
         * offset 0) and returns the pool; {@code offsets[id]} receives each used set's offset.
         */
        public int[] encode(boolean[] used, int[] offsets) {
            IntList out = new IntList(64);
            offsets[0] = 0;
            out.add(0);
            for (int id = 1; id < byId.size(); id++) {
                if (id < used.length && used[id]) {
                    offsets[id] = out.size();
                    byId.get(id).encode(out);
                }
            }
            return out.toArray();
        }

        public int size() {
            return byId.size();
        }
    }

    /** One canonical set while building: merged ranges, sorted keys, flags. */
    static final class Services {
        static final Services NONE = new Services(false, new int[0], false, new int[0], false, new int[0], false,
                new int[0], false, new int[0]);
        static final Services EVERYTHING = new Services(true, new int[0], false, new int[0], false, new int[0], false,
                new int[0], false, new int[0]);

        final boolean all;
        final int[] tcp;
        final boolean tcpFull;
        final int[] udp;
        final boolean udpFull;
        final int[] icmp;
        final boolean icmpAny;
        final int[] icmp6;
        final boolean icmp6Any;
        final int[] other;
        private final int hash;

        Services(boolean all, int[] tcp, boolean tcpFull, int[] udp, boolean udpFull, int[] icmp, boolean icmpAny,
                 int[] icmp6, boolean icmp6Any, int[] other) {
            this.all = all;
            this.tcp = tcp;
            this.tcpFull = tcpFull;
            this.udp = udp;
            this.udpFull = udpFull;
            this.icmp = icmp;
            this.icmpAny = icmpAny;
            this.icmp6 = icmp6;
            this.icmp6Any = icmp6Any;
            this.other = other;
            int h = Boolean.hashCode(all);
            h = 31 * h + Arrays.hashCode(tcp) + (tcpFull ? 7 : 0);
            h = 31 * h + Arrays.hashCode(udp) + (udpFull ? 7 : 0);
            h = 31 * h + Arrays.hashCode(icmp) + (icmpAny ? 7 : 0);
            h = 31 * h + Arrays.hashCode(icmp6) + (icmp6Any ? 7 : 0);
            this.hash = 31 * h + Arrays.hashCode(other);
        }

        static Services ofRule(int protocol, int from, int to) {
            int[] none = new int[0];
            if (protocol == -1) {
                return EVERYTHING;
            }
            if (protocol == TCP || protocol == UDP) {
                int lo = from < 0 ? 0 : from;
                int hi = to < 0 ? MAX_PORT : Math.min(to, MAX_PORT);
                if (lo > hi) {
                    return NONE;
                }
                boolean full = lo == 0 && hi == MAX_PORT;
                int[] r = {lo, hi};
                return protocol == TCP
                        ? new Services(false, r, full, none, false, none, false, none, false, none)
                        : new Services(false, none, false, r, full, none, false, none, false, none);
            }
            if (protocol == ICMP || protocol == ICMPV6) {
                boolean any = false;
                int[] key = none;
                if (from == -1) {
                    if (to != -1) {
                        return NONE; // type -1 with a specific code matches nothing
                    }
                    any = true;
                } else if (from >= 0 && from <= 255 && to >= -1 && to <= 255) {
                    key = new int[] {(from << 9) | (to + 1)};
                } else {
                    return NONE; // a type or code no packet carries
                }
                return protocol == ICMP
                        ? new Services(false, none, false, none, false, key, any, none, false, none)
                        : new Services(false, none, false, none, false, none, false, key, any, none);
            }
            if (protocol < 0 || protocol > 255) {
                return NONE;
            }
            return new Services(false, none, false, none, false, none, false, none, false, new int[] {protocol});
        }

        Services union(Services o) {
            if (all || o.all) {
                return EVERYTHING;
            }
            boolean tf = tcpFull || o.tcpFull;
            boolean uf = udpFull || o.udpFull;
            boolean ia = icmpAny || o.icmpAny;
            boolean i6a = icmp6Any || o.icmp6Any;
            return new Services(false, mergeRanges(tcp, o.tcp), tf, mergeRanges(udp, o.udp), uf,
                    ia ? new int[0] : mergeIcmp(icmp, o.icmp), ia, i6a ? new int[0] : mergeIcmp(icmp6, o.icmp6), i6a,
                    mergeSorted(other, o.other));
        }

        /** Union of two sorted range lists, merging overlapping and adjacent ranges. */
        static int[] mergeRanges(int[] a, int[] b) {
            if (b.length == 0) {
                return a;
            }
            if (a.length == 0) {
                return b;
            }
            int na = a.length / 2;
            int nb = b.length / 2;
            int[] out = new int[a.length + b.length];
            int n = 0;
            int i = 0;
            int j = 0;
            while (i < na || j < nb) {
                int lo;
                int hi;
                if (j >= nb || (i < na && a[2 * i] <= b[2 * j])) {
                    lo = a[2 * i];
                    hi = a[2 * i + 1];
                    i++;
                } else {
                    lo = b[2 * j];
                    hi = b[2 * j + 1];
                    j++;
                }
                if (n > 0 && lo <= out[n - 1] + 1) {
                    out[n - 1] = Math.max(out[n - 1], hi);
                } else {
                    out[n++] = lo;
                    out[n++] = hi;
                }
            }
            return Arrays.copyOf(out, n);
        }

        /** Union of ICMP keys; a type with "any code" absorbs that type's specific codes. */
        static int[] mergeIcmp(int[] a, int[] b) {
            int[] m = mergeSorted(a, b);
            int n = 0;
            int[] out = new int[m.length];
            for (int k : m) {
                int anyOfType = k & ~511;
                if (n > 0 && out[n - 1] == anyOfType) {
                    continue; // keys sort with "any code" (code + 1 == 0) first within a type
                }
                out[n++] = k;
            }
            return n == out.length ? out : Arrays.copyOf(out, n);
        }

        static int[] mergeSorted(int[] a, int[] b) {
            if (b.length == 0) {
                return a;
            }
            if (a.length == 0) {
                return b;
            }
            int[] out = new int[a.length + b.length];
            int n = 0;
            int i = 0;
            int j = 0;
            while (i < a.length || j < b.length) {
                int v;
                if (j >= b.length || (i < a.length && a[i] <= b[j])) {
                    v = a[i++];
                } else {
                    v = b[j++];
                }
                if (n == 0 || out[n - 1] != v) {
                    out[n++] = v;
                }
            }
            return Arrays.copyOf(out, n);
        }

        void encode(IntList out) {
            if (all) {
                out.add(ALL);
                return;
            }
            int h = (tcpFull ? TCP_FULL : 0) | (udpFull ? UDP_FULL : 0) | (icmpAny ? ICMP_ANY : 0)
                    | (icmp6Any ? ICMP6_ANY : 0) | (tcp.length > 0 ? HAS_TCP : 0) | (udp.length > 0 ? HAS_UDP : 0)
                    | (icmp.length > 0 ? HAS_ICMP : 0) | (icmp6.length > 0 ? HAS_ICMP6 : 0)
                    | (other.length > 0 ? HAS_OTHER : 0);
            out.add(h);
            if (tcp.length > 0) {
                out.add(tcp.length / 2);
                out.addAll(tcp);
            }
            if (udp.length > 0) {
                out.add(udp.length / 2);
                out.addAll(udp);
            }
            if (icmp.length > 0) {
                out.add(icmp.length);
                out.addAll(icmp);
            }
            if (icmp6.length > 0) {
                out.add(icmp6.length);
                out.addAll(icmp6);
            }
            if (other.length > 0) {
                out.add(other.length);
                out.addAll(other);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Services s && hash == s.hash && all == s.all && tcpFull == s.tcpFull
                    && udpFull == s.udpFull && icmpAny == s.icmpAny && icmp6Any == s.icmp6Any
                    && Arrays.equals(tcp, s.tcp) && Arrays.equals(udp, s.udp) && Arrays.equals(icmp, s.icmp)
                    && Arrays.equals(icmp6, s.icmp6) && Arrays.equals(other, s.other);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
