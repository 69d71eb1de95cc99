package io.sgemu.dataplane.flowlog;

/**
 * The open interval's flows of one worker: open addressing with linear probing over one {@code long[]}, each
 * slot {@value #STRIDE} longs (two cache lines) holding the key and its running sums side by side, so that
 * finding a flow and adding a packet to it touch one slot.
 *
 * <p>Slot layout (offsets in longs): {@code 0} ENI (high 32 bits), srcport (16), dstport (16); {@code 1}
 * occupied bit (63), accept (13), ingress (12), family (8-11), protocol (0-7); {@code 2..9} srcaddr,
 * dstaddr, pkt-srcaddr, pkt-dstaddr as hi/lo pairs; then packets, bytes, start and end seconds, first
 * sequence, tcp-flags.
 *
 * <p>Keys are never removed one by one: the whole table is emptied when its interval closes, so there are no
 * tombstones. {@link #slotAt} lists the occupied slots in the order their keys were inserted. The table
 * doubles when half full; it starts at the size it is given so that a worker that knows its load allocates
 * nothing after start-up. Not thread-safe: one worker's.
 */
final class FlowTable {

    static final int STRIDE = 16;
    static final int PORTS = 0;
    static final int KIND = 1;
    static final int SRC_HI = 2;
    static final int SRC_LO = 3;
    static final int DST_HI = 4;
    static final int DST_LO = 5;
    static final int PKT_SRC_HI = 6;
    static final int PKT_SRC_LO = 7;
    static final int PKT_DST_HI = 8;
    static final int PKT_DST_LO = 9;
    static final int PACKETS = 10;
    static final int BYTES = 11;
    static final int START = 12;
    static final int END = 13;
    static final int FIRST_SEQUENCE = 14;
    static final int TCP_FLAGS = 15;

    static final long OCCUPIED = 1L << 63;
    static final long INGRESS = 1L << 12;
    static final long ACCEPT = 1L << 13;

    private long[] slots;
    private int mask;
    private int[] order;
    private int size;

    /** @param expectedFlows how many keys the table should hold before it first grows */
    FlowTable(int expectedFlows) {
        int n = Integer.highestOneBit(Math.max(8, expectedFlows) * 2 - 1) << 1;
        slots = new long[n * STRIDE];
        mask = n - 1;
        order = new int[n / 2];
    }

    static long ports(int eni, int srcPort, int dstPort) {
        return ((long) eni << 32) | ((long) (srcPort & 0xFFFF) << 16) | (dstPort & 0xFFFF);
    }

    static long kind(boolean ingress, boolean accept, int family, int protocol) {
        return OCCUPIED | (accept ? ACCEPT : 0) | (ingress ? INGRESS : 0) | ((long) (family & 0xF) << 8)
                | (protocol & 0xFF);
    }

    /**
     * The slot (an index into {@link #slots()}) that holds the key, or {@code ~slot} of the empty slot where it
     * would go.
     */
    int find(long ports, long kind, long srcHi, long srcLo, long dstHi, long dstLo, long pktSrcHi, long pktSrcLo,
             long pktDstHi, long pktDstLo) {
        long h = ports * 0x9E3779B97F4A7C15L;
        h = (h ^ kind) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ srcLo) * 0x9E3779B97F4A7C15L;
        h = (h ^ dstLo) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ pktSrcLo ^ Long.rotateLeft(pktDstLo, 29)) * 0x9E3779B97F4A7C15L;
        h = (h ^ srcHi ^ Long.rotateLeft(dstHi, 17) ^ Long.rotateLeft(pktSrcHi, 31) ^ Long.rotateLeft(pktDstHi, 47))
                * 0xC2B2AE3D27D4EB4FL;
        int i = (int) (h ^ (h >>> 32)) & mask;
        long[] s = slots;
        while (true) {
            int base = i * STRIDE;
            long k = s[base + KIND];
            if (k == 0) {
                return ~base;
            }
            if (k == kind && s[base + PORTS] == ports && s[base + SRC_LO] == srcLo && s[base + DST_LO] == dstLo
                    && s[base + PKT_SRC_LO] == pktSrcLo && s[base + PKT_DST_LO] == pktDstLo
                    && s[base + SRC_HI] == srcHi && s[base + DST_HI] == dstHi
                    && s[base + PKT_SRC_HI] == pktSrcHi && s[base + PKT_DST_HI] == pktDstHi) {
                return base;
            }
            i = (i + 1) & mask;
        }
    }

    /** True when inserting one more key would pass the load limit: grow first, then find the key again. */
    boolean full() {
        return size == order.length;
    }

    /** Doubles the table (a rare, start-up event: the steady state allocates nothing). */
    void grow() {
        long[] old = slots;
        int[] oldOrder = order;
        int n = (mask + 1) * 2;
        slots = new long[n * STRIDE];
        mask = n - 1;
        order = new int[n / 2];
        int count = size;
        size = 0;
        for (int j = 0; j < count; j++) {
            int from = oldOrder[j];
            int to = ~find(old[from + PORTS], old[from + KIND], old[from + SRC_HI], old[from + SRC_LO],
                    old[from + DST_HI], old[from + DST_LO], old[from + PKT_SRC_HI], old[from + PKT_SRC_LO],
                    old[from + PKT_DST_HI], old[from + PKT_DST_LO]);
            System.arraycopy(old, from, slots, to, STRIDE);
            order[size++] = to;
        }
    }

    /** Puts a new key in the empty slot {@code base} that {@link #find} named, with its first packet's second. */
    void insert(int base, long ports, long kind, long srcHi, long srcLo, long dstHi, long dstLo, long pktSrcHi,
                long pktSrcLo, long pktDstHi, long pktDstLo, long second, long sequence) {
        long[] s = slots;
        s[base + PORTS] = ports;
        s[base + KIND] = kind;
        s[base + SRC_HI] = srcHi;
        s[base + SRC_LO] = srcLo;
        s[base + DST_HI] = dstHi;
        s[base + DST_LO] = dstLo;
        s[base + PKT_SRC_HI] = pktSrcHi;
        s[base + PKT_SRC_LO] = pktSrcLo;
        s[base + PKT_DST_HI] = pktDstHi;
        s[base + PKT_DST_LO] = pktDstLo;
        s[base + PACKETS] = 0;
        s[base + BYTES] = 0;
        s[base + START] = second;
        s[base + END] = second;
        s[base + FIRST_SEQUENCE] = sequence;
        s[base + TCP_FLAGS] = 0;
        order[size++] = base;
    }

    /** Adds one packet to the flow in slot {@code base}. */
    void add(int base, long bytes, long second, int reportedTcpFlags) {
        long[] s = slots;
        s[base + PACKETS]++;
        s[base + BYTES] += bytes;
        s[base + END] = second;
        s[base + TCP_FLAGS] |= reportedTcpFlags;
    }

    int size() {
        return size;
    }

    /** The slot of the {@code i}-th key inserted. */
    int slotAt(int i) {
        return order[i];
    }

    long[] slots() {
        return slots;
    }

    /** Empties the table for the next interval, touching only the slots in use. */
    void clear() {
        long[] s = slots;
        for (int j = 0; j < size; j++) {
            s[order[j] + KIND] = 0;
        }
        size = 0;
    }

    /** Number of slots (for tests). */
    int slotCount() {
        return mask + 1;
    }
}
