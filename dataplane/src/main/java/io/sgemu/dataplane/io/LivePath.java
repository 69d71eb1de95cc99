package io.sgemu.dataplane.io;

import io.sgemu.dataplane.conntrack.ConnTrackTable;
import io.sgemu.dataplane.flowlog.FastFlowLogAggregator;
import io.sgemu.dataplane.flowlog.FlowLogSink;
import io.sgemu.dataplane.flowlog.FlowLogWriterAgent;
import io.sgemu.dataplane.pipeline.PacketJudge;
import io.sgemu.dataplane.pipeline.StageCounters;
import io.sgemu.dataplane.policy.Policy;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * The live dataplane's path without sockets or threads, on the calling thread: what an event loop does with
 * a datagram ({@link #receive}: check, steer, copy into the worker's ring) and what the worker does with it
 * ({@link #judge}: decode, judge against the policy, count, aggregate flow logs, expire connections). The
 * same classes as {@link LiveDataplane} runs, one worker, no forwarding. For benchmarks of the path's cost
 * and allocation (JMH {@code -prof gc}) and for tests.
 *
 * <pre>{@code
 * LivePath path = new LivePath(policy, TunnelKind.VXLAN, null, 1 << 16);
 * path.receive(datagram, length, sender);   // as many as fit the ring
 * path.judge();                              // one worker batch: up to 256 datagrams
 * }</pre>
 *
 * <p>Not thread-safe: one thread calls everything.
 */
public final class LivePath implements LiveContext {

    private final LiveCounters counters = new LiveCounters();
    private final ReceiveHandler receiver;
    private final LiveWorker worker;
    private final FlowLogWriterAgent flowLogWriter;
    private Policy policy;

    /**
     * @param flowLogs where flow-log records go (60-second intervals, written on this thread), or null
     */
    public LivePath(Policy policy, TunnelKind kind, FlowLogSink flowLogs, int conntrackCapacity) {
        this.policy = policy;
        LiveClock clock = new LiveClock();
        ManyToOneRingBuffer[] rings = {new ManyToOneRingBuffer(new UnsafeBuffer(
                ByteBuffer.allocateDirect((1 << 20) + RingBufferDescriptor.TRAILER_LENGTH)))};
        FastFlowLogAggregator aggregator = null;
        if (flowLogs != null) {
            ManyToOneRingBuffer flowRing = new ManyToOneRingBuffer(new UnsafeBuffer(
                    ByteBuffer.allocateDirect((1 << 20) + RingBufferDescriptor.TRAILER_LENGTH)));
            aggregator = FastFlowLogAggregator.builder(flowRing, 0).intervalSeconds(60).build();
            flowLogWriter = FlowLogWriterAgent.builder(flowRing, 1, flowLogs).intervalSeconds(60)
                    .enis(eni -> this.policy.flowLogEni(eni)).build();
        } else {
            flowLogWriter = null;
        }
        ConnTrackTable conntrack = new ConnTrackTable(conntrackCapacity, 5_000_000_000L, Math.max(1024, policy.eniCount() * 4));
        PacketJudge judge = new PacketJudge(policy, conntrack.newWorker(), new StageCounters(policy.eniCount()), aggregator);
        receiver = new ReceiveHandler(this, 0, kind, rings, null, counters.newBlock(), clock, 65535);
        worker = new LiveWorker(0, this, rings[0], new TunnelKind[] {kind}, judge, aggregator, counters.newBlock(),
                new EndpointTable(1, policy.eniCount()), EndpointTable.NONE, false, clock);
    }

    /** One datagram's UDP payload, {@code [0, length)} of {@code payload}, from {@code sender}. */
    public void receive(DirectBuffer payload, int length, InetSocketAddress sender) {
        receiver.offer(payload, length, sender);
    }

    /** One worker batch (up to 256 datagrams); answers how many were judged. */
    public int judge() {
        int n = worker.batch();
        if (flowLogWriter != null) {
            flowLogWriter.doWork();
        }
        return n;
    }

    public LiveCounters counters() {
        return counters;
    }

    /** The policy of later batches. */
    public void setPolicy(Policy next) {
        policy = next;
    }

    @Override
    public Policy policy() {
        return policy;
    }

    @Override
    public boolean flowLogWriterFailed() {
        return false;
    }
}
