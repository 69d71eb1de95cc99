package io.sgemu.dataplane.policy;

import java.util.Arrays;

/** A growable {@code int[]} for building the flat tables (compile time only, never on the packet path). */
final class IntList {

    private int[] a;
    private int n;

    IntList(int capacity) {
        a = new int[Math.max(4, capacity)];
    }

    void add(int v) {
        if (n == a.length) {
            a = Arrays.copyOf(a, a.length * 2);
        }
        a[n++] = v;
    }

    void addAll(int[] vs) {
        ensure(n + vs.length);
        System.arraycopy(vs, 0, a, n, vs.length);
        n += vs.length;
    }

    /** Appends {@code count} zeros and returns the index of the first. */
    int grow(int count) {
        ensure(n + count);
        int at = n;
        n += count;
        return at;
    }

    int get(int i) {
        return a[i];
    }

    void set(int i, int v) {
        a[i] = v;
    }

    int size() {
        return n;
    }

    int[] toArray() {
        return Arrays.copyOf(a, n);
    }

    private void ensure(int capacity) {
        if (capacity > a.length) {
            a = Arrays.copyOf(a, Math.max(capacity, a.length * 2));
        }
    }
}
