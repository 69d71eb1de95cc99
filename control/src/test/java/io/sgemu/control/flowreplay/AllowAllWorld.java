package io.sgemu.control.flowreplay;

import io.sgemu.control.model.NaclEntry;
import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.Subnet;
import io.sgemu.control.model.Vpc;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A world that lets everything through: one security group allowing all traffic both ways (IPv4 and
 * IPv6), the default NACL allowing all, and one ENI per given address (alternating between two subnets,
 * so traffic between them meets the NACLs). Subnet CIDRs do not decide anything: ENIs own their addresses.
 */
final class AllowAllWorld {

    static final String ACCOUNT = "111122223333";
    static final String SG = "sg-allowall";

    private AllowAllWorld() {
    }

    /** The ENI of address number {@code i}: {@code eni-} and a zero-padded number. */
    static String eniId(int i) {
        return String.format("eni-%017d", i);
    }

    static World of(Collection<IpAddress> addresses) {
        Map<String, Vpc> vpcs = Map.of("vpc-1", new Vpc("vpc-1", ACCOUNT, List.of(Cidr.parse("10.0.0.0/16")),
                List.of(Cidr.parse("2001:db8:100::/56"))));
        Map<String, Subnet> subnets = new LinkedHashMap<>();
        subnets.put("subnet-a", new Subnet("subnet-a", "vpc-1", Cidr.parse("10.0.1.0/24"),
                Cidr.parse("2001:db8:100:1::/64"), "us-east-1a", "use1-az1", ACCOUNT));
        subnets.put("subnet-b", new Subnet("subnet-b", "vpc-1", Cidr.parse("10.0.2.0/24"),
                Cidr.parse("2001:db8:100:2::/64"), "us-east-1a", "use1-az1", ACCOUNT));
        List<SgRule> in = List.of(rule(false, "0.0.0.0/0", 0), rule(false, "::/0", 1));
        List<SgRule> out = List.of(rule(true, "0.0.0.0/0", 0), rule(true, "::/0", 1));
        Map<String, SecurityGroup> groups = Map.of(SG, new SecurityGroup(SG, "allow-all", "vpc-1", ACCOUNT, in, out));
        List<NaclEntry> entries = List.of(
                new NaclEntry(100, false, Protocols.ALL, true, Cidr.parse("0.0.0.0/0"), null, -1, -1),
                new NaclEntry(100, true, Protocols.ALL, true, Cidr.parse("0.0.0.0/0"), null, -1, -1),
                new NaclEntry(101, false, Protocols.ALL, true, Cidr.parse("::/0"), null, -1, -1),
                new NaclEntry(101, true, Protocols.ALL, true, Cidr.parse("::/0"), null, -1, -1));
        Map<String, NetworkAcl> nacls = Map.of("acl-default", new NetworkAcl("acl-default", "vpc-1", true, entries,
                List.of()));
        Map<String, NetworkInterface> enis = new LinkedHashMap<>();
        int n = 0;
        for (IpAddress a : addresses) {
            String id = eniId(n);
            String subnet = n % 2 == 0 ? "subnet-a" : "subnet-b";
            n++;
            enis.put(id, new NetworkInterface(id, subnet, "vpc-1", ACCOUNT, "us-east-1a", "interface", null,
                    a.isV4() ? a : null, List.of(), a.isV4() ? List.of() : List.of(a), Map.of(), List.of(SG), null));
        }
        return new World(vpcs, subnets, nacls, groups, enis, Map.of());
    }

    private static SgRule rule(boolean egress, String cidr, int index) {
        return new SgRule(null, egress, Protocols.ALL, -1, -1, new Peer.CidrPeer(Cidr.parse(cidr)), null, index);
    }
}
