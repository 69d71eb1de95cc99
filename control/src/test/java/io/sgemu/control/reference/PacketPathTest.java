package io.sgemu.control.reference;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.control.model.Protocols;
import java.util.stream.Stream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** SEMANTICS.md section 5: the path of a packet. */
class PacketPathTest extends EvaluatorTestSupport {

    private void openAll() {
        for (String g : new String[] {"sg-a", "sg-b", "sg-c"}) {
            t.sg(g).in("-1", -1, -1, "0.0.0.0/0").in("-1", -1, -1, "::/0").allOut().out("-1", -1, -1, "::/0");
        }
    }

    @Test
    void path5_privateSecondaryAndIpv6AddressesResolveToTheirEni() {
        openAll();
        t.eni("eni-a").secondary("10.0.1.11");

        assertThat(run(udp(0, EXT, 1, A, 2)).dstEniId()).isEqualTo("eni-a");
        assertThat(run(udp(0, EXT, 1, "10.0.1.11", 2)).dstEniId()).isEqualTo("eni-a");
        assertThat(run(udp(0, EXT6, 1, A6, 2)).dstEniId()).isEqualTo("eni-a");
        Verdict both = run(udp(0, C, 1, A, 2));
        assertThat(both.srcEniId()).isEqualTo("eni-c");
        assertThat(both.dstEniId()).isEqualTo("eni-a");
    }

    @Test
    void path5_publicIpv4ResolvesToTheEniOfItsPrivateAddress() {
        t.eni("eni-a").publicIp("54.0.0.1");
        t.sg("sg-a").in("tcp", 22, 22, "203.0.113.0/24");

        Verdict v = run(tcp(0, EXT, 40000, "54.0.0.1", 22, SYN));
        assertThat(v.dstEniId()).isEqualTo("eni-a");
        assertThat(v.accepted()).isTrue();
    }

    @Test
    void path5_addressOfNoEniIsExternalAndHasNoStages() {
        openAll();
        Verdict out = run(udp(0, A, 1, EXT, 2));
        assertThat(out.dstEniId()).isNull();
        assertThat(out.trace()).extracting(StageDecision::stage).containsExactly(Stage.SG_EGRESS, Stage.NACL_EGRESS);
        Verdict in = run(udp(0, EXT, 1, A, 2));
        assertThat(in.srcEniId()).isNull();
        assertThat(in.trace()).extracting(StageDecision::stage).containsExactly(Stage.NACL_INGRESS, Stage.SG_INGRESS);
    }

    @Test
    void path5_fourStagesInOrder() {
        openAll();
        Verdict v = run(tcp(0, A, 40000, C, 443, SYN));
        assertThat(v.action()).isEqualTo(Action.ACCEPT);
        assertThat(v.stage()).isNull();
        assertThat(v.reason()).isNull();
        assertThat(v.trace()).extracting(StageDecision::stage, StageDecision::eniId, StageDecision::allowed).containsExactly(
                Tuple.tuple(Stage.SG_EGRESS, "eni-a", true), Tuple.tuple(Stage.NACL_EGRESS, "eni-a", true),
                Tuple.tuple(Stage.NACL_INGRESS, "eni-c", true), Tuple.tuple(Stage.SG_INGRESS, "eni-c", true));
    }

    @Test
    void path5_firstRejectDecidesAndLaterStagesAreNotEvaluated() {
        openAll();
        t.nacl("acl-a", "vpc-1", false, "subnet-a").in(100, "-1", true, "0.0.0.0/0", null);

        Verdict v = run(tcp(0, A, 40000, C, 443, SYN));
        assertThat(v.stage()).isEqualTo(Stage.NACL_EGRESS);
        assertThat(v.trace()).extracting(StageDecision::stage).containsExactly(Stage.SG_EGRESS, Stage.NACL_EGRESS);
        EniCounters c = counters("eni-c");
        assertThat(c.acceptedPackets(Stage.NACL_INGRESS) + c.rejectedPackets(Stage.NACL_INGRESS)
                + c.acceptedPackets(Stage.SG_INGRESS) + c.rejectedPackets(Stage.SG_INGRESS)).isZero();
    }

    @Test
    void path5_sameSubnetSkipsNacl() {
        openAll();
        t.nacl("acl-a", "vpc-1", false, "subnet-a"); // denies everything
        Verdict v = run(tcp(0, A, 40000, B, 443, SYN));
        assertThat(v.accepted()).isTrue();
        assertThat(v.trace()).filteredOn(d -> d.stage() == Stage.NACL_EGRESS || d.stage() == Stage.NACL_INGRESS)
                .extracting(StageDecision::decidedBy).containsOnly(ReferenceEvaluator.SAME_SUBNET);
        // The NACL still applies to traffic that leaves the subnet.
        assertThat(run(tcp(0, A, 40000, C, 443, SYN)).stage()).isEqualTo(Stage.NACL_EGRESS);
    }

    @Test
    void path5_noEniAtEitherEndIsSkipped() {
        openAll();
        Verdict v = run(udp(0, EXT, 1, EXT2, 2));
        assertThat(v.action()).isEqualTo(Action.SKIP);
        assertThat(v.reason()).isEqualTo("no-eni");
        assertThat(v.trace()).isEmpty();
        assertThat(v.observations()).isEmpty();
    }

    static Stream<Arguments> reservedTraffic() {
        int udp = Protocols.UDP;
        int tcp = Protocols.TCP;
        return Stream.of(
                Arguments.of("VPC+2 resolver, query", udp, A, 40000, "10.0.0.2", 53),
                Arguments.of("VPC+2 resolver, answer", udp, "10.0.0.2", 53, A, 40000),
                Arguments.of("VPC+2 resolver over TCP", tcp, A, 40000, "10.0.0.2", 53),
                Arguments.of("169.254.169.253 resolver", udp, A, 40000, "169.254.169.253", 53),
                Arguments.of("IPv6 resolver", udp, A6, 40000, "fd00:ec2::253", 53),
                Arguments.of("instance metadata", tcp, A, 40000, "169.254.169.254", 80),
                Arguments.of("instance metadata answer", tcp, "169.254.169.254", 80, A, 40000),
                Arguments.of("time sync", udp, A, 40000, "169.254.169.123", 123),
                Arguments.of("IPv6 instance metadata", tcp, A6, 40000, "fd00:ec2::254", 80),
                Arguments.of("IPv6 time sync", udp, A6, 40000, "fd00:ec2::123", 123),
                Arguments.of("DHCP request", udp, A, 68, "255.255.255.255", 67),
                Arguments.of("DHCP answer", udp, "10.0.1.1", 67, A, 68),
                Arguments.of("DHCP discover from 0.0.0.0", udp, "0.0.0.0", 68, "255.255.255.255", 67));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reservedTraffic")
    void path5_reservedAddressesPassUnfilteredAndUnlogged(String what, int protocol, String src, int sp, String dst, int dp) {
        // The groups allow nothing and subnet-a's NACL denies everything: only the exemption lets it pass.
        t.nacl("acl-a", "vpc-1", false, "subnet-a");
        Packet p = new Packet(s(0), protocol, TestWorld.ip(src), TestWorld.ip(dst), sp, dp, -1, -1, -1,
                protocol == Protocols.TCP ? SYN : -1, 60);

        Verdict v = run(p);
        assertThat(v.action()).as(what).isEqualTo(Action.SKIP);
        assertThat(v.reason()).as(what).isEqualTo("reserved-address");
        assertThat(v.observations()).as(what).isEmpty();
        assertThat(counters("eni-a").stages().values()).as(what)
                .allMatch(c -> c.equals(EniCounters.StageCounts.ZERO));
    }

    @Test
    void path5_resolverIsReservedOnlyOnPort53OfTheEnisOwnVpc() {
        Verdict http = run(tcp(0, A, 40000, "10.0.0.2", 80, SYN));
        assertThat(http.action()).as("VPC+2 on port 80").isEqualTo(Action.REJECT);
        Verdict otherVpc = run(udp(0, A, 40000, "10.1.0.2", 53));
        assertThat(otherVpc.action()).as("another network's +2").isEqualTo(Action.REJECT);
        Verdict wrongSide = run(udp(0, A, 53, "10.0.0.2", 40000));
        assertThat(wrongSide.action()).as("port 53 on the ENI's side").isEqualTo(Action.REJECT);
    }

    @Test
    void path5_dhcpNeedsBothPorts() {
        Verdict v = run(udp(0, A, 40000, EXT, 67));
        assertThat(v.action()).isEqualTo(Action.REJECT);
    }

    @Test
    void path5_clockOnlyMovesForward() {
        t.sg("sg-a").out("udp", 5000, 5000, "198.51.100.0/24").out("udp", 6000, 6000, "198.51.100.0/24");

        run(udp(0, A, 40000, EXT2, 5000));
        run(udp(100, A, 40001, EXT2, 6000));
        // Stamped 10 s but seen after a packet at 100 s: judged at 100 s, when the first flow has expired.
        Verdict late = run(udp(10, EXT2, 5000, A, 40000));
        assertThat(late.rejected()).isTrue();
        assertThat(late.observations()).singleElement().extracting(o -> o.timeNanos()).isEqualTo(s(10));
    }
}
