package io.sgemu.dataplane.flowlog;

import io.sgemu.dataplane.flowlog.FlowLogRecord.Action;
import io.sgemu.dataplane.flowlog.FlowLogRecord.FlowDirection;
import io.sgemu.dataplane.flowlog.FlowLogRecord.LogStatus;
import io.sgemu.dataplane.flowlog.FlowLogRecord.TrafficType;
import io.sgemu.dataplane.net.IpAddress;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import static io.sgemu.dataplane.flowlog.FlowLogMessages.*;

/**
 * The one writer of flow-log records: reads the workers' messages ({@link FlowLogMessages}) from the ring,
 * builds {@link FlowLogRecord}s, holds each interval's records until every registered worker's watermark has
 * passed the interval's end, then gives them to the sink in the reference's order (interface-id, then start,
 * then first sequence, as {@link FlowLogAggregator} orders one interval) and calls
 * {@link FlowLogSink#intervalClosed}. Intervals close in time order.
 *
 * <p>ENI metadata ({@link FlowLogEnis}), traffic paths and AWS services are asked here, once per record, with
 * the same answers the reference would get when the record's key is first seen (the resolvers are functions of
 * their arguments). SKIPDATA: the workers' {@link FlowLogMessages#SKIP} shares of an ENI and interval (capacity
 * losses, records the full ring did not take) merge into one SKIPDATA record (start: earliest lost second, end:
 * latest, ordered by the earliest lost sequence). NODATA, when asked for, works as in the reference: from the
 * first interval with any record, each listed ENI without a record in an interval gets one, up to the interval
 * that held the latest worker's clock at the end.
 *
 * <p>Runs on its own thread under an {@code AgentRunner} with an idle strategy, or is driven by {@link #doWork()}.
 * The sink is called on that thread only. The ring orders the hand-off (the writer reads each message's length
 * with an acquire load, pairing with the worker's release store in {@code commit}). {@link #isDone()} is a
 * volatile field: a release store on the writer's thread, an acquire load on any other. The counters are plain
 * fields: read them on the writer's thread or after it has stopped ({@code AgentRunner.close()} joins it).
 */
public final class FlowLogWriterAgent implements Agent {

    private static final long NONE = Long.MIN_VALUE;
    private static final Comparator<Pending> EMISSION_ORDER =
            Comparator.comparing(Pending::interfaceId, Comparator.nullsFirst(Comparator.naturalOrder()))
                    .thenComparingLong(Pending::start)
                    .thenComparingLong(Pending::sequence);

    private final RingBuffer ring;
    private final FlowLogSink sink;
    private final int intervalSeconds;
    private final FlowLogEnis enis;
    private final TrafficPathResolver trafficPaths;
    private final AwsServiceResolver awsServices;
    private final int[] noDataEnis;
    private final int readLimit;
    private final MessageHandler handler = this::onMessage;

    private final long[] watermarks;
    private final boolean[] finished;
    private int finishedWorkers;
    /** The latest start of the interval that held a worker's clock when it finished. */
    private long finalOpenStart = NONE;
    private boolean watermarksMoved;
    /** Intervals ending at or before this have been given to the sink. */
    private long closedBefore = NONE;
    /** With NODATA: the next interval to close, counted from the first interval with content. */
    private long nextNoDataStart = NONE;

    private final TreeMap<Long, Interval> intervals = new TreeMap<>();

    private volatile boolean done;

    private long okRecords;
    private long skipDataRecords;
    private long noDataRecords;
    private long intervalsClosed;
    private long ringLostRecords;
    private long ringLostPackets;
    private long capacityLostObservations;

    private FlowLogWriterAgent(Builder b) {
        if (b.anyInterval ? b.intervalSeconds < 1
                : b.intervalSeconds != FlowLogAggregator.ONE_MINUTE && b.intervalSeconds != FlowLogAggregator.TEN_MINUTES) {
            throw new IllegalArgumentException("the flow-log aggregation interval is 60 or 600 seconds (as AWS offers),"
                    + " not " + b.intervalSeconds);
        }
        if (b.workers < 1) {
            throw new IllegalArgumentException("the flow-log writer needs at least one worker: " + b.workers);
        }
        this.ring = b.ring;
        this.sink = b.sink;
        this.intervalSeconds = b.intervalSeconds;
        this.enis = Objects.requireNonNull(b.enis, "the writer needs the ENIs (FlowLogEnis) to build records");
        this.trafficPaths = Objects.requireNonNull(b.trafficPaths, "trafficPaths");
        this.awsServices = Objects.requireNonNull(b.awsServices, "awsServices");
        this.noDataEnis = b.noDataEnis.clone();
        this.readLimit = b.readLimit;
        this.watermarks = new long[b.workers];
        Arrays.fill(watermarks, NONE);
        this.finished = new boolean[b.workers];
    }

    /** A writer for {@code workers} workers, numbered {@code 0..workers-1}, that all write to {@code ring}. */
    public static Builder builder(RingBuffer ring, int workers, FlowLogSink sink) {
        return new Builder(ring, workers, sink);
    }

    @Override
    public String roleName() {
        return "flow-log-writer";
    }

    /** Reads what the ring holds (up to the read limit) and closes every interval all workers have passed. */
    @Override
    public int doWork() {
        int work = ring.read(handler, readLimit);
        if (watermarksMoved) {
            watermarksMoved = false;
            work += release();
        }
        return work;
    }

    /** True once every worker has finished and every record has gone to the sink. */
    public boolean isDone() {
        return done; // volatile read (acquire)
    }

    private void onMessage(int type, MutableDirectBuffer b, int i, int length) {
        switch (type) {
            case RECORD -> onRecord(b, i);
            case SKIP -> onSkip(b, i);
            case WATERMARK -> {
                int w = worker(b.getInt(i + W_WORKER));
                watermarks[w] = Math.max(watermarks[w], b.getLong(i + W_TIME));
                watermarksMoved = true;
            }
            case FINISHED -> {
                int w = worker(b.getInt(i + W_WORKER));
                if (!finished[w]) {
                    finished[w] = true;
                    finishedWorkers++;
                }
                watermarks[w] = Long.MAX_VALUE;
                finalOpenStart = Math.max(finalOpenStart, b.getLong(i + W_TIME));
                watermarksMoved = true;
            }
            default -> throw new IllegalStateException("unknown flow-log message type " + type + " in the ring");
        }
    }

    private int worker(int w) {
        if (w < 0 || w >= watermarks.length) {
            throw new IllegalStateException("flow-log message from worker " + w + ", but the writer knows workers 0.."
                    + (watermarks.length - 1));
        }
        return w;
    }

    private Interval interval(long start, int w) {
        if (start + intervalSeconds <= closedBefore) {
            throw new IllegalStateException("worker " + w + " sent flow-log data of the interval starting at " + start
                    + ", which all workers had already passed");
        }
        Interval iv = intervals.get(start);
        if (iv == null) {
            iv = new Interval();
            intervals.put(start, iv);
        }
        return iv;
    }

    private void onRecord(MutableDirectBuffer b, int i) {
        int w = worker(b.getInt(i + R_WORKER));
        int eniNumber = b.getInt(i + R_ENI);
        FlowLogEni eni = enis.flowLogEni(eniNumber);
        int family = b.getByte(i + R_FAMILY);
        IpAddress src = new IpAddress(family, b.getLong(i + R_SRC_HI), b.getLong(i + R_SRC_LO));
        IpAddress dst = new IpAddress(family, b.getLong(i + R_DST_HI), b.getLong(i + R_DST_LO));
        IpAddress pktSrc = new IpAddress(family, b.getLong(i + R_PKT_SRC_HI), b.getLong(i + R_PKT_SRC_LO));
        IpAddress pktDst = new IpAddress(family, b.getLong(i + R_PKT_DST_HI), b.getLong(i + R_PKT_DST_LO));
        int bits = b.getByte(i + R_DIRECTION_ACTION);
        boolean ingress = (bits & INGRESS_BIT) != 0;
        long start = b.getLong(i + R_START);
        FlowLogRecord r = FlowLogRecord.builder()
                .eni(eni)
                .srcaddr(src)
                .dstaddr(dst)
                .srcport(b.getShort(i + R_SRC_PORT) & 0xFFFF)
                .dstport(b.getShort(i + R_DST_PORT) & 0xFFFF)
                .protocol(b.getByte(i + R_PROTOCOL) & 0xFF)
                .packets(b.getLong(i + R_PACKETS))
                .bytes(b.getLong(i + R_BYTES))
                .start(start)
                .end(b.getLong(i + R_END))
                .action((bits & ACCEPT_BIT) != 0 ? Action.ACCEPT : Action.REJECT)
                .logStatus(LogStatus.OK)
                .tcpFlags(b.getByte(i + R_TCP_FLAGS) & 0xFF)
                .type(TrafficType.of(src))
                .pktSrcaddr(pktSrc)
                .pktDstaddr(pktDst)
                .pktSrcAwsService(awsServices.serviceOf(pktSrc))
                .pktDstAwsService(awsServices.serviceOf(pktDst))
                .flowDirection(ingress ? FlowDirection.INGRESS : FlowDirection.EGRESS)
                .trafficPath(ingress ? FlowLogRecord.ABSENT : trafficPaths.trafficPath(eni, pktSrc, pktDst))
                .build();
        interval(b.getLong(i + R_INTERVAL_START), w).records
                .add(new Pending(interfaceIdOf(eni), start, b.getLong(i + R_FIRST_SEQUENCE), eniNumber, r));
    }

    private void onSkip(MutableDirectBuffer b, int i) {
        int w = worker(b.getInt(i + S_WORKER));
        Interval iv = interval(b.getLong(i + S_INTERVAL_START), w);
        Skip s = iv.skips.computeIfAbsent(b.getInt(i + S_ENI), k -> new Skip());
        s.first = Math.min(s.first, b.getLong(i + S_FIRST_SECOND));
        s.last = Math.max(s.last, b.getLong(i + S_LAST_SECOND));
        s.sequence = Math.min(s.sequence, b.getLong(i + S_FIRST_SEQUENCE));
        long capacityLost = b.getLong(i + S_CAPACITY_LOST_OBSERVATIONS);
        long lostRecords = b.getLong(i + S_RING_LOST_RECORDS);
        long lostPackets = b.getLong(i + S_RING_LOST_PACKETS);
        capacityLostObservations += capacityLost;
        ringLostRecords += lostRecords;
        ringLostPackets += lostPackets;
    }

    /** Closes the intervals every worker has passed; answers how many. */
    private int release() {
        boolean allFinished = finishedWorkers == watermarks.length;
        long low = Long.MAX_VALUE;
        for (long w : watermarks) {
            low = Math.min(low, w);
        }
        int closed = 0;
        if (noDataEnis.length == 0) {
            while (!intervals.isEmpty() && (allFinished || intervals.firstKey() + intervalSeconds <= low)) {
                Map.Entry<Long, Interval> e = intervals.pollFirstEntry();
                close(e.getKey(), e.getValue());
                closed++;
            }
        } else {
            long bound = allFinished ? (finalOpenStart == NONE ? NONE : finalOpenStart + intervalSeconds) : low;
            // The first interval with content is known only once it can close: a worker behind the others may
            // still send content of an earlier interval until then.
            if (nextNoDataStart == NONE && !intervals.isEmpty() && intervals.firstKey() + intervalSeconds <= bound) {
                nextNoDataStart = intervals.firstKey();
            }
            while (nextNoDataStart != NONE && nextNoDataStart + intervalSeconds <= bound) {
                close(nextNoDataStart, intervals.remove(nextNoDataStart));
                nextNoDataStart += intervalSeconds;
                closed++;
            }
        }
        closedBefore = Math.max(closedBefore, low);
        if (allFinished) {
            intervals.clear(); // nothing can be there: content lies before each worker's final interval's end
            done = true; // volatile write (release): the sink has heard everything
        }
        return closed;
    }

    private void close(long start, Interval iv) {
        List<Pending> pending = iv == null ? new ArrayList<>() : iv.records;
        Set<Integer> logged = noDataEnis.length == 0 ? Set.of() : new HashSet<>();
        for (Pending p : pending) {
            if (noDataEnis.length != 0) {
                logged.add(p.eni());
            }
        }
        okRecords += pending.size();
        if (iv != null) {
            for (Map.Entry<Integer, Skip> e : iv.skips.entrySet()) {
                Skip s = e.getValue();
                FlowLogEni eni = enis.flowLogEni(e.getKey());
                pending.add(new Pending(interfaceIdOf(eni), s.first, s.sequence, e.getKey(),
                        FlowLogRecord.status(eni, LogStatus.SKIPDATA, s.first, s.last)));
                if (noDataEnis.length != 0) {
                    logged.add(e.getKey());
                }
                skipDataRecords++;
            }
        }
        long end = start + intervalSeconds;
        for (int k = 0; k < noDataEnis.length; k++) {
            int n = noDataEnis[k];
            if (!logged.contains(n)) {
                FlowLogEni eni = enis.flowLogEni(n);
                // after every real sequence, in the order the ENIs were listed (as the reference numbers them)
                pending.add(new Pending(interfaceIdOf(eni), start, Long.MAX_VALUE - noDataEnis.length + k, n,
                        FlowLogRecord.status(eni, LogStatus.NODATA, start, end - 1)));
                noDataRecords++;
            }
        }
        pending.sort(EMISSION_ORDER);
        for (Pending p : pending) {
            sink.accept(p.record());
        }
        sink.intervalClosed(end);
        intervalsClosed++;
    }

    private static String interfaceIdOf(FlowLogEni eni) {
        return eni == null ? null : eni.interfaceId();
    }

    public int intervalSeconds() {
        return intervalSeconds;
    }

    /** OK records given to the sink. */
    public long okRecords() {
        return okRecords;
    }

    public long skipDataRecords() {
        return skipDataRecords;
    }

    public long noDataRecords() {
        return noDataRecords;
    }

    public long intervalsClosed() {
        return intervalsClosed;
    }

    /** Records the workers could not write because the ring was full (each shown in a SKIPDATA record). */
    public long ringLostRecords() {
        return ringLostRecords;
    }

    /** Packets of those records. */
    public long ringLostPackets() {
        return ringLostPackets;
    }

    /** Observations the workers' capacity turned away (each shown in a SKIPDATA record). */
    public long capacityLostObservations() {
        return capacityLostObservations;
    }

    /** One record waiting for its interval to close, with what it is sorted by. */
    private record Pending(String interfaceId, long start, long sequence, int eni, FlowLogRecord record) {
    }

    /** An interval's records and losses, as they arrive from the workers. */
    private static final class Interval {
        final List<Pending> records = new ArrayList<>();
        final Map<Integer, Skip> skips = new HashMap<>();
    }

    /** The merged losses of one ENI in one interval. */
    private static final class Skip {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long sequence = Long.MAX_VALUE;
    }

    /** Options of the writer; the ring, the worker count, the sink and the ENIs are required. */
    public static final class Builder {
        private final RingBuffer ring;
        private final int workers;
        private final FlowLogSink sink;
        private int intervalSeconds = FlowLogAggregator.TEN_MINUTES;
        private boolean anyInterval;
        private FlowLogEnis enis;
        private TrafficPathResolver trafficPaths = TrafficPathResolver.UNKNOWN;
        private AwsServiceResolver awsServices = AwsServiceResolver.NONE;
        private int[] noDataEnis = new int[0];
        private int readLimit = 4096;

        private Builder(RingBuffer ring, int workers, FlowLogSink sink) {
            this.ring = Objects.requireNonNull(ring, "ring");
            this.workers = workers;
            this.sink = Objects.requireNonNull(sink, "sink");
        }

        /** 60 or 600, as the workers'. */
        public Builder intervalSeconds(int v) {
            intervalSeconds = v;
            return this;
        }

        /**
         * Any interval of at least one second: for tests and demos of live serving, where waiting a minute for
         * records is too long (AWS offers only 60 and 600). Workers and writer must agree on it.
         */
        public Builder anyIntervalSeconds(int v) {
            intervalSeconds = v;
            anyInterval = true;
            return this;
        }

        public Builder enis(FlowLogEnis v) {
            enis = v;
            return this;
        }

        public Builder trafficPaths(TrafficPathResolver v) {
            trafficPaths = v;
            return this;
        }

        public Builder awsServices(AwsServiceResolver v) {
            awsServices = v;
            return this;
        }

        /** Emit NODATA records for these ENI numbers in intervals where they log nothing (off by default). */
        public Builder noDataFor(int... eniNumbers) {
            noDataEnis = eniNumbers.clone();
            return this;
        }

        /** Messages read per {@link #doWork()} at most. */
        public Builder readLimit(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("readLimit must be at least 1: " + v);
            }
            readLimit = v;
            return this;
        }

        public FlowLogWriterAgent build() {
            return new FlowLogWriterAgent(this);
        }
    }
}
