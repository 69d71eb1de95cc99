package io.sgemu.control.reference;

/**
 * What one stage decided for one packet on one ENI, and what decided it, e.g.
 * {@code conntrack (tracked connection)}, {@code sg-0abc rule sgr-123: tcp 443 from 0.0.0.0/0},
 * {@code acl-0abc entry 100: 100 allow tcp 1024-65535 from 0.0.0.0/0}, {@code acl-0abc default deny (*)},
 * {@code no rule of sg-a, sg-b matched}, {@code allowance of 1000 tracked connections exhausted},
 * {@code same subnet: no NACL}.
 */
public record StageDecision(Stage stage, String eniId, boolean allowed, String decidedBy) {

    @Override
    public String toString() {
        return stage.label() + " " + eniId + " " + (allowed ? "allow" : "deny") + " (" + decidedBy + ")";
    }
}
