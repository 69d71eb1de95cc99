package io.sgemu.bench;

import io.sgemu.control.ec2.ControlPlane;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.dataplane.flowlog.FlowLogSink;
import io.sgemu.dataplane.io.LivePath;
import io.sgemu.dataplane.io.TunnelKind;
import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;
import io.sgemu.dataplane.policy.Policy;
import io.sgemu.dataplane.policy.PolicySnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link LivePathBenchmark}'s path while a control plane applies changes concurrently: {@code changesPerSecond}
 * 0 (none) or, say, 100 (a thread applies one rule change through {@link ControlPlane} every 10 ms, or as fast
 * as it can when a change takes longer; the rate reached is printed at tear-down). The measured thread takes
 * the latest snapshot once per batch, as a live worker does (a volatile load). Compare the two scores.
 *
 * <pre>java -jar bench/target/benchmarks.jar LivePathChangesBenchmark -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.ADD_EXPORTS, "-Xmx4g", "-XX:MaxDirectMemorySize=2g"})
public class LivePathChangesBenchmark {

    static final int BATCH = LiveDatagrams.BATCH;

    @Param({"0", "100"})
    public int changesPerSecond;

    LivePath path;
    ControlPlane control;
    /** The latest snapshot (volatile: written by the changing thread's control-plane listener, read per batch). */
    volatile Policy latest;
    volatile boolean stop;
    Thread changer;
    long changesAtStart;
    long startNanos;
    LiveDatagrams datagrams;
    long records;

    @Setup
    public void setUp() {
        control = new ControlPlane(PipelineWorld.world(42), null, p -> latest = p);
        PolicySnapshot policy = control.current().policy();
        path = new LivePath(policy, TunnelKind.VXLAN, (FlowLogSink) r -> records++, 1 << 20);
        datagrams = new LiveDatagrams();
    }

    /** Starts the changing thread for each iteration (and warm-up), so that it runs only while measured. */
    @Setup(Level.Iteration)
    public void startChanges() {
        stop = false;
        changesAtStart = control.current().version();
        startNanos = System.nanoTime();
        if (changesPerSecond == 0) {
            return;
        }
        long periodNanos = 1_000_000_000L / changesPerSecond;
        SplittableRandom r = new SplittableRandom(changesAtStart);
        List<String> ids = new ArrayList<>(control.world().securityGroups().keySet()); // the changes add rules only
        changer = new Thread(() -> {
            long due = System.nanoTime();
            while (!stop) {
                String id = ids.get(r.nextInt(ids.size()));
                int port = 1 + r.nextInt(65000);
                Cidr peer = new Cidr(IpAddress.v4((10 << 24) | r.nextInt(1 << 24)), 32);
                control.apply(w -> {
                    SecurityGroup g = w.securityGroups().get(id);
                    List<SgRule> in = new ArrayList<>(g.ingress());
                    in.add(new SgRule(null, false, Protocols.TCP, port, port, new Peer.CidrPeer(peer), null, in.size()));
                    return w.withSecurityGroup(new SecurityGroup(g.id(), g.name(), g.vpcId(), g.ownerId(), in, g.egress()));
                });
                due += periodNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                } else {
                    due = System.nanoTime(); // behind: no catching up in a burst
                }
            }
        }, "changes");
        changer.setDaemon(true);
        changer.start();
    }

    @org.openjdk.jmh.annotations.TearDown(Level.Iteration)
    public void stopChanges() throws InterruptedException {
        stop = true;
        if (changer != null) {
            changer.join();
            changer = null;
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf("%n  changes applied: %d in %.1f s (%.1f/s)%n", control.current().version() - changesAtStart,
                seconds, (control.current().version() - changesAtStart) / seconds);
    }

    /** A batch of datagrams received, then judged by the worker against the latest snapshot. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int receiveAndJudge() {
        Policy latestPolicy = latest; // volatile load, once per batch
        if (latestPolicy != path.policy()) {
            path.setPolicy(latestPolicy);
        }
        return datagrams.receiveAndJudge(path);
    }

    /** Datagrams lost to a full ring would make the scores lie: none may be. */
    @org.openjdk.jmh.annotations.TearDown
    public void check() {
        LiveDatagrams.checkNoOverflow(path);
    }
}
