package io.sgemu.bench;

import io.sgemu.control.compile.PolicyCompiler;
import io.sgemu.dataplane.flowlog.FlowLogSink;
import io.sgemu.dataplane.io.LiveCounters;
import io.sgemu.dataplane.io.LivePath;
import io.sgemu.dataplane.io.TunnelKind;
import io.sgemu.dataplane.policy.PolicySnapshot;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The live dataplane's path from a received VXLAN datagram to its verdict, without sockets: the event loop's
 * part (check the tunnel header, decode, steer, copy into the worker's ring) and the worker's (decode,
 * resolve both ends, NACLs, security groups, connection tracking, flow-log aggregation), on the world of
 * {@link PipelineWorld} and 100,000 Zipf-distributed flows. Scores are per datagram; with {@code -prof gc},
 * {@code gc.alloc.rate.norm} is what our code allocates per datagram (Netty's own per-datagram objects are
 * not on this path).
 *
 * <pre>java -jar bench/target/benchmarks.jar LivePathBenchmark -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.ADD_EXPORTS, "-Xmx4g", "-XX:MaxDirectMemorySize=2g"})
public class LivePathBenchmark {

    static final int BATCH = 256;
    static final int PACKETS = 1 << 18;
    static final int FLOWS = 100_000;

    LivePath path;
    UnsafeBuffer datagrams;
    int[] offsets;
    int[] lengths;
    final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    final InetSocketAddress sender = new InetSocketAddress("192.0.2.10", 4789);
    int next;
    long records;

    @Setup
    public void setUp() {
        PolicySnapshot policy = new PolicyCompiler().compile(PipelineWorld.world(42), null, null);
        path = new LivePath(policy, TunnelKind.VXLAN, (FlowLogSink) r -> records++, 1 << 20);
        List<PipelineWorld.Flow> flows = PipelineWorld.flows(FLOWS, 7);
        Zipf zipf = new Zipf(FLOWS, 1.0);
        SplittableRandom r = new SplittableRandom(11);
        boolean[] opened = new boolean[FLOWS];
        byte[][] built = new byte[PACKETS][];
        long total = 0;
        for (int p = 0; p < PACKETS; p++) {
            int flow = zipf.next(r);
            boolean first = !opened[flow];
            opened[flow] = true;
            byte[] frame = PipelineWorld.frame(flows.get(flow), first, !first && r.nextBoolean());
            built[p] = ByteBuffer.allocate(8 + frame.length).put((byte) 0x08).put(new byte[3]).putInt(7001 << 8)
                    .put(frame).array();
            total += built[p].length;
        }
        datagrams = new UnsafeBuffer(ByteBuffer.allocateDirect((int) total));
        offsets = new int[PACKETS];
        lengths = new int[PACKETS];
        int at = 0;
        for (int p = 0; p < PACKETS; p++) {
            datagrams.putBytes(at, built[p]);
            offsets[p] = at;
            lengths[p] = built[p].length;
            at += built[p].length;
        }
    }

    /** A batch of datagrams received, then judged by the worker. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int receiveAndJudge() {
        int p = next;
        for (int i = 0; i < BATCH; i++) {
            view.wrap(datagrams, offsets[p], lengths[p]);
            path.receive(view, lengths[p], sender);
            p = (p + 1) & (PACKETS - 1);
        }
        next = p;
        int judged = 0;
        while (judged < BATCH) {
            int n = path.judge();
            if (n == 0) {
                break;
            }
            judged += n;
        }
        return judged;
    }

    /** Datagrams lost to a full ring would make the scores lie: none may be. */
    @org.openjdk.jmh.annotations.TearDown
    public void check() {
        if (path.counters().get(LiveCounters.DROPPED_QUEUE_FULL) != 0) {
            throw new IllegalStateException("the ring overflowed: the benchmark must judge what it receives");
        }
    }
}
