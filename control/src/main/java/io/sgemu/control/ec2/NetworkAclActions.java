package io.sgemu.control.ec2;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sgemu.control.aws.AwsShapes;
import io.sgemu.control.model.NaclEntry;
import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.Subnet;
import io.sgemu.control.model.Vpc;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Network ACLs: DescribeNetworkAcls, CreateNetworkAcl, DeleteNetworkAcl, the entry and association
 * changes (through the change log's edits), and the XML shape of a NACL.
 */
final class NetworkAclActions {
    private final Ec2Context ctx;

    NetworkAclActions(Ec2Context ctx) {
        this.ctx = ctx;
    }

    void register(Map<String, ActionHandler> actions) {
        actions.put("DescribeNetworkAcls", this::describe);
        actions.put("CreateNetworkAcl", this::create);
        actions.put("DeleteNetworkAcl", this::delete);
        for (String entryAction : List.of("CreateNetworkAclEntry", "ReplaceNetworkAclEntry", "DeleteNetworkAclEntry")) {
            actions.put(entryAction, (req, x) -> changeEntry(entryAction, req, x));
        }
        actions.put("ReplaceNetworkAclAssociation", this::replaceAssociation);
    }

    private void describe(QueryRequest req, Xml x) {
        World w = ctx.plane().world();
        List<String> ids = req.list("NetworkAclId");
        ids.forEach(id -> WorldLookups.networkAcl(w, id));
        Filters filters = ctx.filters(req);
        List<NetworkAcl> matches = new ArrayList<>();
        for (NetworkAcl acl : w.networkAcls().values()) {
            if (!ids.isEmpty() && !ids.contains(acl.id())) {
                continue;
            }
            if (filters.match(acl.id(), f -> switch (f) {
                case "network-acl-id" -> List.of(acl.id());
                case "vpc-id" -> List.of(acl.vpcId());
                case "default" -> List.of(Boolean.toString(acl.isDefault()));
                case "association.subnet-id" -> associatedSubnets(w, acl);
                case "association.association-id" -> List.copyOf(acl.associationIds().values());
                default -> null;
            })) {
                matches.add(acl);
            }
        }
        Pagination.Page<NetworkAcl> page = Pagination.page(req, "DescribeNetworkAcls", Pagination.Bounds.MOST,
                matches, NetworkAcl::id);
        x.open("networkAclSet");
        for (NetworkAcl acl : page.items()) {
            x.open("item");
            write(w, acl, x);
            x.close("item");
        }
        x.close("networkAclSet");
        page.writeNextToken(x);
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

    private void write(World w, NetworkAcl acl, Xml x) {
        Vpc vpc = w.vpcs().get(acl.vpcId());
        x.el("networkAclId", acl.id()).el("vpcId", acl.vpcId()).el("default", acl.isDefault());
        x.open("entrySet");
        for (NaclEntry e : acl.entries()) {
            entry(e, x);
        }
        // the entries every NACL ends with: deny everything (AWS prints them as rule number "*")
        for (boolean egress : new boolean[]{false, true}) {
            entry(new NaclEntry(AwsShapes.ASTERISK_V4, egress, Protocols.ALL, false, Cidr.ALL_V4, null, -1, -1), x);
            if (vpc != null && vpc.hasIpv6()) {
                entry(new NaclEntry(AwsShapes.ASTERISK_V6, egress, Protocols.ALL, false, Cidr.ALL_V6, null, -1, -1), x);
            }
        }
        x.close("entrySet").open("associationSet");
        for (String subnet : associatedSubnets(w, acl)) {
            String assoc = acl.associationIds().getOrDefault(subnet, NetworkAcl.syntheticAssociationId(subnet));
            x.open("item").el("networkAclAssociationId", assoc).el("networkAclId", acl.id()).el("subnetId", subnet)
                    .close("item");
        }
        x.close("associationSet");
        ctx.tags().writeTagSet(x, acl.id());
        x.el("ownerId", vpc != null ? vpc.ownerId() : null);
    }

    private static void entry(NaclEntry e, Xml x) {
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

    private void create(QueryRequest req, Xml x) {
        String vpcId = req.required("VpcId");
        Map<String, String> tags = TagActions.specified(req, TagActions.ResourceType.NETWORK_ACL);
        String id = ctx.plane().ids().next("acl");
        World after = ctx.create(id, tags, w -> {
            WorldLookups.vpcOrOnly(w, vpcId);
            return w.withNetworkAcl(new NetworkAcl(id, vpcId, false, List.of(), List.of()));
        });
        x.open("networkAcl");
        write(after, after.networkAcls().get(id), x);
        x.close("networkAcl");
    }

    private void delete(QueryRequest req, Xml x) {
        String id = req.required("NetworkAclId");
        ctx.plane().apply(w -> {
            NetworkAcl acl = WorldLookups.networkAcl(w, id);
            if (acl.isDefault()) {
                throw new Ec2Exception("InvalidParameterValue", "cannot delete default network ACL " + id);
            }
            if (!acl.subnetIds().isEmpty()) {
                throw new Ec2Exception("DependencyViolation", "The networkAcl '" + id + "' has dependencies and cannot be deleted.");
            }
            return w.withoutNetworkAcl(id);
        });
        ctx.tags().forget(id);
        x.el("return", true);
    }

    private void changeEntry(String action, QueryRequest req, Xml x) {
        ObjectNode t = req.tree();
        ChangeLogCalls.rename(t, "Icmp", "IcmpTypeCode");
        ChangeLogCalls.apply(ctx.plane(), action, t, null);
        x.el("return", true);
    }

    private void replaceAssociation(QueryRequest req, Xml x) {
        String id = ctx.plane().ids().next("aclassoc");
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("NewAssociationId", id);
        ChangeLogCalls.apply(ctx.plane(), "ReplaceNetworkAclAssociation", req.tree(), out);
        x.el("newAssociationId", id);
    }
}
