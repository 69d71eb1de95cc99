package io.sgemu.control.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.control.aws.LoaderOptions;
import io.sgemu.control.aws.WorldLoader;
import io.sgemu.control.compile.PolicyCompiler;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.flowlog.CollectingFlowLogSink;
import io.sgemu.dataplane.flowlog.FlowLogRecord;
import io.sgemu.dataplane.io.ListenerUri;
import io.sgemu.dataplane.io.LiveConfig;
import io.sgemu.dataplane.io.LiveCounters;
import io.sgemu.dataplane.io.LiveDataplane;
import io.sgemu.dataplane.packet.PacketBuilder;
import io.sgemu.dataplane.policy.PolicySnapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The live dataplane end to end on 127.0.0.1: test sockets act as tunnel endpoints for the three-tier
 * example (load balancer 10.0.1.10, public 54.210.16.10; app servers 10.0.2.11 and 10.0.2.12; database
 * 10.0.3.20) and for the internet (the external endpoint).
 */
class LiveDataplaneTest {

    static final Path EXAMPLE = Path.of("..", "examples", "three-tier", "aws").toAbsolutePath().normalize();
    static final int VNI = 7001;
    static final String LB = "10.0.1.10";
    static final String APP = "10.0.2.11";
    static final String DB = "10.0.3.20";

    static final World WORLD = new WorldLoader(new LoaderOptions(false)).load(List.of(EXAMPLE)).world();
    static final PolicySnapshot policy = new PolicyCompiler().compile(WORLD, null, null);

    static byte[] tcp(String src, int sport, String dst, int dport, int flags) {
        return PacketBuilder.ip(src, dst).tcp(sport, dport, flags, 0).ethernet().build();
    }

    static byte[] udp(String src, int sport, String dst, int dport) {
        return PacketBuilder.ip(src, dst).udp(sport, dport, 48).ethernet().build();
    }

    static LiveConfig config(LiveConfig.Transport transport) {
        return new LiveConfig(policy).transport(transport).ringBytes(1 << 20).conntrackCapacity(1 << 14);
    }

    /** Polls {@code value} until it reaches {@code expected} or a generous deadline passes; answers the last value. */
    static long await(LongSupplier value, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + Vtep.WAIT_MILLIS * 1_000_000L;
        long v = value.getAsLong();
        while (v < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
            v = value.getAsLong();
        }
        return v;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(LiveConfig.Transport.class)
    void allowedSynIsForwardedToTheLearnedEndpointAndTheReplyPassesStatefully(LiveConfig.Transport transport) throws Exception {
        try (Vtep lb = new Vtep(); Vtep app = new Vtep(); Vtep internet = new Vtep();
             LiveDataplane live = LiveDataplane.start(config(transport).listen(ListenerUri.parse("vxlan://127.0.0.1:0"))
                     .forward(true).externalEndpoint(internet.address()))) {
            int port = live.boundPorts().get(0);
            assertThat(port).isPositive();
            assertThat(live.transport()).isEqualTo(
                    transport == LiveConfig.Transport.AUTO && io.netty.channel.epoll.Epoll.isAvailable() ? "epoll" : "nio");
            // The app server speaks first (NTP to the internet): it is learned, and the packet goes to the external endpoint.
            byte[] ntp = Vtep.vxlan(VNI, udp(APP, 123, "203.0.113.123", 123));
            app.send(ntp, port);
            assertThat(internet.receive()).as("NTP to the internet, at the external endpoint").isEqualTo(ntp);

            // The load balancer opens a connection to the app server: forwarded to the app's endpoint, unchanged.
            byte[] syn = Vtep.vxlan(VNI, tcp(LB, 40001, APP, 8080, PacketBuilder.SYN));
            lb.send(syn, port);
            byte[] got = app.receive();
            assertThat(got).as("the SYN at the app server's endpoint, byte for byte").isEqualTo(syn);
            assertThat(Vtep.vni(got)).isEqualTo(VNI);

            // The reply: no rule of the app's group allows it out; the tracked connection does.
            byte[] synAck = Vtep.vxlan(VNI, tcp(APP, 8080, LB, 40001, PacketBuilder.SYN | PacketBuilder.ACK));
            app.send(synAck, port);
            assertThat(lb.receive()).as("the SYN-ACK back at the load balancer's endpoint").isEqualTo(synAck);

            assertThat(await(() -> live.counters().get(LiveCounters.FORWARDED), 3)).isEqualTo(3);
            assertThat(live.counters().get(LiveCounters.ACCEPTED)).isEqualTo(3);
            assertThat(live.counters().get(LiveCounters.REJECTED)).isZero();
            assertThat(live.endpoints().endpointOf(policy.eniNumber("eni-0f1e2d3c4b5a69811")))
                    .as("the app ENI's endpoint").isNotNegative();
        }
    }

    @Test
    void blockedPortIsDroppedAndCountedAtItsStage() throws Exception {
        try (Vtep lb = new Vtep(); Vtep internet = new Vtep();
             LiveDataplane live = LiveDataplane.start(config(LiveConfig.Transport.AUTO)
                     .listen(ListenerUri.parse("vxlan://127.0.0.1:0")).forward(true).externalEndpoint(internet.address()))) {
            int port = live.boundPorts().get(0);
            // SSH from the internet to the load balancer's public address: the public subnet's NACL has no rule for 22.
            internet.send(Vtep.vxlan(VNI, tcp("198.51.100.66", 51515, "54.210.16.10", 22, PacketBuilder.SYN)), port);
            // The load balancer straight to the database: its group allows only 8080 to the app servers.
            lb.send(Vtep.vxlan(VNI, tcp(LB, 40100, DB, 5432, PacketBuilder.SYN)), port);
            assertThat(await(() -> live.counters().get(LiveCounters.REJECTED), 2)).isEqualTo(2);
            assertThat(live.counters().get("rejected.nacl-ingress")).isEqualTo(1);
            assertThat(live.counters().get("rejected.sg-egress")).isEqualTo(1);
            assertThat(live.counters().get(LiveCounters.FORWARDED)).isZero();
            // Rejected packets go nowhere, though the load balancer (learned from its own packet) has an endpoint.
            assertThat(live.endpoints().endpointOf(policy.eniNumber("eni-0f1e2d3c4b5a69801"))).isNotNegative();
            assertThat(lb.receive(300)).isNull();
            assertThat(internet.receive(300)).isNull();
        }
    }

    @Test
    void malformedDatagramsAreCountedByReasonAndTheNextPacketStillFlows() throws Exception {
        try (Vtep lb = new Vtep(); Vtep app = new Vtep();
             LiveDataplane live = LiveDataplane.start(config(LiveConfig.Transport.AUTO)
                     .listen(ListenerUri.parse("vxlan://127.0.0.1:0")).forward(true))) {
            int port = live.boundPorts().get(0);
            app.send(Vtep.vxlan(VNI, udp(APP, 123, "203.0.113.123", 123)), port); // learn the app server
            assertThat(await(() -> live.counters().get(LiveCounters.JUDGED), 1)).isEqualTo(1);
            byte[] noIFlag = Vtep.vxlan(VNI, tcp(LB, 40001, APP, 8080, PacketBuilder.SYN));
            noIFlag[0] = 0;
            lb.send(noIFlag, port);
            lb.send(new byte[5], port); // shorter than a VXLAN header
            byte[] arp = Vtep.vxlan(VNI, arpFrame());
            lb.send(arp, port);
            byte[] truncated = Vtep.vxlan(VNI, tcp(LB, 40001, APP, 8080, PacketBuilder.SYN));
            lb.send(java.util.Arrays.copyOf(truncated, 8 + 14 + 10), port); // the inner IPv4 header cut short
            byte[] syn = Vtep.vxlan(VNI, tcp(LB, 40001, APP, 8080, PacketBuilder.SYN));
            lb.send(syn, port);
            assertThat(app.receive()).isEqualTo(syn);
            assertThat(await(() -> live.counters().get("dropped.malformed"), 1)).isEqualTo(1);
            assertThat(live.counters().get("dropped.malformed-vxlan")).isEqualTo(2);
            assertThat(live.counters().get("dropped.not-ip")).isEqualTo(1);
            assertThat(live.counters().get(LiveCounters.RECEIVED)).isEqualTo(6);
            assertThat(live.counters().get(LiveCounters.JUDGED)).isEqualTo(2);
        }
    }

    /** An ARP request in an Ethernet frame. */
    static byte[] arpFrame() {
        byte[] f = new byte[14 + 28];
        for (int i = 0; i < 6; i++) {
            f[i] = (byte) 0xFF;
        }
        f[12] = 0x08;
        f[13] = 0x06;
        return f;
    }

    @Test
    void rawUdpCarriesOneIpPacketPerDatagram() throws Exception {
        try (Vtep lb = new Vtep(); Vtep app = new Vtep();
             LiveDataplane live = LiveDataplane.start(config(LiveConfig.Transport.AUTO)
                     .listen(ListenerUri.parse("udp://127.0.0.1:0")).forward(true))) {
            int port = live.boundPorts().get(0);
            app.send(PacketBuilder.ip(APP, "203.0.113.123").udp(123, 123, 48).buildIp(), port);
            assertThat(await(() -> live.counters().get(LiveCounters.JUDGED), 1)).isEqualTo(1);
            byte[] syn = PacketBuilder.ip(LB, APP).tcp(40002, 8080, PacketBuilder.SYN, 0).buildIp();
            lb.send(syn, port);
            assertThat(app.receive()).isEqualTo(syn);
            lb.send(new byte[] {0x45, 0, 0}, port);
            assertThat(await(() -> live.counters().get("dropped.malformed"), 1)).isEqualTo(1);
            assertThat(live.counters().get("dropped.no-endpoint"))
                    .as("NTP to the internet without an external endpoint").isEqualTo(1);
        }
    }

    @Test
    void geneveWorksAndKeepsItsVni() throws Exception {
        try (Vtep lb = new Vtep(); Vtep app = new Vtep();
             LiveDataplane live = LiveDataplane.start(config(LiveConfig.Transport.AUTO)
                     .listen(ListenerUri.parse("geneve://127.0.0.1:0")).forward(true))) {
            int port = live.boundPorts().get(0);
            app.send(Vtep.geneve(42, udp(APP, 123, "203.0.113.123", 123)), port);
            assertThat(await(() -> live.counters().get(LiveCounters.JUDGED), 1)).isEqualTo(1);
            byte[] syn = Vtep.geneve(42, tcp(LB, 40003, APP, 8080, PacketBuilder.SYN));
            lb.send(syn, port);
            byte[] got = app.receive();
            assertThat(got).isEqualTo(syn);
            assertThat(Vtep.vni(got)).isEqualTo(42);
            // With an option, and an IP packet (protocol type 0x0800) rather than an Ethernet frame inside.
            byte[] frame = PacketBuilder.ip(LB, APP).tcp(40004, 8080, PacketBuilder.SYN, 0)
                    .geneve(42, PacketBuilder.geneveOption(0x0102, 0x01, new byte[4])).build();
            byte[] withOption = java.util.Arrays.copyOfRange(frame, 14 + 20 + 8, frame.length); // the outer UDP payload
            assertThat(withOption[0] & 0x3F).as("option length in words").isEqualTo(2);
            lb.send(withOption, port);
            assertThat(app.receive()).isEqualTo(withOption);
            byte[] badVersion = syn.clone();
            badVersion[0] = (byte) 0x40; // version 1
            lb.send(badVersion, port);
            assertThat(await(() -> live.counters().get("dropped.malformed-geneve"), 1)).isEqualTo(1);
        }
    }

    @Test
    void unmappedVnisAreDropped() throws Exception {
        try (Vtep lb = new Vtep();
             LiveDataplane live = LiveDataplane.start(config(LiveConfig.Transport.AUTO)
                     .listen(ListenerUri.parse("vxlan://127.0.0.1:0")).vnis(new int[] {VNI}))) {
            int port = live.boundPorts().get(0);
            lb.send(Vtep.vxlan(VNI + 1, tcp(LB, 40001, APP, 8080, PacketBuilder.SYN)), port);
            lb.send(Vtep.vxlan(VNI, tcp(LB, 40001, APP, 8080, PacketBuilder.SYN)), port);
            assertThat(await(() -> live.counters().get(LiveCounters.JUDGED), 1)).isEqualTo(1);
            assertThat(await(() -> live.counters().get("dropped.unknown-vni"), 1)).isEqualTo(1);
        }
    }

    @Test
    void flowLogRecordsCountThePackets() throws Exception {
        CollectingFlowLogSink sink = new CollectingFlowLogSink();
        try (Vtep lb = new Vtep(); Vtep app = new Vtep()) {
            LiveDataplane live = LiveDataplane.start(config(LiveConfig.Transport.AUTO)
                    .listen(ListenerUri.parse("vxlan://127.0.0.1:0")).flowLogs(sink, 60));
            int port = live.boundPorts().get(0);
            for (int i = 0; i < 3; i++) {
                lb.send(Vtep.vxlan(VNI, tcp(LB, 40001, APP, 8080, i == 0 ? PacketBuilder.SYN : PacketBuilder.ACK)), port);
            }
            app.send(Vtep.vxlan(VNI, tcp(APP, 8080, LB, 40001, PacketBuilder.SYN | PacketBuilder.ACK)), port);
            lb.send(Vtep.vxlan(VNI, tcp(LB, 40100, DB, 5432, PacketBuilder.SYN)), port); // rejected at sg-egress
            assertThat(await(() -> live.counters().get(LiveCounters.JUDGED), 5)).isEqualTo(5);
            live.close();
        }
        List<String> lines = new ArrayList<>();
        for (FlowLogRecord r : sink.records) {
            lines.add(r.eni().interfaceId() + " " + r.srcaddr() + ":" + r.srcport() + ">" + r.dstaddr() + ":" + r.dstport()
                    + " " + r.packets() + " " + r.action());
        }
        assertThat(lines).contains(
                "eni-0f1e2d3c4b5a69801 10.0.1.10:40001>10.0.2.11:8080 3 ACCEPT",
                "eni-0f1e2d3c4b5a69811 10.0.1.10:40001>10.0.2.11:8080 3 ACCEPT",
                "eni-0f1e2d3c4b5a69811 10.0.2.11:8080>10.0.1.10:40001 1 ACCEPT",
                "eni-0f1e2d3c4b5a69801 10.0.2.11:8080>10.0.1.10:40001 1 ACCEPT",
                "eni-0f1e2d3c4b5a69801 10.0.1.10:40100>10.0.3.20:5432 1 REJECT");
    }

    /**
     * Several receiving event loops and workers: each flow's reply (which no rule allows, only its tracked
     * connection) must meet the worker that saw the flow's first packet, whatever socket and loop each arrived on.
     */
    @ParameterizedTest(name = "event loops {0}, workers {1}")
    @org.junit.jupiter.params.provider.CsvSource({"1, 1", "2, 3", "3, 2", "2, 4"})
    void bothDirectionsOfEveryFlowMeetTheSameWorker(int eventLoops, int workers) throws Exception {
        int flows = 40;
        List<Vtep> lbs = new ArrayList<>();
        List<Vtep> apps = new ArrayList<>();
        try (LiveDataplane live = LiveDataplane.start(config(LiveConfig.Transport.AUTO)
                .listen(ListenerUri.parse("vxlan://127.0.0.1:0")).eventLoops(eventLoops).workers(workers))) {
            int port = live.boundPorts().get(0);
            for (int i = 0; i < 4; i++) {
                lbs.add(new Vtep());
                apps.add(new Vtep());
            }
            for (int i = 0; i < flows; i++) {
                lbs.get(i % 4).send(Vtep.vxlan(VNI, tcp(LB, 41000 + i, i % 2 == 0 ? APP : "10.0.2.12", 8080, PacketBuilder.SYN)), port);
                lbs.get((i + 1) % 4).send(Vtep.vxlan(VNI, tcp(LB, 42000 + i, DB, 5432, PacketBuilder.SYN)), port);
            }
            assertThat(await(() -> live.counters().get(LiveCounters.JUDGED), 2L * flows)).isEqualTo(2L * flows);
            for (int i = 0; i < flows; i++) {
                apps.get(i % 4).send(Vtep.vxlan(VNI, tcp(i % 2 == 0 ? APP : "10.0.2.12", 8080, LB, 41000 + i,
                        PacketBuilder.SYN | PacketBuilder.ACK)), port);
            }
            assertThat(await(() -> live.counters().get(LiveCounters.JUDGED), 3L * flows)).isEqualTo(3L * flows);
            assertThat(live.counters().get(LiveCounters.ACCEPTED)).as("SYNs and their replies").isEqualTo(2L * flows);
            assertThat(live.counters().get("rejected.sg-egress")).as("the SYNs to the database").isEqualTo(flows);
            assertThat(live.counters().get(LiveCounters.REJECTED)).isEqualTo(flows);
            assertThat(live.counters().get(LiveCounters.DROPPED_QUEUE_FULL)).isZero();
        } finally {
            lbs.forEach(Vtep::close);
            apps.forEach(Vtep::close);
        }
    }

    /** A sink the test thread may read while the writer's thread appends. */
    static final class SharedSink implements io.sgemu.dataplane.flowlog.FlowLogSink {
        final List<FlowLogRecord> records = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public void accept(FlowLogRecord r) {
            records.add(r);
        }

        long packets(String eni, String src, int sport, String dst, int dport) {
            synchronized (records) {
                return records.stream().filter(r -> r.eni().interfaceId().equals(eni) && r.srcaddr().toString().equals(src)
                        && r.srcport() == sport && r.dstaddr().toString().equals(dst) && r.dstport() == dport)
                        .mapToLong(FlowLogRecord::packets).sum();
            }
        }
    }

    @Test
    void flowLogRecordsComeOutEachIntervalWhileServing() throws Exception {
        SharedSink sink = new SharedSink();
        try (Vtep lb = new Vtep();
             LiveDataplane live = LiveDataplane.start(config(LiveConfig.Transport.AUTO).workers(2)
                     .listen(ListenerUri.parse("vxlan://127.0.0.1:0")).flowLogs(sink, 1, true))) {
            int port = live.boundPorts().get(0);
            for (int i = 0; i < 4; i++) {
                lb.send(Vtep.vxlan(VNI, tcp(LB, 40001, APP, 8080, i == 0 ? PacketBuilder.SYN : PacketBuilder.ACK)), port);
            }
            // Records of one-second intervals arrive while the dataplane runs (a flow may straddle two intervals).
            assertThat(await(() -> sink.packets("eni-0f1e2d3c4b5a69811", LB, 40001, APP, 8080), 4)).isEqualTo(4);
            assertThat(await(() -> sink.packets("eni-0f1e2d3c4b5a69801", LB, 40001, APP, 8080), 4)).isEqualTo(4);
        }
    }

    @Test
    void ipv6TunnelEndpointsAreLearnedToo() throws Exception {
        java.net.InetAddress v6 = java.net.InetAddress.getByName("::1");
        try (Vtep lb = new Vtep(v6); Vtep app = new Vtep(v6);
             LiveDataplane live = LiveDataplane.start(config(LiveConfig.Transport.AUTO)
                     .listen(ListenerUri.parse("vxlan://[::1]:0")).forward(true))) {
            assertThat(live.boundListeners().get(0)).startsWith("vxlan://[::1]:");
            int port = live.boundPorts().get(0);
            app.send(Vtep.vxlan(VNI, udp(APP, 123, "203.0.113.123", 123)), port);
            assertThat(await(() -> live.counters().get(LiveCounters.JUDGED), 1)).isEqualTo(1);
            byte[] syn = Vtep.vxlan(VNI, tcp(LB, 40001, APP, 8080, PacketBuilder.SYN));
            lb.send(syn, port);
            assertThat(app.receive()).isEqualTo(syn);
        }
    }

    @Test
    void aNewPolicyTakesOverWhileTrackedConnectionsCarryOn() throws Exception {
        String appGroup = "sg-0a11b22c33d44e502";
        io.sgemu.control.model.SecurityGroup g = WORLD.securityGroups().get(appGroup);
        World closed = WORLD.withSecurityGroup(new io.sgemu.control.model.SecurityGroup(g.id(), g.name(), g.vpcId(),
                g.ownerId(), g.ingress().stream().filter(r -> r.fromPort() != 8080).toList(), g.egress()));
        PolicySnapshot next = new PolicyCompiler().compile(closed, null, policy);
        try (Vtep lb = new Vtep(); Vtep app = new Vtep();
             LiveDataplane live = LiveDataplane.start(config(LiveConfig.Transport.AUTO).workers(2)
                     .listen(ListenerUri.parse("vxlan://127.0.0.1:0")))) {
            int port = live.boundPorts().get(0);
            lb.send(Vtep.vxlan(VNI, tcp(LB, 40001, APP, 8080, PacketBuilder.SYN)), port);
            assertThat(await(() -> live.counters().get(LiveCounters.ACCEPTED), 1)).isEqualTo(1);
            live.setPolicy(next);
            assertThat(live.awaitPolicy(next, 10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            // A new connection meets the new rules; the one already tracked carries on.
            lb.send(Vtep.vxlan(VNI, tcp(LB, 40002, APP, 8080, PacketBuilder.SYN)), port);
            assertThat(await(() -> live.counters().get("rejected.sg-ingress"), 1)).isEqualTo(1);
            lb.send(Vtep.vxlan(VNI, tcp(LB, 40001, APP, 8080, PacketBuilder.ACK)), port);
            assertThat(await(() -> live.counters().get(LiveCounters.ACCEPTED), 2)).isEqualTo(2);
            assertThat(live.policy()).isSameAs(next);
        }
    }
}
