package io.sgemu.bench;

import io.sgemu.control.model.NaclEntry;
import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.PortRange;
import io.sgemu.control.model.PrefixList;
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
 * A large world for the compiler's scale measurement, seeded: {@code groups} security groups of
 * {@code rulesPerGroup} rules each (70% inbound), {@code enis} ENIs with 1-5 random groups each, spread over
 * 400 subnets with a NACL each (a few of them big).
 *
 * <p>Ids are as AWS makes them ({@code sg-} or {@code eni-} and 17 hex digits). Rules look like real ones: peers are ClassBench-like CIDRs clustered under a few thousand networks
 * (75%), references to other groups or the group itself (15%), {@code 0.0.0.0/0} or {@code ::/0} (5%),
 * prefix lists (5%); services are mostly single well-known TCP ports, some ranges, UDP, ICMP and all.
 */
public final class PolicyScaleWorld {

    private static final String ACCOUNT = "111122223333";
    private static final int SUBNETS = 400;
    private static final int[] WELL_KNOWN = {80, 443, 22, 53, 25, 3306, 5432, 6379, 8080, 8443, 9200, 1521, 3389, 445};

    private PolicyScaleWorld() {
    }

    public static World build(int groups, int rulesPerGroup, int enis, long seed) {
        return build(groups, rulesPerGroup, enis, 0, seed);
    }

    /**
     * {@code roles} > 0: every ENI takes the group set of one of that many roles (as instances of a few
     * tiers do); 0: every ENI draws its own 1-5 groups.
     */
    public static World build(int groups, int rulesPerGroup, int enis, int roles, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, Vpc> vpcs = Map.of("vpc-1", new Vpc("vpc-1", ACCOUNT, List.of(Cidr.parse("10.0.0.0/8")),
                List.of(Cidr.parse("2600:1f18::/48"))));
        Map<String, Subnet> subnets = new LinkedHashMap<>();
        Map<String, NetworkAcl> acls = new LinkedHashMap<>();
        for (int s = 0; s < SUBNETS; s++) {
            String id = "subnet-" + s;
            subnets.put(id, new Subnet(id, "vpc-1", new Cidr(IpAddress.v4((10 << 24) | (s << 12)), 20),
                    new Cidr(IpAddress.v6(0x2600_1f18_0000_0000L | s, 0), 64), "us-east-1" + (char) ('a' + s % 4),
                    "use1-az" + (s % 4 + 1), ACCOUNT));
            List<NaclEntry> entries = new ArrayList<>();
            int count = s % 100 == 0 ? 400 : 20;
            for (int e = 0; e < count; e++) {
                entries.add(naclEntry(r, e, e % 2 == 0));
            }
            acls.put("acl-" + s, new NetworkAcl("acl-" + s, "vpc-1", false, entries, List.of(id)));
        }
        int[] networks = new int[4000];
        for (int i = 0; i < networks.length; i++) {
            networks[i] = r.nextInt();
        }
        Map<String, PrefixList> lists = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            List<Cidr> entries = new ArrayList<>();
            for (int k = 5 + r.nextInt(15); k > 0; k--) {
                entries.add(cidr(r, networks));
            }
            lists.put("pl-" + i, new PrefixList("pl-" + i, "list-" + i, 4, entries));
        }
        String[] groupIds = new String[groups];
        for (int g = 0; g < groups; g++) {
            groupIds[g] = awsId("sg-", r);
        }
        Map<String, SecurityGroup> sgs = new LinkedHashMap<>();
        for (int g = 0; g < groups; g++) {
            String id = groupIds[g];
            List<SgRule> in = new ArrayList<>();
            List<SgRule> out = new ArrayList<>();
            for (int i = 0; i < rulesPerGroup; i++) {
                boolean egress = r.nextInt(10) >= 7;
                List<SgRule> list = egress ? out : in;
                list.add(rule(r, egress, list.size(), id, groupIds, networks));
            }
            sgs.put(id, new SecurityGroup(id, id, "vpc-1", ACCOUNT, in, out));
        }
        List<List<String>> roleGroups = new ArrayList<>();
        for (int k = 0; k < roles; k++) {
            List<String> set = new ArrayList<>();
            for (int g = 1 + r.nextInt(5); g > 0; g--) {
                set.add(groupIds[r.nextInt(groups)]);
            }
            roleGroups.add(set);
        }
        Map<String, NetworkInterface> interfaces = new LinkedHashMap<>();
        for (int i = 0; i < enis; i++) {
            int s = i % SUBNETS;
            int host = 16 + i / SUBNETS;
            IpAddress primary = IpAddress.v4((10 << 24) | (s << 12) | host);
            List<IpAddress> v6 = i % 2 == 0 ? List.of(IpAddress.v6(0x2600_1f18_0000_0000L | s, host)) : List.of();
            Map<IpAddress, IpAddress> publicIps = i % 10 == 0 ? Map.of(IpAddress.v4((54 << 24) | i), primary) : Map.of();
            List<String> mine = new ArrayList<>();
            if (roles > 0) {
                mine.addAll(roleGroups.get(r.nextInt(roles)));
            } else {
                for (int k = 1 + r.nextInt(5); k > 0; k--) {
                    mine.add(groupIds[r.nextInt(groups)]);
                }
            }
            String id = awsId("eni-", r);
            interfaces.put(id, new NetworkInterface(id, "subnet-" + s, "vpc-1", ACCOUNT, null,
                    i % 50 == 0 ? "natGateway" : "interface", "i-" + i, primary, List.of(), v6, publicIps, mine, null));
        }
        return new World(vpcs, subnets, acls, sgs, interfaces, lists);
    }

    private static Cidr cidr(SplittableRandom r, int[] networks) {
        int x = r.nextInt(100);
        int length = x < 40 ? 32 : x < 60 ? 24 : x < 85 ? 16 + r.nextInt(8) : x < 95 ? 25 + r.nextInt(7) : 8 + r.nextInt(8);
        int base = networks[r.nextInt(networks.length)];
        int address = length <= 16 ? base : (base & 0xFFFF_0000) | (r.nextInt() & 0xFFFF);
        return new Cidr(IpAddress.v4(address), length);
    }

    /** An id as AWS makes them: a prefix and 17 hex digits. */
    private static String awsId(String prefix, SplittableRandom r) {
        return prefix + String.format("%017x", r.nextLong() & 0x0FFF_FFFF_FFFF_FFFFL).substring(0, 17);
    }

    private static SgRule rule(SplittableRandom r, boolean egress, int index, String self, String[] groupIds,
                               int[] networks) {
        int k = r.nextInt(100);
        Peer peer;
        if (k < 75) {
            peer = new Peer.CidrPeer(cidr(r, networks));
        } else if (k < 87) {
            peer = new Peer.GroupPeer(groupIds[r.nextInt(groupIds.length)]);
        } else if (k < 90) {
            peer = new Peer.GroupPeer(self);
        } else if (k < 95) {
            peer = new Peer.CidrPeer(r.nextInt(4) == 0 ? Cidr.ALL_V6 : Cidr.ALL_V4);
        } else {
            peer = new Peer.PrefixListPeer("pl-" + r.nextInt(20));
        }
        int p = r.nextInt(100);
        if (p < 60) {
            int port = WELL_KNOWN[r.nextInt(WELL_KNOWN.length)];
            return new SgRule(null, egress, 6, port, port, peer, null, index);
        }
        if (p < 75) {
            int from = r.nextBoolean() ? 1024 : r.nextInt(60000);
            return new SgRule(null, egress, 6, from, r.nextBoolean() ? 65535 : from + r.nextInt(1000), peer, null, index);
        }
        if (p < 85) {
            int port = r.nextBoolean() ? 53 : 1024 + r.nextInt(60000);
            return new SgRule(null, egress, 17, port, port, peer, null, index);
        }
        if (p < 92) {
            return new SgRule(null, egress, 1, r.nextBoolean() ? -1 : 8, -1, peer, null, index);
        }
        return new SgRule(null, egress, -1, -1, -1, peer, null, index);
    }

    private static NaclEntry naclEntry(SplittableRandom r, int i, boolean egress) {
        int protocol = r.nextInt(4) == 0 ? -1 : 6;
        PortRange range = protocol == 6 ? new PortRange(r.nextInt(2000), 2000 + r.nextInt(60000)) : null;
        Cidr c = new Cidr(IpAddress.v4(r.nextInt()), 8 + r.nextInt(25));
        return new NaclEntry(1 + i, egress, protocol, r.nextInt(4) != 0, c, range, -1, -1);
    }
}
