package io.sgemu.dataplane.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.sgemu.dataplane.net.IpAddress;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The IPv4 and IPv6 flyweights and the extension header walk, against known bytes. */
class IpHeadersTest {

    /** 172.16.10.99 to 172.16.10.12, TCP, 60 bytes, don't fragment, TTL 64. */
    private static final String IPV4 = "45 00 003c | 1c46 4000 | 40 06 b1e6 | ac100a63 | ac100a0c";

    @Test
    void ipv4Fields() {
        Ipv4Header h = new Ipv4Header().wrap(Hex.buffer(IPV4), 0, 20);
        assertThat(h.hasFixedHeader()).isTrue();
        assertThat(h.valid()).isTrue();
        assertThat(h.version()).isEqualTo(4);
        assertThat(h.ihl()).isEqualTo(5);
        assertThat(h.headerLength()).isEqualTo(20);
        assertThat(h.tos()).isZero();
        assertThat(h.totalLength()).isEqualTo(60);
        assertThat(h.identification()).isEqualTo(0x1c46);
        assertThat(h.flagsAndFragmentOffset()).isEqualTo(0x4000);
        assertThat(h.dontFragment()).isTrue();
        assertThat(h.moreFragments()).isFalse();
        assertThat(h.fragmentOffset()).isZero();
        assertThat(h.laterFragment()).isFalse();
        assertThat(h.ttl()).isEqualTo(64);
        assertThat(h.protocol()).isEqualTo(6);
        assertThat(h.checksum()).isEqualTo(0xb1e6);
        assertThat(IpAddress.v4(h.sourceAddress())).isEqualTo(IpAddress.parse("172.16.10.99"));
        assertThat(IpAddress.v4(h.destinationAddress())).isEqualTo(IpAddress.parse("172.16.10.12"));
    }

    /** IHL 6 (one word of options), TOS 0xb8, more fragments, offset 185 units, UDP, 255.1.2.3 to 203.0.113.200. */
    private static final String IPV4_FRAGMENT_WITH_OPTIONS =
            "46 b8 0030 | 0001 20b9 | 01 11 0000 | ff010203 | cb0071c8 | 01010100";

    @Test
    void ipv4FragmentOptionsAndHighAddresses() {
        Ipv4Header h = new Ipv4Header().wrap(Hex.buffer(IPV4_FRAGMENT_WITH_OPTIONS), 0, 24);
        assertThat(h.valid()).isTrue();
        assertThat(h.headerLength()).isEqualTo(24);
        assertThat(h.tos()).isEqualTo(0xb8);
        assertThat(h.identification()).isEqualTo(1);
        assertThat(h.moreFragments()).isTrue();
        assertThat(h.dontFragment()).isFalse();
        assertThat(h.fragmentOffset()).isEqualTo(0xb9);
        assertThat(h.laterFragment()).isTrue();
        assertThat(h.ttl()).isEqualTo(1);
        assertThat(h.protocol()).isEqualTo(17);
        assertThat(IpAddress.v4(h.sourceAddress())).isEqualTo(IpAddress.parse("255.1.2.3"));
        assertThat(IpAddress.v4(h.destinationAddress())).isEqualTo(IpAddress.parse("203.0.113.200"));
        // The options are part of the header: cut inside them, the header is not whole.
        for (int cut = 20; cut < 24; cut++) {
            h.wrap(Hex.cut(Hex.bytes(IPV4_FRAGMENT_WITH_OPTIONS), cut), 0, cut);
            assertThat(h.valid()).as("cut at %d", cut).isFalse();
            assertThat(h.hasFixedHeader()).as("cut at %d", cut).isTrue();
        }
    }

    @Test
    void ipv4InconsistentHeadersAreInvalid() {
        Ipv4Header h = new Ipv4Header();
        assertThat(h.wrap(Hex.buffer("65 00 003c 1c46 4000 40 06 b1e6 ac100a63 ac100a0c"), 0, 20).valid())
                .as("version 6").isFalse();
        assertThat(h.hasFixedHeader()).isFalse();
        assertThat(h.wrap(Hex.buffer("44 00 003c 1c46 4000 40 06 b1e6 ac100a63 ac100a0c"), 0, 20).valid())
                .as("IHL 4").isFalse();
        assertThat(h.wrap(Hex.buffer("4f 00 003c 1c46 4000 40 06 b1e6 ac100a63 ac100a0c"), 0, 20).valid())
                .as("IHL 15 in 20 bytes").isFalse();
        assertThat(h.wrap(Hex.buffer("45 00 0013 1c46 4000 40 06 b1e6 ac100a63 ac100a0c"), 0, 20).valid())
                .as("total length 19").isFalse();
        assertThat(h.wrap(Hex.buffer("45 00 0fff 1c46 4000 40 06 b1e6 ac100a63 ac100a0c"), 0, 20).valid())
                .as("total length beyond the bytes: may be a snapped capture").isTrue();
    }

    @Test
    void ipv4CutShortIsInvalid() {
        byte[] bytes = Hex.bytes(IPV4);
        Ipv4Header h = new Ipv4Header();
        for (int cut = 0; cut < 20; cut++) {
            int length = cut;
            assertThatCode(() -> h.wrap(Hex.cut(bytes, length), 0, length)).doesNotThrowAnyException();
            assertThat(h.valid()).as("cut at %d", cut).isFalse();
            assertThat(h.hasFixedHeader()).as("cut at %d", cut).isFalse();
        }
    }

    /**
     * 2001:db8::1 to fe80::1:2, traffic class 0xab, flow label 0x12345, hop limit 64, then hop-by-hop
     * (8 bytes), routing (8), fragment (offset 0, more fragments, id 0x12345678), AH (12), TCP.
     */
    private static final String IPV6_WITH_EXTENSIONS = "6ab12345 | 0038 00 40"
            + " | 20010db8000000000000000000000001 | fe800000000000000000000000010002"
            + " | 2b00 010400000000"        // hop-by-hop: next routing, length 0, PadN
            + " | 2c00 000000000000"        // routing: next fragment
            + " | 3300 0001 12345678"       // fragment: next AH, offset 0, M
            + " | 0601 0000 00000001 00000002" // AH: next TCP, length 1 (12 bytes)
            + " | 01bb c822 00000000 00000000 5002 ffff 0000 0000"; // TCP

    @Test
    void ipv6Fields() {
        Ipv6Header h = new Ipv6Header().wrap(Hex.buffer(IPV6_WITH_EXTENSIONS), 0, 96);
        assertThat(h.valid()).isTrue();
        assertThat(h.version()).isEqualTo(6);
        assertThat(h.trafficClass()).isEqualTo(0xab);
        assertThat(h.flowLabel()).isEqualTo(0x12345);
        assertThat(h.payloadLength()).isEqualTo(56);
        assertThat(h.totalLength()).isEqualTo(96);
        assertThat(h.nextHeader()).isEqualTo(Ipv6Header.HOP_BY_HOP);
        assertThat(h.hopLimit()).isEqualTo(64);
        assertThat(IpAddress.v6(h.sourceHi(), h.sourceLo())).isEqualTo(IpAddress.parse("2001:db8::1"));
        assertThat(IpAddress.v6(h.destinationHi(), h.destinationLo())).isEqualTo(IpAddress.parse("fe80::1:2"));
    }

    @Test
    void extensionWalkStepsToTheTransportHeader() {
        Ipv6Header h = new Ipv6Header().wrap(Hex.buffer(IPV6_WITH_EXTENSIONS), 0, 96);
        h.startExtensionWalk(h.totalLength());
        int[] expectedNext = {Ipv6Header.ROUTING, Ipv6Header.FRAGMENT, Ipv6Header.AUTHENTICATION, 6};
        int[] expectedOffset = {48, 56, 64, 76};
        assertThat(h.walkNextHeader()).isEqualTo(Ipv6Header.HOP_BY_HOP);
        assertThat(h.walkOffset()).isEqualTo(40);
        assertThat(h.walkFragmentOffset()).isEqualTo(-1);
        for (int step = 0; step < 4; step++) {
            assertThat(h.atExtensionHeader()).as("step %d", step).isTrue();
            assertThat(h.nextExtensionHeader()).as("step %d", step).isTrue();
            assertThat(h.walkNextHeader()).as("step %d", step).isEqualTo(expectedNext[step]);
            assertThat(h.walkOffset()).as("step %d", step).isEqualTo(expectedOffset[step]);
        }
        assertThat(h.atExtensionHeader()).isFalse();
        assertThat(h.nextExtensionHeader()).as("TCP is no extension header").isFalse();
        assertThat(h.walkOffset()).isEqualTo(76);
        assertThat(h.walkFragmentOffset()).isZero();
        assertThat(h.walkMoreFragments()).isTrue();
    }

    @Test
    void extensionWalkStopsAtItsLimit() {
        // Every limit that cuts an extension header stops the walk at that header without moving.
        int[] headerStarts = {40, 48, 56, 64};
        int[] headerEnds = {48, 56, 64, 76};
        Ipv6Header h = new Ipv6Header();
        for (int limit = 40; limit < 76; limit++) {
            h.wrap(Hex.buffer(IPV6_WITH_EXTENSIONS), 0, 96);
            h.startExtensionWalk(limit);
            int steps = 0;
            while (h.atExtensionHeader() && h.nextExtensionHeader()) {
                steps++;
            }
            int expectedSteps = 0;
            while (expectedSteps < 4 && headerEnds[expectedSteps] <= limit) {
                expectedSteps++;
            }
            assertThat(steps).as("limit %d", limit).isEqualTo(expectedSteps);
            assertThat(h.walkOffset()).as("limit %d", limit).isEqualTo(headerStarts[expectedSteps]);
            assertThat(h.atExtensionHeader()).as("limit %d", limit).isTrue();
        }
        // The available bytes bound the walk too, whatever the limit says.
        byte[] bytes = Hex.bytes(IPV6_WITH_EXTENSIONS);
        h.wrap(Hex.cut(bytes, 60), 0, 60);
        h.startExtensionWalk(1000);
        assertThat(h.nextExtensionHeader()).isTrue();
        assertThat(h.nextExtensionHeader()).isTrue();
        assertThatCode(() -> assertThat(h.nextExtensionHeader()).as("fragment header cut at 60").isFalse())
                .doesNotThrowAnyException();
    }

    @Test
    void laterFragmentHeaderIsReported() {
        Ipv6Header h = new Ipv6Header().wrap(Hex.buffer("60000000 0010 2c 40"
                + " 00000000000000000000000000000001 00000000000000000000000000000002"
                + " 11 00 05c8 00000001 0000000000000000"), 0, 56);
        h.startExtensionWalk(h.totalLength());
        assertThat(h.nextExtensionHeader()).isTrue();
        assertThat(h.walkNextHeader()).isEqualTo(17);
        assertThat(h.walkFragmentOffset()).isEqualTo(0x05c8 >>> 3);
        assertThat(h.walkMoreFragments()).isFalse();
    }

    @Test
    void ipv6CutShortOrOfAnotherVersionIsInvalid() {
        byte[] bytes = Hex.bytes(IPV6_WITH_EXTENSIONS);
        Ipv6Header h = new Ipv6Header();
        for (int cut = 0; cut < Ipv6Header.LENGTH; cut++) {
            int length = cut;
            assertThatCode(() -> h.wrap(Hex.cut(bytes, length), 0, length)).doesNotThrowAnyException();
            assertThat(h.valid()).as("cut at %d", cut).isFalse();
        }
        byte[] v4 = bytes.clone();
        v4[0] = 0x45;
        assertThat(h.wrap(new UnsafeBuffer(v4), 0, v4.length).valid()).isFalse();
    }
}
