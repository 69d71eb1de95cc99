package io.sgemu.dataplane.flowlog;

import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.util.Objects;

import static io.sgemu.dataplane.flowlog.FlowLogMessages.*;

/**
 * The fast path's flow-log aggregation: one per worker thread, fed primitives, allocating nothing per packet.
 * It aggregates as {@link FlowLogAggregator} does (same key, sums, seconds, tcp-flags, aligned intervals,
 * forward-only clock with late observations placed at the clock, capacity with SKIPDATA) and, when an interval
 * closes, writes its records as fixed messages ({@link FlowLogMessages}) into a ring shared with the other
 * workers. One {@link FlowLogWriterAgent} reads the ring, merges the workers' records, orders them as the
 * reference does and hands them to the sink. ENI metadata, traffic paths and AWS services are looked up there,
 * once per record.
 *
 * <h2>First seen</h2>
 * Each observation carries a {@code sequence}: a global, increasing packet number (the capture frame number in
 * replay). A record remembers the sequence of the packet that first showed its key in the interval; the writer
 * orders ties (same interface-id and start) by it, so the records of several workers interleave exactly as
 * one reference aggregator fed all the packets would order them.
 *
 * <h2>Clock</h2>
 * The clock is this worker's: the latest of its observations' times and {@link #advanceTo}. An interval is
 * closed (its records written) when the clock reaches its end; at each new interval the worker writes a
 * watermark ("I have written everything before T"). For the workers together to behave as one reference
 * aggregator, every worker's clock must follow the capture clock: the pipeline calls {@link #advanceTo} on every
 * worker (idle ones too) as time moves on. An idle worker that is never advanced holds the writer back, since
 * the writer waits for every registered worker's watermark; late observations are late with respect to the
 * worker's own clock.
 *
 * <h2>Capacity (decision)</h2>
 * {@code maxRecordsPerInterval} bounds this worker's keys per interval. A pipeline with a budget of B records
 * per interval over N workers gives each {@link #perWorkerCapacity(int, int) ceil(B / N)}. A shared budget would
 * make which flows are lost depend on how threads interleave; per-worker budgets keep the output a function of
 * the input and the steering. Beyond the capacity, an observation of a new key is lost, counted in
 * {@link #lostObservations()} and reported as the reference does: its ENI gets a SKIPDATA record for the
 * interval (the writer merges the workers' shares into one record per ENI and interval).
 *
 * <h2>Back-pressure (decision)</h2>
 * The dataplane never waits for the writer. A record that finds the ring full is lost but counted
 * ({@link #ringLostRecords()}, {@link #ringLostPackets()}) per ENI and interval, in a small table; those
 * losses are written as {@link FlowLogMessages#SKIP} messages as soon as the ring has room (tried on every
 * later call), and the watermark is held back until they are written, so the writer cannot close the interval
 * before it knows: it then prints the ENI's SKIPDATA record. Nothing is lost silently; what is lost under
 * overload is whole records, never their accounting. {@link #finish()} answers whether everything, the final
 * message included, is in the ring; a caller that gets {@code false} calls it again later.
 *
 * <p>Not thread-safe: one worker's thread calls every method. The counters are plain fields, to be read on that
 * thread or after it has ended (a join gives the happens-before). The ring itself orders the hand-off
 * ({@code tryClaim} claims by CAS on the tail, {@code commit} publishes the message with a release store of its
 * length, which the writer reads with an acquire load).
 */
public final class FastFlowLogAggregator {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long NONE = Long.MIN_VALUE;
    private static final int TCP = 6;

    private final RingBuffer ring;
    private final AtomicBuffer buffer;
    private final int worker;
    private final int intervalSeconds;
    private final int maxRecordsPerInterval;

    private final FlowTable flows;
    /** Observations of the open interval lost to capacity, per ENI. */
    private final SkipTable capacitySkips;
    /** Losses (of closed intervals) not yet written to the ring. */
    private final SkipTable unsentLosses;

    private long clockNanos = Long.MIN_VALUE;
    /** Start of the interval that holds the clock, or NONE before the first time. */
    private long currentStart = NONE;
    /** The first second of the next interval: a time at or past it closes the open interval. */
    private long boundarySecond = Long.MIN_VALUE;
    /** True when the current interval has observations (its records are in {@link #flows}). */
    private boolean open;

    /** Something is waiting for room in the ring: losses, a watermark, or the final message. */
    private boolean pending;
    private long watermarkToSend = NONE;
    private long watermarkSent = NONE;
    private boolean finishing;
    private boolean finishedSent;

    private long observations;
    private long lateObservations;
    private long lostObservations;
    private long sentRecords;
    private long ringLostRecords;
    private long ringLostPackets;

    private FastFlowLogAggregator(Builder b) {
        if (b.anyInterval ? b.intervalSeconds < 1
                : b.intervalSeconds != FlowLogAggregator.ONE_MINUTE && b.intervalSeconds != FlowLogAggregator.TEN_MINUTES) {
            throw new IllegalArgumentException("the flow-log aggregation interval is 60 or 600 seconds (as AWS offers),"
                    + " not " + b.intervalSeconds);
        }
        if (b.maxRecordsPerInterval < 1) {
            throw new IllegalArgumentException("maxRecordsPerInterval must be at least 1: " + b.maxRecordsPerInterval);
        }
        if (b.worker < 0) {
            throw new IllegalArgumentException("worker numbers start at 0: " + b.worker);
        }
        if (b.ring.maxMsgLength() < RECORD_LENGTH) {
            throw new IllegalArgumentException("the flow-log ring is too small for one record (" + RECORD_LENGTH
                    + " bytes; it takes messages of up to " + b.ring.maxMsgLength() + ")");
        }
        this.ring = b.ring;
        this.buffer = b.ring.buffer();
        this.worker = b.worker;
        this.intervalSeconds = b.intervalSeconds;
        this.maxRecordsPerInterval = b.maxRecordsPerInterval;
        this.flows = new FlowTable(Math.min(b.expectedFlows, b.maxRecordsPerInterval));
        this.capacitySkips = new SkipTable(64);
        this.unsentLosses = new SkipTable(64);
    }

    /** @param worker this worker's number, {@code 0..workers-1} as registered with the writer */
    public static Builder builder(RingBuffer ring, int worker) {
        return new Builder(ring, worker);
    }

    /** Each worker's share of a per-interval budget of {@code total} records over {@code workers} workers. */
    public static int perWorkerCapacity(int total, int workers) {
        if (total < 1 || workers < 1) {
            throw new IllegalArgumentException("a record budget and a worker count are at least 1: " + total + ", "
                    + workers);
        }
        return (int) ((total + (long) workers - 1) / workers);
    }

    /**
     * Takes one packet as one ENI logged it. Addresses are a family (4 or 6) and two longs each as in
     * {@code IpAddress}; ports are 0 for ICMP and protocols without ports; {@code tcpFlags} is the packet's flags
     * byte; {@code bytes} its L3 length; {@code sequence} its global packet number.
     */
    public void observe(int eni, boolean ingress, boolean accept, int family, long srcHi, long srcLo, long dstHi,
                        long dstLo, long pktSrcHi, long pktSrcLo, long pktDstHi, long pktDstLo, int srcPort,
                        int dstPort, int protocol, int tcpFlags, int bytes, long timeNanos, long sequence) {
        if (finishing) {
            throw finishedError();
        }
        observations++;
        if (pending) {
            flush();
        }
        long t = timeNanos;
        if (t < clockNanos) {
            lateObservations++;
            t = clockNanos;
        } else {
            clockNanos = t;
        }
        long second = Math.floorDiv(t, NANOS_PER_SECOND);
        if (second >= boundarySecond) {
            enterInterval(second);
        }
        open = true;
        long ports = FlowTable.ports(eni, srcPort, dstPort);
        long kind = FlowTable.kind(ingress, accept, family, protocol);
        int base = flows.find(ports, kind, srcHi, srcLo, dstHi, dstLo, pktSrcHi, pktSrcLo, pktDstHi, pktDstLo);
        if (base < 0) {
            if (flows.size() >= maxRecordsPerInterval) {
                lostObservations++;
                capacitySkips.add(currentStart, eni, second, second, sequence, 1, 0, 0);
                return;
            }
            if (flows.full()) {
                flows.grow();
                base = flows.find(ports, kind, srcHi, srcLo, dstHi, dstLo, pktSrcHi, pktSrcLo, pktDstHi, pktDstLo);
            }
            base = flows.insert(~base, ports, kind, srcHi, srcLo, dstHi, dstLo, pktSrcHi, pktSrcLo, pktDstHi,
                    pktDstLo, second, sequence);
        }
        flows.add(base, bytes, second, protocol == TCP ? FlowLogAggregator.reportedTcpFlags(tcpFlags) : 0);
    }

    /** Moves the clock to {@code nowNanos} (Unix epoch nanoseconds); an interval that has ended is written out. */
    public void advanceTo(long nowNanos) {
        if (finishing) {
            throw finishedError();
        }
        if (pending) {
            flush();
        }
        if (nowNanos <= clockNanos) {
            return;
        }
        clockNanos = nowNanos;
        long second = Math.floorDiv(nowNanos, NANOS_PER_SECOND);
        if (second >= boundarySecond) {
            enterInterval(second);
        }
    }

    /**
     * End of input: writes the open interval and a final message. Answers true when everything is in the ring;
     * false when the ring was full, in which case call it again later (it never waits). Takes no observations
     * afterwards.
     */
    public boolean finish() {
        if (!finishing) {
            if (open) {
                closeOpenInterval();
            }
            finishing = true;
            pending = true;
        }
        return flush();
    }

    /**
     * Writes what waits for room in the ring (losses, watermark, final message), as far as the ring takes it.
     * Every other call does this first; a worker with nothing to observe may call it when idle. True when nothing
     * is left waiting.
     */
    public boolean flush() {
        if (!pending) {
            return true;
        }
        if (!unsentLosses.allSent()) {
            long[] s = unsentLosses.slots();
            int j = unsentLosses.sentUpTo();
            int n = unsentLosses.size();
            for (; j < n; j++) {
                if (!writeSkip(s, unsentLosses.slotAt(j))) {
                    unsentLosses.markSent(j);
                    return false;
                }
            }
            unsentLosses.clear();
        }
        if (watermarkSent != watermarkToSend) {
            if (!writeTime(WATERMARK, WATERMARK_LENGTH, watermarkToSend)) {
                return false;
            }
            watermarkSent = watermarkToSend;
        }
        if (finishing && !finishedSent) {
            if (!writeTime(FINISHED, FINISHED_LENGTH, currentStart)) {
                return false;
            }
            finishedSent = true;
        }
        pending = false;
        return true;
    }

    /** The clock has reached a new interval: close the open one, announce the new watermark. */
    private void enterInterval(long second) {
        if (open) {
            closeOpenInterval();
            open = false;
        }
        currentStart = Math.floorDiv(second, intervalSeconds) * (long) intervalSeconds;
        boundarySecond = currentStart + intervalSeconds;
        watermarkToSend = currentStart;
        pending = true;
        flush();
    }

    /** Writes the open interval's records and capacity losses; what the ring cannot take becomes a counted loss. */
    private void closeOpenInterval() {
        long[] s = flows.slots();
        for (int j = 0, n = flows.size(); j < n; j++) {
            int base = flows.slotAt(j);
            if (writeRecord(s, base)) {
                sentRecords++;
            } else {
                long packets = s[base + FlowTable.PACKETS];
                ringLostRecords++;
                ringLostPackets += packets;
                unsentLosses.add(currentStart, (int) (s[base + FlowTable.PORTS] >>> 32), s[base + FlowTable.START],
                        s[base + FlowTable.END], s[base + FlowTable.FIRST_SEQUENCE], 0, 1, packets);
            }
        }
        long[] c = capacitySkips.slots();
        for (int j = 0, n = capacitySkips.size(); j < n; j++) {
            int base = capacitySkips.slotAt(j);
            if (!writeSkip(c, base)) {
                unsentLosses.add(c[base + SkipTable.INTERVAL], SkipTable.eniOf(c, base), c[base + SkipTable.FIRST_SECOND],
                        c[base + SkipTable.LAST_SECOND], c[base + SkipTable.FIRST_SEQUENCE],
                        c[base + SkipTable.CAPACITY_LOST], 0, 0);
            }
        }
        flows.clear();
        capacitySkips.clear();
        if (unsentLosses.size() > 0) {
            pending = true;
        }
    }

    private boolean writeRecord(long[] s, int base) {
        int i = ring.tryClaim(RECORD, RECORD_LENGTH);
        if (i < 0) {
            return false;
        }
        AtomicBuffer b = buffer;
        long ports = s[base + FlowTable.PORTS];
        long kind = s[base + FlowTable.KIND];
        b.putLong(i + R_INTERVAL_START, currentStart);
        b.putLong(i + R_SRC_HI, s[base + FlowTable.SRC_HI]);
        b.putLong(i + R_SRC_LO, s[base + FlowTable.SRC_LO]);
        b.putLong(i + R_DST_HI, s[base + FlowTable.DST_HI]);
        b.putLong(i + R_DST_LO, s[base + FlowTable.DST_LO]);
        b.putLong(i + R_PKT_SRC_HI, s[base + FlowTable.PKT_SRC_HI]);
        b.putLong(i + R_PKT_SRC_LO, s[base + FlowTable.PKT_SRC_LO]);
        b.putLong(i + R_PKT_DST_HI, s[base + FlowTable.PKT_DST_HI]);
        b.putLong(i + R_PKT_DST_LO, s[base + FlowTable.PKT_DST_LO]);
        b.putLong(i + R_PACKETS, s[base + FlowTable.PACKETS]);
        b.putLong(i + R_BYTES, s[base + FlowTable.BYTES]);
        b.putLong(i + R_START, s[base + FlowTable.START]);
        b.putLong(i + R_END, s[base + FlowTable.END]);
        b.putLong(i + R_FIRST_SEQUENCE, s[base + FlowTable.FIRST_SEQUENCE]);
        b.putInt(i + R_ENI, (int) (ports >>> 32));
        b.putShort(i + R_SRC_PORT, (short) (ports >>> 16));
        b.putShort(i + R_DST_PORT, (short) ports);
        b.putByte(i + R_PROTOCOL, (byte) kind);
        b.putByte(i + R_FAMILY, (byte) ((kind >>> 8) & 0xF));
        b.putByte(i + R_DIRECTION_ACTION, (byte) (((kind & FlowTable.INGRESS) != 0 ? INGRESS_BIT : 0)
                | ((kind & FlowTable.ACCEPT) != 0 ? ACCEPT_BIT : 0)));
        b.putByte(i + R_TCP_FLAGS, (byte) s[base + FlowTable.TCP_FLAGS]);
        b.putInt(i + R_WORKER, worker);
        ring.commit(i);
        return true;
    }

    private boolean writeSkip(long[] s, int base) {
        int i = ring.tryClaim(SKIP, SKIP_LENGTH);
        if (i < 0) {
            return false;
        }
        AtomicBuffer b = buffer;
        b.putLong(i + S_INTERVAL_START, s[base + SkipTable.INTERVAL]);
        b.putLong(i + S_FIRST_SECOND, s[base + SkipTable.FIRST_SECOND]);
        b.putLong(i + S_LAST_SECOND, s[base + SkipTable.LAST_SECOND]);
        b.putLong(i + S_FIRST_SEQUENCE, s[base + SkipTable.FIRST_SEQUENCE]);
        b.putLong(i + S_CAPACITY_LOST_OBSERVATIONS, s[base + SkipTable.CAPACITY_LOST]);
        b.putLong(i + S_RING_LOST_RECORDS, s[base + SkipTable.RING_LOST_RECORDS]);
        b.putLong(i + S_RING_LOST_PACKETS, s[base + SkipTable.RING_LOST_PACKETS]);
        b.putInt(i + S_ENI, SkipTable.eniOf(s, base));
        b.putInt(i + S_WORKER, worker);
        ring.commit(i);
        return true;
    }

    private boolean writeTime(int type, int length, long time) {
        int i = ring.tryClaim(type, length);
        if (i < 0) {
            return false;
        }
        buffer.putLong(i + W_TIME, time);
        buffer.putInt(i + W_WORKER, worker);
        buffer.putInt(i + W_WORKER + 4, 0);
        ring.commit(i);
        return true;
    }

    private static IllegalStateException finishedError() {
        return new IllegalStateException("the flow-log aggregator has finished: it takes no more input");
    }

    public int worker() {
        return worker;
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

    /** Observations stamped earlier than the clock, counted at the clock's time. */
    public long lateObservations() {
        return lateObservations;
    }

    /** Observations of new keys beyond the capacity (reported as SKIPDATA). */
    public long lostObservations() {
        return lostObservations;
    }

    /** Records written to the ring. */
    public long sentRecords() {
        return sentRecords;
    }

    /** Records the full ring did not take (reported as SKIPDATA). */
    public long ringLostRecords() {
        return ringLostRecords;
    }

    /** Packets of the records the full ring did not take. */
    public long ringLostPackets() {
        return ringLostPackets;
    }

    /** Keys held in the open interval. */
    public int openRecords() {
        return flows.size();
    }

    /** True while something waits for room in the ring. */
    public boolean hasPending() {
        return pending;
    }

    /** Options of a worker's aggregator; the ring and the worker number are required. */
    public static final class Builder {
        private final RingBuffer ring;
        private final int worker;
        private int intervalSeconds = FlowLogAggregator.TEN_MINUTES;
        private boolean anyInterval;
        private int maxRecordsPerInterval = FlowLogAggregator.DEFAULT_MAX_RECORDS_PER_INTERVAL;
        private int expectedFlows = 4096;

        private Builder(RingBuffer ring, int worker) {
            this.ring = Objects.requireNonNull(ring, "ring");
            this.worker = worker;
        }

        /** 60 or 600, as the writer's. */
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

        /** This worker's keys per interval (see {@link #perWorkerCapacity}). */
        public Builder maxRecordsPerInterval(int v) {
            maxRecordsPerInterval = v;
            return this;
        }

        /** Keys per interval the table holds before it first grows (growing allocates; steady state does not). */
        public Builder expectedFlows(int v) {
            expectedFlows = Math.max(1, v);
            return this;
        }

        public FastFlowLogAggregator build() {
            return new FastFlowLogAggregator(this);
        }
    }
}
