package io.sgemu.control.model;

import io.sgemu.dataplane.net.Cidr;

/**
 * A subnet of one VPC, with at most one CIDR per family ({@code ipv4Cidr} or {@code ipv6Cidr} may be
 * null, not both). Its network ACL is found through {@link World#naclOf(String)}.
 */
public record Subnet(String id, String vpcId, Cidr ipv4Cidr, Cidr ipv6Cidr, String availabilityZone,
                     String availabilityZoneId, String ownerId) {
}
