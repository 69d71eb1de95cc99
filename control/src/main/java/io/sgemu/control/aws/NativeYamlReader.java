package io.sgemu.control.aws;

import io.sgemu.control.aws.WorldAssembler.PrefixListPart;
import io.sgemu.control.aws.WorldAssembler.Ref;
import io.sgemu.control.aws.WorldAssembler.RefKind;
import io.sgemu.control.model.ConnTrackConfig;
import io.sgemu.control.model.NaclEntry;
import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.PortRange;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.Subnet;
import io.sgemu.control.model.Vpc;
import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads the native world format (see {@code docs/world-yaml.md}): maps keyed by id, rules written as one
 * line each ({@code tcp 443 0.0.0.0/0}, {@code 100 allow tcp 443 0.0.0.0/0}). It maps onto the same
 * model, and the same checks, as describe output.
 */
final class NativeYamlReader {
    static final Set<String> TOP_KEYS = Set.of("account", "vpcs", "subnets", "nacls", "groups", "enis", "prefix-lists");

    /** VPCs of this file that have IPv6 blocks: their default group also sends to ::/0. */
    private final Set<String> ipv6Vpcs = new java.util.HashSet<>();

    private static final String SG_RULE_FORM = "PROTOCOL PORTS PEER [sgr-id], e.g. 'tcp 443 0.0.0.0/0'";
    private static final String NACL_RULE_FORM = "NUMBER allow|deny PROTOCOL PORTS CIDR, e.g. '100 allow tcp 443 0.0.0.0/0'";

    private final WorldAssembler out;
    private final String file;
    private final Consumer<String> warn;
    private String account;

    NativeYamlReader(WorldAssembler out, String file) {
        this.out = out;
        this.file = file;
        this.warn = text -> out.warn(file, text);
    }

    /** True when the document's top-level keys are those of the native format. */
    static boolean isNative(LocatedNode doc) {
        return doc.fieldNames().stream().anyMatch(TOP_KEYS::contains);
    }

    void read(LocatedNode doc) {
        allowKeys(doc, TOP_KEYS);
        account = accountId(doc.get("account"));
        for (Map.Entry<String, LocatedNode> e : doc.get("vpcs").fields()) {
            vpc(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, LocatedNode> e : doc.get("subnets").fields()) {
            subnet(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, LocatedNode> e : doc.get("prefix-lists").fields()) {
            prefixList(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, LocatedNode> e : doc.get("nacls").fields()) {
            nacl(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, LocatedNode> e : doc.get("groups").fields()) {
            group(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, LocatedNode> e : doc.get("enis").fields()) {
            eni(e.getKey(), e.getValue());
        }
    }

    private static void allowKeys(LocatedNode n, Set<String> allowed) {
        if (!n.isAbsent() && !n.isObject()) {
            throw n.error("expected a mapping, found " + n.kind());
        }
        for (String k : n.fieldNames()) {
            if (!allowed.contains(k)) {
                throw n.get(k).error("unknown key (expected one of " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private String owner(LocatedNode n) {
        String own = accountId(n.get("owner"));
        return own != null ? own : account;
    }

    /** An account id must be quoted: YAML reads 012345678901 as a number and drops the leading zero. */
    private static String accountId(LocatedNode n) {
        if (n.isAbsent()) {
            return null;
        }
        if (n.raw().isNumber()) {
            throw n.error("write the account id in quotes: YAML reads it as the number " + n.raw().asText()
                    + ", which loses leading zeros");
        }
        return n.text();
    }

    private void vpc(String id, LocatedNode v) {
        allowKeys(v, Set.of("cidrs", "owner"));
        List<Cidr> v4 = new ArrayList<>();
        List<Cidr> v6 = new ArrayList<>();
        for (LocatedNode c : v.required("cidrs").elements()) {
            Cidr cidr = AwsShapes.cidr(c, 0, warn);
            (cidr.family() == IpAddress.V4 ? v4 : v6).add(cidr);
        }
        if (v4.isEmpty() && v6.isEmpty()) {
            throw v.get("cidrs").error("a VPC needs at least one CIDR block");
        }
        out.addVpc(new Vpc(id, owner(v), v4, v6), file, v.path());
        if (!v6.isEmpty()) {
            ipv6Vpcs.add(id);
        }
    }

    private void subnet(String id, LocatedNode s) {
        allowKeys(s, Set.of("vpc", "cidr", "ipv6-cidr", "az", "az-id", "owner"));
        LocatedNode vpc = s.required("vpc");
        out.ref(new Ref(RefKind.VPC, vpc.text(), file, vpc.path(), true, null, null));
        Cidr v4 = s.has("cidr") ? AwsShapes.cidr(s.get("cidr"), IpAddress.V4, warn) : null;
        Cidr v6 = s.has("ipv6-cidr") ? AwsShapes.cidr(s.get("ipv6-cidr"), IpAddress.V6, warn) : null;
        if (v4 == null && v6 == null) {
            throw s.get("cidr").error("missing (and no ipv6-cidr either)");
        }
        out.addSubnet(new Subnet(id, vpc.text(), v4, v6, s.optText("az"), s.optText("az-id"), owner(s)), file, s.path());
    }

    private void prefixList(String id, LocatedNode p) {
        allowKeys(p, Set.of("name", "family", "cidrs"));
        int family = p.optInt("family", 0);
        if (family != 0 && family != 4 && family != 6) {
            throw p.get("family").error(family + " is not an address family (4 or 6)");
        }
        List<Cidr> cidrs = new ArrayList<>();
        for (LocatedNode c : p.get("cidrs").elements()) {
            cidrs.add(AwsShapes.cidr(c, family, warn));
        }
        out.addPrefixList(new PrefixListPart(id, p.optText("name"), family, cidrs), file, p.path());
    }

    private void nacl(String id, LocatedNode a) {
        allowKeys(a, Set.of("vpc", "default", "subnets", "ingress", "egress"));
        String vpc = a.requiredText("vpc");
        out.ref(new Ref(RefKind.VPC, vpc, file, a.get("vpc").path(), true, null, null));
        List<NaclEntry> entries = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (boolean egress : new boolean[] {false, true}) {
            for (LocatedNode r : a.get(egress ? "egress" : "ingress").elements()) {
                NaclEntry e = naclEntry(r, egress);
                String old = seen.putIfAbsent(e.ruleNumber() + (egress ? " egress" : " ingress"), r.path());
                if (old != null) {
                    throw r.error("rule number " + e.ruleNumber() + " is also at " + old);
                }
                entries.add(e);
            }
        }
        List<String> subnets = new ArrayList<>();
        Map<String, String> paths = new HashMap<>();
        for (LocatedNode s : a.get("subnets").elements()) {
            if (paths.put(s.text(), s.path()) != null) {
                throw s.error(s.text() + " is listed twice");
            }
            subnets.add(s.text());
        }
        out.addNetworkAcl(new NetworkAcl(id, vpc, a.optBool("default", false), entries, subnets), file, a.path(), paths);
    }

    /**
     * A group. Without an {@code egress} key it gets what AWS gives a new group: one outbound rule, all
     * traffic to 0.0.0.0/0. A VPC's default group ({@code default: true}) without {@code ingress} admits
     * everything from itself, and without {@code egress} also sends to ::/0 when its VPC (declared in the
     * same file) has IPv6 (SEMANTICS.md section 2).
     */
    private void group(String id, LocatedNode g) {
        allowKeys(g, Set.of("vpc", "name", "owner", "default", "ingress", "egress"));
        String vpc = g.optText("vpc");
        if (vpc != null) {
            out.ref(new Ref(RefKind.VPC, vpc, file, g.get("vpc").path(), true, null, null));
        }
        boolean isDefault = g.optBool("default", false);
        List<SgRule> in = new ArrayList<>();
        if (isDefault && !g.has("ingress")) {
            in.add(new SgRule(null, false, Protocols.ALL, -1, -1, new Peer.GroupPeer(id), null, 0));
        }
        for (LocatedNode r : g.get("ingress").elements()) {
            in.add(sgRule(r, false, in.size()));
        }
        List<SgRule> eg = new ArrayList<>();
        if (g.has("egress")) {
            for (LocatedNode r : g.get("egress").elements()) {
                eg.add(sgRule(r, true, eg.size()));
            }
        } else {
            eg.add(new SgRule(null, true, Protocols.ALL, -1, -1, new Peer.CidrPeer(Cidr.ALL_V4), null, 0));
            if (isDefault && ipv6Vpcs.contains(vpc)) {
                eg.add(new SgRule(null, true, Protocols.ALL, -1, -1, new Peer.CidrPeer(Cidr.ALL_V6), null, 1));
            }
        }
        out.addGroup(new SecurityGroup(id, g.optText("name"), vpc, owner(g), in, eg), file, g.path());
    }

    private void eni(String id, LocatedNode e) {
        allowKeys(e, Set.of("subnet", "ips", "ipv6", "public-ip", "public-ips", "groups", "type", "instance", "owner",
                "conntrack"));
        LocatedNode subnet = e.required("subnet");
        out.ref(new Ref(RefKind.SUBNET, subnet.text(), file, subnet.path(), true, null, null));
        List<IpAddress> v4 = new ArrayList<>();
        for (LocatedNode a : e.get("ips").elements()) {
            v4.add(AwsShapes.address(a, IpAddress.V4));
        }
        List<IpAddress> v6 = new ArrayList<>();
        for (LocatedNode a : e.get("ipv6").elements()) {
            v6.add(AwsShapes.address(a, IpAddress.V6));
        }
        if (v4.isEmpty() && v6.isEmpty()) {
            throw e.get("ips").error("missing (and no ipv6 either)");
        }
        IpAddress primary = v4.isEmpty() ? null : v4.get(0);
        Map<IpAddress, IpAddress> publics = new LinkedHashMap<>();
        if (e.has("public-ip")) {
            if (primary == null) {
                throw e.get("public-ip").error("a public IPv4 address needs a private IPv4 address");
            }
            publics.put(AwsShapes.address(e.get("public-ip"), IpAddress.V4), primary);
        }
        for (Map.Entry<String, LocatedNode> p : e.get("public-ips").fields()) {
            IpAddress pub = AwsShapes.address(LocatedNode.at(new com.fasterxml.jackson.databind.node.TextNode(p.getKey()),
                    p.getValue().path(), false), IpAddress.V4);
            IpAddress priv = AwsShapes.address(p.getValue(), IpAddress.V4);
            if (!v4.contains(priv)) {
                throw p.getValue().error(priv + " is not one of the interface's ips");
            }
            IpAddress old = publics.putIfAbsent(pub, priv);
            if (old != null && !old.equals(priv)) {
                throw p.getValue().error(pub + " is associated with both " + old + " and " + priv);
            }
        }
        List<String> groups = new ArrayList<>();
        for (LocatedNode g : e.get("groups").elements()) {
            out.ref(new Ref(RefKind.GROUP, g.text(), file, g.path(), true, null, null));
            groups.add(g.text());
        }
        LocatedNode ct = e.get("conntrack");
        allowKeys(ct, Set.of("tcp-established", "udp", "udp-stream", "max-tracked"));
        long max = 0;
        if (ct.has("max-tracked")) {
            LocatedNode m = ct.get("max-tracked");
            if (!m.raw().canConvertToLong() || !m.raw().isIntegralNumber() || m.raw().asLong() < 0) {
                throw m.error(m.kind() + " is not a number of connections (0 = unlimited)");
            }
            max = m.raw().asLong();
        }
        ConnTrackConfig config = new ConnTrackConfig(
                AwsShapes.timeout(ct.get("tcp-established"), ConnTrackConfig.DEFAULT_TCP_ESTABLISHED, 60, 432_000),
                AwsShapes.timeout(ct.get("udp"), ConnTrackConfig.DEFAULT_UDP, 30, 60),
                AwsShapes.timeout(ct.get("udp-stream"), ConnTrackConfig.DEFAULT_UDP_STREAM, 60, 180), max);
        String type = e.optText("type");
        out.addNetworkInterface(new NetworkInterface(id, subnet.text(), null, owner(e), null,
                type == null ? "interface" : type, e.optText("instance"), primary,
                v4.size() > 1 ? v4.subList(1, v4.size()) : List.of(), v6, publics, groups, config), file, e.path());
    }

    /** {@code PROTOCOL PORTS PEER [sgr-id]}. */
    private SgRule sgRule(LocatedNode n, boolean egress, int index) {
        String text = n.text().trim();
        String[] t = text.split("\\s+");
        if (t.length < 3 || t.length > 4) {
            throw n.error("'" + text + "' is not a rule (" + SG_RULE_FORM + ")");
        }
        int protocol = protocol(n, text, t[0]);
        int[] ports = ports(n, text, protocol, t[1], true);
        Peer peer;
        String p = t[2];
        if (p.startsWith("sg-")) {
            peer = new Peer.GroupPeer(p);
            out.ref(new Ref(RefKind.GROUP, p, file, n.path(), true, null, null));
        } else if (p.startsWith("pl-")) {
            peer = new Peer.PrefixListPeer(p);
            out.ref(new Ref(RefKind.PREFIX_LIST, p, file, n.path(), true, null, null));
        } else {
            try {
                peer = new Peer.CidrPeer(Cidr.parse(p));
            } catch (IllegalArgumentException e) {
                throw n.error("'" + text + "': " + e.getMessage() + " (a peer is a CIDR, sg-... or pl-...)");
            }
        }
        String ruleId = null;
        if (t.length == 4) {
            if (!t[3].startsWith("sgr-")) {
                throw n.error("'" + text + "': '" + t[3] + "' is not a rule id (sgr-...)");
            }
            ruleId = t[3];
        }
        return new SgRule(ruleId, egress, protocol, ports[0], ports[1], peer, null, index);
    }

    /** {@code NUMBER allow|deny PROTOCOL PORTS CIDR}. */
    private NaclEntry naclEntry(LocatedNode n, boolean egress) {
        String text = n.text().trim();
        String[] t = text.split("\\s+");
        if (t.length != 5) {
            throw n.error("'" + text + "' is not an entry (" + NACL_RULE_FORM + ")");
        }
        int number;
        try {
            number = Integer.parseInt(t[0]);
        } catch (NumberFormatException e) {
            number = -1;
        }
        if (number < 1 || number > AwsShapes.MAX_RULE_NUMBER) {
            throw n.error("'" + text + "': '" + t[0] + "' is not a rule number (1.." + AwsShapes.MAX_RULE_NUMBER + ")");
        }
        boolean allow = switch (t[1].toLowerCase(Locale.ROOT)) {
            case "allow" -> true;
            case "deny" -> false;
            default -> throw n.error("'" + text + "': '" + t[1] + "' is not allow or deny");
        };
        int protocol = protocol(n, text, t[2]);
        int[] ports = ports(n, text, protocol, t[3], false);
        Cidr cidr;
        try {
            cidr = Cidr.parse(t[4]);
        } catch (IllegalArgumentException e) {
            throw n.error("'" + text + "': " + e.getMessage());
        }
        PortRange range = Protocols.hasPorts(protocol) && ports[0] >= 0 ? new PortRange(ports[0], ports[1]) : null;
        int type = Protocols.isIcmp(protocol) ? ports[0] : -1;
        int code = Protocols.isIcmp(protocol) ? ports[1] : -1;
        return new NaclEntry(number, egress, protocol, allow, cidr, range, type, code);
    }

    private static int protocol(LocatedNode n, String text, String token) {
        try {
            return Protocols.parse(token);
        } catch (IllegalArgumentException e) {
            throw n.error("'" + text + "': " + e.getMessage());
        }
    }

    /**
     * Ports of a rule line: {@code all}, {@code N} or {@code A-B} for tcp/udp; {@code all}, {@code TYPE}
     * or {@code TYPE:CODE} for icmp; {@code all} for anything else. For an SG rule, tcp/udp {@code all}
     * is 0-65535 (the SgRule has no "all"); for a NACL entry it is -1 (no PortRange).
     */
    private int[] ports(LocatedNode n, String text, int protocol, String token, boolean sgRule) {
        boolean all = token.equalsIgnoreCase("all");
        if (Protocols.hasPorts(protocol)) {
            if (all) {
                return sgRule ? new int[] {0, 65535} : new int[] {-1, -1};
            }
            int dash = token.indexOf('-', 1);
            int from = number(n, text, dash < 0 ? token : token.substring(0, dash));
            int to = dash < 0 ? from : number(n, text, token.substring(dash + 1));
            for (int p : new int[] {from, to}) {
                if (p < 0 || p > 65535) {
                    throw n.error("'" + text + "': " + p + " is not a port");
                }
            }
            if (from > to) {
                throw n.error("'" + text + "': " + to + " is below " + from);
            }
            return new int[] {from, to};
        }
        if (Protocols.isIcmp(protocol)) {
            if (all) {
                return new int[] {-1, -1};
            }
            int colon = token.indexOf(':');
            int type = number(n, text, colon < 0 ? token : token.substring(0, colon));
            int code = colon < 0 ? -1 : number(n, text, token.substring(colon + 1));
            if (type < -1 || type > 255) {
                throw n.error("'" + text + "': " + type + " is not an ICMP type (-1..255)");
            }
            if (code < -1 || code > 255) {
                throw n.error("'" + text + "': " + code + " is not an ICMP code (-1..255)");
            }
            if (type == -1 && code != -1) {
                warn.accept(n.path() + ": ICMP type -1 (any) with code " + code + " matches nothing");
            }
            return new int[] {type, code};
        }
        if (!all) {
            throw n.error("'" + text + "': protocol " + Protocols.name(protocol) + " has no ports: write 'all'");
        }
        return new int[] {-1, -1};
    }

    private static int number(LocatedNode n, String text, String token) {
        try {
            return Integer.parseInt(token);
        } catch (NumberFormatException e) {
            throw n.error("'" + text + "': '" + token + "' is not a number");
        }
    }
}
