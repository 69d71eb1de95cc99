package io.sgemu.control.aws;

import io.sgemu.control.aws.WorldAssembler.GroupRule;
import io.sgemu.control.aws.WorldAssembler.PrefixListPart;
import io.sgemu.control.aws.WorldAssembler.Ref;
import io.sgemu.control.aws.WorldAssembler.RefKind;
import io.sgemu.control.model.ConnTrackConfig;
import io.sgemu.control.model.NaclEntry;
import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Peer;
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
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Maps one document of AWS CLI describe output (JSON, or the CLI's YAML) into the assembler. Top-level
 * keys it does not model are passed over with a note.
 */
final class AwsDescribeReader {
    /** The tag that carries the emulator's tracked-connection allowance (AWS JSON has no such field). */
    static final String ALLOWANCE_TAG = "sgemu:max-tracked-connections";

    static final Set<String> MODELLED_KEYS = Set.of("SecurityGroups", "SecurityGroupRules", "NetworkInterfaces",
            "NetworkAcls", "Subnets", "Vpcs", "ManagedPrefixLists", "PrefixLists", "Entries");

    private static final Set<String> INACTIVE_STATES = Set.of("disassociating", "disassociated", "failing", "failed");

    private final WorldAssembler out;
    private final String file;
    private final Consumer<String> warn;

    AwsDescribeReader(WorldAssembler out, String file) {
        this.out = out;
        this.file = file;
        this.warn = text -> out.warn(file, text);
    }

    /** Reads every modelled key of the document; {@code Entries} alone is handled by the loader. */
    void read(LocatedNode doc) {
        for (String key : doc.fieldNames()) {
            LocatedNode items = doc.get(key);
            switch (key) {
                case "SecurityGroups" -> each(items, this::securityGroup);
                case "SecurityGroupRules" -> each(items, this::securityGroupRule);
                case "NetworkInterfaces" -> each(items, this::networkInterface);
                case "NetworkAcls" -> each(items, this::networkAcl);
                case "Subnets" -> each(items, this::subnet);
                case "Vpcs" -> each(items, this::vpc);
                case "ManagedPrefixLists", "PrefixLists" -> each(items, this::prefixList);
                case "Entries" -> {
                    // get-managed-prefix-list-entries: the loader attaches it to its list
                }
                case "NextToken" -> out.warn(file, "NextToken: the output is one page of several; later pages are missing");
                default -> out.note(file, key + ": passed over (" + passedOverReason(key) + ")");
            }
        }
    }

    static String passedOverReason(String key) {
        return switch (key) {
            case "Reservations" -> "describe-instances output; load describe-network-interfaces for the interfaces";
            case "RouteTables" -> "routes do not filter packets";
            case "FlowLogs" -> "flow log definitions are given on the command line";
            default -> "not a security group, network ACL, interface, subnet, VPC or prefix list";
        };
    }

    private interface ItemReader {
        void read(LocatedNode item);
    }

    private static void each(LocatedNode items, ItemReader reader) {
        for (LocatedNode item : items.elements()) {
            if (!item.isObject()) {
                throw item.error("expected an object, found " + item.kind());
            }
            reader.read(item);
        }
    }

    private void securityGroup(LocatedNode g) {
        String id = g.requiredText("GroupId");
        String owner = g.optText("OwnerId");
        String vpcId = g.optText("VpcId");
        List<SgRule> in = permissions(g.get("IpPermissions"), false, owner);
        List<SgRule> eg = permissions(g.get("IpPermissionsEgress"), true, owner);
        if (vpcId != null) {
            out.ref(new Ref(RefKind.VPC, vpcId, file, g.get("VpcId").path(), false, null, null));
        }
        out.addGroup(new SecurityGroup(id, g.optText("GroupName"), vpcId, owner, in, eg), file, g.path());
    }

    private List<SgRule> permissions(LocatedNode perms, boolean egress, String owner) {
        List<SgRule> rules = new ArrayList<>();
        for (LocatedNode p : perms.elements()) {
            List<AwsShapes.ParsedRule> flat = AwsShapes.flattenPermission(p, egress, rules.size(), warn);
            if (flat.isEmpty()) {
                out.warn(file, p.path() + ": a permission without IpRanges, Ipv6Ranges, PrefixListIds or "
                        + "UserIdGroupPairs allows nothing");
            }
            for (AwsShapes.ParsedRule r : flat) {
                peerRef(r, owner);
                rules.add(r.rule());
            }
        }
        return rules;
    }

    private void peerRef(AwsShapes.ParsedRule r, String owner) {
        if (r.rule().peer() instanceof Peer.GroupPeer gp) {
            out.ref(new Ref(RefKind.GROUP, gp.groupId(), file, r.peerPath(), true, r.peerUserId(), owner));
        } else if (r.rule().peer() instanceof Peer.PrefixListPeer pp) {
            out.ref(new Ref(RefKind.PREFIX_LIST, pp.prefixListId(), file, r.peerPath(), true, null, null));
        }
    }

    private void securityGroupRule(LocatedNode item) {
        item.required("SecurityGroupRuleId");
        String groupId = item.requiredText("GroupId");
        String owner = item.optText("GroupOwnerId");
        AwsShapes.ParsedRule r = AwsShapes.securityGroupRule(item, 0, warn);
        peerRef(r, owner);
        out.addGroupRule(new GroupRule(groupId, owner, r.rule()), file, item.path());
    }

    private void networkInterface(LocatedNode e) {
        String id = e.requiredText("NetworkInterfaceId");
        LocatedNode subnetNode = e.required("SubnetId");
        out.ref(new Ref(RefKind.SUBNET, subnetNode.text(), file, subnetNode.path(), true, null, null));
        String vpcId = e.optText("VpcId");
        if (vpcId != null) {
            out.ref(new Ref(RefKind.VPC, vpcId, file, e.get("VpcId").path(), true, null, null));
        }
        IpAddress primary = null;
        List<IpAddress> secondary = new ArrayList<>();
        Map<IpAddress, IpAddress> publicIps = new LinkedHashMap<>();
        for (LocatedNode p : e.get("PrivateIpAddresses").elements()) {
            IpAddress a = AwsShapes.address(p.required("PrivateIpAddress"), IpAddress.V4);
            if (p.optBool("Primary", false)) {
                if (primary != null) {
                    throw p.get("Primary").error("a second primary address (" + primary + " is primary)");
                }
                primary = a;
            } else {
                secondary.add(a);
            }
            LocatedNode pub = p.get("Association").get("PublicIp");
            if (!pub.isAbsent()) {
                putPublic(publicIps, AwsShapes.address(pub, IpAddress.V4), a, pub);
            }
        }
        LocatedNode top = e.get("PrivateIpAddress");
        if (!top.isAbsent()) {
            IpAddress a = AwsShapes.address(top, IpAddress.V4);
            if (primary == null && secondary.isEmpty()) {
                primary = a;
            } else if (!a.equals(primary)) {
                throw top.error(a + " is not the primary address of PrivateIpAddresses (" + primary + ")");
            }
        }
        if (primary == null && !secondary.isEmpty()) {
            throw e.get("PrivateIpAddresses").error("no address is Primary");
        }
        LocatedNode pub = e.get("Association").get("PublicIp");
        if (!pub.isAbsent()) {
            if (primary == null) {
                throw pub.error("a public IPv4 address needs a primary private IPv4 address");
            }
            putPublic(publicIps, AwsShapes.address(pub, IpAddress.V4), primary, pub);
        }
        List<IpAddress> ipv6 = new ArrayList<>();
        for (LocatedNode a : e.get("Ipv6Addresses").elements()) {
            ipv6.add(AwsShapes.address(a.required("Ipv6Address"), IpAddress.V6));
        }
        if (primary == null && ipv6.isEmpty()) {
            throw e.error("no private address (PrivateIpAddresses, PrivateIpAddress or Ipv6Addresses)");
        }
        List<String> groups = new ArrayList<>();
        for (LocatedNode g : e.get("Groups").elements()) {
            LocatedNode gid = g.required("GroupId");
            out.ref(new Ref(RefKind.GROUP, gid.text(), file, gid.path(), true, null, null));
            groups.add(gid.text());
        }
        ConnTrackConfig ct = AwsShapes.connTrack(e.get("ConnectionTrackingConfiguration"), ConnTrackConfig.DEFAULT);
        ct = ct.withMaxTrackedConnections(allowance(e));
        String type = e.optText("InterfaceType");
        out.addNetworkInterface(new NetworkInterface(id, subnetNode.text(), vpcId, e.optText("OwnerId"),
                e.optText("AvailabilityZone"), type == null ? "interface" : type,
                e.get("Attachment").optText("InstanceId"), primary, secondary, ipv6, publicIps, groups, ct), file, e.path());
    }

    private static void putPublic(Map<IpAddress, IpAddress> m, IpAddress pub, IpAddress priv, LocatedNode at) {
        IpAddress old = m.putIfAbsent(pub, priv);
        if (old != null && !old.equals(priv)) {
            throw at.error(pub + " is associated with both " + old + " and " + priv);
        }
    }

    /** The allowance from the ENI's tag; 0 (unlimited) without it. */
    private static long allowance(LocatedNode e) {
        LocatedNode tags = e.has("TagSet") ? e.get("TagSet") : e.get("Tags");
        for (LocatedNode t : tags.elements()) {
            if (ALLOWANCE_TAG.equals(t.optText("Key"))) {
                LocatedNode v = t.get("Value");
                try {
                    long n = Long.parseLong(v.text().trim());
                    if (n >= 0) {
                        return n;
                    }
                } catch (NumberFormatException ignored) {
                    // reported below
                }
                throw v.error("'" + v.text() + "' is not a number of connections (0 = unlimited)");
            }
        }
        return 0;
    }

    private void networkAcl(LocatedNode a) {
        String id = a.requiredText("NetworkAclId");
        String vpcId = a.requiredText("VpcId");
        out.ref(new Ref(RefKind.VPC, vpcId, file, a.get("VpcId").path(), false, null, null));
        List<NaclEntry> entries = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (LocatedNode en : a.get("Entries").elements()) {
            if (AwsShapes.isAsteriskEntry(en)) {
                continue; // the implicit final deny: the same as no match
            }
            NaclEntry entry = AwsShapes.naclEntry(en, warn);
            String key = entry.ruleNumber() + (entry.egress() ? " egress" : " ingress");
            String old = seen.putIfAbsent(key, en.path());
            if (old != null) {
                throw en.get("RuleNumber").error("rule " + key + " is also at " + old);
            }
            entries.add(entry);
        }
        List<String> subnetIds = new ArrayList<>();
        Map<String, String> assocIds = new LinkedHashMap<>();
        Map<String, String> paths = new HashMap<>();
        for (LocatedNode as : a.get("Associations").elements()) {
            LocatedNode s = as.required("SubnetId");
            if (paths.containsKey(s.text())) {
                throw s.error(s.text() + " is associated twice");
            }
            subnetIds.add(s.text());
            paths.put(s.text(), s.path());
            String assoc = as.optText("NetworkAclAssociationId");
            if (assoc != null) {
                assocIds.put(s.text(), assoc);
            }
        }
        out.addNetworkAcl(new NetworkAcl(id, vpcId, a.optBool("IsDefault", false), entries, subnetIds, assocIds),
                file, a.path(), paths);
    }

    private void subnet(LocatedNode s) {
        String id = s.requiredText("SubnetId");
        String vpcId = s.requiredText("VpcId");
        out.ref(new Ref(RefKind.VPC, vpcId, file, s.get("VpcId").path(), false, null, null));
        Cidr v4 = s.has("CidrBlock") ? AwsShapes.cidr(s.get("CidrBlock"), IpAddress.V4, warn) : null;
        List<Cidr> v6 = ipv6Blocks(s.get("Ipv6CidrBlockAssociationSet"));
        if (v6.size() > 1) {
            out.warn(file, s.get("Ipv6CidrBlockAssociationSet").path() + ": a subnet has one IPv6 CIDR; " + v6.get(0)
                    + " is used");
        }
        if (v4 == null && v6.isEmpty()) {
            throw s.get("CidrBlock").error("missing (and no IPv6 CIDR block either)");
        }
        out.addSubnet(new Subnet(id, vpcId, v4, v6.isEmpty() ? null : v6.get(0), s.optText("AvailabilityZone"),
                s.optText("AvailabilityZoneId"), s.optText("OwnerId")), file, s.path());
    }

    private List<Cidr> ipv6Blocks(LocatedNode set) {
        List<Cidr> out6 = new ArrayList<>();
        for (LocatedNode a : set.elements()) {
            if (inactive(a.get("Ipv6CidrBlockState"))) {
                continue;
            }
            out6.add(AwsShapes.cidr(a.required("Ipv6CidrBlock"), IpAddress.V6, warn));
        }
        return out6;
    }

    /** A block association whose state says it is going or gone; one without a state is taken as associated. */
    private static boolean inactive(LocatedNode blockState) {
        String state = blockState.optText("State");
        return state != null && INACTIVE_STATES.contains(state);
    }

    private void vpc(LocatedNode v) {
        String id = v.requiredText("VpcId");
        List<Cidr> v4 = new ArrayList<>();
        if (v.has("CidrBlock")) {
            v4.add(AwsShapes.cidr(v.get("CidrBlock"), IpAddress.V4, warn));
        }
        for (LocatedNode a : v.get("CidrBlockAssociationSet").elements()) {
            if (inactive(a.get("CidrBlockState"))) {
                continue;
            }
            Cidr c = AwsShapes.cidr(a.required("CidrBlock"), IpAddress.V4, warn);
            if (!v4.contains(c)) {
                v4.add(c);
            }
        }
        List<Cidr> v6 = ipv6Blocks(v.get("Ipv6CidrBlockAssociationSet"));
        if (v4.isEmpty() && v6.isEmpty()) {
            throw v.get("CidrBlock").error("missing (and no CIDR block association either)");
        }
        out.addVpc(new Vpc(id, v.optText("OwnerId"), v4, v6), file, v.path());
    }

    /**
     * An item of describe-managed-prefix-lists (optionally with {@code Entries}) or of
     * describe-prefix-lists (AWS-managed lists, with {@code Cidrs}).
     */
    private void prefixList(LocatedNode p) {
        String id = p.requiredText("PrefixListId");
        int family = 0;
        String af = p.optText("AddressFamily");
        if (af != null) {
            family = switch (af) {
                case "IPv4" -> IpAddress.V4;
                case "IPv6" -> IpAddress.V6;
                default -> throw p.get("AddressFamily").error("'" + af + "' is not IPv4 or IPv6");
            };
        }
        List<Cidr> entries = null;
        if (p.has("Cidrs")) {
            entries = new ArrayList<>();
            for (LocatedNode c : p.get("Cidrs").elements()) {
                entries.add(AwsShapes.cidr(c, family, warn));
            }
        } else if (p.has("Entries")) {
            entries = prefixListEntries(p.get("Entries"), family, warn);
        }
        out.addPrefixList(new PrefixListPart(id, p.optText("PrefixListName"), family, entries), file, p.path());
    }

    /** The {@code Entries} array of get-managed-prefix-list-entries. */
    static List<Cidr> prefixListEntries(LocatedNode entries, int family, Consumer<String> warn) {
        List<Cidr> out = new ArrayList<>();
        for (LocatedNode e : entries.elements()) {
            out.add(AwsShapes.cidr(e.required("Cidr"), family, warn));
        }
        return out;
    }
}
