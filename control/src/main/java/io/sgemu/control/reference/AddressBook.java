package io.sgemu.control.reference;

import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Vpc;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.flowlog.FlowLogEni;
import io.sgemu.dataplane.net.IpAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The addresses of one world (SEMANTICS.md sections 2 and 5): which ENI an address belongs to, which
 * addresses are members of a security group, and how an ENI names itself in flow logs.
 *
 * <p>Built once per world. Worlds are immutable and a change makes a new world (and a new book), so the
 * group membership read here is always the current one: membership is live.
 */
final class AddressBook {

    private final World world;
    private final String regionOverride;
    private final Map<IpAddress, NetworkInterface> byAddress = new HashMap<>();
    private final Map<String, Set<IpAddress>> groupMembers = new HashMap<>();
    private final Map<String, FlowLogEni> flowLogEnis = new HashMap<>();

    AddressBook(World world, String regionOverride) {
        this.world = world;
        this.regionOverride = regionOverride;
        // Decision: where two ENIs claim the same address (overlapping VPCs, which this model does not
        // route between), the first ENI in the world's order owns it; private addresses are resolved
        // before public ones so a public IP never hides a private one.
        for (NetworkInterface eni : world.networkInterfaces().values()) {
            for (IpAddress a : eni.privateAddresses()) {
                byAddress.putIfAbsent(a, eni);
            }
        }
        for (NetworkInterface eni : world.networkInterfaces().values()) {
            for (IpAddress pub : eni.publicIps().keySet()) {
                byAddress.putIfAbsent(pub, eni);
            }
            for (String g : eni.groupIds()) {
                // Only private addresses: public and Elastic IPs never match a group reference.
                groupMembers.computeIfAbsent(g, k -> new HashSet<>()).addAll(eni.privateAddresses());
            }
        }
    }

    World world() {
        return world;
    }

    /** The ENI that owns {@code a} (a private IPv4/IPv6, secondary included, or a public IPv4), or null: external. */
    NetworkInterface eniOf(IpAddress a) {
        return byAddress.get(a);
    }

    /** True when {@code a} is a private address of an ENI that has {@code groupId} among its groups now. */
    boolean isMemberOf(String groupId, IpAddress a) {
        Set<IpAddress> members = groupMembers.get(groupId);
        return members != null && members.contains(a);
    }

    /**
     * The address as {@code eni} sees it: one of its public IPv4s becomes the private address it is
     * associated with (an internet gateway's translation); every other address is unchanged.
     */
    static IpAddress ownView(NetworkInterface eni, IpAddress a) {
        IpAddress priv = eni.publicIps().get(a);
        return priv != null ? priv : a;
    }

    /**
     * The address as {@code eni} logs it in {@code srcaddr}/{@code dstaddr}: its own view of the address,
     * then a secondary private IPv4 of the ENI shown as its primary private IPv4. Addresses of other
     * hosts are logged as they are.
     */
    static IpAddress logged(NetworkInterface eni, IpAddress a) {
        IpAddress own = ownView(eni, a);
        if (eni.primaryIpv4() != null && eni.secondaryIpv4().contains(own)) {
            return eni.primaryIpv4();
        }
        return own;
    }

    /** The primary IPv4 CIDR's base + 2 of the ENI's VPC (the VPC's DNS resolver), or null. */
    IpAddress vpcDnsResolver(NetworkInterface eni) {
        Vpc vpc = world.vpcs().get(eni.vpcId());
        if (vpc == null || vpc.ipv4Cidrs().isEmpty()) {
            return null;
        }
        return vpc.ipv4Cidrs().get(0).network().plus(2);
    }

    /** How {@code eni} appears in its flow-log records (made once per ENI). */
    FlowLogEni flowLogEni(NetworkInterface eni) {
        return flowLogEnis.computeIfAbsent(eni.id(), id -> FlowLogEnis.of(world, eni, regionOverride));
    }

    /** The region of an availability zone ({@link FlowLogEnis#regionOf}). */
    static String regionOf(String availabilityZone) {
        return FlowLogEnis.regionOf(availabilityZone);
    }
}
