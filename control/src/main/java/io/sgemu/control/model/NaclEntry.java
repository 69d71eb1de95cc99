package io.sgemu.control.model;

import io.sgemu.dataplane.net.Cidr;

/**
 * One network ACL entry (SEMANTICS.md section 4). {@code portRange} applies to tcp/udp and is null when
 * absent (all ports); {@code icmpType}/{@code icmpCode} apply to icmp/icmpv6, {@code -1} meaning any.
 */
public record NaclEntry(int ruleNumber, boolean egress, int protocol, boolean allow, Cidr cidr,
                        PortRange portRange, int icmpType, int icmpCode) {

    /** AWS's text of the entry, e.g. {@code 100 allow tcp 1024-65535 from 0.0.0.0/0}. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(ruleNumber).append(' ').append(allow ? "allow" : "deny").append(' ').append(Protocols.name(protocol));
        if (Protocols.hasPorts(protocol) && portRange != null) {
            sb.append(' ').append(portRange);
        } else if (Protocols.isIcmp(protocol)) {
            sb.append(" type ").append(icmpType == -1 ? "any" : icmpType).append(" code ").append(icmpCode == -1 ? "any" : icmpCode);
        }
        sb.append(egress ? " to " : " from ").append(cidr);
        return sb.toString();
    }
}
