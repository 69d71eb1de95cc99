package io.sgemu.control.reference;

import io.sgemu.dataplane.flowlog.FlowObservation;
import java.util.List;

/**
 * The outcome of one packet.
 *
 * @param action       ACCEPT, REJECT or SKIP
 * @param stage        the stage that rejected the packet when REJECT ({@link Stage#CONNTRACK_ALLOWANCE} when
 *                     the allowance refused a new tracked connection), null otherwise
 * @param reason       REJECT: what rejected it (the rejecting stage's {@code decidedBy}); SKIP: why the packet
 *                     was not judged ({@code no-eni}, {@code reserved-address}, or the decoder's reason such
 *                     as {@code malformed}); ACCEPT: null
 * @param srcEniId     the ENI the source address resolved to, or null (external)
 * @param dstEniId     the ENI the destination address resolved to, or null (external)
 * @param trace        the decisions of the stages met, in path order
 * @param observations what each ENI logs of the packet (SEMANTICS.md section 6): at most one per ENI end
 */
public record Verdict(Action action, Stage stage, String reason, String srcEniId, String dstEniId,
                      List<StageDecision> trace, List<FlowObservation> observations) {

    public static final String NO_ENI = "no-eni";
    public static final String RESERVED_ADDRESS = "reserved-address";

    public Verdict {
        trace = List.copyOf(trace);
        observations = List.copyOf(observations);
    }

    /** A packet that is not judged, e.g. {@code Verdict.skip(decoded.reason)} for a malformed frame. */
    public static Verdict skip(String reason) {
        return new Verdict(Action.SKIP, null, reason, null, null, List.of(), List.of());
    }

    static Verdict skip(String reason, String srcEniId, String dstEniId) {
        return new Verdict(Action.SKIP, null, reason, srcEniId, dstEniId, List.of(), List.of());
    }

    public boolean accepted() {
        return action == Action.ACCEPT;
    }

    public boolean rejected() {
        return action == Action.REJECT;
    }
}
