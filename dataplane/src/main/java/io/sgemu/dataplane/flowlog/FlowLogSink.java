package io.sgemu.dataplane.flowlog;

/**
 * Where flow-log records go: a file, stdout, S3-style objects, a test's list.
 *
 * <p>The aggregator calls {@link #accept} once per record, an interval's records together in a deterministic
 * order, then {@link #intervalClosed} with the end of that interval. Calls come from one thread.
 */
public interface FlowLogSink {

    void accept(FlowLogRecord r);

    /**
     * A watermark: every record whose {@code end} is earlier than {@code intervalEndSeconds} has been accepted,
     * so a sink that groups records by time (S3 objects per 5 minutes) may write out what lies before it,
     * and a stream may flush. The default does nothing.
     */
    default void intervalClosed(long intervalEndSeconds) {
    }
}
