package io.sgemu.control.diff;

/**
 * The packets of one flow whose verdict flipped one way: accepted by the old world and rejected by the new
 * ({@link Direction#NEWLY_REJECTED}) or the reverse. The attribution is that of the first such packet:
 * attributing only changed flows, once each, keeps a report of a long capture cheap.
 */
public final class FlowChange {

    /** Which way the verdicts flipped. */
    public enum Direction {
        NEWLY_REJECTED("newly-rejected"),
        NEWLY_ACCEPTED("newly-accepted");

        private final String label;

        Direction(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final FlowRecord flow;
    private final Direction direction;
    private final StageAttribution attribution;
    private final long firstNanos;
    long lastNanos;
    long packets;
    long bytes;

    FlowChange(FlowRecord flow, Direction direction, StageAttribution attribution, long firstNanos) {
        this.flow = flow;
        this.direction = direction;
        this.attribution = attribution;
        this.firstNanos = firstNanos;
        this.lastNanos = firstNanos;
    }

    void add(int length, long timeNanos) {
        packets++;
        bytes += length;
        lastNanos = Math.max(lastNanos, timeNanos);
    }

    public FlowRecord flow() {
        return flow;
    }

    public Direction direction() {
        return direction;
    }

    /** Stage, ENI and rules behind the first changed packet. */
    public StageAttribution attribution() {
        return attribution;
    }

    /** Packets of the flow whose verdict flipped this way. */
    public long packets() {
        return packets;
    }

    /** Their IP bytes. */
    public long bytes() {
        return bytes;
    }

    /** Capture time of the first and last of them, Unix epoch nanoseconds. */
    public long firstNanos() {
        return firstNanos;
    }

    public long lastNanos() {
        return lastNanos;
    }
}
