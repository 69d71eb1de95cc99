package io.sgemu.bench;

import io.sgemu.control.compile.PolicyCompiler;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.IpAddress;
import io.sgemu.dataplane.policy.Policy;
import io.sgemu.dataplane.policy.PolicySnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
 * The other questions of {@link Policy} over a compiled large world (20k ENIs, 2k groups of 100 rules,
 * 400 subnets with NACLs; ENIs in 50 roles, or each with its own groups): address lookup with identity, the full security-group check of a packet
 * between two ENIs (both ends' groups, through identities), the untracked-flow test, NACLs, reserved
 * traffic. One operation is one packet (batches of {@value #BATCH}); {@code -prof gc} shows they allocate
 * nothing.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar PolicySnapshotBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.ADD_EXPORTS, "-Xmx4g"})
public class PolicySnapshotBenchmark {

    static final int BATCH = 1024;
    private static final int PACKETS = 1 << 16;

    /** 0: every ENI has its own random group set (worst case: the tables of the trace do not stay cached); else ENIs share that many roles. */
    @Param({"50", "0"})
    public int roles;

    private PolicySnapshot policy;
    private final int[] family = new int[PACKETS];
    private final long[] srcHi = new long[PACKETS];
    private final long[] srcLo = new long[PACKETS];
    private final long[] dstHi = new long[PACKETS];
    private final long[] dstLo = new long[PACKETS];
    private final int[] protocol = new int[PACKETS];
    private final int[] srcPort = new int[PACKETS];
    private final int[] dstPort = new int[PACKETS];
    private int cursor;

    @Setup(Level.Trial)
    public void setUp() {
        World world = PolicyScaleWorld.build(2_000, 100, 20_000, roles, 11);
        policy = new PolicyCompiler().compile(world, null, null);
        List<IpAddress> addresses = new ArrayList<>();
        for (NetworkInterface e : world.networkInterfaces().values()) {
            addresses.add(e.primaryIpv4());
        }
        SplittableRandom r = new SplittableRandom(5);
        int[] ports = {80, 443, 22, 53, 5432, 8080, 40000};
        for (int i = 0; i < PACKETS; i++) {
            IpAddress s = r.nextInt(5) == 0 ? IpAddress.v4(r.nextInt()) : addresses.get(r.nextInt(addresses.size()));
            IpAddress d = addresses.get(r.nextInt(addresses.size()));
            family[i] = 4;
            srcHi[i] = s.hi();
            srcLo[i] = s.lo();
            dstHi[i] = d.hi();
            dstLo[i] = d.lo();
            protocol[i] = r.nextInt(4) == 0 ? 17 : 6;
            srcPort[i] = 1024 + r.nextInt(60000);
            dstPort[i] = ports[r.nextInt(ports.length)];
        }
    }

    /**
     * What the stages ask for one packet between two ENIs: both addresses and identities, sg-egress of
     * the source, NACLs both ways, sg-ingress of the destination, the untracked test; the number of
     * positive answers is returned so that nothing is dead code.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int packetPath() {
        PolicySnapshot p = policy;
        int c = cursor;
        int yes = 0;
        for (int k = 0; k < BATCH; k++) {
            int i = (c + k) & (PACKETS - 1);
            int f = family[i];
            int se = p.findAddress(f, srcHi[i], srcLo[i]);
            int de = p.findAddress(f, dstHi[i], dstLo[i]);
            int a = se == Policy.NONE ? Policy.NONE : p.addressEni(se);
            int b = de == Policy.NONE ? Policy.NONE : p.addressEni(de);
            if (p.isReserved(f, srcHi[i], srcLo[i], dstHi[i], dstLo[i], protocol[i], srcPort[i], dstPort[i], a, b)) {
                continue;
            }
            int sid = se == Policy.NONE ? Policy.NONE : p.identity(se);
            int did = de == Policy.NONE ? Policy.NONE : p.identity(de);
            if (a != Policy.NONE && p.securityGroupAllows(a, true, f, dstHi[i], dstLo[i], did, protocol[i], dstPort[i], -1, -1)) {
                yes++;
                if (p.untracked(a, true, f, dstHi[i], dstLo[i], protocol[i], srcPort[i], dstPort[i])) {
                    yes++;
                }
                if (p.networkAclAllows(p.eniSubnet(a), true, f, dstHi[i], dstLo[i], protocol[i], dstPort[i], -1, -1)) {
                    yes++;
                }
            }
            if (b != Policy.NONE) {
                if (p.networkAclAllows(p.eniSubnet(b), false, f, srcHi[i], srcLo[i], protocol[i], dstPort[i], -1, -1)) {
                    yes++;
                }
                if (p.securityGroupAllows(b, false, f, srcHi[i], srcLo[i], sid, protocol[i], dstPort[i], -1, -1)) {
                    yes++;
                }
            }
            yes += de >= 0 && p.loggedLo(de) == dstLo[i] ? 1 : 0;
        }
        cursor = (c + BATCH) & (PACKETS - 1);
        return yes;
    }
}
