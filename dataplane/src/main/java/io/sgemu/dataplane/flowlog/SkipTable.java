package io.sgemu.dataplane.flowlog;

/**
 * Losses of one worker per (interval, ENI): observations its capacity turned away, and records the full ring
 * did not take. Open addressing over one {@code long[]} of {@value #STRIDE}-long slots, cleared whole, entries
 * listed in insertion order; {@link #sentUpTo} lets the owner send the entries in order across several tries
 * (a ring that is full now has room later) without sending one twice. Not thread-safe: one worker's.
 */
final class SkipTable {

    static final int STRIDE = 8;
    static final int INTERVAL = 0;
    static final int ENI = 1;
    static final int FIRST_SECOND = 2;
    static final int LAST_SECOND = 3;
    static final int FIRST_SEQUENCE = 4;
    static final int CAPACITY_LOST = 5;
    static final int RING_LOST_RECORDS = 6;
    static final int RING_LOST_PACKETS = 7;

    private static final long OCCUPIED = 1L << 32;

    private long[] slots;
    private int mask;
    private int[] order;
    private int size;
    private int sent;

    SkipTable(int expectedEntries) {
        int n = Integer.highestOneBit(Math.max(8, expectedEntries) * 2 - 1) << 1;
        slots = new long[n * STRIDE];
        mask = n - 1;
        order = new int[n / 2];
    }

    /**
     * Adds a loss of {@code eni} in the interval starting at {@code intervalStart}: seconds and sequences keep
     * their extremes, counts add up. The owner adds all of an interval's losses in one pass, before it sends
     * any of them, so an entry already sent is never added to.
     */
    void add(long intervalStart, int eni, long firstSecond, long lastSecond, long firstSequence, long capacityLost,
             long ringLostRecords, long ringLostPackets) {
        if (size == order.length) {
            grow();
        }
        long eniKey = OCCUPIED | (eni & 0xFFFF_FFFFL);
        int base = find(intervalStart, eniKey);
        long[] s = slots;
        if (base < 0) {
            base = ~base;
            s[base + INTERVAL] = intervalStart;
            s[base + ENI] = eniKey;
            s[base + FIRST_SECOND] = firstSecond;
            s[base + LAST_SECOND] = lastSecond;
            s[base + FIRST_SEQUENCE] = firstSequence;
            s[base + CAPACITY_LOST] = capacityLost;
            s[base + RING_LOST_RECORDS] = ringLostRecords;
            s[base + RING_LOST_PACKETS] = ringLostPackets;
            order[size++] = base;
            return;
        }
        s[base + FIRST_SECOND] = Math.min(s[base + FIRST_SECOND], firstSecond);
        s[base + LAST_SECOND] = Math.max(s[base + LAST_SECOND], lastSecond);
        s[base + FIRST_SEQUENCE] = Math.min(s[base + FIRST_SEQUENCE], firstSequence);
        s[base + CAPACITY_LOST] += capacityLost;
        s[base + RING_LOST_RECORDS] += ringLostRecords;
        s[base + RING_LOST_PACKETS] += ringLostPackets;
    }

    private int find(long intervalStart, long eniKey) {
        long h = (intervalStart * 0x9E3779B97F4A7C15L) ^ (eniKey * 0xC2B2AE3D27D4EB4FL);
        int i = (int) (h ^ (h >>> 29)) & mask;
        long[] s = slots;
        while (true) {
            int base = i * STRIDE;
            long k = s[base + ENI];
            if (k == 0) {
                return ~base;
            }
            if (k == eniKey && s[base + INTERVAL] == intervalStart) {
                return base;
            }
            i = (i + 1) & mask;
        }
    }

    private void grow() {
        long[] old = slots;
        int[] oldOrder = order;
        int n = (mask + 1) * 2;
        slots = new long[n * STRIDE];
        mask = n - 1;
        order = new int[n / 2];
        for (int j = 0; j < size; j++) {
            int from = oldOrder[j];
            int to = ~find(old[from + INTERVAL], old[from + ENI]);
            System.arraycopy(old, from, slots, to, STRIDE);
            order[j] = to;
        }
    }

    int size() {
        return size;
    }

    int slotAt(int i) {
        return order[i];
    }

    long[] slots() {
        return slots;
    }

    static int eniOf(long[] s, int base) {
        return (int) s[base + ENI];
    }

    /** Entries {@code [0, sentUpTo())} have been sent. */
    int sentUpTo() {
        return sent;
    }

    void markSent(int upTo) {
        sent = upTo;
    }

    boolean allSent() {
        return sent == size;
    }

    void clear() {
        long[] s = slots;
        for (int j = 0; j < size; j++) {
            s[order[j] + ENI] = 0;
        }
        size = 0;
        sent = 0;
    }
}
