package io.sgemu.control.api;

import io.sgemu.dataplane.flowlog.FlowLogStreamServer;
import io.sgemu.dataplane.io.LiveCounters;
import io.sgemu.dataplane.io.LiveDataplane;
import java.util.Objects;

/**
 * The metrics of {@code sgemu serve}: the pipeline's per-ENI families ({@link PipelineMetrics} over every
 * worker's stage counters and the connection-tracking table), then what the live core counts itself:
 * <ul>
 *   <li>{@value #RECEIVED} (datagrams read), {@value #JUDGED}, {@value #VERDICTS} ({@code verdict} =
 *       accept|reject|skip), {@value #FORWARDED}, {@value #DISCARDED} ({@code --discard});</li>
 *   <li>{@value PipelineMetrics#DROPS} ({@code reason}: malformed-vxlan, malformed-geneve, malformed, not-ip,
 *       unknown-vni, queue-full, too-large, no-endpoint, send-backlog), {@value #SKIPPED} ({@code reason}:
 *       no-eni, reserved-address), {@value #ENDPOINT_MOVES}, {@value #ENDPOINT_TABLE_FULL}, {@value #IO_ERRORS};</li>
 *   <li>{@value #QUEUE_BYTES} ({@code worker}): bytes waiting in each worker's ring (a datagram takes its
 *       length plus 48 bytes of headers, rounded up to 8);</li>
 *   <li>{@value PipelineMetrics#LATENCY}: a summary of the time from a datagram's receipt to its verdict;</li>
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
    public static final String SKIPPED = "sgemu_skipped_packets_total";
    public static final String ENDPOINT_MOVES = "sgemu_endpoint_moves_total";
    public static final String ENDPOINT_TABLE_FULL = "sgemu_endpoint_table_full_total";
    public static final String IO_ERRORS = "sgemu_io_errors_total";
    public static final String QUEUE_BYTES = "sgemu_worker_queue_bytes";

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

    @Override
    public void writeMetrics(MetricsWriter out) {
        pipeline.writeMetrics(out);
        LiveCounters c = live.counters();
        out.counter(RECEIVED, "Datagrams read from the listeners.");
        out.sample(c.get(LiveCounters.RECEIVED));
        out.counter(JUDGED, "Packets judged by the workers.");
        out.sample(c.get(LiveCounters.JUDGED));
        out.counter(VERDICTS, "Judged packets by verdict (skip: traffic of no ENI, or to reserved addresses).");
        out.sample(c.get(LiveCounters.ACCEPTED), "verdict", "accept");
        out.sample(c.get(LiveCounters.REJECTED), "verdict", "reject");
        out.sample(c.get(LiveCounters.SKIPPED), "verdict", "skip");
        out.counter(FORWARDED, "Accepted packets sent on to a tunnel endpoint.");
        out.sample(c.get(LiveCounters.FORWARDED));
        out.counter(DISCARDED, "Datagrams dropped unread (--discard).");
        out.sample(c.get(LiveCounters.DISCARDED));
        String[] reasons = new String[DROP_COUNTERS.length];
        long[] counts = new long[DROP_COUNTERS.length];
        for (int i = 0; i < DROP_COUNTERS.length; i++) {
            reasons[i] = dropReason(DROP_COUNTERS[i]);
            counts[i] = c.get(DROP_COUNTERS[i]);
        }
        PipelineMetrics.drops(out, reasons, counts);
        out.counter(SKIPPED, "Packets judged but neither accepted nor rejected, per reason.");
        out.sample(c.get(LiveCounters.SKIPPED_NO_ENI), "reason", "no-eni");
        out.sample(c.get(LiveCounters.SKIPPED_RESERVED), "reason", "reserved-address");
        out.counter(ENDPOINT_MOVES, "ENIs seen behind another tunnel endpoint than the one learned before.");
        out.sample(c.get(LiveCounters.ENDPOINT_MOVES));
        out.counter(ENDPOINT_TABLE_FULL, "Source endpoints not learned because the endpoint table was full.");
        out.sample(c.get(LiveCounters.ENDPOINT_TABLE_FULL));
        out.counter(IO_ERRORS, "Errors the listeners' sockets reported (failed sends, read errors).");
        out.sample(c.get(LiveCounters.IO_ERRORS));
        out.gauge(QUEUE_BYTES, "Bytes of datagrams waiting in each worker's queue.");
        long[] queues = live.queueBytes();
        for (int w = 0; w < queues.length; w++) {
            out.sample(queues[w], "worker", Integer.toString(w));
        }
        PipelineMetrics.latency(out, live.latency().cumulative());
        if (stream != null) {
            PipelineMetrics.flowLogStream(out, stream);
        }
    }
}
