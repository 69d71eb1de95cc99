package io.sgemu.control.model;

import io.sgemu.dataplane.net.IpAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A network interface (ENI) in one subnet (SEMANTICS.md section 1).
 *
 * @param primaryIpv4   the primary private IPv4 (null only for an IPv6-only ENI)
 * @param secondaryIpv4 secondary private IPv4s
 * @param ipv6          IPv6 addresses
 * @param publicIps     public IPv4 -> the private IPv4 it is associated with (an internet gateway's
 *                      translation); the ENI's {@code Association.PublicIp} maps to the primary
 * @param interfaceType EC2's {@code InterfaceType} ({@code interface}, {@code natGateway}, ...)
 * @param instanceId    the attached instance, or null (flow logs print {@code -})
 * @param groupIds      1..16 security groups, in file order (order never matters to verdicts)
 */
public record NetworkInterface(String id, String subnetId, String vpcId, String ownerId, String availabilityZone,
                               String interfaceType, String instanceId, IpAddress primaryIpv4,
                               List<IpAddress> secondaryIpv4, List<IpAddress> ipv6, Map<IpAddress, IpAddress> publicIps,
                               List<String> groupIds, ConnTrackConfig connTrack) {

    /** Interface types whose every flow is tracked (SEMANTICS.md section 3). */
    public static final Set<String> ALWAYS_TRACKED_TYPES = Set.of("natGateway", "network_load_balancer",
            "gateway_load_balancer", "gateway_load_balancer_endpoint", "vpc_endpoint", "lambda",
            "transit_gateway", "global_accelerator_managed");

    public NetworkInterface {
        secondaryIpv4 = List.copyOf(secondaryIpv4);
        ipv6 = List.copyOf(ipv6);
        publicIps = Map.copyOf(publicIps);
        groupIds = List.copyOf(groupIds);
    }

    public boolean tracksEveryFlow() {
        return ALWAYS_TRACKED_TYPES.contains(interfaceType);
    }

    /** Every private address of the ENI: primary and secondary IPv4, and IPv6. */
    public List<IpAddress> privateAddresses() {
        java.util.ArrayList<IpAddress> all = new java.util.ArrayList<>();
        if (primaryIpv4 != null) {
            all.add(primaryIpv4);
        }
        all.addAll(secondaryIpv4);
        all.addAll(ipv6);
        return all;
    }

    public NetworkInterface withGroups(List<String> groups) {
        return new NetworkInterface(id, subnetId, vpcId, ownerId, availabilityZone, interfaceType, instanceId,
                primaryIpv4, secondaryIpv4, ipv6, publicIps, groups, connTrack);
    }

    public NetworkInterface withConnTrack(ConnTrackConfig config) {
        return new NetworkInterface(id, subnetId, vpcId, ownerId, availabilityZone, interfaceType, instanceId,
                primaryIpv4, secondaryIpv4, ipv6, publicIps, groupIds, config);
    }
}
