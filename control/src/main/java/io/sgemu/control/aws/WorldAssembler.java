package io.sgemu.control.aws;

import io.sgemu.control.model.ConnTrackConfig;
import io.sgemu.control.model.NaclEntry;
import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.PrefixList;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.Subnet;
import io.sgemu.control.model.Vpc;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects what the readers found in every file, each item with the place it came from, then merges,
 * checks references and quotas, and builds the {@link World}.
 *
 * <p>Merging: the same id in two places must describe the same thing, else loading fails naming both
 * places. Rules read from {@code describe-security-group-rules} replace, for their group and direction,
 * the rules flattened from {@code describe-security-groups}: both describe the same rules, and only the
 * former carries the {@code sgr-} ids that {@code RevokeSecurityGroup*} may name.
 */
final class WorldAssembler {
    /** Interface types AWS documents; others load with a warning. */
    static final Set<String> KNOWN_INTERFACE_TYPES = Set.of("interface", "natGateway", "efa", "efa-only", "trunk",
            "load_balancer", "network_load_balancer", "vpc_endpoint", "branch", "transit_gateway", "lambda", "quicksight",
            "global_accelerator_managed", "api_gateway_managed", "gateway_load_balancer", "gateway_load_balancer_endpoint",
            "iot_rules_managed", "aws_codestar_connections_managed");

    static final int QUOTA_RULES_PER_DIRECTION_PER_FAMILY = 60;
    static final int QUOTA_GROUPS_PER_ENI = 5;
    static final int MAX_GROUPS_PER_ENI = 16;
    static final int QUOTA_RULES_PER_ENI = 1000;
    static final int QUOTA_NACL_RULES_PER_DIRECTION_PER_FAMILY = 20;

    /** A value and where it was read: a file and the path in it. */
    record Located<T>(T value, String file, String path) {
        String where() {
            return path.isEmpty() ? file : file + ": " + path;
        }
    }

    enum RefKind { VPC, SUBNET, GROUP, PREFIX_LIST }

    /**
     * A reference to check once every file is read.
     *
     * @param fatal        an unknown target fails the load; otherwise it is a warning
     * @param peerUserId   for a group peer: the account the source named ({@code UserId})
     * @param referrerOwner for a group peer: the account of the group that holds the rule
     */
    record Ref(RefKind kind, String id, String file, String path, boolean fatal, String peerUserId, String referrerOwner) {
    }

    /** A managed or AWS-managed prefix list as read: family 0 or entries null when the source did not say. */
    record PrefixListPart(String id, String name, int family, List<Cidr> entries) {
    }

    /** One item of describe-security-group-rules, with the group it belongs to. */
    record GroupRule(String groupId, String groupOwnerId, SgRule rule) {
    }

    private final Map<String, Located<Vpc>> vpcs = new LinkedHashMap<>();
    private final Map<String, Located<Subnet>> subnets = new LinkedHashMap<>();
    private final Map<String, Located<NetworkAcl>> nacls = new LinkedHashMap<>();
    private final Map<String, Located<SecurityGroup>> groups = new LinkedHashMap<>();
    private final Map<String, Located<NetworkInterface>> enis = new LinkedHashMap<>();
    private final Map<String, Located<PrefixListPart>> prefixLists = new LinkedHashMap<>();
    private final Map<String, Located<GroupRule>> groupRules = new LinkedHashMap<>();
    /** Where each NACL association was written, by NACL id then subnet id. */
    private final Map<String, Map<String, String>> associationPaths = new HashMap<>();
    private final List<Ref> refs = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    void warn(String file, String text) {
        warnings.add(file + ": " + text);
    }

    void note(String file, String text) {
        notes.add(file + ": " + text);
    }

    void ref(Ref r) {
        refs.add(r);
    }

    void addVpc(Vpc v, String file, String path) {
        put(vpcs, v.id(), v, file, path, "VPC");
    }

    void addSubnet(Subnet s, String file, String path) {
        put(subnets, s.id(), s, file, path, "subnet");
    }

    void addNetworkAcl(NetworkAcl acl, String file, String path, Map<String, String> subnetPaths) {
        put(nacls, acl.id(), acl, file, path, "network ACL");
        associationPaths.putIfAbsent(acl.id(), subnetPaths);
    }

    void addGroup(SecurityGroup g, String file, String path) {
        put(groups, g.id(), g, file, path, "security group");
    }

    void addNetworkInterface(NetworkInterface eni, String file, String path) {
        put(enis, eni.id(), eni, file, path, "network interface");
    }

    void addGroupRule(GroupRule r, String file, String path) {
        put(groupRules, r.rule().ruleId(), r, file, path, "security group rule");
    }

    /** Adds a prefix list, merging a definition without entries with one that has them. */
    void addPrefixList(PrefixListPart p, String file, String path) {
        Located<PrefixListPart> old = prefixLists.get(p.id());
        if (old == null) {
            prefixLists.put(p.id(), new Located<>(p, file, path));
            return;
        }
        PrefixListPart o = old.value();
        boolean clash = (o.name() != null && p.name() != null && !o.name().equals(p.name()))
                || (o.family() != 0 && p.family() != 0 && o.family() != p.family())
                || (o.entries() != null && p.entries() != null && !o.entries().equals(p.entries()));
        if (clash) {
            throw new WorldLoadException(file + ": " + path + ": prefix list " + p.id()
                    + " differs from its definition at " + old.where());
        }
        PrefixListPart merged = new PrefixListPart(p.id(), o.name() != null ? o.name() : p.name(),
                o.family() != 0 ? o.family() : p.family(), o.entries() != null ? o.entries() : p.entries());
        // keep the place that gave the entries: that is where a bad entry would be
        Located<PrefixListPart> where = o.entries() == null && p.entries() != null ? new Located<>(merged, file, path)
                : new Located<>(merged, old.file(), old.path());
        prefixLists.put(p.id(), where);
    }

    boolean hasPrefixList(String id) {
        return prefixLists.containsKey(id);
    }

    private static <T> void put(Map<String, Located<T>> m, String id, T value, String file, String path, String kind) {
        Located<T> old = m.get(id);
        if (old == null) {
            m.put(id, new Located<>(value, file, path));
        } else if (!old.value().equals(value)) {
            throw new WorldLoadException(file + ": " + path + ": " + kind + " " + id
                    + " differs from its definition at " + old.where());
        }
    }

    LoadedWorld build(LoaderOptions options) {
        Map<String, PrefixList> pls = buildPrefixLists();
        Map<String, SecurityGroup> sgs = buildGroups();
        checkRefs(sgs, pls);
        Map<String, Subnet> subnetMap = values(subnets);
        Map<String, NetworkInterface> eniMap = buildEnis(subnetMap);
        Map<String, NetworkAcl> aclMap = buildNacls(subnetMap);
        World world = new World(values(vpcs), subnetMap, aclMap, sgs, eniMap, pls);
        List<String> quota = quotaIssues(world);
        if (options.strictQuotas() && !quota.isEmpty()) {
            throw new WorldLoadException(String.join("\n", quota));
        }
        warnings.addAll(quota);
        if (eniMap.isEmpty()) {
            warnings.add("no network interface loaded: there is nothing to filter");
        }
        return new LoadedWorld(world, warnings, notes);
    }

    private static <T> Map<String, T> values(Map<String, Located<T>> m) {
        Map<String, T> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v.value()));
        return out;
    }

    private Map<String, PrefixList> buildPrefixLists() {
        Map<String, PrefixList> out = new LinkedHashMap<>();
        for (Located<PrefixListPart> l : prefixLists.values()) {
            PrefixListPart p = l.value();
            List<Cidr> entries = p.entries() == null ? List.of() : p.entries();
            int family = p.family() != 0 ? p.family() : entries.isEmpty() ? IpAddress.V4 : entries.get(0).family();
            for (int i = 0; i < entries.size(); i++) {
                if (entries.get(i).family() != family) {
                    throw new WorldLoadException(l.where() + ": prefix list " + p.id() + " is IPv" + family
                            + " but entry " + i + " (" + entries.get(i) + ") is IPv" + entries.get(i).family());
                }
            }
            if (p.entries() == null) {
                warnings.add(l.where() + ": prefix list " + p.id() + " has no entries loaded (add the output of "
                        + "get-managed-prefix-list-entries): it matches nothing");
            }
            out.put(p.id(), new PrefixList(p.id(), p.name(), family, entries));
        }
        return out;
    }

    private Map<String, SecurityGroup> buildGroups() {
        Map<String, SecurityGroup> out = values(groups);
        // group id -> direction -> rules, in the order the rule files gave them
        Map<String, Map<Boolean, List<SgRule>>> byGroup = new LinkedHashMap<>();
        Map<String, Located<GroupRule>> firstSeen = new LinkedHashMap<>();
        for (Located<GroupRule> l : groupRules.values()) {
            GroupRule r = l.value();
            List<SgRule> list = byGroup.computeIfAbsent(r.groupId(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(r.rule().egress(), k -> new ArrayList<>());
            SgRule s = r.rule();
            list.add(new SgRule(s.ruleId(), s.egress(), s.protocol(), s.fromPort(), s.toPort(), s.peer(), s.description(), list.size()));
            firstSeen.putIfAbsent(r.groupId(), l);
        }
        for (Map.Entry<String, Map<Boolean, List<SgRule>>> e : byGroup.entrySet()) {
            String id = e.getKey();
            Located<GroupRule> where = firstSeen.get(id);
            SecurityGroup g = out.get(id);
            List<SgRule> in = e.getValue().get(false);
            List<SgRule> eg = e.getValue().get(true);
            if (g == null) {
                notes.add(where.where() + ": security group " + id + " is known only from describe-security-group-rules "
                        + "(its name and VPC are unknown)");
                out.put(id, new SecurityGroup(id, null, null, where.value().groupOwnerId(),
                        in == null ? List.of() : in, eg == null ? List.of() : eg));
            } else {
                for (Boolean egress : e.getValue().keySet()) {
                    notes.add(where.where() + ": the " + (egress ? "outbound" : "inbound") + " rules of " + id
                            + " come from describe-security-group-rules and replace those of describe-security-groups"
                            + " (they carry rule ids)");
                }
                out.put(id, new SecurityGroup(id, g.name(), g.vpcId(), g.ownerId(),
                        in == null ? g.ingress() : in, eg == null ? g.egress() : eg));
            }
        }
        return out;
    }

    private void checkRefs(Map<String, SecurityGroup> sgs, Map<String, PrefixList> pls) {
        // unknown targets that only warrant a warning, grouped so that one missing VPC is one warning
        Map<String, List<Ref>> soft = new LinkedHashMap<>();
        for (Ref r : refs) {
            boolean known = switch (r.kind()) {
                case VPC -> vpcs.containsKey(r.id());
                case SUBNET -> subnets.containsKey(r.id());
                case GROUP -> sgs.containsKey(r.id());
                case PREFIX_LIST -> pls.containsKey(r.id());
            };
            if (known) {
                continue;
            }
            String where = r.file() + ": " + r.path() + ": ";
            if (r.kind() == RefKind.GROUP && r.peerUserId() != null && r.referrerOwner() != null
                    && !r.peerUserId().equals(r.referrerOwner())) {
                warnings.add(where + r.id() + " belongs to account " + r.peerUserId()
                        + ", which is not loaded: the rule matches nothing");
            } else if (r.fatal()) {
                throw new WorldLoadException(where + r.id() + " is not a loaded " + kindName(r.kind()));
            } else {
                soft.computeIfAbsent(r.kind() + " " + r.id(), k -> new ArrayList<>()).add(r);
            }
        }
        for (List<Ref> group : soft.values()) {
            Ref r = group.get(0);
            warnings.add(r.file() + ": " + r.path() + ": " + r.id() + " is not a loaded " + kindName(r.kind())
                    + (group.size() > 1 ? " (" + group.size() + " items name it)" : ""));
        }
    }

    private static String kindName(RefKind kind) {
        return switch (kind) {
            case VPC -> "VPC";
            case SUBNET -> "subnet";
            case GROUP -> "security group";
            case PREFIX_LIST -> "prefix list";
        };
    }

    private Map<String, NetworkInterface> buildEnis(Map<String, Subnet> subnetMap) {
        Map<String, NetworkInterface> out = new LinkedHashMap<>();
        Map<IpAddress, String> owners = new HashMap<>();
        for (Located<NetworkInterface> l : enis.values()) {
            NetworkInterface e = l.value();
            Subnet s = subnetMap.get(e.subnetId());
            String vpcId = e.vpcId() != null ? e.vpcId() : s.vpcId();
            if (!vpcId.equals(s.vpcId())) {
                throw new WorldLoadException(l.where() + ": " + e.id() + " is in " + vpcId + " but its subnet "
                        + s.id() + " is in " + s.vpcId());
            }
            if (!vpcs.containsKey(vpcId)) {
                throw new WorldLoadException(l.where() + ": " + vpcId + " (the VPC of " + e.id() + ") is not a loaded VPC");
            }
            String owner = e.ownerId() != null ? e.ownerId() : s.ownerId() != null ? s.ownerId() : vpcs.get(vpcId).value().ownerId();
            String az = e.availabilityZone() != null ? e.availabilityZone() : s.availabilityZone();
            NetworkInterface full = new NetworkInterface(e.id(), e.subnetId(), vpcId, owner, az, e.interfaceType(),
                    e.instanceId(), e.primaryIpv4(), e.secondaryIpv4(), e.ipv6(), e.publicIps(), e.groupIds(),
                    e.connTrack() == null ? ConnTrackConfig.DEFAULT : e.connTrack());
            for (IpAddress a : full.privateAddresses()) {
                Cidr net = a.isV4() ? s.ipv4Cidr() : s.ipv6Cidr();
                if (net == null || !net.contains(a)) {
                    warnings.add(l.where() + ": " + a + " of " + e.id() + " is outside its subnet " + s.id()
                            + " (" + (net == null ? "no IPv" + a.family() + " CIDR" : net) + ")");
                }
                String other = owners.putIfAbsent(a, e.id());
                if (other != null) {
                    warnings.add(l.where() + ": " + a + " is a private address of both " + other + " and " + e.id()
                            + " (overlapping VPCs?): addresses resolve to one interface only");
                }
            }
            for (IpAddress pub : full.publicIps().keySet()) {
                String other = owners.putIfAbsent(pub, e.id());
                if (other != null) {
                    warnings.add(l.where() + ": " + pub + " is an address of both " + other + " and " + e.id());
                }
            }
            if (full.groupIds().isEmpty()) {
                warnings.add(l.where() + ": " + e.id() + " has no security group: every packet to or from it is denied");
            }
            if (!KNOWN_INTERFACE_TYPES.contains(full.interfaceType())) {
                warnings.add(l.where() + ": " + e.id() + " has InterfaceType '" + full.interfaceType()
                        + "', which EC2 does not document");
            }
            out.put(e.id(), full);
        }
        return out;
    }

    /**
     * Checks associations and makes every subnet's NACL explicit: a subnet no NACL names is associated
     * with its VPC's default NACL, and a VPC without a default NACL gets AWS's (allow all both ways).
     */
    private Map<String, NetworkAcl> buildNacls(Map<String, Subnet> subnetMap) {
        Map<String, NetworkAcl> out = values(nacls);
        Map<String, String> naclOfSubnet = new HashMap<>();
        for (Located<NetworkAcl> l : nacls.values()) {
            NetworkAcl acl = l.value();
            Map<String, String> paths = associationPaths.getOrDefault(acl.id(), Map.of());
            for (String subnetId : acl.subnetIds()) {
                String where = l.file() + ": " + paths.getOrDefault(subnetId, l.path());
                Subnet s = subnetMap.get(subnetId);
                if (s == null) {
                    throw new WorldLoadException(where + ": " + subnetId + " is not a loaded subnet");
                }
                if (!s.vpcId().equals(acl.vpcId())) {
                    throw new WorldLoadException(where + ": " + subnetId + " is in " + s.vpcId() + ", not in "
                            + acl.vpcId() + " of " + acl.id());
                }
                String other = naclOfSubnet.putIfAbsent(subnetId, acl.id());
                if (other != null) {
                    throw new WorldLoadException(where + ": " + subnetId + " is associated with both " + other
                            + " and " + acl.id() + " (a subnet has exactly one network ACL)");
                }
            }
        }
        Set<String> defaultsByVpc = new HashSet<>();
        for (Located<NetworkAcl> l : nacls.values()) {
            if (l.value().isDefault() && !defaultsByVpc.add(l.value().vpcId())) {
                throw new WorldLoadException(l.where() + ": " + l.value().vpcId() + " has more than one default network ACL");
            }
        }
        // default NACL id -> the subnets given to it, and whether it was supplied by the loader
        Map<String, List<Located<Subnet>>> implicit = new LinkedHashMap<>();
        Set<String> supplied = new HashSet<>();
        for (Located<Subnet> l : subnets.values()) {
            Subnet s = l.value();
            if (naclOfSubnet.containsKey(s.id())) {
                continue;
            }
            NetworkAcl def = out.values().stream().filter(a -> a.isDefault() && a.vpcId().equals(s.vpcId()))
                    .findFirst().orElse(null);
            if (def == null) {
                def = awsDefaultNacl(s.vpcId());
                supplied.add(def.id());
            }
            List<String> ids = new ArrayList<>(def.subnetIds());
            ids.add(s.id());
            out.put(def.id(), def.withAssociations(ids, def.associationIds()));
            naclOfSubnet.put(s.id(), def.id());
            implicit.computeIfAbsent(def.id(), k -> new ArrayList<>()).add(l);
        }
        for (Map.Entry<String, List<Located<Subnet>>> e : implicit.entrySet()) {
            Located<Subnet> first = e.getValue().get(0);
            String vpc = first.value().vpcId();
            String names = String.join(", ", e.getValue().stream().map(l -> l.value().id()).toList());
            if (supplied.contains(e.getKey())) {
                notes.add(first.file() + ": no network ACL of " + vpc + " is loaded: " + names + " get"
                        + (e.getValue().size() == 1 ? "s" : "") + " AWS's default NACL " + e.getKey()
                        + " (rules 100 and 101 allow all, both ways)");
            } else {
                notes.add(first.file() + ": no network ACL names " + names + ": "
                        + (e.getValue().size() == 1 ? "it uses" : "they use") + " the default NACL " + e.getKey() + " of " + vpc);
            }
        }
        return out;
    }

    /** AWS's default NACL: rule 100 allows all IPv4 and rule 101 all IPv6 traffic, both ways. */
    static NetworkAcl awsDefaultNacl(String vpcId) {
        List<NaclEntry> entries = List.of(
                new NaclEntry(100, false, Protocols.ALL, true, Cidr.ALL_V4, null, -1, -1),
                new NaclEntry(101, false, Protocols.ALL, true, Cidr.ALL_V6, null, -1, -1),
                new NaclEntry(100, true, Protocols.ALL, true, Cidr.ALL_V4, null, -1, -1),
                new NaclEntry(101, true, Protocols.ALL, true, Cidr.ALL_V6, null, -1, -1));
        return new NetworkAcl("acl-default-" + vpcId, vpcId, true, entries, List.of());
    }

    /** The quota excesses of SEMANTICS.md section 2, each naming where the excess was defined. */
    private List<String> quotaIssues(World world) {
        List<String> issues = new ArrayList<>();
        Map<String, int[][]> perGroup = new HashMap<>();
        for (SecurityGroup g : world.securityGroups().values()) {
            int[][] counts = {ruleCounts(g.ingress(), world), ruleCounts(g.egress(), world)};
            perGroup.put(g.id(), counts);
            for (int dir = 0; dir < 2; dir++) {
                for (int fam = 0; fam < 2; fam++) {
                    if (counts[dir][fam] > QUOTA_RULES_PER_DIRECTION_PER_FAMILY) {
                        issues.add(whereOfGroup(g.id()) + ": " + g.id() + " has " + counts[dir][fam] + " "
                                + (dir == 1 ? "outbound" : "inbound") + " IPv" + (fam == 0 ? 4 : 6)
                                + " rules, beyond the AWS quota of " + QUOTA_RULES_PER_DIRECTION_PER_FAMILY
                                + " per direction per family");
                    }
                }
            }
        }
        for (Located<NetworkInterface> l : enis.values()) {
            NetworkInterface e = world.networkInterfaces().get(l.value().id());
            int n = e.groupIds().size();
            if (n > QUOTA_GROUPS_PER_ENI) {
                issues.add(l.where() + ": " + e.id() + " has " + n + " security groups, beyond the AWS default quota of "
                        + QUOTA_GROUPS_PER_ENI + (n > MAX_GROUPS_PER_ENI ? " and AWS's maximum of " + MAX_GROUPS_PER_ENI : ""));
            }
            for (int dir = 0; dir < 2; dir++) {
                for (int fam = 0; fam < 2; fam++) {
                    int total = 0;
                    for (String gid : e.groupIds()) {
                        int[][] c = perGroup.get(gid);
                        total += c == null ? 0 : c[dir][fam];
                    }
                    if (total > QUOTA_RULES_PER_ENI) {
                        issues.add(l.where() + ": " + e.id() + " has " + total + " " + (dir == 1 ? "outbound" : "inbound")
                                + " IPv" + (fam == 0 ? 4 : 6) + " rules over its groups, beyond AWS's limit of "
                                + QUOTA_RULES_PER_ENI + " (rules per group x groups per interface)");
                    }
                }
            }
        }
        for (NetworkAcl acl : world.networkAcls().values()) {
            int[][] counts = new int[2][2];
            for (NaclEntry en : acl.entries()) {
                counts[en.egress() ? 1 : 0][en.cidr().family() == IpAddress.V4 ? 0 : 1]++;
            }
            for (int dir = 0; dir < 2; dir++) {
                for (int fam = 0; fam < 2; fam++) {
                    if (counts[dir][fam] > QUOTA_NACL_RULES_PER_DIRECTION_PER_FAMILY) {
                        Located<NetworkAcl> l = nacls.get(acl.id());
                        issues.add((l == null ? acl.id() : l.where()) + ": " + acl.id() + " has " + counts[dir][fam] + " "
                                + (dir == 1 ? "outbound" : "inbound") + " IPv" + (fam == 0 ? 4 : 6)
                                + " entries, beyond the AWS quota of " + QUOTA_NACL_RULES_PER_DIRECTION_PER_FAMILY
                                + " per direction per family");
                    }
                }
            }
        }
        return issues;
    }

    private String whereOfGroup(String id) {
        Located<SecurityGroup> l = groups.get(id);
        if (l != null) {
            return l.where();
        }
        for (Located<GroupRule> r : groupRules.values()) {
            if (r.value().groupId().equals(id)) {
                return r.file();
            }
        }
        return id;
    }

    /**
     * Rules of one direction per family as AWS counts them: a CIDR counts for its family, a group
     * reference for both families, a prefix list as many times as it has entries (AWS counts its
     * maximum size; the loader only knows the current entries).
     */
    static int[] ruleCounts(List<SgRule> rules, World world) {
        int[] c = new int[2];
        for (SgRule r : rules) {
            switch (r.peer()) {
                case Peer.CidrPeer p -> c[p.cidr().family() == IpAddress.V4 ? 0 : 1]++;
                case Peer.GroupPeer p -> {
                    c[0]++;
                    c[1]++;
                }
                case Peer.PrefixListPeer p -> {
                    PrefixList pl = world.prefixLists().get(p.prefixListId());
                    int n = pl == null ? 1 : Math.max(1, pl.entries().size());
                    c[pl == null || pl.family() == IpAddress.V4 ? 0 : 1] += n;
                }
            }
        }
        return c;
    }
}
