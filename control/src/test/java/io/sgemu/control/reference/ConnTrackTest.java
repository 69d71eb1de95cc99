package io.sgemu.control.reference;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.control.model.ConnTrackConfig;
import io.sgemu.control.model.NetworkInterface;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** SEMANTICS.md section 3: connection tracking. */
class ConnTrackTest extends EvaluatorTestSupport {

    /** eni-a accepts SSH from 203.0.113.0/24 (not all addresses, so tracked) and may send nothing. */
    private void sshFromDocumentationNet() {
        t.sg("sg-a").in("tcp", 22, 22, "203.0.113.0/24");
    }

    @Test
    void ct3_allowedPacketCreatesEntryThatAdmitsBothDirections() {
        sshFromDocumentationNet();
        handshake(0, EXT, 40000, A, 22);

        Verdict reply = run(tcp(1, A, 22, EXT, 40000, PSH_ACK));
        assertThat(reply.accepted()).isTrue();
        assertThat(reply.trace().get(0).decidedBy()).isEqualTo("conntrack (tracked connection)");
        assertThat(run(tcp(2, A, 40000, EXT, 80, SYN)).rejected()).as("a new flow out has no rule").isTrue();
        assertThat(counters("eni-a").trackedConnections()).isEqualTo(1);
    }

    @Test
    void ct3_eachEniTracksIndependently() {
        t.sg("sg-a").out("tcp", 5432, 5432, "10.0.2.0/24");
        t.sg("sg-c").in("tcp", 5432, 5432, "10.0.1.0/24");

        assertThat(run(tcp(0, A, 40000, C, 5432, SYN)).accepted()).isTrue();
        Verdict reply = run(tcp(0.1, C, 5432, A, 40000, SYN_ACK));
        assertThat(reply.accepted()).isTrue();
        // Both ends answer from their own entry: eni-c on its way out, eni-a on its way in.
        assertThat(reply.trace()).filteredOn(d -> d.stage() == Stage.SG_EGRESS || d.stage() == Stage.SG_INGRESS)
                .extracting(StageDecision::eniId, StageDecision::decidedBy)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("eni-c", ReferenceEvaluator.CONNTRACK),
                        org.assertj.core.groups.Tuple.tuple("eni-a", ReferenceEvaluator.CONNTRACK));
        assertThat(counters("eni-a").trackedConnections()).isEqualTo(1);
        assertThat(counters("eni-c").trackedConnections()).isEqualTo(1);
    }

    @Test
    void ct3_entryOnOneEniDoesNotAdmitOnAnother() {
        // eni-a tracks the flow it sent; eni-c rejected it, so eni-c has no entry and its reply is judged by rules.
        t.sg("sg-a").out("tcp", 5432, 5432, "10.0.2.0/24");
        assertThat(run(tcp(0, A, 40000, C, 5432, SYN)).stage()).isEqualTo(Stage.SG_INGRESS);
        Verdict reply = run(tcp(0.1, C, 5432, A, 40000, SYN_ACK));
        assertThat(reply.rejected()).isTrue();
        assertThat(reply.stage()).isEqualTo(Stage.SG_EGRESS);
        assertThat(reply.srcEniId()).isEqualTo("eni-c");
    }

    @Test
    void ct3_flowIdentityIsTheFiveTupleInBothDirections() {
        sshFromDocumentationNet();
        handshake(0, EXT, 40000, A, 22);

        assertThat(run(tcp(1, A, 22, EXT, 40000, ACK)).accepted()).as("same flow, reverse").isTrue();
        assertThat(run(tcp(1, A, 22, EXT, 40001, ACK)).rejected()).as("other client port").isTrue();
        assertThat(run(tcp(1, A, 22, "203.0.113.6", 40000, ACK)).rejected()).as("other client").isTrue();
        assertThat(run(udp(1, A, 22, EXT, 40000)).rejected()).as("other protocol").isTrue();
    }

    @Test
    void ct3_icmpEchoReplyMatchesRequestByIdentifier() {
        t.sg("sg-a").out("icmp", 8, -1, "0.0.0.0/0");

        assertThat(run(echo(0, A, EXT, true, 7)).accepted()).isTrue();
        assertThat(run(echo(0.1, EXT, A, false, 7)).accepted()).as("reply with the request's id").isTrue();
        assertThat(run(echo(0.2, EXT, A, false, 8)).rejected()).as("reply with another id").isTrue();
    }

    @Test
    void ct3_icmpv6EchoReplyMatchesRequestByIdentifier() {
        t.sg("sg-a").out("icmpv6", 128, -1, "::/0");

        assertThat(run(echo(0, A6, EXT6, true, 9)).accepted()).isTrue();
        Verdict reply = run(echo(0.1, EXT6, A6, false, 9));
        assertThat(reply.accepted()).isTrue();
        assertThat(last(reply).decidedBy()).isEqualTo(ReferenceEvaluator.CONNTRACK);
    }

    @Test
    void ct3_otherProtocolsTrackedByAddressesAndProtocol() {
        t.sg("sg-a").out("47", -1, -1, "0.0.0.0/0");

        assertThat(run(Packet.other(0, 47, A, EXT, 100)).accepted()).isTrue();
        assertThat(run(Packet.other(1, 47, EXT, A, 100)).accepted()).as("GRE back").isTrue();
        assertThat(run(Packet.other(1, 50, EXT, A, 100)).rejected()).as("ESP back").isTrue();
        assertThat(run(Packet.other(1, 47, EXT2, A, 100)).rejected()).as("GRE from another host").isTrue();
    }

    @Test
    void ct3_untrackedFlowCaseA_allAddressesRuleAndAllPortsOtherWay() {
        t.sg("sg-a").in("tcp", 22, 22, "0.0.0.0/0").allOut();
        handshake(0, EXT, 40000, A, 22);

        assertThat(counters("eni-a").trackedConnections()).isZero();
        assertThat(run(tcp(1, EXT, 40000, A, 22, PSH_ACK)).trace()).last()
                .extracting(StageDecision::decidedBy).isEqualTo("sg-a rule #0: tcp 22 from 0.0.0.0/0");
    }

    @Test
    void ct3_untrackedFlowCaseB_repliesOfUntrackedFlowAreUntracked() {
        // Outbound all TCP ports (not -1): the reply is admitted by it, and the inbound 22 rule admits R.
        t.sg("sg-a").in("tcp", 22, 22, "0.0.0.0/0").out("tcp", 0, 65535, "0.0.0.0/0");

        Verdict reply = run(tcp(0, A, 22, EXT, 40000, SYN_ACK));
        assertThat(reply.accepted()).isTrue();
        assertThat(reply.trace().get(0).decidedBy()).isEqualTo("sg-a rule #0: tcp 0-65535 to 0.0.0.0/0");
        assertThat(counters("eni-a").trackedConnections()).as("(b) makes the reply untracked").isZero();

        // A flow eni-a starts to port 443 meets neither (a) (no all-ports rule inbound) nor (b) (no inbound 443).
        assertThat(run(tcp(1, A, 50000, EXT, 443, SYN)).accepted()).isTrue();
        assertThat(counters("eni-a").trackedConnections()).isEqualTo(1);
        assertThat(last(run(tcp(1.1, EXT, 443, A, 50000, SYN_ACK))).decidedBy()).isEqualTo(ReferenceEvaluator.CONNTRACK);
    }

    @Test
    void ct3_untrackedFlowJudgedByNewRulesAfterRevoke() {
        // AWS's example: inbound TCP 22 from 0.0.0.0/0, outbound all; revoking inbound cuts the session at once.
        t.sg("sg-a").in("tcp", 22, 22, "0.0.0.0/0").allOut();
        handshake(0, EXT, 40000, A, 22);

        t.sg("sg-a").clearIn();
        applyChanges();
        Verdict next = run(tcp(1, EXT, 40000, A, 22, PSH_ACK));
        assertThat(next.rejected()).isTrue();
        assertThat(next.stage()).isEqualTo(Stage.SG_INGRESS);
    }

    @Test
    void ct3_trackedConnectionSurvivesRuleRevoke() {
        t.sg("sg-a").in("tcp", 22, 22, "203.0.113.0/24").allOut();
        handshake(0, EXT, 40000, A, 22);

        t.sg("sg-a").clearIn();
        applyChanges();
        Verdict next = run(tcp(1, EXT, 40000, A, 22, PSH_ACK));
        assertThat(next.accepted()).isTrue();
        assertThat(last(next).decidedBy()).isEqualTo(ReferenceEvaluator.CONNTRACK);
        assertThat(run(tcp(1, EXT, 40001, A, 22, SYN)).rejected()).as("a new flow meets the new rules").isTrue();
    }

    @Test
    void ct3_trackedConnectionSurvivesSecurityGroupListChange() {
        sshFromDocumentationNet();
        t.sg("sg-empty");
        handshake(0, EXT, 40000, A, 22);

        t.eni("eni-a").groups("sg-empty");
        applyChanges();
        assertThat(run(tcp(1, A, 22, EXT, 40000, PSH_ACK)).accepted()).isTrue();
        assertThat(run(tcp(1, EXT, 40000, A, 22, ACK)).accepted()).isTrue();
        Verdict fresh = run(tcp(1, EXT, 40001, A, 22, SYN));
        assertThat(fresh.reason()).isEqualTo("no rule of sg-empty matched");
    }

    @Test
    void ct3_naclChangeAppliesToNextPacketOfTrackedFlow() {
        sshFromDocumentationNet();
        handshake(0, EXT, 40000, A, 22);

        t.nacl("acl-a", "vpc-1", false, "subnet-a").out(100, "-1", true, "0.0.0.0/0", null);
        applyChanges();
        Verdict v = run(tcp(1, EXT, 40000, A, 22, ACK));
        assertThat(v.rejected()).isTrue();
        assertThat(v.stage()).isEqualTo(Stage.NACL_INGRESS);
    }

    @Test
    void ct3_icmpAndOtherProtocolsAreAlwaysTracked() {
        t.sg("sg-a").in("-1", -1, -1, "0.0.0.0/0").allOut();

        run(echo(0, EXT, A, true, 1));
        run(Packet.other(0, 47, EXT, A, 100));
        run(tcp(0, EXT, 40000, A, 22, SYN));
        run(udp(0, EXT, 40000, A, 53));
        // TCP and UDP are untracked with these rules; ICMP and GRE are not.
        assertThat(counters("eni-a").trackedConnections()).isEqualTo(2);
    }

    static List<String> alwaysTrackedTypes() {
        return NetworkInterface.ALWAYS_TRACKED_TYPES.stream().sorted().toList();
    }

    @ParameterizedTest
    @MethodSource("alwaysTrackedTypes")
    void ct3_interfaceTypesThatTrackEveryFlow(String type) {
        t.sg("sg-a").in("tcp", 22, 22, "0.0.0.0/0").allOut();
        t.eni("eni-a").type(type);
        handshake(0, EXT, 40000, A, 22);
        assertThat(counters("eni-a").trackedConnections()).as(type).isEqualTo(1);

        t.sg("sg-a").clearIn();
        applyChanges();
        assertThat(run(tcp(1, EXT, 40000, A, 22, ACK)).accepted()).as("%s: tracked, survives the revoke", type).isTrue();
    }

    @Test
    void ct3_tcpEstablishedTimeoutIsPerEni() {
        sshFromDocumentationNet();
        t.eni("eni-a").connTrack(new ConnTrackConfig(120, 30, 180, 0));
        handshake(0, EXT, 40000, A, 22);

        assertThat(run(tcp(119, A, 22, EXT, 40000, ACK)).accepted()).as("idle 119 s").isTrue();
        assertThat(run(tcp(239, A, 22, EXT, 40000, ACK)).rejected()).as("idle 120 s").isTrue();
    }

    @Test
    void ct3_tcpEstablishedDefaultTimeoutIs432000Seconds() {
        sshFromDocumentationNet();
        handshake(0, EXT, 40000, A, 22);

        assertThat(run(tcp(431_999, A, 22, EXT, 40000, ACK)).accepted()).isTrue();
        assertThat(run(tcp(431_999 + 432_000, A, 22, EXT, 40000, ACK)).rejected()).isTrue();
    }

    @Test
    void ct3_tcpNotYetEstablishedTimesOutAfter60Seconds() {
        sshFromDocumentationNet();
        run(tcp(0, EXT, 40000, A, 22, SYN));
        assertThat(run(tcp(60, A, 22, EXT, 40000, SYN_ACK)).rejected()).as("SYN 60 s ago").isTrue();

        run(tcp(100, EXT, 40001, A, 22, SYN));
        assertThat(run(tcp(159.9, A, 22, EXT, 40001, SYN_ACK)).accepted()).as("SYN 59.9 s ago").isTrue();
        // The handshake is not complete yet: idle 60 s ends it.
        assertThat(run(tcp(219.9, A, 22, EXT, 40001, SYN_ACK)).rejected()).isTrue();
    }

    @Test
    void ct3_tcpEstablishedAfterHandshakeOutlives60Seconds() {
        sshFromDocumentationNet();
        handshake(0, EXT, 40000, A, 22);
        assertThat(run(tcp(300, A, 22, EXT, 40000, ACK)).accepted()).isTrue();
    }

    @Test
    void ct3_udpTimeoutIs30SecondsByDefault() {
        t.sg("sg-a").out("udp", 53, 53, "198.51.100.0/24");

        run(udp(0, A, 40000, EXT2, 53));
        assertThat(run(udp(29.9, EXT2, 53, A, 40000)).accepted()).isTrue();
        run(udp(100, A, 40001, EXT2, 53));
        assertThat(run(udp(130, EXT2, 53, A, 40001)).rejected()).isTrue();
    }

    @Test
    void ct3_udpTimeoutIsConfigurablePerEni() {
        t.sg("sg-a").out("udp", 53, 53, "198.51.100.0/24");
        t.eni("eni-a").connTrack(new ConnTrackConfig(432_000, 60, 180, 0));

        run(udp(0, A, 40000, EXT2, 53));
        assertThat(run(udp(59, EXT2, 53, A, 40000)).accepted()).isTrue();
    }

    @Test
    void ct3_udpStreamAfterSecondRequestResponseExchange() {
        t.sg("sg-a").out("udp", 4500, 4500, "198.51.100.0/24");

        run(udp(0, A, 40000, EXT2, 4500));
        run(udp(1, EXT2, 4500, A, 40000));
        run(udp(2, A, 40000, EXT2, 4500));
        assertThat(run(udp(3, EXT2, 4500, A, 40000)).accepted()).isTrue();
        // Now a stream: 180 s.
        assertThat(run(udp(3 + 179, EXT2, 4500, A, 40000)).accepted()).as("stream, idle 179 s").isTrue();
        assertThat(run(udp(3 + 179 + 180, EXT2, 4500, A, 40000)).rejected()).as("stream, idle 180 s").isTrue();
    }

    @Test
    void ct3_udpOneExchangeIsNotAStream() {
        t.sg("sg-a").out("udp", 4500, 4500, "198.51.100.0/24");

        run(udp(0, A, 40000, EXT2, 4500));
        run(udp(1, EXT2, 4500, A, 40000));
        run(udp(2, A, 40000, EXT2, 4500));
        // Traffic from the initiator after a reply, but no reply again yet: still 30 s.
        assertThat(run(udp(32, EXT2, 4500, A, 40000)).rejected()).isTrue();
    }

    @Test
    void ct3_udpStreamTimeoutIsConfigurablePerEni() {
        t.sg("sg-a").out("udp", 4500, 4500, "198.51.100.0/24");
        t.eni("eni-a").connTrack(new ConnTrackConfig(432_000, 30, 60, 0));

        run(udp(0, A, 40000, EXT2, 4500));
        run(udp(1, EXT2, 4500, A, 40000));
        run(udp(2, A, 40000, EXT2, 4500));
        run(udp(3, EXT2, 4500, A, 40000));
        assertThat(run(udp(62, EXT2, 4500, A, 40000)).accepted()).isTrue();
        assertThat(run(udp(122, EXT2, 4500, A, 40000)).rejected()).isTrue();
    }

    @Test
    void ct3_otherProtocolTimeoutIs600Seconds() {
        t.sg("sg-a").out("47", -1, -1, "0.0.0.0/0");

        run(Packet.other(0, 47, A, EXT, 100));
        assertThat(run(Packet.other(s(599), 47, EXT, A, 100)).accepted()).isTrue();
        assertThat(run(Packet.other(s(1199), 47, EXT, A, 100)).rejected()).isTrue();
    }

    @Test
    void ct3_icmpTimeoutIs60Seconds() {
        t.sg("sg-a").out("icmp", 8, -1, "0.0.0.0/0");

        run(echo(0, A, EXT, true, 1));
        assertThat(run(echo(59, EXT, A, false, 1)).accepted()).isTrue();
        assertThat(run(echo(119, EXT, A, false, 1)).rejected()).isTrue();
    }

    @Test
    void ct3_rstEitherWayLingersFiveSecondsThenRemoved() {
        sshFromDocumentationNet();
        handshake(0, EXT, 40000, A, 22);

        assertThat(run(tcp(10, EXT, 40000, A, 22, RST)).accepted()).isTrue();
        assertThat(run(tcp(14.9, A, 22, EXT, 40000, ACK)).accepted()).as("lingering").isTrue();
        assertThat(run(tcp(15, A, 22, EXT, 40000, ACK)).rejected()).as("removed after 5 s").isTrue();
        assertThat(counters("eni-a").trackedConnections()).isZero();
    }

    @Test
    void ct3_rstFromTheOtherSideAlsoCloses() {
        sshFromDocumentationNet();
        handshake(0, EXT, 40000, A, 22);

        assertThat(run(tcp(10, A, 22, EXT, 40000, RST)).accepted()).isTrue();
        assertThat(run(tcp(15, A, 22, EXT, 40000, ACK)).rejected()).isTrue();
    }

    @Test
    void ct3_closeLingerIsConfigurable() {
        settings = EvaluatorSettings.DEFAULT.withTcpCloseLingerSeconds(1);
        sshFromDocumentationNet();
        handshake(0, EXT, 40000, A, 22);

        run(tcp(10, EXT, 40000, A, 22, RST));
        assertThat(run(tcp(10.9, A, 22, EXT, 40000, ACK)).accepted()).isTrue();
        assertThat(run(tcp(11, A, 22, EXT, 40000, ACK)).rejected()).isTrue();
    }

    @Test
    void ct3_finBothWaysLingersThenRemoved() {
        sshFromDocumentationNet();
        handshake(0, EXT, 40000, A, 22);

        run(tcp(10, EXT, 40000, A, 22, FIN_ACK));
        assertThat(run(tcp(20, A, 22, EXT, 40000, FIN_ACK)).accepted()).as("FIN one way does not close").isTrue();
        assertThat(run(tcp(24.9, A, 22, EXT, 40000, ACK)).accepted()).as("lingering").isTrue();
        assertThat(run(tcp(25, A, 22, EXT, 40000, ACK)).rejected()).isTrue();
    }

    @Test
    void ct3_finOneWayKeepsTheEntry() {
        sshFromDocumentationNet();
        handshake(0, EXT, 40000, A, 22);

        run(tcp(10, EXT, 40000, A, 22, FIN_ACK));
        assertThat(run(tcp(100, A, 22, EXT, 40000, PSH_ACK)).accepted()).isTrue();
    }

    @Test
    void ct3_loosePickupOfNonSynPacketCreatesEstablishedEntry() {
        sshFromDocumentationNet();

        assertThat(run(tcp(0, EXT, 40000, A, 22, PSH_ACK)).accepted()).isTrue();
        assertThat(counters("eni-a").trackedConnections()).isEqualTo(1);
        // Established, so not the 60 s of an incomplete handshake.
        assertThat(run(tcp(100, A, 22, EXT, 40000, ACK)).accepted()).isTrue();
    }

    @Test
    void ct3_rstNeverCreatesEntry() {
        sshFromDocumentationNet();

        assertThat(run(tcp(0, EXT, 40000, A, 22, RST)).accepted()).as("allowed by the rule").isTrue();
        assertThat(counters("eni-a").trackedConnections()).isZero();
        assertThat(run(tcp(0.1, A, 22, EXT, 40000, RST | ACK)).rejected()).isTrue();
    }

    @Test
    void ct3_icmpErrorsAreNotRelatedToTrackedFlows() {
        t.sg("sg-a").out("tcp", 443, 443, "0.0.0.0/0").out("udp", 53, 53, "0.0.0.0/0");
        run(tcp(0, A, 40000, EXT, 443, SYN));
        run(udp(0, A, 40001, EXT, 53));

        Verdict unreachable = run(Packet.icmp(s(0.1), EXT, A, 3, 4, 56));
        assertThat(unreachable.rejected()).as("fragmentation needed, no ICMP rule").isTrue();
        assertThat(unreachable.stage()).isEqualTo(Stage.SG_INGRESS);
        assertThat(run(Packet.icmp(s(0.1), EXT, A, 11, 0, 56)).rejected()).as("time exceeded").isTrue();

        t.sg("sg-a").in("icmp", 3, 4, "0.0.0.0/0");
        applyChanges();
        assertThat(run(Packet.icmp(s(0.2), EXT, A, 3, 4, 56)).accepted()).as("explicit rule for path-MTU").isTrue();
    }

    @Test
    void ct3_icmpErrorsNeitherCreateNorUseEntries() {
        // Decision: an allowed ICMP error leaves no entry behind, so it opens nothing for the other way.
        t.sg("sg-a").in("icmp", 3, -1, "0.0.0.0/0");
        assertThat(run(Packet.icmp(0, EXT, A, 3, 4, 56)).accepted()).isTrue();
        assertThat(counters("eni-a").trackedConnections()).isZero();
        assertThat(run(Packet.icmp(s(0.1), A, EXT, 3, 3, 56)).rejected()).isTrue();
        // A non-error ICMP message (timestamp, 13) is tracked by addresses and protocol.
        t.sg("sg-a").in("icmp", 13, -1, "0.0.0.0/0");
        applyChanges();
        assertThat(run(Packet.icmp(s(1), EXT, A, 13, 0, 40)).accepted()).isTrue();
        assertThat(run(Packet.icmp(s(1.1), A, EXT, 14, 0, 40)).accepted()).as("timestamp reply").isTrue();
    }

    @Test
    void ct3_icmpv6PacketTooBigIsNotRelated() {
        t.sg("sg-a").out("tcp", 443, 443, "::/0");
        run(tcp(0, A6, 40000, EXT6, 443, SYN));
        assertThat(run(Packet.icmp(s(0.1), EXT6, A6, 2, 0, 1280)).rejected()).isTrue();
    }

    @Test
    void ct3_allowanceDropsPacketThatWouldCreateOneEntryTooMany() {
        sshFromDocumentationNet();
        t.eni("eni-a").maxTracked(2);

        assertThat(run(tcp(0, EXT, 40000, A, 22, SYN)).accepted()).isTrue();
        assertThat(run(tcp(0, EXT, 40001, A, 22, SYN)).accepted()).isTrue();
        Verdict third = run(tcp(0, EXT, 40002, A, 22, SYN));
        assertThat(third.action()).isEqualTo(Action.REJECT);
        assertThat(third.stage()).isEqualTo(Stage.CONNTRACK_ALLOWANCE);
        assertThat(third.reason()).isEqualTo("allowance of 2 tracked connections exhausted");
        // Existing connections are unaffected.
        assertThat(run(tcp(0.1, A, 22, EXT, 40000, SYN_ACK)).accepted()).isTrue();
        assertThat(run(tcp(0.1, EXT, 40001, A, 22, ACK)).accepted()).isTrue();

        EniCounters c = counters("eni-a");
        assertThat(c.conntrackAllowanceExceeded()).isEqualTo(1);
        assertThat(c.conntrackAllowanceAvailable()).isZero();
        assertThat(c.trackedConnections()).isEqualTo(2);
        assertThat(c.rejectedPackets(Stage.CONNTRACK_ALLOWANCE)).isEqualTo(1);
    }

    @Test
    void ct3_allowanceHeadroomReturnsWhenEntriesExpire() {
        sshFromDocumentationNet();
        t.eni("eni-a").maxTracked(1);

        run(tcp(0, EXT, 40000, A, 22, SYN));
        assertThat(run(tcp(1, EXT, 40001, A, 22, SYN)).stage()).isEqualTo(Stage.CONNTRACK_ALLOWANCE);
        assertThat(counters("eni-a").conntrackAllowanceAvailable()).isZero();
        // The unanswered SYN's entry is gone after 60 s.
        assertThat(run(tcp(61, EXT, 40002, A, 22, SYN)).accepted()).isTrue();
    }

    @Test
    void ct3_allowanceDoesNotLimitUntrackedFlowsOrUnlimitedEnis() {
        t.sg("sg-a").in("tcp", 22, 22, "0.0.0.0/0").allOut();
        t.eni("eni-a").maxTracked(1);
        t.sg("sg-b").in("tcp", 22, 22, "203.0.113.0/24");

        for (int i = 0; i < 5; i++) {
            assertThat(run(tcp(0, EXT, 40000 + i, A, 22, SYN)).accepted()).as("untracked flow %d", i).isTrue();
            assertThat(run(tcp(0, EXT, 40000 + i, B, 22, SYN)).accepted()).as("no allowance, flow %d", i).isTrue();
        }
        assertThat(counters("eni-a").conntrackAllowanceAvailable()).isEqualTo(1);
        assertThat(counters("eni-b").conntrackAllowanceAvailable()).isEqualTo(-1);
        assertThat(counters("eni-b").trackedConnections()).isEqualTo(5);
    }

    @Test
    void ct3_entryCreatedAtStageOneSurvivesRejectAtLaterStage() {
        // Decision: the packet left eni-a, so eni-a's group tracked it even though subnet-b's NACL dropped it.
        t.sg("sg-a").out("tcp", 5432, 5432, "10.0.2.0/24");
        t.sg("sg-c").allOut();
        t.nacl("acl-b", "vpc-1", false, "subnet-b").out(100, "-1", true, "0.0.0.0/0", null);

        Verdict v = run(tcp(0, A, 40000, C, 5432, SYN));
        assertThat(v.stage()).isEqualTo(Stage.NACL_INGRESS);
        assertThat(counters("eni-a").trackedConnections()).isEqualTo(1);
        assertThat(counters("eni-c").trackedConnections()).isZero();
        // eni-c's packet of the same flow comes back in through eni-a's entry (eni-a has no inbound rules).
        Verdict back = run(tcp(1, C, 5432, A, 40000, RST | ACK));
        assertThat(back.accepted()).isTrue();
        assertThat(last(back)).isEqualTo(new StageDecision(Stage.SG_INGRESS, "eni-a", true, ReferenceEvaluator.CONNTRACK));
    }

    @Test
    void ct3_rejectAtStageOneCreatesNoStateAnywhere() {
        t.sg("sg-c").in("tcp", 5432, 5432, "10.0.1.0/24").allOut();

        assertThat(run(tcp(0, A, 40000, C, 5432, SYN)).stage()).isEqualTo(Stage.SG_EGRESS);
        assertThat(counters("eni-c").trackedConnections()).isZero();
        assertThat(counters("eni-c").acceptedPackets(Stage.SG_INGRESS)).isZero();
    }

    @Test
    void ct3_publicAddressAndItsPrivateAddressShareOneEntry() {
        sshFromDocumentationNet();
        t.eni("eni-a").publicIp("54.0.0.1");

        assertThat(run(tcp(0, EXT, 40000, "54.0.0.1", 22, SYN)).accepted()).isTrue();
        // The reply leaves from the private address (the internet gateway translates it back).
        assertThat(run(tcp(0.1, A, 22, EXT, 40000, SYN_ACK)).trace().get(0).decidedBy()).isEqualTo(ReferenceEvaluator.CONNTRACK);
    }
}
