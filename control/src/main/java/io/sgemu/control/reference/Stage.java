package io.sgemu.control.reference;

/**
 * The stages of a packet's path (SEMANTICS.md section 5), in the order they are met, plus the
 * tracked-connection allowance, which refuses a packet that an SG stage allowed but that would create
 * one tracked connection too many.
 */
public enum Stage {
    SG_EGRESS("sg-egress"),
    NACL_EGRESS("nacl-egress"),
    NACL_INGRESS("nacl-ingress"),
    SG_INGRESS("sg-ingress"),
    CONNTRACK_ALLOWANCE("conntrack-allowance");

    private final String label;

    Stage(String label) {
        this.label = label;
    }

    /** The name printed in verdicts and summaries, e.g. {@code sg-egress}. */
    public String label() {
        return label;
    }
}
