package io.sgemu.dataplane.io;

import io.sgemu.dataplane.flowlog.FastFlowLogAggregator;
import io.sgemu.dataplane.packet.DecodedPacket;
import io.sgemu.dataplane.packet.PacketDecoder;
import io.sgemu.dataplane.pipeline.FastVerdict;
import io.sgemu.dataplane.pipeline.PacketJudge;
import io.sgemu.dataplane.pipeline.Verdicts;
import io.sgemu.dataplane.policy.Policy;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Recorder;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;

/**
 * One worker thread of the live dataplane: reads the datagrams the event loops steered to it from its ring,
 * decodes each (again: the ring carries bytes, not decoded fields, so the forwarded payload is the received
 * one), judges it with its {@link PacketJudge} against the current policy, learns the source ENI's endpoint,
 * forwards accepted packets, and keeps its flow-log aggregation and connection expiry going on wall-clock
 * time, idle or not.
 *
 * <p>Threading: everything here is confined to the worker's thread (judge, decoder, conntrack handle,
 * aggregator, forwarder, endpoint cache), except: the ring (many producers, this one consumer: the read
 * sees a message once its length is published with a release store); the policy, read once per batch with
 * a volatile load of {@link LiveDataplane#policy()}; {@link #stop}, volatile; the counter block (single
 * writer, readers anywhere); the shared {@link EndpointTable} (see its comment). Packets of one flow, both
 * directions, come to this worker only (steering), which is what the connection-tracking table's
 * single-owner-per-entry assumption asks.
 */
final class LiveWorker implements Runnable, MessageHandler {

    /** Messages read from the ring per batch (between two policy loads, flushes and expiry passes). */
    static final int BATCH = 256;

    final int index;
    private final LiveContext dataplane;
    private final ManyToOneRingBuffer ring;
    private final TunnelKind[] listenerKinds;
    private final PacketJudge judge;
    private final FastFlowLogAggregator flowLog;
    private final LiveCounters.Block counters;
    private final EndpointTable endpoints;
    private final EndpointTable.Cache endpointCache;
    private final int externalEndpoint;
    private final boolean forwarding;
    private final LiveClock clock;
    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket packet = new DecodedPacket();
    private final FastVerdict verdict = new FastVerdict();
    private Forwarder forwarder;
    /** Sees every verdict (tests), or null; set before the thread starts (the start orders it). */
    private VerdictTap tap;
    /** Datagrams judged so far: the next one's sequence for the tap (this thread only). */
    private long judged;
    /** The fixed UDP port of every endpoint learned, or 0 for the datagram's source port (set before start). */
    private int vtepPort;
    /**
     * Ingest-to-verdict latency in nanoseconds (receive time on the event loop to the verdict here). Single
     * writer, this thread: {@link Recorder#recordValue} is wait-free and, with its fixed range, allocates
     * nothing; the scrape thread swaps out interval histograms ({@link IngestLatency}).
     */
    final Recorder latency = IngestLatency.newRecorder();

    /** Set by {@link LiveDataplane#close()} once the listeners are closed: drain the ring, then end (volatile). */
    volatile boolean stop;
    /** The policy of this worker's current batch (volatile: written here, read by {@link LiveDataplane#awaitPolicy}). */
    volatile Policy inForce;
    /** Written by the worker if it dies, read by the dataplane (volatile). */
    volatile Throwable failure;
    /**
     * Work another thread asks of this worker's connection-tracking entries (an operator's flush or listing),
     * run on this thread at the start of its next batch, since only the owner may touch its entries.
     */
    final ConcurrentLinkedQueue<Runnable> requests = new ConcurrentLinkedQueue<>();

    LiveWorker(int index, LiveContext dataplane, ManyToOneRingBuffer ring, TunnelKind[] listenerKinds, PacketJudge judge,
               FastFlowLogAggregator flowLog, LiveCounters.Block counters, EndpointTable endpoints, int externalEndpoint,
               boolean forwarding, LiveClock clock) {
        this.index = index;
        this.dataplane = dataplane;
        this.ring = ring;
        this.listenerKinds = listenerKinds;
        this.judge = judge;
        this.flowLog = flowLog;
        this.counters = counters;
        this.endpoints = endpoints;
        this.endpointCache = new EndpointTable.Cache(endpoints);
        this.externalEndpoint = externalEndpoint;
        this.forwarding = forwarding;
        this.clock = clock;
    }

    /** Set before the thread starts (the start orders it). */
    void forwarder(Forwarder f) {
        this.forwarder = f;
    }

    void tap(VerdictTap t) {
        this.tap = t;
    }

    void vtepPort(int port) {
        this.vtepPort = port;
    }

    /** Datagrams waiting in this worker's ring, in bytes (volatile loads of the ring's head and tail). */
    int queueBytes() {
        return ring.size();
    }

    PacketJudge judge() {
        return judge;
    }

    @Override
    public void run() {
        IdleStrategy idle = new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1),
                TimeUnit.MILLISECONDS.toNanos(1));
        try {
            while (true) {
                boolean stopping = stop; // read before the ring: whatever was committed before close() is drained
                int n = batch();
                if (n == 0) {
                    if (stopping) {
                        break;
                    }
                    idle.idle();
                } else {
                    idle.reset();
                }
            }
            if (flowLog != null) {
                flowLog.advanceTo(clock.epochNanos());
                while (!flowLog.finish() && !dataplane.flowLogWriterFailed()) {
                    idle.idle(); // the ring to the flow-log writer is full: the writer, on its thread, makes room
                }
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    /** One batch: the current policy, up to {@link #BATCH} datagrams, flow-log clock, expiry, flush. */
    int batch() {
        Policy p = dataplane.policy(); // volatile load, once per batch
        if (p != judge.policy()) {
            judge.policy(p);
        }
        if (p != inForce) {
            inForce = p; // volatile store: LiveDataplane.awaitPolicy sees that this worker judges by p from now on
        }
        Runnable request;
        while ((request = requests.poll()) != null) {
            request.run();
        }
        int n = ring.read(this, BATCH);
        long now = clock.epochNanos();
        if (flowLog != null) {
            flowLog.advanceTo(now);
        }
        judge.conntrack().expireDue(Math.max(now, judge.nowNanos()), p);
        if (forwarder != null) {
            forwarder.flush();
        }
        return n;
    }

    @Override
    public void onMessage(int msgTypeId, MutableDirectBuffer buffer, int index, int length) {
        if (msgTypeId != DatagramMessage.TYPE) {
            return;
        }
        long time = buffer.getLong(index + DatagramMessage.TIME_OFFSET);
        int listener = buffer.getInt(index + DatagramMessage.LISTENER_OFFSET);
        int payload = index + DatagramMessage.HEADER_LENGTH;
        int payloadLength = length - DatagramMessage.HEADER_LENGTH;
        ReceiveHandler.decode(listenerKinds[listener], decoder, buffer, payload, payloadLength, time, packet);
        // The receive time orders flow-log records that tie (first seen), as a frame number does in a replay.
        // Totals before parts (see LiveCounters): judged before the judge writes its stage counters.
        counters.increment(LiveCounters.JUDGED);
        judge.judge(packet, time, time, verdict);
        if (tap != null) {
            tap.judged(this.index, judged++, judge.policy(), packet, verdict);
        }
        latency.recordValue(IngestLatency.clamp(clock.epochNanos() - time));
        int action = verdict.action;
        if (action == Verdicts.ACCEPT) {
            counters.increment(LiveCounters.ACCEPTED);
        } else if (action == Verdicts.REJECT) {
            counters.increment(LiveCounters.REJECTED);
            counters.increment(verdict.stage != Verdicts.NO_STAGE ? LiveCounters.REJECTED_AT + verdict.stage
                    : LiveCounters.REJECTED_BEFORE_STAGES);
        } else {
            counters.increment(LiveCounters.SKIPPED);
            counters.increment(verdict.reason == Verdicts.RESERVED_ADDRESS ? LiveCounters.SKIPPED_RESERVED
                    : verdict.reason == Verdicts.NO_ENI ? LiveCounters.SKIPPED_NO_ENI : LiveCounters.SKIPPED_OTHER);
        }
        if (!forwarding) {
            return;
        }
        if (verdict.srcEni != Policy.NONE) {
            learn(buffer, index, verdict.srcEni);
        }
        if (action != Verdicts.ACCEPT) {
            return; // rejected packets go nowhere; skipped ones (no ENI, reserved addresses) neither
        }
        int endpoint = verdict.dstEni == Policy.NONE ? externalEndpoint : endpoints.endpointOf(verdict.dstEni);
        if (endpoint == EndpointTable.NONE) {
            counters.increment(LiveCounters.DROPPED_NO_ENDPOINT);
            return;
        }
        if (forwarder.send(listener, endpoint, buffer, payload, payloadLength)) {
            counters.increment(LiveCounters.FORWARDED);
        } else {
            counters.increment(LiveCounters.DROPPED_SEND_BACKLOG);
        }
    }

    /** The source ENI is behind the datagram's outer source. */
    private void learn(MutableDirectBuffer buffer, int index, int eni) {
        int port = vtepPort != 0 ? vtepPort : buffer.getInt(index + DatagramMessage.SOURCE_PORT_OFFSET);
        int id;
        if (buffer.getInt(index + DatagramMessage.FAMILY_OFFSET) == 4) {
            id = endpointCache.ipv4((int) buffer.getLong(index + DatagramMessage.SOURCE_LO_OFFSET), port);
        } else {
            id = endpoints.register(ipv6(buffer.getLong(index + DatagramMessage.SOURCE_HI_OFFSET),
                    buffer.getLong(index + DatagramMessage.SOURCE_LO_OFFSET), port));
        }
        if (id == EndpointTable.NONE) {
            counters.increment(LiveCounters.ENDPOINT_TABLE_FULL);
            return;
        }
        if (endpoints.learn(eni, id)) {
            counters.increment(LiveCounters.ENDPOINT_MOVES);
        }
    }

    /** An IPv6 endpoint's address (allocates: IPv6 tunnel endpoints take this slower path). */
    private static java.net.InetSocketAddress ipv6(long hi, long lo, int port) {
        byte[] b = java.nio.ByteBuffer.allocate(16).putLong(hi).putLong(lo).array();
        try {
            return new java.net.InetSocketAddress(java.net.InetAddress.getByAddress(b), port);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("sixteen bytes are always an IPv6 address", e);
        }
    }
}
