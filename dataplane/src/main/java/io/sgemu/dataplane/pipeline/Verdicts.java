package io.sgemu.dataplane.pipeline;

/**
 * The codes of a fast-path verdict: action, the stage that rejected (SEMANTICS.md section 5, in path
 * order), and the reason of a skip. Codes index the label arrays, which are the strings of the
 * {@code --verdicts} contract.
 */
public final class Verdicts {

    public static final int ACCEPT = 0;
    public static final int REJECT = 1;
    public static final int SKIP = 2;
    public static final String[] ACTIONS = {"ACCEPT", "REJECT", "SKIP"};

    public static final int NO_STAGE = -1;
    public static final int SG_EGRESS = 0;
    public static final int NACL_EGRESS = 1;
    public static final int NACL_INGRESS = 2;
    public static final int SG_INGRESS = 3;
    public static final int CONNTRACK_ALLOWANCE = 4;
    public static final int STAGE_COUNT = 5;
    public static final String[] STAGES = {"sg-egress", "nacl-egress", "nacl-ingress", "sg-ingress", "conntrack-allowance"};

    public static final int NO_REASON = -1;
    public static final int NO_ENI = 0;
    public static final int RESERVED_ADDRESS = 1;
    public static final int MALFORMED = 2;
    public static final int NOT_IP = 3;
    public static final int UNSUPPORTED_LINK_TYPE = 4;
    /** A REJECT before any stage: a later fragment whose first fragment was not seen (or is no longer tracked). */
    public static final int FRAGMENT_WITHOUT_FIRST = 5;
    public static final String[] REASONS = {"no-eni", "reserved-address", "malformed", "not-ip", "unsupported-link-type",
        "fragment-without-first"};

    private Verdicts() {
    }

    /** The reason code of a decoder's reason text ({@code malformed}, {@code not-ip}, ...); unknown text is malformed. */
    public static int reasonCode(String decoderReason) {
        if (decoderReason == null) {
            return MALFORMED;
        }
        return switch (decoderReason) {
            case "not-ip" -> NOT_IP;
            case "unsupported-link-type" -> UNSUPPORTED_LINK_TYPE;
            case "no-eni" -> NO_ENI;
            case "reserved-address" -> RESERVED_ADDRESS;
            default -> MALFORMED;
        };
    }
}
