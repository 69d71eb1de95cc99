package io.sgemu.control.reference;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.control.model.Protocols;
import io.sgemu.dataplane.flowlog.FlowObservation;
import io.sgemu.dataplane.net.IpAddress;
import org.junit.jupiter.api.Test;

/**
 * IP fragments (the README's "IP fragments" section): a later fragment gets its datagram's first
 * fragment's verdict; a later fragment without a remembered first fragment is rejected with its own
 * reason; the table is bounded in size and time.
 */
class FragmentTest extends EvaluatorTestSupport {

    /** eni-a accepts HTTPS from anywhere (port 443 only: a port-less packet matches no rule). */
    private void httpsOnly() {
        t.sg("sg-a").in("tcp", 443, 443, "0.0.0.0/0");
    }

    private Verdict first(double at, String src, int sport, String dst, int dport, long id) {
        return ev().evaluate(tcp(at, src, sport, dst, dport, SYN), Fragment.first(id));
    }

    private Verdict later(double at, String src, String dst, long id, int length) {
        Packet p = new Packet(s(at), Protocols.TCP, IpAddress.parse(src), IpAddress.parse(dst), -1, -1, -1, -1, -1, -1,
                length);
        return ev().evaluate(p, Fragment.later(id));
    }

    @Test
    void frag_laterFragmentGetsTheFirstFragmentsAccept() {
        httpsOnly();
        assertThat(first(0, EXT, 40000, A, 443, 7).accepted()).isTrue();
        Verdict v = later(0.001, EXT, A, 7, 500);
        assertThat(v.accepted()).as("accepted although no rule covers every port").isTrue();
        assertThat(v.dstEniId()).isEqualTo("eni-a");
        // Judged without fragment information, the same packet matches no rule.
        Packet portless = new Packet(s(0.002), Protocols.TCP, IpAddress.parse(EXT), IpAddress.parse(A), -1, -1, -1, -1,
                -1, -1, 500);
        assertThat(ev().evaluate(portless).rejected()).isTrue();
    }

    @Test
    void frag_laterFragmentGetsTheFirstFragmentsRejectAndStage() {
        httpsOnly();
        Verdict f = first(0, EXT, 40000, A, 22, 9);
        assertThat(f.stage()).isEqualTo(Stage.SG_INGRESS);
        Verdict v = later(0.001, EXT, A, 9, 500);
        assertThat(v.rejected()).isTrue();
        assertThat(v.stage()).isEqualTo(Stage.SG_INGRESS);
    }

    @Test
    void frag_orphanIsRejectedWithItsOwnReasonAndCountedAtNoStage() {
        httpsOnly();
        first(0, EXT, 40000, A, 443, 7);
        Verdict v = later(0.001, EXT, A, 8, 500);
        assertThat(v.rejected()).isTrue();
        assertThat(v.stage()).isNull();
        assertThat(v.reason()).isEqualTo(ReferenceEvaluator.FRAGMENT_WITHOUT_FIRST);
        assertThat(v.dstEniId()).isEqualTo("eni-a");
        assertThat(v.observations()).as("not logged").isEmpty();
        assertThat(counters("eni-a").acceptedPackets(Stage.SG_INGRESS)).isEqualTo(1);
        assertThat(counters("eni-a").rejectedPackets(Stage.SG_INGRESS)).isZero();
    }

    @Test
    void frag_datagramIsSourceDestinationProtocolAndId() {
        httpsOnly();
        t.sg("sg-a").in("udp", 443, 443, "0.0.0.0/0");
        first(0, EXT, 40000, A, 443, 7);
        assertThat(later(0.001, EXT2, A, 7, 100).reason()).as("other source").isEqualTo(ReferenceEvaluator.FRAGMENT_WITHOUT_FIRST);
        Packet udp = new Packet(s(0.002), Protocols.UDP, IpAddress.parse(EXT), IpAddress.parse(A), -1, -1, -1, -1, -1, -1, 100);
        assertThat(ev().evaluate(udp, Fragment.later(7)).reason()).as("other protocol")
                .isEqualTo(ReferenceEvaluator.FRAGMENT_WITHOUT_FIRST);
        assertThat(later(0.003, EXT, A, 7, 100).accepted()).as("the datagram itself").isTrue();
    }

    @Test
    void frag_ipv6FragmentsAreTrackedTheSameWay() {
        t.sg("sg-a").in("tcp", 443, 443, "::/0");
        assertThat(first(0, EXT6, 40000, A6, 443, 0xDEADBEEFL).accepted()).isTrue();
        assertThat(later(0.001, EXT6, A6, 0xDEADBEEFL, 1000).accepted()).isTrue();
        assertThat(later(0.001, EXT6, A6, 0xDEADBEEEL, 1000).reason()).isEqualTo(ReferenceEvaluator.FRAGMENT_WITHOUT_FIRST);
    }

    @Test
    void frag_firstFragmentIsForgottenAfterTheTimeout() {
        settings = EvaluatorSettings.DEFAULT.withFragments(10, 100);
        httpsOnly();
        first(0, EXT, 40000, A, 443, 7);
        assertThat(later(9.999, EXT, A, 7, 100).accepted()).as("within the timeout").isTrue();
        assertThat(later(10, EXT, A, 7, 100).reason()).as("at the timeout").isEqualTo(ReferenceEvaluator.FRAGMENT_WITHOUT_FIRST);
    }

    @Test
    void frag_aNewFirstFragmentOfTheSameDatagramStartsAfresh() {
        settings = EvaluatorSettings.DEFAULT.withFragments(10, 100);
        httpsOnly();
        first(0, EXT, 40000, A, 443, 7);
        assertThat(first(8, EXT, 40001, A, 22, 7).rejected()).isTrue();
        Verdict v = later(15, EXT, A, 7, 100);
        assertThat(v.rejected()).as("the second first fragment's verdict, timed from the second").isTrue();
        assertThat(v.stage()).isEqualTo(Stage.SG_INGRESS);
    }

    @Test
    void frag_aFullTableRemembersNoNewDatagram() {
        settings = EvaluatorSettings.DEFAULT.withFragments(10, 1);
        httpsOnly();
        first(0, EXT, 40000, A, 443, 1);
        first(1, EXT, 40001, A, 443, 2);
        assertThat(later(2, EXT, A, 1, 100).accepted()).as("the first datagram stays").isTrue();
        assertThat(later(2, EXT, A, 2, 100).reason()).as("no room for the second")
                .isEqualTo(ReferenceEvaluator.FRAGMENT_WITHOUT_FIRST);
        // Once the first datagram expires there is room again.
        first(10, EXT, 40002, A, 443, 3);
        assertThat(later(11, EXT, A, 3, 100).accepted()).isTrue();
    }

    @Test
    void frag_laterFragmentIsCountedAndLoggedUnderTheFirstFragmentsPorts() {
        httpsOnly();
        first(0, EXT, 40000, A, 443, 7);
        Verdict v = later(0.5, EXT, A, 7, 1480);
        assertThat(counters("eni-a").acceptedPackets(Stage.SG_INGRESS)).isEqualTo(2);
        assertThat(counters("eni-a").acceptedBytes(Stage.SG_INGRESS)).isEqualTo(60 + 1480);
        assertThat(v.observations()).hasSize(1);
        FlowObservation o = v.observations().get(0);
        assertThat(o.srcport()).isEqualTo(40000);
        assertThat(o.dstport()).isEqualTo(443);
        assertThat(o.tcpFlags()).as("flags belong to the first fragment").isZero();
        assertThat(o.bytes()).isEqualTo(1480);
        assertThat(o.timeNanos()).isEqualTo(s(0.5));
        assertThat(o.ingress()).isTrue();
        assertThat(o.accept()).isTrue();
    }

    @Test
    void frag_laterFragmentDoesNotRefreshTheTrackedConnection() {
        // eni-a may send UDP 53 anywhere; replies come back through the entry, idle timeout 30 s.
        t.sg("sg-a").out("udp", 53, 53, "0.0.0.0/0");
        Packet query = Packet.udp(s(0), A, 5353, EXT, 53, 1500);
        assertThat(ev().evaluate(query, Fragment.first(3)).accepted()).isTrue();
        Packet tail = new Packet(s(25), Protocols.UDP, IpAddress.parse(A), IpAddress.parse(EXT), -1, -1, -1, -1, -1, -1, 600);
        assertThat(ev().evaluate(tail, Fragment.later(3)).accepted()).isTrue();
        // Had the later fragment refreshed the entry, it would live until 55 s.
        assertThat(run(udp(40, EXT, 53, A, 5353)).rejected()).as("entry expired 30 s after the first fragment").isTrue();
    }

    @Test
    void frag_laterFragmentOfNoEniTrafficIsSkippedNotOrphaned() {
        Verdict v = later(0, EXT, EXT2, 5, 100);
        assertThat(v.action()).isEqualTo(Action.SKIP);
        assertThat(v.reason()).isEqualTo(Verdict.NO_ENI);
    }
}
