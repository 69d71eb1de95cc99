package io.sgemu.control.gen;

import io.sgemu.control.model.ConnTrackConfig;
import io.sgemu.control.model.NaclEntry;
import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.PortRange;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A world shaped like AWS accounts: VPCs of three-tier applications. Subnets and security groups belong to
 * a tier (web, app, db, in turn); web groups admit clients from CIDRs and prefix lists on web ports, app
 * groups admit the web tier's groups, db groups the app tier's, on their tier's ports, with random other
 * rules mixed in; outbound rules start with AWS's default (all to 0.0.0.0/0) and otherwise reach the next
 * tier. An ENI carries one group of its subnet's tier and other groups of its VPC; web ENIs have a public
 * IPv4. Each subnet has its own network ACL (allow and deny entries, the last allowing everything) unless
 * {@code naclEntries} is 0.
 *
 * <p>Deterministic: the world depends on the settings alone (seed included), so its JSON is byte-identical
 * from run to run.
 */
public final class AwsWorldGenerator {
    static final String[] TIERS = {"web", "app", "db"};
    private static final int[][] TIER_PORTS = {
        {80, 443, 8443, 22},
        {8080, 8000, 9000, 8443, 22},
        {5432, 3306, 6379, 27017, 9042, 11211},
    };
    private static final long V6_BASE = 0x2600_1f18_0000_0000L;

    private final AwsWorldSettings s;
    private final SplittableRandom random;
    private final WorldIds ids;
    private final String account = WorldIds.ACCOUNT;

    private AwsWorldGenerator(AwsWorldSettings s) {
        this.s = s;
        this.random = new SplittableRandom(s.seed());
        this.ids = new WorldIds(s.seed());
    }

    public static GeneratedWorld generate(AwsWorldSettings settings) {
        return new AwsWorldGenerator(settings).build();
    }

    /** Groups of one VPC, by tier. */
    private record VpcGroups(List<String> all, List<List<String>> byTier) {
    }

    private GeneratedWorld build() {
        int subnetPrefix = Math.min(28, 32 - ceilLog2(s.enisPerSubnet() + 5));
        int vpcPrefix = subnetPrefix - ceilLog2(s.subnetsPerVpc());
        if (vpcPrefix < 8 || (long) s.vpcs() << (32 - vpcPrefix) > 1L << 24) {
            throw new IllegalArgumentException(s.vpcs() + " VPCs of " + s.subnetsPerVpc() + " subnets of "
                    + s.enisPerSubnet() + " ENIs do not fit in 10.0.0.0/8");
        }
        int v6SubnetBits = s.subnetsPerVpc() <= 256 ? 8 : 16;
        if (s.ipv6() && ((long) s.vpcs() << v6SubnetBits) > 1L << 32) {
            throw new IllegalArgumentException("too many VPCs and subnets for IPv6 (--vpcs x --subnets-per-vpc)");
        }

        Map<String, PrefixList> prefixLists = prefixLists();
        List<String> v4Lists = new ArrayList<>();
        List<String> v6Lists = new ArrayList<>();
        prefixLists.values().forEach(p -> (p.family() == IpAddress.V4 ? v4Lists : v6Lists).add(p.id()));

        Map<String, Vpc> vpcs = new LinkedHashMap<>();
        Map<String, Subnet> subnets = new LinkedHashMap<>();
        Map<String, NetworkAcl> acls = new LinkedHashMap<>();
        List<List<Subnet>> subnetsByVpc = new ArrayList<>();
        long subnetNo = 0;
        for (int v = 0; v < s.vpcs(); v++) {
            String vpcId = ids.id("vpc", v);
            Cidr v4 = new Cidr(IpAddress.v4((10 << 24) + (v << (32 - vpcPrefix))), vpcPrefix);
            Cidr v6 = s.ipv6() ? new Cidr(IpAddress.v6(V6_BASE | ((long) v << v6SubnetBits), 0), 64 - v6SubnetBits) : null;
            vpcs.put(vpcId, new Vpc(vpcId, account, List.of(v4), v6 == null ? List.of() : List.of(v6)));
            List<Subnet> mine = new ArrayList<>();
            for (int i = 0; i < s.subnetsPerVpc(); i++) {
                Cidr c = new Cidr(v4.network().plus((long) i << (32 - subnetPrefix)), subnetPrefix);
                Cidr c6 = v6 == null ? null : new Cidr(IpAddress.v6(v6.network().hi() | i, 0), 64);
                int az = i % 6;
                Subnet sub = new Subnet(ids.id("subnet", subnetNo++), vpcId, c, c6, "us-east-1" + (char) ('a' + az),
                        "use1-az" + (az + 1), account);
                subnets.put(sub.id(), sub);
                mine.add(sub);
            }
            subnetsByVpc.add(mine);
            acls.putAll(nacls(v, vpcId, v4, mine));
        }

        // groups: VPC g % vpcs; tier by the group's rank within its VPC
        List<VpcGroups> vpcGroups = new ArrayList<>();
        for (int v = 0; v < s.vpcs(); v++) {
            vpcGroups.add(new VpcGroups(new ArrayList<>(), List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>())));
        }
        List<String> vpcIds = new ArrayList<>(vpcs.keySet());
        int[] tierOf = new int[s.groups()];
        for (int g = 0; g < s.groups(); g++) {
            int v = g % s.vpcs();
            tierOf[g] = (g / s.vpcs()) % 3;
            String id = ids.id("sg", g);
            vpcGroups.get(v).all().add(id);
            vpcGroups.get(v).byTier().get(tierOf[g]).add(id);
        }
        int smallest = s.groups() / s.vpcs();
        if (s.groupsPerEni() > smallest && s.enisPerSubnet() > 0) {
            throw new IllegalArgumentException("--groups-per-eni " + s.groupsPerEni() + " is more than the " + smallest
                    + " groups of a VPC (--groups " + s.groups() + " over --vpcs " + s.vpcs() + ")");
        }
        Map<String, SecurityGroup> groups = new LinkedHashMap<>();
        int egress = (int) Math.round(s.rulesPerGroup() * s.egressShare());
        int ingress = s.rulesPerGroup() - egress;
        for (int g = 0; g < s.groups(); g++) {
            int v = g % s.vpcs();
            VpcGroups vg = vpcGroups.get(v);
            Vpc vpc = vpcs.get(vpcIds.get(v));
            int tier = tierOf[g];
            List<SgRule> in = new ArrayList<>(ingress);
            for (int i = 0; i < ingress; i++) {
                in.add(rule(false, i, tier, source(vg, tier), vpc, v4Lists, v6Lists));
            }
            List<SgRule> out = new ArrayList<>(egress);
            for (int i = 0; i < egress; i++) {
                out.add(i == 0 ? new SgRule(null, true, Protocols.ALL, -1, -1, new Peer.CidrPeer(Cidr.ALL_V4), null, 0)
                        : rule(true, i, Math.min(2, tier + 1), target(vg, tier), vpc, v4Lists, v6Lists));
            }
            String id = ids.id("sg", g);
            groups.put(id, new SecurityGroup(id, TIERS[tier] + "-" + g, vpc.id(), account, in, out));
        }

        Map<String, NetworkInterface> enis = new LinkedHashMap<>();
        long eniNo = 0;
        long publicNo = 0;
        for (int v = 0; v < s.vpcs(); v++) {
            VpcGroups vg = vpcGroups.get(v);
            for (int i = 0; i < s.subnetsPerVpc(); i++) {
                Subnet sub = subnetsByVpc.get(v).get(i);
                int tier = i % 3;
                for (int k = 0; k < s.enisPerSubnet(); k++) {
                    IpAddress a = sub.ipv4Cidr().network().plus(4 + k);
                    List<IpAddress> v6 = sub.ipv6Cidr() == null ? List.of() : List.of(sub.ipv6Cidr().network().plus(4 + k));
                    Map<IpAddress, IpAddress> pub = tier == 0
                            ? Map.of(IpAddress.v4((3 << 24) + (int) (publicNo++ & 0xFF_FFFF)), a) : Map.of();
                    String id = ids.id("eni", eniNo);
                    enis.put(id, new NetworkInterface(id, sub.id(), sub.vpcId(), account, sub.availabilityZone(),
                            "interface", ids.id("i", eniNo), a, List.of(), v6, pub, groupsOfEni(vg, tier), ConnTrackConfig.DEFAULT));
                    eniNo++;
                }
            }
        }
        World w = new World(vpcs, subnets, acls, groups, enis, prefixLists);
        return new GeneratedWorld(w, quotaWarnings(ingress, egress));
    }

    private List<String> quotaWarnings(int ingress, int egress) {
        List<String> w = new ArrayList<>();
        int most = Math.max(ingress, egress);
        if (most > 60) {
            w.add("groups have up to " + most + " rules in one direction; AWS's quota is 60 per direction per family");
        }
        if (s.groupsPerEni() > 5) {
            w.add(s.groupsPerEni() + " groups per ENI; AWS's default quota is 5"
                    + (s.groupsPerEni() > 16 ? " and its maximum 16" : " (it can be raised to 16)"));
        }
        if ((long) s.groupsPerEni() * most > 1000) {
            w.add("ENIs carry up to " + (long) s.groupsPerEni() * most + " rules in one direction; AWS allows at most 1000"
                    + " (rules per group x groups per ENI)");
        }
        if (s.naclEntries() > 20) {
            w.add(s.naclEntries() + " network ACL entries per direction; AWS's default quota is 20");
        }
        if (s.prefixListEntries() > 1000) {
            w.add(s.prefixListEntries() + " entries per prefix list; AWS allows at most 1000");
        }
        if (s.subnetsPerVpc() > 200) {
            w.add(s.subnetsPerVpc() + " subnets per VPC; AWS's default quota is 200");
        }
        return w;
    }

    private Map<String, PrefixList> prefixLists() {
        Map<String, PrefixList> out = new LinkedHashMap<>();
        for (int p = 0; p < s.prefixLists(); p++) {
            boolean v6 = s.ipv6() && p % 2 == 1;
            List<Cidr> entries = new ArrayList<>(s.prefixListEntries());
            java.util.Set<Cidr> seen = new java.util.HashSet<>();
            while (entries.size() < s.prefixListEntries()) {
                Cidr c = v6 ? randomV6Cidr() : randomV4Cidr(false);
                if (seen.add(c) || seen.size() > 4 * s.prefixListEntries()) {
                    entries.add(c);
                }
            }
            String id = ids.id("pl", p);
            out.put(id, new PrefixList(id, (v6 ? "clients-v6-" : "clients-") + p, v6 ? IpAddress.V6 : IpAddress.V4, entries));
        }
        return out;
    }

    /** Who a group of {@code tier} admits by reference: web its own tier, app the web tier, db the app tier. */
    private String source(VpcGroups vg, int tier) {
        return pick(vg, tier == 0 ? 0 : tier - 1);
    }

    /** Whom a group of {@code tier} reaches by reference: the next tier (db: its own). */
    private String target(VpcGroups vg, int tier) {
        return pick(vg, Math.min(2, tier + 1));
    }

    private String pick(VpcGroups vg, int tier) {
        List<String> l = vg.byTier().get(tier);
        if (l.isEmpty()) {
            l = vg.all();
        }
        return l.get(random.nextInt(l.size()));
    }

    private List<String> groupsOfEni(VpcGroups vg, int tier) {
        List<String> out = new ArrayList<>(s.groupsPerEni());
        List<String> own = vg.byTier().get(tier).isEmpty() ? vg.all() : vg.byTier().get(tier);
        out.add(own.get(random.nextInt(own.size())));
        if (s.groupsPerEni() * 2 > vg.all().size()) {
            // many of few: a shuffled pass avoids endless retries
            List<String> rest = new ArrayList<>(vg.all());
            rest.remove(out.get(0));
            for (int i = 0; out.size() < s.groupsPerEni(); i++) {
                int j = i + random.nextInt(rest.size() - i);
                String t = rest.get(j);
                rest.set(j, rest.get(i));
                rest.set(i, t);
                out.add(t);
            }
            return out;
        }
        java.util.Set<String> seen = new java.util.HashSet<>(out);
        while (out.size() < s.groupsPerEni()) {
            String g = vg.all().get(random.nextInt(vg.all().size()));
            if (seen.add(g)) {
                out.add(g);
            }
        }
        return out;
    }

    private SgRule rule(boolean egress, int index, int tier, String groupPeer, Vpc vpc, List<String> v4Lists,
                        List<String> v6Lists) {
        double u = random.nextDouble();
        Peer peer;
        boolean v6 = s.ipv6() && random.nextInt(5) == 0;
        if (u < s.referenceShare()) {
            peer = new Peer.GroupPeer(groupPeer);
        } else if (u < s.referenceShare() + s.prefixListShare() && !(v6 ? v6Lists : v4Lists).isEmpty()) {
            List<String> l = v6 ? v6Lists : v4Lists;
            peer = new Peer.PrefixListPeer(l.get(random.nextInt(l.size())));
        } else if (v6) {
            peer = new Peer.CidrPeer(random.nextInt(10) == 0 ? Cidr.ALL_V6 : randomV6Cidr());
        } else {
            int k = random.nextInt(20);
            peer = new Peer.CidrPeer(k == 0 ? Cidr.ALL_V4 : k == 1 ? vpc.ipv4Cidrs().get(0) : randomV4Cidr(true));
        }
        int kind = random.nextInt(100);
        int[] ports = TIER_PORTS[tier];
        if (kind < 3) {
            return new SgRule(null, egress, Protocols.ALL, -1, -1, peer, null, index);
        }
        if (kind < 10) {
            // ICMPv6 for an IPv6 peer (a CIDR or a list); a group peer stands for both families
            int proto = v6 && !(peer instanceof Peer.GroupPeer) ? Protocols.ICMPV6 : Protocols.ICMP;
            int[][] typeCode = {{-1, -1}, {8, -1}, {3, 4}, {0, -1}};
            int[] tc = typeCode[random.nextInt(typeCode.length)];
            if (proto == Protocols.ICMPV6 && tc[0] >= 0) {
                tc = new int[] {tc[0] == 8 ? 128 : tc[0] == 0 ? 129 : 2, tc[0] == 3 ? 0 : -1};
            }
            return new SgRule(null, egress, proto, tc[0], tc[1], peer, null, index);
        }
        int proto = kind < 20 ? Protocols.UDP : Protocols.TCP;
        int from;
        int to;
        int shape = random.nextInt(100);
        if (proto == Protocols.UDP && shape < 50) {
            from = to = random.nextBoolean() ? 53 : 123;
        } else if (shape < 55) {
            from = to = ports[random.nextInt(ports.length)];
        } else if (shape < 80) {
            from = to = random.nextInt(1, 65536);
        } else if (shape < 95) {
            from = random.nextInt(1024, 65000);
            to = Math.min(65535, from + random.nextInt(1, 1000));
        } else {
            from = random.nextBoolean() ? 0 : 1024;
            to = 65535;
        }
        return new SgRule(null, egress, proto, from, to, peer, null, index);
    }

    /** A client prefix: mostly hosts and /24s, some wider (never 10.0.0.0/8, the VPCs' own space, unless asked). */
    private Cidr randomV4Cidr(boolean any) {
        int[] lengths = {32, 32, 32, 32, 32, 32, 32, 24, 24, 24, 24, 24, 28, 29, 30, 31, 16, 16, 20, 22, 8};
        int len = lengths[random.nextInt(lengths.length)];
        int first = random.nextInt(11, 224);
        if (!any && first == 10) {
            first = 11;
        }
        int bits = (first << 24) | random.nextInt(1 << 24);
        return new Cidr(IpAddress.v4(bits), len);
    }

    private Cidr randomV6Cidr() {
        int[] lengths = {128, 128, 128, 64, 64, 64, 56, 48, 48, 32};
        int len = lengths[random.nextInt(lengths.length)];
        long hi = 0x2000_0000_0000_0000L | (random.nextLong() >>> 4);
        return new Cidr(IpAddress.v6(hi, random.nextLong()), len);
    }

    /**
     * The VPC's default NACL (AWS's: rule 100 allows all, 101 all IPv6) and, when entries are asked for, one
     * NACL per subnet: {@code naclEntries} entries a direction, the last allowing everything.
     */
    private Map<String, NetworkAcl> nacls(int v, String vpcId, Cidr vpcCidr, List<Subnet> mine) {
        Map<String, NetworkAcl> out = new LinkedHashMap<>();
        List<NaclEntry> allowAll = new ArrayList<>();
        for (boolean egress : new boolean[] {false, true}) {
            allowAll.add(new NaclEntry(100, egress, Protocols.ALL, true, Cidr.ALL_V4, null, -1, -1));
            if (s.ipv6()) {
                allowAll.add(new NaclEntry(101, egress, Protocols.ALL, true, Cidr.ALL_V6, null, -1, -1));
            }
        }
        String defaultId = ids.id("acl", (long) v * (s.subnetsPerVpc() + 1));
        List<String> subnetIds = s.naclEntries() == 0 ? mine.stream().map(Subnet::id).toList() : List.of();
        out.put(defaultId, new NetworkAcl(defaultId, vpcId, true, allowAll, subnetIds, associations(subnetIds)));
        if (s.naclEntries() == 0) {
            return out;
        }
        int step = s.naclEntries() * 10 + 100 <= 32766 ? 10 : 1;
        int first = step == 10 ? 100 : 1;
        for (int i = 0; i < mine.size(); i++) {
            List<NaclEntry> entries = new ArrayList<>(2 * s.naclEntries());
            for (boolean egress : new boolean[] {false, true}) {
                for (int e = 0; e < s.naclEntries(); e++) {
                    int number = first + e * step;
                    int fromLast = s.naclEntries() - e;
                    if (fromLast == 1) {
                        entries.add(new NaclEntry(number, egress, Protocols.ALL, true, Cidr.ALL_V4, null, -1, -1));
                    } else if (fromLast == 2 && s.ipv6()) {
                        entries.add(new NaclEntry(number, egress, Protocols.ALL, true, Cidr.ALL_V6, null, -1, -1));
                    } else {
                        entries.add(randomNaclEntry(number, egress, vpcCidr));
                    }
                }
            }
            String id = ids.id("acl", (long) v * (s.subnetsPerVpc() + 1) + 1 + i);
            List<String> one = List.of(mine.get(i).id());
            out.put(id, new NetworkAcl(id, vpcId, false, entries, one, associations(one)));
        }
        return out;
    }

    private Map<String, String> associations(List<String> subnetIds) {
        Map<String, String> m = new HashMap<>();
        for (String sub : subnetIds) {
            m.put(sub, "aclassoc-" + sub.substring(sub.indexOf('-') + 1));
        }
        return m;
    }

    private NaclEntry randomNaclEntry(int number, boolean egress, Cidr vpcCidr) {
        int kind = random.nextInt(10);
        if (kind < 3) {
            // a blocked range: some client network, all traffic
            return new NaclEntry(number, egress, Protocols.ALL, false, randomV4Cidr(false), null, -1, -1);
        }
        Cidr cidr = random.nextInt(3) == 0 ? vpcCidr : Cidr.ALL_V4;
        if (kind < 4) {
            return new NaclEntry(number, egress, Protocols.ICMP, true, cidr, null, -1, -1);
        }
        int proto = kind < 5 ? Protocols.UDP : Protocols.TCP;
        PortRange ports = switch (random.nextInt(4)) {
            case 0 -> new PortRange(1024, 65535);
            case 1 -> new PortRange(443, 443);
            case 2 -> new PortRange(80, 80);
            default -> {
                int from = random.nextInt(1, 60000);
                yield new PortRange(from, from + random.nextInt(0, 5000));
            }
        };
        return new NaclEntry(number, egress, proto, kind != 9, cidr, ports, -1, -1);
    }

    private static int ceilLog2(int n) {
        return n <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(n - 1);
    }
}
