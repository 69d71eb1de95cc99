package io.sgemu.control.aws;

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
 * Random worlds that use every field the describe JSON carries, and that the loader takes as they are (it
 * derives nothing): every subnet named by a NACL, every ENI's owner and zone given, addresses inside their
 * subnets and unique.
 */
final class RandomWorlds {
    static final String ACCOUNT = "210987654321";
    private static final String[] TYPES = {"interface", "natGateway", "vpc_endpoint", "lambda", "efa"};

    private final SplittableRandom r;
    private int counter;

    private RandomWorlds(long seed) {
        this.r = new SplittableRandom(seed);
    }

    static World world(long seed) {
        return new RandomWorlds(seed).build();
    }

    private String id(String prefix) {
        return String.format("%s-%017x", prefix, ++counter);
    }

    private <T> T maybe(T value) {
        return r.nextInt(4) == 0 ? null : value;
    }

    private World build() {
        Map<String, Vpc> vpcs = new LinkedHashMap<>();
        Map<String, Subnet> subnets = new LinkedHashMap<>();
        Map<String, NetworkAcl> acls = new LinkedHashMap<>();
        Map<String, SecurityGroup> groups = new LinkedHashMap<>();
        Map<String, NetworkInterface> enis = new LinkedHashMap<>();
        Map<String, PrefixList> lists = new LinkedHashMap<>();
        for (int p = r.nextInt(4); p > 0; p--) {
            boolean v6 = r.nextBoolean();
            List<Cidr> entries = new ArrayList<>();
            for (int e = r.nextInt(5); e > 0; e--) {
                entries.add(v6 ? v6Cidr() : v4Cidr());
            }
            String id = id("pl");
            lists.put(id, new PrefixList(id, maybe("list " + id), v6 ? IpAddress.V6 : IpAddress.V4, entries));
        }
        int vpcCount = 1 + r.nextInt(3);
        List<String> groupIds = new ArrayList<>();
        for (int v = 0; v < vpcCount; v++) {
            String vpcId = id("vpc");
            boolean v6 = r.nextBoolean();
            Cidr v4 = new Cidr(IpAddress.v4((10 << 24) | (v << 16)), 16);
            Cidr c6 = new Cidr(IpAddress.v6(0x2600_1f18_0000_0000L | ((long) v << 8), 0), 56);
            List<Cidr> v4s = r.nextInt(3) == 0 ? List.of(v4, new Cidr(IpAddress.v4((100 << 24) | (v << 16)), 16)) : List.of(v4);
            vpcs.put(vpcId, new Vpc(vpcId, maybe(ACCOUNT), v4s, v6 ? List.of(c6) : List.of()));
            for (int g = 1 + r.nextInt(3); g > 0; g--) {
                groupIds.add(id("sg"));
            }
            List<String> mySubnets = new ArrayList<>();
            for (int s = 0, n = 1 + r.nextInt(3); s < n; s++) {
                boolean onlyV6 = v6 && r.nextInt(4) == 0;
                Cidr sub4 = onlyV6 ? null : new Cidr(v4.network().plus((long) s << 8), 24);
                Cidr sub6 = v6 && (onlyV6 || r.nextBoolean()) ? new Cidr(IpAddress.v6(c6.network().hi() | s, 0), 64) : null;
                String az = maybe("us-east-1" + (char) ('a' + s));
                Subnet sub = new Subnet(id("subnet"), vpcId, sub4, sub6, az, maybe("use1-az" + (s + 1)), maybe(ACCOUNT));
                subnets.put(sub.id(), sub);
                mySubnets.add(sub.id());
            }
            // the default NACL takes some subnets, a custom one the rest: every subnet is named
            List<String> toDefault = new ArrayList<>();
            List<String> toCustom = new ArrayList<>();
            mySubnets.forEach(s -> (r.nextBoolean() ? toDefault : toCustom).add(s));
            String def = id("acl");
            acls.put(def, new NetworkAcl(def, vpcId, true, naclEntries(), toDefault, associationIds(toDefault)));
            if (!toCustom.isEmpty()) {
                String custom = id("acl");
                acls.put(custom, new NetworkAcl(custom, vpcId, false, naclEntries(), toCustom, associationIds(toCustom)));
            }
        }
        List<String> vpcIds = new ArrayList<>(vpcs.keySet());
        for (String gid : groupIds) {
            String owner = maybe(ACCOUNT);
            groups.put(gid, new SecurityGroup(gid, maybe("name of " + gid), maybe(vpcIds.get(r.nextInt(vpcIds.size()))), owner,
                    rules(false, groupIds, lists), rules(true, groupIds, lists)));
        }
        int publicNo = 0;
        for (Subnet s : subnets.values()) {
            for (int k = 0, n = 1 + r.nextInt(3); k < n; k++) {
                IpAddress primary = s.ipv4Cidr() == null ? null : s.ipv4Cidr().network().plus(10 + 8L * k);
                List<IpAddress> secondary = new ArrayList<>();
                if (primary != null) {
                    for (int j = r.nextInt(3); j > 0; j--) {
                        secondary.add(primary.plus(j));
                    }
                }
                List<IpAddress> v6 = new ArrayList<>();
                if (s.ipv6Cidr() != null && (primary == null || r.nextBoolean())) {
                    v6.add(s.ipv6Cidr().network().plus(10 + 8L * k));
                }
                Map<IpAddress, IpAddress> pub = new HashMap<>();
                if (primary != null && r.nextBoolean()) {
                    pub.put(IpAddress.v4((54 << 24) + ++publicNo), primary);
                }
                if (!secondary.isEmpty() && r.nextBoolean()) {
                    pub.put(IpAddress.v4((54 << 24) + ++publicNo), secondary.get(0));
                }
                List<String> mine = new ArrayList<>();
                for (int g = 1 + r.nextInt(3); g > 0; g--) {
                    String gid = groupIds.get(r.nextInt(groupIds.size()));
                    if (!mine.contains(gid)) {
                        mine.add(gid);
                    }
                }
                ConnTrackConfig ct = r.nextBoolean() ? ConnTrackConfig.DEFAULT
                        : new ConnTrackConfig(r.nextInt(60, 432_001), r.nextInt(30, 61), r.nextInt(60, 181), 0);
                if (r.nextInt(4) == 0) {
                    ct = ct.withMaxTrackedConnections(r.nextInt(1, 100_000));
                }
                String eniId = id("eni");
                enis.put(eniId, new NetworkInterface(eniId, s.id(), s.vpcId(), ACCOUNT, s.availabilityZone(),
                        TYPES[r.nextInt(TYPES.length)], maybe("i-" + eniId.substring(4)), primary, secondary, v6, pub, mine, ct));
            }
        }
        return new World(vpcs, subnets, acls, groups, enis, lists);
    }

    private static Map<String, String> associationIds(List<String> subnets) {
        Map<String, String> m = new HashMap<>();
        subnets.forEach(s -> m.put(s, "aclassoc-" + Integer.toHexString(s.hashCode())));
        return m;
    }

    private List<NaclEntry> naclEntries() {
        List<NaclEntry> out = new ArrayList<>();
        for (boolean egress : new boolean[] {false, true}) {
            int number = 0;
            for (int i = r.nextInt(5); i > 0; i--) {
                number += 1 + r.nextInt(200);
                int proto = protocol();
                Cidr c = r.nextInt(4) == 0 ? v6Cidr() : v4Cidr();
                PortRange ports = null;
                int type = -1;
                int code = -1;
                if (Protocols.hasPorts(proto) && r.nextInt(4) != 0) {
                    int from = r.nextInt(65536);
                    ports = new PortRange(from, r.nextInt(from, 65536));
                } else if (Protocols.isIcmp(proto)) {
                    type = r.nextInt(-1, 20);
                    code = r.nextInt(-1, 16);
                }
                out.add(new NaclEntry(number, egress, proto, r.nextBoolean(), c, ports, type, code));
            }
        }
        return out;
    }

    private List<SgRule> rules(boolean egress, List<String> groupIds, Map<String, PrefixList> lists) {
        List<SgRule> out = new ArrayList<>();
        List<String> listIds = new ArrayList<>(lists.keySet());
        for (int i = 0, n = r.nextInt(6); i < n; i++) {
            int proto = protocol();
            int from = -1;
            int to = -1;
            if (Protocols.hasPorts(proto)) {
                from = r.nextInt(65536);
                to = r.nextInt(from, 65536);
            } else if (Protocols.isIcmp(proto)) {
                from = r.nextInt(0, 20);
                to = r.nextInt(-1, 16);
            }
            Peer peer = switch (r.nextInt(listIds.isEmpty() ? 3 : 4)) {
                case 0 -> new Peer.CidrPeer(v4Cidr());
                case 1 -> new Peer.CidrPeer(v6Cidr());
                case 2 -> new Peer.GroupPeer(groupIds.get(r.nextInt(groupIds.size())));
                default -> new Peer.PrefixListPeer(listIds.get(r.nextInt(listIds.size())));
            };
            out.add(new SgRule(null, egress, proto, from, to, peer, maybe("rule \"" + i + "\" \u00e9"), i));
        }
        return out;
    }

    private int protocol() {
        int[] p = {Protocols.TCP, Protocols.UDP, Protocols.ICMP, Protocols.ICMPV6, Protocols.ALL, 47, 50};
        return p[r.nextInt(p.length)];
    }

    private Cidr v4Cidr() {
        return new Cidr(IpAddress.v4(r.nextInt()), r.nextInt(0, 33));
    }

    private Cidr v6Cidr() {
        return new Cidr(IpAddress.v6(r.nextLong(), r.nextLong()), r.nextInt(0, 129));
    }
}
