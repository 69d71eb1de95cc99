package io.sgemu.control.changes;

import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.World;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ReplaceNetworkAclAssociation: moves the subnet of association {@code associationId} to NACL
 * {@code aclId}. EC2 answers with a new association id; when the log line records it
 * ({@code output.NewAssociationId}) the subnet takes it, else the subnet keeps the old id, so that a
 * later line can still name the association.
 */
record NaclAssociationEdit(String associationId, String aclId, String newAssociationId) implements Edit {

    @Override
    public World applyTo(World world) {
        NetworkAcl from = null;
        String subnet = null;
        for (NetworkAcl acl : world.networkAcls().values()) {
            for (Map.Entry<String, String> e : acl.associationIds().entrySet()) {
                if (e.getValue().equals(associationId)) {
                    from = acl;
                    subnet = e.getKey();
                }
            }
        }
        if (from == null) {
            throw new Rejected("InvalidAssociationID.NotFound", "the association " + associationId + " does not exist");
        }
        NetworkAcl to = world.networkAcls().get(aclId);
        if (to == null) {
            throw new Rejected("InvalidNetworkAclID.NotFound", "the network ACL " + aclId + " does not exist");
        }
        if (!to.vpcId().equals(from.vpcId())) {
            throw new Rejected("InvalidParameterValue", aclId + " is in " + to.vpcId() + " but the subnet " + subnet
                    + " is in " + from.vpcId());
        }
        String id = newAssociationId != null ? newAssociationId : associationId;
        String movedSubnet = subnet;
        String fromId = from.id();
        return world.mapNetworkAcls(acl -> {
            List<String> subnets = new ArrayList<>(acl.subnetIds());
            Map<String, String> ids = new LinkedHashMap<>(acl.associationIds());
            if (acl.id().equals(fromId)) {
                subnets.remove(movedSubnet);
                ids.remove(movedSubnet);
            }
            if (acl.id().equals(aclId)) {
                subnets.add(movedSubnet);
                ids.put(movedSubnet, id);
            }
            return acl.id().equals(fromId) || acl.id().equals(aclId) ? acl.withAssociations(subnets, ids) : acl;
        });
    }

    @Override
    public String summary() {
        return associationId + " -> " + aclId + (newAssociationId != null ? " (now " + newAssociationId + ")" : "");
    }
}
