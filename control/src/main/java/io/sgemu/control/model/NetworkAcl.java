package io.sgemu.control.model;

import java.util.List;

/**
 * A network ACL of one VPC. {@code entries} are kept in file order; evaluation sorts by rule number.
 * {@code subnetIds} are its explicit associations. The VPC's default NACL ({@code isDefault}) also
 * covers every subnet of the VPC that no other NACL names.
 */
public record NetworkAcl(String id, String vpcId, boolean isDefault, List<NaclEntry> entries, List<String> subnetIds) {
    public NetworkAcl {
        entries = List.copyOf(entries);
        subnetIds = List.copyOf(subnetIds);
    }
}
