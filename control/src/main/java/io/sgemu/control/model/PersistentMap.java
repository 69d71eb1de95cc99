package io.sgemu.control.model;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * An immutable, insertion-ordered map whose {@link #plus} and {@link #minus} return a new map in
 * O(log n) time and space, sharing everything else with this one. It is why a change to a world of
 * 100k ENIs costs microseconds: {@link World}'s {@code with...} methods used to copy a whole map.
 *
 * <p>Two persistent structures, both path-copied on change:
 * <ul>
 *   <li>a hash array mapped trie (32-way, 5 hash bits per level) from key to {@link Slot} (key, value,
 *       insertion number): the lookups;</li>
 *   <li>a 32-way vector of the slots by insertion number: the iteration order. A removed key leaves a
 *       hole (null) there; when holes outnumber the entries, the map is rebuilt without them.</li>
 * </ul>
 * Replacing the value of a key keeps its place in the order, as {@link java.util.LinkedHashMap} does.
 * The {@link Map} mutators throw; null keys and values are refused.
 */
public final class PersistentMap<K, V> extends AbstractMap<K, V> {

    private static final int BITS = 5;
    private static final int WIDTH = 1 << BITS;
    private static final int MASK = WIDTH - 1;
    private static final PersistentMap<?, ?> EMPTY = new PersistentMap<>(null, Order.EMPTY, 0);

    /** Trie root: a {@link Node}, or null when empty. */
    private final Node root;
    private final Order order;
    private final int size;

    private PersistentMap(Node root, Order order, int size) {
        this.root = root;
        this.order = order;
        this.size = size;
    }

    @SuppressWarnings("unchecked")
    public static <K, V> PersistentMap<K, V> empty() {
        return (PersistentMap<K, V>) EMPTY;
    }

    /** This map itself when it is one, else a persistent copy in {@code m}'s iteration order. */
    @SuppressWarnings("unchecked")
    public static <K, V> PersistentMap<K, V> copyOf(Map<? extends K, ? extends V> m) {
        if (m instanceof PersistentMap<?, ?> p) {
            return (PersistentMap<K, V>) p;
        }
        PersistentMap<K, V> out = empty();
        for (Map.Entry<? extends K, ? extends V> e : m.entrySet()) {
            out = out.plus(e.getKey(), e.getValue());
        }
        return out;
    }

    /** One entry of the map: the key, its value and its place in the iteration order. */
    static final class Slot implements Map.Entry<Object, Object> {
        final Object key;
        final Object value;
        final int hash;
        final int seq;

        Slot(Object key, Object value, int hash, int seq) {
            this.key = key;
            this.value = value;
            this.hash = hash;
            this.seq = seq;
        }

        @Override
        public Object getKey() {
            return key;
        }

        @Override
        public Object getValue() {
            return value;
        }

        @Override
        public Object setValue(Object v) {
            throw new UnsupportedOperationException("immutable");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Map.Entry<?, ?> e && key.equals(e.getKey()) && value.equals(e.getValue());
        }

        @Override
        public int hashCode() {
            return key.hashCode() ^ value.hashCode();
        }

        @Override
        public String toString() {
            return key + "=" + value;
        }
    }

    private static int hashOf(Object key) {
        int h = key.hashCode();
        return h ^ (h >>> 16);
    }

    // ---------------------------------------------------------------- queries

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean containsKey(Object key) {
        return find(key) != null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(Object key) {
        Slot s = find(key);
        return s == null ? null : (V) s.value;
    }

    private Slot find(Object key) {
        if (key == null || root == null) {
            return null;
        }
        int h = hashOf(key);
        Node node = root;
        for (int shift = 0; ; shift += BITS) {
            if (node.bitmap == 0) { // a collision list: keys of one hash
                for (Object o : node.array) {
                    Slot s = (Slot) o;
                    if (s.hash == h && s.key.equals(key)) {
                        return s;
                    }
                }
                return null;
            }
            int bit = 1 << ((h >>> shift) & MASK);
            if ((node.bitmap & bit) == 0) {
                return null;
            }
            Object o = node.array[Integer.bitCount(node.bitmap & (bit - 1))];
            if (o instanceof Slot s) {
                return s.hash == h && s.key.equals(key) ? s : null;
            }
            node = (Node) o;
        }
    }

    // ---------------------------------------------------------------- changes

    /** The map with {@code key} mapped to {@code value}: in the key's place if present, else last. */
    public PersistentMap<K, V> plus(K key, V value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Slot old = find(key);
        if (old != null && old.value == value) {
            return this;
        }
        int h = hashOf(key);
        if (old != null) {
            Slot s = new Slot(key, value, h, old.seq);
            return new PersistentMap<>(put(root, s, 0), order.set(old.seq, s), size);
        }
        Slot s = new Slot(key, value, h, order.count);
        return new PersistentMap<>(put(root, s, 0), order.append(s), size + 1);
    }

    /** The map without {@code key} (this map when it has no such key). */
    public PersistentMap<K, V> minus(Object key) {
        Slot old = find(key);
        if (old == null) {
            return this;
        }
        PersistentMap<K, V> out = new PersistentMap<>(remove(root, old, 0), order.set(old.seq, null), size - 1);
        int holes = out.order.count - out.size;
        return holes > WIDTH && holes > out.size ? out.compacted() : out;
    }

    /** The same entries in the same order, without holes in the order vector. */
    private PersistentMap<K, V> compacted() {
        PersistentMap<K, V> out = empty();
        for (Map.Entry<K, V> e : entrySet()) {
            out = out.plus(e.getKey(), e.getValue());
        }
        return out;
    }

    /** A trie node: {@code bitmap} says which of the 32 hash digits are present, {@code array} holds them in digit order (a {@link Slot} or a {@link Node} each); bitmap 0 is a list of slots of one hash. */
    private static final class Node {
        final int bitmap;
        final Object[] array;

        Node(int bitmap, Object[] array) {
            this.bitmap = bitmap;
            this.array = array;
        }
    }

    private static Node put(Node node, Slot s, int shift) {
        if (node == null) {
            return new Node(1 << ((s.hash >>> shift) & MASK), new Object[] {s});
        }
        if (node.bitmap == 0) {
            Object[] a = node.array;
            for (int i = 0; i < a.length; i++) {
                if (((Slot) a[i]).key.equals(s.key)) {
                    Object[] c = a.clone();
                    c[i] = s;
                    return new Node(0, c);
                }
            }
            Object[] c = java.util.Arrays.copyOf(a, a.length + 1);
            c[a.length] = s;
            return new Node(0, c);
        }
        int bit = 1 << ((s.hash >>> shift) & MASK);
        int idx = Integer.bitCount(node.bitmap & (bit - 1));
        if ((node.bitmap & bit) == 0) {
            Object[] c = new Object[node.array.length + 1];
            System.arraycopy(node.array, 0, c, 0, idx);
            c[idx] = s;
            System.arraycopy(node.array, idx, c, idx + 1, node.array.length - idx);
            return new Node(node.bitmap | bit, c);
        }
        Object o = node.array[idx];
        Object replacement;
        if (o instanceof Slot present) {
            replacement = present.key.equals(s.key) ? s : pair(present, s, shift + BITS);
        } else {
            replacement = put((Node) o, s, shift + BITS);
        }
        Object[] c = node.array.clone();
        c[idx] = replacement;
        return new Node(node.bitmap, c);
    }

    /** A node holding two slots of different keys, from hash digit {@code shift} on. */
    private static Node pair(Slot a, Slot b, int shift) {
        if (shift >= 32) {
            return new Node(0, new Object[] {a, b});
        }
        int da = (a.hash >>> shift) & MASK;
        int db = (b.hash >>> shift) & MASK;
        if (da == db) {
            return new Node(1 << da, new Object[] {pair(a, b, shift + BITS)});
        }
        return new Node((1 << da) | (1 << db), da < db ? new Object[] {a, b} : new Object[] {b, a});
    }

    /** The node without {@code s} (which it holds), or null when nothing is left. */
    private static Node remove(Node node, Slot s, int shift) {
        if (node.bitmap == 0) {
            if (node.array.length == 1) {
                return null;
            }
            Object[] c = new Object[node.array.length - 1];
            int j = 0;
            for (Object o : node.array) {
                if (o != s) {
                    c[j++] = o;
                }
            }
            return new Node(0, c);
        }
        int bit = 1 << ((s.hash >>> shift) & MASK);
        int idx = Integer.bitCount(node.bitmap & (bit - 1));
        Object o = node.array[idx];
        Object replacement = o instanceof Node child ? remove(child, s, shift + BITS) : null;
        if (replacement instanceof Node child && child.bitmap != 0 && child.array.length == 1
                && child.array[0] instanceof Slot only) {
            replacement = only; // a lone slot moves up
        }
        if (replacement == null) {
            if (node.array.length == 1) {
                return null;
            }
            Object[] c = new Object[node.array.length - 1];
            System.arraycopy(node.array, 0, c, 0, idx);
            System.arraycopy(node.array, idx + 1, c, idx, node.array.length - idx - 1);
            return new Node(node.bitmap & ~bit, c);
        }
        Object[] c = node.array.clone();
        c[idx] = replacement;
        return new Node(node.bitmap, c);
    }

    /**
     * The slots by insertion number in a 32-way trie of {@code count} places (null where a key was
     * removed); {@code shift} is the bit offset of the root's digit.
     */
    private static final class Order {
        static final Order EMPTY = new Order(new Object[WIDTH], 0, 0);

        final Object[] root;
        final int shift;
        final int count;

        Order(Object[] root, int shift, int count) {
            this.root = root;
            this.shift = shift;
            this.count = count;
        }

        /** The leaf array holding place {@code i}. */
        Object[] leaf(int i) {
            Object[] node = root;
            for (int s = shift; s > 0; s -= BITS) {
                node = (Object[]) node[(i >>> s) & MASK];
            }
            return node;
        }

        Order set(int i, Object v) {
            return new Order(set(root, shift, i, v), shift, count);
        }

        private static Object[] set(Object[] node, int shift, int i, Object v) {
            Object[] c = node.clone();
            if (shift == 0) {
                c[i & MASK] = v;
            } else {
                int d = (i >>> shift) & MASK;
                c[d] = set((Object[]) node[d], shift - BITS, i, v);
            }
            return c;
        }

        Order append(Object v) {
            int i = count;
            if (shift < 30 && (i >>> shift) >= WIDTH) { // full: a new root over the old one
                Object[] r = new Object[WIDTH];
                r[0] = root;
                return new Order(append(r, shift + BITS, i, v), shift + BITS, count + 1);
            }
            return new Order(append(root, shift, i, v), shift, count + 1);
        }

        private static Object[] append(Object[] node, int shift, int i, Object v) {
            Object[] c = node == null ? new Object[WIDTH] : node.clone();
            if (shift == 0) {
                c[i & MASK] = v;
            } else {
                int d = (i >>> shift) & MASK;
                c[d] = append((Object[]) c[d], shift - BITS, i, v);
            }
            return c;
        }
    }

    // ---------------------------------------------------------------- views

    @Override
    public java.util.Set<Map.Entry<K, V>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<K, V>> iterator() {
                return new SlotIterator<>(order);
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /** Walks the order vector leaf by leaf, skipping holes. */
    private static final class SlotIterator<K, V> implements Iterator<Map.Entry<K, V>> {
        private final Order order;
        private int next;
        private Object[] leaf;
        private Slot pending;

        SlotIterator(Order order) {
            this.order = order;
            advance();
        }

        private void advance() {
            pending = null;
            while (next < order.count) {
                if ((next & MASK) == 0 || leaf == null) {
                    leaf = order.leaf(next);
                }
                Object o = leaf[next & MASK];
                next++;
                if (o != null) {
                    pending = (Slot) o;
                    return;
                }
            }
        }

        @Override
        public boolean hasNext() {
            return pending != null;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Map.Entry<K, V> next() {
            if (pending == null) {
                throw new NoSuchElementException();
            }
            Slot s = pending;
            advance();
            return (Map.Entry<K, V>) (Map.Entry<?, ?>) s;
        }
    }

    // ---------------------------------------------------------------- java.util.Map's mutators

    @Override
    public V put(K key, V value) {
        throw new UnsupportedOperationException("immutable: use plus");
    }

    @Override
    public V remove(Object key) {
        throw new UnsupportedOperationException("immutable: use minus");
    }

    @Override
    public void clear() {
        throw new UnsupportedOperationException("immutable");
    }
}
