package io.sgemu.control.ec2;

import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.Vpc;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * DescribeSecurityGroups, CreateSecurityGroup, DeleteSecurityGroup, and the XML shape of a group. A
 * group's description is not in the world model, so it is kept here (a loaded group's is its name).
 */
final class SecurityGroupActions {
    private final Ec2Context ctx;
    private final Map<String, String> descriptions = new ConcurrentHashMap<>();

    SecurityGroupActions(Ec2Context ctx) {
        this.ctx = ctx;
    }

    void register(Map<String, ActionHandler> actions) {
        actions.put("DescribeSecurityGroups", this::describe);
        actions.put("CreateSecurityGroup", this::create);
        actions.put("DeleteSecurityGroup", this::delete);
    }

    private String description(SecurityGroup g) {
        return descriptions.getOrDefault(g.id(), g.name());
    }

    private void describe(QueryRequest req, Xml x) {
        World w = ctx.plane().world();
        List<String> ids = req.list("GroupId");
        List<String> names = req.list("GroupName");
        ids.forEach(id -> WorldLookups.securityGroup(w, id));
        Filters filters = ctx.filters(req);
        List<SecurityGroup> matches = new ArrayList<>();
        for (SecurityGroup g : w.securityGroups().values()) {
            if ((!ids.isEmpty() && !ids.contains(g.id())) || (!names.isEmpty() && !names.contains(g.name()))) {
                continue;
            }
            if (filters.match(g.id(), f -> switch (f) {
                case "group-id" -> List.of(g.id());
                case "group-name" -> List.of(g.name());
                case "vpc-id" -> List.of(String.valueOf(g.vpcId()));
                case "owner-id" -> List.of(String.valueOf(g.ownerId()));
                case "description" -> List.of(description(g));
                default -> null;
            })) {
                matches.add(g);
            }
        }
        Pagination.Page<SecurityGroup> page = Pagination.page(req, "DescribeSecurityGroups", Pagination.Bounds.MOST,
                matches, SecurityGroup::id);
        x.open("securityGroupInfo");
        for (SecurityGroup g : page.items()) {
            x.open("item");
            write(w, g, x);
            x.close("item");
        }
        x.close("securityGroupInfo");
        page.writeNextToken(x);
    }

    private void write(World w, SecurityGroup g, Xml x) {
        x.el("ownerId", g.ownerId()).el("groupId", g.id()).el("groupName", g.name())
                .el("groupDescription", description(g)).el("vpcId", g.vpcId());
        permissions("ipPermissions", w, g.ingress(), x);
        permissions("ipPermissionsEgress", w, g.egress(), x);
        ctx.tags().writeTagSet(x, g.id());
        x.el("securityGroupArn", ctx.arn(g.ownerId(), "security-group", g.id()));
    }

    /** Rules grouped into IpPermissions: one per protocol and port range, its peers listed by kind. */
    private static void permissions(String element, World w, List<SgRule> rules, Xml x) {
        Map<String, List<SgRule>> byPorts = new LinkedHashMap<>();
        for (SgRule r : rules) {
            byPorts.computeIfAbsent(r.protocol() + "/" + r.fromPort() + "/" + r.toPort(), k -> new ArrayList<>()).add(r);
        }
        x.open(element);
        for (List<SgRule> same : byPorts.values()) {
            SgRule first = same.get(0);
            x.open("item").el("ipProtocol", Protocols.name(first.protocol()));
            if (SecurityGroupRuleActions.hasPorts(first.protocol())) {
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

    private void create(QueryRequest req, Xml x) {
        String name = req.required("GroupName");
        String description = req.required("GroupDescription");
        if (name.length() > 255 || description.length() > 255) {
            throw new Ec2Exception("InvalidParameterValue", "GroupName and GroupDescription are at most 255 characters");
        }
        if (name.toLowerCase().startsWith("sg-")) {
            throw new Ec2Exception("InvalidParameterValue", "Group names may not be in the format sg-*");
        }
        Map<String, String> tags = TagActions.specified(req, TagActions.ResourceType.SECURITY_GROUP);
        String id = ctx.plane().ids().next("sg");
        World after = ctx.create(id, tags, w -> {
            Vpc vpc = WorldLookups.vpcOrOnly(w, req.get("VpcId"));
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
        descriptions.put(id, description);
        SecurityGroup g = after.securityGroups().get(id);
        x.el("return", true).el("groupId", id);
        ctx.tags().writeTagSet(x, id);
        x.el("securityGroupArn", ctx.arn(g.ownerId(), "security-group", id));
    }

    private void delete(QueryRequest req, Xml x) {
        String[] deleted = new String[1];
        ctx.plane().apply(w -> {
            SecurityGroup g = WorldLookups.groupByIdOrName(w, req.get("GroupId"), req.get("GroupName"));
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
                for (SgRule r : SecurityGroupRuleActions.allRules(other)) {
                    if (r.peer() instanceof Peer.GroupPeer p && p.groupId().equals(g.id())) {
                        throw new Ec2Exception("DependencyViolation", "resource " + g.id()
                                + " has a dependent object (a rule of " + other.id() + ")");
                    }
                }
            }
            deleted[0] = g.id();
            return w.withoutSecurityGroup(g.id());
        });
        descriptions.remove(deleted[0]);
        ctx.tags().forget(deleted[0]);
        x.el("return", true).el("groupId", deleted[0]);
    }
}
