package io.sgemu.control.ec2;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sgemu.control.aws.AwsShapes;
import io.sgemu.control.aws.LocatedNode;
import io.sgemu.control.model.ConnTrackConfig;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.Subnet;
import io.sgemu.control.model.Vpc;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.IpAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * DescribeNetworkInterfaces, CreateNetworkInterface, DeleteNetworkInterface, ModifyNetworkInterfaceAttribute
 * (through the change log's edit), and the XML shape of an ENI. An ENI's description is not in the
 * world model, so it is kept here.
 */
final class NetworkInterfaceActions {
    private final Ec2Context ctx;
    private final Map<String, String> descriptions = new ConcurrentHashMap<>();

    NetworkInterfaceActions(Ec2Context ctx) {
        this.ctx = ctx;
    }

    void register(Map<String, ActionHandler> actions) {
        actions.put("DescribeNetworkInterfaces", this::describe);
        actions.put("CreateNetworkInterface", this::create);
        actions.put("DeleteNetworkInterface", this::delete);
        actions.put("ModifyNetworkInterfaceAttribute", this::modifyAttribute);
    }

    private void describe(QueryRequest req, Xml x) {
        World w = ctx.plane().world();
        List<String> ids = req.list("NetworkInterfaceId");
        ids.forEach(id -> WorldLookups.networkInterface(w, id));
        Filters filters = ctx.filters(req);
        List<NetworkInterface> matches = new ArrayList<>();
        for (NetworkInterface e : w.networkInterfaces().values()) {
            if (!ids.isEmpty() && !ids.contains(e.id())) {
                continue;
            }
            if (filters.match(e.id(), f -> switch (f) {
                case "network-interface-id" -> List.of(e.id());
                case "subnet-id" -> List.of(e.subnetId());
                case "vpc-id" -> List.of(e.vpcId());
                case "group-id" -> e.groupIds();
                case "availability-zone" -> List.of(String.valueOf(e.availabilityZone()));
                case "private-ip-address", "addresses.private-ip-address" ->
                        e.privateAddresses().stream().map(IpAddress::toString).toList();
                case "interface-type" -> List.of(String.valueOf(e.interfaceType()));
                default -> null;
            })) {
                matches.add(e);
            }
        }
        Pagination.Page<NetworkInterface> page = Pagination.page(req, "DescribeNetworkInterfaces",
                Pagination.Bounds.MOST, matches, NetworkInterface::id);
        x.open("networkInterfaceSet");
        for (NetworkInterface e : page.items()) {
            x.open("item");
            write(w, e, x);
            x.close("item");
        }
        x.close("networkInterfaceSet");
        page.writeNextToken(x);
    }

    private void write(World w, NetworkInterface e, Xml x) {
        x.el("networkInterfaceId", e.id()).el("subnetId", e.subnetId()).el("vpcId", e.vpcId())
                .el("availabilityZone", e.availabilityZone()).el("description", descriptions.getOrDefault(e.id(), ""))
                .el("ownerId", e.ownerId()).el("requesterManaged", false)
                .el("status", e.instanceId() != null ? "in-use" : "available")
                .el("privateIpAddress", e.primaryIpv4()).el("sourceDestCheck", true)
                .el("interfaceType", e.interfaceType());
        x.open("groupSet");
        for (String gid : e.groupIds()) {
            SecurityGroup g = w.securityGroups().get(gid);
            x.open("item").el("groupId", gid).el("groupName", g != null ? g.name() : null).close("item");
        }
        x.close("groupSet");
        if (e.instanceId() != null) {
            x.open("attachment").el("instanceId", e.instanceId()).el("deviceIndex", 0).el("status", "attached")
                    .close("attachment");
        }
        IpAddress primaryPublic = publicOf(e, e.primaryIpv4());
        if (primaryPublic != null) {
            x.open("association").el("publicIp", primaryPublic).close("association");
        }
        x.open("privateIpAddressesSet");
        List<IpAddress> v4 = new ArrayList<>();
        if (e.primaryIpv4() != null) {
            v4.add(e.primaryIpv4());
        }
        v4.addAll(e.secondaryIpv4());
        for (IpAddress a : v4) {
            x.open("item").el("privateIpAddress", a).el("primary", a.equals(e.primaryIpv4()));
            IpAddress pub = publicOf(e, a);
            if (pub != null) {
                x.open("association").el("publicIp", pub).close("association");
            }
            x.close("item");
        }
        x.close("privateIpAddressesSet").open("ipv6AddressesSet");
        for (IpAddress a : e.ipv6()) {
            x.open("item").el("ipv6Address", a).close("item");
        }
        x.close("ipv6AddressesSet");
        ConnTrackConfig c = e.connTrack() != null ? e.connTrack() : ConnTrackConfig.DEFAULT;
        x.open("connectionTrackingConfiguration").el("tcpEstablishedTimeout", c.tcpEstablishedTimeout())
                .el("udpStreamTimeout", c.udpStreamTimeout()).el("udpTimeout", c.udpTimeout())
                .close("connectionTrackingConfiguration");
        ctx.tags().writeTagSet(x, e.id());
    }

    private static IpAddress publicOf(NetworkInterface e, IpAddress priv) {
        for (Map.Entry<IpAddress, IpAddress> p : e.publicIps().entrySet()) {
            if (p.getValue().equals(priv)) {
                return p.getKey();
            }
        }
        return null;
    }

    private void create(QueryRequest req, Xml x) {
        String subnetId = req.required("SubnetId");
        List<String> groups = req.list("SecurityGroupId");
        Map<String, String> tags = TagActions.specified(req, TagActions.ResourceType.NETWORK_INTERFACE);
        String id = ctx.plane().ids().next("eni");
        LocatedNode spec = LocatedNode.at(req.tree().get("ConnectionTrackingSpecification"),
                "ConnectionTrackingSpecification", true);
        ConnTrackConfig ct = spec.isAbsent() ? ConnTrackConfig.DEFAULT : AwsShapes.connTrack(spec, ConnTrackConfig.DEFAULT);
        World after = ctx.create(id, tags, w -> {
            Subnet s = WorldLookups.subnet(w, subnetId);
            List<String> gs = new ArrayList<>(groups);
            if (gs.isEmpty()) {
                w.securityGroups().values().stream()
                        .filter(g -> "default".equals(g.name()) && s.vpcId().equals(g.vpcId()))
                        .findFirst().ifPresent(g -> gs.add(g.id()));
                if (gs.isEmpty()) {
                    throw new Ec2Exception("InvalidGroup.NotFound", "the VPC " + s.vpcId()
                            + " has no default security group: give SecurityGroupId");
                }
            }
            for (String gid : gs) {
                SecurityGroup g = w.securityGroups().get(gid);
                if (g == null || (g.vpcId() != null && !g.vpcId().equals(s.vpcId()))) {
                    throw new Ec2Exception("InvalidGroup.NotFound", "The security group '" + gid
                            + "' does not exist in VPC '" + s.vpcId() + "'");
                }
            }
            IpAddress address = address(w, s, req.get("PrivateIpAddress"));
            Vpc vpc = w.vpcs().get(s.vpcId());
            String owner = vpc != null ? vpc.ownerId() : s.ownerId();
            return w.withNetworkInterface(new NetworkInterface(id, s.id(), s.vpcId(), owner, s.availabilityZone(),
                    "interface", null, address, List.of(), List.of(), Map.of(), gs, ct));
        });
        String description = req.get("Description");
        if (description != null) {
            descriptions.put(id, description);
        }
        x.open("networkInterface");
        write(after, after.networkInterfaces().get(id), x);
        x.close("networkInterface");
    }

    /** The asked address (in the subnet, free), or the subnet's first free one after the 4 AWS reserves. */
    private static IpAddress address(World w, Subnet s, String asked) {
        if (s.ipv4Cidr() == null) {
            throw new Ec2Exception("InvalidParameterValue", "the subnet " + s.id() + " has no IPv4 CIDR");
        }
        Set<IpAddress> used = new HashSet<>();
        w.networkInterfaces().values().forEach(e -> used.addAll(e.privateAddresses()));
        if (asked != null && !asked.isEmpty()) {
            IpAddress a = IpAddress.tryParse(asked);
            if (a == null || !a.isV4()) {
                throw new Ec2Exception("InvalidParameterValue", "'" + asked + "' is not an IPv4 address");
            }
            if (!s.ipv4Cidr().contains(a)) {
                throw new Ec2Exception("InvalidParameterValue", "Address " + asked + " does not fall within the subnet's address range");
            }
            if (used.contains(a)) {
                throw new Ec2Exception("InvalidIPAddress.InUse", "The specified address is already in use.");
            }
            return a;
        }
        IpAddress last = s.ipv4Cidr().last();
        for (IpAddress a = s.ipv4Cidr().network().plus(4); a.compareTo(last) < 0; a = a.plus(1)) {
            if (!used.contains(a)) {
                return a;
            }
        }
        throw new Ec2Exception("InsufficientFreeAddressesInSubnet", "There are not enough free addresses in subnet '"
                + s.id() + "' to satisfy the requested number of instances.");
    }

    private void delete(QueryRequest req, Xml x) {
        String id = req.required("NetworkInterfaceId");
        ctx.plane().apply(w -> {
            NetworkInterface e = WorldLookups.networkInterface(w, id);
            if (e.instanceId() != null) {
                throw new Ec2Exception("InvalidNetworkInterface.InUse", "Interface: [" + id + "] in use.");
            }
            return w.withoutNetworkInterface(id);
        });
        descriptions.remove(id);
        ctx.tags().forget(id);
        x.el("return", true);
    }

    private void modifyAttribute(QueryRequest req, Xml x) {
        ObjectNode t = req.tree();
        ChangeLogCalls.rename(t, "SecurityGroupId", "Groups");
        ChangeLogCalls.apply(ctx.plane(), "ModifyNetworkInterfaceAttribute", t, null);
        x.el("return", true);
    }
}
