package io.sgemu.control.model;

import java.util.List;

/** A security group of one VPC: allow-only inbound and outbound rules. {@code ownerId} is the account id. */
public record SecurityGroup(String id, String name, String vpcId, String ownerId, List<SgRule> ingress,
                            List<SgRule> egress) {
    public SecurityGroup {
        ingress = List.copyOf(ingress);
        egress = List.copyOf(egress);
    }

    public List<SgRule> rules(boolean egressDirection) {
        return egressDirection ? egress : ingress;
    }
}
