package io.sgemu.control.diff;

/** One directed flow of the traffic and what each world did to its packets. */
public final class FlowRecord {

    private final DirectedFlow flow;
    private final String srcEniId;
    private final String dstEniId;
    final VerdictCounts before = new VerdictCounts();
    final VerdictCounts after = new VerdictCounts();
    FlowChange newlyRejected;
    FlowChange newlyAccepted;

    FlowRecord(DirectedFlow flow, String srcEniId, String dstEniId) {
        this.flow = flow;
        this.srcEniId = srcEniId;
        this.dstEniId = dstEniId;
    }

    public DirectedFlow flow() {
        return flow;
    }

    /** The ENI the source resolves to (in the old world, else the new), or null for an outside host. */
    public String srcEniId() {
        return srcEniId;
    }

    /** The ENI the destination resolves to (in the old world, else the new), or null. */
    public String dstEniId() {
        return dstEniId;
    }

    /** What the old world ({@code --config}) did to the flow's packets. */
    public VerdictCounts before() {
        return before;
    }

    /** What the new world ({@code --against}) did to them. */
    public VerdictCounts after() {
        return after;
    }

    /** The packets accepted before and rejected after, or null when there are none. */
    public FlowChange newlyRejected() {
        return newlyRejected;
    }

    /** The packets rejected before and accepted after, or null. */
    public FlowChange newlyAccepted() {
        return newlyAccepted;
    }
}
