package io.sgemu.control.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network ACL of one VPC. {@code entries} are kept in file order; evaluation sorts by rule number.
 * {@code subnetIds} are its explicit associations. The VPC's default NACL ({@code isDefault}) also
 * covers every subnet of the VPC that no other NACL names.
 *
 * @param associationIds subnet id -> the association's id ({@code aclassoc-...}), which
 *                       {@code ReplaceNetworkAclAssociation} names; a subnet without a known id gets
 *                       {@code aclassoc-<subnet id>}, so every entry of {@code subnetIds} has one
 */
public record NetworkAcl(String id, String vpcId, boolean isDefault, List<NaclEntry> entries, List<String> subnetIds,
                         Map<String, String> associationIds) {
    public NetworkAcl {
        entries = List.copyOf(entries);
        subnetIds = List.copyOf(subnetIds);
        Map<String, String> ids = new LinkedHashMap<>();
        for (String subnet : subnetIds) {
            String given = associationIds == null ? null : associationIds.get(subnet);
            ids.put(subnet, given != null ? given : syntheticAssociationId(subnet));
        }
        associationIds = java.util.Collections.unmodifiableMap(ids);
    }

    /** A NACL whose associations get synthetic ids ({@code aclassoc-<subnet id>}). */
    public NetworkAcl(String id, String vpcId, boolean isDefault, List<NaclEntry> entries, List<String> subnetIds) {
        this(id, vpcId, isDefault, entries, subnetIds, Map.of());
    }

    /** The id given to an association that its source did not name. */
    public static String syntheticAssociationId(String subnetId) {
        return "aclassoc-" + subnetId;
    }

    public NetworkAcl withEntries(List<NaclEntry> newEntries) {
        return new NetworkAcl(id, vpcId, isDefault, newEntries, subnetIds, associationIds);
    }

    /** This NACL with {@code subnetIds} and their association ids replaced. */
    public NetworkAcl withAssociations(List<String> newSubnetIds, Map<String, String> newAssociationIds) {
        return new NetworkAcl(id, vpcId, isDefault, entries, newSubnetIds, newAssociationIds);
    }
}
