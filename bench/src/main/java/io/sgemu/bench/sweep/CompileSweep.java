package io.sgemu.bench.sweep;

import io.sgemu.bench.PolicyScaleWorld;
import io.sgemu.control.compile.PolicyCompiler;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;
import io.sgemu.dataplane.policy.PolicySnapshot;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Sweep 4: the policy compiler against the world's size, on {@link PolicyScaleWorld} worlds: (a) ENIs
 * 1k to 100k with groups of 10 rules (one group per ten ENIs, 1-5 groups per ENI), (b) rules 10k to 1M
 * (groups of 100 rules) on 10k ENIs. For each: the time of a compilation from scratch and of one rule
 * added to one group (compiled from the previous snapshot), the compiled policy's bytes by its own
 * accounting ({@code PolicySnapshot.bytes()}) and the heap the snapshot retains. Writes
 * {@code compile-time-enis.csv}, {@code compile-memory-enis.csv}, {@code compile-time-rules.csv},
 * {@code compile-memory-rules.csv} and {@code compile-ratios.csv}.
 */
public final class CompileSweep {

    private CompileSweep() {
    }

    public static void main(String[] args) {
        Sweeps.run("CompileSweep", args, CompileSweep::run);
    }

    /** One point's figures. */
    record Point(double x, double scratchMs, double incrementalMs, double compiledMb, double retainedMb, double worldMb) {
    }

    static void run(SweepOptions o) {
        // the compiler's code is warmed up first on a small world, so that the first point is not the JIT's
        World warm = PolicyScaleWorld.build(100, 10, 1_000, 1);
        for (int i = 0; i < o.pick(5, 3, 1); i++) {
            new PolicyCompiler().compile(warm, null, null);
        }
        RatioTable ratios = new RatioTable("Policy compiler: one rule changed, compiled from the previous snapshot, "
                + "against a compilation from scratch");
        ratios.note("baseline: the same world compiled from scratch; sgemu: one rule added to one group, compiled with "
                + "the previous snapshot (the control plane's path); one thread");
        List<Point> enis = new ArrayList<>();
        for (int n : o.pick(new int[] {1_000, 3_000, 10_000, 30_000, 100_000}, new int[] {1_000, 10_000},
                new int[] {100, 300})) {
            enis.add(measure(n, () -> PolicyScaleWorld.build(Math.max(10, n / 10), 10, n, n)));
        }
        write(o, "enis", "ENIs (ENIs) log", "groups of 10 rules, one group per ten ENIs (at least 10), 1-5 groups "
                + "per ENI, 400 subnets with a NACL each", enis);
        List<Point> rules = new ArrayList<>();
        int rulesEnis = o.pick(10_000, 10_000, 200);
        for (int n : o.pick(new int[] {10_000, 100_000, 300_000, 1_000_000}, new int[] {10_000, 100_000},
                new int[] {1_000, 2_000})) {
            rules.add(measure(n, () -> PolicyScaleWorld.build(n / 100, 100, rulesEnis, n)));
        }
        write(o, "rules", "rules in the world (rules) log", rulesEnis + " ENIs, groups of 100 rules, 1-5 groups per "
                + "ENI, 400 subnets with a NACL each", rules);
        for (List<Point> points : List.of(enis, rules)) {
            Point last = points.get(points.size() - 1);
            String what = points == enis ? (long) last.x() + " ENIs" : (long) last.x() + " rules";
            ratios.time("compile time at " + what, last.incrementalMs(), last.scratchMs(), "ms");
        }
        ratios.write(o.file("compile-ratios.csv"));
    }

    private static Point measure(double x, java.util.function.Supplier<World> build) {
        long base = usedAfterGc();
        World world = build.get();
        long withWorld = usedAfterGc();
        long c0 = System.nanoTime();
        PolicySnapshot snapshot = new PolicyCompiler().compile(world, null, null);
        long c1 = System.nanoTime();
        long withSnapshot = usedAfterGc();
        World changed = oneRuleAdded(world);
        long i0 = System.nanoTime();
        PolicySnapshot next = new PolicyCompiler().compile(changed, null, snapshot);
        long i1 = System.nanoTime();
        Point p = new Point(x, (c1 - c0) / 1e6, (i1 - i0) / 1e6, snapshot.bytes() / 1e6,
                Math.max(0, withSnapshot - withWorld) / 1e6, Math.max(0, withWorld - base) / 1e6);
        System.out.printf("compile %.0f: from scratch %.1f ms, one rule changed %.1f ms, compiled %.1f MB, retained "
                        + "%.1f MB, world %.1f MB (%d policies)%n", x, p.scratchMs(), p.incrementalMs(),
                p.compiledMb(), p.retainedMb(), p.worldMb(), next.policyCount());
        return p;
    }

    /** One TCP rule (a /32 peer, port 8443) added to the inbound rules of the world's first group. */
    static World oneRuleAdded(World w) {
        SecurityGroup g = w.securityGroups().values().iterator().next();
        List<SgRule> in = new ArrayList<>(g.ingress());
        in.add(new SgRule(null, false, Protocols.TCP, 8443, 8443,
                new Peer.CidrPeer(new Cidr(IpAddress.v4(0xC633_6407), 32)), null, in.size()));
        return w.withSecurityGroup(new SecurityGroup(g.id(), g.name(), g.vpcId(), g.ownerId(), in, g.egress()));
    }

    private static void write(SweepOptions o, String name, String x, String world, List<Point> points) {
        String how = "wall time of PolicyCompiler.compile on one thread, one run per point (the compiler's code warmed "
                + "up on a small world first); one rule changed: one TCP rule added to one group, compiled with the "
                + "previous snapshot as the control plane does";
        SweepCsv time = new SweepCsv("Policy compiler: compile time vs " + name, x, "compile time (ms) log",
                "from scratch", "one rule changed").note(world).note(how)
                .note("the machine is shared, figures are indicative");
        SweepCsv memory = new SweepCsv("Policy compiler: memory vs " + name, x, "memory (MB) log",
                "compiled policy (own accounting)", "heap retained by the snapshot", "heap of the world model")
                .note(world)
                .note("compiled policy: PolicySnapshot.bytes(); retained: used heap after full collections with the "
                        + "snapshot minus without it (it includes the compiler state the snapshot carries for the next "
                        + "compilation); world model: the same for the World records")
                .note("the machine is shared, figures are indicative");
        for (Point p : points) {
            time.row(p.x(), p.scratchMs(), p.incrementalMs());
            memory.row(p.x(), p.compiledMb(), positive(p.retainedMb()), positive(p.worldMb()));
        }
        time.write(o.file("compile-time-" + name + ".csv"));
        memory.write(o.file("compile-memory-" + name + ".csv"));
    }

    /** A heap difference too small to measure is no point (the collector's noise), not zero. */
    private static double positive(double mb) {
        return mb > 0.05 ? mb : Double.NaN;
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
