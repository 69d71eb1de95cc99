package io.sgemu.control.model;

/**
 * One security-group rule: protocol, port range and one peer (SEMANTICS.md section 2).
 *
 * <p>{@code protocol} is an IP protocol number or {@link Protocols#ALL}. For tcp/udp,
 * {@code fromPort..toPort} is the inclusive destination-port range. For icmp/icmpv6, {@code fromPort}
 * is the ICMP type and {@code toPort} the code, {@code -1} meaning any. For every other protocol the
 * ports are ignored.
 *
 * @param ruleId the {@code sgr-...} id when the source gave one, else null
 * @param index  the rule's position within its group and direction after IpPermissions were
 *               flattened (one rule per peer), used to name it when it has no id
 */
public record SgRule(String ruleId, boolean egress, int protocol, int fromPort, int toPort, Peer peer,
                     String description, int index) {

    /** The AWS-style text of the rule, e.g. {@code tcp 443 from 0.0.0.0/0}. */
    public String describe() {
        String ports;
        if (protocol == Protocols.ALL || !(Protocols.hasPorts(protocol) || Protocols.isIcmp(protocol))) {
            ports = "all";
        } else if (Protocols.isIcmp(protocol)) {
            ports = "type " + (fromPort == -1 ? "any" : fromPort) + " code " + (toPort == -1 ? "any" : toPort);
        } else {
            ports = fromPort == toPort ? Integer.toString(fromPort) : fromPort + "-" + toPort;
        }
        return Protocols.name(protocol) + " " + ports + (egress ? " to " : " from ") + peer;
    }

    /** The rule's id if it has one, else {@code #index}. */
    public String label() {
        return ruleId != null ? ruleId : "#" + index;
    }
}
