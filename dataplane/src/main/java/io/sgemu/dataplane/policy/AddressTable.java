package io.sgemu.dataplane.policy;

import java.util.Arrays;

/**
 * The addresses of the world's ENIs (private IPv4 and IPv6, secondaries included, and public IPv4), each an
 * entry: owning ENI, public or private, the address as its ENI sees it and logs it, and the identity
 * (group set) that group references match.
 *
 * <p>Every key is a host address (a /32 or /128), so the longest-prefix match of a packet address over
 * them is an exact match: no key can contain another. An open-addressing hash on the 128 bits and the
 * family is therefore the whole lookup (linear probing, at most two thirds full, so that a miss - an
 * external address - probes about four slots).
 *
 * <p>One {@code long[]}, four longs (32 bytes, half a cache line) per slot, so that a lookup and the
 * questions that follow it (ENI, identity, public) read one line; an entry number is its slot number:
 * <pre>
 * [4s]     low 64 bits of the address
 * [4s + 1] high 64 bits
 * [4s + 2] family (bits 0-7; 0: empty slot) | public (bit 8) | view + 1 (bits 32-63; 0: none)
 * [4s + 3] ENI (bits 32-63) | identity (bits 0-31: -1 for none, {@link #OWNER} for the owning ENI's)
 * </pre>
 * Most private addresses name no identity of their own but {@link #OWNER}: the snapshot keeps one identity
 * per ENI, so that a change of an ENI's groups rewrites one number, not the table. An address that
 * several ENIs claim has its own identity (the union of theirs).
 * {@code view} indexes side arrays {@code ownHi/ownLo/loggedHi/loggedLo}: the address as its ENI sees it
 * and logs it, for the few addresses that differ from themselves (a public IPv4, a secondary private IPv4).
 */
public final class AddressTable {

    /** The identity of an entry that has the identity of the ENI that owns it. */
    public static final int OWNER = -2;

    private static final int FAMILY_MASK = 0xFF;
    private static final long PUBLIC = 1L << 8;

    private final long[] slots;
    private final int mask;
    private final int size;
    private final long[] ownHi;
    private final long[] ownLo;
    private final long[] loggedHi;
    private final long[] loggedLo;

    private AddressTable(Builder b) {
        int n = b.n;
        size = n;
        int views = 0;
        for (int e = 0; e < n; e++) {
            if (!sameView(b, e)) {
                views++;
            }
        }
        ownHi = new long[views];
        ownLo = new long[views];
        loggedHi = new long[views];
        loggedLo = new long[views];
        int capacity = Integer.highestOneBit(Math.max(4, n + n / 2 - 1)) << 1;
        slots = new long[4 * capacity];
        mask = capacity - 1;
        int v = 0;
        for (int e = 0; e < n; e++) {
            int i = hash(b.family[e], b.hi[e], b.lo[e]) & mask;
            while (slots[4 * i + 2] != 0) {
                i = (i + 1) & mask;
            }
            long view = 0;
            if (!sameView(b, e)) {
                ownHi[v] = b.ownHi[e];
                ownLo[v] = b.ownLo[e];
                loggedHi[v] = b.loggedHi[e];
                loggedLo[v] = b.loggedLo[e];
                view = ++v;
            }
            slots[4 * i] = b.lo[e];
            slots[4 * i + 1] = b.hi[e];
            slots[4 * i + 2] = b.family[e] | (b.isPublic[e] ? PUBLIC : 0) | (view << 32);
            slots[4 * i + 3] = ((long) b.eni[e] << 32) | (b.identity[e] & 0xFFFF_FFFFL);
        }
    }

    private static boolean sameView(Builder b, int e) {
        return b.ownHi[e] == b.hi[e] && b.ownLo[e] == b.lo[e] && b.loggedHi[e] == b.hi[e] && b.loggedLo[e] == b.lo[e];
    }

    static int hash(int family, long h, long l) {
        long x = l * 0x9E37_79B9_7F4A_7C15L + h * 0xC2B2_AE3D_27D4_EB4FL + family;
        x ^= x >>> 29;
        x *= 0xBF58_476D_1CE4_E5B9L;
        return (int) (x ^ (x >>> 32));
    }

    /** The entry (slot) of the address, or {@link Policy#NONE}. Allocation-free. */
    public int find(int fam, long h, long l) {
        long[] t = slots;
        int m = mask;
        int i = hash(fam, h, l) & m;
        while (true) {
            int f = (int) t[4 * i + 2] & FAMILY_MASK;
            if (f == 0) {
                return Policy.NONE;
            }
            if (t[4 * i] == l && t[4 * i + 1] == h && f == fam) {
                return i;
            }
            i = (i + 1) & m;
        }
    }

    /** The number of addresses. Entry numbers are slot numbers, below {@link #capacity()}. */
    public int size() {
        return size;
    }

    public int capacity() {
        return mask + 1;
    }

    int eni(int e) {
        return (int) (slots[4 * e + 3] >> 32);
    }

    boolean isPublic(int e) {
        return (slots[4 * e + 2] & PUBLIC) != 0;
    }

    int identity(int e) {
        return (int) slots[4 * e + 3];
    }

    long ownHi(int e) {
        int v = (int) (slots[4 * e + 2] >>> 32) - 1;
        return v < 0 ? slots[4 * e + 1] : ownHi[v];
    }

    long ownLo(int e) {
        int v = (int) (slots[4 * e + 2] >>> 32) - 1;
        return v < 0 ? slots[4 * e] : ownLo[v];
    }

    long loggedHi(int e) {
        int v = (int) (slots[4 * e + 2] >>> 32) - 1;
        return v < 0 ? slots[4 * e + 1] : loggedHi[v];
    }

    long loggedLo(int e) {
        int v = (int) (slots[4 * e + 2] >>> 32) - 1;
        return v < 0 ? slots[4 * e] : loggedLo[v];
    }

    public long bytes() {
        return 64 + PrefixMap.arrayBytes(slots.length, 8) + PrefixMap.arrayBytes(ownHi.length, 8) * 4;
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

        /** The ENI number of an entry added. */
        public int eniOf(int entry) {
            return eni[entry];
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
