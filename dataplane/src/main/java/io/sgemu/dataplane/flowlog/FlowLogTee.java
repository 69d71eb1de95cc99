package io.sgemu.dataplane.flowlog;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One stream of records to several sinks (a text file and S3-style objects, say): every sink hears every
 * record and every interval close, in the same order, so they all hold the same records.
 */
public final class FlowLogTee implements FlowLogSink {

    private final FlowLogSink[] sinks;

    private FlowLogTee(List<FlowLogSink> sinks) {
        this.sinks = sinks.toArray(FlowLogSink[]::new);
    }

    /** The sinks that are not null, joined: null when there are none, the sink itself when there is one. */
    public static FlowLogSink of(FlowLogSink... sinks) {
        List<FlowLogSink> given = Arrays.stream(sinks).filter(Objects::nonNull).toList();
        return switch (given.size()) {
            case 0 -> null;
            case 1 -> given.get(0);
            default -> new FlowLogTee(given);
        };
    }

    @Override
    public void accept(FlowLogRecord r) {
        for (FlowLogSink s : sinks) {
            s.accept(r);
        }
    }

    @Override
    public void intervalClosed(long intervalEndSeconds) {
        for (FlowLogSink s : sinks) {
            s.intervalClosed(intervalEndSeconds);
        }
    }
}
