package io.sgemu.dataplane.policy;

import java.util.Arrays;

/**
 * The addresses of the world's ENIs (private IPv4 and IPv6, secondaries included, and public IPv4), each an
 * entry: owning ENI, public or private, the address as its ENI sees it and logs it, and the identity
 * (group set) that group references match.
 *
 * <p>Every key is a host address (a /32 or /128), so the longest-prefix match of a packet address over
 * them is an exact match: no key can contain another. An open-addressing hash on the 128 bits and the
 * family is therefore the whole lookup: {@code slots} (a power of two, at most half full) holds entry
 * numbers ({@code -1} empty) and {@code slotLo} the low 64 bits of each slot's key, so that a probe compares
 * within one array before it confirms family and high bits on the entry. Linear probing.
 *
 * <p>Entries (index {@code e}): {@code family[e]}, {@code hi[e]}/{@code lo[e]} the address, {@code eni[e]},
 * {@code isPublic[e]}, {@code identity[e]}, and {@code view[e]}: -1 when the address is seen and logged by its
 * ENI as it is (most addresses), else the index {@code v} of its own view {@code ownHi/ownLo[v]} and logged
 * address {@code loggedHi/loggedLo[v]} (a public IPv4, a secondary private IPv4) in side arrays.
 */
public final class AddressTable {

    private final int[] slots;
    private final long[] slotLo;
    private final int mask;
    final byte[] family;
    final long[] hi;
    final long[] lo;
    final int[] eni;
    final boolean[] isPublic;
    final int[] identity;
    final int[] view;
    final long[] ownHi;
    final long[] ownLo;
    final long[] loggedHi;
    final long[] loggedLo;

    private AddressTable(Builder b) {
        int n = b.n;
        family = new byte[n];
        hi = Arrays.copyOf(b.hi, n);
        lo = Arrays.copyOf(b.lo, n);
        eni = Arrays.copyOf(b.eni, n);
        isPublic = Arrays.copyOf(b.isPublic, n);
        identity = Arrays.copyOf(b.identity, n);
        view = new int[n];
        int views = 0;
        for (int e = 0; e < n; e++) {
            family[e] = (byte) b.family[e];
            boolean same = b.ownHi[e] == hi[e] && b.ownLo[e] == lo[e] && b.loggedHi[e] == hi[e] && b.loggedLo[e] == lo[e];
            view[e] = same ? -1 : views++;
        }
        ownHi = new long[views];
        ownLo = new long[views];
        loggedHi = new long[views];
        loggedLo = new long[views];
        for (int e = 0; e < n; e++) {
            int v = view[e];
            if (v >= 0) {
                ownHi[v] = b.ownHi[e];
                ownLo[v] = b.ownLo[e];
                loggedHi[v] = b.loggedHi[e];
                loggedLo[v] = b.loggedLo[e];
            }
        }
        // At most two thirds full: a miss (an external address) probes about four slots.
        int capacity = Integer.highestOneBit(Math.max(4, n + n / 2 - 1)) << 1;
        slots = new int[capacity];
        slotLo = new long[capacity];
        mask = capacity - 1;
        Arrays.fill(slots, -1);
        for (int e = 0; e < n; e++) {
            int i = hash(family[e], hi[e], lo[e]) & mask;
            while (slots[i] >= 0) {
                i = (i + 1) & mask;
            }
            slots[i] = e;
            slotLo[i] = lo[e];
        }
    }

    static int hash(int family, long h, long l) {
        long x = l * 0x9E37_79B9_7F4A_7C15L + h * 0xC2B2_AE3D_27D4_EB4FL + family;
        x ^= x >>> 29;
        x *= 0xBF58_476D_1CE4_E5B9L;
        return (int) (x ^ (x >>> 32));
    }

    /** The entry of the address, or {@link Policy#NONE}. Allocation-free. */
    public int find(int fam, long h, long l) {
        int m = mask;
        int i = hash(fam, h, l) & m;
        while (true) {
            int e = slots[i];
            if (e < 0) {
                return Policy.NONE;
            }
            if (slotLo[i] == l && hi[e] == h && family[e] == fam) {
                return e;
            }
            i = (i + 1) & m;
        }
    }

    public int size() {
        return family.length;
    }

    long ownHi(int e) {
        int v = view[e];
        return v < 0 ? hi[e] : ownHi[v];
    }

    long ownLo(int e) {
        int v = view[e];
        return v < 0 ? lo[e] : ownLo[v];
    }

    long loggedHi(int e) {
        int v = view[e];
        return v < 0 ? hi[e] : loggedHi[v];
    }

    long loggedLo(int e) {
        int v = view[e];
        return v < 0 ? lo[e] : loggedLo[v];
    }

    public long bytes() {
        int n = family.length;
        return 96 + PrefixMap.arrayBytes(slots.length, 4) + PrefixMap.arrayBytes(slotLo.length, 8)
                + PrefixMap.arrayBytes(n, 4) * 3 + PrefixMap.arrayBytes(n, 8) * 2 + PrefixMap.arrayBytes(n, 1) * 2
                + PrefixMap.arrayBytes(ownHi.length, 8) * 4;
    }

    /** Collects entries; the first entry of an address wins, later ones are ignored. */
    public static final class Builder {
        int n;
        int[] family = new int[16];
        long[] hi = new long[16];
        long[] lo = new long[16];
        int[] eni = new int[16];
        boolean[] isPublic = new boolean[16];
        long[] ownHi = new long[16];
        long[] ownLo = new long[16];
        long[] loggedHi = new long[16];
        long[] loggedLo = new long[16];
        int[] identity = new int[16];
        private final java.util.Map<Key, Integer> seen = new java.util.HashMap<>();

        private record Key(int family, long hi, long lo) {
            @Override
            public int hashCode() {
                return AddressTable.hash(family, hi, lo);
            }

            @Override
            public boolean equals(Object o) {
                return o instanceof Key k && k.lo == lo && k.hi == hi && k.family == family;
            }
        }

        /** The entry of an address already added, or {@link Policy#NONE}. */
        public int entryOf(int fam, long h, long l) {
            Integer e = seen.get(new Key(fam, h, l));
            return e == null ? Policy.NONE : e;
        }

        /**
         * Adds the address unless it is already there; returns its entry (the existing one if it was).
         * {@code identityNumber} may be set later with {@link #identity(int, int)}.
         */
        public int add(int fam, long h, long l, int eniNumber, boolean pub, long ownH, long ownL, long logH, long logL,
                       int identityNumber) {
            Integer existing = seen.putIfAbsent(new Key(fam, h, l), n);
            if (existing != null) {
                return existing;
            }
            if (n == family.length) {
                int c = n * 2;
                family = Arrays.copyOf(family, c);
                hi = Arrays.copyOf(hi, c);
                lo = Arrays.copyOf(lo, c);
                eni = Arrays.copyOf(eni, c);
                isPublic = Arrays.copyOf(isPublic, c);
                ownHi = Arrays.copyOf(ownHi, c);
                ownLo = Arrays.copyOf(ownLo, c);
                loggedHi = Arrays.copyOf(loggedHi, c);
                loggedLo = Arrays.copyOf(loggedLo, c);
                identity = Arrays.copyOf(identity, c);
            }
            family[n] = fam;
            hi[n] = h;
            lo[n] = l;
            eni[n] = eniNumber;
            isPublic[n] = pub;
            ownHi[n] = ownH;
            ownLo[n] = ownL;
            loggedHi[n] = logH;
            loggedLo[n] = logL;
            identity[n] = identityNumber;
            return n++;
        }

        public int identityOf(int entry) {
            return identity[entry];
        }

        public Builder identity(int entry, int identityNumber) {
            identity[entry] = identityNumber;
            return this;
        }

        public int size() {
            return n;
        }

        public AddressTable build() {
            return new AddressTable(this);
        }
    }
}
