package io.sgemu.dataplane.pipeline;

import io.sgemu.dataplane.policy.Policy;

/** The verdict of one packet on the fast path, filled in place (one instance per worker, reused). */
public final class FastVerdict {

    /** {@link Verdicts#ACCEPT}, {@link Verdicts#REJECT} or {@link Verdicts#SKIP}. */
    public int action;
    /** The rejecting stage when REJECT, else {@link Verdicts#NO_STAGE}. */
    public int stage;
    /** The skip reason when SKIP, else {@link Verdicts#NO_REASON}. */
    public int reason;
    /** The ENI number of each end, {@link Policy#NONE} where the end is no ENI. */
    public int srcEni;
    public int dstEni;

    void set(int action, int stage, int reason, int srcEni, int dstEni) {
        this.action = action;
        this.stage = stage;
        this.reason = reason;
        this.srcEni = srcEni;
        this.dstEni = dstEni;
    }
}
