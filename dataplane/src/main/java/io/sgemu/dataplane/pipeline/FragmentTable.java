package io.sgemu.dataplane.pipeline;

import io.sgemu.dataplane.packet.DecodedPacket;

/**
 * The IP datagrams whose first fragment has been seen, so that their later fragments (which carry no
 * ports) get the first fragment's verdict. A datagram is named by source, destination, protocol and
 * identification (IPv4 ID or IPv6 fragment-header identification).
 *
 * <p>The rules (the reference evaluator's {@code FragmentTable} follows the same ones):
 * <ul>
 *   <li>a first fragment is tracked for {@code timeout} from the time it is seen (later fragments do not
 *       extend it); a first fragment of a datagram already tracked starts it afresh;</li>
 *   <li>at most {@code capacity} datagrams are tracked; a first fragment that finds the table full is not
 *       tracked (nothing is evicted), so its later fragments are orphans;</li>
 *   <li>a later fragment of no tracked datagram is an orphan.</li>
 * </ul>
 *
 * <p>Belongs to the dispatcher thread (the one that submits packets in input order): it only decides
 * which slot a datagram has and which worker judged its first fragment, so that later fragments go to
 * that worker; the verdicts themselves stay with the workers ({@link PacketJudge} keeps them by slot).
 * A slot is reused only for a datagram submitted later, and each worker judges its packets in submission
 * order, so a worker never reads a slot's verdict before it wrote it. No allocation after construction.
 */
public final class FragmentTable {

    /** What {@link #first} answers when the table is full: the datagram is not tracked. */
    public static final int UNTRACKED = -1;
    /** What {@link #later} answers for a fragment of no tracked datagram. */
    public static final int ORPHAN = -2;

    /** Default size and timeout (the timeout of Linux's reassembly, {@code ipfrag_time}). */
    public static final int DEFAULT_CAPACITY = 65_536;
    public static final long DEFAULT_TIMEOUT_NANOS = 30_000_000_000L;

    private static final int NIL = -1;

    private final int capacity;
    private final long timeoutNanos;
    // The datagram of each slot.
    private final int[] family;
    private final int[] protocol;
    private final long[] srcHi;
    private final long[] srcLo;
    private final long[] dstHi;
    private final long[] dstLo;
    private final long[] id;
    private final long[] seenNanos;
    private final int[] worker;
    // Live slots in the order they were (re)started, oldest first: the order they expire in, since the
    // clock never goes back. Free slots are chained through next.
    private final int[] prev;
    private final int[] next;
    private int oldest = NIL;
    private int newest = NIL;
    private int free;
    private int live;
    /** Open addressing, linear probing: slot + 1, 0 for empty. */
    private final int[] index;
    private final int mask;

    public FragmentTable(int capacity, long timeoutNanos) {
        if (capacity < 1 || capacity > (1 << 28)) {
            throw new IllegalArgumentException("fragment table size must be 1 to 2^28, not " + capacity);
        }
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("fragment timeout must be positive");
        }
        this.capacity = capacity;
        this.timeoutNanos = timeoutNanos;
        family = new int[capacity];
        protocol = new int[capacity];
        srcHi = new long[capacity];
        srcLo = new long[capacity];
        dstHi = new long[capacity];
        dstLo = new long[capacity];
        id = new long[capacity];
        seenNanos = new long[capacity];
        worker = new int[capacity];
        prev = new int[capacity];
        next = new int[capacity];
        for (int s = 0; s < capacity; s++) {
            next[s] = s + 1 < capacity ? s + 1 : NIL;
        }
        free = 0;
        index = new int[Integer.highestOneBit(capacity * 2 - 1) << 1];
        mask = index.length - 1;
    }

    public int capacity() {
        return capacity;
    }

    /** Datagrams tracked now (after the last call's expiry). */
    public int size() {
        return live;
    }

    /**
     * A first fragment, judged by {@code judgingWorker}, seen at {@code nowNanos} (the input's clock,
     * never decreasing). Answers its slot, or {@link #UNTRACKED} when the table is full.
     */
    public int first(DecodedPacket d, long nowNanos, int judgingWorker) {
        expire(nowNanos);
        int s = find(d);
        if (s >= 0) {
            unlink(s);
        } else {
            if (free == NIL) {
                return UNTRACKED;
            }
            s = free;
            free = next[s];
            family[s] = d.ipVersion;
            protocol[s] = d.protocol;
            srcHi[s] = d.srcHi;
            srcLo[s] = d.srcLo;
            dstHi[s] = d.dstHi;
            dstLo[s] = d.dstLo;
            id[s] = d.fragmentId;
            insertIndex(s);
            live++;
        }
        seenNanos[s] = nowNanos;
        worker[s] = judgingWorker;
        append(s);
        return s;
    }

    /** A later fragment seen at {@code nowNanos}: the slot of its datagram, or {@link #ORPHAN}. */
    public int later(DecodedPacket d, long nowNanos) {
        expire(nowNanos);
        int s = find(d);
        return s >= 0 ? s : ORPHAN;
    }

    /** The worker that judged the first fragment of the datagram in {@code slot}. */
    public int worker(int slot) {
        return worker[slot];
    }

    private void expire(long nowNanos) {
        while (oldest != NIL && nowNanos - seenNanos[oldest] >= timeoutNanos) {
            int s = oldest;
            unlink(s);
            removeIndex(s);
            next[s] = free;
            free = s;
            live--;
        }
    }

    private int find(DecodedPacket d) {
        int i = hash(d.ipVersion, d.protocol, d.srcHi, d.srcLo, d.dstHi, d.dstLo, d.fragmentId) & mask;
        while (true) {
            int e = index[i];
            if (e == 0) {
                return -1;
            }
            int s = e - 1;
            if (id[s] == d.fragmentId && srcLo[s] == d.srcLo && dstLo[s] == d.dstLo && srcHi[s] == d.srcHi
                    && dstHi[s] == d.dstHi && protocol[s] == d.protocol && family[s] == d.ipVersion) {
                return s;
            }
            i = (i + 1) & mask;
        }
    }

    private int slotHash(int s) {
        return hash(family[s], protocol[s], srcHi[s], srcLo[s], dstHi[s], dstLo[s], id[s]);
    }

    private void insertIndex(int s) {
        int i = slotHash(s) & mask;
        while (index[i] != 0) {
            i = (i + 1) & mask;
        }
        index[i] = s + 1;
    }

    /** Removes slot {@code s} from the index, shifting later entries of its probe run back (no tombstones). */
    private void removeIndex(int s) {
        int i = slotHash(s) & mask;
        while (index[i] != s + 1) {
            i = (i + 1) & mask;
        }
        int hole = i;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            int e = index[j];
            if (e == 0) {
                break;
            }
            int home = slotHash(e - 1) & mask;
            // Move e into the hole unless its home lies cyclically in (hole, j].
            boolean stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
            if (!stays) {
                index[hole] = e;
                hole = j;
            }
        }
        index[hole] = 0;
    }

    private void append(int s) {
        prev[s] = newest;
        next[s] = NIL;
        if (newest != NIL) {
            next[newest] = s;
        } else {
            oldest = s;
        }
        newest = s;
    }

    private void unlink(int s) {
        int p = prev[s];
        int n = next[s];
        if (p != NIL) {
            next[p] = n;
        } else {
            oldest = n;
        }
        if (n != NIL) {
            prev[n] = p;
        } else {
            newest = p;
        }
    }

    private static int hash(int family, int protocol, long sHi, long sLo, long dHi, long dLo, long id) {
        long h = id * 0x9E3779B97F4A7C15L;
        h ^= sLo * 0xC2B2AE3D27D4EB4FL;
        h ^= dLo * 0x165667B19E3779F9L;
        h ^= (sHi ^ Long.rotateLeft(dHi, 17)) * 0xD6E8FEB86659FD93L;
        h ^= (protocol | ((long) family << 8)) * 0xFF51AFD7ED558CCDL;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return (int) (h ^ (h >>> 32));
    }
}
