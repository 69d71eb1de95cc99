package io.sgemu.control.ec2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sgemu.control.aws.AwsShapes;
import io.sgemu.control.aws.LocatedNode;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.IpAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules of security groups: DescribeSecurityGroupRules, Authorize/Revoke (through the change log's
 * edits), ModifySecurityGroupRules, and the XML shape of one rule.
 */
final class SecurityGroupRuleActions {
    private final Ec2Context ctx;

    SecurityGroupRuleActions(Ec2Context ctx) {
        this.ctx = ctx;
    }

    void register(Map<String, ActionHandler> actions) {
        actions.put("DescribeSecurityGroupRules", this::describe);
        actions.put("AuthorizeSecurityGroupIngress", (req, x) -> authorize("AuthorizeSecurityGroupIngress", req, x));
        actions.put("AuthorizeSecurityGroupEgress", (req, x) -> authorize("AuthorizeSecurityGroupEgress", req, x));
        actions.put("RevokeSecurityGroupIngress", (req, x) -> revoke("RevokeSecurityGroupIngress", req, x));
        actions.put("RevokeSecurityGroupEgress", (req, x) -> revoke("RevokeSecurityGroupEgress", req, x));
        actions.put("ModifySecurityGroupRules", this::modify);
    }

    /** Whether EC2 prints the rule's ports (ICMP's type and code ride in them). */
    static boolean hasPorts(int protocol) {
        return Protocols.hasPorts(protocol) || Protocols.isIcmp(protocol);
    }

    /** Ingress then egress. */
    static List<SgRule> allRules(SecurityGroup g) {
        List<SgRule> out = new ArrayList<>(g.ingress());
        out.addAll(g.egress());
        return out;
    }

    private record GroupRule(SecurityGroup group, SgRule rule) {
    }

    private void describe(QueryRequest req, Xml x) {
        World w = ctx.plane().world();
        List<String> ids = req.list("SecurityGroupRuleId");
        Filters filters = ctx.filters(req);
        List<GroupRule> matches = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (SecurityGroup g : w.securityGroups().values()) {
            for (SgRule r : allRules(g)) {
                if (!ids.isEmpty() && !ids.contains(r.ruleId())) {
                    continue;
                }
                if (filters.match(r.ruleId(), f -> switch (f) {
                    case "group-id" -> List.of(g.id());
                    case "security-group-rule-id" -> List.of(r.ruleId());
                    default -> null;
                })) {
                    seen.add(r.ruleId());
                    matches.add(new GroupRule(g, r));
                }
            }
        }
        for (String id : ids) {
            if (!seen.contains(id) && filters.isEmpty()) {
                throw new Ec2Exception("InvalidSecurityGroupRuleId.NotFound", "The security group rule ID '" + id
                        + "' does not exist");
            }
        }
        Pagination.Page<GroupRule> page = Pagination.page(req, "DescribeSecurityGroupRules", Pagination.Bounds.MOST,
                matches, m -> m.rule().ruleId());
        x.open("securityGroupRuleSet");
        for (GroupRule m : page.items()) {
            x.open("item");
            write(w, m.group(), m.rule(), x);
            x.close("item");
        }
        x.close("securityGroupRuleSet");
        page.writeNextToken(x);
    }

    private void write(World w, SecurityGroup g, SgRule r, Xml x) {
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
                .el("securityGroupRuleArn", ctx.arn(g.ownerId(), "security-group-rule", r.ruleId()));
    }

    private void authorize(String action, QueryRequest req, Xml x) {
        boolean egress = action.endsWith("Egress");
        ObjectNode t = permissionsTree(req);
        World before = ctx.plane().world();
        World after = ChangeLogCalls.apply(ctx.plane(), action, t, null);
        // the new rules: those of the group that were not there before (by id)
        SecurityGroup g = WorldLookups.groupByIdOrName(after, req.get("GroupId"), req.get("GroupName"));
        SecurityGroup old = before.securityGroups().get(g.id());
        Set<String> oldIds = new HashSet<>();
        if (old != null) {
            old.rules(egress).forEach(r -> oldIds.add(r.ruleId()));
        }
        x.el("return", true).open("securityGroupRuleSet");
        for (SgRule r : g.rules(egress)) {
            if (!oldIds.contains(r.ruleId())) {
                x.open("item");
                write(after, g, r, x);
                x.close("item");
            }
        }
        x.close("securityGroupRuleSet");
    }

    private void revoke(String action, QueryRequest req, Xml x) {
        ChangeLogCalls.apply(ctx.plane(), action, permissionsTree(req), null);
        x.el("return", true);
    }

    /** The request in the change log's shape: the query names {@code Groups} what JSON calls {@code UserIdGroupPairs}. */
    private static ObjectNode permissionsTree(QueryRequest req) {
        ObjectNode t = req.tree();
        ChangeLogCalls.rename(t, "SecurityGroupRuleId", "SecurityGroupRuleIds");
        JsonNode perms = t.get("IpPermissions");
        if (perms != null && perms.isArray()) {
            for (JsonNode p : perms) {
                if (p instanceof ObjectNode o) {
                    ChangeLogCalls.rename(o, "Groups", "UserIdGroupPairs");
                }
            }
        }
        return t;
    }

    /**
     * ModifySecurityGroupRules: each named rule is replaced in place (it keeps its id and direction), with
     * the checks an authorize makes (the peer exists, no other rule of the group is the same).
     */
    private void modify(QueryRequest req, Xml x) {
        String groupId = req.required("GroupId");
        LocatedNode updates = LocatedNode.at(req.tree().get("SecurityGroupRule"), "SecurityGroupRule", true);
        if (updates.isAbsent()) {
            throw new Ec2Exception("MissingParameter", "The request must contain the parameter SecurityGroupRule");
        }
        ctx.plane().apply(w -> {
            SecurityGroup g = WorldLookups.securityGroup(w, groupId);
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
            WorldLookups.prefixList(w, id);
            peers.add(new Peer.PrefixListPeer(id));
        }
        if (spec.has("ReferencedGroupId")) {
            String id = spec.requiredText("ReferencedGroupId");
            WorldLookups.securityGroup(w, id);
            peers.add(new Peer.GroupPeer(id));
        }
        if (peers.size() != 1) {
            throw new Ec2Exception("InvalidParameterValue", peers.isEmpty()
                    ? "a rule needs one of CidrIpv4, CidrIpv6, PrefixListId, ReferencedGroupId"
                    : "a rule has only one of CidrIpv4, CidrIpv6, PrefixListId, ReferencedGroupId");
        }
        return peers.get(0);
    }
}
