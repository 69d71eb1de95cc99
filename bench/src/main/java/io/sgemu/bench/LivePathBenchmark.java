package io.sgemu.bench;

import io.sgemu.control.compile.PolicyCompiler;
import io.sgemu.dataplane.flowlog.FlowLogSink;
import io.sgemu.dataplane.io.LivePath;
import io.sgemu.dataplane.io.TunnelKind;
import io.sgemu.dataplane.policy.PolicySnapshot;
import java.util.concurrent.TimeUnit;
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

    static final int BATCH = LiveDatagrams.BATCH;

    LivePath path;
    LiveDatagrams datagrams;
    long records;

    @Setup
    public void setUp() {
        PolicySnapshot policy = new PolicyCompiler().compile(PipelineWorld.world(42), null, null);
        path = new LivePath(policy, TunnelKind.VXLAN, (FlowLogSink) r -> records++, 1 << 20);
        datagrams = new LiveDatagrams();
    }

    /** A batch of datagrams received, then judged by the worker. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int receiveAndJudge() {
        return datagrams.receiveAndJudge(path);
    }

    /** Datagrams lost to a full ring would make the scores lie: none may be. */
    @org.openjdk.jmh.annotations.TearDown
    public void check() {
        LiveDatagrams.checkNoOverflow(path);
    }
}
