package io.sgemu.bench;

import io.sgemu.control.ec2.ControlPlane;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.dataplane.flowlog.FlowLogSink;
import io.sgemu.dataplane.io.LiveCounters;
import io.sgemu.dataplane.io.LivePath;
import io.sgemu.dataplane.io.TunnelKind;
import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;
import io.sgemu.dataplane.policy.Policy;
import io.sgemu.dataplane.policy.PolicySnapshot;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.UnsafeBuffer;
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
 *
 * <p>The path measured: the live dataplane's path from a received VXLAN datagram to its verdict, without sockets: the event loop's
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
public class LivePathChangesBenchmark {

    static final int BATCH = 256;
    static final int PACKETS = 1 << 18;
    static final int FLOWS = 100_000;

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
    UnsafeBuffer datagrams;
    int[] offsets;
    int[] lengths;
    final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    final InetSocketAddress sender = new InetSocketAddress("192.0.2.10", 4789);
    int next;
    long records;

    @Setup
    public void setUp() {
        control = new ControlPlane(PipelineWorld.world(42), null, p -> latest = p);
        PolicySnapshot policy = control.current().policy();
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
        changer = new Thread(() -> {
            long due = System.nanoTime();
            while (!stop) {
                List<String> ids = new ArrayList<>(control.world().securityGroups().keySet());
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
