package io.sgemu.control.reference;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.control.model.Protocols;
import org.junit.jupiter.api.Test;

/** SEMANTICS.md section 2: security-group rules. */
class SecurityGroupRuleTest extends EvaluatorTestSupport {

    @Test
    void sg2_inboundMatchesSourceAddressAndDestinationPort() {
        t.sg("sg-a").in("tcp", 443, 443, "203.0.113.0/24");

        assertThat(run(tcp(0, EXT, 40000, A, 443, SYN)).action()).isEqualTo(Action.ACCEPT);
        // Source port 443 does not make it match: the destination port is what counts.
        Verdict wrongPort = run(tcp(1, EXT, 443, A, 40001, SYN));
        assertThat(wrongPort.action()).isEqualTo(Action.REJECT);
        assertThat(wrongPort.stage()).isEqualTo(Stage.SG_INGRESS);
        Verdict wrongSource = run(tcp(2, EXT2, 40000, A, 443, SYN));
        assertThat(wrongSource.action()).isEqualTo(Action.REJECT);
        assertThat(wrongSource.stage()).isEqualTo(Stage.SG_INGRESS);
    }

    @Test
    void sg2_outboundMatchesDestinationAddressAndDestinationPort() {
        t.sg("sg-a").out("tcp", 443, 443, "198.51.100.0/24");

        assertThat(run(tcp(0, A, 40000, EXT2, 443, SYN)).action()).isEqualTo(Action.ACCEPT);
        Verdict wrongPort = run(tcp(1, A, 443, EXT2, 40001, SYN));
        assertThat(wrongPort.action()).isEqualTo(Action.REJECT);
        assertThat(wrongPort.stage()).isEqualTo(Stage.SG_EGRESS);
        Verdict wrongDestination = run(tcp(2, A, 40000, EXT, 443, SYN));
        assertThat(wrongDestination.action()).isEqualTo(Action.REJECT);
        assertThat(wrongDestination.stage()).isEqualTo(Stage.SG_EGRESS);
    }

    @Test
    void sg2_protocolAllMatchesEveryProtocolAndPort() {
        t.sg("sg-a").in("-1", -1, -1, "203.0.113.0/24");

        assertThat(run(tcp(0, EXT, 1, A, 65535, SYN)).accepted()).isTrue();
        assertThat(run(udp(0, EXT, 2, A, 0)).accepted()).isTrue();
        assertThat(run(Packet.icmp(0, EXT, A, 13, 0, 40)).accepted()).isTrue();
        assertThat(run(Packet.other(0, 47, EXT, A, 100)).accepted()).isTrue();
    }

    @Test
    void sg2_otherProtocolNumberIgnoresPorts() {
        // GRE (47) with ports 5-5: the ports mean nothing for a protocol without ports.
        t.sg("sg-a").in("47", 5, 5, "0.0.0.0/0");

        assertThat(run(Packet.other(0, 47, EXT, A, 100)).accepted()).isTrue();
        assertThat(run(Packet.other(0, 50, EXT, A, 100)).rejected()).isTrue();
        assertThat(run(tcp(0, EXT, 5, A, 5, SYN)).rejected()).isTrue();
    }

    @Test
    void sg2_protocolNumberSixIsTcpWithPorts() {
        t.sg("sg-a").in("6", 22, 22, "0.0.0.0/0");

        assertThat(run(tcp(0, EXT, 40000, A, 22, SYN)).accepted()).isTrue();
        assertThat(run(tcp(0, EXT, 40000, A, 23, SYN)).rejected()).isTrue();
    }

    @Test
    void sg2_icmpTypeAndCodeMatch() {
        t.sg("sg-a").in("icmp", 3, 4, "0.0.0.0/0").in("icmp", 8, -1, "0.0.0.0/0");

        assertThat(run(Packet.icmp(0, EXT, A, 3, 4, 56)).accepted()).as("type 3 code 4").isTrue();
        assertThat(run(Packet.icmp(0, EXT, A, 3, 1, 56)).rejected()).as("type 3 code 1").isTrue();
        assertThat(run(echo(0, EXT, A, true, 1)).accepted()).as("echo request, any code").isTrue();
        assertThat(run(Packet.icmp(0, EXT, A, 11, 0, 56)).rejected()).as("time exceeded").isTrue();
    }

    @Test
    void sg2_icmpAnyTypeAnyCodeMatchesEveryMessage() {
        t.sg("sg-a").in("icmp", -1, -1, "0.0.0.0/0");

        assertThat(run(Packet.icmp(0, EXT, A, 13, 0, 40)).accepted()).isTrue();
        assertThat(run(Packet.icmp(0, EXT, A, 3, 13, 40)).accepted()).isTrue();
    }

    @Test
    void sg2_icmpAnyTypeWithSpecificCodeMatchesNothing() {
        t.sg("sg-a").in("icmp", -1, 4, "0.0.0.0/0");

        assertThat(run(Packet.icmp(0, EXT, A, 3, 4, 56)).rejected()).isTrue();
        assertThat(run(echo(0, EXT, A, true, 1)).rejected()).isTrue();
    }

    @Test
    void sg2_icmpRuleIsNotIcmpv6Rule() {
        t.sg("sg-a").in("icmp", -1, -1, "::/0");
        assertThat(run(echo(0, EXT6, A6, true, 1)).rejected()).as("icmp rule, ICMPv6 packet").isTrue();

        t.sg("sg-a").in("icmpv6", 128, -1, "::/0");
        applyChanges();
        assertThat(run(echo(1, EXT6, A6, true, 2)).accepted()).as("icmpv6 echo request rule").isTrue();
        assertThat(Protocols.parse("icmpv6")).isEqualTo(58);
    }

    @Test
    void sg2_unionOverAllGroupsOfTheEni() {
        t.sg("sg-x").in("tcp", 80, 80, "0.0.0.0/0");
        t.sg("sg-a").in("tcp", 22, 22, "0.0.0.0/0");
        t.eni("eni-a").groups("sg-x", "sg-a");

        assertThat(run(tcp(0, EXT, 40000, A, 22, SYN)).accepted()).isTrue();
        assertThat(run(tcp(0, EXT, 40001, A, 80, SYN)).accepted()).isTrue();
        Verdict none = run(tcp(0, EXT, 40002, A, 8080, SYN));
        assertThat(none.rejected()).isTrue();
        assertThat(none.reason()).isEqualTo("no rule of sg-a, sg-x matched");
    }

    @Test
    void sg2_noMatchingRuleDenies() {
        Verdict v = run(tcp(0, EXT, 40000, A, 22, SYN));
        assertThat(v.action()).isEqualTo(Action.REJECT);
        assertThat(v.stage()).isEqualTo(Stage.SG_INGRESS);
        assertThat(v.reason()).isEqualTo("no rule of sg-a matched");
        assertThat(last(v)).isEqualTo(new StageDecision(Stage.SG_INGRESS, "eni-a", false, "no rule of sg-a matched"));
    }

    @Test
    void sg2_verdictNamesTheMatchingRuleByIdOrIndex() {
        t.sg("sg-a").in("tcp", 80, 80, "0.0.0.0/0").inWithId("sgr-123", "tcp", 443, 443, "0.0.0.0/0");

        assertThat(last(run(tcp(0, EXT, 40000, A, 443, SYN))).decidedBy())
                .isEqualTo("sg-a rule sgr-123: tcp 443 from 0.0.0.0/0");
        assertThat(last(run(tcp(0, EXT, 40000, A, 80, SYN))).decidedBy())
                .isEqualTo("sg-a rule #0: tcp 80 from 0.0.0.0/0");
    }

    @Test
    void sg2_referenceMatchesPrimarySecondaryAndIpv6OfMembers() {
        t.eni("eni-a").secondary("10.0.1.11");
        t.sg("sg-a").out("-1", -1, -1, "0.0.0.0/0").out("-1", -1, -1, "::/0");
        t.sg("sg-c").in("tcp", 5432, 5432, "sg-a");

        assertThat(run(tcp(0, A, 40000, C, 5432, SYN)).accepted()).as("primary").isTrue();
        assertThat(run(tcp(0, "10.0.1.11", 40000, C, 5432, SYN)).accepted()).as("secondary").isTrue();
        assertThat(run(tcp(0, A6, 40000, C6, 5432, SYN)).accepted()).as("IPv6").isTrue();
        Verdict nonMember = run(tcp(0, EXT, 40000, C, 5432, SYN));
        assertThat(nonMember.rejected()).as("not a member").isTrue();
        assertThat(nonMember.stage()).isEqualTo(Stage.SG_INGRESS);
    }

    @Test
    void sg2_referenceNeverMatchesPublicIp() {
        t.eni("eni-a").publicIp("54.0.0.1");
        t.sg("sg-a").allOut();
        t.sg("sg-c").in("tcp", 5432, 5432, "sg-a");

        // The packet carries eni-a's public address: eni-a sends it, but the reference does not match it.
        Verdict v = run(tcp(0, "54.0.0.1", 40000, C, 5432, SYN));
        assertThat(v.srcEniId()).isEqualTo("eni-a");
        assertThat(v.rejected()).isTrue();
        assertThat(v.stage()).isEqualTo(Stage.SG_INGRESS);
    }

    @Test
    void sg2_referenceMembershipIsLive() {
        t.sg("sg-b").allOut();
        t.sg("sg-c").in("tcp", 5432, 5432, "sg-a");

        assertThat(run(tcp(0, B, 40000, C, 5432, SYN)).rejected()).as("eni-b not yet in sg-a").isTrue();
        t.eni("eni-b").groups("sg-b", "sg-a");
        applyChanges();
        assertThat(run(tcp(1, B, 40001, C, 5432, SYN)).accepted()).as("eni-b joined sg-a").isTrue();
        t.eni("eni-b").groups("sg-b");
        applyChanges();
        assertThat(run(tcp(2, B, 40002, C, 5432, SYN)).rejected()).as("eni-b left sg-a").isTrue();
    }

    @Test
    void sg2_groupCanReferenceItself() {
        t.sg("sg-a").in("-1", -1, -1, "sg-a").allOut();
        t.eni("eni-b").groups("sg-a");
        t.sg("sg-c").allOut();

        assertThat(run(tcp(0, B, 40000, A, 22, SYN)).accepted()).as("member to member").isTrue();
        Verdict outsider = run(tcp(0, C, 40000, A, 22, SYN));
        assertThat(outsider.rejected()).isTrue();
        assertThat(outsider.stage()).isEqualTo(Stage.SG_INGRESS);
    }

    @Test
    void sg2_prefixListMatchesItsCurrentEntries() {
        t.prefixList("pl-1", "198.51.100.0/24");
        t.sg("sg-a").in("tcp", 443, 443, "pl-1");

        assertThat(run(tcp(0, EXT2, 40000, A, 443, SYN)).accepted()).isTrue();
        assertThat(run(tcp(0, EXT, 40000, A, 443, SYN)).rejected()).isTrue();
        t.prefixList("pl-1", "198.51.100.0/24", "203.0.113.0/24");
        applyChanges();
        assertThat(run(tcp(1, EXT, 40001, A, 443, SYN)).accepted()).as("entry added to the list").isTrue();
    }

    @Test
    void sg2_unknownPrefixListMatchesNothing() {
        t.sg("sg-a").in("tcp", 443, 443, "pl-missing");
        assertThat(run(tcp(0, EXT2, 40000, A, 443, SYN)).rejected()).isTrue();
    }

    @Test
    void sg2_ipv4PeerNeverMatchesIpv6Packet() {
        t.sg("sg-a").in("-1", -1, -1, "0.0.0.0/0");
        assertThat(run(tcp(0, EXT6, 40000, A6, 22, SYN)).rejected()).as("IPv4 peer, IPv6 packet").isTrue();

        t.sg("sg-a").clearIn().in("-1", -1, -1, "::/0");
        applyChanges();
        assertThat(run(tcp(1, EXT6, 40001, A6, 22, SYN)).accepted()).as("IPv6 peer, IPv6 packet").isTrue();
        assertThat(run(tcp(1, EXT, 40001, A, 22, SYN)).rejected()).as("IPv6 peer, IPv4 packet").isTrue();
    }

    @Test
    void sg2_portlessFragmentMatchesOnlyAllPortsRules() {
        // Decision: a later fragment has no ports; only a rule covering every port can admit it.
        t.sg("sg-a").in("udp", 53, 53, "0.0.0.0/0");
        Packet fragment = new Packet(0, Protocols.UDP, TestWorld.ip(EXT), TestWorld.ip(A), -1, -1, -1, -1, -1, -1, 1000);
        assertThat(run(fragment).rejected()).isTrue();

        t.sg("sg-a").in("udp", 0, 65535, "0.0.0.0/0");
        applyChanges();
        assertThat(run(fragment).accepted()).isTrue();
    }
}
