package io.sgemu.dataplane.pipeline;

import java.util.Arrays;

/**
 * Per ENI and stage, the packets and bytes accepted and rejected, and the allowance refusals: the
 * counters of one worker (single writer, no sharing). A reader on another thread sums workers' counters
 * after they stopped, or tolerates slightly stale values (plain reads of longs written plainly).
 */
public final class StageCounters {

    private static final int PER_STAGE = 4; // accepted packets, accepted bytes, rejected packets, rejected bytes
    // + allowance refusals, table-full drops, then the ENI's frames: judged, accepted, rejected, skipped
    private static final int PER_ENI = Verdicts.STAGE_COUNT * PER_STAGE + 6;
    private static final int ALLOWANCE_EXCEEDED = Verdicts.STAGE_COUNT * PER_STAGE;
    private static final int TABLE_FULL = ALLOWANCE_EXCEEDED + 1;
    private static final int FRAMES = TABLE_FULL + 1;

    private long[] counts;

    public StageCounters(int eniCount) {
        counts = new long[Math.max(1, eniCount) * PER_ENI];
    }

    /** Makes room for ENI numbers below {@code eniCount} (a new snapshot with more ENIs): not on the packet path. */
    public void ensureEnis(int eniCount) {
        if (eniCount * PER_ENI > counts.length) {
            counts = Arrays.copyOf(counts, eniCount * PER_ENI);
        }
    }

    void stage(int eni, int stage, boolean accepted, int bytes) {
        int i = eni * PER_ENI + stage * PER_STAGE + (accepted ? 0 : 2);
        counts[i]++;
        counts[i + 1] += bytes;
    }

    void countAllowanceExceeded(int eni) {
        counts[eni * PER_ENI + ALLOWANCE_EXCEEDED]++;
    }

    void countTableFull(int eni) {
        counts[eni * PER_ENI + TABLE_FULL]++;
    }

    /**
     * Counts one frame on the ENIs at its ends ({@code a}, {@code b}, {@link io.sgemu.dataplane.policy.Policy#NONE}
     * for none; a frame from an ENI to itself counts once): judged, then its {@link Verdicts} action. The total
     * is written before the part, so that a reader that reads the part first sees
     * {@code judged >= accepted + rejected + skipped} on hardware that keeps stores in order.
     */
    void frame(int a, int b, int action) {
        if (a >= 0) {
            frameOn(a, action);
        }
        if (b >= 0 && b != a) {
            frameOn(b, action);
        }
    }

    private void frameOn(int eni, int action) {
        int i = eni * PER_ENI + FRAMES;
        counts[i]++;
        counts[i + 1 + action]++;
    }

    /** Frames with this ENI at either end, judged (or skipped as reserved traffic): {@code accepted + rejected + skipped}. */
    public long eniFrames(int eni) {
        return get(eni, FRAMES);
    }

    /** Frames with this ENI at either end, by {@link Verdicts} action ({@code ACCEPT}, {@code REJECT}, {@code SKIP}). */
    public long eniFrames(int eni, int action) {
        return get(eni, FRAMES + 1 + action);
    }

    public int eniCapacity() {
        return counts.length / PER_ENI;
    }

    public long acceptedPackets(int eni, int stage) {
        return get(eni, stage * PER_STAGE);
    }

    public long acceptedBytes(int eni, int stage) {
        return get(eni, stage * PER_STAGE + 1);
    }

    public long rejectedPackets(int eni, int stage) {
        return get(eni, stage * PER_STAGE + 2);
    }

    public long rejectedBytes(int eni, int stage) {
        return get(eni, stage * PER_STAGE + 3);
    }

    /** Packets refused because the ENI's tracked-connection allowance was exhausted ({@code conntrack_allowance_exceeded}). */
    public long allowanceExceeded(int eni) {
        return get(eni, ALLOWANCE_EXCEEDED);
    }

    /** Packets refused because the connection-tracking table had no free slot. */
    public long tableFull(int eni) {
        return get(eni, TABLE_FULL);
    }

    private long get(int eni, int offset) {
        int i = eni * PER_ENI + offset;
        return i < counts.length ? counts[i] : 0;
    }

    /** Adds another worker's counters into these (for totals). */
    public void addAll(StageCounters other) {
        ensureEnis(other.eniCapacity());
        for (int i = 0; i < other.counts.length; i++) {
            counts[i] += other.counts[i];
        }
    }
}
