package io.sgemu.control.ec2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sgemu.control.aws.AwsShapes;
import io.sgemu.control.aws.BadInputException;
import io.sgemu.control.aws.LocatedNode;
import io.sgemu.control.changes.Ec2Edits;
import io.sgemu.control.changes.Rejected;
import io.sgemu.control.model.ConnTrackConfig;
import io.sgemu.control.model.NaclEntry;
import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.PrefixList;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.Subnet;
import io.sgemu.control.model.Vpc;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The EC2 Query API's actions over a {@link ControlPlane}: each call is decoded from its form parameters,
 * applied (writes) or read from the latest world (describes), and answered in EC2's XML. The rule
 * changes that the {@code --changes} log also knows (authorize/revoke, ENI attributes, NACL entries and
 * associations) are the change log's own edits, fed the form parameters in the request's JSON shape.
 *
 * <p>What the world model does not keep (group and ENI descriptions, prefix lists' versions and maximum
 * sizes) is kept here, for the answers.
 */
public final class Ec2Api {

    /** The actions answered, in the API's spelling. */
    public static final Set<String> ACTIONS = Set.of(
            "DescribeSecurityGroups", "CreateSecurityGroup", "DeleteSecurityGroup", "DescribeSecurityGroupRules",
            "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress",
            "RevokeSecurityGroupEgress", "ModifySecurityGroupRules",
            "DescribeNetworkInterfaces", "CreateNetworkInterface", "DeleteNetworkInterface",
            "ModifyNetworkInterfaceAttribute",
            "DescribeNetworkAcls", "CreateNetworkAcl", "DeleteNetworkAcl", "CreateNetworkAclEntry",
            "ReplaceNetworkAclEntry", "DeleteNetworkAclEntry", "ReplaceNetworkAclAssociation",
            "DescribeSubnets", "DescribeVpcs",
            "DescribeManagedPrefixLists", "CreateManagedPrefixList", "ModifyManagedPrefixList",
            "GetManagedPrefixListEntries");

    private final ControlPlane plane;
    private final String region;
    private final Map<String, String> groupDescriptions = new ConcurrentHashMap<>();
    private final Map<String, String> eniDescriptions = new ConcurrentHashMap<>();
    private final Map<String, PrefixListMeta> prefixListMeta = new ConcurrentHashMap<>();

    /** What EC2 says of a prefix list beyond its entries. */
    private record PrefixListMeta(int maxEntries, long version, String ownerId, Map<String, String> descriptions) {
    }

    /** @param region the region named in ARNs */
    public Ec2Api(ControlPlane plane, String region) {
        this.plane = plane;
        this.region = region == null ? "us-east-1" : region;
    }

    public ControlPlane controlPlane() {
        return plane;
    }

    /**
     * Answers one call with its XML document.
     *
     * @throws Ec2Exception EC2's error for the call (an unknown action is {@code InvalidAction})
     */
    public String handle(QueryRequest req, String requestId) {
        String action = req.get("Action");
        if (action == null || action.isEmpty()) {
            throw new Ec2Exception("MissingAction", "The request must contain the parameter Action");
        }
        if (!ACTIONS.contains(action)) {
            throw new Ec2Exception("InvalidAction", "The action " + action + " is not valid for this web service.");
        }
        Xml body = new Xml();
        try {
            if ("true".equalsIgnoreCase(req.get("DryRun"))) {
                throw new Ec2Exception("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412);
            }
            if (action.startsWith("Describe") || action.startsWith("Get")) {
                dispatch(action, req, body);
            } else {
                // one write at a time, its bookkeeping here included (the control plane's lock, re-entrant)
                synchronized (plane) {
                    dispatch(action, req, body);
                }
            }
        } catch (Rejected e) {
            throw new Ec2Exception(e.code(), e.detail());
        } catch (BadInputException e) {
            String code = e.problem().startsWith("missing") ? "MissingParameter" : "InvalidParameterValue";
            throw new Ec2Exception(code, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new Ec2Exception("InvalidParameterValue", e.getMessage());
        }
        return Xml.response(action, requestId, body);
    }

    private void dispatch(String action, QueryRequest req, Xml x) {
        switch (action) {
            case "DescribeSecurityGroups" -> describeSecurityGroups(req, x);
            case "CreateSecurityGroup" -> createSecurityGroup(req, x);
            case "DeleteSecurityGroup" -> deleteSecurityGroup(req, x);
            case "DescribeSecurityGroupRules" -> describeSecurityGroupRules(req, x);
            case "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress" -> authorize(action, req, x);
            case "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress" -> revoke(action, req, x);
            case "ModifySecurityGroupRules" -> modifySecurityGroupRules(req, x);
            case "DescribeNetworkInterfaces" -> describeNetworkInterfaces(req, x);
            case "CreateNetworkInterface" -> createNetworkInterface(req, x);
            case "DeleteNetworkInterface" -> deleteNetworkInterface(req, x);
            case "ModifyNetworkInterfaceAttribute" -> {
                ObjectNode t = req.tree();
                rename(t, "SecurityGroupId", "Groups");
                changeLogEdit(action, t, null);
                x.el("return", true);
            }
            case "DescribeNetworkAcls" -> describeNetworkAcls(req, x);
            case "CreateNetworkAcl" -> createNetworkAcl(req, x);
            case "DeleteNetworkAcl" -> deleteNetworkAcl(req, x);
            case "CreateNetworkAclEntry", "ReplaceNetworkAclEntry", "DeleteNetworkAclEntry" -> {
                ObjectNode t = req.tree();
                rename(t, "Icmp", "IcmpTypeCode");
                changeLogEdit(action, t, null);
                x.el("return", true);
            }
            case "ReplaceNetworkAclAssociation" -> {
                String id = plane.ids().next("aclassoc");
                ObjectNode out = JsonNodeFactory.instance.objectNode().put("NewAssociationId", id);
                changeLogEdit(action, req.tree(), out);
                x.el("newAssociationId", id);
            }
            case "DescribeSubnets" -> describeSubnets(req, x);
            case "DescribeVpcs" -> describeVpcs(req, x);
            case "DescribeManagedPrefixLists" -> describePrefixLists(req, x);
            case "CreateManagedPrefixList" -> createPrefixList(req, x);
            case "ModifyManagedPrefixList" -> modifyPrefixList(req, x);
            case "GetManagedPrefixListEntries" -> prefixListEntries(req, x);
            default -> throw new IllegalStateException(action);
        }
    }

    private World changeLogEdit(String action, JsonNode input, JsonNode output) {
        UnaryOperator<World> edit = Ec2Edits.edit(action, input, output).orElseThrow();
        return plane.apply(edit);
    }

    private static void rename(ObjectNode node, String from, String to) {
        JsonNode v = node.remove(from);
        if (v != null) {
            node.set(to, v);
        }
    }

    // ---------------------------------------------------------------- security groups

    private void describeSecurityGroups(QueryRequest req, Xml x) {
        World w = plane.world();
        List<String> ids = req.list("GroupId");
        List<String> names = req.list("GroupName");
        for (String id : ids) {
            if (!w.securityGroups().containsKey(id)) {
                throw new Ec2Exception("InvalidGroup.NotFound", "The security group '" + id + "' does not exist");
            }
        }
        Filters filters = Filters.of(req);
        x.open("securityGroupInfo");
        for (SecurityGroup g : w.securityGroups().values()) {
            if ((!ids.isEmpty() && !ids.contains(g.id())) || (!names.isEmpty() && !names.contains(g.name()))) {
                continue;
            }
            if (!filters.match(f -> switch (f) {
                case "group-id" -> List.of(g.id());
                case "group-name" -> List.of(g.name());
                case "vpc-id" -> List.of(String.valueOf(g.vpcId()));
                case "owner-id" -> List.of(String.valueOf(g.ownerId()));
                case "description" -> List.of(groupDescription(g));
                default -> null;
            })) {
                continue;
            }
            x.open("item");
            securityGroup(w, g, x);
            x.close("item");
        }
        x.close("securityGroupInfo");
    }

    private String groupDescription(SecurityGroup g) {
        return groupDescriptions.getOrDefault(g.id(), g.name());
    }

    private void securityGroup(World w, SecurityGroup g, Xml x) {
        x.el("ownerId", g.ownerId()).el("groupId", g.id()).el("groupName", g.name())
                .el("groupDescription", groupDescription(g)).el("vpcId", g.vpcId());
        permissions("ipPermissions", w, g.ingress(), x);
        permissions("ipPermissionsEgress", w, g.egress(), x);
        x.el("securityGroupArn", "arn:aws:ec2:" + region + ":" + g.ownerId() + ":security-group/" + g.id());
    }

    /** Rules grouped into IpPermissions: one per protocol and port range, its peers listed by kind. */
    private void permissions(String element, World w, List<SgRule> rules, Xml x) {
        Map<String, List<SgRule>> byPorts = new LinkedHashMap<>();
        for (SgRule r : rules) {
            byPorts.computeIfAbsent(r.protocol() + "/" + r.fromPort() + "/" + r.toPort(), k -> new ArrayList<>()).add(r);
        }
        x.open(element);
        for (List<SgRule> same : byPorts.values()) {
            SgRule first = same.get(0);
            x.open("item").el("ipProtocol", Protocols.name(first.protocol()));
            if (hasPorts(first.protocol())) {
                x.el("fromPort", first.fromPort()).el("toPort", first.toPort());
            }
            x.open("groups");
            for (SgRule r : same) {
                if (r.peer() instanceof Peer.GroupPeer p) {
                    SecurityGroup ref = w.securityGroups().get(p.groupId());
                    x.open("item").el("description", r.description())
                            .el("userId", ref != null ? ref.ownerId() : null).el("groupId", p.groupId())
                            .el("vpcId", ref != null ? ref.vpcId() : null).close("item");
                }
            }
            x.close("groups").open("ipRanges");
            for (SgRule r : same) {
                if (r.peer() instanceof Peer.CidrPeer p && p.cidr().family() == IpAddress.V4) {
                    x.open("item").el("cidrIp", p.cidr()).el("description", r.description()).close("item");
                }
            }
            x.close("ipRanges").open("ipv6Ranges");
            for (SgRule r : same) {
                if (r.peer() instanceof Peer.CidrPeer p && p.cidr().family() == IpAddress.V6) {
                    x.open("item").el("cidrIpv6", p.cidr()).el("description", r.description()).close("item");
                }
            }
            x.close("ipv6Ranges").open("prefixListIds");
            for (SgRule r : same) {
                if (r.peer() instanceof Peer.PrefixListPeer p) {
                    x.open("item").el("prefixListId", p.prefixListId()).el("description", r.description()).close("item");
                }
            }
            x.close("prefixListIds").close("item");
        }
        x.close(element);
    }

    private static boolean hasPorts(int protocol) {
        return Protocols.hasPorts(protocol) || Protocols.isIcmp(protocol);
    }

    private void createSecurityGroup(QueryRequest req, Xml x) {
        String name = req.required("GroupName");
        String description = req.required("GroupDescription");
        if (name.length() > 255 || description.length() > 255) {
            throw new Ec2Exception("InvalidParameterValue", "GroupName and GroupDescription are at most 255 characters");
        }
        if (name.toLowerCase().startsWith("sg-")) {
            throw new Ec2Exception("InvalidParameterValue", "Group names may not be in the format sg-*");
        }
        String id = plane.ids().next("sg");
        plane.apply(w -> {
            Vpc vpc = vpcFor(w, req.get("VpcId"));
            for (SecurityGroup g : w.securityGroups().values()) {
                if (name.equals(g.name()) && vpc.id().equals(g.vpcId())) {
                    throw new Ec2Exception("InvalidGroup.Duplicate",
                            "The security group '" + name + "' already exists for VPC '" + vpc.id() + "'");
                }
            }
            // EC2 gives a new group one outbound rule: everything to anywhere (IPv4, and IPv6 in an IPv6 VPC)
            List<SgRule> egress = new ArrayList<>();
            egress.add(new SgRule(null, true, Protocols.ALL, -1, -1, new Peer.CidrPeer(Cidr.ALL_V4), null, 0));
            if (vpc.hasIpv6()) {
                egress.add(new SgRule(null, true, Protocols.ALL, -1, -1, new Peer.CidrPeer(Cidr.ALL_V6), null, 1));
            }
            return w.withSecurityGroup(new SecurityGroup(id, name, vpc.id(), vpc.ownerId(), List.of(), egress));
        });
        groupDescriptions.put(id, description);
        x.el("return", true).el("groupId", id);
    }

    /** The named VPC, or the only VPC when none is named. */
    private static Vpc vpcFor(World w, String vpcId) {
        if (vpcId == null || vpcId.isEmpty()) {
            if (w.vpcs().size() == 1) {
                return w.vpcs().values().iterator().next();
            }
            throw new Ec2Exception("VPCIdNotSpecified", "No default VPC for this user");
        }
        Vpc vpc = w.vpcs().get(vpcId);
        if (vpc == null) {
            throw new Ec2Exception("InvalidVpcID.NotFound", "The vpc ID '" + vpcId + "' does not exist");
        }
        return vpc;
    }

    private void deleteSecurityGroup(QueryRequest req, Xml x) {
        String[] deleted = new String[1];
        plane.apply(w -> {
            SecurityGroup g = groupByIdOrName(w, req.get("GroupId"), req.get("GroupName"));
            if ("default".equals(g.name())) {
                throw new Ec2Exception("CannotDelete", "the specified group: \"" + g.id() + "\" name: \"default\" cannot be deleted by a user");
            }
            for (NetworkInterface e : w.networkInterfaces().values()) {
                if (e.groupIds().contains(g.id())) {
                    throw new Ec2Exception("DependencyViolation", "resource " + g.id() + " has a dependent object ("
                            + e.id() + ")");
                }
            }
            for (SecurityGroup other : w.securityGroups().values()) {
                if (other.id().equals(g.id())) {
                    continue;
                }
                for (SgRule r : concat(other.ingress(), other.egress())) {
                    if (r.peer() instanceof Peer.GroupPeer p && p.groupId().equals(g.id())) {
                        throw new Ec2Exception("DependencyViolation", "resource " + g.id()
                                + " has a dependent object (a rule of " + other.id() + ")");
                    }
                }
            }
            deleted[0] = g.id();
            return w.withoutSecurityGroup(g.id());
        });
        groupDescriptions.remove(deleted[0]);
        x.el("return", true).el("groupId", deleted[0]);
    }

    private static SecurityGroup groupByIdOrName(World w, String id, String name) {
        if (id != null && !id.isEmpty()) {
            SecurityGroup g = w.securityGroups().get(id);
            if (g == null) {
                throw new Ec2Exception("InvalidGroup.NotFound", "The security group '" + id + "' does not exist");
            }
            return g;
        }
        if (name == null || name.isEmpty()) {
            throw new Ec2Exception("MissingParameter", "The request must contain the parameter GroupId or GroupName");
        }
        List<SecurityGroup> named = w.securityGroups().values().stream().filter(g -> name.equals(g.name())).toList();
        if (named.size() != 1) {
            throw new Ec2Exception("InvalidGroup.NotFound", named.isEmpty()
                    ? "The security group '" + name + "' does not exist"
                    : "The security group name '" + name + "' is ambiguous: give GroupId");
        }
        return named.get(0);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private void describeSecurityGroupRules(QueryRequest req, Xml x) {
        World w = plane.world();
        List<String> ids = req.list("SecurityGroupRuleId");
        Filters filters = Filters.of(req);
        Set<String> seen = new HashSet<>();
        x.open("securityGroupRuleSet");
        for (SecurityGroup g : w.securityGroups().values()) {
            for (SgRule r : concat(g.ingress(), g.egress())) {
                if (!ids.isEmpty() && !ids.contains(r.ruleId())) {
                    continue;
                }
                if (!filters.match(f -> switch (f) {
                    case "group-id" -> List.of(g.id());
                    case "security-group-rule-id" -> List.of(r.ruleId());
                    default -> null;
                })) {
                    continue;
                }
                seen.add(r.ruleId());
                x.open("item");
                rule(w, g, r, x);
                x.close("item");
            }
        }
        x.close("securityGroupRuleSet");
        for (String id : ids) {
            if (!seen.contains(id) && filters.isEmpty()) {
                throw new Ec2Exception("InvalidSecurityGroupRuleId.NotFound", "The security group rule ID '" + id
                        + "' does not exist");
            }
        }
    }

    private void rule(World w, SecurityGroup g, SgRule r, Xml x) {
        x.el("securityGroupRuleId", r.ruleId()).el("groupId", g.id()).el("groupOwnerId", g.ownerId())
                .el("isEgress", r.egress()).el("ipProtocol", Protocols.name(r.protocol()))
                .el("fromPort", hasPorts(r.protocol()) ? r.fromPort() : -1)
                .el("toPort", hasPorts(r.protocol()) ? r.toPort() : -1);
        switch (r.peer()) {
            case Peer.CidrPeer p -> x.el(p.cidr().family() == IpAddress.V4 ? "cidrIpv4" : "cidrIpv6", p.cidr());
            case Peer.PrefixListPeer p -> x.el("prefixListId", p.prefixListId());
            case Peer.GroupPeer p -> {
                SecurityGroup ref = w.securityGroups().get(p.groupId());
                x.open("referencedGroupInfo").el("groupId", p.groupId())
                        .el("userId", ref != null ? ref.ownerId() : g.ownerId()).close("referencedGroupInfo");
            }
        }
        x.el("description", r.description())
                .el("securityGroupRuleArn", "arn:aws:ec2:" + region + ":" + g.ownerId() + ":security-group-rule/" + r.ruleId());
    }

    private void authorize(String action, QueryRequest req, Xml x) {
        boolean egress = action.endsWith("Egress");
        ObjectNode t = permissionsTree(req);
        World before = plane.world();
        World after = changeLogEdit(action, t, null);
        // the new rules: those of the group that were not there before (by id)
        SecurityGroup g = groupByIdOrName(after, req.get("GroupId"), req.get("GroupName"));
        SecurityGroup old = before.securityGroups().get(g.id());
        Set<String> oldIds = new HashSet<>();
        if (old != null) {
            old.rules(egress).forEach(r -> oldIds.add(r.ruleId()));
        }
        x.el("return", true).open("securityGroupRuleSet");
        for (SgRule r : g.rules(egress)) {
            if (!oldIds.contains(r.ruleId())) {
                x.open("item");
                rule(after, g, r, x);
                x.close("item");
            }
        }
        x.close("securityGroupRuleSet");
    }

    private void revoke(String action, QueryRequest req, Xml x) {
        changeLogEdit(action, permissionsTree(req), null);
        x.el("return", true);
    }

    /** The request in the change log's shape: the query names {@code Groups} what JSON calls {@code UserIdGroupPairs}. */
    private static ObjectNode permissionsTree(QueryRequest req) {
        ObjectNode t = req.tree();
        rename(t, "SecurityGroupRuleId", "SecurityGroupRuleIds");
        JsonNode perms = t.get("IpPermissions");
        if (perms != null && perms.isArray()) {
            for (JsonNode p : perms) {
                if (p instanceof ObjectNode o) {
                    rename(o, "Groups", "UserIdGroupPairs");
                }
            }
        }
        return t;
    }

    /**
     * ModifySecurityGroupRules: each named rule is replaced in place (it keeps its id and direction), with
     * the checks an authorize makes (the peer exists, no other rule of the group is the same).
     */
    private void modifySecurityGroupRules(QueryRequest req, Xml x) {
        String groupId = req.required("GroupId");
        LocatedNode updates = LocatedNode.at(req.tree().get("SecurityGroupRule"), "SecurityGroupRule", true);
        if (updates.isAbsent()) {
            throw new Ec2Exception("MissingParameter", "The request must contain the parameter SecurityGroupRule");
        }
        plane.apply(w -> {
            SecurityGroup g = w.securityGroups().get(groupId);
            if (g == null) {
                throw new Ec2Exception("InvalidGroup.NotFound", "The security group '" + groupId + "' does not exist");
            }
            List<SgRule> in = new ArrayList<>(g.ingress());
            List<SgRule> out = new ArrayList<>(g.egress());
            for (LocatedNode u : updates.elements()) {
                String ruleId = u.requiredText("SecurityGroupRuleId");
                LocatedNode spec = u.required("SecurityGroupRule");
                List<SgRule> list = in.stream().anyMatch(r -> ruleId.equals(r.ruleId())) ? in
                        : out.stream().anyMatch(r -> ruleId.equals(r.ruleId())) ? out : null;
                if (list == null) {
                    throw new Ec2Exception("InvalidSecurityGroupRuleId.NotFound", "The security group rule ID '" + ruleId
                            + "' does not exist in " + groupId);
                }
                int at = 0;
                while (!ruleId.equals(list.get(at).ruleId())) {
                    at++;
                }
                SgRule old = list.get(at);
                int protocol = AwsShapes.protocol(spec.required("IpProtocol"));
                int[] ports = AwsShapes.rulePorts(protocol, spec.get("FromPort"), spec.get("ToPort"), null);
                Peer peer = peer(w, spec);
                SgRule next = new SgRule(ruleId, old.egress(), protocol, ports[0], ports[1], peer,
                        spec.optText("Description"), old.index());
                for (SgRule other : list) {
                    if (!ruleId.equals(other.ruleId()) && other.protocol() == next.protocol()
                            && other.fromPort() == next.fromPort() && other.toPort() == next.toPort()
                            && other.peer().equals(next.peer())) {
                        throw new Ec2Exception("InvalidPermission.Duplicate", "the specified rule \"" + next.describe()
                                + "\" already exists as " + other.ruleId());
                    }
                }
                list.set(at, next);
            }
            return w.withSecurityGroup(new SecurityGroup(g.id(), g.name(), g.vpcId(), g.ownerId(), in, out));
        });
        x.el("return", true);
    }

    private static Peer peer(World w, LocatedNode spec) {
        List<Peer> peers = new ArrayList<>();
        if (spec.has("CidrIpv4")) {
            peers.add(new Peer.CidrPeer(AwsShapes.cidr(spec.get("CidrIpv4"), IpAddress.V4, null)));
        }
        if (spec.has("CidrIpv6")) {
            peers.add(new Peer.CidrPeer(AwsShapes.cidr(spec.get("CidrIpv6"), IpAddress.V6, null)));
        }
        if (spec.has("PrefixListId")) {
            String id = spec.requiredText("PrefixListId");
            if (!w.prefixLists().containsKey(id)) {
                throw new Ec2Exception("InvalidPrefixListID.NotFound", "The prefix list ID '" + id + "' does not exist");
            }
            peers.add(new Peer.PrefixListPeer(id));
        }
        if (spec.has("ReferencedGroupId")) {
            String id = spec.requiredText("ReferencedGroupId");
            if (!w.securityGroups().containsKey(id)) {
                throw new Ec2Exception("InvalidGroup.NotFound", "The security group '" + id + "' does not exist");
            }
            peers.add(new Peer.GroupPeer(id));
        }
        if (peers.size() != 1) {
            throw new Ec2Exception("InvalidParameterValue", peers.isEmpty()
                    ? "a rule needs one of CidrIpv4, CidrIpv6, PrefixListId, ReferencedGroupId"
                    : "a rule has only one of CidrIpv4, CidrIpv6, PrefixListId, ReferencedGroupId");
        }
        return peers.get(0);
    }

    // ---------------------------------------------------------------- network interfaces

    private void describeNetworkInterfaces(QueryRequest req, Xml x) {
        World w = plane.world();
        List<String> ids = req.list("NetworkInterfaceId");
        for (String id : ids) {
            if (!w.networkInterfaces().containsKey(id)) {
                throw new Ec2Exception("InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '" + id
                        + "' does not exist");
            }
        }
        Filters filters = Filters.of(req);
        x.open("networkInterfaceSet");
        for (NetworkInterface e : w.networkInterfaces().values()) {
            if (!ids.isEmpty() && !ids.contains(e.id())) {
                continue;
            }
            if (!filters.match(f -> switch (f) {
                case "network-interface-id" -> List.of(e.id());
                case "subnet-id" -> List.of(e.subnetId());
                case "vpc-id" -> List.of(e.vpcId());
                case "group-id" -> e.groupIds();
                case "availability-zone" -> List.of(String.valueOf(e.availabilityZone()));
                case "private-ip-address", "addresses.private-ip-address" ->
                        e.privateAddresses().stream().map(IpAddress::toString).toList();
                case "interface-type" -> List.of(String.valueOf(e.interfaceType()));
                default -> null;
            })) {
                continue;
            }
            x.open("item");
            networkInterface(w, e, x);
            x.close("item");
        }
        x.close("networkInterfaceSet");
    }

    private void networkInterface(World w, NetworkInterface e, Xml x) {
        x.el("networkInterfaceId", e.id()).el("subnetId", e.subnetId()).el("vpcId", e.vpcId())
                .el("availabilityZone", e.availabilityZone()).el("description", eniDescriptions.getOrDefault(e.id(), ""))
                .el("ownerId", e.ownerId()).el("requesterManaged", false)
                .el("status", e.instanceId() != null ? "in-use" : "available")
                .el("privateIpAddress", e.primaryIpv4()).el("sourceDestCheck", true)
                .el("interfaceType", e.interfaceType());
        x.open("groupSet");
        for (String gid : e.groupIds()) {
            SecurityGroup g = w.securityGroups().get(gid);
            x.open("item").el("groupId", gid).el("groupName", g != null ? g.name() : null).close("item");
        }
        x.close("groupSet");
        if (e.instanceId() != null) {
            x.open("attachment").el("instanceId", e.instanceId()).el("deviceIndex", 0).el("status", "attached")
                    .close("attachment");
        }
        IpAddress primaryPublic = publicOf(e, e.primaryIpv4());
        if (primaryPublic != null) {
            x.open("association").el("publicIp", primaryPublic).close("association");
        }
        x.open("privateIpAddressesSet");
        List<IpAddress> v4 = new ArrayList<>();
        if (e.primaryIpv4() != null) {
            v4.add(e.primaryIpv4());
        }
        v4.addAll(e.secondaryIpv4());
        for (IpAddress a : v4) {
            x.open("item").el("privateIpAddress", a).el("primary", a.equals(e.primaryIpv4()));
            IpAddress pub = publicOf(e, a);
            if (pub != null) {
                x.open("association").el("publicIp", pub).close("association");
            }
            x.close("item");
        }
        x.close("privateIpAddressesSet").open("ipv6AddressesSet");
        for (IpAddress a : e.ipv6()) {
            x.open("item").el("ipv6Address", a).close("item");
        }
        x.close("ipv6AddressesSet");
        ConnTrackConfig c = e.connTrack() != null ? e.connTrack() : ConnTrackConfig.DEFAULT;
        x.open("connectionTrackingConfiguration").el("tcpEstablishedTimeout", c.tcpEstablishedTimeout())
                .el("udpStreamTimeout", c.udpStreamTimeout()).el("udpTimeout", c.udpTimeout())
                .close("connectionTrackingConfiguration");
        x.open("tagSet").close("tagSet");
    }

    private static IpAddress publicOf(NetworkInterface e, IpAddress priv) {
        for (Map.Entry<IpAddress, IpAddress> p : e.publicIps().entrySet()) {
            if (p.getValue().equals(priv)) {
                return p.getKey();
            }
        }
        return null;
    }

    private void createNetworkInterface(QueryRequest req, Xml x) {
        String subnetId = req.required("SubnetId");
        List<String> groups = req.list("SecurityGroupId");
        String id = plane.ids().next("eni");
        LocatedNode spec = LocatedNode.at(req.tree().get("ConnectionTrackingSpecification"),
                "ConnectionTrackingSpecification", true);
        ConnTrackConfig ct = spec.isAbsent() ? ConnTrackConfig.DEFAULT : AwsShapes.connTrack(spec, ConnTrackConfig.DEFAULT);
        World after = plane.apply(w -> {
            Subnet s = w.subnets().get(subnetId);
            if (s == null) {
                throw new Ec2Exception("InvalidSubnetID.NotFound", "The subnet ID '" + subnetId + "' does not exist");
            }
            List<String> gs = new ArrayList<>(groups);
            if (gs.isEmpty()) {
                w.securityGroups().values().stream()
                        .filter(g -> "default".equals(g.name()) && s.vpcId().equals(g.vpcId()))
                        .findFirst().ifPresent(g -> gs.add(g.id()));
                if (gs.isEmpty()) {
                    throw new Ec2Exception("InvalidGroup.NotFound", "the VPC " + s.vpcId()
                            + " has no default security group: give SecurityGroupId");
                }
            }
            for (String gid : gs) {
                SecurityGroup g = w.securityGroups().get(gid);
                if (g == null || (g.vpcId() != null && !g.vpcId().equals(s.vpcId()))) {
                    throw new Ec2Exception("InvalidGroup.NotFound", "The security group '" + gid
                            + "' does not exist in VPC '" + s.vpcId() + "'");
                }
            }
            IpAddress address = address(w, s, req.get("PrivateIpAddress"));
            Vpc vpc = w.vpcs().get(s.vpcId());
            String owner = vpc != null ? vpc.ownerId() : s.ownerId();
            return w.withNetworkInterface(new NetworkInterface(id, s.id(), s.vpcId(), owner, s.availabilityZone(),
                    "interface", null, address, List.of(), List.of(), Map.of(), gs, ct));
        });
        String description = req.get("Description");
        if (description != null) {
            eniDescriptions.put(id, description);
        }
        x.open("networkInterface");
        networkInterface(after, after.networkInterfaces().get(id), x);
        x.close("networkInterface");
    }

    /** The asked address (in the subnet, free), or the subnet's first free one after the 4 AWS reserves. */
    private static IpAddress address(World w, Subnet s, String asked) {
        if (s.ipv4Cidr() == null) {
            throw new Ec2Exception("InvalidParameterValue", "the subnet " + s.id() + " has no IPv4 CIDR");
        }
        Set<IpAddress> used = new HashSet<>();
        w.networkInterfaces().values().forEach(e -> used.addAll(e.privateAddresses()));
        if (asked != null && !asked.isEmpty()) {
            IpAddress a = IpAddress.tryParse(asked);
            if (a == null || !a.isV4()) {
                throw new Ec2Exception("InvalidParameterValue", "'" + asked + "' is not an IPv4 address");
            }
            if (!s.ipv4Cidr().contains(a)) {
                throw new Ec2Exception("InvalidParameterValue", "Address " + asked + " does not fall within the subnet's address range");
            }
            if (used.contains(a)) {
                throw new Ec2Exception("InvalidIPAddress.InUse", "The specified address is already in use.");
            }
            return a;
        }
        IpAddress last = s.ipv4Cidr().last();
        for (IpAddress a = s.ipv4Cidr().network().plus(4); a.compareTo(last) < 0; a = a.plus(1)) {
            if (!used.contains(a)) {
                return a;
            }
        }
        throw new Ec2Exception("InsufficientFreeAddressesInSubnet", "There are not enough free addresses in subnet '"
                + s.id() + "' to satisfy the requested number of instances.");
    }

    private void deleteNetworkInterface(QueryRequest req, Xml x) {
        String id = req.required("NetworkInterfaceId");
        plane.apply(w -> {
            NetworkInterface e = w.networkInterfaces().get(id);
            if (e == null) {
                throw new Ec2Exception("InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '" + id
                        + "' does not exist");
            }
            if (e.instanceId() != null) {
                throw new Ec2Exception("InvalidNetworkInterface.InUse", "Interface: [" + id + "] in use.");
            }
            return w.withoutNetworkInterface(id);
        });
        eniDescriptions.remove(id);
        x.el("return", true);
    }

    // ---------------------------------------------------------------- network ACLs

    private void describeNetworkAcls(QueryRequest req, Xml x) {
        World w = plane.world();
        List<String> ids = req.list("NetworkAclId");
        for (String id : ids) {
            if (!w.networkAcls().containsKey(id)) {
                throw new Ec2Exception("InvalidNetworkAclID.NotFound", "The network ACL ID '" + id + "' does not exist");
            }
        }
        Filters filters = Filters.of(req);
        x.open("networkAclSet");
        for (NetworkAcl acl : w.networkAcls().values()) {
            if (!ids.isEmpty() && !ids.contains(acl.id())) {
                continue;
            }
            if (!filters.match(f -> switch (f) {
                case "network-acl-id" -> List.of(acl.id());
                case "vpc-id" -> List.of(acl.vpcId());
                case "default" -> List.of(Boolean.toString(acl.isDefault()));
                case "association.subnet-id" -> associatedSubnets(w, acl);
                case "association.association-id" -> List.copyOf(acl.associationIds().values());
                default -> null;
            })) {
                continue;
            }
            x.open("item");
            networkAcl(w, acl, x);
            x.close("item");
        }
        x.close("networkAclSet");
    }

    /** The subnets a NACL governs: its explicit associations, and for a default NACL every subnet no other names. */
    private static List<String> associatedSubnets(World w, NetworkAcl acl) {
        List<String> out = new ArrayList<>();
        for (Subnet s : w.subnets().values()) {
            NetworkAcl governing = w.naclOf(s.id());
            if (governing != null && governing.id().equals(acl.id())) {
                out.add(s.id());
            }
        }
        return out;
    }

    private void networkAcl(World w, NetworkAcl acl, Xml x) {
        Vpc vpc = w.vpcs().get(acl.vpcId());
        x.el("networkAclId", acl.id()).el("vpcId", acl.vpcId()).el("default", acl.isDefault());
        x.open("entrySet");
        for (NaclEntry e : acl.entries()) {
            naclEntry(e, x);
        }
        // the entries every NACL ends with: deny everything (AWS prints them as rule number "*")
        for (boolean egress : new boolean[]{false, true}) {
            naclEntry(new NaclEntry(AwsShapes.ASTERISK_V4, egress, Protocols.ALL, false, Cidr.ALL_V4, null, -1, -1), x);
            if (vpc != null && vpc.hasIpv6()) {
                naclEntry(new NaclEntry(AwsShapes.ASTERISK_V6, egress, Protocols.ALL, false, Cidr.ALL_V6, null, -1, -1), x);
            }
        }
        x.close("entrySet").open("associationSet");
        for (String subnet : associatedSubnets(w, acl)) {
            String assoc = acl.associationIds().getOrDefault(subnet, NetworkAcl.syntheticAssociationId(subnet));
            x.open("item").el("networkAclAssociationId", assoc).el("networkAclId", acl.id()).el("subnetId", subnet)
                    .close("item");
        }
        x.close("associationSet").open("tagSet").close("tagSet").el("ownerId", vpc != null ? vpc.ownerId() : null);
    }

    private static void naclEntry(NaclEntry e, Xml x) {
        x.open("item").el("ruleNumber", e.ruleNumber()).el("protocol", Integer.toString(e.protocol()))
                .el("ruleAction", e.allow() ? "allow" : "deny").el("egress", e.egress())
                .el(e.cidr().family() == IpAddress.V4 ? "cidrBlock" : "ipv6CidrBlock", e.cidr());
        if (Protocols.isIcmp(e.protocol())) {
            x.open("icmpTypeCode").el("code", e.icmpCode()).el("type", e.icmpType()).close("icmpTypeCode");
        }
        if (Protocols.hasPorts(e.protocol()) && e.portRange() != null) {
            x.open("portRange").el("from", e.portRange().from()).el("to", e.portRange().to()).close("portRange");
        }
        x.close("item");
    }

    private void createNetworkAcl(QueryRequest req, Xml x) {
        String vpcId = req.required("VpcId");
        String id = plane.ids().next("acl");
        World after = plane.apply(w -> {
            vpcFor(w, vpcId);
            return w.withNetworkAcl(new NetworkAcl(id, vpcId, false, List.of(), List.of()));
        });
        x.open("networkAcl");
        networkAcl(after, after.networkAcls().get(id), x);
        x.close("networkAcl");
    }

    private void deleteNetworkAcl(QueryRequest req, Xml x) {
        String id = req.required("NetworkAclId");
        plane.apply(w -> {
            NetworkAcl acl = w.networkAcls().get(id);
            if (acl == null) {
                throw new Ec2Exception("InvalidNetworkAclID.NotFound", "The network ACL ID '" + id + "' does not exist");
            }
            if (acl.isDefault()) {
                throw new Ec2Exception("InvalidParameterValue", "cannot delete default network ACL " + id);
            }
            if (!acl.subnetIds().isEmpty()) {
                throw new Ec2Exception("DependencyViolation", "The networkAcl '" + id + "' has dependencies and cannot be deleted.");
            }
            return w.withoutNetworkAcl(id);
        });
        x.el("return", true);
    }

    // ---------------------------------------------------------------- subnets and VPCs

    private void describeSubnets(QueryRequest req, Xml x) {
        World w = plane.world();
        List<String> ids = req.list("SubnetId");
        for (String id : ids) {
            if (!w.subnets().containsKey(id)) {
                throw new Ec2Exception("InvalidSubnetID.NotFound", "The subnet ID '" + id + "' does not exist");
            }
        }
        Filters filters = Filters.of(req);
        x.open("subnetSet");
        for (Subnet s : w.subnets().values()) {
            if (!ids.isEmpty() && !ids.contains(s.id())) {
                continue;
            }
            if (!filters.match(f -> switch (f) {
                case "subnet-id" -> List.of(s.id());
                case "vpc-id" -> List.of(s.vpcId());
                case "availability-zone" -> List.of(String.valueOf(s.availabilityZone()));
                case "cidr-block" -> List.of(String.valueOf(s.ipv4Cidr()));
                default -> null;
            })) {
                continue;
            }
            long used = w.networkInterfaces().values().stream().filter(e -> e.subnetId().equals(s.id()))
                    .mapToLong(e -> 1 + e.secondaryIpv4().size()).sum();
            x.open("item").el("subnetId", s.id()).el("state", "available").el("vpcId", s.vpcId())
                    .el("cidrBlock", s.ipv4Cidr());
            x.open("ipv6CidrBlockAssociationSet");
            if (s.ipv6Cidr() != null) {
                x.open("item").el("ipv6CidrBlock", s.ipv6Cidr()).el("associationId", "subnet-cidr-assoc-" + s.id())
                        .open("ipv6CidrBlockState").el("state", "associated").close("ipv6CidrBlockState").close("item");
            }
            x.close("ipv6CidrBlockAssociationSet");
            if (s.ipv4Cidr() != null) {
                long size = 1L << (32 - s.ipv4Cidr().prefixLength());
                x.el("availableIpAddressCount", Math.max(0, size - 5 - used));
            }
            x.el("availabilityZone", s.availabilityZone()).el("availabilityZoneId", s.availabilityZoneId())
                    .el("defaultForAz", false).el("mapPublicIpOnLaunch", false).el("ownerId", s.ownerId())
                    .el("subnetArn", "arn:aws:ec2:" + region + ":" + s.ownerId() + ":subnet/" + s.id())
                    .open("tagSet").close("tagSet").close("item");
        }
        x.close("subnetSet");
    }

    private void describeVpcs(QueryRequest req, Xml x) {
        World w = plane.world();
        List<String> ids = req.list("VpcId");
        for (String id : ids) {
            if (!w.vpcs().containsKey(id)) {
                throw new Ec2Exception("InvalidVpcID.NotFound", "The vpc ID '" + id + "' does not exist");
            }
        }
        Filters filters = Filters.of(req);
        x.open("vpcSet");
        for (Vpc v : w.vpcs().values()) {
            if (!ids.isEmpty() && !ids.contains(v.id())) {
                continue;
            }
            if (!filters.match(f -> switch (f) {
                case "vpc-id" -> List.of(v.id());
                case "owner-id" -> List.of(String.valueOf(v.ownerId()));
                case "cidr", "cidr-block-association.cidr-block" -> v.ipv4Cidrs().stream().map(Cidr::toString).toList();
                default -> null;
            })) {
                continue;
            }
            x.open("item").el("vpcId", v.id()).el("ownerId", v.ownerId()).el("state", "available")
                    .el("cidrBlock", v.ipv4Cidrs().isEmpty() ? null : v.ipv4Cidrs().get(0));
            x.open("cidrBlockAssociationSet");
            int n = 0;
            for (Cidr c : v.ipv4Cidrs()) {
                x.open("item").el("cidrBlock", c).el("associationId", "vpc-cidr-assoc-" + v.id() + "-" + n++)
                        .open("cidrBlockState").el("state", "associated").close("cidrBlockState").close("item");
            }
            x.close("cidrBlockAssociationSet").open("ipv6CidrBlockAssociationSet");
            for (Cidr c : v.ipv6Cidrs()) {
                x.open("item").el("ipv6CidrBlock", c).el("associationId", "vpc-cidr-assoc-" + v.id() + "-" + n++)
                        .open("ipv6CidrBlockState").el("state", "associated").close("ipv6CidrBlockState").close("item");
            }
            x.close("ipv6CidrBlockAssociationSet").el("dhcpOptionsId", "default").el("instanceTenancy", "default")
                    .el("isDefault", false).open("tagSet").close("tagSet").close("item");
        }
        x.close("vpcSet");
    }

    // ---------------------------------------------------------------- managed prefix lists

    private PrefixListMeta meta(World w, PrefixList pl) {
        PrefixListMeta m = prefixListMeta.get(pl.id());
        if (m != null) {
            return m;
        }
        String owner = w.vpcs().isEmpty() ? null : w.vpcs().values().iterator().next().ownerId();
        return new PrefixListMeta(Math.max(1, pl.entries().size()), 1, pl.name() != null && pl.name().startsWith("com.amazonaws")
                ? "AWS" : owner, Map.of());
    }

    private void prefixList(World w, PrefixList pl, String state, Xml x) {
        PrefixListMeta m = meta(w, pl);
        x.el("prefixListId", pl.id()).el("addressFamily", pl.family() == IpAddress.V6 ? "IPv6" : "IPv4")
                .el("state", state).el("prefixListArn", "arn:aws:ec2:" + region + ":" + m.ownerId() + ":prefix-list/" + pl.id())
                .el("prefixListName", pl.name()).el("maxEntries", m.maxEntries()).el("version", m.version())
                .open("tagSet").close("tagSet").el("ownerId", m.ownerId());
    }

    private static PrefixList prefixListOf(World w, String id) {
        PrefixList pl = w.prefixLists().get(id);
        if (pl == null) {
            throw new Ec2Exception("InvalidPrefixListID.NotFound", "The prefix list ID '" + id + "' does not exist");
        }
        return pl;
    }

    private void describePrefixLists(QueryRequest req, Xml x) {
        World w = plane.world();
        List<String> ids = req.list("PrefixListId");
        ids.forEach(id -> prefixListOf(w, id));
        Filters filters = Filters.of(req);
        x.open("prefixListSet");
        for (PrefixList pl : w.prefixLists().values()) {
            if (!ids.isEmpty() && !ids.contains(pl.id())) {
                continue;
            }
            if (!filters.match(f -> switch (f) {
                case "prefix-list-id" -> List.of(pl.id());
                case "prefix-list-name" -> List.of(String.valueOf(pl.name()));
                case "owner-id" -> List.of(String.valueOf(meta(w, pl).ownerId()));
                default -> null;
            })) {
                continue;
            }
            x.open("item");
            prefixList(w, pl, "create-complete", x);
            x.close("item");
        }
        x.close("prefixListSet");
    }

    private record EntryArg(Cidr cidr, String description) {
    }

    private static List<EntryArg> entries(QueryRequest req, String name, int family) {
        List<EntryArg> out = new ArrayList<>();
        for (LocatedNode e : LocatedNode.at(req.tree().get(name), name, true).elements()) {
            out.add(new EntryArg(AwsShapes.cidr(e.required("Cidr"), family, null), e.optText("Description")));
        }
        return out;
    }

    private void createPrefixList(QueryRequest req, Xml x) {
        String name = req.required("PrefixListName");
        String familyText = req.required("AddressFamily");
        int family = switch (familyText) {
            case "IPv4" -> IpAddress.V4;
            case "IPv6" -> IpAddress.V6;
            default -> throw new Ec2Exception("InvalidParameterValue", "AddressFamily must be IPv4 or IPv6, not " + familyText);
        };
        int max = parseInt("MaxEntries", req.required("MaxEntries"));
        if (max < 1 || max > 1000) {
            throw new Ec2Exception("InvalidParameterValue", "MaxEntries must be between 1 and 1000");
        }
        List<EntryArg> entries = entries(req, "Entry", family);
        if (entries.size() > max) {
            throw new Ec2Exception("InvalidParameterValue", entries.size() + " entries exceed MaxEntries " + max);
        }
        String id = plane.ids().next("pl");
        Map<String, String> descriptions = new LinkedHashMap<>();
        entries.forEach(e -> descriptions.put(e.cidr().toString(), e.description()));
        World after = plane.apply(w -> w.withPrefixList(
                new PrefixList(id, name, family, entries.stream().map(EntryArg::cidr).distinct().toList())));
        String owner = after.vpcs().isEmpty() ? null : after.vpcs().values().iterator().next().ownerId();
        prefixListMeta.put(id, new PrefixListMeta(max, 1, owner, descriptions));
        x.open("prefixList");
        prefixList(after, after.prefixLists().get(id), "create-complete", x);
        x.close("prefixList");
    }

    private static int parseInt(String name, String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new Ec2Exception("InvalidParameterValue", "Value (" + text + ") for parameter " + name + " is invalid.");
        }
    }

    private void modifyPrefixList(QueryRequest req, Xml x) {
        String id = req.required("PrefixListId");
        String current = req.get("CurrentVersion");
        String newName = req.get("PrefixListName");
        PrefixListMeta[] updated = new PrefixListMeta[1];
        World after = plane.apply(w -> {
            PrefixList pl = prefixListOf(w, id);
            PrefixListMeta m = meta(w, pl);
            if ("AWS".equals(m.ownerId())) {
                throw new Ec2Exception("UnauthorizedOperation", "an AWS-managed prefix list cannot be modified");
            }
            if (current != null && parseInt("CurrentVersion", current) != m.version()) {
                throw new Ec2Exception("PrefixListVersionMismatch", "The prefix list has the incorrect version number.");
            }
            List<EntryArg> add = entries(req, "AddEntry", pl.family());
            List<EntryArg> remove = entries(req, "RemoveEntry", pl.family());
            List<Cidr> cidrs = new ArrayList<>(pl.entries());
            Map<String, String> descriptions = new LinkedHashMap<>(m.descriptions());
            for (EntryArg r : remove) {
                if (!cidrs.remove(r.cidr())) {
                    throw new Ec2Exception("InvalidPrefixListModification", "The entry " + r.cidr() + " is not in " + id);
                }
                descriptions.remove(r.cidr().toString());
            }
            for (EntryArg a : add) {
                if (!cidrs.contains(a.cidr())) {
                    cidrs.add(a.cidr());
                }
                descriptions.put(a.cidr().toString(), a.description());
            }
            if (cidrs.size() > m.maxEntries()) {
                throw new Ec2Exception("PrefixListMaxEntriesExceeded", "The prefix list would have " + cidrs.size()
                        + " entries, more than its maximum " + m.maxEntries());
            }
            updated[0] = new PrefixListMeta(m.maxEntries(), m.version() + 1, m.ownerId(), descriptions);
            return w.withPrefixList(new PrefixList(id, newName != null ? newName : pl.name(), pl.family(), cidrs));
        });
        prefixListMeta.put(id, updated[0]); // only once the change is in force
        x.open("prefixList");
        prefixList(after, after.prefixLists().get(id), "modify-complete", x);
        x.close("prefixList");
    }

    private void prefixListEntries(QueryRequest req, Xml x) {
        World w = plane.world();
        PrefixList pl = prefixListOf(w, req.required("PrefixListId"));
        PrefixListMeta m = meta(w, pl);
        x.open("entrySet");
        for (Cidr c : pl.entries()) {
            x.open("item").el("cidr", c).el("description", m.descriptions().get(c.toString())).close("item");
        }
        x.close("entrySet");
    }

    // ---------------------------------------------------------------- filters

    /** {@code Filter.N.Name} / {@code Filter.N.Value.M}: every filter must match one of its values (globs {@code *} and {@code ?}). */
    private record Filters(Map<String, List<Pattern>> byName) {
        static Filters of(QueryRequest req) {
            Map<String, List<Pattern>> m = new LinkedHashMap<>();
            JsonNode fs = req.tree().get("Filter");
            if (fs != null && fs.isArray()) {
                for (JsonNode f : fs) {
                    String name = f.path("Name").asText("");
                    List<Pattern> values = new ArrayList<>();
                    f.path("Value").forEach(v -> values.add(glob(v.asText())));
                    m.put(name, values);
                }
            }
            return new Filters(m);
        }

        private static Pattern glob(String text) {
            StringBuilder re = new StringBuilder();
            for (char c : text.toCharArray()) {
                re.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
            }
            return Pattern.compile(re.toString());
        }

        boolean isEmpty() {
            return byName.isEmpty();
        }

        boolean match(Function<String, List<String>> valuesOf) {
            for (Map.Entry<String, List<Pattern>> f : byName.entrySet()) {
                List<String> have = valuesOf.apply(f.getKey());
                if (have == null) {
                    throw new Ec2Exception("InvalidParameterValue", "The filter '" + f.getKey() + "' is invalid");
                }
                boolean any = false;
                for (Pattern p : f.getValue()) {
                    for (String h : have) {
                        any |= h != null && p.matcher(h).matches();
                    }
                }
                if (!any) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The names of the actions answered, sorted (for messages and documentation). */
    public static List<String> actionNames() {
        return List.copyOf(new TreeSet<>(ACTIONS));
    }
}
