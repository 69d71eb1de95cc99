package io.sgemu.control.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Everything the emulator knows about an account's network: VPCs, subnets, NACLs, security groups,
 * ENIs and prefix lists, each keyed by id in the order the sources gave them.
 *
 * <p>Immutable: a change ({@code --changes}, the control plane) makes a new world with the
 * {@code with...} methods, so an evaluation always reads one consistent world.
 */
public record World(Map<String, Vpc> vpcs, Map<String, Subnet> subnets, Map<String, NetworkAcl> networkAcls,
                    Map<String, SecurityGroup> securityGroups, Map<String, NetworkInterface> networkInterfaces,
                    Map<String, PrefixList> prefixLists) {

    public World {
        vpcs = frozen(vpcs);
        subnets = frozen(subnets);
        networkAcls = frozen(networkAcls);
        securityGroups = frozen(securityGroups);
        networkInterfaces = frozen(networkInterfaces);
        prefixLists = frozen(prefixLists);
    }

    public static World empty() {
        return new World(Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of());
    }

    private static <V> Map<String, V> frozen(Map<String, V> m) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    /**
     * The NACL that governs a subnet: the one that names it in its associations, else the default NACL
     * of the subnet's VPC; null when the world has neither.
     */
    public NetworkAcl naclOf(String subnetId) {
        NetworkAcl fallback = null;
        Subnet subnet = subnets.get(subnetId);
        for (NetworkAcl acl : networkAcls.values()) {
            if (acl.subnetIds().contains(subnetId)) {
                return acl;
            }
            if (acl.isDefault() && subnet != null && acl.vpcId().equals(subnet.vpcId())) {
                fallback = acl;
            }
        }
        return fallback;
    }

    /** The ENIs that currently have {@code groupId} among their groups (live membership). */
    public List<NetworkInterface> membersOf(String groupId) {
        return networkInterfaces.values().stream().filter(e -> e.groupIds().contains(groupId)).toList();
    }

    public World withSecurityGroup(SecurityGroup g) {
        return new World(vpcs, subnets, networkAcls, put(securityGroups, g.id(), g), networkInterfaces, prefixLists);
    }

    public World withNetworkInterface(NetworkInterface eni) {
        return new World(vpcs, subnets, networkAcls, securityGroups, put(networkInterfaces, eni.id(), eni), prefixLists);
    }

    public World withNetworkAcl(NetworkAcl acl) {
        return new World(vpcs, subnets, put(networkAcls, acl.id(), acl), securityGroups, networkInterfaces, prefixLists);
    }

    public World withPrefixList(PrefixList pl) {
        return new World(vpcs, subnets, networkAcls, securityGroups, networkInterfaces, put(prefixLists, pl.id(), pl));
    }

    /** A world whose every NACL is passed through {@code f} (for association moves that touch two NACLs). */
    public World mapNetworkAcls(UnaryOperator<NetworkAcl> f) {
        Map<String, NetworkAcl> m = new LinkedHashMap<>();
        networkAcls.forEach((k, v) -> m.put(k, f.apply(v)));
        return new World(vpcs, subnets, m, securityGroups, networkInterfaces, prefixLists);
    }

    private static <V> Map<String, V> put(Map<String, V> m, String key, V value) {
        Map<String, V> copy = new LinkedHashMap<>(m);
        copy.put(key, value);
        return copy;
    }
}
