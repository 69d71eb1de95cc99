package io.sgemu.bench.sweep;

import io.sgemu.bench.ClassificationRuleSet;
import io.sgemu.control.compile.PolicyCompiler;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.IpAddress;
import io.sgemu.dataplane.policy.PolicySnapshot;

/**
 * Sweep 1: an inbound packet's verdict against the number of rules of its ENI (10 to 100k; quick: 10, 1k,
 * 10k), on one ENI whose one group holds a generated ClassBench-like rule set
 * ({@link ClassificationRuleSet#generate}), judged by the compiled policy, the reference evaluator and a
 * linear scan. Writes {@code rules-latency.csv}, {@code rules-throughput.csv}, {@code rules-*.hgrm} and
 * {@code rules-ratios.csv}.
 */
public final class RulesSweep {

    static final int TRACE = 1 << 16;

    private RulesSweep() {
    }

    public static void main(String[] args) {
        Sweeps.run("RulesSweep", args, RulesSweep::run);
    }

    static void run(SweepOptions o) {
        int[] sizes = o.pick(new int[] {10, 100, 1_000, 10_000, 100_000}, new int[] {10, 1_000, 10_000},
                new int[] {10, 100});
        long budget = o.budgetNanos(3_000, 600);
        PolicySeries series = new PolicySeries("rules", "Verdict vs rules per ENI", "rules per ENI", "rules")
                .note("one ENI, one security group of N generated inbound rules (ClassBench-like prefixes, ports and "
                        + "protocols); a trace of " + TRACE + " inbound IPv4 headers from external sources, 90% inside a "
                        + "random rule")
                .note("sgemu: the compiled policy as the fast path asks it (address lookup, source identity, NACL, "
                        + "security groups; no connection tracking); reference: ReferenceEvaluator.evaluate, a new "
                        + "flow per packet; linear scan: first match over the rule list, no index")
                .note("one thread; the machine is shared, figures are indicative");
        for (int rules : sizes) {
            ClassificationRuleSet set = ClassificationRuleSet.generate(rules, TRACE, rules);
            World world = set.world();
            PolicySnapshot policy = new PolicyCompiler().compile(world, null, null);
            InboundTrace trace = InboundTrace.of(set, IpAddress.parse("10.0.0.10").v4Bits(), TRACE);
            BatchTimer.Result compiled = BatchTimer.measure(InboundLookups.compiled(policy, trace), budget);
            BatchTimer.Result reference = BatchTimer.measure(InboundLookups.reference(world, trace), budget);
            BatchTimer.Result linear = BatchTimer.measure(InboundLookups.linear(LinearScanClassifier.of(world), trace),
                    budget);
            series.add(rules, compiled, reference, linear);
        }
        series.write(o, Sweeps.LATENCY_NOTE);
    }
}
