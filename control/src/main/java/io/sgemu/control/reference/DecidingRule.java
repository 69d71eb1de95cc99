package io.sgemu.control.reference;

import java.util.Locale;

/**
 * What decided one stage of one packet, as data rather than text: the security-group rule or NACL entry
 * (or the absence of one, or connection tracking). {@link StageDecision#decidedBy()} is the same fact as
 * one line of text; this is what a report groups by and prints field by field.
 *
 * @param kind        what kind of thing decided
 * @param ownerId     the security group ({@link Kind#SG_RULE}) or network ACL ({@link Kind#NACL_ENTRY},
 *                    {@link Kind#NACL_DEFAULT_DENY}); for {@link Kind#NO_SG_RULE} the ENI's group ids, comma
 *                    separated; for {@link Kind#NO_NACL} the subnet; else null
 * @param ruleId      the rule's id ({@code sgr-...}, or {@code #index} when the source gave none), the NACL
 *                    entry's rule number, {@code *} for the default deny; else null
 * @param description the security-group rule's description as the source gave it, or null
 * @param text        the rule or entry in AWS's words ({@code tcp 443 from 0.0.0.0/0},
 *                    {@code 100 allow tcp 1024-65535 from 0.0.0.0/0}) or, for the other kinds, what happened
 */
public record DecidingRule(Kind kind, String ownerId, String ruleId, String description, String text) {

    public enum Kind {
        /** A security-group rule allowed the packet. */
        SG_RULE,
        /** No rule of the ENI's security groups matched: the SG stage rejected. */
        NO_SG_RULE,
        /** A numbered NACL entry allowed or denied the packet. */
        NACL_ENTRY,
        /** No NACL entry matched: the catch-all {@code *} entry denied. */
        NACL_DEFAULT_DENY,
        /** The subnet has no network ACL in the world: everything allowed. */
        NO_NACL,
        /** Both ends share a subnet: no NACL is met. */
        SAME_SUBNET,
        /** A tracked connection let the packet through, whatever the rules say. */
        CONNTRACK,
        /** The tracked-connection allowance refused a new connection. */
        ALLOWANCE;

        /** The name printed in reports, e.g. {@code sg-rule}, {@code nacl-default-deny}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * One line for people: {@code sg-0abc rule sgr-123: tcp 443 from 0.0.0.0/0 ("HTTPS from the internet")},
     * {@code acl-0abc entry 100: 100 deny tcp 22 from 0.0.0.0/0}, {@code no security-group rule matches (sg-a, sg-b)}.
     */
    public String summary() {
        return switch (kind) {
            case SG_RULE -> ownerId + " rule " + ruleId + ": " + text
                    + (description == null || description.isEmpty() ? "" : " (\"" + description + "\")");
            case NO_SG_RULE -> "no security-group rule matches" + (ownerId == null || ownerId.isEmpty() ? " (no groups)" : " (" + ownerId + ")");
            case NACL_ENTRY -> ownerId + " entry " + ruleId + ": " + text;
            case NACL_DEFAULT_DENY -> ownerId + " default deny (*)";
            default -> text;
        };
    }
}
