package io.sgemu.control.reference;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.control.model.World;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ReferenceEvaluator#decidingRule}: the rule it names as data is the rule the verdict's text names,
 * and asking never changes a verdict.
 */
class DecidingRuleTest {

    static LongStream seeds() {
        return LongStream.range(0, 40).map(i -> 0xDEC1DEL * 17 + i);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void theDecidingRuleIsTheOneTheTraceNamesAndAskingChangesNoVerdict(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        World w = ReferencePropertiesTest.RandomWorlds.world(r, r.nextBoolean());
        List<Packet> packets = ReferencePropertiesTest.RandomWorlds.packets(r, w, 300, r.nextBoolean());
        ReferenceEvaluator asked = new ReferenceEvaluator(w, EvaluatorSettings.DEFAULT);
        ReferenceEvaluator silent = new ReferenceEvaluator(w, EvaluatorSettings.DEFAULT);
        for (Packet p : packets) {
            Verdict v = asked.evaluate(p);
            for (StageDecision d : v.trace()) {
                DecidingRule rule = asked.decidingRule(d, p);
                assertThat(textOf(rule, d)).as("%s for %s, seed %d", d, p, seed).isEqualTo(d.decidedBy());
                assertThat(allows(rule)).as("%s for %s, seed %d", d, p, seed).isEqualTo(d.allowed());
            }
            assertThat(v).as("seed %d", seed).isEqualTo(silent.evaluate(p));
        }
    }

    @Test
    void randomCasesReachEveryKindOfDecision() {
        Set<DecidingRule.Kind> seen = EnumSet.noneOf(DecidingRule.Kind.class);
        for (long seed : seeds().toArray()) {
            SplittableRandom r = new SplittableRandom(seed);
            World w = ReferencePropertiesTest.RandomWorlds.world(r, r.nextBoolean());
            ReferenceEvaluator e = new ReferenceEvaluator(w, EvaluatorSettings.DEFAULT);
            for (Packet p : ReferencePropertiesTest.RandomWorlds.packets(r, w, 300, r.nextBoolean())) {
                for (StageDecision d : e.evaluate(p).trace()) {
                    seen.add(e.decidingRule(d, p).kind());
                }
            }
        }
        // NO_NACL needs a subnet without any NACL, which the random worlds never build (a default NACL exists).
        assertThat(seen).containsAll(EnumSet.complementOf(EnumSet.of(DecidingRule.Kind.NO_NACL)));
    }

    @Test
    void sgRuleSummaryCarriesGroupRuleIdAndDescription() {
        DecidingRule r = new DecidingRule(DecidingRule.Kind.SG_RULE, "sg-1", "sgr-9", "web", "tcp 443 from 0.0.0.0/0");
        assertThat(r.summary()).isEqualTo("sg-1 rule sgr-9: tcp 443 from 0.0.0.0/0 (\"web\")");
        assertThat(new DecidingRule(DecidingRule.Kind.NO_SG_RULE, "sg-1, sg-2", null, null, "x").summary())
                .isEqualTo("no security-group rule matches (sg-1, sg-2)");
        assertThat(DecidingRule.Kind.NACL_DEFAULT_DENY.label()).isEqualTo("nacl-default-deny");
    }

    /** The decision text the evaluator would write for this rule, rebuilt from the data alone. */
    private static String textOf(DecidingRule rule, StageDecision d) {
        return switch (rule.kind()) {
            case SG_RULE -> rule.ownerId() + " rule " + rule.ruleId() + ": " + rule.text();
            case NACL_ENTRY -> rule.ownerId() + " entry " + rule.ruleId() + ": " + rule.text();
            case NACL_DEFAULT_DENY -> rule.ownerId() + " default deny (*)";
            case NO_SG_RULE -> rule.ownerId().isEmpty() ? "no security group on " + d.eniId()
                    : "no rule of " + rule.ownerId() + " matched";
            default -> rule.text();
        };
    }

    private static boolean allows(DecidingRule rule) {
        return switch (rule.kind()) {
            case SG_RULE, NO_NACL, SAME_SUBNET, CONNTRACK -> true;
            case NO_SG_RULE, NACL_DEFAULT_DENY, ALLOWANCE -> false;
            case NACL_ENTRY -> rule.text().split(" ")[1].equals("allow");
        };
    }
}
