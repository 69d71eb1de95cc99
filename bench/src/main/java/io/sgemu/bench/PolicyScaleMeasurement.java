package io.sgemu.bench;

import io.sgemu.control.compile.PolicyCompiler;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.policy.PolicySnapshot;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles a large world (default: 100k ENIs, 10k groups of 100 rules = 1M rules, ENIs with 1-5 groups)
 * and reports the compile time, the compiled policy's size by its own byte accounting, and the heap it
 * retains (used heap after full collections, with and without the snapshot), then a membership-only
 * recompilation.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.sgemu.bench.PolicyScaleMeasurement [enis groups rulesPerGroup]
 * </pre>
 */
public final class PolicyScaleMeasurement {

    private PolicyScaleMeasurement() {
    }

    public static void main(String[] args) {
        int enis = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int groups = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int rules = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        long t0 = System.nanoTime();
        World world = PolicyScaleWorld.build(groups, rules, enis, 42);
        System.out.printf("world: %d ENIs, %d groups x %d rules = %d rules, built in %.1f s%n", enis, groups, rules,
                (long) groups * rules, (System.nanoTime() - t0) / 1e9);

        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        // A cold compilation first (as a process that starts and compiles once), then the measured one from
        // scratch again (as a long-running control plane, whose code is compiled by the JIT by then).
        long cold0 = System.nanoTime();
        long coldCpu0 = threads.getCurrentThreadCpuTime();
        new PolicyCompiler().compile(world, null, null);
        System.out.printf("cold compile (first in this JVM): %.2f s wall, %.2f s CPU%n", (System.nanoTime() - cold0) / 1e9,
                (threads.getCurrentThreadCpuTime() - coldCpu0) / 1e9);

        long before = usedAfterGc();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long c0 = System.nanoTime();
        PolicySnapshot snapshot = new PolicyCompiler().compile(world, null, null);
        long c1 = System.nanoTime();
        long cpu1 = threads.getCurrentThreadCpuTime();
        long after = usedAfterGc();
        System.out.printf("compile from scratch: %.2f s wall, %.2f s CPU of the compiling thread%n", (c1 - c0) / 1e9, (cpu1 - cpu0) / 1e9);
        System.out.println("  " + snapshot.describeBytes());
        System.out.printf("compiled policy, own accounting: %.1f MB (%d policies, %d addresses, %d identities)%n",
                snapshot.bytes() / 1e6, snapshot.policyCount(), snapshot.addressCount(), snapshot.identityCount());
        System.out.printf("retained heap (snapshot and the compiler state it carries): %.1f MB%n", (after - before) / 1e6);

        // A membership-only change: 1000 ENIs move to another ENI's group set.
        List<NetworkInterface> all = new ArrayList<>(world.networkInterfaces().values());
        java.util.Map<String, NetworkInterface> moved = new java.util.LinkedHashMap<>(world.networkInterfaces());
        for (int i = 0; i < 1000; i++) {
            NetworkInterface e = all.get(i * 37 % all.size());
            NetworkInterface donor = all.get((i * 91 + 5) % all.size());
            moved.put(e.id(), e.withGroups(donor.groupIds()));
        }
        World changed = new World(world.vpcs(), world.subnets(), world.networkAcls(), world.securityGroups(), moved,
                world.prefixLists());
        long m0 = System.nanoTime();
        long mc0 = threads.getCurrentThreadCpuTime();
        PolicySnapshot next = new PolicyCompiler().compile(changed, null, snapshot);
        long m1 = System.nanoTime();
        long mc1 = threads.getCurrentThreadCpuTime();
        System.out.printf("membership change of 1000 ENIs, recompiled from the previous snapshot: %.2f s wall, "
                + "%.2f s CPU (%.1f MB)%n", (m1 - m0) / 1e9, (mc1 - mc0) / 1e9, next.bytes() / 1e6);
    }

    private static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
