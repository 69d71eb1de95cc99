package io.sgemu.control.reference;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Random worlds and packets for the compiled policy's differential tests: wider than the reference's own
 * property worlds, to reach the corners of compilation (random prefixes of every length in both families,
 * nested and overlapping; prefix lists, group references incl. self and unknown groups; every protocol
 * kind and odd port and ICMP values; addresses claimed twice; NACLs big enough for candidate tries, with
 * equal rule numbers; ENIs in subnets the world does not know).
 */
final class CompiledWorlds {

    static final String ACCOUNT = "111122223333";
    private static final String[] AZ = {"us-east-1a", "eu-west-3b", "us-west-2-lax-1a"};
    private static final int[][] PORTS = {{-1, -1}, {0, 65535}, {22, 22}, {0, 100}, {101, 65535}, {1024, 65535},
        {-1, 80}, {80, -1}, {53, 53}, {67, 68}, {100, 50}, {70000, 70001}, {0, 0}, {65535, 65535}, {443, 443}};
    private static final int[][] ICMP = {{-1, -1}, {-1, 4}, {8, -1}, {0, -1}, {3, 4}, {3, -1}, {128, -1}, {129, 0},
        {11, 0}, {300, -1}, {8, 300}};
    private static final int[] PROTOCOLS = {-1, -1, 6, 6, 6, 17, 17, 1, 58, 47, 50, 132};
    private static final int[] PACKET_PORTS = {0, 22, 53, 67, 68, 80, 100, 101, 443, 1023, 1024, 40000, 65535};

    private CompiledWorlds() {
    }

    /** A random world: 1-2 VPCs (the second may overlap the first), 1-4 subnets, 2-6 groups, 2-9 ENIs. */
    static World world(SplittableRandom r) {
        Map<String, Vpc> vpcs = new LinkedHashMap<>();
        vpcs.put("vpc-1", new Vpc("vpc-1", ACCOUNT, List.of(Cidr.parse("10.0.0.0/16")),
                List.of(Cidr.parse("2600:1f18:0:100::/56"))));
        boolean second = r.nextInt(3) == 0;
        if (second) {
            vpcs.put("vpc-2", new Vpc("vpc-2", "444455556666", List.of(Cidr.parse("10.0.0.0/16")), List.of()));
        }
        Map<String, Subnet> subnets = new LinkedHashMap<>();
        int subnetCount = 1 + r.nextInt(4);
        for (int s = 0; s < subnetCount; s++) {
            subnets.put("subnet-" + s, new Subnet("subnet-" + s, "vpc-1", Cidr.parse("10.0." + s + ".0/24"),
                    Cidr.parse("2600:1f18:0:10" + s + "::/64"), AZ[r.nextInt(AZ.length)], "use1-az" + s, ACCOUNT));
        }
        if (second) {
            subnets.put("subnet-x", new Subnet("subnet-x", "vpc-2", Cidr.parse("10.0.0.0/24"), null, "us-east-1b",
                    null, "444455556666"));
        }
        Map<String, PrefixList> lists = new LinkedHashMap<>();
        lists.put("pl-1", new PrefixList("pl-1", "one", 4, List.of(randomCidr(r, 4), randomCidr(r, 4))));
        lists.put("pl-2", new PrefixList("pl-2", "two", 6, List.of(randomCidr(r, 6))));
        lists.put("pl-3", new PrefixList("pl-3", "all", 4, List.of(Cidr.ALL_V4, randomCidr(r, 4))));

        int groupCount = 2 + r.nextInt(5);
        List<String> groupIds = new ArrayList<>();
        for (int g = 0; g < groupCount; g++) {
            groupIds.add("sg-" + g);
        }
        Map<String, SecurityGroup> groups = new LinkedHashMap<>();
        for (String id : groupIds) {
            groups.put(id, group(r, id, groupIds));
        }

        Map<String, NetworkAcl> acls = new LinkedHashMap<>();
        if (r.nextInt(5) != 0) {
            List<NaclEntry> entries = new ArrayList<>();
            entries.add(entry(100, false, -1, true, Cidr.ALL_V4, null, -1, -1));
            entries.add(entry(100, true, -1, true, Cidr.ALL_V4, null, -1, -1));
            if (r.nextBoolean()) {
                entries.add(entry(101, false, -1, true, Cidr.ALL_V6, null, -1, -1));
                entries.add(entry(101, true, -1, true, Cidr.ALL_V6, null, -1, -1));
            }
            acls.put("acl-default", new NetworkAcl("acl-default", "vpc-1", true, entries, List.of()));
        }
        for (String subnet : subnets.keySet()) {
            if (r.nextInt(3) != 0) {
                List<NaclEntry> entries = new ArrayList<>();
                for (boolean egress : new boolean[] {false, true}) {
                    int count = r.nextInt(4) == 0 ? 25 + r.nextInt(40) : r.nextInt(12);
                    for (int e = 0; e < count; e++) {
                        entries.add(randomEntry(r, egress));
                    }
                }
                String id = "acl-" + subnet;
                acls.put(id, new NetworkAcl(id, subnet.equals("subnet-x") ? "vpc-2" : "vpc-1", false, entries,
                        List.of(subnet)));
            }
        }

        Map<String, NetworkInterface> enis = new LinkedHashMap<>();
        int eniCount = 2 + r.nextInt(8);
        List<String> subnetIds = new ArrayList<>(subnets.keySet());
        for (int i = 0; i < eniCount; i++) {
            String subnetId = r.nextInt(15) == 0 ? "subnet-unknown" : subnetIds.get(r.nextInt(subnetIds.size()));
            Subnet s = subnets.get(subnetId);
            String vpc = s == null ? "vpc-1" : s.vpcId();
            int third = s == null ? 9 : Integer.parseInt(s.ipv4Cidr().network().toString().split("\\.")[2]);
            IpAddress primary = r.nextInt(12) == 0 ? null : ip("10.0." + third + "." + (10 + r.nextInt(12)));
            List<IpAddress> secondary = new ArrayList<>();
            for (int k = r.nextInt(3) == 0 ? 1 + r.nextInt(2) : 0; k > 0; k--) {
                secondary.add(ip("10.0." + third + "." + (100 + r.nextInt(20))));
            }
            List<IpAddress> v6 = new ArrayList<>();
            if (r.nextInt(4) != 0 || primary == null) {
                v6.add(ip("2600:1f18:0:10" + (third % 10) + "::" + Integer.toHexString(10 + r.nextInt(12))));
            }
            Map<IpAddress, IpAddress> publicIps = new LinkedHashMap<>();
            if (primary != null && r.nextInt(3) == 0) {
                publicIps.put(ip("54.0.0." + (1 + r.nextInt(12))), primary);
            }
            if (!secondary.isEmpty() && r.nextInt(3) == 0) {
                publicIps.put(ip("54.0.1." + (1 + r.nextInt(5))), secondary.get(0));
            }
            if (primary != null && r.nextInt(15) == 0) {
                // a public IP that is another host's private address
                publicIps.put(ip("10.0.0." + (10 + r.nextInt(12))), primary);
            }
            List<String> mine = new ArrayList<>();
            int k = r.nextInt(10) == 0 ? 0 : 1 + r.nextInt(3);
            for (int g = 0; g < k; g++) {
                mine.add(groupIds.get(r.nextInt(groupIds.size())));
            }
            if (r.nextInt(10) == 0) {
                mine.add("sg-unknown");
            }
            String type = r.nextInt(6) == 0 ? "natGateway" : (r.nextInt(10) == 0 ? "lambda" : "interface");
            ConnTrackConfig ct = r.nextInt(3) == 0
                    ? new ConnTrackConfig(60 + r.nextInt(1000), 30 + r.nextInt(30), 60 + r.nextInt(120), r.nextInt(5))
                    : null;
            String az = s == null ? "ap-south-1c" : s.availabilityZone();
            String owner = r.nextInt(5) == 0 ? null : ACCOUNT;
            String instance = r.nextBoolean() ? "i-" + i : null;
            String id = "eni-" + i;
            enis.put(id, new NetworkInterface(id, subnetId, vpc, owner, az, type, instance, primary, secondary, v6,
                    publicIps, mine, ct));
        }
        return new World(vpcs, subnets, acls, groups, enis, lists);
    }

    static SecurityGroup group(SplittableRandom r, String id, List<String> groupIds) {
        List<SgRule> in = new ArrayList<>();
        List<SgRule> out = new ArrayList<>();
        for (boolean egress : new boolean[] {false, true}) {
            int count = r.nextInt(8) == 0 ? 20 + r.nextInt(30) : r.nextInt(7);
            List<SgRule> list = egress ? out : in;
            for (int i = 0; i < count; i++) {
                list.add(rule(r, egress, i, id, groupIds));
            }
        }
        return new SecurityGroup(id, id + "-name", "vpc-1", ACCOUNT, in, out);
    }

    static SgRule rule(SplittableRandom r, boolean egress, int index, String self, List<String> groupIds) {
        int protocol = PROTOCOLS[r.nextInt(PROTOCOLS.length)];
        int from = -1;
        int to = -1;
        if (Protocols.hasPorts(protocol)) {
            int[] p = r.nextInt(4) == 0 ? randomRange(r) : PORTS[r.nextInt(PORTS.length)];
            from = p[0];
            to = p[1];
        } else if (Protocols.isIcmp(protocol)) {
            int[] p = r.nextInt(4) == 0 ? new int[] {r.nextInt(256), r.nextInt(4) - 1} : ICMP[r.nextInt(ICMP.length)];
            from = p[0];
            to = p[1];
        } else if (r.nextBoolean()) {
            from = r.nextInt(100); // ignored for these protocols
            to = r.nextInt(100);
        }
        Peer peer;
        int kind = r.nextInt(20);
        if (kind < 3) {
            peer = new Peer.CidrPeer(r.nextBoolean() ? Cidr.ALL_V4 : Cidr.ALL_V6);
        } else if (kind < 11) {
            peer = new Peer.CidrPeer(randomCidr(r, r.nextInt(3) == 0 ? 6 : 4));
        } else if (kind < 13) {
            String[] lists = {"pl-1", "pl-2", "pl-3", "pl-missing"};
            peer = new Peer.PrefixListPeer(lists[r.nextInt(lists.length)]);
        } else if (kind < 15) {
            peer = new Peer.GroupPeer(self);
        } else if (kind < 19) {
            peer = new Peer.GroupPeer(groupIds.get(r.nextInt(groupIds.size())));
        } else {
            peer = new Peer.GroupPeer(r.nextBoolean() ? "sg-unknown" : "sg-gone");
        }
        return new SgRule(null, egress, protocol, from, to, peer, null, index);
    }

    private static int[] randomRange(SplittableRandom r) {
        int a = r.nextInt(65536);
        int b = r.nextInt(3) == 0 ? a : Math.min(65535, a + r.nextInt(3000));
        return new int[] {a, b};
    }

    /** A prefix of a random length over an address drawn near the world's addresses, or anywhere. */
    static Cidr randomCidr(SplittableRandom r, int family) {
        if (family == 4) {
            int[] lengths = {0, 8, 16, 16, 20, 24, 24, 25, 28, 30, 31, 32, 32};
            int len = r.nextInt(5) == 0 ? r.nextInt(33) : lengths[r.nextInt(lengths.length)];
            IpAddress base = switch (r.nextInt(5)) {
                case 0 -> ip("203.0.113." + r.nextInt(256));
                case 1 -> IpAddress.v4(r.nextInt());
                case 2 -> ip("54.0." + r.nextInt(2) + "." + r.nextInt(16));
                default -> ip("10.0." + r.nextInt(4) + "." + r.nextInt(128));
            };
            return new Cidr(base, len);
        }
        int[] lengths = {0, 32, 48, 56, 60, 64, 64, 100, 124, 127, 128};
        int len = r.nextInt(5) == 0 ? r.nextInt(129) : lengths[r.nextInt(lengths.length)];
        IpAddress base = r.nextInt(3) == 0 ? IpAddress.v6(r.nextLong(), r.nextLong())
                : ip("2600:1f18:0:10" + r.nextInt(4) + "::" + Integer.toHexString(r.nextInt(32)));
        return new Cidr(base, len);
    }

    static NaclEntry randomEntry(SplittableRandom r, boolean egress) {
        int protocol = new int[] {-1, 6, 6, 17, 1, 58, 47}[r.nextInt(7)];
        PortRange range = null;
        if (Protocols.hasPorts(protocol) && r.nextInt(4) != 0) {
            int[] p = r.nextInt(3) == 0 ? randomRange(r) : PORTS[r.nextInt(PORTS.length)];
            range = new PortRange(p[0], p[1]);
        }
        int type = -1;
        int code = -1;
        if (Protocols.isIcmp(protocol)) {
            int[] tc = ICMP[r.nextInt(ICMP.length)];
            type = tc[0];
            code = tc[1];
        }
        Cidr cidr = r.nextInt(40) == 0 ? null : randomCidr(r, r.nextInt(4) == 0 ? 6 : 4);
        return entry(1 + r.nextInt(r.nextBoolean() ? 30 : 300), egress, protocol, r.nextInt(10) < 6, cidr, range, type, code);
    }

    static NaclEntry entry(int number, boolean egress, int protocol, boolean allow, Cidr cidr, PortRange range, int type,
                           int code) {
        return new NaclEntry(number, egress, protocol, allow, cidr, range, type, code);
    }

    /** Every address a packet may carry: the ENIs' private and public ones, reserved ones, externals. */
    static List<IpAddress>[] addresses(World w, SplittableRandom r) {
        List<IpAddress> v4 = new ArrayList<>();
        List<IpAddress> v6 = new ArrayList<>();
        for (NetworkInterface e : w.networkInterfaces().values()) {
            for (IpAddress a : e.privateAddresses()) {
                (a.isV4() ? v4 : v6).add(a);
            }
            v4.addAll(e.publicIps().keySet());
        }
        for (String x : new String[] {"169.254.169.254", "169.254.169.253", "169.254.169.123", "10.0.0.2",
            "10.0.0.3", "203.0.113.9", "198.51.100.7", "8.8.8.8"}) {
            v4.add(ip(x));
        }
        for (String x : new String[] {"fd00:ec2::254", "fd00:ec2::253", "fd00:ec2::123", "2001:db8::5"}) {
            v6.add(ip(x));
        }
        for (int i = 0; i < 6; i++) {
            v4.add(IpAddress.v4(r.nextInt()));
            v4.add(ip("10.0." + r.nextInt(4) + "." + r.nextInt(256)));
            v6.add(IpAddress.v6(r.nextLong(), r.nextLong()));
            v6.add(ip("2600:1f18:0:10" + r.nextInt(4) + "::" + Integer.toHexString(r.nextInt(40))));
        }
        @SuppressWarnings("unchecked")
        List<IpAddress>[] out = new List[] {v4, v6};
        return out;
    }

    static Packet packet(SplittableRandom r, List<IpAddress>[] addresses) {
        List<IpAddress> hosts = addresses[r.nextInt(4) == 0 ? 1 : 0];
        IpAddress src = hosts.get(r.nextInt(hosts.size()));
        IpAddress dst = hosts.get(r.nextInt(hosts.size()));
        boolean v4 = src.isV4();
        int kind = r.nextInt(20);
        boolean fragment = r.nextInt(10) == 0;
        if (kind < 12) {
            int protocol = kind < 8 ? Protocols.TCP : Protocols.UDP;
            int sport = fragment ? -1 : port(r);
            int dport = fragment ? -1 : port(r);
            return new Packet(0, protocol, src, dst, sport, dport, -1, -1, -1, protocol == Protocols.TCP && !fragment ? 2 : -1, 60);
        }
        if (kind < 17) {
            int protocol = r.nextInt(8) == 0 ? (v4 ? Protocols.ICMPV6 : Protocols.ICMP) : (v4 ? Protocols.ICMP : Protocols.ICMPV6);
            int[] types = {0, 3, 8, 11, 128, 129, 1, 135};
            int type = fragment ? -1 : (r.nextInt(4) == 0 ? r.nextInt(256) : types[r.nextInt(types.length)]);
            int code = fragment ? -1 : r.nextInt(5);
            return new Packet(0, protocol, src, dst, -1, -1, type, code, -1, -1, 60);
        }
        int[] others = {47, 50, 132, 0, 255};
        return new Packet(0, others[r.nextInt(others.length)], src, dst, -1, -1, -1, -1, -1, -1, 60);
    }

    private static int port(SplittableRandom r) {
        return r.nextInt(3) == 0 ? r.nextInt(65536) : PACKET_PORTS[r.nextInt(PACKET_PORTS.length)];
    }

    static IpAddress ip(String text) {
        return IpAddress.parse(text);
    }
}
