package io.sgemu.control.changes;

import io.sgemu.control.aws.AwsShapes.ParsedRule;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.World;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Authorize/RevokeSecurityGroupIngress/Egress. A group is named by {@code GroupId}, or by a
 * {@code GroupName} that exactly one loaded group has. Rules compare by protocol, ports and peer
 * (descriptions do not count), as EC2 does when it looks for a duplicate or for the rule to revoke.
 */
record SgRulesEdit(boolean authorize, boolean egress, String groupId, String groupName, List<ParsedRule> rules,
                   List<String> ruleIds) implements Edit {

    @Override
    public World applyTo(World world) {
        SecurityGroup g = resolve(world);
        List<SgRule> current = new ArrayList<>(g.rules(egress));
        if (authorize) {
            int next = current.stream().mapToInt(SgRule::index).max().orElse(-1) + 1;
            for (ParsedRule pr : rules) {
                SgRule r = pr.rule();
                checkPeer(world, g, pr);
                if (current.stream().anyMatch(c -> sameRule(c, r))) {
                    throw new Rejected("InvalidPermission.Duplicate", "the rule " + r.describe() + " already exists in " + g.id());
                }
                current.add(new SgRule(null, egress, r.protocol(), r.fromPort(), r.toPort(), r.peer(), r.description(), next++));
            }
        } else {
            for (String id : ruleIds) {
                boolean removed = current.removeIf(c -> id.equals(c.ruleId()));
                if (!removed) {
                    boolean otherWay = g.rules(!egress).stream().anyMatch(c -> id.equals(c.ruleId()));
                    throw new Rejected("InvalidSecurityGroupRuleId.NotFound", "no " + direction() + " rule " + id + " in "
                            + g.id() + (otherWay ? " (it is an " + (egress ? "inbound" : "outbound") + " rule)" : ""));
                }
            }
            for (ParsedRule pr : rules) {
                SgRule r = pr.rule();
                if (!current.removeIf(c -> sameRule(c, r))) {
                    throw new Rejected("InvalidPermission.NotFound", "the " + direction() + " rule " + r.describe()
                            + " does not exist in " + g.id());
                }
            }
        }
        SecurityGroup updated = egress
                ? new SecurityGroup(g.id(), g.name(), g.vpcId(), g.ownerId(), g.ingress(), current)
                : new SecurityGroup(g.id(), g.name(), g.vpcId(), g.ownerId(), current, g.egress());
        return world.withSecurityGroup(updated);
    }

    private String direction() {
        return egress ? "outbound" : "inbound";
    }

    private SecurityGroup resolve(World world) {
        if (groupId != null) {
            SecurityGroup g = world.securityGroups().get(groupId);
            if (g == null) {
                throw new Rejected("InvalidGroup.NotFound", "the security group " + groupId + " does not exist");
            }
            return g;
        }
        List<SecurityGroup> named = world.securityGroups().values().stream()
                .filter(g -> groupName.equals(g.name())).toList();
        if (named.size() != 1) {
            throw new Rejected("InvalidGroup.NotFound", named.isEmpty()
                    ? "no security group is named '" + groupName + "'"
                    : "the name '" + groupName + "' is ambiguous (" + named.size() + " groups have it): give GroupId");
        }
        return named.get(0);
    }

    private static void checkPeer(World world, SecurityGroup g, ParsedRule pr) {
        switch (pr.rule().peer()) {
            case Peer.GroupPeer p -> {
                boolean otherAccount = pr.peerUserId() != null && g.ownerId() != null && !pr.peerUserId().equals(g.ownerId());
                if (!world.securityGroups().containsKey(p.groupId()) && !otherAccount) {
                    throw new Rejected("InvalidGroup.NotFound", "the security group " + p.groupId() + " does not exist");
                }
            }
            case Peer.PrefixListPeer p -> {
                if (!world.prefixLists().containsKey(p.prefixListId())) {
                    throw new Rejected("InvalidPrefixListID.NotFound", "the prefix list " + p.prefixListId() + " does not exist");
                }
            }
            case Peer.CidrPeer p -> {
                // any CIDR is fine
            }
        }
    }

    static boolean sameRule(SgRule a, SgRule b) {
        return a.protocol() == b.protocol() && a.fromPort() == b.fromPort() && a.toPort() == b.toPort()
                && a.peer().equals(b.peer());
    }

    @Override
    public String summary() {
        String group = groupId != null ? groupId : "'" + groupName + "'";
        List<String> parts = new ArrayList<>(ruleIds);
        parts.addAll(rules.stream().map(r -> r.rule().describe()).collect(Collectors.toList()));
        return group + ": " + String.join(", ", parts);
    }
}
