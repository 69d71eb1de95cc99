package io.sgemu.bench.sweep;

import io.sgemu.bench.PolicyScaleWorld;
import io.sgemu.control.compile.PolicyCompiler;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.policy.PolicySnapshot;

/**
 * Sweep 2: an inbound packet's verdict against the number of ENIs in the world (1 to 100k; quick: up to
 * 10k), on {@link PolicyScaleWorld} worlds with rules per ENI held about constant (groups of
 * {@value #RULES_PER_GROUP} rules, 1-5 groups per ENI, one group per ten ENIs), judged by the compiled
 * policy, the reference evaluator and a linear scan (of the ENIs, then of the ENI's rules). Writes
 * {@code enis-latency.csv}, {@code enis-throughput.csv}, {@code enis-*.hgrm} and {@code enis-ratios.csv}.
 */
public final class EnisSweep {

    static final int RULES_PER_GROUP = 20;
    static final int TRACE = 1 << 16;

    private EnisSweep() {
    }

    public static void main(String[] args) {
        Sweeps.run("EnisSweep", args, EnisSweep::run);
    }

    static int groups(int enis) {
        return Math.max(10, Math.min(10_000, enis / 10));
    }

    static void run(SweepOptions o) {
        int[] sizes = o.pick(new int[] {1, 10, 100, 1_000, 10_000, 100_000}, new int[] {1, 10, 100, 1_000, 10_000},
                new int[] {1, 10});
        long budget = o.budgetNanos(3_000, 500);
        PolicySeries series = new PolicySeries("enis", "Verdict vs ENIs in the world", "ENIs", "ENIs")
                .note("generated worlds (PolicyScaleWorld): N ENIs with 1-5 of max(10, N/10) groups of "
                        + RULES_PER_GROUP + " rules (70% inbound; CIDR, group and prefix-list peers), 400 subnets with "
                        + "a NACL each; a trace of " + TRACE + " inbound IPv4 packets from external sources to random "
                        + "ENIs, 90% inside one of the ENI's rules")
                .note("sgemu: the compiled policy as the fast path asks it (address lookup, source identity, NACL, "
                        + "security groups; no connection tracking); reference: ReferenceEvaluator.evaluate, a new "
                        + "flow per packet; linear scan: a scan of the ENIs' addresses, then first match over the ENI's "
                        + "inbound rules, no index")
                .note("one thread; the machine is shared, figures are indicative");
        for (int enis : sizes) {
            World world = PolicyScaleWorld.build(groups(enis), RULES_PER_GROUP, enis, 0, enis);
            PolicySnapshot policy = new PolicyCompiler().compile(world, null, null);
            InboundTrace trace = InboundTrace.of(world, TRACE, enis);
            BatchTimer.Result compiled = BatchTimer.measure(InboundLookups.compiled(policy, trace), budget);
            BatchTimer.Result reference = BatchTimer.measure(InboundLookups.reference(world, trace), budget);
            BatchTimer.Result linear = BatchTimer.measure(InboundLookups.linear(LinearScanClassifier.of(world), trace),
                    budget);
            series.add(enis, compiled, reference, linear);
        }
        series.write(o, Sweeps.LATENCY_NOTE);
    }
}
