package io.sgemu.control.aws;

import io.sgemu.control.model.ConnTrackConfig;
import io.sgemu.control.model.NaclEntry;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.PortRange;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.SgRule;
import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Readers of the EC2 shapes that describe output and API requests share: {@code IpPermission},
 * {@code SecurityGroupRule}, {@code NetworkAclEntry} and {@code ConnectionTrackingConfiguration}.
 * Each throws {@link BadInputException} naming the path of the bad value; warnings go to a consumer as
 * {@code path: text}.
 */
public final class AwsShapes {
    /** The NACL entries AWS prints for the implicit final deny (the {@code *} rule). */
    public static final int ASTERISK_V4 = 32767;
    public static final int ASTERISK_V6 = 32768;
    public static final int MAX_RULE_NUMBER = 32766;

    private AwsShapes() {
    }

    /**
     * A rule as read, with what the caller still has to check against the world: where the peer was
     * written, and for a group peer the account ({@code UserId}) the source named, if any.
     */
    public record ParsedRule(SgRule rule, String peerPath, String peerUserId) {
    }

    /** Parses a CIDR block of the given family (0: either), warning when host bits are set. */
    public static Cidr cidr(LocatedNode n, int family, Consumer<String> warn) {
        String text = n.text();
        Cidr c;
        try {
            c = Cidr.parse(text.trim());
        } catch (IllegalArgumentException e) {
            throw n.error(e.getMessage());
        }
        if (family != 0 && c.family() != family) {
            throw n.error("'" + text + "' is not an IPv" + family + " CIDR block");
        }
        IpAddress written = IpAddress.tryParse(text.trim().substring(0, text.trim().indexOf('/')));
        if (warn != null && !c.network().equals(written)) {
            warn.accept(n.path() + ": " + text + " has host bits set; read as " + c);
        }
        return c;
    }

    /** Parses an address of the given family (0: either). */
    public static IpAddress address(LocatedNode n, int family) {
        String text = n.text();
        IpAddress a = IpAddress.tryParse(text.trim());
        if (a == null) {
            throw n.error("'" + text + "' is not an IP address");
        }
        if (family != 0 && a.family() != family) {
            throw n.error("'" + text + "' is not an IPv" + family + " address");
        }
        return a;
    }

    public static int protocol(LocatedNode n) {
        try {
            return Protocols.parse(n.text().trim());
        } catch (IllegalArgumentException e) {
            throw n.error(e.getMessage());
        }
    }

    /**
     * Reads a rule's {@code FromPort}/{@code ToPort} for its protocol: a port range for tcp/udp, type and
     * code for icmp/icmpv6, and -1/-1 (ignored) for every other protocol. Absent means -1.
     */
    public static int[] rulePorts(int protocol, LocatedNode fromNode, LocatedNode toNode, Consumer<String> warn) {
        if (Protocols.hasPorts(protocol)) {
            int from = port(fromNode);
            int to = port(toNode);
            if (from > to) {
                throw toNode.error(to + " is below FromPort " + from);
            }
            return new int[] {from, to};
        }
        if (Protocols.isIcmp(protocol)) {
            int type = fromNode.isAbsent() ? -1 : fromNode.intValue();
            int code = toNode.isAbsent() ? -1 : toNode.intValue();
            if (type < -1 || type > 255) {
                throw fromNode.error(type + " is not an ICMP type (-1..255)");
            }
            if (code < -1 || code > 255) {
                throw toNode.error(code + " is not an ICMP code (-1..255)");
            }
            if (type == -1 && code != -1 && warn != null) {
                warn.accept(toNode.path() + ": ICMP type -1 (any) with code " + code + " matches nothing");
            }
            return new int[] {type, code};
        }
        return new int[] {-1, -1};
    }

    private static int port(LocatedNode n) {
        if (n.isAbsent()) {
            throw n.error("missing (tcp and udp rules need a port range)");
        }
        int p = n.intValue();
        if (p < 0 || p > 65535) {
            throw n.error(p + " is not a port");
        }
        return p;
    }

    /**
     * Flattens one {@code IpPermission} into one rule per peer ({@code IpRanges}, {@code Ipv6Ranges},
     * {@code PrefixListIds}, {@code UserIdGroupPairs}), numbered from {@code firstIndex}.
     */
    public static List<ParsedRule> flattenPermission(LocatedNode perm, boolean egress, int firstIndex, Consumer<String> warn) {
        int protocol = protocol(perm.required("IpProtocol"));
        int[] ports = rulePorts(protocol, perm.get("FromPort"), perm.get("ToPort"), warn);
        List<ParsedRule> out = new ArrayList<>();
        int index = firstIndex;
        for (LocatedNode r : perm.get("IpRanges").elements()) {
            LocatedNode c = r.required("CidrIp");
            out.add(new ParsedRule(new SgRule(null, egress, protocol, ports[0], ports[1],
                    new Peer.CidrPeer(cidr(c, IpAddress.V4, warn)), r.optText("Description"), index++), c.path(), null));
        }
        for (LocatedNode r : perm.get("Ipv6Ranges").elements()) {
            LocatedNode c = r.required("CidrIpv6");
            out.add(new ParsedRule(new SgRule(null, egress, protocol, ports[0], ports[1],
                    new Peer.CidrPeer(cidr(c, IpAddress.V6, warn)), r.optText("Description"), index++), c.path(), null));
        }
        for (LocatedNode r : perm.get("PrefixListIds").elements()) {
            LocatedNode id = r.required("PrefixListId");
            out.add(new ParsedRule(new SgRule(null, egress, protocol, ports[0], ports[1],
                    new Peer.PrefixListPeer(id.text()), r.optText("Description"), index++), id.path(), null));
        }
        for (LocatedNode r : perm.get("UserIdGroupPairs").elements()) {
            LocatedNode id = r.get("GroupId");
            if (id.isAbsent()) {
                throw id.error("missing (a group named only by GroupName cannot be resolved)");
            }
            out.add(new ParsedRule(new SgRule(null, egress, protocol, ports[0], ports[1],
                    new Peer.GroupPeer(id.text()), r.optText("Description"), index++), id.path(), r.optText("UserId")));
        }
        return out;
    }

    /**
     * Reads one item of {@code describe-security-group-rules}: exactly one of {@code CidrIpv4},
     * {@code CidrIpv6}, {@code PrefixListId}, {@code ReferencedGroupInfo.GroupId}.
     */
    public static ParsedRule securityGroupRule(LocatedNode item, int index, Consumer<String> warn) {
        boolean egress = item.required("IsEgress").boolValue();
        int protocol = protocol(item.required("IpProtocol"));
        int[] ports = rulePorts(protocol, item.get("FromPort"), item.get("ToPort"), warn);
        List<String> peers = new ArrayList<>();
        for (String f : List.of("CidrIpv4", "CidrIpv6", "PrefixListId", "ReferencedGroupInfo")) {
            if (item.has(f)) {
                peers.add(f);
            }
        }
        if (peers.size() != 1) {
            throw item.error(peers.isEmpty()
                    ? "no peer (one of CidrIpv4, CidrIpv6, PrefixListId, ReferencedGroupInfo)"
                    : "more than one peer: " + String.join(", ", peers));
        }
        Peer peer;
        LocatedNode at;
        String userId = null;
        switch (peers.get(0)) {
            case "CidrIpv4" -> {
                at = item.get("CidrIpv4");
                peer = new Peer.CidrPeer(cidr(at, IpAddress.V4, warn));
            }
            case "CidrIpv6" -> {
                at = item.get("CidrIpv6");
                peer = new Peer.CidrPeer(cidr(at, IpAddress.V6, warn));
            }
            case "PrefixListId" -> {
                at = item.get("PrefixListId");
                peer = new Peer.PrefixListPeer(at.text());
            }
            default -> {
                LocatedNode ref = item.get("ReferencedGroupInfo");
                at = ref.required("GroupId");
                peer = new Peer.GroupPeer(at.text());
                userId = ref.optText("UserId");
            }
        }
        return new ParsedRule(new SgRule(item.optText("SecurityGroupRuleId"), egress, protocol, ports[0], ports[1], peer,
                item.optText("Description"), index), at.path(), userId);
    }

    /** True for the {@code *} entries AWS prints (32767/32768, deny all to all): the same as no match. */
    public static boolean isAsteriskEntry(LocatedNode entry) {
        LocatedNode n = entry.get("RuleNumber");
        if (n.isAbsent() || !n.raw().canConvertToInt()) {
            return false;
        }
        int number = n.raw().asInt();
        return (number == ASTERISK_V4 || number == ASTERISK_V6)
                && "deny".equalsIgnoreCase(entry.get("RuleAction").raw().asText())
                && "-1".equals(entry.get("Protocol").raw().asText());
    }

    /** Reads a {@code NetworkAclEntry} (the describe item and the Create/ReplaceNetworkAclEntry request alike). */
    public static NaclEntry naclEntry(LocatedNode entry, Consumer<String> warn) {
        LocatedNode numberNode = entry.required("RuleNumber");
        int number = numberNode.intValue();
        if (number < 1 || number > MAX_RULE_NUMBER) {
            throw numberNode.error(number + " is not a rule number (1.." + MAX_RULE_NUMBER + ")");
        }
        boolean egress = entry.required("Egress").boolValue();
        int protocol = protocol(entry.required("Protocol"));
        boolean allow = ruleAction(entry.required("RuleAction"));
        Cidr cidr = naclCidr(entry, warn);
        PortRange ports = null;
        int icmpType = -1;
        int icmpCode = -1;
        if (Protocols.hasPorts(protocol)) {
            LocatedNode range = entry.get("PortRange");
            if (!range.isAbsent()) {
                LocatedNode fromNode = range.required("From");
                LocatedNode toNode = range.required("To");
                int from = port(fromNode);
                int to = port(toNode);
                if (from > to) {
                    throw toNode.error(to + " is below From " + from);
                }
                ports = new PortRange(from, to);
            }
        } else if (Protocols.isIcmp(protocol)) {
            LocatedNode tc = entry.get("IcmpTypeCode");
            icmpType = tc.optInt("Type", -1);
            icmpCode = tc.optInt("Code", -1);
            if (icmpType < -1 || icmpType > 255) {
                throw tc.get("Type").error(icmpType + " is not an ICMP type (-1..255)");
            }
            if (icmpCode < -1 || icmpCode > 255) {
                throw tc.get("Code").error(icmpCode + " is not an ICMP code (-1..255)");
            }
        }
        return new NaclEntry(number, egress, protocol, allow, cidr, ports, icmpType, icmpCode);
    }

    private static boolean ruleAction(LocatedNode n) {
        return switch (n.text().toLowerCase(Locale.ROOT)) {
            case "allow" -> true;
            case "deny" -> false;
            default -> throw n.error("'" + n.text() + "' is not a rule action (allow or deny)");
        };
    }

    private static Cidr naclCidr(LocatedNode entry, Consumer<String> warn) {
        boolean v4 = entry.has("CidrBlock");
        boolean v6 = entry.has("Ipv6CidrBlock");
        if (v4 && v6) {
            throw entry.get("Ipv6CidrBlock").error("an entry has either CidrBlock or Ipv6CidrBlock, not both");
        }
        if (v6) {
            return cidr(entry.get("Ipv6CidrBlock"), IpAddress.V6, warn);
        }
        if (!v4) {
            throw entry.get("CidrBlock").error("missing (or Ipv6CidrBlock)");
        }
        return cidr(entry.get("CidrBlock"), IpAddress.V4, warn);
    }

    /**
     * Reads a {@code ConnectionTrackingConfiguration} (or the request's {@code ConnectionTrackingSpecification})
     * over {@code base}: fields it lacks keep their value in {@code base}. Ranges are SEMANTICS.md section 3's.
     */
    public static ConnTrackConfig connTrack(LocatedNode spec, ConnTrackConfig base) {
        int tcp = timeout(spec.get("TcpEstablishedTimeout"), base.tcpEstablishedTimeout(), 60, 432_000);
        int udp = timeout(spec.get("UdpTimeout"), base.udpTimeout(), 30, 60);
        int stream = timeout(spec.get("UdpStreamTimeout"), base.udpStreamTimeout(), 60, 180);
        return new ConnTrackConfig(tcp, udp, stream, base.maxTrackedConnections());
    }

    /** Checks one timeout in seconds against its allowed range; absent keeps {@code dflt}. */
    public static int timeout(LocatedNode n, int dflt, int min, int max) {
        if (n.isAbsent()) {
            return dflt;
        }
        int v = n.intValue();
        if (v < min || v > max) {
            throw n.error(v + " s is out of the allowed range " + min + ".." + max + " s");
        }
        return v;
    }
}
