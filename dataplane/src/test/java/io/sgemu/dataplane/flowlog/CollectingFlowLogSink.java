package io.sgemu.dataplane.flowlog;

import java.util.ArrayList;
import java.util.List;

/** A sink that keeps what it hears, for tests (here and in other modules' tests). */
public final class CollectingFlowLogSink implements FlowLogSink {

    /** Records in the order accepted. */
    public final List<FlowLogRecord> records = new ArrayList<>();
    /** The interval ends reported, in order. */
    public final List<Long> intervalEnds = new ArrayList<>();
    /** For each record, how many intervals had closed before it was accepted. */
    public final List<Integer> closedBefore = new ArrayList<>();

    @Override
    public void accept(FlowLogRecord r) {
        records.add(r);
        closedBefore.add(intervalEnds.size());
    }

    @Override
    public void intervalClosed(long intervalEndSeconds) {
        intervalEnds.add(intervalEndSeconds);
    }
}
