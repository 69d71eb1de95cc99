package io.sgemu.bench.sweep;

import io.sgemu.bench.PolicyScaleWorld;
import io.sgemu.bench.SnapshotLatencyMeasurement;
import io.sgemu.control.ec2.ControlPlane;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.io.ListenerUri;
import io.sgemu.dataplane.io.LiveConfig;
import io.sgemu.dataplane.io.LiveDataplane;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * Sweep 5: how long a change takes to be in force on the live dataplane against the world's size (ENIs 1k to
 * 100k; quick: 1k, 10k), on {@link PolicyScaleWorld} worlds (groups of 10 rules, one per ten ENIs): from the
 * start of a {@link ControlPlane#apply} call until every worker of a {@link LiveDataplane} judges by the new
 * snapshot ({@code awaitPolicy}), for one rule added to a group and for an ENI joining a group other rules
 * reference. The changes and their timing are {@link SnapshotLatencyMeasurement}'s. Writes
 * {@code hotswap.csv}, {@code hotswap-rule.hgrm}, {@code hotswap-membership.hgrm} and {@code hotswap-ratios.csv}.
 */
public final class HotSwapSweep {

    private HotSwapSweep() {
    }

    public static void main(String[] args) {
        Sweeps.run("HotSwapSweep", args, HotSwapSweep::run);
    }

    static void run(SweepOptions o) throws Exception {
        int changes = o.pick(100, 20, 3);
        int workers = 1;
        SweepCsv csv = new SweepCsv("Hot swap: a change in force on every worker vs world size", "ENIs (ENIs) log",
                "latency (ms) log", "rule change p50", "rule change p99", "membership change p50",
                "membership change p99")
                .note("PolicyScaleWorld worlds: groups of 10 rules, one group per ten ENIs, 1-5 groups per ENI, 400 "
                        + "subnets with a NACL each")
                .note("from the start of ControlPlane.apply (edit, compile from the previous snapshot, hand-off) until "
                        + "LiveDataplane.awaitPolicy sees every worker on the new snapshot; " + changes + " changes of "
                        + "each kind per point after " + Math.max(50, changes / 2) + " unmeasured ones; " + workers
                        + " worker, idle (a new snapshot wakes it)")
                .note("rule change: one TCP rule added to a random group; membership change: a random ENI joins a group "
                        + "that other groups' rules reference")
                .note("the machine is shared, figures are indicative");
        double lastScratch = Double.NaN;
        long[] lastRule = null;
        long[] lastMember = null;
        int lastSize = 0;
        for (int enis : o.pick(new int[] {1_000, 10_000, 100_000}, new int[] {1_000, 10_000}, new int[] {100, 300})) {
            World world = PolicyScaleWorld.build(Math.max(10, enis / 10), 10, enis, enis);
            LiveDataplane[] live = new LiveDataplane[1];
            ControlPlane control = new ControlPlane(world, null, p -> {
                if (live[0] != null) {
                    live[0].setPolicy(p);
                }
            });
            try (LiveDataplane l = LiveDataplane.start(new LiveConfig(control.current().policy()).workers(workers)
                    .conntrackCapacity(1 << 16).listen(ListenerUri.parse("udp://127.0.0.1:0")))) {
                live[0] = l;
                List<String> referenced = new ArrayList<>(SnapshotLatencyMeasurement.referencedGroups(control.world()));
                SplittableRandom r = new SplittableRandom(7);
                int warm = Math.max(50, changes / 2); // the first point also warms the JIT up
                SnapshotLatencyMeasurement.run(l, control, warm,
                        () -> SnapshotLatencyMeasurement.ruleChange(r, control.world()));
                SnapshotLatencyMeasurement.run(l, control, warm,
                        () -> SnapshotLatencyMeasurement.membershipChange(r, control.world(), referenced));
                long[] rule = total(SnapshotLatencyMeasurement.run(l, control, changes,
                        () -> SnapshotLatencyMeasurement.ruleChange(r, control.world())));
                long[] member = total(SnapshotLatencyMeasurement.run(l, control, changes,
                        () -> SnapshotLatencyMeasurement.membershipChange(r, control.world(), referenced)));
                csv.row(enis, q(rule, 0.5), q(rule, 0.99), q(member, 0.5), q(member, 0.99));
                System.out.printf("hot swap %d ENIs: rule change p50 %.2f ms p99 %.2f ms; membership change p50 %.2f ms "
                        + "p99 %.2f ms%n", enis, q(rule, 0.5), q(rule, 0.99), q(member, 0.5), q(member, 0.99));
                long[] scratch = new long[o.pick(3, 3, 1)];
                for (int i = 0; i < scratch.length; i++) {
                    long t0 = System.nanoTime();
                    new io.sgemu.control.compile.PolicyCompiler().compile(control.world(), null, null);
                    scratch[i] = System.nanoTime() - t0;
                }
                Arrays.sort(scratch);
                lastScratch = q(scratch, 0.5);
                lastRule = rule;
                lastMember = member;
                lastSize = enis;
            }
        }
        csv.write(o.file("hotswap.csv"));
        BatchTimer.writeHistogram(o.file("hotswap-rule.hgrm"), "Hot swap at " + lastSize
                + " ENIs: one rule added, apply start to every worker on it", histogram(lastRule));
        BatchTimer.writeHistogram(o.file("hotswap-membership.hgrm"), "Hot swap at " + lastSize
                + " ENIs: an ENI joins a referenced group, apply start to every worker on it", histogram(lastMember));
        RatioTable ratios = new RatioTable("Hot swap against a recompilation from scratch at " + lastSize + " ENIs");
        ratios.note("sgemu: p50 from the start of apply to every worker on the new snapshot; baseline: the median of "
                + "compiling the same world from scratch (the least a dataplane without incremental compilation and "
                + "hand-off would pay, before any restart); one thread");
        ratios.time("rule change in force vs compile from scratch", q(lastRule, 0.5), lastScratch, "ms");
        ratios.time("membership change in force vs compile from scratch", q(lastMember, 0.5), lastScratch, "ms");
        ratios.write(o.file("hotswap-ratios.csv"));
    }

    /** Per change: the apply call plus the time from its return until every worker is on the snapshot. */
    private static long[] total(long[][] t) {
        long[] out = new long[t[0].length];
        for (int i = 0; i < out.length; i++) {
            out[i] = t[0][i] + t[1][i];
        }
        Arrays.sort(out);
        return out;
    }

    /** The {@code q} quantile of sorted nanoseconds, in milliseconds. */
    private static double q(long[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    private static Histogram histogram(long[] nanos) {
        Histogram h = new Histogram(3_600_000_000_000L, 3);
        for (long n : nanos) {
            h.recordValue(Math.max(1, n));
        }
        return h;
    }
}
