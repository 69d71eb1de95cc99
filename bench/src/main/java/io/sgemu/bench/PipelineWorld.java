package io.sgemu.bench;

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
import io.sgemu.dataplane.packet.PacketBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The whole-pipeline benchmark's world and traffic, seeded.
 *
 * <p>World: one VPC 10.0.0.0/8, 100 subnets of 100 ENIs (10,000 ENIs), each subnet with a NACL of a
 * dozen entries. 400 security groups of 250 rules (70% inbound); each ENI carries one of 100 sets of four
 * groups, so every ENI has 1,000 rules and ENIs share 100 compiled policies, as real fleets share their
 * groups. Rules: CIDR peers inside the VPC and outside (prefix lengths 8-32), references to groups, a few
 * 0.0.0.0/0; mostly single well-known TCP ports, some ranges, UDP, ICMP.
 *
 * <p>Traffic: {@code flows} flows (TCP 80%, UDP 15%, ICMP echo 5%) from an ENI to another ENI (80%) or an
 * external host; every flow's first packet opens it (SYN), later ones are established traffic in either
 * direction. Packets pick their flow by a Zipf law (exponent {@code zipf}), so a few flows carry most
 * packets, as in real traffic; a packet's time advances 1 µs, so nothing times out.
 */
public final class PipelineWorld {

    static final String ACCOUNT = "111122223333";
    static final int SUBNETS = 100;
    static final int ENIS_PER_SUBNET = 100;
    static final int GROUPS = 400;
    static final int RULES_PER_GROUP = 250;
    static final int SETS = 100;
    static final int[] PORTS = {80, 443, 22, 53, 5432, 3306, 6379, 8080, 8443, 9200, 25, 123, 11211, 27017};

    private PipelineWorld() {
    }

    public static IpAddress eniAddress(int eni) {
        int s = eni / ENIS_PER_SUBNET;
        int i = eni % ENIS_PER_SUBNET;
        return IpAddress.v4((10 << 24) | (s << 16) | (1 << 8) | (10 + i));
    }

    public static World world(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, Subnet> subnets = new LinkedHashMap<>();
        Map<String, NetworkAcl> acls = new LinkedHashMap<>();
        for (int s = 0; s < SUBNETS; s++) {
            String id = "subnet-" + s;
            subnets.put(id, new Subnet(id, "vpc-1", new Cidr(IpAddress.v4((10 << 24) | (s << 16)), 16), null,
                    "us-east-1a", "use1-az1", ACCOUNT));
            List<NaclEntry> e = new ArrayList<>();
            e.add(new NaclEntry(50, false, Protocols.TCP, false, new Cidr(IpAddress.v4(r.nextInt()), 24), new PortRange(0, 65535), -1, -1));
            e.add(new NaclEntry(100, false, Protocols.TCP, true, Cidr.parse("10.0.0.0/8"), null, -1, -1));
            e.add(new NaclEntry(110, false, Protocols.TCP, true, Cidr.ALL_V4, new PortRange(1024, 65535), -1, -1));
            e.add(new NaclEntry(120, false, Protocols.TCP, true, Cidr.ALL_V4, new PortRange(80, 80), -1, -1));
            e.add(new NaclEntry(130, false, Protocols.TCP, true, Cidr.ALL_V4, new PortRange(443, 443), -1, -1));
            e.add(new NaclEntry(140, false, Protocols.UDP, true, Cidr.ALL_V4, null, -1, -1));
            e.add(new NaclEntry(150, false, Protocols.ICMP, true, Cidr.ALL_V4, null, -1, -1));
            e.add(new NaclEntry(200, false, Protocols.ALL, false, Cidr.parse("192.0.2.0/24"), null, -1, -1));
            e.add(new NaclEntry(50, true, Protocols.ALL, false, Cidr.parse("198.18.0.0/15"), null, -1, -1));
            e.add(new NaclEntry(100, true, Protocols.ALL, true, Cidr.ALL_V4, null, -1, -1));
            acls.put("acl-" + s, new NetworkAcl("acl-" + s, "vpc-1", false, e, List.of(id)));
        }
        Map<String, SecurityGroup> groups = new LinkedHashMap<>();
        for (int g = 0; g < GROUPS; g++) {
            List<SgRule> in = new ArrayList<>();
            List<SgRule> out = new ArrayList<>();
            for (int i = 0; i < RULES_PER_GROUP; i++) {
                boolean egress = r.nextInt(10) >= 7;
                List<SgRule> list = egress ? out : in;
                list.add(rule(r, egress, list.size()));
            }
            groups.put("sg-" + g, new SecurityGroup("sg-" + g, "g" + g, "vpc-1", ACCOUNT, in, out));
        }
        Map<String, NetworkInterface> enis = new LinkedHashMap<>();
        for (int n = 0; n < SUBNETS * ENIS_PER_SUBNET; n++) {
            int set = r.nextInt(SETS);
            List<String> mine = List.of("sg-" + (set * 4), "sg-" + (set * 4 + 1), "sg-" + (set * 4 + 2), "sg-" + (set * 4 + 3));
            String id = String.format("eni-%05d", n);
            enis.put(id, new NetworkInterface(id, "subnet-" + (n / ENIS_PER_SUBNET), "vpc-1", ACCOUNT, "us-east-1a", "interface",
                    "i-" + n, eniAddress(n), List.of(), List.of(), Map.of(), mine, ConnTrackConfig.DEFAULT));
        }
        return new World(Map.of("vpc-1", new Vpc("vpc-1", ACCOUNT, List.of(Cidr.parse("10.0.0.0/8")), List.of())),
                subnets, acls, groups, enis, Map.of());
    }

    private static SgRule rule(SplittableRandom r, boolean egress, int index) {
        Peer peer;
        int kind = r.nextInt(100);
        if (kind < 60) {
            int len = 8 + r.nextInt(25);
            int base = kind < 45 ? (10 << 24) | r.nextInt(1 << 24) : r.nextInt();
            peer = new Peer.CidrPeer(new Cidr(IpAddress.v4(base), len));
        } else if (kind < 95) {
            peer = new Peer.GroupPeer("sg-" + r.nextInt(GROUPS));
        } else {
            peer = new Peer.CidrPeer(Cidr.ALL_V4);
        }
        int p = r.nextInt(100);
        if (p < 75) {
            int port = r.nextInt(3) == 0 ? 1024 + r.nextInt(60000) : PORTS[r.nextInt(PORTS.length)];
            int to = r.nextInt(5) == 0 ? Math.min(65535, port + r.nextInt(1000)) : port;
            return new SgRule(null, egress, Protocols.TCP, port, to, peer, null, index);
        }
        if (p < 92) {
            int port = PORTS[r.nextInt(PORTS.length)];
            return new SgRule(null, egress, Protocols.UDP, port, port, peer, null, index);
        }
        if (p < 98) {
            return new SgRule(null, egress, Protocols.ICMP, 8, -1, peer, null, index);
        }
        return new SgRule(null, egress, Protocols.ALL, -1, -1, peer, null, index);
    }

    /** One flow: its two ends, ports and protocol. */
    public record Flow(IpAddress client, IpAddress server, int clientPort, int serverPort, int protocol) {
    }

    public static List<Flow> flows(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int enis = SUBNETS * ENIS_PER_SUBNET;
        List<Flow> out = new ArrayList<>(count);
        for (int f = 0; f < count; f++) {
            IpAddress client = eniAddress(r.nextInt(enis));
            IpAddress server = r.nextInt(10) < 8 ? eniAddress(r.nextInt(enis)) : IpAddress.v4(r.nextInt());
            int p = r.nextInt(100);
            int protocol = p < 80 ? Protocols.TCP : p < 95 ? Protocols.UDP : Protocols.ICMP;
            out.add(new Flow(client, server, 1024 + r.nextInt(60000), PORTS[r.nextInt(PORTS.length)], protocol));
        }
        return out;
    }

    /** The frame of one packet of {@code f}: the first opens the flow, later ones go either way. */
    public static byte[] frame(Flow f, boolean first, boolean reply) {
        IpAddress src = reply ? f.server() : f.client();
        IpAddress dst = reply ? f.client() : f.server();
        PacketBuilder b = PacketBuilder.ip(src, dst);
        int sp = reply ? f.serverPort() : f.clientPort();
        int dp = reply ? f.clientPort() : f.serverPort();
        switch (f.protocol()) {
            case Protocols.TCP -> b.tcp(sp, dp, first ? PacketBuilder.SYN : PacketBuilder.ACK | PacketBuilder.PSH, first ? 0 : 200);
            case Protocols.UDP -> b.udp(sp, dp, 120);
            default -> b.icmpEcho(!reply, f.clientPort());
        }
        return b.ethernet().build();
    }
}
