package io.sgemu.control.reference;

import io.sgemu.control.model.NaclEntry;
import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.Protocols;
import io.sgemu.dataplane.net.IpAddress;
import java.util.Comparator;
import java.util.List;

/**
 * A network ACL read as SEMANTICS.md section 4 says: the entries of one direction in ascending rule
 * number, the first that matches decides, no match denies. Stateless.
 */
final class NetworkAclRules {

    /** The outcome and the text that names what decided it. */
    record Decision(boolean allowed, String decidedBy) {
    }

    /**
     * Evaluation order: rule number, never file order. Decision: AWS refuses two entries with one
     * number in one direction; should a world hold them anyway, deny comes first (the safer reading)
     * and then the entry's text, so file order still never matters.
     */
    static final Comparator<NaclEntry> ORDER = Comparator.comparingInt(NaclEntry::ruleNumber)
            .thenComparing(NaclEntry::allow)
            .thenComparing(NaclEntry::describe);

    private NetworkAclRules() {
    }

    /**
     * The decision of {@code acl} for the packet in one direction. A null ACL (the world has no NACL for
     * the subnet at all) behaves as AWS's default NACL: everything allowed.
     */
    static Decision decide(NetworkAcl acl, String subnetId, boolean egress, Packet p) {
        if (acl == null) {
            return new Decision(true, subnetId + " has no network ACL: default allows all");
        }
        NaclEntry e = decidingEntry(acl, egress, p);
        if (e != null) {
            return new Decision(e.allow(), acl.id() + " entry " + e.ruleNumber() + ": " + e.describe());
        }
        return new Decision(false, acl.id() + " default deny (*)");
    }

    /** The first entry of {@code acl} in rule-number order that matches the packet, or null (the default deny). */
    static NaclEntry decidingEntry(NetworkAcl acl, boolean egress, Packet p) {
        List<NaclEntry> entries = acl.entries().stream().filter(e -> e.egress() == egress).sorted(ORDER).toList();
        // Ingress entries match the source, egress entries the destination.
        IpAddress address = egress ? p.dst() : p.src();
        for (NaclEntry e : entries) {
            if (matches(e, p, address)) {
                return e;
            }
        }
        return null;
    }

    static boolean matches(NaclEntry e, Packet p, IpAddress address) {
        // Cidr.contains is false across families: an IPv4 entry never matches an IPv6 packet.
        if (e.cidr() == null || !e.cidr().contains(address)) {
            return false;
        }
        if (e.protocol() == Protocols.ALL) {
            return true;
        }
        if (e.protocol() != p.protocol()) {
            return false;
        }
        if (Protocols.hasPorts(e.protocol())) {
            // The destination port in both directions; an entry without a range covers all ports.
            return e.portRange() == null || PortMatch.portIn(e.portRange().from(), e.portRange().to(), p.dstPort());
        }
        if (Protocols.isIcmp(e.protocol())) {
            return PortMatch.naclIcmp(e.icmpType(), e.icmpCode(), p.icmpType(), p.icmpCode());
        }
        return true;
    }
}
