package io.sgemu.dataplane.flowlog;

/**
 * The open interval's flows of one worker, in two flat arrays. Entries (key and running sums side by side,
 * {@value #STRIDE} longs each) lie densely in the order their keys were first seen, so that closing the interval
 * reads them sequentially in that order. An open-addressing index (linear probing) of longs maps a key's hash to
 * its entry: the high 32 bits of an index slot are a fingerprint of the hash, the low 32 the entry's number plus
 * one (0 is empty), so a probe compares an entry's key only when the fingerprints agree. Dense entries and a
 * small index keep the working set small (about 130 bytes per key), which is what decides the speed once the
 * keys outgrow the caches.
 *
 * <p>Entry layout (offsets in longs): {@code 0} ENI (high 32 bits), srcport (16), dstport (16); {@code 1}
 * occupied bit (63), accept (13), ingress (12), family (8-11), protocol (0-7); {@code 2..9} srcaddr,
 * dstaddr, pkt-srcaddr, pkt-dstaddr as hi/lo pairs; then packets, bytes, start and end seconds, first
 * sequence, tcp-flags.
 *
 * <p>Keys are never removed one by one: the whole table is emptied when its interval closes. The table doubles
 * when its index is half full; it starts at the size it is given so that a worker that knows its load allocates
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

    private long[] index;
    private int mask;
    private long[] entries;
    private int size;
    /** The fingerprint of the key {@link #find} last missed, for the {@link #insert} that follows. */
    private long missedFingerprint;

    /** @param expectedFlows how many keys the table should hold before it first grows */
    FlowTable(int expectedFlows) {
        int n = Integer.highestOneBit(Math.max(8, expectedFlows) * 2 - 1) << 1;
        index = new long[n];
        mask = n - 1;
        entries = new long[(n / 2) * STRIDE];
    }

    static long ports(int eni, int srcPort, int dstPort) {
        return ((long) eni << 32) | ((long) (srcPort & 0xFFFF) << 16) | (dstPort & 0xFFFF);
    }

    static long kind(boolean ingress, boolean accept, int family, int protocol) {
        return OCCUPIED | (accept ? ACCEPT : 0) | (ingress ? INGRESS : 0) | ((long) (family & 0xF) << 8)
                | (protocol & 0xFF);
    }

    /**
     * The hash of a key, from the packet's own fields only (pkt-srcaddr, pkt-dstaddr, ports, protocol): not
     * the ENI, direction, action or logged addresses. The two records one packet makes (the sender's egress,
     * the receiver's ingress) then probe from the same index slot and, made one after the other, lie side by
     * side in the entries: one packet costs one trip to memory for both, not two. The fingerprint no longer
     * tells those two keys apart; the full key comparison does.
     */
    private static long hash(long ports, long kind, long pktSrcHi, long pktSrcLo, long pktDstHi, long pktDstLo) {
        long h = (ports & 0xFFFF_FFFFL) * 0x9E3779B97F4A7C15L;
        h = (h ^ (kind & 0xFF)) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ pktSrcLo) * 0x9E3779B97F4A7C15L;
        h = (h ^ pktDstLo) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ pktSrcHi ^ Long.rotateLeft(pktDstHi, 29)) * 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 29);
    }

    /**
     * The entry (an index into {@link #slots()}) that holds the key, or {@code ~slot} of the empty index slot where
     * it would go (then {@link #insert} it there, or {@link #grow} first when {@link #full}).
     */
    int find(long ports, long kind, long srcHi, long srcLo, long dstHi, long dstLo, long pktSrcHi, long pktSrcLo,
             long pktDstHi, long pktDstLo) {
        long h = hash(ports, kind, pktSrcHi, pktSrcLo, pktDstHi, pktDstLo);
        long fingerprint = h & 0xFFFF_FFFF_0000_0000L;
        int i = (int) h & mask;
        long[] x = index;
        long[] e = entries;
        while (true) {
            long v = x[i];
            if (v == 0) {
                missedFingerprint = fingerprint;
                return ~i;
            }
            if ((v & 0xFFFF_FFFF_0000_0000L) == fingerprint) {
                int base = ((int) v - 1) * STRIDE;
                if (e[base + KIND] == kind && e[base + PORTS] == ports && e[base + SRC_LO] == srcLo
                        && e[base + DST_LO] == dstLo && e[base + PKT_SRC_LO] == pktSrcLo
                        && e[base + PKT_DST_LO] == pktDstLo && e[base + SRC_HI] == srcHi && e[base + DST_HI] == dstHi
                        && e[base + PKT_SRC_HI] == pktSrcHi && e[base + PKT_DST_HI] == pktDstHi) {
                    return base;
                }
            }
            i = (i + 1) & mask;
        }
    }

    /** True when inserting one more key would pass the load limit: grow first, then find the key again. */
    boolean full() {
        return size * STRIDE == entries.length;
    }

    /** Doubles the table (a rare, start-up event: the steady state allocates nothing). */
    void grow() {
        int n = (mask + 1) * 2;
        index = new long[n];
        mask = n - 1;
        entries = java.util.Arrays.copyOf(entries, (n / 2) * STRIDE);
        long[] e = entries;
        for (int j = 0; j < size; j++) {
            int b = j * STRIDE;
            int slot = ~find(e[b + PORTS], e[b + KIND], e[b + SRC_HI], e[b + SRC_LO], e[b + DST_HI], e[b + DST_LO],
                    e[b + PKT_SRC_HI], e[b + PKT_SRC_LO], e[b + PKT_DST_HI], e[b + PKT_DST_LO]);
            index[slot] = missedFingerprint | (j + 1);
        }
    }

    /**
     * Puts a new key in the empty index slot {@code slot} that {@link #find} just named, with its first packet's
     * second; answers its entry.
     */
    int insert(int slot, long ports, long kind, long srcHi, long srcLo, long dstHi, long dstLo, long pktSrcHi,
               long pktSrcLo, long pktDstHi, long pktDstLo, long second, long sequence) {
        int base = size * STRIDE;
        index[slot] = missedFingerprint | (size + 1);
        size++;
        long[] e = entries;
        e[base + PORTS] = ports;
        e[base + KIND] = kind;
        e[base + SRC_HI] = srcHi;
        e[base + SRC_LO] = srcLo;
        e[base + DST_HI] = dstHi;
        e[base + DST_LO] = dstLo;
        e[base + PKT_SRC_HI] = pktSrcHi;
        e[base + PKT_SRC_LO] = pktSrcLo;
        e[base + PKT_DST_HI] = pktDstHi;
        e[base + PKT_DST_LO] = pktDstLo;
        e[base + PACKETS] = 0;
        e[base + BYTES] = 0;
        e[base + START] = second;
        e[base + END] = second;
        e[base + FIRST_SEQUENCE] = sequence;
        e[base + TCP_FLAGS] = 0;
        return base;
    }

    /** Adds one packet to the flow of entry {@code base}. */
    void add(int base, long bytes, long second, int reportedTcpFlags) {
        long[] e = entries;
        e[base + PACKETS]++;
        e[base + BYTES] += bytes;
        e[base + END] = second;
        e[base + TCP_FLAGS] |= reportedTcpFlags;
    }

    int size() {
        return size;
    }

    /** The entry of the {@code i}-th key inserted. */
    int slotAt(int i) {
        return i * STRIDE;
    }

    long[] slots() {
        return entries;
    }

    /** Empties the table for the next interval (once an interval: the index is cleared whole). */
    void clear() {
        if (size > 0) {
            java.util.Arrays.fill(index, 0);
            size = 0;
        }
    }

    /** Number of index slots (for tests). */
    int slotCount() {
        return mask + 1;
    }
}
