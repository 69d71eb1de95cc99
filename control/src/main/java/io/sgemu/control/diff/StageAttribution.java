package io.sgemu.control.diff;

import io.sgemu.control.reference.DecidingRule;
import io.sgemu.control.reference.Packet;
import io.sgemu.control.reference.ReferenceEvaluator;
import io.sgemu.control.reference.Stage;
import io.sgemu.control.reference.StageDecision;
import io.sgemu.control.reference.Verdict;

/**
 * Why one packet's verdict differs between two worlds: the stage and ENI where the rejecting world
 * rejected it, what rejected it there, and what let the same packet through that stage in the other world.
 *
 * @param stage      the rejecting stage ({@code sg-egress}, {@code nacl-egress}, {@code nacl-ingress},
 *                   {@code sg-ingress}, {@code conntrack-allowance})
 * @param eniId      the ENI of that stage
 * @param acceptedBy what allowed the packet through that stage in the accepting world (for the allowance:
 *                   what allowed it through the SG stage before it); null when that world did not meet the
 *                   stage at all (the ENI or its subnet differs between the worlds)
 * @param rejectedBy what rejected it in the rejecting world
 */
public record StageAttribution(Stage stage, String eniId, DecidingRule acceptedBy, DecidingRule rejectedBy) {

    /**
     * The attribution of a packet that {@code accepting} accepted and {@code rejecting} rejected; each
     * evaluator is the one that gave the verdict, still holding its world.
     */
    public static StageAttribution of(Packet p, ReferenceEvaluator accepting, Verdict accepted,
                                      ReferenceEvaluator rejecting, Verdict rejected) {
        if (!accepted.accepted() || !rejected.rejected()) {
            throw new IllegalArgumentException("an attribution needs an ACCEPT and a REJECT verdict");
        }
        StageDecision denial = rejected.trace().get(rejected.trace().size() - 1);
        // The allowance refuses after its SG stage allowed: compare what the SG stage did in both worlds.
        Stage compared = denial.stage();
        if (compared == Stage.CONNTRACK_ALLOWANCE && rejected.trace().size() >= 2) {
            compared = rejected.trace().get(rejected.trace().size() - 2).stage();
        }
        DecidingRule acceptedBy = null;
        for (StageDecision d : accepted.trace()) {
            if (d.stage() == compared && d.eniId() != null && d.eniId().equals(denial.eniId())) {
                acceptedBy = accepting.decidingRule(d, p);
            }
        }
        return new StageAttribution(denial.stage(), denial.eniId(), acceptedBy, rejecting.decidingRule(denial, p));
    }
}
