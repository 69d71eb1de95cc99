package io.sgemu.control.ec2;

import io.sgemu.control.aws.BadInputException;
import io.sgemu.control.changes.Rejected;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The EC2 Query API's actions over a {@link ControlPlane}: each call is decoded from its form parameters,
 * applied (writes) or read from the latest world (describes), and answered in EC2's XML.
 *
 * <p>This class is the dispatcher: it maps each action name to the handler of its resource family
 * ({@link SecurityGroupActions}, {@link SecurityGroupRuleActions}, {@link NetworkInterfaceActions},
 * {@link NetworkAclActions}, {@link VpcSubnetActions}, {@link PrefixListActions}, {@link TagActions}),
 * serializes the writes, and turns the model's refusals into EC2's error codes.
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
            "GetManagedPrefixListEntries",
            "CreateTags", "DeleteTags", "DescribeTags");

    private final ControlPlane plane;
    private final TagStore tags = new TagStore();
    private final Map<String, ActionHandler> handlers;

    /** @param region the region named in ARNs */
    public Ec2Api(ControlPlane plane, String region) {
        this.plane = plane;
        Ec2Context ctx = new Ec2Context(plane, region == null ? "us-east-1" : region, tags);
        Map<String, ActionHandler> h = new LinkedHashMap<>();
        new SecurityGroupActions(ctx).register(h);
        new SecurityGroupRuleActions(ctx).register(h);
        new NetworkInterfaceActions(ctx).register(h);
        new NetworkAclActions(ctx).register(h);
        new VpcSubnetActions(ctx).register(h);
        new PrefixListActions(ctx).register(h);
        new TagActions(ctx).register(h);
        if (!h.keySet().equals(ACTIONS)) {
            throw new IllegalStateException("handlers " + new TreeSet<>(h.keySet()) + " differ from ACTIONS");
        }
        this.handlers = Map.copyOf(h);
    }

    public ControlPlane controlPlane() {
        return plane;
    }

    /** The tags this API keeps (for its tests: what a deletion leaves behind). */
    TagStore tags() {
        return tags;
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
        ActionHandler handler = handlers.get(action);
        if (handler == null) {
            throw new Ec2Exception("InvalidAction", "The action " + action + " is not valid for this web service.");
        }
        Xml body = new Xml();
        try {
            if ("true".equalsIgnoreCase(req.get("DryRun"))) {
                throw new Ec2Exception("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412);
            }
            if (isRead(action)) {
                handler.answer(req, body);
            } else {
                // one write at a time, its bookkeeping here included (the control plane's lock, re-entrant)
                synchronized (plane) {
                    handler.answer(req, body);
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

    private static boolean isRead(String action) {
        return action.startsWith("Describe") || action.startsWith("Get");
    }

    /** The names of the actions answered, sorted (for messages and documentation). */
    public static List<String> actionNames() {
        return List.copyOf(new TreeSet<>(ACTIONS));
    }
}
