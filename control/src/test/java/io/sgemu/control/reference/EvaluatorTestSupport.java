package io.sgemu.control.reference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/**
 * A small standard world and packet helpers shared by the reference evaluator's tests.
 *
 * <p>VPC {@code vpc-1} (10.0.0.0/16, 2600:1f18:0:100::/56) with {@code subnet-a} (10.0.1.0/24) holding
 * {@code eni-a} (10.0.1.10, group sg-a) and {@code eni-b} (10.0.1.20, sg-b), and {@code subnet-b}
 * (10.0.2.0/24) holding {@code eni-c} (10.0.2.30, sg-c). Each ENI also has one IPv6 address. The VPC's
 * default NACL allows everything; the groups start with no rules at all.
 */
abstract class EvaluatorTestSupport {

    static final String A = "10.0.1.10";
    static final String B = "10.0.1.20";
    static final String C = "10.0.2.30";
    static final String A6 = "2600:1f18:0:101::10";
    static final String B6 = "2600:1f18:0:101::20";
    static final String C6 = "2600:1f18:0:102::30";
    /** Hosts outside every VPC. */
    static final String EXT = "203.0.113.5";
    static final String EXT2 = "198.51.100.7";
    static final String EXT6 = "2001:db8::5";

    static final int SYN = Packet.SYN;
    static final int ACK = Packet.ACK;
    static final int SYN_ACK = Packet.SYN | Packet.ACK;
    static final int FIN_ACK = Packet.FIN | Packet.ACK;
    static final int RST = Packet.RST;
    static final int PSH_ACK = Packet.PSH | Packet.ACK;

    final TestWorld t = standardWorld();
    EvaluatorSettings settings = EvaluatorSettings.DEFAULT;
    private ReferenceEvaluator evaluator;

    static TestWorld standardWorld() {
        TestWorld t = new TestWorld();
        t.vpc("vpc-1", "10.0.0.0/16", "2600:1f18:0:100::/56");
        t.subnet("subnet-a", "vpc-1", "10.0.1.0/24", "2600:1f18:0:101::/64", "us-east-1a", "use1-az1");
        t.subnet("subnet-b", "vpc-1", "10.0.2.0/24", "2600:1f18:0:102::/64", "us-east-1b", "use1-az2");
        t.nacl("acl-default", "vpc-1", true).allowAll();
        t.sg("sg-a");
        t.sg("sg-b");
        t.sg("sg-c");
        t.eni("eni-a", "subnet-a", A, "sg-a").ipv6(A6);
        t.eni("eni-b", "subnet-a", B, "sg-b").ipv6(B6);
        t.eni("eni-c", "subnet-b", C, "sg-c").ipv6(C6);
        return t;
    }

    /** The evaluator over the world as built so far (created on first use). */
    ReferenceEvaluator ev() {
        if (evaluator == null) {
            evaluator = new ReferenceEvaluator(t.build(), settings);
        }
        return evaluator;
    }

    /** Hands the changed world to the running evaluator (a control-plane change mid-stream). */
    void applyChanges() {
        ev().setWorld(t.build());
    }

    Verdict run(Packet p) {
        return ev().evaluate(p);
    }

    EniCounters counters(String eniId) {
        return ev().counters().get(eniId);
    }

    static long s(double seconds) {
        return Packet.seconds(seconds);
    }

    static Packet tcp(double t, String src, int sp, String dst, int dp, int flags) {
        return Packet.tcp(s(t), src, sp, dst, dp, flags, 60);
    }

    static Packet udp(double t, String src, int sp, String dst, int dp) {
        return Packet.udp(s(t), src, sp, dst, dp, 80);
    }

    static Packet echo(double t, String src, String dst, boolean request, int id) {
        return Packet.icmpEcho(s(t), src, dst, request, id, 84);
    }

    /** A completed three-way handshake from client to server at time t; every packet must be accepted. */
    void handshake(double t, String client, int cport, String server, int sport) {
        List<Verdict> v = List.of(run(tcp(t, client, cport, server, sport, SYN)),
                run(tcp(t + 0.001, server, sport, client, cport, SYN_ACK)),
                run(tcp(t + 0.002, client, cport, server, sport, ACK)));
        assertThat(v).as("handshake %s:%d -> %s:%d", client, cport, server, sport)
                .allMatch(Verdict::accepted);
    }

    static StageDecision last(Verdict v) {
        return v.trace().get(v.trace().size() - 1);
    }
}
