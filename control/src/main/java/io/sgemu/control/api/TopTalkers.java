package io.sgemu.control.api;

import io.sgemu.dataplane.flowlog.FlowLogRecord;
import io.sgemu.dataplane.flowlog.FlowLogSink;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The busiest flows of the last few flow-log intervals, built from the flow-log records as they are emitted
 * (the live path keeps no per-flow counts of its own): a {@link FlowLogSink} beside the others.
 *
 * <p>Bounded: the open interval counts at most {@code maxFlows} distinct flows (records of further flows are
 * counted in {@link Top#untracked()} only); a closed interval keeps only its {@code keep} busiest accepted and
 * rejected flows; the last {@code intervals} closed intervals are kept. The ranks are therefore exact for the
 * open interval and for flows that were among the busiest of each closed one.
 *
 * <p>Threading: records arrive on the flow-log writer's thread, queries on the admin server's; both take
 * this object's lock (a record is a map update; a query merges at most a few thousand entries).
 */
public final class TopTalkers implements FlowLogSink {

    /** A flow as flow logs name it, from the logging ENI's view. */
    public record Flow(String eni, String srcaddr, int srcport, String dstaddr, int dstport, int protocol,
                       String action) {
    }

    /** A flow's totals over the kept intervals. */
    public record Talker(Flow flow, long packets, long bytes) {
    }

    /** The answer to a query. */
    public record Top(List<Talker> accepted, List<Talker> rejected, int intervals, long untracked) {
    }

    private final int maxFlows;
    private final int keep;
    private final int intervals;
    private Map<Flow, long[]> open = new HashMap<>();
    private final Deque<Map<Flow, long[]>> closed = new ArrayDeque<>();
    private long untracked;

    public TopTalkers(int maxFlows, int keep, int intervals) {
        if (maxFlows < 1 || keep < 1 || intervals < 1) {
            throw new IllegalArgumentException("maxFlows, keep and intervals must be positive");
        }
        this.maxFlows = maxFlows;
        this.keep = keep;
        this.intervals = intervals;
    }

    /** 10,000 flows in the open interval, the busiest 1,000 of each kind kept of each of the last 3 intervals. */
    public TopTalkers() {
        this(10_000, 1_000, 3);
    }

    @Override
    public synchronized void accept(FlowLogRecord r) {
        if (r.logStatus() != FlowLogRecord.LogStatus.OK || r.srcaddr() == null || r.action() == null) {
            return; // NODATA and SKIPDATA records name no flow
        }
        Flow f = new Flow(r.eni().interfaceId(), r.srcaddr().toString(), r.srcport(), r.dstaddr().toString(),
                r.dstport(), r.protocol(), r.action().name());
        long[] c = open.get(f);
        if (c == null) {
            if (open.size() >= maxFlows) {
                untracked++;
                return;
            }
            c = new long[2];
            open.put(f, c);
        }
        c[0] += r.packets();
        c[1] += r.bytes();
    }

    @Override
    public synchronized void intervalClosed(long intervalEndSeconds) {
        if (open.isEmpty()) {
            return;
        }
        Map<Flow, long[]> kept = new HashMap<>();
        for (String action : List.of("ACCEPT", "REJECT")) {
            open.entrySet().stream().filter(e -> e.getKey().action().equals(action))
                    .sorted(Comparator.comparingLong((Map.Entry<Flow, long[]> e) -> e.getValue()[0]).reversed())
                    .limit(keep).forEach(e -> kept.put(e.getKey(), e.getValue()));
        }
        closed.addLast(kept);
        while (closed.size() > intervals) {
            closed.removeFirst();
        }
        open = new HashMap<>();
    }

    /** The {@code n} busiest accepted and rejected flows by packets (then bytes) over the kept intervals and the open one. */
    public synchronized Top top(int n) {
        Map<Flow, long[]> sum = new HashMap<>();
        List<Map<Flow, long[]>> all = new ArrayList<>(closed);
        all.add(open);
        for (Map<Flow, long[]> m : all) {
            m.forEach((f, c) -> {
                long[] s = sum.computeIfAbsent(f, k -> new long[2]);
                s[0] += c[0];
                s[1] += c[1];
            });
        }
        return new Top(ranked(sum, "ACCEPT", n), ranked(sum, "REJECT", n), closed.size(), untracked);
    }

    private static List<Talker> ranked(Map<Flow, long[]> sum, String action, int n) {
        return sum.entrySet().stream().filter(e -> e.getKey().action().equals(action))
                .map(e -> new Talker(e.getKey(), e.getValue()[0], e.getValue()[1]))
                .sorted(Comparator.comparingLong(Talker::packets).thenComparingLong(Talker::bytes).reversed())
                .limit(n).toList();
    }
}
