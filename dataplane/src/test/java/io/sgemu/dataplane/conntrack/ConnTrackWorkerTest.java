package io.sgemu.dataplane.conntrack;

import static io.sgemu.dataplane.conntrack.ConnTrackWorker.ACK;
import static io.sgemu.dataplane.conntrack.ConnTrackWorker.FIN;
import static io.sgemu.dataplane.conntrack.ConnTrackWorker.RST;
import static io.sgemu.dataplane.conntrack.ConnTrackWorker.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The behaviours of SEMANTICS.md section 3 that connection tracking owns, one by one, on the fast table. */
class ConnTrackWorkerTest {

    private static final long S = 1_000_000_000L;
    private static final long T0 = 1_700_000_000L * S;
    private static final long LINGER = 5 * S;

    private final ConnTrackTable table = new ConnTrackTable(1024, LINGER, 4);
    private final ConnTrackWorker worker = table.newWorker();
    private final MutableTimeouts timeouts = new MutableTimeouts(4);

    private static final Flow SSH = Flow.of(6, "10.0.1.10", 40000, "10.0.2.20", 22);
    private static final Flow DNS = Flow.of(17, "10.0.1.10", 53000, "10.0.0.2", 53);

    private int lookup(Flow f, long t) {
        return f.lookup(worker, 0, t, timeouts);
    }

    private int packet(Flow f, int flags, long t) {
        return f.packet(worker, 0, flags, t, timeouts);
    }

    /** A full handshake starting at t; returns the slot. */
    private int handshake(Flow f, long t) {
        int slot = f.insert(worker, 0, SYN, t);
        assertThat(packet(f.reverse(), SYN | ACK, t + 1)).isEqualTo(slot);
        assertThat(packet(f, ACK, t + 2)).isEqualTo(slot);
        assertThat(worker.established(slot)).isTrue();
        return slot;
    }

    // ------------------------------------------------------------------ flow identity

    @Test
    void ct3_allowedPacketCreatesEntryThatAdmitsBothDirections() {
        int slot = SSH.insert(worker, 0, SYN, T0);
        assertThat(slot).isNotNegative();
        assertThat(lookup(SSH, T0 + 1)).isEqualTo(slot);
        assertThat(lookup(SSH.reverse(), T0 + 2)).isEqualTo(slot);
        assertThat(table.entries(0)).isEqualTo(1);
    }

    @Test
    void ct3_flowIdentityIsTheFiveTupleInBothDirections() {
        SSH.insert(worker, 0, SYN, T0);
        assertThat(lookup(Flow.of(6, "10.0.1.10", 40001, "10.0.2.20", 22), T0)).isEqualTo(-1);
        assertThat(lookup(Flow.of(6, "10.0.1.10", 40000, "10.0.2.20", 23), T0)).isEqualTo(-1);
        assertThat(lookup(Flow.of(17, "10.0.1.10", 40000, "10.0.2.20", 22), T0)).isEqualTo(-1);
        assertThat(lookup(Flow.of(6, "10.0.1.11", 40000, "10.0.2.20", 22), T0)).isEqualTo(-1);
        // The ports swapped but not the addresses is another flow.
        assertThat(lookup(Flow.of(6, "10.0.1.10", 22, "10.0.2.20", 40000), T0)).isEqualTo(-1);
    }

    @Test
    void ct3_eachEniTracksIndependently() {
        int a = SSH.insert(worker, 0, SYN, T0);
        assertThat(SSH.lookup(worker, 1, T0, timeouts)).isEqualTo(-1);
        int b = SSH.insert(worker, 1, SYN, T0);
        assertThat(b).isNotEqualTo(a);
        assertThat(table.entries(0)).isEqualTo(1);
        assertThat(table.entries(1)).isEqualTo(1);
        assertThat(SSH.reverse().lookup(worker, 1, T0, timeouts)).isEqualTo(b);
    }

    @Test
    void ct3_icmpEchoReplyMatchesRequestByIdentifier() {
        Flow request = Flow.of(1, "10.0.1.10", 0x1234, "8.8.8.8", 0x1234);
        int slot = request.insert(worker, 0, -1, T0);
        assertThat(lookup(request.reverse(), T0 + 1)).isEqualTo(slot);
        assertThat(lookup(Flow.of(1, "8.8.8.8", 0x1235, "10.0.1.10", 0x1235), T0 + 1)).isEqualTo(-1);
    }

    @Test
    void ct3_icmpv6EchoReplyMatchesRequestByIdentifier() {
        Flow request = Flow.of(58, "2001:db8::10", 7, "2001:db8:1::1", 7);
        int slot = request.insert(worker, 0, -1, T0);
        assertThat(lookup(request.reverse(), T0 + 1)).isEqualTo(slot);
        assertThat(lookup(Flow.of(58, "2001:db8:1::1", 8, "2001:db8::10", 8), T0 + 1)).isEqualTo(-1);
    }

    @Test
    void ct3_otherProtocolsTrackedByAddressesAndProtocol() {
        Flow gre = Flow.of(47, "10.0.1.10", -1, "10.0.2.20", -1);
        int slot = gre.insert(worker, 0, -1, T0);
        assertThat(lookup(gre.reverse(), T0 + 1)).isEqualTo(slot);
        assertThat(lookup(Flow.of(50, "10.0.2.20", -1, "10.0.1.10", -1), T0 + 1)).isEqualTo(-1);
        // Other ICMP messages too: addresses and protocol, ports -1.
        Flow unreachable = Flow.of(1, "10.0.1.10", -1, "10.0.2.20", -1);
        int icmp = unreachable.insert(worker, 0, -1, T0);
        assertThat(icmp).isNotEqualTo(slot);
        assertThat(lookup(unreachable.reverse(), T0 + 1)).isEqualTo(icmp);
    }

    @Test
    void ct3_ipv4AndIpv6AddressesWithTheSameBitsAreDifferentFlows() {
        Flow v4 = Flow.of(17, "10.0.1.10", 1000, "10.0.2.20", 2000);
        Flow v6 = Flow.of(17, "::10.0.1.10", 1000, "::10.0.2.20", 2000);
        assertThat(v6.src().lo()).isEqualTo(v4.src().lo());
        v4.insert(worker, 0, -1, T0);
        assertThat(lookup(v6, T0)).isEqualTo(-1);
        int slot = v6.insert(worker, 0, -1, T0);
        assertThat(lookup(v6.reverse(), T0)).isEqualTo(slot);
        assertThat(table.entries(0)).isEqualTo(2);
    }

    @Test
    void ct3_laterFragmentIsAFlowOfItsOwn() {
        SSH.insert(worker, 0, SYN, T0);
        Flow fragment = Flow.of(6, "10.0.1.10", -1, "10.0.2.20", -1);
        assertThat(lookup(fragment, T0)).isEqualTo(-1);
        int slot = fragment.insert(worker, 0, -1, T0);
        // No flags: picked up as established, like any TCP packet without SYN.
        assertThat(worker.established(slot)).isTrue();
        assertThat(lookup(fragment.reverse(), T0 + 1)).isEqualTo(slot);
    }

    // ------------------------------------------------------------------ TCP

    @Test
    void ct3_tcpNotYetEstablishedTimesOutAfter60Seconds() {
        int slot = SSH.insert(worker, 0, SYN, T0);
        assertThat(worker.established(slot)).isFalse();
        assertThat(lookup(SSH, T0 + 60 * S - 1)).isEqualTo(slot);
        // Idle time counts from the last packet, and the entry is gone once it reaches the timeout.
        assertThat(lookup(SSH, T0 + 120 * S - 1)).isEqualTo(-1);
        assertThat(table.entries(0)).isZero();
    }

    @Test
    void ct3_entryIsGoneOnceIdleTimeReachesTheTimeout() {
        int slot = SSH.insert(worker, 0, SYN, T0);
        assertThat(lookup(SSH, T0 + 60 * S - 1)).isEqualTo(slot);
        // The lookup above did not refresh the entry (only update does).
        assertThat(lookup(SSH, T0 + 60 * S)).isEqualTo(-1);
    }

    @Test
    void ct3_tcpEstablishedAfterHandshakeOutlives60Seconds() {
        int slot = handshake(SSH, T0);
        assertThat(lookup(SSH, T0 + 2 + 3600 * S)).isEqualTo(slot);
        assertThat(lookup(SSH, T0 + 2 + 432_000 * S - 1)).isEqualTo(slot);
        assertThat(lookup(SSH, T0 + 2 + 432_000 * S)).isEqualTo(-1);
    }

    @Test
    void ct3_tcpHandshakeNeedsTheAckAnsweringTheOtherSidesSynAck() {
        int slot = SSH.insert(worker, 0, SYN, T0);
        packet(SSH, ACK, T0 + 1);
        assertThat(worker.established(slot)).isFalse();
        packet(SSH.reverse(), SYN | ACK, T0 + 2);
        packet(SSH.reverse(), ACK, T0 + 3);
        assertThat(worker.established(slot)).as("the ACK must come from the other side").isFalse();
        packet(SSH, ACK, T0 + 4);
        assertThat(worker.established(slot)).isTrue();
    }

    @Test
    void ct3_tcpLoosePickupWithoutSynCreatesAnEstablishedEntry() {
        int slot = SSH.insert(worker, 0, ACK, T0);
        assertThat(worker.established(slot)).isTrue();
        assertThat(lookup(SSH.reverse(), T0 + 61 * S)).isEqualTo(slot);
    }

    @Test
    void ct3_tcpEstablishedTimeoutIsPerEniAndReadAtLookup() {
        timeouts.tcpEstablished[1] = 120;
        int slot0 = SSH.insert(worker, 0, ACK, T0);
        int slot1 = SSH.insert(worker, 1, ACK, T0);
        assertThat(SSH.lookup(worker, 1, T0 + 120 * S, timeouts)).isEqualTo(-1);
        assertThat(SSH.lookup(worker, 0, T0 + 120 * S, timeouts)).isEqualTo(slot0);
        assertThat(slot1).isNotEqualTo(slot0);
        // A configuration change applies to live entries.
        timeouts.tcpEstablished[0] = 100;
        worker.timeoutsChanged();
        assertThat(SSH.lookup(worker, 0, T0 + 120 * S, timeouts)).isEqualTo(-1);
    }

    @Test
    void ct3_rstEitherWayLingersFiveSecondsThenRemoved() {
        int slot = handshake(SSH, T0);
        long rst = T0 + 10 * S;
        assertThat(packet(SSH, RST, rst)).isEqualTo(slot);
        assertThat(worker.closing(slot)).isTrue();
        assertThat(lookup(SSH.reverse(), rst + LINGER - 1)).isEqualTo(slot);
        assertThat(lookup(SSH.reverse(), rst + LINGER)).isEqualTo(-1);
    }

    @Test
    void ct3_rstFromTheOtherSideAlsoCloses() {
        int slot = handshake(SSH, T0);
        packet(SSH.reverse(), RST | ACK, T0 + S);
        assertThat(worker.closing(slot)).isTrue();
        assertThat(lookup(SSH, T0 + S + LINGER)).isEqualTo(-1);
    }

    @Test
    void ct3_lingerIsNotExtendedByLaterPackets() {
        int slot = handshake(SSH, T0);
        long rst = T0 + S;
        packet(SSH, RST, rst);
        assertThat(packet(SSH.reverse(), ACK, rst + 3 * S)).isEqualTo(slot);
        assertThat(packet(SSH, RST, rst + 4 * S)).isEqualTo(slot);
        assertThat(lookup(SSH, rst + LINGER - 1)).isEqualTo(slot);
        assertThat(lookup(SSH, rst + LINGER)).isEqualTo(-1);
    }

    @Test
    void ct3_finBothWaysStartsTheLinger() {
        int slot = handshake(SSH, T0);
        packet(SSH, FIN | ACK, T0 + S);
        assertThat(worker.closing(slot)).as("FIN one way").isFalse();
        packet(SSH.reverse(), ACK, T0 + 2 * S);
        long secondFin = T0 + 3 * S;
        packet(SSH.reverse(), FIN | ACK, secondFin);
        assertThat(worker.closing(slot)).isTrue();
        assertThat(lookup(SSH, secondFin + LINGER - 1)).isEqualTo(slot);
        assertThat(lookup(SSH, secondFin + LINGER)).isEqualTo(-1);
    }

    @Test
    void ct3_finOneWayDoesNotClose() {
        int slot = handshake(SSH, T0);
        packet(SSH, FIN | ACK, T0 + S);
        packet(SSH, FIN | ACK, T0 + 2 * S);
        assertThat(worker.closing(slot)).isFalse();
        assertThat(lookup(SSH, T0 + 3600 * S)).isEqualTo(slot);
    }

    @Test
    void ct3_closeLingerIsConfigurable() {
        ConnTrackTable t = new ConnTrackTable(64, 2 * S, 1);
        ConnTrackWorker w = t.newWorker();
        int slot = SSH.insert(w, 0, ACK, T0);
        SSH.packet(w, 0, RST, T0, timeouts);
        assertThat(SSH.lookup(w, 0, T0 + 2 * S - 1, timeouts)).isEqualTo(slot);
        assertThat(SSH.lookup(w, 0, T0 + 2 * S, timeouts)).isEqualTo(-1);
    }

    @Test
    void ct3_rstNeverCreatesAnEntry() {
        assertThat(packet(SSH, RST, T0)).isEqualTo(-1);
        assertThat(lookup(SSH, T0)).isEqualTo(-1);
        assertThat(table.entries(0)).isZero();
    }

    // ------------------------------------------------------------------ UDP, ICMP, others

    @Test
    void ct3_udpTimeoutIs30SecondsByDefault() {
        int slot = DNS.insert(worker, 0, -1, T0);
        assertThat(lookup(DNS.reverse(), T0 + 30 * S - 1)).isEqualTo(slot);
        assertThat(lookup(DNS.reverse(), T0 + 30 * S)).isEqualTo(-1);
    }

    @Test
    void ct3_udpTimeoutIsConfigurablePerEni() {
        timeouts.udp[0] = 45;
        int slot = DNS.insert(worker, 0, -1, T0);
        assertThat(lookup(DNS, T0 + 45 * S - 1)).isEqualTo(slot);
        assertThat(lookup(DNS, T0 + 45 * S)).isEqualTo(-1);
    }

    @Test
    void ct3_udpStreamAfterSecondRequestResponseExchange() {
        int slot = DNS.insert(worker, 0, -1, T0);
        packet(DNS.reverse(), -1, T0 + 1);
        assertThat(worker.stream(slot)).isFalse();
        packet(DNS, -1, T0 + 2);
        assertThat(worker.stream(slot)).isFalse();
        packet(DNS.reverse(), -1, T0 + 3);
        assertThat(worker.stream(slot)).isTrue();
        assertThat(lookup(DNS, T0 + 3 + 180 * S - 1)).isEqualTo(slot);
        assertThat(lookup(DNS, T0 + 3 + 180 * S)).isEqualTo(-1);
    }

    @Test
    void ct3_udpOneExchangeIsNotAStream() {
        int slot = DNS.insert(worker, 0, -1, T0);
        packet(DNS.reverse(), -1, T0 + 1);
        packet(DNS.reverse(), -1, T0 + 2);
        packet(DNS, -1, T0 + 3);
        assertThat(worker.stream(slot)).isFalse();
        assertThat(lookup(DNS, T0 + 3 + 30 * S)).isEqualTo(-1);
    }

    @Test
    void ct3_udpStreamTimeoutIsConfigurablePerEni() {
        timeouts.udpStream[0] = 60;
        int slot = DNS.insert(worker, 0, -1, T0);
        packet(DNS.reverse(), -1, T0 + 1);
        packet(DNS, -1, T0 + 2);
        packet(DNS.reverse(), -1, T0 + 3);
        assertThat(lookup(DNS, T0 + 3 + 60 * S - 1)).isEqualTo(slot);
        assertThat(lookup(DNS, T0 + 3 + 60 * S)).isEqualTo(-1);
    }

    @Test
    void ct3_icmpTimeoutIs60Seconds() {
        Flow ping = Flow.of(1, "10.0.1.10", 9, "10.0.2.20", 9);
        int slot = ping.insert(worker, 0, -1, T0);
        assertThat(lookup(ping.reverse(), T0 + 60 * S - 1)).isEqualTo(slot);
        assertThat(lookup(ping.reverse(), T0 + 60 * S)).isEqualTo(-1);
    }

    @Test
    void ct3_otherProtocolTimeoutIs600Seconds() {
        Flow esp = Flow.of(50, "10.0.1.10", -1, "203.0.113.9", -1);
        int slot = esp.insert(worker, 0, -1, T0);
        assertThat(lookup(esp.reverse(), T0 + 600 * S - 1)).isEqualTo(slot);
        assertThat(lookup(esp.reverse(), T0 + 600 * S)).isEqualTo(-1);
    }

    // ------------------------------------------------------------------ allowance, expiry, table

    @Test
    void ct3_allowanceCountsExactlyTheEntriesAliveNow() {
        for (int i = 0; i < 10; i++) {
            Flow.of(17, "10.0.1.10", 1000 + i, "10.0.0.2", 53).insert(worker, 0, -1, T0 + i * S);
        }
        Flow.of(17, "10.0.1.10", 999, "10.0.0.2", 53).insert(worker, 1, -1, T0);
        assertThat(worker.liveEntries(0, T0 + 29 * S, timeouts)).isEqualTo(10);
        // Entry i is gone at T0 + i s + 30 s exactly.
        assertThat(worker.liveEntries(0, T0 + 30 * S, timeouts)).isEqualTo(9);
        assertThat(worker.liveEntries(0, T0 + 34 * S - 1, timeouts)).isEqualTo(6);
        assertThat(worker.liveEntries(0, T0 + 34 * S, timeouts)).isEqualTo(5);
        assertThat(worker.liveEntries(1, T0 + 34 * S, timeouts)).isZero();
        assertThat(table.size()).isEqualTo(5);
        assertThat(worker.liveEntries(0, T0 + 40 * S, timeouts)).isZero();
    }

    @Test
    void ct3_allowanceSeesShorterTimeoutsAfterAChange() {
        for (int i = 0; i < 5; i++) {
            Flow.of(6, "10.0.1.10", 1000 + i, "10.0.0.2", 443).insert(worker, 2, ACK, T0);
        }
        assertThat(worker.liveEntries(2, T0 + 3600 * S, timeouts)).isEqualTo(5);
        timeouts.tcpEstablished[2] = 60;
        worker.timeoutsChanged();
        assertThat(worker.liveEntries(2, T0 + 3600 * S, timeouts)).isZero();
        assertThat(worker.listedEntries()).isZero();
    }

    @Test
    void ct3_allowanceForgetsAClosedConnectionOnceTheLingerHasPassed() {
        int slot = handshake(SSH, T0);
        // Counted once before the close, so the entry waits for its five idle days in the schedule.
        assertThat(worker.liveEntries(0, T0 + 50 * S, timeouts)).isEqualTo(1);
        long rst = T0 + 100 * S;
        packet(SSH.reverse(), RST, rst);
        assertThat(worker.liveEntries(0, rst + LINGER - 1, timeouts)).isEqualTo(1);
        assertThat(worker.liveEntries(0, rst + LINGER, timeouts)).isZero();
        assertThat(slot).isNotNegative();
    }

    @Test
    void ct3_allowanceSeesAStreamWithAShorterTimeoutExpire() {
        timeouts.udp[0] = 60;
        timeouts.udpStream[0] = 10;
        DNS.insert(worker, 0, -1, T0);
        assertThat(worker.liveEntries(0, T0 + 1, timeouts)).isEqualTo(1);
        packet(DNS.reverse(), -1, T0 + 1);
        packet(DNS, -1, T0 + 2);
        packet(DNS.reverse(), -1, T0 + 3);
        assertThat(worker.liveEntries(0, T0 + 3 + 10 * S - 1, timeouts)).isEqualTo(1);
        assertThat(worker.liveEntries(0, T0 + 3 + 10 * S, timeouts)).isZero();
    }

    @Test
    void expireDueDoesBoundedWorkAndEventuallyRemovesEverythingDue() {
        for (int i = 0; i < 300; i++) {
            Flow.of(17, "10.0.1.10", 1000 + i, "10.0.0.2", 53).insert(worker, 0, -1, T0 + i);
        }
        long later = T0 + 31 * S;
        assertThat(worker.expireDue(later, timeouts, 10)).isFalse();
        long left = table.entries(0);
        assertThat(left).isBetween(291L, 299L);
        int calls = 0;
        while (!worker.expireDue(later, timeouts, 10)) {
            calls++;
            assertThat(calls).isLessThan(1000);
        }
        assertThat(table.entries(0)).isZero();
        assertThat(worker.listedEntries()).isZero();
    }

    @Test
    void expiredEntryFoundByLookupIsRemovedAndCounted() {
        DNS.insert(worker, 0, -1, T0);
        assertThat(table.entries(0)).isEqualTo(1);
        assertThat(lookup(DNS, T0 + 31 * S)).isEqualTo(-1);
        assertThat(table.entries(0)).isZero();
        assertThat(table.size()).isZero();
        assertThat(worker.listedEntries()).isZero();
    }

    @Test
    void insertOfALiveKeyReplacesTheEntryAsTheReferencePutDoes() {
        int slot = handshake(SSH, T0);
        int again = SSH.reverse().insert(worker, 0, SYN, T0 + 5);
        assertThat(again).isEqualTo(slot);
        assertThat(worker.established(slot)).isFalse();
        assertThat(table.entries(0)).isEqualTo(1);
        assertThat(worker.listedEntries()).isEqualTo(1);
        assertThat(lookup(SSH, T0 + 5 + 60 * S)).isEqualTo(-1);
    }

    @Test
    void removeFreesTheSlotForReuse() {
        int slot = SSH.insert(worker, 0, SYN, T0);
        worker.remove(slot);
        assertThat(lookup(SSH, T0)).isEqualTo(-1);
        assertThat(table.entries(0)).isZero();
        assertThat(SSH.insert(worker, 0, SYN, T0)).as("the tombstone is reused").isEqualTo(slot);
    }

    @Test
    void fullTableRefusesInsertsAndKeepsEveryEntry() {
        ConnTrackTable small = new ConnTrackTable(8, LINGER, 2);
        ConnTrackWorker w = small.newWorker();
        int[] slots = new int[8];
        for (int i = 0; i < 8; i++) {
            slots[i] = Flow.of(6, "10.0.0.1", 1000 + i, "10.0.0.2", 80).insert(w, i % 2, ACK, T0);
            assertThat(slots[i]).isNotNegative();
        }
        assertThat(Flow.of(6, "10.0.0.1", 2000, "10.0.0.2", 80).insert(w, 0, ACK, T0)).isEqualTo(-1);
        assertThat(Flow.of(6, "2001:db8::1", 2000, "2001:db8::2", 80).insert(w, 1, ACK, T0)).isEqualTo(-1);
        assertThat(small.entries(0)).isEqualTo(4);
        assertThat(small.entries(1)).isEqualTo(4);
        for (int i = 0; i < 8; i++) {
            Flow f = Flow.of(6, "10.0.0.2", 80, "10.0.0.1", 1000 + i);
            assertThat(f.lookup(w, i % 2, T0 + S, timeouts)).isEqualTo(slots[i]);
            assertThat(w.established(slots[i])).isTrue();
        }
        // One entry closes and goes: its slot takes the next flow.
        Flow.of(6, "10.0.0.1", 1003, "10.0.0.2", 80).packet(w, 1, RST, T0 + S, timeouts);
        assertThat(w.liveEntries(1, T0 + S + LINGER, timeouts)).isEqualTo(3);
        assertThat(Flow.of(6, "10.0.0.1", 2000, "10.0.0.2", 80).insert(w, 0, ACK, T0 + S + LINGER))
                .isEqualTo(slots[3]);
        assertThat(small.size()).isEqualTo(8);
    }

    @Test
    void probesStayCorrectAndShortWhenEveryFreeSlotIsATombstone() {
        ConnTrackTable small = new ConnTrackTable(64, LINGER, 1);
        ConnTrackWorker w = small.newWorker();
        int[] slots = new int[40];
        for (int round = 0; round < 60; round++) {
            for (int i = 0; i < 40; i++) {
                slots[i] = Flow.of(17, "10.0.0.1", round * 100 + i, "10.0.0.2", 53).insert(w, 0, -1, T0);
                assertThat(slots[i]).isNotNegative();
            }
            for (int i = 0; i < 40; i++) {
                w.remove(slots[i]);
            }
        }
        int empty = 0;
        for (int s = 0; s < 64; s++) {
            empty += ConnTrackSlotLayout.state(small.control(s)) == ConnTrackSlotLayout.EMPTY ? 1 : 0;
        }
        assertThat(empty).as("churn has turned every slot into a tombstone").isZero();
        for (int i = 0; i < 40; i++) {
            slots[i] = Flow.of(17, "10.0.0.1", 9000 + i, "10.0.0.2", 53).insert(w, 0, -1, T0);
        }
        for (int i = 0; i < 40; i++) {
            assertThat(Flow.of(17, "10.0.0.2", 53, "10.0.0.1", 9000 + i).lookup(w, 0, T0, timeouts)).isEqualTo(slots[i]);
        }
        assertThat(Flow.of(17, "10.0.0.1", 100, "10.0.0.2", 53).lookup(w, 0, T0, timeouts)).isEqualTo(-1);
        assertThat(small.entries(0)).isEqualTo(40);
        assertThat(small.maxProbeDistance()).isLessThan(40);
    }

    @Test
    void tableSpreadOverSeveralBlocksBehavesAsOne() {
        // 8 slots per block, 13 blocks (the last one partial).
        ConnTrackTable blocks = new ConnTrackTable(100, LINGER, 1, 128, 3);
        ConnTrackWorker w = blocks.newWorker();
        for (int i = 0; i < 90; i++) {
            assertThat(Flow.of(17, "2001:db8::1", i, "2001:db8::2", 53).insert(w, 0, -1, T0 + i)).isNotNegative();
        }
        for (int i = 0; i < 90; i++) {
            assertThat(Flow.of(17, "2001:db8::2", 53, "2001:db8::1", i).lookup(w, 0, T0 + 100, timeouts))
                    .isBetween(0, 99);
        }
        assertThat(w.liveEntries(0, T0 + 30 * S + 44, timeouts)).isEqualTo(45);
        assertThat(blocks.memoryBytes()).isEqualTo(6400);
    }

    @Test
    void slotLayoutFitsOneCacheLine() {
        int[][] fields = {
                {ConnTrackSlotLayout.CONTROL_OFFSET, 4}, {ConnTrackSlotLayout.PORTS_OFFSET, 4},
                {ConnTrackSlotLayout.NEXT_OFFSET, 4}, {ConnTrackSlotLayout.PREV_OFFSET, 4},
                {ConnTrackSlotLayout.LAST_SEEN_OFFSET, 8}, {ConnTrackSlotLayout.ENI_CLOSING_OFFSET, 8},
                {ConnTrackSlotLayout.LOW_HI_OFFSET, 8}, {ConnTrackSlotLayout.LOW_LO_OFFSET, 8},
                {ConnTrackSlotLayout.HIGH_HI_OFFSET, 8}, {ConnTrackSlotLayout.HIGH_LO_OFFSET, 8}};
        boolean[] used = new boolean[ConnTrackSlotLayout.SLOT_LENGTH];
        for (int[] f : fields) {
            assertThat(f[0] % f[1]).as("aligned").isZero();
            for (int i = f[0]; i < f[0] + f[1]; i++) {
                assertThat(used[i]).as("byte " + i + " used twice").isFalse();
                used[i] = true;
            }
        }
        assertThat(ConnTrackTable.bytesPerEntry()).isEqualTo(64).isEqualTo(1 << ConnTrackSlotLayout.SLOT_SHIFT);
        assertThat(ConnTrackSlotLayout.KEY_MASK & ConnTrackSlotLayout.CONNECTION_STATE_MASK).isZero();
        assertThat(ConnTrackSlotLayout.KEY_MASK & ConnTrackSlotLayout.ORIGIN_HIGH).isZero();
        assertThat(Integer.bitCount(ConnTrackSlotLayout.OWNER_MASK)).isEqualTo(ConnTrackSlotLayout.OWNER_BITS);
    }

    @Test
    void closeLingerTooLongForTheSlotIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new ConnTrackTable(8, ConnTrackSlotLayout.MAX_LINGER_NANOS, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("linger");
    }
}
