package io.sgemu.dataplane.flowlog;

import io.sgemu.dataplane.flowlog.FlowLogRecord.Action;
import io.sgemu.dataplane.flowlog.FlowLogRecord.FlowDirection;
import io.sgemu.dataplane.flowlog.FlowLogRecord.LogStatus;
import io.sgemu.dataplane.flowlog.FlowLogRecord.TrafficType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.sgemu.dataplane.flowlog.Observations.ACK;
import static io.sgemu.dataplane.flowlog.Observations.FIN;
import static io.sgemu.dataplane.flowlog.Observations.ICMP;
import static io.sgemu.dataplane.flowlog.Observations.PSH;
import static io.sgemu.dataplane.flowlog.Observations.RST;
import static io.sgemu.dataplane.flowlog.Observations.SYN;
import static io.sgemu.dataplane.flowlog.Observations.TCP;
import static io.sgemu.dataplane.flowlog.Observations.eni;
import static io.sgemu.dataplane.flowlog.Observations.ip;
import static io.sgemu.dataplane.flowlog.Observations.packet;
import static io.sgemu.dataplane.flowlog.Observations.seconds;
import static io.sgemu.dataplane.flowlog.Observations.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlowLogAggregatorTest {

    /** A Unix time that is a multiple of 600 (and so of 60). */
    private static final long T0 = 1_699_999_800L;

    private static final FlowLogEni A = eni("eni-aaaaaaaaaaaaaaaaa");
    private static final FlowLogEni B = eni("eni-bbbbbbbbbbbbbbbbb");

    private final CollectingFlowLogSink sink = new CollectingFlowLogSink();

    private FlowLogAggregator aggregator(int interval) {
        return new FlowLogAggregator(interval, sink);
    }

    @Test
    void fl6_requestAndReplyAreTwoRecords() {
        FlowLogAggregator agg = aggregator(60);
        // A (10.0.0.5) opens a connection to B (10.0.1.9:80); each ENI logs both directions
        agg.observe(tcp(A, false, "10.0.0.5", 40000, "10.0.1.9", 80, SYN, 60, seconds(T0 + 1)));
        agg.observe(tcp(B, true, "10.0.0.5", 40000, "10.0.1.9", 80, SYN, 60, seconds(T0 + 1)));
        agg.observe(tcp(B, false, "10.0.1.9", 80, "10.0.0.5", 40000, SYN | ACK, 60, seconds(T0 + 2)));
        agg.observe(tcp(A, true, "10.0.1.9", 80, "10.0.0.5", 40000, SYN | ACK, 60, seconds(T0 + 2)));
        agg.observe(tcp(A, false, "10.0.0.5", 40000, "10.0.1.9", 80, ACK, 52, seconds(T0 + 3)));
        agg.observe(tcp(B, true, "10.0.0.5", 40000, "10.0.1.9", 80, ACK, 52, seconds(T0 + 3)));
        agg.finish();

        assertThat(sink.records).hasSize(4);
        List<String> lines = sink.records.stream().map(FlowLogFormat.DEFAULT::format).toList();
        assertThat(lines).containsExactly(
                "2 123456789010 eni-aaaaaaaaaaaaaaaaa 10.0.0.5 10.0.1.9 40000 80 6 2 112 " + (T0 + 1) + " " + (T0 + 3) + " ACCEPT OK",
                "2 123456789010 eni-aaaaaaaaaaaaaaaaa 10.0.1.9 10.0.0.5 80 40000 6 1 60 " + (T0 + 2) + " " + (T0 + 2) + " ACCEPT OK",
                "2 123456789010 eni-bbbbbbbbbbbbbbbbb 10.0.0.5 10.0.1.9 40000 80 6 2 112 " + (T0 + 1) + " " + (T0 + 3) + " ACCEPT OK",
                "2 123456789010 eni-bbbbbbbbbbbbbbbbb 10.0.1.9 10.0.0.5 80 40000 6 1 60 " + (T0 + 2) + " " + (T0 + 2) + " ACCEPT OK");
        assertThat(sink.records).extracting(FlowLogRecord::flowDirection).containsExactly(
                FlowDirection.EGRESS, FlowDirection.INGRESS, FlowDirection.INGRESS, FlowDirection.EGRESS);
    }

    @Test
    void fl6_acceptAndRejectOfOneTupleAreTwoRecords() {
        FlowLogAggregator agg = aggregator(60);
        agg.observe(packet(A, true, true, "10.0.1.9", "10.0.0.5", 5000, 53, 17, 0, 80, seconds(T0 + 1)));
        agg.observe(packet(A, true, false, "10.0.1.9", "10.0.0.5", 5000, 53, 17, 0, 80, seconds(T0 + 2)));
        agg.finish();
        assertThat(sink.records).extracting(FlowLogRecord::action).containsExactly(Action.ACCEPT, Action.REJECT);
    }

    @Test
    void fl6_icmpRecordsCarryPortsZero() {
        FlowLogAggregator agg = aggregator(600);
        agg.observe(packet(A, true, true, "203.0.113.12", "10.0.0.5", 0, 0, ICMP, 0, 84, seconds(T0 + 5)));
        agg.observe(packet(A, true, true, "203.0.113.12", "10.0.0.5", 0, 0, ICMP, 0, 84, seconds(T0 + 6)));
        // ports are taken as given: whatever the observation says is the record's (here an odd 3/4)
        agg.observe(packet(A, true, true, "203.0.113.13", "10.0.0.5", 3, 4, ICMP, 0, 84, seconds(T0 + 7)));
        agg.finish();
        assertThat(sink.records).hasSize(2);
        FlowLogRecord echo = sink.records.get(0);
        assertThat(echo.srcport()).isZero();
        assertThat(echo.dstport()).isZero();
        assertThat(echo.packets()).isEqualTo(2);
        assertThat(echo.tcpFlags()).isZero();
        assertThat(FlowLogFormat.DEFAULT.format(echo)).contains(" 203.0.113.12 10.0.0.5 0 0 1 2 168 ");
        assertThat(sink.records.get(1).srcport()).isEqualTo(3);
        assertThat(sink.records.get(1).dstport()).isEqualTo(4);
    }

    /** AWS's "security group and network ACL" ping example: ACCEPT for the request, REJECT for the reply. */
    @Test
    void fl6_awsPingExampleReproduced() {
        FlowLogEni eni = new FlowLogEni("eni-1235b8ca123456789", "123456789010", null, null, null, null, null);
        FlowLogAggregator agg = aggregator(600);
        long[] requests = {1432917027, 1432917050, 1432917094, 1432917142};
        long[] replies = {1432917094, 1432917100, 1432917120, 1432917142};
        int r = 0;
        for (long t : requests) {
            while (r < replies.length && replies[r] < t) {
                agg.observe(packet(eni, false, false, "172.31.16.139", "203.0.113.12", 0, 0, ICMP, 0, 84, seconds(replies[r++])));
            }
            agg.observe(packet(eni, true, true, "203.0.113.12", "172.31.16.139", 0, 0, ICMP, 0, 84, seconds(t)));
        }
        while (r < replies.length) {
            agg.observe(packet(eni, false, false, "172.31.16.139", "203.0.113.12", 0, 0, ICMP, 0, 84, seconds(replies[r++])));
        }
        agg.finish();
        assertThat(sink.records).extracting(FlowLogFormat.DEFAULT::format).containsExactly(
                "2 123456789010 eni-1235b8ca123456789 203.0.113.12 172.31.16.139 0 0 1 4 336 1432917027 1432917142 ACCEPT OK",
                "2 123456789010 eni-1235b8ca123456789 172.31.16.139 203.0.113.12 0 0 1 4 336 1432917094 1432917142 REJECT OK");
    }

    @Test
    void fl6_tcpFlagsOrOverInterval_synAckIs18_ackAloneNotRecorded() {
        FlowLogAggregator agg = aggregator(600);
        // a short connection as the client's ENI sees it
        agg.observe(tcp(A, false, "10.0.0.5", 43638, "10.0.1.9", 5001, SYN, 60, seconds(T0 + 1)));
        agg.observe(tcp(A, true, "10.0.1.9", 5001, "10.0.0.5", 43638, SYN | ACK, 60, seconds(T0 + 1)));
        agg.observe(tcp(A, false, "10.0.0.5", 43638, "10.0.1.9", 5001, ACK, 52, seconds(T0 + 1)));
        agg.observe(tcp(A, false, "10.0.0.5", 43638, "10.0.1.9", 5001, PSH | ACK, 200, seconds(T0 + 2)));
        agg.observe(tcp(A, true, "10.0.1.9", 5001, "10.0.0.5", 43638, ACK, 52, seconds(T0 + 2)));
        agg.observe(tcp(A, false, "10.0.0.5", 43638, "10.0.1.9", 5001, FIN | ACK, 52, seconds(T0 + 3)));
        agg.observe(tcp(A, true, "10.0.1.9", 5001, "10.0.0.5", 43638, FIN | ACK, 52, seconds(T0 + 3)));
        agg.observe(tcp(A, false, "10.0.0.5", 43638, "10.0.1.9", 5001, ACK, 52, seconds(T0 + 3)));
        // a flow that only ever carries ACKs (its start was in an earlier interval)
        agg.observe(tcp(A, false, "10.0.0.5", 43640, "10.0.1.9", 5001, ACK, 52, seconds(T0 + 4)));
        agg.observe(tcp(A, false, "10.0.0.5", 43640, "10.0.1.9", 5001, PSH | ACK, 500, seconds(T0 + 5)));
        // a reset
        agg.observe(tcp(A, true, "10.0.1.9", 5001, "10.0.0.5", 43640, RST | ACK, 40, seconds(T0 + 6)));
        agg.finish();

        assertThat(sink.records).extracting(FlowLogRecord::srcport, FlowLogRecord::tcpFlags).containsExactly(
                org.assertj.core.groups.Tuple.tuple(43638, 3),   // client side: SYN | FIN
                org.assertj.core.groups.Tuple.tuple(5001, 19),   // server side: SYN-ACK (18) | FIN
                org.assertj.core.groups.Tuple.tuple(43640, 0),   // ACK alone is not recorded
                org.assertj.core.groups.Tuple.tuple(5001, 4));   // RST (its ACK not recorded)
        assertThat(FlowLogAggregator.reportedTcpFlags(SYN | ACK)).isEqualTo(18);
        assertThat(FlowLogAggregator.reportedTcpFlags(ACK)).isZero();
        assertThat(FlowLogAggregator.reportedTcpFlags(0x20 | PSH | 0x40 | 0x80)).isZero();
    }

    @Test
    void fl6_tcpFlagsOfOtherProtocolsAreZero() {
        FlowLogAggregator agg = aggregator(60);
        // a stray flags value on a UDP observation must not show up
        agg.observe(packet(A, true, true, "10.0.1.9", "10.0.0.5", 5000, 53, 17, SYN, 80, seconds(T0 + 1)));
        agg.finish();
        assertThat(sink.records.get(0).tcpFlags()).isZero();
    }

    @Test
    void fl6_intervalsAlignedToMultiplesOfInterval() {
        FlowLogAggregator oneMinute = aggregator(60);
        oneMinute.observe(tcp(A, false, "10.0.0.5", 1, "10.0.1.9", 80, ACK, 52, seconds(T0 + 119) + 999_999_999));
        oneMinute.observe(tcp(A, false, "10.0.0.5", 1, "10.0.1.9", 80, ACK, 52, seconds(T0 + 120)));
        oneMinute.observe(tcp(A, false, "10.0.0.5", 1, "10.0.1.9", 80, ACK, 52, seconds(T0 + 179)));
        oneMinute.finish();
        assertThat(sink.records).extracting(FlowLogRecord::start, FlowLogRecord::end, FlowLogRecord::packets)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(T0 + 119, T0 + 119, 1L),
                        org.assertj.core.groups.Tuple.tuple(T0 + 120, T0 + 179, 2L));
        assertThat(sink.intervalEnds).containsExactly(T0 + 120, T0 + 180);

        CollectingFlowLogSink tenSink = new CollectingFlowLogSink();
        FlowLogAggregator tenMinutes = new FlowLogAggregator(600, tenSink);
        tenMinutes.observe(tcp(A, false, "10.0.0.5", 1, "10.0.1.9", 80, ACK, 52, seconds(T0 + 1)));
        tenMinutes.observe(tcp(A, false, "10.0.0.5", 1, "10.0.1.9", 80, ACK, 52, seconds(T0 + 599)));
        tenMinutes.observe(tcp(A, false, "10.0.0.5", 1, "10.0.1.9", 80, ACK, 52, seconds(T0 + 600)));
        tenMinutes.finish();
        assertThat(tenSink.records).extracting(FlowLogRecord::packets).containsExactly(2L, 1L);
        assertThat(tenSink.intervalEnds).containsExactly(T0 + 600, T0 + 1200);
        assertThat(tenSink.intervalEnds).allMatch(end -> end % 600 == 0);
    }

    @Test
    void fl6_recordsEmittedWhenClockPassesIntervalEnd() {
        FlowLogAggregator agg = aggregator(60);
        agg.observe(tcp(A, false, "10.0.0.5", 1, "10.0.1.9", 80, SYN, 60, seconds(T0 + 10)));
        agg.advanceTo(seconds(T0 + 60) - 1);
        assertThat(sink.records).isEmpty();
        assertThat(agg.openRecords()).isEqualTo(1);
        agg.advanceTo(seconds(T0 + 60));
        assertThat(sink.records).hasSize(1);
        assertThat(sink.intervalEnds).containsExactly(T0 + 60);
        assertThat(agg.openRecords()).isZero();

        // an observation whose time passes the end emits the earlier interval before it is counted
        agg.observe(tcp(A, false, "10.0.0.5", 2, "10.0.1.9", 80, SYN, 60, seconds(T0 + 130)));
        agg.observe(tcp(A, false, "10.0.0.5", 3, "10.0.1.9", 80, SYN, 60, seconds(T0 + 200)));
        assertThat(sink.records).extracting(FlowLogRecord::srcport).containsExactly(1, 2);
        assertThat(sink.intervalEnds).containsExactly(T0 + 60, T0 + 180);
        // the clock never goes back
        agg.advanceTo(seconds(T0));
        assertThat(sink.records).hasSize(2);
    }

    @Test
    void fl6_allRecordsEmittedAtEndOfInput() {
        FlowLogAggregator agg = aggregator(600);
        agg.observe(tcp(A, false, "10.0.0.5", 1, "10.0.1.9", 80, SYN, 60, seconds(T0 + 10)));
        agg.observe(tcp(B, true, "10.0.0.5", 1, "10.0.1.9", 80, SYN, 60, seconds(T0 + 11)));
        assertThat(sink.records).isEmpty();
        agg.finish();
        assertThat(sink.records).hasSize(2);
        assertThat(sink.intervalEnds).containsExactly(T0 + 600);
        agg.finish();
        assertThat(sink.records).hasSize(2);
        assertThatThrownBy(() -> agg.observe(tcp(A, false, "10.0.0.5", 1, "10.0.1.9", 80, SYN, 60, seconds(T0 + 12))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("finished");
    }

    @Test
    void fl6_bytesAreL3Lengths() {
        FlowLogAggregator agg = aggregator(60);
        long[] ipLengths = {60, 1500, 40, 576};
        for (int i = 0; i < ipLengths.length; i++) {
            agg.observe(tcp(A, false, "10.0.0.5", 1, "10.0.1.9", 80, ACK, ipLengths[i], seconds(T0 + i)));
        }
        agg.finish();
        assertThat(sink.records.get(0).bytes()).isEqualTo(60 + 1500 + 40 + 576);
        assertThat(sink.records.get(0).packets()).isEqualTo(4);
    }

    @Test
    void fl6_startAndEndAreSecondsOfFirstAndLastPacket() {
        FlowLogAggregator agg = aggregator(600);
        agg.observe(tcp(A, false, "10.0.0.5", 1, "10.0.1.9", 80, ACK, 52, seconds(T0 + 17) + 900_000_000));
        agg.observe(tcp(A, false, "10.0.0.5", 1, "10.0.1.9", 80, ACK, 52, seconds(T0 + 342) + 1));
        agg.finish();
        assertThat(sink.records.get(0).start()).isEqualTo(T0 + 17);
        assertThat(sink.records.get(0).end()).isEqualTo(T0 + 342);
    }

    @Test
    void fl6_skipDataWhenCapacityExceeded_nothingLostSilently() {
        FlowLogAggregator agg = FlowLogAggregator.builder(sink).intervalSeconds(60).maxRecordsPerInterval(2).build();
        agg.observe(tcp(A, false, "10.0.0.5", 1, "10.0.1.9", 80, SYN, 60, seconds(T0 + 1)));
        agg.observe(tcp(A, false, "10.0.0.5", 2, "10.0.1.9", 80, SYN, 60, seconds(T0 + 2)));
        agg.observe(tcp(A, false, "10.0.0.5", 3, "10.0.1.9", 80, SYN, 60, seconds(T0 + 3)));  // lost
        agg.observe(tcp(B, true, "10.0.0.5", 1, "10.0.1.9", 80, SYN, 60, seconds(T0 + 4)));   // lost
        agg.observe(tcp(A, false, "10.0.0.5", 1, "10.0.1.9", 80, ACK, 52, seconds(T0 + 5)));  // held key: counted
        agg.observe(tcp(A, false, "10.0.0.5", 4, "10.0.1.9", 80, SYN, 60, seconds(T0 + 9)));  // lost
        // the next interval starts with room again
        agg.observe(tcp(A, false, "10.0.0.5", 3, "10.0.1.9", 80, SYN, 60, seconds(T0 + 61)));
        agg.finish();

        assertThat(agg.lostObservations()).isEqualTo(3);
        assertThat(agg.skipDataRecords()).isEqualTo(2);
        assertThat(sink.records).extracting(r -> FlowLogFormat.DEFAULT.format(r)).containsExactly(
                "2 123456789010 eni-aaaaaaaaaaaaaaaaa 10.0.0.5 10.0.1.9 1 80 6 2 112 " + (T0 + 1) + " " + (T0 + 5) + " ACCEPT OK",
                "2 123456789010 eni-aaaaaaaaaaaaaaaaa 10.0.0.5 10.0.1.9 2 80 6 1 60 " + (T0 + 2) + " " + (T0 + 2) + " ACCEPT OK",
                "2 123456789010 eni-aaaaaaaaaaaaaaaaa - - - - - - - " + (T0 + 3) + " " + (T0 + 9) + " - SKIPDATA",
                "2 123456789010 eni-bbbbbbbbbbbbbbbbb - - - - - - - " + (T0 + 4) + " " + (T0 + 4) + " - SKIPDATA",
                "2 123456789010 eni-aaaaaaaaaaaaaaaaa 10.0.0.5 10.0.1.9 3 80 6 1 60 " + (T0 + 61) + " " + (T0 + 61) + " ACCEPT OK");
        long counted = sink.records.stream().filter(r -> r.logStatus() == LogStatus.OK).mapToLong(FlowLogRecord::packets).sum();
        assertThat(counted + agg.lostObservations()).isEqualTo(agg.observations());
    }

    @Test
    void fl6_pktAddressesShowPacketAddresses() {
        FlowLogAggregator agg = aggregator(60);
        // traffic to A's secondary address 10.0.0.6 logs A's primary 10.0.0.5 as dstaddr
        agg.observe(new FlowObservation(A, true, true, ip("10.0.1.9"), ip("10.0.0.5"), ip("10.0.1.9"), ip("10.0.0.6"),
                40000, 443, TCP, SYN, 60, seconds(T0 + 1)));
        // the same logged 5-tuple to the primary address is a record of its own: a record never misstates pkt-dstaddr
        agg.observe(new FlowObservation(A, true, true, ip("10.0.1.9"), ip("10.0.0.5"), ip("10.0.1.9"), ip("10.0.0.5"),
                40000, 443, TCP, SYN, 60, seconds(T0 + 2)));
        agg.finish();
        FlowLogFormat v3 = FlowLogFormat.parse("${srcaddr} ${dstaddr} ${pkt-srcaddr} ${pkt-dstaddr} ${type}");
        assertThat(sink.records).extracting(v3::format).containsExactly(
                "10.0.1.9 10.0.0.5 10.0.1.9 10.0.0.6 IPv4",
                "10.0.1.9 10.0.0.5 10.0.1.9 10.0.0.5 IPv4");
    }

    @Test
    void fl6_packetAnEniSendsToItselfIsAnEgressAndAnIngressRecord() {
        FlowLogAggregator agg = aggregator(60);
        agg.observe(tcp(A, false, "10.0.0.5", 40000, "10.0.0.5", 80, SYN, 60, seconds(T0 + 1)));
        agg.observe(tcp(A, true, "10.0.0.5", 40000, "10.0.0.5", 80, SYN, 60, seconds(T0 + 1)));
        agg.finish();
        assertThat(sink.records).extracting(FlowLogRecord::flowDirection)
                .containsExactly(FlowDirection.EGRESS, FlowDirection.INGRESS);
    }

    @Test
    void fl6_ipv6RecordsAreTypeIpv6() {
        FlowLogAggregator agg = aggregator(60);
        agg.observe(tcp(A, true, "2001:db8:1234:a100:8d6e:3477:df66:f105", 34892,
                "2001:db8:1234:a102:3304:8879:34cf:4071", 22, SYN, 80, seconds(T0 + 1)));
        agg.finish();
        assertThat(sink.records.get(0).type()).isEqualTo(TrafficType.IPV6);
        assertThat(FlowLogFormat.DEFAULT.format(sink.records.get(0)))
                .contains(" 2001:db8:1234:a100:8d6e:3477:df66:f105 2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 1 80 ");
    }

    @Test
    void fl6_emissionOrderIsInterfaceIdThenStartThenFirstSeen() {
        FlowLogAggregator agg = aggregator(60);
        agg.observe(tcp(B, true, "10.0.0.5", 7, "10.0.1.9", 80, SYN, 60, seconds(T0 + 1)));
        agg.observe(tcp(A, false, "10.0.0.5", 9, "10.0.1.9", 80, SYN, 60, seconds(T0 + 3)));
        agg.observe(tcp(A, false, "10.0.0.5", 8, "10.0.1.9", 80, SYN, 60, seconds(T0 + 5)));
        agg.observe(tcp(A, false, "10.0.0.5", 6, "10.0.1.9", 80, SYN, 60, seconds(T0 + 5)));
        agg.observe(tcp(A, false, "10.0.0.5", 9, "10.0.1.9", 80, ACK, 52, seconds(T0 + 7)));
        agg.finish();
        // interface-id first (B was seen first), then start, then first seen (8 before 6 at the same second)
        assertThat(sink.records).extracting(r -> r.eni().interfaceId() + ":" + r.srcport()).containsExactly(
                "eni-aaaaaaaaaaaaaaaaa:9", "eni-aaaaaaaaaaaaaaaaa:8", "eni-aaaaaaaaaaaaaaaaa:6", "eni-bbbbbbbbbbbbbbbbb:7");
    }

    @Test
    void fl6_lateObservationIsCountedAtTheClocksTime() {
        FlowLogAggregator agg = aggregator(60);
        agg.observe(tcp(A, false, "10.0.0.5", 1, "10.0.1.9", 80, SYN, 60, seconds(T0 + 59)));
        agg.observe(tcp(A, false, "10.0.0.5", 2, "10.0.1.9", 80, SYN, 60, seconds(T0 + 61)));
        // stamped in the closed interval: counted in the open one, at the clock's second
        agg.observe(tcp(A, false, "10.0.0.5", 1, "10.0.1.9", 80, ACK, 52, seconds(T0 + 58)));
        agg.finish();
        assertThat(agg.lateObservations()).isEqualTo(1);
        assertThat(sink.records).extracting(FlowLogRecord::srcport, FlowLogRecord::start, FlowLogRecord::packets)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, T0 + 59, 1L),
                        org.assertj.core.groups.Tuple.tuple(2, T0 + 61, 1L),
                        org.assertj.core.groups.Tuple.tuple(1, T0 + 61, 1L));
    }

    @Test
    void fl6_noDataRecordsOffByDefault() {
        FlowLogAggregator agg = aggregator(60);
        agg.observe(tcp(A, false, "10.0.0.5", 1, "10.0.1.9", 80, SYN, 60, seconds(T0 + 1)));
        agg.observe(tcp(A, false, "10.0.0.5", 1, "10.0.1.9", 80, SYN, 60, seconds(T0 + 301)));
        agg.finish();
        assertThat(sink.records).extracting(FlowLogRecord::logStatus).containsOnly(LogStatus.OK).hasSize(2);
        assertThat(agg.noDataRecords()).isZero();
    }

    @Test
    void fl6_noDataRecordsWhenAskedForEnisThatLogNothing() {
        FlowLogAggregator agg = FlowLogAggregator.builder(sink).intervalSeconds(60).noDataFor(List.of(A, B)).build();
        agg.observe(tcp(A, false, "10.0.0.5", 1, "10.0.1.9", 80, SYN, 60, seconds(T0 + 1)));
        agg.observe(tcp(A, false, "10.0.0.5", 1, "10.0.1.9", 80, SYN, 60, seconds(T0 + 185)));
        agg.finish();
        FlowLogFormat f = FlowLogFormat.parse("${interface-id} ${start} ${end} ${action} ${log-status}");
        assertThat(sink.records).extracting(f::format).containsExactly(
                "eni-aaaaaaaaaaaaaaaaa " + (T0 + 1) + " " + (T0 + 1) + " ACCEPT OK",
                "eni-bbbbbbbbbbbbbbbbb " + T0 + " " + (T0 + 59) + " - NODATA",
                "eni-aaaaaaaaaaaaaaaaa " + (T0 + 60) + " " + (T0 + 119) + " - NODATA",
                "eni-bbbbbbbbbbbbbbbbb " + (T0 + 60) + " " + (T0 + 119) + " - NODATA",
                "eni-aaaaaaaaaaaaaaaaa " + (T0 + 120) + " " + (T0 + 179) + " - NODATA",
                "eni-bbbbbbbbbbbbbbbbb " + (T0 + 120) + " " + (T0 + 179) + " - NODATA",
                "eni-aaaaaaaaaaaaaaaaa " + (T0 + 185) + " " + (T0 + 185) + " ACCEPT OK",
                "eni-bbbbbbbbbbbbbbbbb " + (T0 + 180) + " " + (T0 + 239) + " - NODATA");
        assertThat(agg.noDataRecords()).isEqualTo(6);
        assertThat(sink.intervalEnds).containsExactly(T0 + 60, T0 + 120, T0 + 180, T0 + 240);
    }

    @Test
    void fl6_trafficPathForEgressOnly_dashForIngress() {
        AtomicInteger asked = new AtomicInteger();
        List<String> servicesAsked = new ArrayList<>();
        FlowLogAggregator agg = FlowLogAggregator.builder(sink).intervalSeconds(60)
                .trafficPaths((eni, src, dst) -> {
                    asked.incrementAndGet();
                    return dst.toString().startsWith("10.") ? 1 : 8;
                })
                .awsServices(a -> {
                    servicesAsked.add(a.toString());
                    return a.equals(ip("52.95.128.179")) ? "S3" : null;
                })
                .build();
        agg.observe(tcp(A, false, "10.0.0.71", 34210, "52.95.128.179", 80, SYN, 60, seconds(T0 + 1)));
        agg.observe(tcp(A, false, "10.0.0.71", 34210, "52.95.128.179", 80, ACK, 52, seconds(T0 + 2)));
        agg.observe(tcp(A, true, "52.95.128.179", 80, "10.0.0.71", 34210, SYN | ACK, 60, seconds(T0 + 2)));
        agg.observe(tcp(A, false, "10.0.0.71", 34211, "10.0.1.9", 80, SYN, 60, seconds(T0 + 3)));
        agg.finish();
        FlowLogFormat v5 = FlowLogFormat.parse("${srcaddr} ${dstaddr} ${pkt-src-aws-service} ${pkt-dst-aws-service}"
                + " ${traffic-path} ${flow-direction}");
        assertThat(sink.records).extracting(v5::format).containsExactly(
                "10.0.0.71 52.95.128.179 - S3 8 egress",
                "52.95.128.179 10.0.0.71 S3 - - ingress",
                "10.0.0.71 10.0.1.9 - - 1 egress");
        assertThat(asked.get()).as("asked once per egress record, never for ingress").isEqualTo(2);
        assertThat(servicesAsked).hasSize(6);
    }

    @Test
    void fl6_withoutResolversTrafficPathAndServicesAreDash() {
        FlowLogAggregator agg = aggregator(60);
        agg.observe(tcp(A, false, "10.0.0.71", 34210, "52.95.128.179", 80, SYN, 60, seconds(T0 + 1)));
        agg.finish();
        FlowLogFormat v5 = FlowLogFormat.parse("${pkt-src-aws-service} ${pkt-dst-aws-service} ${traffic-path}"
                + " ${sublocation-type} ${sublocation-id}");
        assertThat(v5.format(sink.records.get(0))).isEqualTo("- - - - -");
    }

    @Test
    void fl6_aggregationIntervalIs60Or600Seconds() {
        assertThatThrownBy(() -> new FlowLogAggregator(300, sink))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("60 or 600").hasMessageContaining("300");
        assertThatThrownBy(() -> FlowLogAggregator.builder(sink).maxRecordsPerInterval(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxRecordsPerInterval");
        assertThat(FlowLogAggregator.builder(sink).build().intervalSeconds()).isEqualTo(600);
        assertThat(FlowLogAggregator.builder(sink).build().maxRecordsPerInterval())
                .isEqualTo(FlowLogAggregator.DEFAULT_MAX_RECORDS_PER_INTERVAL);
    }
}
