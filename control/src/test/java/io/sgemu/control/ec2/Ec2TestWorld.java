package io.sgemu.control.ec2;

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
import java.util.List;
import java.util.Map;

/**
 * A small world for the API's tests: one VPC (10.0.0.0/16), two subnets, a default NACL that allows
 * everything, a custom NACL, the default group (egress to anywhere) and two ENIs in it, one prefix list.
 */
final class Ec2TestWorld {
    static final String ACCOUNT = "111122223333";

    private Ec2TestWorld() {
    }

    static World build() {
        Vpc vpc = new Vpc("vpc-1", ACCOUNT, List.of(Cidr.parse("10.0.0.0/16")), List.of());
        Subnet a = new Subnet("subnet-a", "vpc-1", Cidr.parse("10.0.1.0/24"), null, "us-east-1a", "use1-az1", ACCOUNT);
        Subnet b = new Subnet("subnet-b", "vpc-1", Cidr.parse("10.0.2.0/24"), null, "us-east-1a", "use1-az1", ACCOUNT);
        NetworkAcl dflt = new NetworkAcl("acl-default", "vpc-1", true, List.of(
                new NaclEntry(100, false, Protocols.ALL, true, Cidr.ALL_V4, null, -1, -1),
                new NaclEntry(100, true, Protocols.ALL, true, Cidr.ALL_V4, null, -1, -1)), List.of("subnet-a"),
                Map.of("subnet-a", "aclassoc-a"));
        NetworkAcl custom = new NetworkAcl("acl-custom", "vpc-1", false, List.of(
                new NaclEntry(100, false, Protocols.TCP, true, Cidr.parse("10.0.0.0/16"),
                        new io.sgemu.control.model.PortRange(22, 22), -1, -1)), List.of("subnet-b"),
                Map.of("subnet-b", "aclassoc-b"));
        SecurityGroup sg = new SecurityGroup("sg-default", "default", "vpc-1", ACCOUNT, List.of(),
                List.of(new SgRule("sgr-egress", true, Protocols.ALL, -1, -1, new Peer.CidrPeer(Cidr.ALL_V4), null, 0)));
        NetworkInterface web = eni("eni-web", "subnet-a", "10.0.1.10");
        NetworkInterface client = eni("eni-client", "subnet-a", "10.0.1.20");
        PrefixList pl = new PrefixList("pl-office", "office", IpAddress.V4, List.of(Cidr.parse("192.0.2.0/24")));
        return new World(Map.of("vpc-1", vpc), Map.of("subnet-a", a, "subnet-b", b),
                ordered(dflt, custom), Map.of("sg-default", sg), ordered(web, client), Map.of("pl-office", pl));
    }

    static NetworkInterface eni(String id, String subnet, String ip) {
        return new NetworkInterface(id, subnet, "vpc-1", ACCOUNT, "us-east-1a", "interface", null,
                IpAddress.parse(ip), List.of(), List.of(), Map.of(), List.of("sg-default"), ConnTrackConfig.DEFAULT);
    }

    private static Map<String, NetworkAcl> ordered(NetworkAcl... acls) {
        Map<String, NetworkAcl> m = new java.util.LinkedHashMap<>();
        for (NetworkAcl a : acls) {
            m.put(a.id(), a);
        }
        return m;
    }

    private static Map<String, NetworkInterface> ordered(NetworkInterface... enis) {
        Map<String, NetworkInterface> m = new java.util.LinkedHashMap<>();
        for (NetworkInterface e : enis) {
            m.put(e.id(), e);
        }
        return m;
    }
}
