package io.sgemu.dataplane.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.stream.Stream;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.sgemu.dataplane.net.IpAddress;

/**
 * A frame cut at every byte offset: the decoder answers MALFORMED with its reason, keeps what it could
 * read, and never throws. A cut that the capture declares (snap length below the original length) is
 * fine as soon as the IP and transport headers are whole.
 */
class PacketCutShortTest {

    record Case(String name, PacketBuilder builder, int headerBytes, IpAddress src, int srcPort) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> frames() {
        IpAddress v4src = IpAddress.parse("198.51.100.7");
        IpAddress v6src = IpAddress.parse("2001:db8:1::7");
        return Stream.of(
                new Case("TCP/IPv4 over Ethernet with a VLAN tag",
                        PacketBuilder.ip(v4src, IpAddress.parse("10.1.2.3")).tcp(40001, 443, PacketBuilder.SYN, 24)
                                .ipv4Options(2).vlan(0x8100, 42),
                        14 + 4 + 28 + 20, v4src, 40001),
                new Case("TCP/IPv4 raw", PacketBuilder.ip(v4src, IpAddress.parse("10.1.2.3"))
                        .tcp(40001, 443, PacketBuilder.ACK | PacketBuilder.PSH, 10).raw(), 20 + 20, v4src, 40001),
                new Case("UDP/IPv6 over Linux cooked v2 with extension headers",
                        PacketBuilder.ip(v6src, IpAddress.parse("2001:db8:2::9")).udp(5353, 53, 30)
                                .ipv6Extension(0).ipv6Extension(60).linuxSll2(),
                        20 + 40 + 16 + 8, v6src, 5353),
                new Case("UDP/IPv6 over Ethernet", PacketBuilder.ip(v6src, IpAddress.parse("2001:db8:2::9"))
                        .udp(5353, 53, 30).ethernet(), 14 + 40 + 8, v6src, 5353))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("frames")
    void everyCutOfAnUnsnappedFrameIsMalformed(Case c) {
        byte[] frame = c.builder().build();
        int linkType = c.builder().linkType();
        UnsafeBuffer buf = new UnsafeBuffer(frame);
        DecodedPacket out = new DecodedPacket();
        PacketDecoder.decode(linkType, buf, 0, frame.length, frame.length, 1, out);
        assertThat(out.status).as("whole frame").isEqualTo(DecodedPacket.Status.OK);
        int ipStart = frame.length - out.ipLength;
        int fixedIpHeader = out.ipVersion == 6 ? 40 : 20;
        for (int cut = 0; cut < frame.length; cut++) {
            int length = cut;
            assertThatCode(() -> PacketDecoder.decode(linkType, buf, 0, length, length, 1, out))
                    .as("cut at %d", cut).doesNotThrowAnyException();
            assertThat(out.status).as("cut at %d", cut).isEqualTo(DecodedPacket.Status.MALFORMED);
            assertThat(out.reason).as("cut at %d", cut).isEqualTo("malformed");
            if (cut >= ipStart + fixedIpHeader) {
                // The fixed IP header is whole: its fields stay filled.
                assertThat(out.src()).as("cut at %d", cut).isEqualTo(c.src());
            } else {
                assertThat(out.hasAddresses()).as("cut at %d", cut).isFalse();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("frames")
    void aSnappedFrameIsFineOnceItsHeadersAreWhole(Case c) {
        byte[] frame = c.builder().build();
        int linkType = c.builder().linkType();
        UnsafeBuffer buf = new UnsafeBuffer(frame);
        DecodedPacket out = new DecodedPacket();
        PacketDecoder.decode(linkType, buf, 0, frame.length, frame.length, 1, out);
        int wholeIpLength = out.ipLength;
        for (int cut = 0; cut < frame.length; cut++) {
            PacketDecoder.decode(linkType, buf, 0, cut, frame.length, 1, out);
            if (cut >= c.headerBytes()) {
                assertThat(out.status).as("snapped at %d", cut).isEqualTo(DecodedPacket.Status.OK);
                assertThat(out.srcPort).as("snapped at %d", cut).isEqualTo(c.srcPort());
                assertThat(out.ipLength).as("snapped at %d", cut).isEqualTo(wholeIpLength);
            } else {
                assertThat(out.status).as("snapped at %d", cut).isEqualTo(DecodedPacket.Status.MALFORMED);
                assertThat(out.reason).as("snapped at %d", cut).isEqualTo("malformed");
            }
        }
    }
}
