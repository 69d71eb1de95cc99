package io.sgemu.dataplane.policy;

import java.util.Arrays;

/**
 * A longest-prefix map over the addresses of one family, leaf-pushed: each prefix carries a value (a
 * service set, a list of NACL entries), values combine by a union along the prefix path, and the combined
 * value is pushed down to the leaves, so that a lookup is one walk that ends on the answer. With allow-only
 * unions (security groups) the value of an address is the union of the values of every prefix that
 * contains it, which is what the leaf holds.
 *
 * <p>Immutable, flat, allocation-free lookups. Three layouts, chosen at build time by size:
 * <ul>
 *   <li><b>constant</b>: one value for every address (no prefix, or only {@code /0});</li>
 *   <li><b>intervals</b> (few leaves): the leaves of the leaf-pushed binary trie in address order, as
 *       sorted interval starts and one value each; a lookup is a binary search for the last start
 *       {@code <=} the address. IPv4 starts are {@code int}s with the sign bit flipped (so that signed
 *       comparison orders them as unsigned addresses); IPv6 starts are two {@code long}s each, flipped the
 *       same way. Compact: two entries per prefix at most;</li>
 *   <li><b>trie</b> (many leaves): a multibit trie in one {@code int[]}; the root node, at index 0, reads
 *       the first 8 bits (16 for maps of more than 4096 leaves), every other node 4: a node is 16
 *       consecutive entries (one 64-byte cache line), indexed by the next 4 address bits; an entry
 *       {@code >= 0} is the index of the child node, an entry {@code < 0} is a leaf holding {@code ~value}.
 *       A block of addresses that lies in one interval is a leaf however deep the prefixes under it went
 *       (a rule that adds nothing to what its ancestors allow leaves no node). A lookup reads at most 8
 *       entries for IPv4 (32 for IPv6, fewer in practice).</li>
 * </ul>
 *
 * <p>Addresses are given as two longs as in {@code IpAddress}: IPv4 in the low 32 bits of {@code lo}.
 */
public final class PrefixMap {

    /** How values combine along a prefix path. {@link #empty} is the identity. */
    public interface Union {
        int empty();

        int union(int a, int b);
    }

    /** Leaf count above which a map is laid out as a trie rather than intervals. */
    public static final int DEFAULT_TRIE_THRESHOLD = 512;

    static final int STRIDE = 4;
    /** Leaf count above which a trie's root reads 16 bits rather than 8. */
    private static final int BIG_TRIE = 4096;
    private static final int FANOUT = 1 << STRIDE;
    private static final int KIND_CONSTANT = 0;
    private static final int KIND_INTERVALS = 1;
    private static final int KIND_TRIE = 2;

    private final int width;
    private final int kind;
    private final int constant;
    private final int[] starts4;
    private final long[] startsHi;
    private final long[] startsLo;
    private final int[] values;
    private final int[] nodes;
    private final int rootStride;

    private PrefixMap(int width, int kind, int constant, int[] starts4, long[] startsHi, long[] startsLo, int[] values,
                      int[] nodes, int rootStride) {
        this.width = width;
        this.kind = kind;
        this.constant = constant;
        this.starts4 = starts4;
        this.startsHi = startsHi;
        this.startsLo = startsLo;
        this.values = values;
        this.nodes = nodes;
        this.rootStride = rootStride;
    }

    /** A map that answers {@code value} for every address. */
    public static PrefixMap constant(int width, int value) {
        if (value == 0) {
            return width == 32 ? ZERO_V4 : ZERO_V6; // shared: most tables have no prefix of some family
        }
        return new PrefixMap(width, KIND_CONSTANT, value, null, null, null, null, null, 0);
    }

    private static final PrefixMap ZERO_V4 = new PrefixMap(32, KIND_CONSTANT, 0, null, null, null, null, null, 0);
    private static final PrefixMap ZERO_V6 = new PrefixMap(128, KIND_CONSTANT, 0, null, null, null, null, null, 0);

    /** The value of the longest prefix path containing the address. Allocation-free. */
    public int lookup(long hi, long lo) {
        switch (kind) {
            case KIND_CONSTANT:
                return constant;
            case KIND_TRIE: {
                int[] nodes = this.nodes;
                int rs = rootStride; // the root node is at index 0 and reads the first rs bits at once
                int pos = width - rs;
                int e = nodes[(int) ((pos >= 64 ? hi : lo) >>> (pos & 63)) & ((1 << rs) - 1)];
                pos -= STRIDE;
                while (e >= 0) {
                    long word = pos >= 64 ? hi : lo;
                    e = nodes[e + ((int) (word >>> (pos & 63)) & (FANOUT - 1))];
                    pos -= STRIDE;
                }
                return ~e;
            }
            default:
                return width == 32 ? searchV4((int) lo ^ Integer.MIN_VALUE) : searchV6(hi ^ Long.MIN_VALUE, lo ^ Long.MIN_VALUE);
        }
    }

    private int searchV4(int key) {
        int[] s = starts4;
        int base = 0;
        int n = s.length;
        while (n > 1) {
            int half = n >>> 1;
            base = s[base + half] <= key ? base + half : base;
            n -= half;
        }
        return values[base];
    }

    private int searchV6(long keyHi, long keyLo) {
        long[] sh = startsHi;
        long[] sl = startsLo;
        int base = 0;
        int n = sh.length;
        while (n > 1) {
            int half = n >>> 1;
            int m = base + half;
            long h = sh[m];
            if (h < keyHi || (h == keyHi && sl[m] <= keyLo)) {
                base = m;
            }
            n -= half;
        }
        return values[base];
    }

    /** The layout's name: constant, intervals or trie (for tests and reports). */
    public String layout() {
        return switch (kind) {
            case KIND_CONSTANT -> "constant";
            case KIND_INTERVALS -> "intervals";
            default -> "trie";
        };
    }

    /** Every value a lookup can answer, marked in {@code used} (which must be large enough). */
    public void markValues(boolean[] used) {
        switch (kind) {
            case KIND_CONSTANT -> used[constant] = true;
            case KIND_INTERVALS -> {
                for (int v : values) {
                    used[v] = true;
                }
            }
            default -> {
                for (int e : nodes) {
                    if (e < 0) {
                        used[~e] = true;
                    }
                }
            }
        }
    }

    /** This map with every value {@code v} replaced by {@code mapping[v]} (same layout). */
    public PrefixMap remapped(int[] mapping) {
        switch (kind) {
            case KIND_CONSTANT:
                return constant(width, mapping[constant]);
            case KIND_INTERVALS: {
                int[] v = new int[values.length];
                for (int i = 0; i < v.length; i++) {
                    v[i] = mapping[values[i]];
                }
                return new PrefixMap(width, kind, 0, starts4, startsHi, startsLo, v, null, 0);
            }
            default: {
                int[] n = nodes.clone();
                for (int i = 0; i < n.length; i++) {
                    if (n[i] < 0) {
                        n[i] = ~mapping[~n[i]];
                    }
                }
                return new PrefixMap(width, kind, 0, null, null, null, null, n, rootStride);
            }
        }
    }

    /** Bytes of the arrays this map holds (object headers included, approximately). */
    public long bytes() {
        long b = 48;
        b += arrayBytes(starts4 == null ? -1 : starts4.length, 4);
        b += arrayBytes(startsHi == null ? -1 : startsHi.length, 8);
        b += arrayBytes(startsLo == null ? -1 : startsLo.length, 8);
        b += arrayBytes(values == null ? -1 : values.length, 4);
        b += arrayBytes(nodes == null ? -1 : nodes.length, 4);
        return b;
    }

    static long arrayBytes(int length, int elementSize) {
        return length < 0 ? 0 : 16 + ((long) length * elementSize + 7) / 8 * 8;
    }

    /**
     * Builds a map: prefixes are inserted into a binary trie (values of one prefix combined), then the
     * leaf-pushed leaves are laid out as intervals or as a multibit trie.
     */
    public static final class Builder {
        private final int width;
        private final Union union;
        private final IntList child0 = new IntList(64);
        private final IntList child1 = new IntList(64);
        private final IntList payload = new IntList(64);
        private int trieThreshold = DEFAULT_TRIE_THRESHOLD;
        private int prefixes;

        /** {@code family} 4 or 6. */
        public Builder(int family, Union union) {
            this.width = family == 4 ? 32 : 128;
            this.union = union;
            newNode();
        }

        /** Leaf count above which the map is a trie (default {@link #DEFAULT_TRIE_THRESHOLD}). */
        public Builder trieThreshold(int leaves) {
            this.trieThreshold = leaves;
            return this;
        }

        private int newNode() {
            child0.add(-1);
            child1.add(-1);
            payload.add(union.empty());
            return child0.size() - 1;
        }

        private boolean bit(long hi, long lo, int depth) {
            int pos = width - 1 - depth;
            long word = pos >= 64 ? hi : lo;
            return ((word >>> (pos & 63)) & 1) != 0;
        }

        /** Adds {@code value} to the prefix {@code hi:lo/length} (host bits are ignored). */
        public Builder add(long hi, long lo, int length, int value) {
            if (length < 0 || length > width) {
                throw new IllegalArgumentException("prefix length " + length + " out of 0.." + width);
            }
            int n = 0;
            for (int d = 0; d < length; d++) {
                IntList side = bit(hi, lo, d) ? child1 : child0;
                int c = side.get(n);
                if (c < 0) {
                    c = newNode();
                    side.set(n, c);
                }
                n = c;
            }
            payload.set(n, union.union(payload.get(n), value));
            prefixes++;
            return this;
        }

        public int prefixCount() {
            return prefixes;
        }

        private boolean isLeaf(int n) {
            return child0.get(n) < 0 && child1.get(n) < 0;
        }

        public PrefixMap build() {
            int top = union.union(union.empty(), payload.get(0));
            if (isLeaf(0)) {
                return constant(width, top);
            }
            Leaves leaves = new Leaves();
            collect(0, 0, 0, 0, top, leaves);
            if (leaves.n == 1) {
                return constant(width, leaves.values.get(0));
            }
            if (leaves.n <= trieThreshold) {
                int[] values = leaves.values.toArray();
                if (width == 32) {
                    int[] s = new int[leaves.n];
                    for (int i = 0; i < s.length; i++) {
                        s[i] = (int) leaves.lo[i] ^ Integer.MIN_VALUE;
                    }
                    return new PrefixMap(width, KIND_INTERVALS, 0, s, null, null, values, null, 0);
                }
                long[] sh = new long[leaves.n];
                long[] sl = new long[leaves.n];
                for (int i = 0; i < sh.length; i++) {
                    sh[i] = leaves.hi[i] ^ Long.MIN_VALUE;
                    sl[i] = leaves.lo[i] ^ Long.MIN_VALUE;
                }
                return new PrefixMap(width, KIND_INTERVALS, 0, null, sh, sl, values, null, 0);
            }
            IntList trie = new IntList(FANOUT * 16);
            // A wide root spares the levels that every lookup walks: 16 bits (256 KB) for big maps, else 8.
            int rootStride = leaves.n > BIG_TRIE ? 16 : 8;
            new TrieLayout(leaves, width, trie).node(0, rootStride, 0, 0, 0);
            return new PrefixMap(width, KIND_TRIE, 0, null, null, null, null, trie.toArray(), rootStride);
        }

        /** Leaves of the leaf-pushed binary trie in address order, equal neighbours merged. */
        private void collect(int n, int depth, long hi, long lo, int inherited, Leaves out) {
            if (isLeaf(n)) {
                out.emit(hi, lo, inherited);
                return;
            }
            for (int b = 0; b < 2; b++) {
                long h = hi;
                long l = lo;
                if (b == 1) {
                    int pos = width - 1 - depth;
                    if (pos >= 64) {
                        h |= 1L << (pos - 64);
                    } else {
                        l |= 1L << pos;
                    }
                }
                int c = (b == 0 ? child0 : child1).get(n);
                if (c < 0) {
                    out.emit(h, l, inherited);
                } else {
                    collect(c, depth + 1, h, l, union.union(inherited, payload.get(c)), out);
                }
            }
        }

    }

    /**
     * Lays out the leaves (intervals) as a stride-4 trie: a node covers an aligned block of addresses; a
     * block inside one interval is a leaf, any other block a node of 16 sub-blocks. Blocks are visited in
     * address order, so the interval of each block start is found by moving forward only.
     */
    private static final class TrieLayout {
        private final Leaves leaves;
        private final int width;
        private final IntList trie;

        TrieLayout(Leaves leaves, int width, IntList trie) {
            this.leaves = leaves;
            this.width = width;
            this.trie = trie;
        }

        /**
         * The node of {@code 2^stride} entries for the block of {@code width - depth} bits at {@code hi:lo},
         * which starts in interval {@code i}.
         */
        int node(int depth, int stride, long hi, long lo, int i) {
            int fanout = 1 << stride;
            int base = trie.grow(fanout);
            int bits = width - depth - stride; // the size of a sub-block, in bits
            for (int c = 0; c < fanout; c++) {
                long h = hi;
                long l = lo;
                if (bits >= 64) {
                    h |= (long) c << (bits - 64);
                } else {
                    l |= (long) c << bits;
                }
                while (i + 1 < leaves.n && !after(leaves.hi[i + 1], leaves.lo[i + 1], h, l)) {
                    i++; // the interval that contains the sub-block's first address
                }
                int entry;
                if (coversBlock(i, h, l, bits)) {
                    entry = ~leaves.values.get(i);
                } else {
                    entry = node(depth + stride, STRIDE, h, l, i);
                }
                trie.set(base + c, entry);
            }
            return base;
        }

        /** True when interval {@code i} runs to the end of the block of {@code bits} bits at {@code h:l}. */
        private boolean coversBlock(int i, long h, long l, int bits) {
            if (i + 1 >= leaves.n) {
                return true;
            }
            long lastHi = h;
            long lastLo = l;
            if (bits >= 64) {
                lastLo = -1L;
                lastHi |= bits == 128 ? -1L : (1L << (bits - 64)) - 1;
            } else {
                lastLo |= bits == 0 ? 0 : (bits == 64 ? -1L : (1L << bits) - 1);
            }
            return after(leaves.hi[i + 1], leaves.lo[i + 1], lastHi, lastLo);
        }

        /** {@code a > b} as unsigned 128-bit numbers. */
        private static boolean after(long aHi, long aLo, long bHi, long bLo) {
            int c = Long.compareUnsigned(aHi, bHi);
            return c > 0 || (c == 0 && Long.compareUnsigned(aLo, bLo) > 0);
        }
    }

    /** Interval starts and values while collecting leaves. */
    private static final class Leaves {
        long[] hi = new long[16];
        long[] lo = new long[16];
        final IntList values = new IntList(16);
        int n;

        void emit(long h, long l, int value) {
            if (n > 0 && values.get(n - 1) == value) {
                return;
            }
            if (n == hi.length) {
                hi = Arrays.copyOf(hi, n * 2);
                lo = Arrays.copyOf(lo, n * 2);
            }
            hi[n] = h;
            lo[n] = l;
            values.add(value);
            n++;
        }
    }
}
