package io.sgemu.dataplane.flowlog;

import io.sgemu.dataplane.flowlog.FlowLogRecord.Action;
import io.sgemu.dataplane.flowlog.FlowLogRecord.FlowDirection;
import io.sgemu.dataplane.flowlog.FlowLogRecord.LogStatus;
import io.sgemu.dataplane.flowlog.FlowLogRecord.TrafficType;
import io.sgemu.dataplane.net.IpAddress;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Aggregates per-packet {@link FlowObservation}s into flow-log records (SEMANTICS.md section 6).
 *
 * <h2>What a record is</h2>
 * One record per key and aggregation interval, where the key is the logging ENI, the flow direction, the
 * action, the direction-specific 5-tuple as logged (srcaddr, dstaddr, srcport, dstport, protocol) and the
 * packet addresses (pkt-srcaddr, pkt-dstaddr). The direction and the packet addresses are part of the key so
 * that a record never misstates them: a packet an ENI sends to itself is one egress and one ingress record,
 * and traffic to two addresses of one ENI that both log as its primary address stays two records when the
 * packets' addresses differ. Ports are taken as given (0 for ICMP). A record sums packets and bytes (the
 * observation's L3 length); {@code start}/{@code end} are the Unix seconds of its first and last packet;
 * {@code tcp-flags} ORs FIN=1, SYN=2, RST=4 over its TCP packets, a SYN-ACK packet adding ACK=16 (so it shows
 * as 18) and ACK without SYN adding nothing; other protocols show 0.
 *
 * <h2>Time</h2>
 * The clock is the observations' capture time ({@link FlowObservation#timeNanos()}) and whatever
 * {@link #advanceTo} says, whichever is later: it never goes back. An observation stamped earlier than the
 * clock (captures merged slightly out of order) is counted in {@link #lateObservations()} and taken as
 * happening at the clock's time, so that a closed interval is never reopened. Intervals are
 * {@code [k * interval, (k + 1) * interval)} in Unix seconds (<b>Decision</b>: aligned to multiples of the
 * interval). Since the clock is monotonic, one interval is open at a time; it is emitted when the clock
 * reaches its end, and the last one by {@link #finish()}.
 *
 * <h2>Emission order</h2>
 * The records of an interval are sorted by interface-id, then start, then the order in which their keys
 * were first seen in the interval; then the sink hears {@link FlowLogSink#intervalClosed} with the
 * interval's end. The same input gives the same output.
 *
 * <h2>Capacity</h2>
 * At most {@code maxRecordsPerInterval} keys per interval. An observation of a new key beyond that is lost,
 * but never silently: it is counted in {@link #lostObservations()} and its ENI gets one {@code SKIPDATA}
 * record for the interval (start/end: the seconds of the first and last lost observation; the flow fields
 * {@code -}, as AWS prints SKIPDATA). Observations of keys already held still count.
 *
 * <h2>NODATA</h2>
 * Off by default. With {@link Builder#noDataFor}, each listed ENI that has no record in an interval gets a
 * {@code NODATA} record spanning the interval ({@code start} = its first second, {@code end} = its last);
 * intervals are then counted from the first observation's, including empty ones the clock jumps over.
 *
 * <p>Not thread-safe: one aggregator per thread of observations.
 */
public final class FlowLogAggregator {

    public static final int ONE_MINUTE = 60;
    public static final int TEN_MINUTES = 600;
    public static final int DEFAULT_MAX_RECORDS_PER_INTERVAL = 1_000_000;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long NONE = Long.MIN_VALUE;
    private static final int TCP = 6;
    private static final int FIN_SYN_RST = 0x07;
    private static final int SYN_ACK = 0x12;
    private static final int ACK = 0x10;

    private static final Comparator<Pending> EMISSION_ORDER =
            Comparator.comparing(Pending::interfaceId, Comparator.nullsFirst(Comparator.naturalOrder()))
                    .thenComparingLong(Pending::start)
                    .thenComparingLong(Pending::sequence);

    private final int intervalSeconds;
    private final int maxRecordsPerInterval;
    private final FlowLogSink sink;
    private final TrafficPathResolver trafficPaths;
    private final AwsServiceResolver awsServices;
    private final List<FlowLogEni> noDataEnis;

    private final Map<FlowKey, Flow> flows = new HashMap<>();
    private final Map<FlowLogEni, Skipped> skipped = new LinkedHashMap<>();
    private long clockNanos = Long.MIN_VALUE;
    private long openStart = NONE;
    private long sequence;
    private boolean finished;

    private long observations;
    private long lostObservations;
    private long lateObservations;
    private long emittedRecords;
    private long skipDataRecords;
    private long noDataRecords;

    /** An aggregator with the default capacity, no NODATA records and no traffic-path or AWS-service knowledge. */
    public FlowLogAggregator(int intervalSeconds, FlowLogSink sink) {
        this(builder(sink).intervalSeconds(intervalSeconds));
    }

    private FlowLogAggregator(Builder b) {
        if (b.intervalSeconds != ONE_MINUTE && b.intervalSeconds != TEN_MINUTES) {
            throw new IllegalArgumentException("the flow-log aggregation interval is 60 or 600 seconds (as AWS offers),"
                    + " not " + b.intervalSeconds);
        }
        if (b.maxRecordsPerInterval < 1) {
            throw new IllegalArgumentException("maxRecordsPerInterval must be at least 1: " + b.maxRecordsPerInterval);
        }
        this.intervalSeconds = b.intervalSeconds;
        this.maxRecordsPerInterval = b.maxRecordsPerInterval;
        this.sink = Objects.requireNonNull(b.sink, "sink");
        this.trafficPaths = Objects.requireNonNull(b.trafficPaths, "trafficPaths");
        this.awsServices = Objects.requireNonNull(b.awsServices, "awsServices");
        this.noDataEnis = List.copyOf(b.noDataEnis);
    }

    public static Builder builder(FlowLogSink sink) {
        return new Builder(sink);
    }

    /** Takes one packet as one ENI logged it; first emits every interval the packet's time has closed. */
    public void observe(FlowObservation o) {
        checkOpen();
        observations++;
        long t = o.timeNanos();
        if (t < clockNanos) {
            lateObservations++;
            t = clockNanos;
        }
        advanceTo(t);
        long second = Math.floorDiv(t, NANOS_PER_SECOND);
        if (openStart == NONE) {
            openStart = intervalStartOf(second);
        }
        FlowKey key = new FlowKey(o.eni(), o.ingress(), o.accept(), o.srcaddr(), o.dstaddr(), o.srcport(),
                o.dstport(), o.protocol(), o.pktSrcaddr(), o.pktDstaddr());
        Flow flow = flows.get(key);
        if (flow == null) {
            if (flows.size() >= maxRecordsPerInterval) {
                lose(o.eni(), second);
                return;
            }
            flow = newFlow(key, second);
            flows.put(key, flow);
        }
        flow.add(o.bytes(), second, o.protocol() == TCP ? reportedTcpFlags(o.tcpFlags()) : 0);
    }

    /** Moves the clock to {@code nowNanos} (Unix epoch nanoseconds) and emits every interval that has ended. */
    public void advanceTo(long nowNanos) {
        checkOpen();
        if (nowNanos <= clockNanos) {
            return;
        }
        clockNanos = nowNanos;
        if (openStart == NONE) {
            return;
        }
        long second = Math.floorDiv(nowNanos, NANOS_PER_SECOND);
        while (second >= openStart + intervalSeconds) {
            closeOpenInterval();
            if (noDataEnis.isEmpty()) {
                // nothing to say about empty intervals: the next observation opens its own
                openStart = NONE;
                return;
            }
            openStart += intervalSeconds;
        }
    }

    /** End of input: emits the open interval. The aggregator takes no observations afterwards. */
    public void finish() {
        if (finished) {
            return;
        }
        if (openStart != NONE) {
            closeOpenInterval();
            openStart = NONE;
        }
        finished = true;
    }

    /** The flag bits AWS reports for one TCP packet's flags byte: FIN, SYN, RST, and ACK only with SYN. */
    static int reportedTcpFlags(int flagsByte) {
        int reported = flagsByte & FIN_SYN_RST;
        if ((flagsByte & SYN_ACK) == SYN_ACK) {
            reported |= ACK;
        }
        return reported;
    }

    private long intervalStartOf(long second) {
        return Math.floorDiv(second, intervalSeconds) * intervalSeconds;
    }

    private Flow newFlow(FlowKey key, long second) {
        int path = key.ingress() ? FlowLogRecord.ABSENT
                : trafficPaths.trafficPath(key.eni(), key.pktSrcaddr(), key.pktDstaddr());
        String srcService = key.pktSrcaddr() == null ? null : awsServices.serviceOf(key.pktSrcaddr());
        String dstService = key.pktDstaddr() == null ? null : awsServices.serviceOf(key.pktDstaddr());
        return new Flow(sequence++, second, path, srcService, dstService);
    }

    private void lose(FlowLogEni eni, long second) {
        lostObservations++;
        Skipped s = skipped.get(eni);
        if (s == null) {
            skipped.put(eni, new Skipped(sequence++, second));
        } else {
            s.last = second;
        }
    }

    private void closeOpenInterval() {
        long end = openStart + intervalSeconds;
        List<Pending> pending = new ArrayList<>(flows.size() + skipped.size());
        for (Map.Entry<FlowKey, Flow> e : flows.entrySet()) {
            FlowLogRecord r = okRecord(e.getKey(), e.getValue());
            pending.add(new Pending(interfaceIdOf(r.eni()), r.start(), e.getValue().sequence, r));
        }
        for (Map.Entry<FlowLogEni, Skipped> e : skipped.entrySet()) {
            Skipped s = e.getValue();
            FlowLogRecord r = FlowLogRecord.status(e.getKey(), LogStatus.SKIPDATA, s.first, s.last);
            pending.add(new Pending(interfaceIdOf(e.getKey()), s.first, s.sequence, r));
            skipDataRecords++;
        }
        if (!noDataEnis.isEmpty()) {
            Set<FlowLogEni> logged = new HashSet<>(skipped.keySet());
            for (FlowKey k : flows.keySet()) {
                logged.add(k.eni());
            }
            for (FlowLogEni eni : noDataEnis) {
                if (!logged.contains(eni)) {
                    FlowLogRecord r = FlowLogRecord.status(eni, LogStatus.NODATA, openStart, end - 1);
                    pending.add(new Pending(interfaceIdOf(eni), openStart, sequence++, r));
                    noDataRecords++;
                }
            }
        }
        pending.sort(EMISSION_ORDER);
        flows.clear();
        skipped.clear();
        sequence = 0;
        for (Pending p : pending) {
            emittedRecords++;
            sink.accept(p.record());
        }
        sink.intervalClosed(end);
    }

    private static FlowLogRecord okRecord(FlowKey k, Flow f) {
        IpAddress typeSource = k.srcaddr() != null ? k.srcaddr() : k.pktSrcaddr();
        return FlowLogRecord.builder()
                .eni(k.eni())
                .srcaddr(k.srcaddr())
                .dstaddr(k.dstaddr())
                .srcport(k.srcport())
                .dstport(k.dstport())
                .protocol(k.protocol())
                .packets(f.packets)
                .bytes(f.bytes)
                .start(f.first)
                .end(f.last)
                .action(k.accept() ? Action.ACCEPT : Action.REJECT)
                .logStatus(LogStatus.OK)
                .tcpFlags(f.tcpFlags)
                .type(typeSource == null ? null : TrafficType.of(typeSource))
                .pktSrcaddr(k.pktSrcaddr())
                .pktDstaddr(k.pktDstaddr())
                .pktSrcAwsService(f.srcService)
                .pktDstAwsService(f.dstService)
                .flowDirection(k.ingress() ? FlowDirection.INGRESS : FlowDirection.EGRESS)
                .trafficPath(f.trafficPath)
                .build();
    }

    private static String interfaceIdOf(FlowLogEni eni) {
        return eni == null ? null : eni.interfaceId();
    }

    private void checkOpen() {
        if (finished) {
            throw new IllegalStateException("the flow-log aggregator has finished: it takes no more input");
        }
    }

    public int intervalSeconds() {
        return intervalSeconds;
    }

    public int maxRecordsPerInterval() {
        return maxRecordsPerInterval;
    }

    /** Observations taken, lost ones included. */
    public long observations() {
        return observations;
    }

    /** Observations dropped for lack of capacity, each reported by a SKIPDATA record of its ENI. */
    public long lostObservations() {
        return lostObservations;
    }

    /** Observations stamped earlier than the clock, counted at the clock's time. */
    public long lateObservations() {
        return lateObservations;
    }

    /** Records given to the sink, status records included. */
    public long emittedRecords() {
        return emittedRecords;
    }

    public long skipDataRecords() {
        return skipDataRecords;
    }

    public long noDataRecords() {
        return noDataRecords;
    }

    /** Records of the open interval so far (keys held). */
    public int openRecords() {
        return flows.size();
    }

    private record FlowKey(FlowLogEni eni, boolean ingress, boolean accept, IpAddress srcaddr, IpAddress dstaddr,
                           int srcport, int dstport, int protocol, IpAddress pktSrcaddr, IpAddress pktDstaddr) {
    }

    /** The running sums of one key in the open interval. */
    private static final class Flow {
        final long sequence;
        final long first;
        final int trafficPath;
        final String srcService;
        final String dstService;
        long last;
        long packets;
        long bytes;
        int tcpFlags;

        Flow(long sequence, long first, int trafficPath, String srcService, String dstService) {
            this.sequence = sequence;
            this.first = first;
            this.last = first;
            this.trafficPath = trafficPath;
            this.srcService = srcService;
            this.dstService = dstService;
        }

        void add(long packetBytes, long second, int flags) {
            packets++;
            bytes += packetBytes;
            last = second;
            tcpFlags |= flags;
        }
    }

    /** Lost observations of one ENI in the open interval. */
    private static final class Skipped {
        final long sequence;
        final long first;
        long last;

        Skipped(long sequence, long first) {
            this.sequence = sequence;
            this.first = first;
            this.last = first;
        }
    }

    private record Pending(String interfaceId, long start, long sequence, FlowLogRecord record) {
    }

    /** Options of an aggregator; the sink is required, the rest have defaults. */
    public static final class Builder {
        private final FlowLogSink sink;
        private int intervalSeconds = TEN_MINUTES;
        private int maxRecordsPerInterval = DEFAULT_MAX_RECORDS_PER_INTERVAL;
        private TrafficPathResolver trafficPaths = TrafficPathResolver.UNKNOWN;
        private AwsServiceResolver awsServices = AwsServiceResolver.NONE;
        private List<FlowLogEni> noDataEnis = List.of();

        private Builder(FlowLogSink sink) {
            this.sink = sink;
        }

        /** 60 or 600 (AWS's default maximum aggregation interval, and this default). */
        public Builder intervalSeconds(int v) {
            intervalSeconds = v;
            return this;
        }

        public Builder maxRecordsPerInterval(int v) {
            maxRecordsPerInterval = v;
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

        /** Emit NODATA records for these ENIs in intervals where they log nothing (off by default). */
        public Builder noDataFor(Collection<FlowLogEni> enis) {
            noDataEnis = List.copyOf(enis);
            return this;
        }

        public FlowLogAggregator build() {
            return new FlowLogAggregator(this);
        }
    }
}
