package io.sgemu.control.load;

import io.sgemu.dataplane.capture.PcapWriter;
import io.sgemu.dataplane.packet.LinkType;
import io.sgemu.dataplane.packet.PacketBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class LoadGeneratorTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path dir;

    /**
     * Receives datagrams, keeps a copy of each and sends it back to the generator's listen address (as the
     * emulator forwards accepted packets to its --forward address).
     */
    static final class Reflector implements AutoCloseable {
        final DatagramChannel channel;
        final List<byte[]> received = Collections.synchronizedList(new ArrayList<>());
        final Thread thread;
        volatile Supplier<SocketAddress> returnTo;

        Reflector() throws IOException {
            channel = DatagramChannel.open();
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20); // a busy machine may leave it unread for a while
            channel.bind(new InetSocketAddress(LOOPBACK, 0));
            thread = new Thread(this::run, "test-reflector");
            thread.setDaemon(true);
            thread.start();
        }

        int port() throws IOException {
            return ((InetSocketAddress) channel.getLocalAddress()).getPort();
        }

        private void run() {
            ByteBuffer b = ByteBuffer.allocate(65536);
            try {
                while (true) {
                    b.clear();
                    channel.receive(b);
                    b.flip();
                    byte[] copy = new byte[b.remaining()];
                    b.get(copy);
                    received.add(copy);
                    Supplier<SocketAddress> to = returnTo;
                    if (to != null) {
                        channel.send(ByteBuffer.wrap(copy), to.get());
                    }
                }
            } catch (ClosedChannelException e) {
                // closed by the test
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** IPv4 UDP and TCP packets with distinct ports, plus an IPv6 one, as Ethernet frames. */
    static List<byte[]> ipPackets(int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            PacketBuilder b = i % 7 == 6
                    ? PacketBuilder.ip("2600:1f18::5", "2600:1f18::9").udp(30000 + i, 53, 16)
                    : PacketBuilder.ip("10.0.0.5", "10.0.1.9");
            if (i % 7 != 6) {
                b = i % 2 == 0 ? b.udp(40000 + i, 53, 24) : b.tcp(40000 + i, 443, PacketBuilder.SYN, 0);
            }
            out.add(b.build());
        }
        return out;
    }

    private Path capture(List<byte[]> frames, int linkType) throws IOException {
        Path file = dir.resolve("load-" + System.nanoTime() + ".pcap");
        try (PcapWriter w = PcapWriter.create(file, linkType, PcapWriter.Precision.NANOSECONDS)) {
            long t = 1_700_000_000_000_000_000L;
            for (byte[] f : frames) {
                w.write(t += 1000, f);
            }
        }
        return file;
    }

    /** An Ethernet frame around an IP packet, with the builder's addresses. */
    private static byte[] ethernet(byte[] ip) {
        ByteBuffer b = ByteBuffer.allocate(14 + ip.length);
        b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1});
        b.putShort((short) ((ip[0] & 0xF0) == 0x60 ? 0x86DD : 0x0800));
        b.put(ip);
        return b.array();
    }

    /** An ARP request frame (not IP). */
    private static byte[] arp() {
        ByteBuffer b = ByteBuffer.allocate(14 + 28);
        b.put(new byte[] {-1, -1, -1, -1, -1, -1, 2, 0, 0, 0, 0, 1});
        b.putShort((short) 0x0806);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1);
        return b.array();
    }

    /** The packet as sent with tag {@code tag}: IPv4 identification (checksum recomputed here) or IPv6 flow label. */
    private static byte[] tagged(byte[] ip, int tag) {
        byte[] t = ip.clone();
        if ((t[0] & 0xF0) == 0x40) {
            t[4] = (byte) (tag >> 8);
            t[5] = (byte) tag;
            t[10] = 0;
            t[11] = 0;
            int hl = (t[0] & 0x0F) * 4;
            long sum = 0;
            for (int i = 0; i < hl; i += 2) {
                sum += ((t[i] & 0xFF) << 8) | (t[i + 1] & 0xFF);
            }
            while (sum >> 16 != 0) {
                sum = (sum & 0xFFFF) + (sum >> 16);
            }
            int c = (int) (~sum & 0xFFFF);
            t[10] = (byte) (c >> 8);
            t[11] = (byte) c;
        } else {
            t[2] = (byte) (tag >> 8);
            t[3] = (byte) tag;
        }
        return t;
    }

    private static LoadReport run(LoadOptions o, LoadPackets p, Reflector r) throws Exception {
        LoadGenerator g = new LoadGenerator(o, p);
        r.returnTo = g::listening;
        return g.run();
    }

    @Test
    void udpTarget_everyPacketComesBack_withItsLatency() throws Exception {
        List<byte[]> ips = ipPackets(40);
        LoadPackets packets = LoadPackets.fromCapture(capture(ips.stream().map(LoadGeneratorTest::ethernet).toList(),
                LinkType.ETHERNET));
        assertThat(packets.packets()).hasSize(40);
        try (Reflector r = new Reflector()) {
            LoadOptions o = LoadOptions.to(LoadTarget.parse("udp://127.0.0.1:" + r.port())).withCount(1000)
                    .withRate(10_000).withListen(new InetSocketAddress(LOOPBACK, 0), Encapsulation.UDP)
                    .withWait(5_000_000_000L);
            LoadReport rep = run(o, packets, r);
            assertThat(rep.sent()).isEqualTo(1000);
            assertThat(rep.sendErrors()).isZero();
            assertThat(r.received).hasSize(1000);
            assertThat(rep.returned()).isEqualTo(1000);
            assertThat(rep.lost()).isZero();
            assertThat(rep.unmatched()).isZero();
            assertThat(rep.latencyCount()).as("every packet tagged and matched").isEqualTo(1000);
            assertThat(rep.latencyMicros().get("p50")).isPositive();
            assertThat(rep.latencyMicros().get("max")).isGreaterThanOrEqualTo(rep.latencyMicros().get("p99.9"));
            // the datagram is the IP packet, tagged with its place in the schedule
            for (int g = 0; g < 1000; g++) {
                assertThat(r.received.get(g)).as("datagram %d", g).isEqualTo(tagged(ips.get(g % 40), g));
            }
        }
    }

    @Test
    void vxlanFraming_byteByByte_andReturnsOpened() throws Exception {
        List<byte[]> ips = ipPackets(14);
        LoadPackets packets = LoadPackets.fromCapture(capture(ips.stream().map(LoadGeneratorTest::ethernet).toList(),
                LinkType.ETHERNET));
        int vni = 0xABCDEF;
        try (Reflector r = new Reflector()) {
            LoadOptions o = LoadOptions.to(LoadTarget.parse("vxlan://127.0.0.1:" + r.port())).withVni(vni)
                    .withListen(new InetSocketAddress(LOOPBACK, 0), Encapsulation.VXLAN).withWait(5_000_000_000L);
            LoadReport rep = run(o, packets, r);
            assertThat(rep.sent()).as("one pass over the capture").isEqualTo(14);
            assertThat(r.received).hasSize(14);
            for (int g = 0; g < 14; g++) {
                byte[] ip = tagged(ips.get(g), g);
                byte[] d = r.received.get(g);
                ByteBuffer want = ByteBuffer.allocate(8 + 14 + ip.length);
                want.put(new byte[] {0x08, 0, 0, 0, (byte) 0xAB, (byte) 0xCD, (byte) 0xEF, 0});
                want.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1});
                want.putShort((short) ((ip[0] & 0xF0) == 0x60 ? 0x86DD : 0x0800));
                want.put(ip);
                assertThat(d).as("VXLAN datagram %d", g).isEqualTo(want.array());
            }
            assertThat(rep.returned()).isEqualTo(14);
            assertThat(rep.latencyCount()).isEqualTo(14);
            assertThat(rep.foreign()).isZero();
        }
    }

    @Test
    void geneveFraming_ipPayloadWithItsEtherType() throws Exception {
        List<byte[]> ips = ipPackets(7);
        LoadPackets packets = LoadPackets.fromCapture(capture(ips, LinkType.RAW));
        try (Reflector r = new Reflector()) {
            LoadOptions o = LoadOptions.to(LoadTarget.parse("geneve://127.0.0.1:" + r.port())).withVni(77)
                    .withListen(new InetSocketAddress(LOOPBACK, 0), Encapsulation.GENEVE).withWait(5_000_000_000L);
            LoadReport rep = run(o, packets, r);
            for (int g = 0; g < 7; g++) {
                byte[] ip = tagged(ips.get(g), g);
                ByteBuffer want = ByteBuffer.allocate(8 + ip.length);
                want.put(new byte[] {0, 0}).putShort((short) ((ip[0] & 0xF0) == 0x60 ? 0x86DD : 0x0800));
                want.put(new byte[] {0, 0, 77, 0}).put(ip);
                assertThat(r.received.get(g)).as("GENEVE datagram %d", g).isEqualTo(want.array());
            }
            assertThat(rep.returned()).isEqualTo(7);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void fixedRate_sendsExactlyThePacketsTheScheduleHolds_noSooner(int threads) throws Exception {
        LoadPackets packets = LoadPackets.fromCapture(capture(ipPackets(5), LinkType.RAW));
        try (Reflector r = new Reflector()) {
            LoadOptions o = LoadOptions.to(LoadTarget.parse("udp://127.0.0.1:" + r.port())).withRate(2000)
                    .withDuration(250_000_000L).withThreads(threads);
            LoadReport rep = new LoadGenerator(o, packets).run();
            assertThat(rep.scheduled()).as("ceil(0.25 s * 2000/s)").isEqualTo(500);
            assertThat(rep.sent()).as("%d threads", threads).isEqualTo(500);
            // the last packet is due 499/2000 s after the start; pacing never sends before the due time
            assertThat(rep.seconds()).isGreaterThanOrEqualTo(0.2495);
            assertThat(rep.listened()).isFalse();
        }
    }

    @Test
    void aRampedRate_sendsThePacketsDueInTheDuration_andReportsNoneLateOnAQuietLoopback() throws Exception {
        LoadPackets packets = LoadPackets.fromCapture(capture(ipPackets(5), LinkType.RAW));
        try (Reflector r = new Reflector()) {
            LoadOptions o = LoadOptions.to(LoadTarget.parse("udp://127.0.0.1:" + r.port())).withRate(4000)
                    .withDuration(400_000_000L).withRamp(200_000_000L);
            LoadReport rep = new LoadGenerator(o, packets).run();
            // 0.2 s ramp (400 packets, half of 0.2 s x 4000/s) + 0.2 s at 4000/s (800)
            assertThat(rep.scheduled()).isEqualTo(1200);
            assertThat(rep.sent()).isEqualTo(1200);
            assertThat(rep.seconds()).as("the last is due just before 0.4 s").isGreaterThanOrEqualTo(0.399);
            assertThat(rep.late()).isNotNegative().isLessThanOrEqualTo(rep.sent());
            assertThat(rep.toText()).contains("late ");
        }
        assertThatThrownBy(() -> LoadOptions.to(LoadTarget.parse("udp://127.0.0.1:9")).withRamp(1))
                .as("a ramp without a rate").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LoadOptions.to(LoadTarget.parse("udp://127.0.0.1:9")).withRate(10)
                .withDuration(1_000).withRamp(2_000)).as("a ramp longer than the duration")
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Regression: the schedule began before the senders' datagrams were built, so a big load began late, in a burst. */
    @Test
    void theScheduleBeginsOnceTheSendersAreBuilt() throws Exception {
        LoadPackets packets = LoadPackets.fromCapture(capture(ipPackets(3), LinkType.RAW));
        try (Reflector r = new Reflector()) {
            long before = System.nanoTime();
            LoadGenerator g = new LoadGenerator(LoadOptions.to(LoadTarget.parse("udp://127.0.0.1:" + r.port()))
                    .withRate(1000).withCount(5).withThreads(2), packets);
            LoadReport rep = g.run();
            assertThat(rep.sent()).isEqualTo(5);
            assertThat(g.sendersBuiltNanos).isGreaterThan(before);
            assertThat(g.scheduleStartNanos).as("the first packet is due after every sender exists")
                    .isGreaterThan(g.sendersBuiltNanos);
        }
    }

    @Test
    void aSenderBehindItsSchedule_countsTheLatePackets_andHowLate() throws Exception {
        List<byte[]> share = new ArrayList<>();
        for (byte[] ip : ipPackets(3)) {
            share.add(Encapsulation.UDP.encode(ip, 0));
        }
        try (Reflector sink = new Reflector(); DatagramChannel ch = DatagramChannel.open()) {
            ch.connect(new InetSocketAddress(LOOPBACK, sink.port()));
            // started 50 ms ago at 1000/s: the first 50 packets are due already (sent at once, late), the rest on time
            long start = System.nanoTime() - 50_000_000L;
            LoadSender s = new LoadSender(0, 1, ch, share, Encapsulation.UDP.headerLength(), 60, null)
                    .schedule(new Schedule(start, 1000), Long.MAX_VALUE);
            s.run();
            assertThat(s.sent).isEqualTo(60);
            assertThat(s.late).as("packets due over 1 ms before the sender began").isBetween(40L, 60L);
            assertThat(s.maxLateNanos).isGreaterThanOrEqualTo(49_000_000L);
            // flat out nothing is late
            LoadSender flat = new LoadSender(0, 1, ch, share, Encapsulation.UDP.headerLength(), 60, null)
                    .schedule(new Schedule(start, 0), Long.MAX_VALUE);
            flat.run();
            assertThat(flat.late).isZero();
            assertThat(flat.maxLateNanos).isZero();
        }
    }

    @Test
    void flatOut_withThreads_sendsTheCount_andLoops() throws Exception {
        LoadPackets packets = LoadPackets.fromCapture(capture(ipPackets(3), LinkType.RAW));
        try (Reflector r = new Reflector()) {
            LoadOptions o = LoadOptions.to(LoadTarget.parse("udp://127.0.0.1:" + r.port())).withCount(3001)
                    .withThreads(4).withListen(new InetSocketAddress(LOOPBACK, 0), Encapsulation.UDP)
                    .withWait(5_000_000_000L);
            LoadReport rep = run(o, packets, r);
            assertThat(rep.sent()).isEqualTo(3001);
            // loopback may drop a datagram under a flat-out burst; every one that came back was counted and matched
            assertThat(rep.returned()).isLessThanOrEqualTo(r.received.size());
            assertThat(r.received.size()).isLessThanOrEqualTo(3001);
            assertThat(rep.returned() + rep.lost()).isEqualTo(3001);
            assertThat(rep.latencyCount() + rep.unmatched()).isEqualTo(rep.returned());
            assertThat(rep.rate()).isPositive();
        }
    }

    @Test
    void flatOutForADuration_stopsAtTheDeadline() throws Exception {
        LoadPackets packets = LoadPackets.fromCapture(capture(ipPackets(3), LinkType.RAW));
        try (Reflector r = new Reflector()) {
            LoadOptions o = LoadOptions.to(LoadTarget.parse("udp://127.0.0.1:" + r.port())).withDuration(100_000_000L);
            LoadReport rep = new LoadGenerator(o, packets).run();
            assertThat(rep.scheduled()).isEqualTo(-1);
            assertThat(rep.sent()).isPositive();
            assertThat(rep.seconds()).isLessThan(5.0);
        }
    }

    @Test
    void framesThatAreNotIp_areSkippedAndCounted() throws Exception {
        List<byte[]> ips = ipPackets(4);
        List<byte[]> frames = new ArrayList<>();
        for (byte[] ip : ips) {
            frames.add(arp());
            frames.add(ethernet(ip));
        }
        frames.add(arp());
        frames.add(Arrays.copyOf(ethernet(ips.get(0)), 20)); // cut inside the IP header
        LoadPackets p = LoadPackets.fromCapture(capture(frames, LinkType.ETHERNET));
        assertThat(p.frames()).isEqualTo(10);
        assertThat(p.packets()).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(p.packets().get(i)).isEqualTo(ips.get(i));
        }
        assertThat(p.skipped()).containsEntry("not-ip", 5L).containsEntry("malformed", 1L);
        assertThat(p.skippedTotal()).isEqualTo(6);
    }

    @Test
    void ipHeaderFoundBehindVlanTags() throws Exception {
        byte[] frame = PacketBuilder.ip("10.0.0.5", "10.0.1.9").udp(1, 2, 3).ethernet().vlan(0x8100, 5).build();
        byte[] ip = PacketBuilder.ip("10.0.0.5", "10.0.1.9").udp(1, 2, 3).build();
        LoadPackets p = LoadPackets.fromCapture(capture(List.of(frame), LinkType.ETHERNET));
        assertThat(p.packets()).hasSize(1);
        assertThat(p.packets().get(0)).isEqualTo(ip);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 5, 42})
    void tagging_keepsTheIpv4HeaderChecksumValid_andReadsBack(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int k = 0; k < 200; k++) {
            byte[] ip = PacketBuilder.ip("10." + rnd.nextInt(256) + ".0." + rnd.nextInt(256), "192.0.2." + rnd.nextInt(256))
                    .ttl(1 + rnd.nextInt(255)).identification(rnd.nextInt(65536)).ipv4Options(rnd.nextInt(3))
                    .udp(rnd.nextInt(65536), rnd.nextInt(65536), rnd.nextInt(40)).build();
            ByteBuffer b = ByteBuffer.allocateDirect(ip.length + 3);
            b.put(new byte[3]).put(ip);
            int tag = rnd.nextInt(PacketTags.TAGS);
            assertThat(PacketTags.taggable(b, 3)).isTrue();
            PacketTags.stamp(b, 3, tag);
            assertThat(PacketTags.ipv4HeaderChecksum(b, 3)).as("seed %d: a valid header sums to 0", seed).isZero();
            assertThat(PacketTags.read(b, 3, b.capacity())).as("seed %d", seed).isEqualTo(tag);
        }
        byte[] fragment = PacketBuilder.ip("10.0.0.1", "10.0.0.2").fragment(0, true).udp(1, 2, 30).build();
        assertThat(PacketTags.taggable(ByteBuffer.wrap(fragment), 0)).isFalse();
        assertThat(PacketTags.read(ByteBuffer.wrap(fragment), 0, fragment.length)).isEqualTo(-1);
    }

    @Test
    void returnedDatagramsOpen_vxlanWithVlan_geneveWithOptionsAndEthernet() {
        byte[] ip = PacketBuilder.ip("10.0.0.5", "10.0.1.9").udp(1, 2, 3).build();
        byte[] vxlanVlan = PacketBuilder.ip("10.0.0.5", "10.0.1.9").udp(1, 2, 3).vlan(0x8100, 7).vxlan(9).build();
        // the builder gives a whole outer frame: Ethernet 14 + IPv4 20 + UDP 8 before the VXLAN header
        ByteBuffer v = ByteBuffer.wrap(Arrays.copyOfRange(vxlanVlan, 42, vxlanVlan.length));
        assertThat(Encapsulation.VXLAN.innerIpOffset(v, v.capacity())).isEqualTo(8 + 14 + 4);
        byte[] geneve = PacketBuilder.ip("10.0.0.5", "10.0.1.9").udp(1, 2, 3).ethernet()
                .geneve(5, PacketBuilder.geneveOption(0x0102, 3, new byte[4])).build();
        ByteBuffer gb = ByteBuffer.wrap(Arrays.copyOfRange(geneve, 42, geneve.length));
        int p = Encapsulation.GENEVE.innerIpOffset(gb, gb.capacity());
        assertThat(p).isEqualTo(8 + 8 + 14);
        assertThat(Arrays.copyOfRange(gb.array(), p, gb.capacity())).isEqualTo(ip);
        assertThat(Encapsulation.VXLAN.innerIpOffset(ByteBuffer.wrap(ip), ip.length)).as("not VXLAN").isEqualTo(-1);
        assertThat(Encapsulation.UDP.innerIpOffset(ByteBuffer.wrap(new byte[] {0x10, 0}), 2)).isEqualTo(-1);
    }

    @Test
    void sendingAllocatesNothingPerPacket() throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        List<byte[]> share = new ArrayList<>();
        for (byte[] ip : ipPackets(14)) {
            share.add(Encapsulation.VXLAN.encode(ip, 5));
        }
        try (Reflector sink = new Reflector(); DatagramChannel ch = DatagramChannel.open()) {
            ch.connect(new InetSocketAddress(LOOPBACK, sink.port()));
            PacketTags tags = new PacketTags();
            int n = 50_000;
            // warm up the sending path (compilation), then measure a second sender's run on this thread
            new LoadSender(0, 1, ch, share, Encapsulation.VXLAN.headerLength(), n, tags)
                    .schedule(new Schedule(System.nanoTime(), 0), Long.MAX_VALUE).run();
            LoadSender measured = new LoadSender(0, 1, ch, share, Encapsulation.VXLAN.headerLength(), n, tags)
                    .schedule(new Schedule(System.nanoTime(), 0), Long.MAX_VALUE);
            long before = mx.getCurrentThreadAllocatedBytes();
            measured.run();
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            assertThat(measured.sent + measured.sendErrors).isEqualTo(n);
            assertThat(allocated).as("bytes allocated sending %d datagrams", n).isLessThan(n / 10);
        }
    }

    @Test
    void targetsAreUris() {
        LoadTarget t = LoadTarget.parse("vxlan://127.0.0.1:4789");
        assertThat(t.encapsulation()).isEqualTo(Encapsulation.VXLAN);
        assertThat(t.address().getPort()).isEqualTo(4789);
        assertThat(t).hasToString("vxlan://127.0.0.1:4789");
        assertThat(LoadTarget.parse("geneve://[::1]:6081").address().getAddress().getHostAddress()).contains(":");
        assertThatThrownBy(() -> LoadTarget.parse("tcp://127.0.0.1:1")).hasMessageContaining("udp, vxlan or geneve");
        assertThatThrownBy(() -> LoadTarget.parse("127.0.0.1:1")).hasMessageContaining("udp://HOST:PORT");
        assertThatThrownBy(() -> LoadTarget.parse("udp://127.0.0.1")).hasMessageContaining("HOST:PORT");
        assertThatThrownBy(() -> LoadTarget.parse("udp://127.0.0.1:99999")).hasMessageContaining("0..65535");
    }
}
