package io.sgemu.control.gen;

import io.sgemu.control.model.ConnTrackConfig;
import io.sgemu.control.model.NaclEntry;
import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.PortRange;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.Subnet;
import io.sgemu.control.model.Vpc;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A world whose security groups and network ACL are a ClassBench filter set.
 *
 * <p>Each filter becomes one inbound security-group rule: its source prefix is the peer CIDR, its
 * destination-port range the rule's port range (tcp, udp), ICMP stays ICMP (any type and code), another
 * protocol keeps its number (ports ignored), and protocol any becomes {@code -1}. The destination side is the
 * ENI's: a rule applies to the ENIs that carry its group, whatever the filter's destination prefix; source
 * ports have no counterpart. So each rule admits at least every packet its filter matches (and may admit
 * more: any destination, any source port). The filters fill the groups in priority order,
 * {@link ClassBenchWorldSettings#rulesPerGroup()} each; every group also has AWS's default outbound rule
 * (all traffic to 0.0.0.0/0).
 *
 * <p>The subnets' network ACL has one inbound entry per filter (the first 32766 at most), in priority order
 * = rule-number order, with the same match (source prefix, protocol, destination ports); each entry is allow
 * or deny by the seed ({@link ClassBenchWorldSettings#naclDenyShare()}); the implicit final deny follows.
 * Outbound it allows everything, so replies leave.
 */
public final class ClassBenchWorldGenerator {
    /** ENIs per subnet at most (a /20 less AWS's five reserved addresses). */
    static final int ENIS_PER_SUBNET = 4096 - 5;
    private static final int SUBNET_PREFIX = 20;

    private ClassBenchWorldGenerator() {
    }

    public static GeneratedWorld generate(List<ClassBenchRule> set, ClassBenchWorldSettings s) {
        SplittableRandom random = new SplittableRandom(s.seed());
        List<ClassBenchRule> rules = ClassBenchScaler.scale(set, s.rules(), random.split());
        SplittableRandom naclRandom = random.split();
        WorldIds ids = new WorldIds(s.seed());
        List<String> warnings = new ArrayList<>();
        String account = WorldIds.ACCOUNT;

        int subnets = Math.max(1, (s.enis() + ENIS_PER_SUBNET - 1) / ENIS_PER_SUBNET);
        int vpcPrefix = Math.min(16, SUBNET_PREFIX - ceilLog2(subnets));
        if (vpcPrefix < 8) {
            throw new IllegalArgumentException("--enis " + s.enis() + " does not fit in 10.0.0.0/8");
        }
        String vpcId = ids.id("vpc", 0);
        Cidr vpcCidr = new Cidr(IpAddress.parse("10.0.0.0"), vpcPrefix);
        Vpc vpc = new Vpc(vpcId, account, List.of(vpcCidr), List.of());

        Map<String, Subnet> subnetMap = new LinkedHashMap<>();
        for (int i = 0; i < subnets; i++) {
            Cidr c = new Cidr(vpcCidr.network().plus((long) i << (32 - SUBNET_PREFIX)), SUBNET_PREFIX);
            String az = "us-east-1" + (char) ('a' + i % 6);
            Subnet sub = new Subnet(ids.id("subnet", i), vpcId, c, null, az, "use1-az" + (i % 6 + 1), account);
            subnetMap.put(sub.id(), sub);
        }

        int groups = rules.isEmpty() ? 1 : (rules.size() + s.rulesPerGroup() - 1) / s.rulesPerGroup();
        Map<String, SecurityGroup> groupMap = new LinkedHashMap<>();
        for (int g = 0; g < groups; g++) {
            List<SgRule> in = new ArrayList<>();
            int from = g * s.rulesPerGroup();
            for (int i = from; i < Math.min(rules.size(), from + s.rulesPerGroup()); i++) {
                in.add(securityGroupRule(rules.get(i), i, in.size()));
            }
            List<SgRule> out = List.of(new SgRule(null, true, Protocols.ALL, -1, -1, new Peer.CidrPeer(Cidr.ALL_V4), null, 0));
            String id = ids.id("sg", g);
            groupMap.put(id, new SecurityGroup(id, "classbench-" + g, vpcId, account, in, out));
        }
        List<String> groupIds = new ArrayList<>(groupMap.keySet());

        int perEni = s.groupsPerEni() > 0 ? s.groupsPerEni() : Math.min(groups, 5);
        if (perEni > groups) {
            throw new IllegalArgumentException("--groups-per-eni " + perEni + " is more than the " + groups
                    + " groups that " + rules.size() + " rules at " + s.rulesPerGroup() + " per group make");
        }
        Map<String, NetworkInterface> enis = new LinkedHashMap<>();
        List<Subnet> subnetList = new ArrayList<>(subnetMap.values());
        for (int i = 0; i < s.enis(); i++) {
            Subnet sub = subnetList.get(i / ENIS_PER_SUBNET);
            IpAddress a = sub.ipv4Cidr().network().plus(4 + i % ENIS_PER_SUBNET);
            List<String> mine = new ArrayList<>(perEni);
            for (int j = 0; j < perEni; j++) {
                mine.add(groupIds.get((int) (((long) i * perEni + j) % groups)));
            }
            String id = ids.id("eni", i);
            enis.put(id, new NetworkInterface(id, sub.id(), vpcId, account, sub.availabilityZone(), "interface",
                    ids.id("i", i), a, List.of(), List.of(), Map.of(), mine, ConnTrackConfig.DEFAULT));
        }

        int naclCount = Math.min(rules.size(), AWS_MAX_RULE_NUMBER);
        if (naclCount < rules.size()) {
            warnings.add("the network ACL holds the first " + naclCount + " of the " + rules.size()
                    + " rules (rule numbers end at " + AWS_MAX_RULE_NUMBER + ")");
        }
        int step = naclStep(naclCount);
        List<NaclEntry> entries = new ArrayList<>(naclCount + 1);
        for (int i = 0; i < naclCount; i++) {
            boolean allow = naclRandom.nextDouble() >= s.naclDenyShare();
            entries.add(naclEntry(rules.get(i), (i + 1) * step, allow));
        }
        entries.add(new NaclEntry(100, true, Protocols.ALL, true, Cidr.ALL_V4, null, -1, -1));
        String aclId = ids.id("acl", 0);
        NetworkAcl acl = new NetworkAcl(aclId, vpcId, true, entries, new ArrayList<>(subnetMap.keySet()));

        quota(warnings, s.rulesPerGroup() > 60, "a group holds up to " + s.rulesPerGroup()
                + " inbound rules; AWS's quota is 60 per direction per family");
        quota(warnings, perEni > 5, perEni + " groups per ENI; AWS's default quota is 5 (at most 16)");
        quota(warnings, (long) perEni * Math.min(s.rulesPerGroup(), rules.size()) > 1000,
                "ENIs carry up to " + (long) perEni * Math.min(s.rulesPerGroup(), rules.size())
                        + " inbound rules; AWS allows at most 1000 (rules per group x groups per ENI)");
        quota(warnings, naclCount > 20, "the network ACL has " + naclCount + " inbound entries; AWS's default quota is 20");

        World w = new World(Map.of(vpcId, vpc), subnetMap, Map.of(aclId, acl), groupMap, enis, Map.of());
        return new GeneratedWorld(w, warnings);
    }

    static final int AWS_MAX_RULE_NUMBER = 32766;

    /** Rule numbers 10 apart (room to insert entries by hand) while they fit, else closer. */
    static int naclStep(int entries) {
        return entries == 0 ? 10 : Math.max(1, Math.min(10, AWS_MAX_RULE_NUMBER / entries));
    }

    private static void quota(List<String> warnings, boolean beyond, String text) {
        if (beyond) {
            warnings.add(text);
        }
    }

    private static int ceilLog2(int n) {
        return n <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(n - 1);
    }

    /** The inbound rule of filter {@code priority}; see the class comment. */
    static SgRule securityGroupRule(ClassBenchRule r, int priority, int index) {
        int proto = r.protocol() == ClassBenchRule.ANY_PROTOCOL ? Protocols.ALL : r.protocol();
        int from = -1;
        int to = -1;
        if (Protocols.hasPorts(proto)) {
            from = r.dstPortLo();
            to = r.dstPortHi();
        }
        return new SgRule(null, false, proto, from, to, new Peer.CidrPeer(r.src()), "classbench " + priority, index);
    }

    static NaclEntry naclEntry(ClassBenchRule r, int ruleNumber, boolean allow) {
        int proto = r.protocol() == ClassBenchRule.ANY_PROTOCOL ? Protocols.ALL : r.protocol();
        PortRange ports = Protocols.hasPorts(proto) ? new PortRange(r.dstPortLo(), r.dstPortHi()) : null;
        return new NaclEntry(ruleNumber, false, proto, allow, r.src(), ports, -1, -1);
    }
}
