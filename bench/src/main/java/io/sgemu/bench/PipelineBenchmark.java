package io.sgemu.bench;

import io.sgemu.control.compile.PolicyCompiler;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.conntrack.ConnTrackTable;
import io.sgemu.dataplane.flowlog.FastFlowLogAggregator;
import io.sgemu.dataplane.flowlog.FlowLogRecord;
import io.sgemu.dataplane.flowlog.FlowLogSink;
import io.sgemu.dataplane.flowlog.FlowLogWriterAgent;
import io.sgemu.dataplane.packet.DecodedPacket;
import io.sgemu.dataplane.packet.LinkType;
import io.sgemu.dataplane.packet.PacketDecoder;
import io.sgemu.dataplane.pipeline.FastVerdict;
import io.sgemu.dataplane.pipeline.FlowSteering;
import io.sgemu.dataplane.pipeline.PacketJudge;
import io.sgemu.dataplane.pipeline.StageCounters;
import io.sgemu.dataplane.policy.PolicySnapshot;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The whole fast dataplane per packet: parse the frame, resolve both ends, NACLs, security groups,
 * connection tracking and flow-log aggregation, on the world of {@link PipelineWorld} (10,000 ENIs with
 * 1,000 rules each) and 100,000 Zipf-distributed flows.
 *
 * <p>{@code oneCore} runs one worker; {@code twoCores} two, each with the packets the flow steering
 * gives it (as receive-side scaling would hand them over), sharing one connection-tracking table and
 * one flow-log writer. Scores are per packet (ops = packets).
 *
 * <pre>java -jar bench/target/benchmarks.jar PipelineBenchmark -prof gc</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.ADD_EXPORTS, "-Xmx4g", "-XX:MaxDirectMemorySize=2g"})
public class PipelineBenchmark {

    static final int BATCH = 1024;
    static final int PACKETS = 1 << 20;
    static final int FLOWS = 100_000;
    static final double ZIPF = 1.0;

    PolicySnapshot policy;
    ConnTrackTable conntrack;
    ManyToOneRingBuffer ring;
    AgentRunner writerRunner;
    FlowLogWriterAgent writer;
    UnsafeBuffer frames;
    int[] offsets;
    int[] lengths;
    /** The worker each packet is steered to, for {@code workers} workers. */
    int[] steering;
    int workers;
    final AtomicInteger nextWorker = new AtomicInteger();
    volatile long records;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        workers = params.getThreads();
        World world = PipelineWorld.world(42);
        policy = new PolicyCompiler().compile(world, null, null);
        conntrack = new ConnTrackTable(1 << 20, TimeUnit.SECONDS.toNanos(5), policy.eniCount());
        ring = new ManyToOneRingBuffer(new UnsafeBuffer(ByteBuffer.allocateDirect((1 << 22) + RingBufferDescriptor.TRAILER_LENGTH)));
        writer = FlowLogWriterAgent.builder(ring, workers, new FlowLogSink() {
            @Override
            public void accept(FlowLogRecord r) {
                records++;
            }
        }).intervalSeconds(60).enis(policy::flowLogEni).build();
        writerRunner = new AgentRunner(new BackoffIdleStrategy(1, 10, 1_000, 1_000_000), Throwable::printStackTrace, null, writer);
        AgentRunner.startOnThread(writerRunner);
        buildTraffic();
    }

    private void buildTraffic() {
        List<PipelineWorld.Flow> flows = PipelineWorld.flows(FLOWS, 7);
        Zipf zipf = new Zipf(FLOWS, ZIPF);
        SplittableRandom r = new SplittableRandom(11);
        boolean[] opened = new boolean[FLOWS];
        byte[][] built = new byte[PACKETS][];
        long total = 0;
        for (int p = 0; p < PACKETS; p++) {
            int flow = zipf.next(r);
            boolean first = !opened[flow];
            opened[flow] = true;
            built[p] = PipelineWorld.frame(flows.get(flow), first, !first && r.nextBoolean());
            total += built[p].length;
        }
        frames = new UnsafeBuffer(ByteBuffer.allocateDirect((int) total));
        offsets = new int[PACKETS];
        lengths = new int[PACKETS];
        steering = new int[PACKETS];
        DecodedPacket d = new DecodedPacket();
        int at = 0;
        for (int p = 0; p < PACKETS; p++) {
            frames.putBytes(at, built[p]);
            offsets[p] = at;
            lengths[p] = built[p].length;
            at += built[p].length;
            PacketDecoder.decode(LinkType.ETHERNET, frames, offsets[p], lengths[p], lengths[p], 0, d);
            steering[p] = FlowSteering.worker(policy, d, workers);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        writerRunner.close();
    }

    /** One worker's state: its judge, its share of the packets, its clock. */
    @State(Scope.Thread)
    public static class Worker {
        PacketJudge judge;
        final DecodedPacket packet = new DecodedPacket();
        final FastVerdict verdict = new FastVerdict();
        int[] mine;
        int cursor;
        long clock = 1_767_225_600_000_000_000L;
        long sequence;

        @Setup(Level.Trial)
        public void setUp(PipelineBenchmark b) {
            int index = b.nextWorker.getAndIncrement();
            FastFlowLogAggregator flowLog = FastFlowLogAggregator.builder(b.ring, index).intervalSeconds(60).build();
            judge = new PacketJudge(b.policy, b.conntrack.newWorker(), new StageCounters(b.policy.eniCount()), flowLog);
            int n = 0;
            for (int w : b.steering) {
                if (w == index) {
                    n++;
                }
            }
            mine = new int[n];
            n = 0;
            for (int p = 0; p < b.steering.length; p++) {
                if (b.steering[p] == index) {
                    mine[n++] = p;
                }
            }
        }
    }

    private void judgeBatch(Worker w, Blackhole bh) {
        int[] mine = w.mine;
        for (int i = 0; i < BATCH; i++) {
            int p = mine[w.cursor];
            if (++w.cursor == mine.length) {
                w.cursor = 0;
            }
            w.clock += 1_000;
            PacketDecoder.decode(LinkType.ETHERNET, frames, offsets[p], lengths[p], lengths[p], w.clock, w.packet);
            w.judge.judge(w.packet, ++w.sequence, w.clock, w.verdict);
            bh.consume(w.verdict.action);
        }
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(BATCH)
    public void oneCore(Worker w, Blackhole bh) {
        judgeBatch(w, bh);
    }

    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(BATCH)
    public void twoCores(Worker w, Blackhole bh) {
        judgeBatch(w, bh);
    }
}
