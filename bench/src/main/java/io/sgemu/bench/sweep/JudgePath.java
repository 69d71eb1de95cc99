package io.sgemu.bench.sweep;

import io.sgemu.bench.PipelineWorld;
import io.sgemu.dataplane.conntrack.ConnTrackTable;
import io.sgemu.dataplane.flowlog.FastFlowLogAggregator;
import io.sgemu.dataplane.flowlog.FlowLogRecord;
import io.sgemu.dataplane.flowlog.FlowLogSink;
import io.sgemu.dataplane.flowlog.FlowLogWriterAgent;
import io.sgemu.dataplane.packet.DecodedPacket;
import io.sgemu.dataplane.packet.LinkType;
import io.sgemu.dataplane.packet.PacketDecoder;
import io.sgemu.dataplane.pipeline.FastVerdict;
import io.sgemu.dataplane.pipeline.PacketJudge;
import io.sgemu.dataplane.pipeline.StageCounters;
import io.sgemu.dataplane.policy.PolicySnapshot;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * The whole fast path of one worker (decode, address lookup, NACLs, security groups, connection tracking,
 * flow-log aggregation) on {@link PipelineWorld} with {@code flows} flows opened first (one SYN or first
 * datagram each, judged), then measured on established packets of random opened flows, either way.
 */
final class JudgePath implements AutoCloseable {

    static final int RING = 1 << 16;

    private final ConnTrackTable conntrack;
    private final AgentRunner writerRunner;
    private final PacketJudge judge;
    private final DecodedPacket packet = new DecodedPacket();
    private final FastVerdict verdict = new FastVerdict();
    private final UnsafeBuffer frames;
    private final int[] offsets = new int[RING];
    private final int[] lengths = new int[RING];
    private long clock = 1_767_225_600_000_000_000L;
    private long sequence;

    JudgePath(PolicySnapshot policy, int flows, long seed) {
        conntrack = new ConnTrackTable(Math.max(1 << 16, (int) (flows * 3L / 2)), TimeUnit.SECONDS.toNanos(5),
                policy.eniCount());
        ManyToOneRingBuffer ring = new ManyToOneRingBuffer(new UnsafeBuffer(
                ByteBuffer.allocateDirect((1 << 22) + RingBufferDescriptor.TRAILER_LENGTH)));
        FlowLogWriterAgent writer = FlowLogWriterAgent.builder(ring, 1, new FlowLogSink() {
            @Override
            public void accept(FlowLogRecord r) {
                // counted nowhere: the sweep measures judging
            }
        }).intervalSeconds(60).enis(policy::flowLogEni).build();
        writerRunner = new AgentRunner(new BackoffIdleStrategy(1, 10, 1_000, 1_000_000), Throwable::printStackTrace,
                null, writer);
        AgentRunner.startOnThread(writerRunner);
        FastFlowLogAggregator flowLog = FastFlowLogAggregator.builder(ring, 0).intervalSeconds(60).build();
        judge = new PacketJudge(policy, conntrack.newWorker(), new StageCounters(policy.eniCount()), flowLog);

        List<PipelineWorld.Flow> all = PipelineWorld.flows(flows, seed);
        UnsafeBuffer one = new UnsafeBuffer(new byte[2048]);
        for (PipelineWorld.Flow f : all) {
            judgeFrame(one, PipelineWorld.frame(f, true, false));
        }
        SplittableRandom r = new SplittableRandom(seed + 1);
        byte[][] built = new byte[RING][];
        int total = 0;
        for (int i = 0; i < RING; i++) {
            built[i] = PipelineWorld.frame(all.get(r.nextInt(all.size())), false, r.nextBoolean());
            total += built[i].length;
        }
        frames = new UnsafeBuffer(ByteBuffer.allocateDirect(total));
        int at = 0;
        for (int i = 0; i < RING; i++) {
            frames.putBytes(at, built[i]);
            offsets[i] = at;
            lengths[i] = built[i].length;
            at += built[i].length;
        }
    }

    private void judgeFrame(UnsafeBuffer buffer, byte[] frame) {
        buffer.putBytes(0, frame);
        clock += 1_000;
        PacketDecoder.decode(LinkType.ETHERNET, buffer, 0, frame.length, frame.length, clock, packet);
        judge.judge(packet, ++sequence, clock, verdict);
    }

    /** Connections the table holds. */
    int tracked() {
        return conntrack.size();
    }

    /** Packets {@code from}... of the measured ring, 1 us apart; returns the sum of the verdicts' actions. */
    long run(long from, int count) {
        long sum = 0;
        for (int k = 0; k < count; k++) {
            int i = (int) (from + k) & (RING - 1);
            clock += 1_000;
            PacketDecoder.decode(LinkType.ETHERNET, frames, offsets[i], lengths[i], lengths[i], clock, packet);
            judge.judge(packet, ++sequence, clock, verdict);
            sum += verdict.action;
        }
        return sum;
    }

    @Override
    public void close() {
        writerRunner.close();
    }
}
