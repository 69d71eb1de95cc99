package io.sgemu.control.gen;

import io.sgemu.control.model.NaclEntry;
import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.World;
import io.sgemu.control.reference.EvaluatorSettings;
import io.sgemu.control.reference.Packet;
import io.sgemu.control.reference.ReferenceEvaluator;
import io.sgemu.control.reference.Stage;
import io.sgemu.control.reference.StageDecision;
import io.sgemu.control.reference.Verdict;
import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Judges ClassBench headers against a generated world with the reference evaluator, one stage at a time:
 * the security groups with the network ACL opened, and the network ACL with the groups opened. A fresh
 * evaluator per packet keeps connection tracking from carrying one packet's verdict to the next.
 */
final class ClassBenchJudge {
    private final World sgOnly;
    private final World naclOnly;
    final NetworkInterface eni;

    ClassBenchJudge(World w) {
        this.eni = w.networkInterfaces().values().iterator().next();
        List<NaclEntry> open = List.of(new NaclEntry(100, false, Protocols.ALL, true, Cidr.ALL_V4, null, -1, -1),
                new NaclEntry(100, true, Protocols.ALL, true, Cidr.ALL_V4, null, -1, -1));
        this.sgOnly = w.mapNetworkAcls(a -> a.withEntries(open));
        World n = w;
        for (SecurityGroup g : w.securityGroups().values()) {
            n = n.withSecurityGroup(new SecurityGroup(g.id(), g.name(), g.vpcId(), g.ownerId(),
                    List.of(new SgRule(null, false, Protocols.ALL, -1, -1, new Peer.CidrPeer(Cidr.ALL_V4), null, 0)),
                    g.egress()));
        }
        this.naclOnly = n;
    }

    /** A header the evaluator can judge as plain external traffic to the ENI (not its own address, not reserved). */
    boolean judgeable(int src, int sport, int dport, int proto) {
        IpAddress a = IpAddress.v4(src);
        Cidr vpc = sgOnly.vpcs().values().iterator().next().ipv4Cidrs().get(0);
        boolean dhcp = proto == Protocols.UDP && (sport == 67 || sport == 68) && (dport == 67 || dport == 68);
        return !vpc.contains(a) && !Cidr.parse("169.254.0.0/16").contains(a) && !dhcp;
    }

    Packet packet(int src, int sport, int dport, int proto) {
        IpAddress s = IpAddress.v4(src);
        IpAddress d = eni.primaryIpv4();
        return switch (proto) {
            case Protocols.TCP -> new Packet(0, proto, s, d, sport, dport, -1, -1, -1, Packet.SYN, 60);
            case Protocols.UDP -> new Packet(0, proto, s, d, sport, dport, -1, -1, -1, -1, 60);
            case Protocols.ICMP -> new Packet(0, proto, s, d, -1, -1, 8, 0, 1, -1, 60);
            default -> new Packet(0, proto, s, d, -1, -1, -1, -1, -1, -1, 60);
        };
    }

    boolean groupsAllow(Packet p) {
        Verdict v = new ReferenceEvaluator(sgOnly, EvaluatorSettings.DEFAULT).evaluate(p);
        return v.accepted();
    }

    /** The rule number of the NACL entry that decides the packet inbound, or -1 for the default deny. */
    int naclRuleNumber(Packet p) {
        Verdict v = new ReferenceEvaluator(naclOnly, EvaluatorSettings.DEFAULT).evaluate(p);
        for (StageDecision d : v.trace()) {
            if (d.stage() == Stage.NACL_INGRESS) {
                String by = d.decidedBy();
                int at = by.indexOf(" entry ");
                return at < 0 ? -1 : Integer.parseInt(by.substring(at + 7, by.indexOf(':', at)));
            }
        }
        throw new AssertionError("no nacl-ingress stage for " + p + ": " + v);
    }

    /** The inbound entries of the world's one NACL, in rule-number order. */
    static List<NaclEntry> inboundEntries(World w) {
        NetworkAcl acl = w.networkAcls().values().iterator().next();
        List<NaclEntry> out = new ArrayList<>(acl.entries().stream().filter(e -> !e.egress()).toList());
        out.sort(java.util.Comparator.comparingInt(NaclEntry::ruleNumber));
        return out;
    }

    /** ClassBench's first match, or -1. */
    static int firstMatch(List<ClassBenchRule> rules, int src, int dst, int sport, int dport, int proto) {
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).matches(src, dst, sport, dport, proto)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The first filter that matches on what security groups and NACL entries can see: source, protocol and
     * destination port (ports only for tcp/udp, as the converted rules have them), or -1.
     */
    static int firstVisibleMatch(List<ClassBenchRule> rules, int src, int dport, int proto) {
        for (int i = 0; i < rules.size(); i++) {
            ClassBenchRule r = rules.get(i);
            boolean protoOk = r.protocol() == ClassBenchRule.ANY_PROTOCOL || r.protocol() == proto;
            boolean portOk = r.protocol() == ClassBenchRule.ANY_PROTOCOL || !Protocols.hasPorts(proto)
                    || (dport >= r.dstPortLo() && dport <= r.dstPortHi());
            if (protoOk && portOk && r.src().contains(IpAddress.v4(src))) {
                return i;
            }
        }
        return -1;
    }
}
