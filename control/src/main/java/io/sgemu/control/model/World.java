package io.sgemu.control.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Everything the emulator knows about an account's network: VPCs, subnets, NACLs, security groups,
 * ENIs and prefix lists, each keyed by id in the order the sources gave them.
 *
 * <p>Immutable: a change ({@code --changes}, the control plane) makes a new world with the
 * {@code with...} methods, so an evaluation always reads one consistent world. The maps are
 * {@link PersistentMap}s, so that a change costs O(log n) whatever the size of the world.
 *
 * <p>A world made by a {@code with...} method remembers its parent and what it changed (its
 * {@linkplain #origin() origin}), so that a compiler holding the parent can compile only what changed
 * ({@link #changesSince}). A world made by the constructor has no origin. The origin is not part of
 * the value ({@link #equals} ignores it), and a compiler may {@linkplain #forgetOrigin() drop} it once it
 * has compiled the world, so that a long run does not keep every past world alive through the chain.
 */
public final class World {

    /** What a {@code with...} step touched: one object of a kind, by id ({@link Kind#NETWORK_ACLS}: all NACLs). */
    public record Touch(Kind kind, String id) {
        public enum Kind { SECURITY_GROUP, NETWORK_INTERFACE, NETWORK_ACL, NETWORK_ACLS, PREFIX_LIST }
    }

    /** How a world was made from its parent. */
    public record Origin(World parent, Touch touch) {
    }

    private final Map<String, Vpc> vpcs;
    private final Map<String, Subnet> subnets;
    private final Map<String, NetworkAcl> networkAcls;
    private final Map<String, SecurityGroup> securityGroups;
    private final Map<String, NetworkInterface> networkInterfaces;
    private final Map<String, PrefixList> prefixLists;
    /** Written once here, cleared by {@link #forgetOrigin()}: a plain reference read as a hint (null: unknown). */
    private volatile Origin origin;

    public World(Map<String, Vpc> vpcs, Map<String, Subnet> subnets, Map<String, NetworkAcl> networkAcls,
                 Map<String, SecurityGroup> securityGroups, Map<String, NetworkInterface> networkInterfaces,
                 Map<String, PrefixList> prefixLists) {
        this(vpcs, subnets, networkAcls, securityGroups, networkInterfaces, prefixLists, null);
    }

    private World(Map<String, Vpc> vpcs, Map<String, Subnet> subnets, Map<String, NetworkAcl> networkAcls,
                  Map<String, SecurityGroup> securityGroups, Map<String, NetworkInterface> networkInterfaces,
                  Map<String, PrefixList> prefixLists, Origin origin) {
        this.vpcs = PersistentMap.copyOf(vpcs);
        this.subnets = PersistentMap.copyOf(subnets);
        this.networkAcls = PersistentMap.copyOf(networkAcls);
        this.securityGroups = PersistentMap.copyOf(securityGroups);
        this.networkInterfaces = PersistentMap.copyOf(networkInterfaces);
        this.prefixLists = PersistentMap.copyOf(prefixLists);
        this.origin = origin;
    }

    public static World empty() {
        return new World(Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of());
    }

    public Map<String, Vpc> vpcs() {
        return vpcs;
    }

    public Map<String, Subnet> subnets() {
        return subnets;
    }

    public Map<String, NetworkAcl> networkAcls() {
        return networkAcls;
    }

    public Map<String, SecurityGroup> securityGroups() {
        return securityGroups;
    }

    public Map<String, NetworkInterface> networkInterfaces() {
        return networkInterfaces;
    }

    public Map<String, PrefixList> prefixLists() {
        return prefixLists;
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

    // ---------------------------------------------------------------- changes

    public World withSecurityGroup(SecurityGroup g) {
        return derived(vpcs, subnets, networkAcls, plus(securityGroups, g.id(), g), networkInterfaces, prefixLists,
                Touch.Kind.SECURITY_GROUP, g.id());
    }

    public World withoutSecurityGroup(String id) {
        return derived(vpcs, subnets, networkAcls, minus(securityGroups, id), networkInterfaces, prefixLists,
                Touch.Kind.SECURITY_GROUP, id);
    }

    public World withNetworkInterface(NetworkInterface eni) {
        return derived(vpcs, subnets, networkAcls, securityGroups, plus(networkInterfaces, eni.id(), eni), prefixLists,
                Touch.Kind.NETWORK_INTERFACE, eni.id());
    }

    public World withoutNetworkInterface(String id) {
        return derived(vpcs, subnets, networkAcls, securityGroups, minus(networkInterfaces, id), prefixLists,
                Touch.Kind.NETWORK_INTERFACE, id);
    }

    public World withNetworkAcl(NetworkAcl acl) {
        return derived(vpcs, subnets, plus(networkAcls, acl.id(), acl), securityGroups, networkInterfaces, prefixLists,
                Touch.Kind.NETWORK_ACL, acl.id());
    }

    public World withoutNetworkAcl(String id) {
        return derived(vpcs, subnets, minus(networkAcls, id), securityGroups, networkInterfaces, prefixLists,
                Touch.Kind.NETWORK_ACL, id);
    }

    public World withPrefixList(PrefixList pl) {
        return derived(vpcs, subnets, networkAcls, securityGroups, networkInterfaces, plus(prefixLists, pl.id(), pl),
                Touch.Kind.PREFIX_LIST, pl.id());
    }

    /** A world whose every NACL is passed through {@code f} (for association moves that touch two NACLs). */
    public World mapNetworkAcls(UnaryOperator<NetworkAcl> f) {
        PersistentMap<String, NetworkAcl> m = (PersistentMap<String, NetworkAcl>) networkAcls;
        for (NetworkAcl acl : networkAcls.values()) {
            m = m.plus(acl.id(), f.apply(acl));
        }
        return derived(vpcs, subnets, m, securityGroups, networkInterfaces, prefixLists, Touch.Kind.NETWORK_ACLS, null);
    }

    private World derived(Map<String, Vpc> v, Map<String, Subnet> s, Map<String, NetworkAcl> a,
                          Map<String, SecurityGroup> g, Map<String, NetworkInterface> e, Map<String, PrefixList> p,
                          Touch.Kind kind, String id) {
        return new World(v, s, a, g, e, p, new Origin(this, new Touch(kind, id)));
    }

    private static <V> Map<String, V> plus(Map<String, V> m, String key, V value) {
        return ((PersistentMap<String, V>) m).plus(key, value);
    }

    private static <V> Map<String, V> minus(Map<String, V> m, String key) {
        return ((PersistentMap<String, V>) m).minus(key);
    }

    /**
     * A world equal in value to {@code target} (but for rule ids, below), made from this one by
     * {@code with...} steps for the groups, ENIs, NACLs and prefix lists that differ, so that a compiler that
     * knows this world compiles only those (a reloaded file). A group of {@code target} whose rules have no ids
     * and are otherwise this world's keeps this world's group, ids included. When the VPCs or subnets differ,
     * or the steps would not give {@code target}'s order of ids, the answer is {@code target} itself.
     */
    public World rebasedTo(World target) {
        if (!vpcs.equals(target.vpcs) || !subnets.equals(target.subnets)) {
            return target;
        }
        World w = this;
        for (String id : securityGroups.keySet()) {
            if (!target.securityGroups.containsKey(id)) {
                w = w.withoutSecurityGroup(id);
            }
        }
        for (SecurityGroup g : target.securityGroups.values()) {
            SecurityGroup mine = securityGroups.get(g.id());
            if (mine == null || !sameButRuleIds(mine, g)) {
                w = w.withSecurityGroup(g);
            }
        }
        for (String id : networkInterfaces.keySet()) {
            if (!target.networkInterfaces.containsKey(id)) {
                w = w.withoutNetworkInterface(id);
            }
        }
        for (NetworkInterface e : target.networkInterfaces.values()) {
            if (!e.equals(networkInterfaces.get(e.id()))) {
                w = w.withNetworkInterface(e);
            }
        }
        for (String id : networkAcls.keySet()) {
            if (!target.networkAcls.containsKey(id)) {
                w = w.withoutNetworkAcl(id);
            }
        }
        for (NetworkAcl acl : target.networkAcls.values()) {
            if (!acl.equals(networkAcls.get(acl.id()))) {
                w = w.withNetworkAcl(acl);
            }
        }
        if (!prefixLists.keySet().equals(target.prefixLists.keySet())) {
            return target; // no step removes a prefix list
        }
        for (PrefixList pl : target.prefixLists.values()) {
            if (!pl.equals(prefixLists.get(pl.id()))) {
                w = w.withPrefixList(pl);
            }
        }
        boolean sameOrder = sameKeyOrder(w.securityGroups, target.securityGroups)
                && sameKeyOrder(w.networkInterfaces, target.networkInterfaces)
                && sameKeyOrder(w.networkAcls, target.networkAcls);
        return sameOrder ? w : target;
    }

    private static boolean sameButRuleIds(SecurityGroup mine, SecurityGroup theirs) {
        return mine.id().equals(theirs.id()) && Objects.equals(mine.name(), theirs.name())
                && Objects.equals(mine.vpcId(), theirs.vpcId()) && Objects.equals(mine.ownerId(), theirs.ownerId())
                && sameButRuleIds(mine.ingress(), theirs.ingress()) && sameButRuleIds(mine.egress(), theirs.egress());
    }

    private static boolean sameButRuleIds(List<SgRule> mine, List<SgRule> theirs) {
        if (mine.size() != theirs.size()) {
            return false;
        }
        for (int i = 0; i < mine.size(); i++) {
            SgRule a = mine.get(i);
            SgRule b = theirs.get(i);
            boolean sameId = b.ruleId() == null || b.ruleId().equals(a.ruleId());
            if (!sameId || a.egress() != b.egress() || a.protocol() != b.protocol() || a.fromPort() != b.fromPort()
                    || a.toPort() != b.toPort() || !a.peer().equals(b.peer())
                    || !Objects.equals(a.description(), b.description()) || a.index() != b.index()) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameKeyOrder(Map<String, ?> a, Map<String, ?> b) {
        if (a.size() != b.size()) {
            return false;
        }
        var ia = a.keySet().iterator();
        for (String k : b.keySet()) {
            if (!k.equals(ia.next())) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- lineage

    /** How this world was made from its parent, or null (made by the constructor, or forgotten). */
    public Origin origin() {
        return origin;
    }

    /** Drops the link to the parent (the world's value is unchanged). */
    public void forgetOrigin() {
        origin = null;
    }

    /**
     * What changed from {@code ancestor} to this world, oldest first, when this world descends from it
     * through at most {@code maxSteps} {@code with...} steps; null when it does not (or the chain is
     * longer or broken), in which case the caller must assume that anything changed.
     */
    public List<Touch> changesSince(World ancestor, int maxSteps) {
        List<Touch> out = new ArrayList<>();
        World w = this;
        while (w != ancestor) {
            Origin o = w.origin;
            if (o == null || out.size() >= maxSteps) {
                return null;
            }
            out.add(o.touch());
            w = o.parent();
        }
        java.util.Collections.reverse(out);
        return out;
    }

    // ---------------------------------------------------------------- value

    @Override
    public boolean equals(Object o) {
        return o instanceof World w && vpcs.equals(w.vpcs) && subnets.equals(w.subnets)
                && networkAcls.equals(w.networkAcls) && securityGroups.equals(w.securityGroups)
                && networkInterfaces.equals(w.networkInterfaces) && prefixLists.equals(w.prefixLists);
    }

    @Override
    public int hashCode() {
        return Objects.hash(vpcs, subnets, networkAcls, securityGroups, networkInterfaces, prefixLists);
    }

    @Override
    public String toString() {
        return "World[" + vpcs.size() + " VPCs, " + subnets.size() + " subnets, " + networkAcls.size() + " NACLs, "
                + securityGroups.size() + " security groups, " + networkInterfaces.size() + " ENIs, "
                + prefixLists.size() + " prefix lists]";
    }
}
