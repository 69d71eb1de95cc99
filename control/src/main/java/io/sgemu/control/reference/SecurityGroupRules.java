package io.sgemu.control.reference;

import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.PrefixList;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * The rules of an ENI's security groups read as SEMANTICS.md section 2 says: a packet is allowed in a
 * direction when any rule of any of the ENI's groups matches it (union, allow only, order-free), and
 * section 3's test for untracked flows.
 */
final class SecurityGroupRules {

    /** A rule that matched, with the group it belongs to. */
    record Match(String groupId, SgRule rule) {
        /** {@code sg-0abc rule sgr-123: tcp 443 from 0.0.0.0/0}. */
        String describe() {
            return groupId + " rule " + rule.label() + ": " + rule.describe();
        }
    }

    /**
     * Which matching rule a verdict names. Any one of them allows the packet; naming the least by group
     * id, then label, then text keeps the verdict independent of group and rule order.
     */
    static final Comparator<Match> NAMING_ORDER = Comparator.comparing(Match::groupId)
            .thenComparing(m -> m.rule().label())
            .thenComparing(m -> m.rule().describe());

    private final AddressBook book;

    SecurityGroupRules(AddressBook book) {
        this.book = book;
    }

    /** The ENI's group ids, each once, sorted (order never matters; sorting keeps messages stable). */
    static List<String> groupIds(NetworkInterface eni) {
        return List.copyOf(new TreeSet<>(eni.groupIds()));
    }

    /** The groups of the ENI that exist in the world; an id the world does not know contributes no rules. */
    private List<SecurityGroup> groups(NetworkInterface eni) {
        List<SecurityGroup> out = new ArrayList<>();
        for (String id : groupIds(eni)) {
            SecurityGroup g = book.world().securityGroups().get(id);
            if (g != null) {
                out.add(g);
            }
        }
        return out;
    }

    /** Every rule of the ENI's groups in {@code egress} direction that matches the packet. */
    List<Match> matching(NetworkInterface eni, boolean egress, Packet p) {
        List<Match> out = new ArrayList<>();
        for (SecurityGroup g : groups(eni)) {
            for (SgRule r : g.rules(egress)) {
                if (matches(r, p, remote(p, egress))) {
                    out.add(new Match(g.id(), r));
                }
            }
        }
        return out;
    }

    /** The address a rule is matched against: the source for inbound, the destination for outbound. */
    static IpAddress remote(Packet p, boolean egress) {
        return egress ? p.dst() : p.src();
    }

    boolean matches(SgRule r, Packet p, IpAddress remote) {
        return protocolAndPortsMatch(r, p) && peerMatches(r.peer(), remote);
    }

    static boolean protocolAndPortsMatch(SgRule r, Packet p) {
        if (r.protocol() == Protocols.ALL) {
            return true;
        }
        if (r.protocol() != p.protocol()) {
            return false;
        }
        if (Protocols.hasPorts(r.protocol())) {
            return PortMatch.portIn(r.fromPort(), r.toPort(), p.dstPort());
        }
        if (Protocols.isIcmp(r.protocol())) {
            return PortMatch.sgIcmp(r.fromPort(), r.toPort(), p.icmpType(), p.icmpCode());
        }
        return true; // any other protocol number: ports are ignored
    }

    boolean peerMatches(Peer peer, IpAddress a) {
        return switch (peer) {
            // Cidr.contains is false across families: IPv4 peers never match IPv6 packets.
            case Peer.CidrPeer c -> c.cidr().contains(a);
            case Peer.PrefixListPeer pl -> prefixListContains(pl.prefixListId(), a);
            case Peer.GroupPeer g -> book.isMemberOf(g.groupId(), a);
        };
    }

    /** A prefix list matches through its current entries; a list the world does not know matches nothing. */
    private boolean prefixListContains(String id, IpAddress a) {
        PrefixList pl = book.world().prefixLists().get(id);
        if (pl == null) {
            return false;
        }
        for (Cidr c : pl.entries()) {
            if (c.contains(a)) {
                return true;
            }
        }
        return false;
    }

    /**
     * SEMANTICS.md section 3, untracked flows (TCP and UDP only). For the packet P in direction
     * {@code egress} and its reverse R, the flow is untracked when
     * (a) an all-addresses rule of P's direction admits P and the opposite direction has an
     * all-addresses, all-ports rule for P's protocol, or
     * (b) an all-addresses rule of the opposite direction would admit R and P's direction has an
     * all-addresses, all-ports rule for the protocol.
     *
     * <p>Decision: "all addresses" is a CIDR peer {@code 0.0.0.0/0} or {@code ::/0} of the packet's family;
     * a prefix list that happens to contain such a block does not count (AWS names the CIDR rule).
     * One all-addresses rule among several that admit the packet suffices.
     */
    boolean untracked(NetworkInterface eni, boolean egress, Packet p) {
        if (!Protocols.hasPorts(p.protocol())) {
            return false;
        }
        int family = p.src().family();
        List<SgRule> same = new ArrayList<>();
        List<SgRule> opposite = new ArrayList<>();
        for (SecurityGroup g : groups(eni)) {
            same.addAll(g.rules(egress));
            opposite.addAll(g.rules(!egress));
        }
        boolean caseA = admitsFromAll(same, p, egress, family) && hasAllPortsFromAll(opposite, p.protocol(), family);
        if (caseA) {
            return true;
        }
        Packet r = p.reversed();
        return admitsFromAll(opposite, r, !egress, family) && hasAllPortsFromAll(same, p.protocol(), family);
    }

    private boolean admitsFromAll(List<SgRule> rules, Packet p, boolean egress, int family) {
        for (SgRule rule : rules) {
            if (isAllAddresses(rule, family) && matches(rule, p, remote(p, egress))) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasAllPortsFromAll(List<SgRule> rules, int protocol, int family) {
        for (SgRule rule : rules) {
            if (!isAllAddresses(rule, family)) {
                continue;
            }
            if (rule.protocol() == Protocols.ALL
                    || (rule.protocol() == protocol && PortMatch.coversAllPorts(rule.fromPort(), rule.toPort()))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isAllAddresses(SgRule rule, int family) {
        return rule.peer() instanceof Peer.CidrPeer c && c.cidr().isAllAddresses() && c.cidr().family() == family;
    }
}
