package io.sgemu.dataplane.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.sgemu.dataplane.net.IpAddress;

class PacketDecoderTest {

    private final DecodedPacket out = new DecodedPacket();

    private void decode(int linkType, byte[] frame) {
        // Place the frame at a non-zero offset in a larger buffer: the decoder must honour the offset.
        byte[] padded = new byte[frame.length + 13];
        System.arraycopy(frame, 0, padded, 7, frame.length);
        PacketDecoder.decode(linkType, new UnsafeBuffer(padded), 7, frame.length, frame.length, 42L, out);
    }

    static Stream<Arguments> linkTypesAndSeeds() {
        return IntStream.of(RandomPackets.LINK_TYPES).boxed()
                .flatMap(lt -> LongStreamSeeds.of(3).mapToObj(seed -> Arguments.of(lt, seed)));
    }

    @ParameterizedTest(name = "link type {0}, seed {1}")
    @MethodSource("linkTypesAndSeeds")
    void decodesWhatTheBuilderBuilt(int linkType, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 300; i++) {
            RandomPackets.Sample s = RandomPackets.next(r, linkType);
            decode(s.linkType(), s.frame());
            s.expected().assertDecoded(out, "seed " + seed + " packet " + i + " " + LinkType.name(linkType));
            assertThat(out.timeNanos).isEqualTo(42L);
        }
    }

    @Test
    void ethernetWithFiveStackedTagsOfEveryKindIsRead() {
        PacketBuilder b = PacketBuilder.ip("10.0.0.1", "10.0.0.2").udp(53, 5353, 10).ethernet()
                .vlan(0x88A8, 100).vlan(0x9100, 7).vlan(0x8100, 1).vlan(0x8100, 2).vlan(0x8100, 3);
        decode(b.linkType(), b.build());
        assertThat(out.status).isEqualTo(DecodedPacket.Status.OK);
        assertThat(out.src()).isEqualTo(IpAddress.parse("10.0.0.1"));
        assertThat(out.dstPort).isEqualTo(5353);
    }

    @Test
    void vlanTagCutShortIsMalformed() {
        byte[] frame = PacketBuilder.ip("10.0.0.1", "10.0.0.2").udp(1, 2, 0).vlan(0x8100, 5).build();
        byte[] cut = java.util.Arrays.copyOf(frame, 16); // ethertype 0x8100 then half a tag
        decode(LinkType.ETHERNET, cut);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.MALFORMED);
        assertThat(out.reason).isEqualTo("malformed");
    }

    @ParameterizedTest(name = "ethertype 0x{0}")
    @ValueSource(ints = {0x0806, 0x8847, 0x8864, 0x88CC, 0x0500})
    void nonIpEthertypesAreNotIp(int etherType) {
        byte[] frame = PacketBuilder.ip("10.0.0.1", "10.0.0.2").udp(1, 2, 20).ethernet().build();
        frame[12] = (byte) (etherType >>> 8);
        frame[13] = (byte) etherType;
        decode(LinkType.ETHERNET, frame);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.NOT_IP);
        assertThat(out.reason).isEqualTo("not-ip");
        assertThat(out.hasAddresses()).isFalse();
    }

    @Test
    void arpBehindVlanTagIsNotIp() {
        byte[] frame = PacketBuilder.ip("10.0.0.1", "10.0.0.2").udp(1, 2, 20).vlan(0x8100, 3).build();
        frame[16] = 0x08;
        frame[17] = 0x06;
        decode(LinkType.ETHERNET, frame);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.NOT_IP);
    }

    @ParameterizedTest(name = "link type {0}")
    @ValueSource(ints = {147, 127, 105, 6, 65535, -1})
    void unknownLinkTypesAreUnsupported(int linkType) {
        decode(linkType, PacketBuilder.ip("10.0.0.1", "10.0.0.2").udp(1, 2, 0).build());
        assertThat(out.status).isEqualTo(DecodedPacket.Status.UNSUPPORTED_LINK_TYPE);
        assertThat(out.reason).isEqualTo("unsupported-link-type");
    }

    @ParameterizedTest(name = "family {0}")
    @ValueSource(ints = {2, 10, 24, 28, 30})
    void loopbackFamilyIsReadInEitherByteOrder(int family) {
        boolean v6 = family != 2;
        IpAddress a = v6 ? IpAddress.parse("2001:db8::1") : IpAddress.parse("192.0.2.1");
        IpAddress z = v6 ? IpAddress.parse("2001:db8::2") : IpAddress.parse("192.0.2.2");
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            for (boolean loop : new boolean[] {false, true}) {
                PacketBuilder b = PacketBuilder.ip(a, z).tcp(1234, 80, PacketBuilder.SYN, 0).loopback(loop, family, order);
                decode(b.linkType(), b.build());
                assertThat(out.status).as("%s %s", order, loop).isEqualTo(DecodedPacket.Status.OK);
                assertThat(out.ipVersion).isEqualTo(v6 ? 6 : 4);
                assertThat(out.dst()).isEqualTo(z);
                assertThat(out.tcpFlags).isEqualTo(PacketBuilder.SYN);
            }
        }
    }

    @Test
    void loopbackWithUnknownFamilyIsNotIp() {
        byte[] frame = PacketBuilder.ip("10.0.0.1", "10.0.0.2").udp(1, 2, 0).loopback(false, 7, ByteOrder.LITTLE_ENDIAN)
                .build();
        decode(LinkType.NULL, frame);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.NOT_IP);
    }

    @Test
    void familySpecificRawLinkTypeRejectsTheOtherFamily() {
        byte[] v6 = PacketBuilder.ip("::1", "::2").udp(1, 2, 0).build();
        decode(LinkType.IPV4, v6);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.MALFORMED);
        byte[] v4 = PacketBuilder.ip("10.0.0.1", "10.0.0.2").udp(1, 2, 0).build();
        decode(LinkType.IPV6, v4);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.MALFORMED);
    }

    @Test
    void rawFrameWithUnknownVersionIsMalformed() {
        byte[] frame = PacketBuilder.ip("10.0.0.1", "10.0.0.2").udp(1, 2, 0).build();
        frame[0] = 0x55;
        decode(LinkType.RAW, frame);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.MALFORMED);
    }

    @Test
    void linuxCookedNetlinkAndPseudoProtocolsAreNotIp() {
        byte[] frame = PacketBuilder.ip("10.0.0.1", "10.0.0.2").udp(1, 2, 0).linuxSll().build();
        frame[2] = (byte) (824 >>> 8);
        frame[3] = (byte) 824;
        decode(LinkType.LINUX_SLL, frame);
        assertThat(out.status).as("netlink").isEqualTo(DecodedPacket.Status.NOT_IP);
        frame = PacketBuilder.ip("10.0.0.1", "10.0.0.2").udp(1, 2, 0).linuxSll2().build();
        frame[0] = 0;
        frame[1] = 4; // ETH_P_802_2
        decode(LinkType.LINUX_SLL2, frame);
        assertThat(out.status).as("802.2").isEqualTo(DecodedPacket.Status.NOT_IP);
    }

    @Test
    void pppWithCompressedProtocolFieldIsRead() {
        byte[] ip = PacketBuilder.ip("10.0.0.1", "10.0.0.2").udp(7, 8, 0).buildIp();
        byte[] frame = new byte[ip.length + 1];
        frame[0] = 0x21; // IPv4, one byte, no address/control
        System.arraycopy(ip, 0, frame, 1, ip.length);
        decode(LinkType.PPP, frame);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.OK);
        assertThat(out.srcPort).isEqualTo(7);
    }

    @Test
    void laterIpv4FragmentHasProtocolButNoPorts() {
        byte[] frame = PacketBuilder.ip("10.0.0.1", "10.0.0.2").tcp(1000, 2000, PacketBuilder.ACK, 40)
                .fragment(185, false).build();
        decode(LinkType.RAW, frame);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.OK);
        assertThat(out.laterFragment).isTrue();
        assertThat(out.protocol).isEqualTo(6);
        assertThat(out.srcPort).isEqualTo(-1);
        assertThat(out.tcpFlags).isEqualTo(-1);
        assertThat(out.ipLength).isEqualTo(20 + 20 + 40);
    }

    @Test
    void laterIpv6FragmentBehindExtensionHeadersHasProtocolButNoPorts() {
        byte[] frame = PacketBuilder.ip("2001:db8::1", "2001:db8::2").udp(53, 53, 100)
                .ipv6Extension(0).ipv6Extension(60).fragment(3, true).build();
        decode(LinkType.RAW, frame);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.OK);
        assertThat(out.laterFragment).isTrue();
        assertThat(out.protocol).isEqualTo(17);
        assertThat(out.srcPort).isEqualTo(-1);
    }

    @Test
    void fragmentsCarryTheirDatagramsIdentification() {
        decode(LinkType.RAW, PacketBuilder.ip("10.0.0.1", "10.0.0.2").identification(0xBEEF).tcp(1, 2, 2, 0)
                .fragment(0, true).build());
        assertThat(out.firstFragment).isTrue();
        assertThat(out.laterFragment).isFalse();
        assertThat(out.fragmentId).isEqualTo(0xBEEF);
        assertThat(out.srcPort).as("the first fragment has its ports").isEqualTo(1);

        decode(LinkType.RAW, PacketBuilder.ip("10.0.0.1", "10.0.0.2").identification(0xBEEF).tcp(1, 2, 2, 0)
                .fragment(100, false).build());
        assertThat(out.firstFragment).isFalse();
        assertThat(out.laterFragment).isTrue();
        assertThat(out.fragmentId).isEqualTo(0xBEEF);

        decode(LinkType.RAW, PacketBuilder.ip("2001:db8::1", "2001:db8::2").identification(0xCAFEF00D).udp(5, 6, 10)
                .ipv6Extension(0).fragment(0, true).build());
        assertThat(out.firstFragment).isTrue();
        assertThat(out.fragmentId).isEqualTo(0xCAFEF00DL);
        assertThat(out.dstPort).isEqualTo(6);

        decode(LinkType.RAW, PacketBuilder.ip("2001:db8::1", "2001:db8::2").identification(0xCAFEF00D).udp(5, 6, 10)
                .fragment(9, true).build());
        assertThat(out.laterFragment).isTrue();
        assertThat(out.fragmentId).isEqualTo(0xCAFEF00DL);
    }

    @Test
    void wholeDatagramsAreNoFragments() {
        decode(LinkType.RAW, PacketBuilder.ip("10.0.0.1", "10.0.0.2").identification(77).tcp(1, 2, 2, 0).build());
        assertThat(out.isFragment()).isFalse();
        assertThat(out.fragmentId).isEqualTo(-1);
        decode(LinkType.RAW, PacketBuilder.ip("2001:db8::1", "2001:db8::2").udp(5, 6, 10).build());
        assertThat(out.isFragment()).isFalse();
    }

    @Test
    void firstUdpFragmentKeepsItsPortsThoughItsUdpLengthCoversTheWholeDatagram() {
        byte[] frame = PacketBuilder.ip("10.0.0.1", "10.0.0.2").udp(500, 4500, 1000).fragment(0, true).build();
        byte[] first = java.util.Arrays.copyOf(frame, 20 + 8 + 200);
        int total = first.length;
        first[2] = (byte) (total >>> 8);
        first[3] = (byte) total; // the IPv4 header of the first fragment states its own length
        decode(LinkType.RAW, first);
        assertThat(out.status).as(out.reason).isEqualTo(DecodedPacket.Status.OK);
        assertThat(out.dstPort).isEqualTo(4500);
        assertThat(out.laterFragment).isFalse();
    }

    @Test
    void ipv6WalkStopsAtEspAndNoNextHeader() {
        byte[] esp = PacketBuilder.ip("2001:db8::1", "2001:db8::2").protocol(50, 32).ipv6Extension(0).build();
        decode(LinkType.RAW, esp);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.OK);
        assertThat(out.protocol).isEqualTo(50);
        byte[] none = PacketBuilder.ip("2001:db8::1", "2001:db8::2").protocol(59, 0).ipv6Extension(43)
                .ipv6Extension(51).build();
        decode(LinkType.RAW, none);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.OK);
        assertThat(out.protocol).isEqualTo(59);
        assertThat(out.ipLength).isEqualTo(40 + 16);
    }

    @Test
    void tunnelsKeepTheOuterHeader() {
        byte[] inner = PacketBuilder.ip("172.16.0.1", "172.16.0.2").tcp(1, 2, PacketBuilder.SYN, 0).buildIp();
        byte[] outer = PacketBuilder.ip("10.0.0.1", "10.0.0.2").protocol(4, inner.length).build();
        System.arraycopy(inner, 0, outer, 20, inner.length);
        decode(LinkType.RAW, outer);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.OK);
        assertThat(out.src()).isEqualTo(IpAddress.parse("10.0.0.1"));
        assertThat(out.protocol).isEqualTo(4);
        assertThat(out.srcPort).isEqualTo(-1);
    }

    @Test
    void icmpIdentifierIsReadOnlyForEcho() {
        decode(LinkType.RAW, PacketBuilder.ip("10.0.0.1", "10.0.0.2").icmp(3, 4, 1234).build());
        assertThat(out.icmpType).isEqualTo(3);
        assertThat(out.icmpCode).isEqualTo(4);
        assertThat(out.icmpId).isEqualTo(-1);
        decode(LinkType.RAW, PacketBuilder.ip("::1", "::2").icmpEcho(false, 777).build());
        assertThat(out.protocol).isEqualTo(58);
        assertThat(out.icmpType).isEqualTo(129);
        assertThat(out.icmpId).isEqualTo(777);
    }

    @Test
    void ethernetPaddingBeyondTheIpLengthIsIgnored() {
        byte[] frame = PacketBuilder.ip("10.0.0.1", "10.0.0.2").tcp(1, 2, PacketBuilder.ACK, 0).ethernet().build();
        byte[] padded = java.util.Arrays.copyOf(frame, 60 + 4);
        decode(LinkType.ETHERNET, padded);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.OK);
        assertThat(out.ipLength).isEqualTo(40);
    }

    @Test
    void tcpDataOffsetBelowFiveWordsIsMalformedButPortsStay() {
        byte[] frame = PacketBuilder.ip("10.0.0.1", "10.0.0.2").tcp(1111, 2222, PacketBuilder.SYN, 0).build();
        frame[20 + 12] = 0x40;
        decode(LinkType.RAW, frame);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.MALFORMED);
        assertThat(out.srcPort).isEqualTo(1111);
        assertThat(out.tcpFlags).isEqualTo(PacketBuilder.SYN);
    }

    @Test
    void udpLengthBeyondTheIpPacketIsMalformed() {
        byte[] frame = PacketBuilder.ip("10.0.0.1", "10.0.0.2").udp(1, 2, 4).build();
        frame[20 + 5] = 13; // UDP says 13 bytes, the IP packet has 12 after its header
        decode(LinkType.RAW, frame);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.MALFORMED);
        assertThat(out.dstPort).isEqualTo(2);
    }

    @Test
    void ipv4HeaderLengthBelowFiveWordsIsMalformed() {
        byte[] frame = PacketBuilder.ip("10.0.0.1", "10.0.0.2").udp(1, 2, 4).build();
        frame[0] = 0x44;
        decode(LinkType.RAW, frame);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.MALFORMED);
    }

    @Test
    void snappedCaptureIsReadWhenHeadersArePresent() {
        byte[] frame = PacketBuilder.ip("2001:db8::1", "2001:db8::2").tcp(1, 443, PacketBuilder.ACK, 1400)
                .ethernet().build();
        int snap = 14 + 40 + 20;
        UnsafeBuffer buf = new UnsafeBuffer(frame);
        PacketDecoder.decode(LinkType.ETHERNET, buf, 0, snap, frame.length, 5, out);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.OK);
        assertThat(out.ipLength).isEqualTo(40 + 20 + 1400);
        assertThat(out.dstPort).isEqualTo(443);
        // The same bytes, not snapped (the packet itself is short), are malformed.
        PacketDecoder.decode(LinkType.ETHERNET, buf, 0, snap, snap, 5, out);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.MALFORMED);
        assertThat(out.dst()).isEqualTo(IpAddress.parse("2001:db8::2"));
        // Without an original length the decoder trusts the IP header, as for a snapped capture.
        PacketDecoder.decode(LinkType.ETHERNET, buf, 0, snap, 5, out);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.OK);
    }

    @Test
    void lengthBeyondTheBufferIsMalformedNotAnException() {
        byte[] frame = PacketBuilder.ip("10.0.0.1", "10.0.0.2").udp(1, 2, 4).build();
        PacketDecoder.decode(LinkType.RAW, new UnsafeBuffer(frame), 4, frame.length, frame.length, 0, out);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.MALFORMED);
        PacketDecoder.decode(LinkType.RAW, new UnsafeBuffer(frame), -1, 4, 4, 0, out);
        assertThat(out.status).isEqualTo(DecodedPacket.Status.MALFORMED);
    }

    @Test
    void decodeResetsEverythingFromThePreviousPacket() {
        decode(LinkType.RAW, PacketBuilder.ip("10.0.0.1", "10.0.0.2").tcp(1, 2, 3, 0).fragment(0, true).build());
        decode(LinkType.ETHERNET, new byte[] {1, 2, 3});
        assertThat(out.status).isEqualTo(DecodedPacket.Status.MALFORMED);
        assertThat(out.ipVersion).isZero();
        assertThat(out.srcPort).isEqualTo(-1);
        assertThat(out.tcpFlags).isEqualTo(-1);
        assertThat(out.protocol).isEqualTo(-1);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomBytesNeverThrow(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] linkTypes = IntStream.concat(IntStream.of(RandomPackets.LINK_TYPES), IntStream.of(9, 50, 147)).toArray();
        for (int i = 0; i < 5000; i++) {
            int linkType = linkTypes[r.nextInt(linkTypes.length)];
            byte[] frame = RandomPackets.next(r, LinkType.ETHERNET).frame();
            // flip a few bytes of a valid frame, so that the garbage goes deep into the headers
            for (int k = r.nextInt(6); k > 0; k--) {
                frame[r.nextInt(frame.length)] = (byte) r.nextInt(256);
            }
            int length = r.nextInt(frame.length + 1);
            PacketDecoder.decode(linkType, new UnsafeBuffer(frame), 0, length, r.nextInt(length + 2), 1, out);
            assertThat(out.status).as("seed %d frame %d", seed, i).isNotNull();
            assertThat(out.status == DecodedPacket.Status.OK || out.reason != null)
                    .as("seed %d frame %d: a non-OK status has a reason", seed, i).isTrue();
        }
    }

    static Stream<Long> seeds() {
        return LongStreamSeeds.of(4).boxed();
    }
}
