package io.sgemu.dataplane.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sgemu.dataplane.net.IpAddress;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * VXLAN and GENEVE datagrams made by {@link PacketBuilder} are opened by the decoder: the inner packet is
 * read as if it had arrived alone, the VNI is reported, and a bad tunnel header is MALFORMED with its
 * own reason.
 */
class TunnelDecoderTest {

    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket out = new DecodedPacket();

    /** Where the UDP payload of an outer Ethernet/IPv4-or-IPv6/UDP frame lies, found with the flyweights. */
    record Payload(int offset, int length) {
    }

    static Payload udpPayload(UnsafeBuffer frame, int offset, int length) {
        EthernetHeader eth = new EthernetHeader().wrap(frame, offset, length);
        assertThat(eth.valid()).as("outer Ethernet").isTrue();
        int ip = offset + eth.headerLength();
        int end = offset + length;
        int udpAt;
        if (eth.innerEtherType() == EtherType.IPV4) {
            Ipv4Header h = new Ipv4Header().wrap(frame, ip, end - ip);
            assertThat(h.valid()).as("outer IPv4").isTrue();
            assertThat(h.protocol()).isEqualTo(PacketDecoder.PROTO_UDP);
            udpAt = ip + h.headerLength();
        } else {
            Ipv6Header h = new Ipv6Header().wrap(frame, ip, end - ip);
            assertThat(h.valid()).as("outer IPv6").isTrue();
            assertThat(h.nextHeader()).isEqualTo(PacketDecoder.PROTO_UDP);
            udpAt = ip + Ipv6Header.LENGTH;
        }
        UdpHeader udp = new UdpHeader().wrap(frame, udpAt, end - udpAt);
        assertThat(udp.complete()).as("outer UDP").isTrue();
        return new Payload(udp.payloadIndex(), udp.payloadLength());
    }

    static Stream<Long> seeds() {
        return LongStreamSeeds.of(3).boxed();
    }

    private static IpAddress[] endpoints(SplittableRandom r) {
        boolean v6 = r.nextInt(4) == 0;
        return new IpAddress[] {RandomPackets.randomAddress(r, v6), RandomPackets.randomAddress(r, v6)};
    }

    /** Random GENEVE options: up to 4, each with 0 to 5 words of random data. */
    static byte[] randomOptions(SplittableRandom r) {
        ByteArrayOutputStream options = new ByteArrayOutputStream();
        int count = r.nextInt(5);
        for (int i = 0; i < count; i++) {
            byte[] data = new byte[4 * r.nextInt(6)];
            for (int k = 0; k < data.length; k++) {
                data[k] = (byte) r.nextInt(256);
            }
            options.writeBytes(PacketBuilder.geneveOption(r.nextInt(65536), r.nextInt(256), data));
        }
        return options.toByteArray();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void vxlanRoundTrip(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 400; i++) {
            String ctx = "seed " + seed + " packet " + i;
            RandomPackets.Built inner = RandomPackets.nextBuilder(r, LinkType.ETHERNET);
            int vni = r.nextInt(VxlanHeader.MAX_VNI + 1);
            IpAddress[] outer = endpoints(r);
            byte[] frame = inner.builder().tunnelEndpoints(outer[0], outer[1]).vxlan(vni).build();
            assertThat(inner.builder().linkType()).isEqualTo(LinkType.ETHERNET);

            // The outer frame is an ordinary UDP datagram to the VXLAN port.
            UnsafeBuffer buf = new UnsafeBuffer(frame);
            PacketDecoder.decode(LinkType.ETHERNET, buf, 0, frame.length, frame.length, 1, out);
            assertThat(out.status).as(ctx).isEqualTo(DecodedPacket.Status.OK);
            assertThat(out.protocol).as(ctx).isEqualTo(PacketDecoder.PROTO_UDP);
            assertThat(out.dstPort).as(ctx).isEqualTo(VxlanHeader.UDP_PORT);
            assertThat(out.src()).as(ctx).isEqualTo(outer[0]);
            assertThat(out.dst()).as(ctx).isEqualTo(outer[1]);

            Payload p = udpPayload(buf, 0, frame.length);
            assertThat(decoder.decodeVxlan(buf, p.offset(), p.length(), 5, out)).as(ctx).isEqualTo(vni);
            inner.expected().assertDecoded(out, ctx);
            assertThat(out.timeNanos).as(ctx).isEqualTo(5);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void geneveRoundTrip(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        GeneveHeader geneve = new GeneveHeader();
        for (int i = 0; i < 400; i++) {
            String ctx = "seed " + seed + " packet " + i;
            boolean ethernet = r.nextBoolean();
            RandomPackets.Built inner = RandomPackets.nextBuilder(r, ethernet ? LinkType.ETHERNET : LinkType.RAW);
            int vni = r.nextInt(VxlanHeader.MAX_VNI + 1);
            byte[] options = randomOptions(r);
            IpAddress[] outer = endpoints(r);
            byte[] frame = inner.builder().tunnelEndpoints(outer[0], outer[1]).geneve(vni, options).build();

            UnsafeBuffer buf = new UnsafeBuffer(frame);
            PacketDecoder.decode(LinkType.ETHERNET, buf, 0, frame.length, frame.length, 1, out);
            assertThat(out.status).as(ctx).isEqualTo(DecodedPacket.Status.OK);
            assertThat(out.dstPort).as(ctx).isEqualTo(GeneveHeader.UDP_PORT);

            Payload p = udpPayload(buf, 0, frame.length);
            geneve.wrap(buf, p.offset(), p.length());
            assertThat(geneve.valid()).as(ctx).isTrue();
            assertThat(geneve.optionsLength()).as(ctx).isEqualTo(options.length);
            int expectedType = ethernet ? EtherType.TRANSPARENT_ETHERNET
                    : inner.expected().ipVersion() == 6 ? EtherType.IPV6 : EtherType.IPV4;
            assertThat(geneve.protocolType()).as(ctx).isEqualTo(expectedType);
            int walked = 0;
            for (int at = geneve.firstOption(); at >= 0; at = geneve.nextOption(at)) {
                assertThat(geneve.optionClass(at)).as(ctx).isEqualTo(((options[walked] & 0xFF) << 8) | (options[walked + 1] & 0xFF));
                walked += geneve.optionLength(at);
            }
            assertThat(walked).as(ctx).isEqualTo(options.length);

            assertThat(decoder.decodeGeneve(buf, p.offset(), p.length(), 6, out)).as(ctx).isEqualTo(vni);
            inner.expected().assertDecoded(out, ctx);
        }
    }

    record CutCase(String name, PacketBuilder builder, boolean vxlan, int tunnelHeaderLength, int headerBytes) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cutCases() {
        byte[] option = PacketBuilder.geneveOption(0x0108, 1, new byte[8]);
        return Stream.of(
                new CutCase("VXLAN, TCP/IPv4 in Ethernet with a VLAN tag",
                        PacketBuilder.ip("10.0.1.5", "10.0.2.6").tcp(40000, 443, PacketBuilder.SYN, 30).vlan(0x8100, 9)
                                .vxlan(7001), true, 8, 8 + 18 + 20 + 20),
                new CutCase("GENEVE with an option, UDP/IPv6 in Ethernet",
                        PacketBuilder.ip("2001:db8::1", "2001:db8::2").udp(5353, 53, 12).ethernet().geneve(42, option),
                        false, 20, 20 + 14 + 40 + 8),
                new CutCase("GENEVE, ICMP echo in raw IPv4",
                        PacketBuilder.ip("10.0.1.5", "10.0.2.6").icmpEcho(true, 77).geneve(1, new byte[0]),
                        false, 8, 8 + 20 + 8))
                .map(Arguments::of);
    }

    private int open(CutCase c, UnsafeBuffer buf, int length, int originalLength) {
        return c.vxlan() ? decoder.decodeVxlan(buf, 0, length, originalLength, 1, out)
                : decoder.decodeGeneve(buf, 0, length, originalLength, 1, out);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cutCases")
    void everyCutOfATunnelPayloadIsMalformed(CutCase c) {
        byte[] frame = c.builder().build();
        Payload p = udpPayload(new UnsafeBuffer(frame), 0, frame.length);
        byte[] payload = Arrays.copyOfRange(frame, p.offset(), p.offset() + p.length());
        int vni = open(c, new UnsafeBuffer(payload), payload.length, payload.length);
        assertThat(out.status).as("whole payload").isEqualTo(DecodedPacket.Status.OK);
        String tunnelReason = c.vxlan() ? PacketDecoder.REASON_MALFORMED_VXLAN : PacketDecoder.REASON_MALFORMED_GENEVE;
        for (int cut = 0; cut < payload.length; cut++) {
            UnsafeBuffer exact = Hex.cut(payload, cut);
            int length = cut;
            int[] returned = new int[1];
            assertThatCode(() -> returned[0] = open(c, exact, length, length)).as("cut at %d", cut)
                    .doesNotThrowAnyException();
            assertThat(out.status).as("cut at %d", cut).isEqualTo(DecodedPacket.Status.MALFORMED);
            if (cut < c.tunnelHeaderLength()) {
                assertThat(out.reason).as("cut at %d", cut).isEqualTo(tunnelReason);
                assertThat(returned[0]).as("cut at %d", cut).isEqualTo(-1);
                assertThat(out.hasAddresses()).as("cut at %d", cut).isFalse();
            } else {
                assertThat(out.reason).as("cut at %d", cut).isEqualTo(PacketDecoder.REASON_MALFORMED);
                assertThat(returned[0]).as("cut at %d", cut).isEqualTo(vni);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cutCases")
    void aSnappedTunnelPayloadIsFineOnceItsHeadersAreWhole(CutCase c) {
        byte[] frame = c.builder().build();
        Payload p = udpPayload(new UnsafeBuffer(frame), 0, frame.length);
        byte[] payload = Arrays.copyOfRange(frame, p.offset(), p.offset() + p.length());
        for (int cut = 0; cut < payload.length; cut++) {
            open(c, Hex.cut(payload, cut), cut, payload.length);
            assertThat(out.status).as("snapped at %d", cut)
                    .isEqualTo(cut >= c.headerBytes() ? DecodedPacket.Status.OK : DecodedPacket.Status.MALFORMED);
        }
    }

    @Test
    void vxlanWithoutTheIFlagIsMalformedVxlan() {
        byte[] frame = PacketBuilder.ip("10.0.1.5", "10.0.2.6").udp(1000, 2000, 0).vxlan(99).build();
        Payload p = udpPayload(new UnsafeBuffer(frame), 0, frame.length);
        frame[p.offset()] = 0x00;
        assertThat(decoder.decodeVxlan(new UnsafeBuffer(frame), p.offset(), p.length(), 1, out)).isEqualTo(-1);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.MALFORMED);
        assertThat(out.reason).isEqualTo("malformed-vxlan");
        frame[p.offset()] = (byte) 0xFF; // reserved bits are ignored on receipt
        assertThat(decoder.decodeVxlan(new UnsafeBuffer(frame), p.offset(), p.length(), 1, out)).isEqualTo(99);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.OK);
    }

    @Test
    void geneveOfVersionOneOrWithOverrunningOptionsIsMalformedGeneve() {
        byte[] option = PacketBuilder.geneveOption(0x0108, 1, new byte[4]);
        byte[] frame = PacketBuilder.ip("10.0.1.5", "10.0.2.6").udp(1000, 2000, 0).ethernet().geneve(5, option).build();
        Payload p = udpPayload(new UnsafeBuffer(frame), 0, frame.length);

        byte[] version1 = frame.clone();
        version1[p.offset()] |= 0x40;
        assertThat(decoder.decodeGeneve(new UnsafeBuffer(version1), p.offset(), p.length(), 1, out)).isEqualTo(-1);
        assertThat(out.reason).isEqualTo("malformed-geneve");

        byte[] overrun = frame.clone();
        overrun[p.offset() + GeneveHeader.LENGTH + GeneveHeader.OPTION_LENGTH_OFFSET] = 2; // 8 bytes of data in a 4-byte area
        assertThat(decoder.decodeGeneve(new UnsafeBuffer(overrun), p.offset(), p.length(), 1, out)).isEqualTo(-1);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.MALFORMED);
        assertThat(out.reason).isEqualTo("malformed-geneve");

        assertThat(decoder.decodeGeneve(new UnsafeBuffer(frame), p.offset(), p.length(), 1, out)).isEqualTo(5);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.OK);
    }

    @Test
    void criticalOptionsAndTheControlFlagDoNotStopTheDecoder() {
        // What an endpoint does with critical options or control packets is its decision (RFC 8926
        // sections 3.4, 3.5); the decoder reports the header valid and reads the payload.
        byte[] option = PacketBuilder.geneveOption(0x0108, GeneveHeader.OPTION_TYPE_CRITICAL | 3, new byte[4]);
        byte[] frame = PacketBuilder.ip("10.0.1.5", "10.0.2.6").tcp(1000, 22, PacketBuilder.SYN, 0).geneve(8, option).build();
        Payload p = udpPayload(new UnsafeBuffer(frame), 0, frame.length);
        frame[p.offset() + GeneveHeader.FLAGS_OFFSET] = (byte) (GeneveHeader.FLAG_OAM | GeneveHeader.FLAG_CRITICAL);
        UnsafeBuffer buf = new UnsafeBuffer(frame);
        GeneveHeader h = new GeneveHeader().wrap(buf, p.offset(), p.length());
        assertThat(h.oam()).isTrue();
        assertThat(h.criticalOptionsPresent()).isTrue();
        assertThat(h.optionCritical(h.firstOption())).isTrue();
        assertThat(decoder.decodeGeneve(buf, p.offset(), p.length(), 1, out)).isEqualTo(8);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.OK);
        assertThat(out.dstPort).isEqualTo(22);
    }

    @Test
    void arpInATunnelIsNotIpAndStillNamesItsVni() {
        // VXLAN header, then an Ethernet frame carrying ARP.
        UnsafeBuffer vxlan = new UnsafeBuffer(new byte[VxlanHeader.LENGTH + EthernetHeader.LENGTH + 28]);
        new VxlanHeader().wrap(vxlan, 0, vxlan.capacity()).encode(314);
        new EthernetHeader().wrap(vxlan, VxlanHeader.LENGTH, vxlan.capacity() - VxlanHeader.LENGTH)
                .destinationMac(0xFFFF_FFFF_FFFFL).sourceMac(0x0242ac110002L).etherType(EtherType.ARP);
        assertThat(decoder.decodeVxlan(vxlan, 0, vxlan.capacity(), 1, out)).isEqualTo(314);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.NOT_IP);
        assertThat(out.reason).isEqualTo(PacketDecoder.REASON_NOT_IP);

        // GENEVE whose protocol type is ARP itself.
        UnsafeBuffer geneve = new UnsafeBuffer(new byte[GeneveHeader.LENGTH + 28]);
        new GeneveHeader().wrap(geneve, 0, geneve.capacity()).encode(315, EtherType.ARP, 0);
        assertThat(decoder.decodeGeneve(geneve, 0, geneve.capacity(), 1, out)).isEqualTo(315);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.NOT_IP);
    }

    @Test
    void aRangeOutsideTheBufferIsMalformedWithoutAnException() {
        UnsafeBuffer buf = new UnsafeBuffer(new byte[64]);
        new VxlanHeader().wrap(buf, 0, 64).encode(1);
        assertThat(decoder.decodeVxlan(buf, 0, 65, 1, out)).isEqualTo(-1);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.MALFORMED);
        assertThat(decoder.decodeGeneve(buf, -1, 10, 1, out)).isEqualTo(-1);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.MALFORMED);
        assertThat(decoder.decodeGeneve(buf, 60, -1, 1, out)).isEqualTo(-1);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.MALFORMED);
    }

    @Test
    void theDecoderReadsOnlyTheOutermostPacketOfATunnelledFrame() {
        // decode() judges what reaches the interface: the outer datagram, not the packet inside it.
        byte[] frame = PacketBuilder.ip("10.9.9.9", "10.8.8.8").tcp(1, 2, PacketBuilder.SYN, 0)
                .tunnelEndpoints(IpAddress.parse("172.31.0.1"), IpAddress.parse("172.31.0.2")).vxlan(3).build();
        PacketDecoder.decode(LinkType.ETHERNET, new UnsafeBuffer(frame), 0, frame.length, frame.length, 1, out);
        assertThat(out.src()).isEqualTo(IpAddress.parse("172.31.0.1"));
        assertThat(out.protocol).isEqualTo(PacketDecoder.PROTO_UDP);
    }

    @Test
    void theBuilderRefusesTunnelsItCannotWrite() {
        assertThatThrownBy(() -> PacketBuilder.ip("10.0.0.1", "10.0.0.2").vxlan(1).raw().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("VXLAN carries Ethernet");
        assertThatThrownBy(() -> PacketBuilder.ip("10.0.0.1", "10.0.0.2").linuxSll().geneve(1, new byte[0]).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("GENEVE carries");
        assertThatThrownBy(() -> PacketBuilder.ip("10.0.0.1", "10.0.0.2").vxlan(1 << 24))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PacketBuilder.ip("10.0.0.1", "10.0.0.2").geneve(1, new byte[6]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PacketBuilder.ip("10.0.0.1", "10.0.0.2")
                .tunnelEndpoints(IpAddress.parse("10.0.0.1"), IpAddress.parse("::1")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
