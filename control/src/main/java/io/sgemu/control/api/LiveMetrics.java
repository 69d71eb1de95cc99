package io.sgemu.control.api;

import io.sgemu.dataplane.flowlog.FlowLogStreamServer;
import io.sgemu.dataplane.flowlog.FlowLogWriterAgent;
import io.sgemu.dataplane.io.LiveCounters;
import io.sgemu.dataplane.io.LiveDataplane;
import io.sgemu.dataplane.pipeline.Verdicts;
import java.util.List;
import java.util.Objects;

/**
 * The metrics of {@code sgemu serve}: the pipeline's per-ENI families ({@link PipelineMetrics} over every
 * worker's stage counters and the connection-tracking table), then what the live core counts itself:
 * <ul>
 *   <li>{@value #RECEIVED} (datagrams read), {@value #JUDGED}, {@value #VERDICTS} ({@code verdict} =
 *       accept|reject|skip), {@value #FORWARDED}, {@value #DISCARDED} ({@code --discard});</li>
 *   <li>{@value #SOCKET_DROPS}: datagrams the kernel dropped on the listeners' sockets, never read, so not in
 *       {@value #RECEIVED} (Linux; from /proc, see {@link io.sgemu.dataplane.io.KernelSocketDrops}): what a
 *       sender sent is {@value #RECEIVED} plus these;</li>
 *   <li>{@value PipelineMetrics#DROPS} ({@code reason}: malformed-vxlan, malformed-geneve, malformed, not-ip,
 *       unknown-vni, queue-full, too-large, no-endpoint, send-backlog), {@value #SKIPPED} ({@code reason}:
 *       no-eni, reserved-address), {@value #ENDPOINT_MOVES}, {@value #ENDPOINT_TABLE_FULL}, {@value #IO_ERRORS};</li>
 *   <li>{@value #QUEUE_BYTES} ({@code worker}): bytes waiting in each worker's ring (a datagram takes its
 *       length plus 48 bytes of headers, rounded up to 8);</li>
 *   <li>{@value PipelineMetrics#LATENCY}: a summary of the time from a datagram's receipt to its verdict;</li>
 *   <li>with flow logs, {@value #FLOW_LOG_RECORDS} ({@code status} = OK|SKIPDATA), {@value #FLOW_LOG_LOST_PACKETS}
 *       ({@code cause} = slow-writer|capacity) and {@value #FLOW_LOG_LOST_RECORDS};</li>
 *   <li>with a flow-log stream, its client and loss families.</li>
 * </ul>
 *
 * <p>Threads: a scrape runs on the admin server's thread while the dataplane runs. The live counters are read
 * with volatile loads ({@link LiveCounters}); the stage counters are plain longs each written by one worker and
 * read racily (a moment stale, never torn on a 64-bit JVM); the ring sizes are volatile loads of the rings'
 * head and tail; the latency histogram is swapped out of each worker's recorder through its phaser
 * ({@link io.sgemu.dataplane.io.IngestLatency}). Counts read in one scrape are not one instant's: a packet
 * may show as received and not yet as judged.
 */
public final class LiveMetrics implements MetricsSource {

    public static final String RECEIVED = "sgemu_received_datagrams_total";
    public static final String JUDGED = "sgemu_judged_packets_total";
    public static final String VERDICTS = "sgemu_verdicts_total";
    public static final String FORWARDED = "sgemu_forwarded_packets_total";
    public static final String DISCARDED = "sgemu_discarded_datagrams_total";
    public static final String SOCKET_DROPS = "sgemu_socket_drops_total";
    public static final String SKIPPED = "sgemu_skipped_packets_total";
    public static final String ENDPOINT_MOVES = "sgemu_endpoint_moves_total";
    public static final String ENDPOINT_TABLE_FULL = "sgemu_endpoint_table_full_total";
    public static final String IO_ERRORS = "sgemu_io_errors_total";
    public static final String QUEUE_BYTES = "sgemu_worker_queue_bytes";
    public static final String REJECTED = "sgemu_rejected_packets_total";
    public static final String FLOW_LOG_RECORDS = "sgemu_flow_log_records_total";
    public static final String FLOW_LOG_LOST_PACKETS = "sgemu_flow_log_lost_packets_total";
    public static final String FLOW_LOG_LOST_RECORDS = "sgemu_flow_log_lost_records_total";

    /**
     * The drops of datagrams before any worker judged them (the reasons of {@value PipelineMetrics#DROPS} that
     * are in the identity {@code received = judged + discarded + these}; no-endpoint and send-backlog count
     * accepted packets that could not be forwarded).
     */
    public static final List<String> DROPS_BEFORE_JUDGING = List.of("malformed-vxlan", "malformed-geneve", "malformed",
            "not-ip", "unknown-vni", "queue-full", "too-large");

    /** The live counters reported as drops, and their reason labels. */
    private static final int[] DROP_COUNTERS = {
        LiveCounters.DROPPED_MALFORMED_VXLAN, LiveCounters.DROPPED_MALFORMED_GENEVE, LiveCounters.DROPPED_MALFORMED,
        LiveCounters.DROPPED_NOT_IP, LiveCounters.DROPPED_UNKNOWN_VNI, LiveCounters.DROPPED_QUEUE_FULL,
        LiveCounters.DROPPED_TOO_LARGE, LiveCounters.DROPPED_NO_ENDPOINT, LiveCounters.DROPPED_SEND_BACKLOG};

    private final LiveDataplane live;
    private final PipelineMetrics pipeline;
    private final FlowLogStreamServer stream;

    /** @param stream the flow-log stream, or null */
    public LiveMetrics(LiveDataplane live, FlowLogStreamServer stream) {
        this.live = Objects.requireNonNull(live, "live");
        this.pipeline = new PipelineMetrics(live::policy, live.workerStageCounters(), live.conntrack());
        this.stream = stream;
    }

    /** The reason label of a drop counter: its name without {@code dropped.}. */
    public static String dropReason(int counter) {
        return LiveCounters.name(counter).substring("dropped.".length());
    }

    /**
     * Reads the counters parts first, totals last, so that one scrape can be checked on its own (see
     * {@link LiveCounters}): the workers count a total before its parts, the receiver counts a datagram
     * received before it drops it or hands it on. What a scraper may rely on, from any single scrape:
     * <pre>
     *   {@value #JUDGED} &gt;= sum of {@value #VERDICTS}
     *   {@value #VERDICTS}{verdict="reject"} &gt;= sum of {@value #REJECTED}
     *   {@value #VERDICTS}{verdict="skip"} &gt;= sum of {@value #SKIPPED}
     *   {@value #RECEIVED} &gt;= {@value #JUDGED} + {@value #DISCARDED} + the drops before judging
     *                                             ({@link #DROPS_BEFORE_JUDGING})
     * </pre>
     * with equality once traffic has stopped and the queues are empty. The per-ENI stage families are
     * written by the workers plainly, while judging (after {@code judged}, before the verdict totals): they
     * are read between the verdicts and {@code judged}, so, on hardware that keeps stores in order (x86),
     * every verdict a scrape shows has its stage counts in it, and no stage count is missing its
     * {@code judged}; elsewhere they may be a moment stale.
     */
    @Override
    public void writeMetrics(MetricsWriter out) {
        LiveCounters c = live.counters();
        // Parts first: reasons and stages, then the verdict totals.
        long[] v = new long[LiveCounters.COUNT];
        for (int s = 0; s < Verdicts.STAGE_COUNT; s++) {
            v[LiveCounters.REJECTED_AT + s] = c.get(LiveCounters.REJECTED_AT + s);
        }
        for (int i : new int[] {LiveCounters.REJECTED_BEFORE_STAGES, LiveCounters.SKIPPED_NO_ENI,
            LiveCounters.SKIPPED_RESERVED, LiveCounters.SKIPPED_OTHER, LiveCounters.FORWARDED,
            LiveCounters.DROPPED_NO_ENDPOINT, LiveCounters.DROPPED_SEND_BACKLOG,
            LiveCounters.ACCEPTED, LiveCounters.REJECTED, LiveCounters.SKIPPED}) {
            v[i] = c.get(i);
        }
        pipeline.writeMetrics(out);
        // Then judged, then what the receivers count, received last.
        v[LiveCounters.JUDGED] = c.get(LiveCounters.JUDGED);
        for (int i : DROP_COUNTERS) {
            v[i] = c.get(i);
        }
        for (int i : new int[] {LiveCounters.DISCARDED, LiveCounters.ENDPOINT_MOVES, LiveCounters.ENDPOINT_TABLE_FULL,
            LiveCounters.IO_ERRORS}) {
            v[i] = c.get(i);
        }
        v[LiveCounters.RECEIVED] = c.get(LiveCounters.RECEIVED);

        out.counter(RECEIVED, "Datagrams read from the listeners.");
        out.sample(v[LiveCounters.RECEIVED]);
        out.counter(JUDGED, "Packets judged by the workers.");
        out.sample(v[LiveCounters.JUDGED]);
        out.counter(VERDICTS, "Judged packets by verdict (skip: traffic of no ENI, or to reserved addresses).");
        out.sample(v[LiveCounters.ACCEPTED], "verdict", "accept");
        out.sample(v[LiveCounters.REJECTED], "verdict", "reject");
        out.sample(v[LiveCounters.SKIPPED], "verdict", "skip");
        out.counter(REJECTED, "Rejected packets by the stage that rejected them (or fragment-without-first).");
        for (int s = 0; s < Verdicts.STAGE_COUNT; s++) {
            out.sample(v[LiveCounters.REJECTED_AT + s], "stage", Verdicts.STAGES[s]);
        }
        out.sample(v[LiveCounters.REJECTED_BEFORE_STAGES], "stage", Verdicts.REASONS[Verdicts.FRAGMENT_WITHOUT_FIRST]);
        out.counter(FORWARDED, "Accepted packets sent on to a tunnel endpoint.");
        out.sample(v[LiveCounters.FORWARDED]);
        out.counter(DISCARDED, "Datagrams dropped unread (--discard).");
        out.sample(v[LiveCounters.DISCARDED]);
        long kernelDrops = live.kernelSocketDrops();
        if (kernelDrops >= 0) {
            out.counter(SOCKET_DROPS, "Datagrams the kernel dropped on the listeners' sockets before they were read "
                    + "(receive buffer full); not in " + RECEIVED + ". Linux only.");
            out.sample(kernelDrops);
        }
        String[] reasons = new String[DROP_COUNTERS.length];
        long[] counts = new long[DROP_COUNTERS.length];
        for (int i = 0; i < DROP_COUNTERS.length; i++) {
            reasons[i] = dropReason(DROP_COUNTERS[i]);
            counts[i] = v[DROP_COUNTERS[i]];
        }
        PipelineMetrics.drops(out, reasons, counts);
        out.counter(SKIPPED, "Packets judged but neither accepted nor rejected, per reason.");
        out.sample(v[LiveCounters.SKIPPED_NO_ENI], "reason", "no-eni");
        out.sample(v[LiveCounters.SKIPPED_RESERVED], "reason", "reserved-address");
        out.sample(v[LiveCounters.SKIPPED_OTHER], "reason", "other");
        out.counter(ENDPOINT_MOVES, "ENIs seen behind another tunnel endpoint than the one learned before.");
        out.sample(v[LiveCounters.ENDPOINT_MOVES]);
        out.counter(ENDPOINT_TABLE_FULL, "Source endpoints not learned because the endpoint table was full.");
        out.sample(v[LiveCounters.ENDPOINT_TABLE_FULL]);
        out.counter(IO_ERRORS, "Errors the listeners' sockets reported (failed sends, read errors).");
        out.sample(v[LiveCounters.IO_ERRORS]);
        out.gauge(QUEUE_BYTES, "Bytes of datagrams waiting in each worker's queue.");
        long[] queues = live.queueBytes();
        for (int w = 0; w < queues.length; w++) {
            out.sample(queues[w], "worker", Integer.toString(w));
        }
        PipelineMetrics.latency(out, live.latency().cumulative());
        FlowLogWriterAgent writer = live.flowLogWriter();
        if (writer != null) {
            // Never silent (SEMANTICS.md section 6): what the flow logs lost, behind their SKIPDATA records.
            out.counter(FLOW_LOG_RECORDS, "Flow-log records written, by log-status.");
            out.sample(writer.okRecords(), "status", "OK");
            out.sample(writer.skipDataRecords(), "status", "SKIPDATA");
            out.counter(FLOW_LOG_LOST_PACKETS, "Packets in no flow-log record, by cause (each shown by a SKIPDATA record).");
            out.sample(writer.ringLostPackets(), "cause", "slow-writer");
            out.sample(writer.capacityLostObservations(), "cause", "capacity");
            out.counter(FLOW_LOG_LOST_RECORDS, "Flow-log records lost because the writer (or its sink) was too slow.");
            out.sample(writer.ringLostRecords());
        }
        if (stream != null) {
            PipelineMetrics.flowLogStream(out, stream);
        }
    }
}
