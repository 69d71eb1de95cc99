package io.sgemu.dataplane.conntrack;

import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.NEXT_OFFSET;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.NIL;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.PREV_OFFSET;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.SLOT_SHIFT;

import java.util.Arrays;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One worker's schedule of its entries' expiry: a two-level hashed timer wheel whose lists are threaded
 * through the slots' link fields (doubly linked, so an entry leaves its list in constant time), in the
 * spirit of the Linux and VPP connection trackers. Owner-only: no field here or in the links is read by
 * another thread.
 *
 * <p>Level 0 has 2^14 lists of 2^16 ns (65.5 us) each, about one second in all; level 1 has 2^14 lists of
 * 2^30 ns (1.07 s), about 4.9 hours, and longer deadlines go round it (an entry is re-examined once per
 * turn: 25 times in a TCP entry's five idle days). A fourth kind of list, "pending", holds the entries of a
 * list being worked through, so the work can stop and resume at any entry.
 *
 * <p>The rule that makes expiry exact: an entry is always listed at or before its true deadline (the
 * deadline computed from its state now and the timeouts now). Later packets only push a deadline later, so
 * they need no move: the entry is found early, its true deadline computed and the entry listed again. The
 * few state changes that can bring a deadline earlier (closing, and established or stream with timeouts
 * shorter than before) move the entry at once, and a change of timeouts lists every entry again
 * ({@link #rescheduleAll()}). So once the wheel has been worked up to time {@code now} and the list of
 * now's own tick has been scanned, every entry left has a deadline after {@code now}.
 */
final class ExpirySchedule {

    static final int TICK_SHIFT = 16;
    static final int LEVEL0_BITS = 14;
    static final int LEVEL0_SIZE = 1 << LEVEL0_BITS;
    static final long LEVEL0_MASK = LEVEL0_SIZE - 1;
    static final int LEVEL1_BITS = 14;
    static final int LEVEL1_SIZE = 1 << LEVEL1_BITS;
    static final long LEVEL1_MASK = LEVEL1_SIZE - 1;
    static final int PENDING = LEVEL0_SIZE + LEVEL1_SIZE;

    /** The smallest deadline in the current tick's list is not known: scan before trusting it. */
    private static final long UNKNOWN = Long.MIN_VALUE;

    private final ConnTrackWorker worker;
    private final UnsafeBuffer[] blocks;
    private final int blockShift;
    private final int blockMask;

    private final int[] heads = new int[PENDING + 1];
    /** One bit per level-0 list that is not empty, to step over empty ticks. */
    private final long[] occupied0 = new long[LEVEL0_SIZE / 64];
    /** The same for level 1, to step over empty level-1 ticks. */
    private final long[] occupied1 = new long[LEVEL1_SIZE / 64];
    private int nonEmpty0;
    private int nonEmpty1;

    private boolean started;
    /** The current tick: every list of an earlier tick has been worked through. */
    private long tick;
    /** The current tick's list has been worked through in full (it was wholly in the past). */
    private boolean visited;
    /** A lower bound of the deadlines in the current tick's list, or {@link #UNKNOWN}. */
    private long currentMin = UNKNOWN;

    ExpirySchedule(ConnTrackWorker worker, ConnTrackTable table) {
        this.worker = worker;
        this.blocks = table.blocks;
        this.blockShift = table.blockShift;
        this.blockMask = table.blockMask;
        Arrays.fill(heads, NIL);
    }

    void startAt(long nowNanos) {
        if (!started) {
            started = true;
            tick = nowNanos >> TICK_SHIFT;
        }
    }

    /** Lists the entry for its deadline (or the earliest list not yet worked through, if that is later). */
    void place(int slot, long deadlineNanos) {
        long t = deadlineNanos >> TICK_SHIFT;
        long first = visited ? tick + 1 : tick;
        if (t < first) {
            t = first;
        }
        int list;
        if (t - tick < LEVEL0_SIZE) {
            list = (int) (t & LEVEL0_MASK);
            if (t == tick) {
                currentMin = Math.min(currentMin, deadlineNanos);
            }
        } else {
            list = LEVEL0_SIZE + (int) ((t >> LEVEL0_BITS) & LEVEL1_MASK);
        }
        pushFront(list, slot);
    }

    /**
     * Works through the lists due by {@code nowNanos}, expiring entries whose time has come and listing the
     * others again, at most {@code budget} steps (an entry or a list each).
     *
     * @return true when caught up: every list before now's tick has been worked through
     */
    boolean advance(long nowNanos, ConnTrackTimeouts timeouts, int budget) {
        startAt(nowNanos);
        long target = nowNanos >> TICK_SHIFT;
        int work = budget;
        for (;;) {
            int s;
            while ((s = heads[PENDING]) != NIL) {
                if (work-- <= 0) {
                    return false;
                }
                unlink(s);
                if (worker.isExpired(s, nowNanos, timeouts)) {
                    worker.release(s);
                } else {
                    place(s, worker.deadline(s, timeouts));
                }
            }
            if (tick >= target) {
                return true;
            }
            if (work-- <= 0) {
                return false;
            }
            if (!visited) {
                // Wholly in the past: every entry here is due or has moved later.
                visited = true;
                int list = (int) (tick & LEVEL0_MASK);
                if (heads[list] != NIL) {
                    moveToPending(list);
                }
                continue;
            }
            long next;
            if (nonEmpty0 == 0 && nonEmpty1 == 0) {
                next = target;
            } else if (nonEmpty0 == 0) {
                // Nothing at level 0: on to the next level-1 tick whose list holds entries.
                long level1 = (tick >> LEVEL0_BITS) + 1;
                int j = nextOccupied1((int) (level1 & LEVEL1_MASK));
                next = (level1 + ((j - level1) & LEVEL1_MASK)) << LEVEL0_BITS;
            } else {
                next = tick + 1;
                if ((next & LEVEL0_MASK) != 0) {
                    int i = nextOccupied0((int) (next & LEVEL0_MASK));
                    // The next listed tick of this level-1 tick, else the next level-1 tick.
                    next = i < 0 ? (next | LEVEL0_MASK) + 1 : (next & ~LEVEL0_MASK) | i;
                }
            }
            // Any level-1 boundary up to the target is at or after next, so none is skipped.
            next = Math.min(next, target);
            tick = next;
            visited = false;
            currentMin = UNKNOWN;
            if ((tick & LEVEL0_MASK) == 0) {
                // Entering a new level-1 tick: its entries come down to level 0 (or go round again).
                int list = LEVEL0_SIZE + (int) ((tick >> LEVEL0_BITS) & LEVEL1_MASK);
                if (heads[list] != NIL) {
                    moveToPending(list);
                }
            }
        }
    }

    /**
     * After {@link #advance} caught up to {@code nowNanos}: expires the entries of now's own tick whose time
     * has come, so that every entry left lives at {@code nowNanos}.
     */
    void scanCurrent(long nowNanos, ConnTrackTimeouts timeouts) {
        if (visited || tick != nowNanos >> TICK_SHIFT || currentMin > nowNanos) {
            return;
        }
        long min = Long.MAX_VALUE;
        int s = heads[(int) (tick & LEVEL0_MASK)];
        while (s != NIL) {
            int n = next(s);
            if (worker.isExpired(s, nowNanos, timeouts)) {
                unlink(s);
                worker.release(s);
            } else {
                long d = worker.deadline(s, timeouts);
                if ((d >> TICK_SHIFT) > tick) {
                    unlink(s);
                    place(s, d);
                } else {
                    min = Math.min(min, d);
                }
            }
            s = n;
        }
        currentMin = min;
    }

    /** Timeouts changed: every entry is listed again, from the pending list, before the wheel moves on. */
    void rescheduleAll() {
        for (int w = 0; w < occupied0.length; w++) {
            while (occupied0[w] != 0) {
                emptyIntoPending((w << 6) + Long.numberOfTrailingZeros(occupied0[w]));
            }
        }
        for (int w = 0; w < occupied1.length; w++) {
            while (occupied1[w] != 0) {
                emptyIntoPending(LEVEL0_SIZE + (w << 6) + Long.numberOfTrailingZeros(occupied1[w]));
            }
        }
        currentMin = UNKNOWN;
    }

    private void emptyIntoPending(int list) {
        int s;
        while ((s = heads[list]) != NIL) {
            unlink(s);
            pushFront(PENDING, s);
        }
    }

    // ------------------------------------------------------------------ lists

    void pushFront(int list, int slot) {
        int head = heads[list];
        setNext(slot, head);
        setPrev(slot, -(list + 1));
        if (head != NIL) {
            setPrev(head, slot);
        } else {
            occupy(list);
        }
        heads[list] = slot;
    }

    void unlink(int slot) {
        int p = prev(slot);
        int n = next(slot);
        if (p >= 0) {
            setNext(p, n);
        } else {
            int list = -p - 1;
            heads[list] = n;
            if (n == NIL) {
                vacate(list);
            }
        }
        if (n != NIL) {
            setPrev(n, p);
        }
    }

    private void moveToPending(int list) {
        int head = heads[list];
        heads[list] = NIL;
        vacate(list);
        heads[PENDING] = head;
        setPrev(head, -(PENDING + 1));
    }

    private void occupy(int list) {
        if (list < LEVEL0_SIZE) {
            occupied0[list >>> 6] |= 1L << list;
            nonEmpty0++;
        } else if (list < PENDING) {
            int i = list - LEVEL0_SIZE;
            occupied1[i >>> 6] |= 1L << i;
            nonEmpty1++;
        }
    }

    private void vacate(int list) {
        if (list < LEVEL0_SIZE) {
            occupied0[list >>> 6] &= ~(1L << list);
            nonEmpty0--;
        } else if (list < PENDING) {
            int i = list - LEVEL0_SIZE;
            occupied1[i >>> 6] &= ~(1L << i);
            nonEmpty1--;
        }
    }

    /** The first non-empty level-0 list at or after {@code from}, or -1 (no wrapping). */
    private int nextOccupied0(int from) {
        int w = from >>> 6;
        long bits = occupied0[w] & (-1L << from);
        while (true) {
            if (bits != 0) {
                return (w << 6) + Long.numberOfTrailingZeros(bits);
            }
            if (++w == occupied0.length) {
                return -1;
            }
            bits = occupied0[w];
        }
    }

    /** The first non-empty level-1 list at or after {@code from}, going round (at least one must exist). */
    private int nextOccupied1(int from) {
        int w = from >>> 6;
        long bits = occupied1[w] & (-1L << from);
        for (int n = 0; n <= occupied1.length; n++) {
            if (bits != 0) {
                return (w << 6) + Long.numberOfTrailingZeros(bits);
            }
            w = (w + 1) % occupied1.length;
            bits = occupied1[w];
        }
        throw new IllegalStateException("no level-1 list holds entries");
    }

    private int next(int slot) {
        return blocks[slot >>> blockShift].getInt(((slot & blockMask) << SLOT_SHIFT) + NEXT_OFFSET);
    }

    private int prev(int slot) {
        return blocks[slot >>> blockShift].getInt(((slot & blockMask) << SLOT_SHIFT) + PREV_OFFSET);
    }

    private void setNext(int slot, int value) {
        blocks[slot >>> blockShift].putInt(((slot & blockMask) << SLOT_SHIFT) + NEXT_OFFSET, value);
    }

    private void setPrev(int slot, int value) {
        blocks[slot >>> blockShift].putInt(((slot & blockMask) << SLOT_SHIFT) + PREV_OFFSET, value);
    }

    // ------------------------------------------------------------------ for tests

    /** The number of entries listed (walks every list). */
    int listed() {
        int n = 0;
        for (int list = 0; list <= PENDING; list++) {
            boolean empty = list < LEVEL0_SIZE ? (occupied0[list >>> 6] & 1L << list) == 0
                    : list < PENDING && (occupied1[(list - LEVEL0_SIZE) >>> 6] & 1L << (list - LEVEL0_SIZE)) == 0;
            if (list < PENDING && empty != (heads[list] == NIL)) {
                throw new IllegalStateException("occupancy of list " + list + " is wrong");
            }
            for (int s = heads[list]; s != NIL; s = next(s)) {
                n++;
            }
        }
        return n;
    }
}
