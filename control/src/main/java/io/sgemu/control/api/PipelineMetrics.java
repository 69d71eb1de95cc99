package io.sgemu.control.api;

import io.sgemu.dataplane.conntrack.ConnTrackTable;
import io.sgemu.dataplane.flowlog.FlowLogStreamServer;
import io.sgemu.dataplane.pipeline.StageCounters;
import io.sgemu.dataplane.pipeline.Verdicts;
import io.sgemu.dataplane.policy.Policy;
import org.HdrHistogram.AbstractHistogram;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The metrics of a running pipeline, per ENI: what each stage accepted and rejected (packets, bytes), the
 * tracked connections and the allowance refusals, summed over the workers' {@link StageCounters} and named by
 * the current {@link Policy}'s ENI ids. The live dataplane wires it in one line:
 * {@code new PipelineMetrics(() -> currentPolicy, workerCounters, conntrackTable)}.
 *
 * <p>Families (labels): {@value #STAGE_PACKETS} and {@value #STAGE_BYTES} ({@code eni}, {@code stage},
 * {@code verdict} = accept|reject; the stages are {@link Verdicts#STAGES}); {@value #CONNTRACK_ENTRIES}
 * ({@code eni}); {@value #ALLOWANCE_EXCEEDED} ({@code eni}: packets refused because the ENI's tracked-connection
 * allowance was used up, AWS's {@code conntrack_allowance_exceeded}); {@value #TABLE_FULL} ({@code eni});
 * {@value #CONNTRACK_TABLE_ENTRIES} and {@value #CONNTRACK_TABLE_CAPACITY}. The static helpers write the
 * families the live core counts itself: drops by reason, queue depths per worker, and the ingest-to-verdict
 * latency as a summary.
 *
 * <p>Threads: the workers write their counters plainly, one writer each; a scrape reads them plainly and may see
 * a value slightly stale (a long is never torn on the 64-bit JVMs the dataplane runs on), which is what a
 * scraper expects of counters. An ENI without an id in the current policy (a removed ENI) is not reported.
 */
public final class PipelineMetrics implements MetricsSource {

    public static final String STAGE_PACKETS = "sgemu_stage_packets_total";
    public static final String STAGE_BYTES = "sgemu_stage_bytes_total";
    public static final String CONNTRACK_ENTRIES = "sgemu_conntrack_entries";
    public static final String ALLOWANCE_EXCEEDED = "sgemu_conntrack_allowance_exceeded_total";
    public static final String TABLE_FULL = "sgemu_conntrack_table_full_total";
    public static final String CONNTRACK_TABLE_ENTRIES = "sgemu_conntrack_table_entries";
    public static final String CONNTRACK_TABLE_CAPACITY = "sgemu_conntrack_table_capacity";
    public static final String DROPS = "sgemu_drops_total";
    public static final String QUEUE_DEPTH = "sgemu_worker_queue_depth";
    public static final String LATENCY = "sgemu_ingest_to_verdict_latency_seconds";
    public static final String STREAM_CLIENTS = "sgemu_flow_log_stream_clients";
    public static final String STREAM_LOST = "sgemu_flow_log_stream_lost_records_total";
    public static final String ENI_PACKETS = "sgemu_eni_packets_total";
    /** The {@code outcome} labels of {@value #ENI_PACKETS}, by {@link Verdicts} action. */
    private static final String[] OUTCOMES = {"accepted", "rejected", "skipped"};

    private final Supplier<? extends Policy> policy;
    private final List<StageCounters> workers;
    private final ConnTrackTable table;

    /**
     * @param policy  the current policy (asked once per scrape: a new snapshot renames nothing, ENI numbers stay)
     * @param workers every worker's counters (the list is read at each scrape; give a list that does not change
     *                while scraped, or a concurrent one)
     * @param table   the connection-tracking table, or null when there is none
     */
    public PipelineMetrics(Supplier<? extends Policy> policy, List<StageCounters> workers, ConnTrackTable table) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.workers = Objects.requireNonNull(workers, "workers");
        this.table = table;
    }

    @Override
    public void writeMetrics(MetricsWriter out) {
        Policy p = policy.get();
        int enis = p.eniCount();
        StageCounters[] cs = workers.toArray(new StageCounters[0]);

        // Per ENI: judged = accepted + rejected + skipped (skipped: reserved traffic). Parts read before the
        // total, as the workers write the total first: one scrape never shows judged below its parts (on
        // x86, whose stores stay in order; the counters are plain longs).
        long[] parts = new long[enis * OUTCOMES.length];
        for (int eni = 0; eni < enis; eni++) {
            for (int a = 0; a < OUTCOMES.length; a++) {
                for (StageCounters c : cs) {
                    parts[eni * OUTCOMES.length + a] += c.eniFrames(eni, a);
                }
            }
        }
        out.counter(ENI_PACKETS, "Packets with the ENI at either end: judged, and by outcome (judged = accepted + rejected + skipped).");
        for (int eni = 0; eni < enis; eni++) {
            String id = p.eniId(eni);
            if (id == null) {
                continue;
            }
            long judged = 0;
            for (StageCounters c : cs) {
                judged += c.eniFrames(eni);
            }
            out.sample(judged, "eni", id, "outcome", "judged");
            for (int a = 0; a < OUTCOMES.length; a++) {
                out.sample(parts[eni * OUTCOMES.length + a], "eni", id, "outcome", OUTCOMES[a]);
            }
        }

        out.counter(STAGE_PACKETS, "Packets each stage accepted or rejected, per ENI.");
        perStage(out, p, cs, (c, eni, s, accepted) -> accepted ? c.acceptedPackets(eni, s) : c.rejectedPackets(eni, s));
        out.counter(STAGE_BYTES, "Bytes (IP lengths) each stage accepted or rejected, per ENI.");
        perStage(out, p, cs, (c, eni, s, accepted) -> accepted ? c.acceptedBytes(eni, s) : c.rejectedBytes(eni, s));
        out.counter(ALLOWANCE_EXCEEDED,
                "Packets refused because the ENI's tracked-connection allowance was used up (conntrack_allowance_exceeded).");
        perEni(out, p, cs, StageCounters::allowanceExceeded);
        out.counter(TABLE_FULL, "Packets refused because the connection-tracking table had no free slot, per ENI.");
        perEni(out, p, cs, StageCounters::tableFull);
        if (table != null) {
            out.gauge(CONNTRACK_ENTRIES, "Tracked connections of each ENI.");
            for (int eni = 0; eni < enis; eni++) {
                String id = p.eniId(eni);
                if (id != null) {
                    // an ENI numbered beyond the table's per-ENI counters has none tracked
                    out.sample(eni < table.maxEnis() ? table.entries(eni) : 0, "eni", id);
                }
            }
            out.gauge(CONNTRACK_TABLE_ENTRIES, "Entries in the connection-tracking table.");
            out.sample(table.size());
            out.gauge(CONNTRACK_TABLE_CAPACITY, "Slots of the connection-tracking table.");
            out.sample(table.capacity());
        }
    }

    /**
     * Writes {@value #DROPS}: packets dropped before any stage, per reason.
     *
     * @param reasons the reason texts ({@link Verdicts#REASONS} and any of the live core's own)
     * @param counts  the count per reason, same index
     */
    public static void drops(MetricsWriter out, String[] reasons, long[] counts) {
        if (reasons.length != counts.length) {
            throw new IllegalArgumentException(reasons.length + " reasons but " + counts.length + " counts");
        }
        out.counter(DROPS, "Packets dropped before any stage could judge them, per reason.");
        for (int i = 0; i < reasons.length; i++) {
            out.sample(counts[i], "reason", reasons[i]);
        }
    }

    /** Writes {@value #QUEUE_DEPTH}: packets waiting in each worker's queue (label {@code worker}, 0-based). */
    public static void queueDepths(MetricsWriter out, long[] depths) {
        out.gauge(QUEUE_DEPTH, "Packets waiting in each worker's queue.");
        for (int w = 0; w < depths.length; w++) {
            out.sample(depths[w], "worker", Integer.toString(w));
        }
    }

    /**
     * Writes {@value #LATENCY} as a summary (quantiles 0.5, 0.9, 0.99, 0.999, then _sum and _count), from a
     * histogram of nanoseconds holding every packet since start. A summary, not a histogram with buckets: the
     * HdrHistogram already has the quantiles, exact within its precision, where fixed buckets would only bound them.
     * The caller gives a histogram no worker writes during the scrape (a copy, or an HdrHistogram
     * {@code Recorder}'s interval histograms added into a cumulative one).
     */
    public static void latency(MetricsWriter out, AbstractHistogram nanos) {
        out.summary(LATENCY, "Time from a datagram's arrival to its verdict.");
        out.summary(nanos, 1e-9);
    }

    /**
     * Writes the flow-log stream's families: {@value #STREAM_CLIENTS} (connected now) and {@value #STREAM_LOST}
     * (records clients lost because they read too slowly; each shown to its client as SKIPDATA).
     */
    public static void flowLogStream(MetricsWriter out, FlowLogStreamServer stream) {
        out.gauge(STREAM_CLIENTS, "Clients connected to the flow-log stream.");
        out.sample(stream.clientCount());
        out.counter(STREAM_LOST, "Flow-log records the stream's clients lost by reading too slowly, summed over clients.");
        out.sample(stream.lostRecords());
    }

    /** One count of one worker's counters, for an ENI and a stage, accepted or rejected. */
    private interface StageCount {
        long of(StageCounters c, int eni, int stage, boolean accepted);
    }

    /** One count of one worker's counters, for an ENI. */
    private interface EniCount {
        long of(StageCounters c, int eni);
    }

    /** A sample per ENI, stage and verdict: the count summed over the workers. */
    private static void perStage(MetricsWriter out, Policy p, StageCounters[] cs, StageCount count) {
        for (int eni = 0; eni < p.eniCount(); eni++) {
            String id = p.eniId(eni);
            if (id == null) {
                continue;
            }
            for (int s = 0; s < Verdicts.STAGE_COUNT; s++) {
                for (boolean accepted : new boolean[] {true, false}) {
                    long n = 0;
                    for (StageCounters c : cs) {
                        n += count.of(c, eni, s, accepted);
                    }
                    out.sample(n, "eni", id, "stage", Verdicts.STAGES[s], "verdict", accepted ? "accept" : "reject");
                }
            }
        }
    }

    /** A sample per ENI: the count summed over the workers. */
    private static void perEni(MetricsWriter out, Policy p, StageCounters[] cs, EniCount count) {
        for (int eni = 0; eni < p.eniCount(); eni++) {
            String id = p.eniId(eni);
            if (id != null) {
                long n = 0;
                for (StageCounters c : cs) {
                    n += count.of(c, eni);
                }
                out.sample(n, "eni", id);
            }
        }
    }
}
