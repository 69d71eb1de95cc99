package io.sgemu.dataplane.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.util.SplittableRandom;

import io.sgemu.dataplane.net.IpAddress;

/**
 * Random packets for property tests: each comes as the frame bytes of a {@link PacketBuilder} and the
 * facts the decoder must read back from it.
 */
public final class RandomPackets {

    /** Link types the builder writes and the decoder reads. */
    public static final int[] LINK_TYPES = {
        LinkType.ETHERNET, LinkType.RAW, LinkType.RAW_LEGACY_12, LinkType.RAW_LEGACY_14, LinkType.IPV4,
        LinkType.IPV6, LinkType.LINUX_SLL, LinkType.LINUX_SLL2, LinkType.NULL, LinkType.LOOP, LinkType.PPP,
        LinkType.NFLOG,
    };

    private static final int[] VLAN_TPIDS = {0x8100, 0x88A8, 0x9100};
    private static final int[] V6_LOOPBACK_FAMILIES = {10, 24, 28, 30};
    private static final int[] V6_EXTENSIONS = {0, 43, 60, 51};
    private static final int[] ICMP_NOT_ECHO = {3, 4, 5, 9, 10, 11, 12, 13, 14};
    private static final int[] ICMPV6_NOT_ECHO = {1, 2, 3, 4, 133, 134, 135, 136};
    private static final int[] OTHER_PROTOCOLS = {47, 4, 41, 50, 89, 132, 253};

    private RandomPackets() {
    }

    /** A frame and what it says. */
    public record Sample(byte[] frame, int linkType, Expected expected) {
    }

    /** The decoder's view of a packet, as the builder was told it. */
    public record Expected(int ipVersion, IpAddress src, IpAddress dst, int protocol, int srcPort, int dstPort,
                           int tcpFlags, int icmpType, int icmpCode, int icmpId, int ipLength) {

        /** Asserts that {@code p} was decoded OK with exactly these facts; {@code context} goes in messages. */
        public void assertDecoded(DecodedPacket p, String context) {
            assertThat(p.status).as("%s: status (reason %s)", context, p.reason).isEqualTo(DecodedPacket.Status.OK);
            assertThat(p.ipVersion).as("%s: ip version", context).isEqualTo(ipVersion);
            assertThat(p.src()).as("%s: source", context).isEqualTo(src);
            assertThat(p.dst()).as("%s: destination", context).isEqualTo(dst);
            assertThat(p.protocol).as("%s: protocol", context).isEqualTo(protocol);
            assertThat(p.srcPort).as("%s: source port", context).isEqualTo(srcPort);
            assertThat(p.dstPort).as("%s: destination port", context).isEqualTo(dstPort);
            assertThat(p.tcpFlags).as("%s: tcp flags", context).isEqualTo(tcpFlags);
            assertThat(p.icmpType).as("%s: icmp type", context).isEqualTo(icmpType);
            assertThat(p.icmpCode).as("%s: icmp code", context).isEqualTo(icmpCode);
            assertThat(p.icmpId).as("%s: icmp id", context).isEqualTo(icmpId);
            assertThat(p.ipLength).as("%s: ip length", context).isEqualTo(ipLength);
            assertThat(p.laterFragment).as("%s: later fragment", context).isFalse();
        }
    }

    public static IpAddress randomAddress(SplittableRandom r, boolean v6) {
        return v6 ? IpAddress.v6(r.nextLong(), r.nextLong()) : IpAddress.v4(r.nextInt());
    }

    /** A builder of a packet and what it says, for callers that go on building (a tunnel around it, say). */
    public record Built(PacketBuilder builder, Expected expected) {
    }

    /** A random packet under {@code linkType} (family chosen at random unless the link type fixes it). */
    public static Sample next(SplittableRandom r, int linkType) {
        Built b = nextBuilder(r, linkType);
        return new Sample(b.builder().build(), b.builder().linkType(), b.expected());
    }

    /** As {@link #next}, the builder not yet built. */
    public static Built nextBuilder(SplittableRandom r, int linkType) {
        boolean v6 = linkType == LinkType.IPV6 || (linkType != LinkType.IPV4 && r.nextBoolean());
        IpAddress src = randomAddress(r, v6);
        IpAddress dst = randomAddress(r, v6);
        PacketBuilder b = PacketBuilder.ip(src, dst).ttl(1 + r.nextInt(255)).identification(r.nextInt(65536));
        int extensionBytes = 0;
        int optionBytes = 0;
        if (v6 && r.nextInt(4) == 0) {
            int count = 1 + r.nextInt(3);
            for (int i = 0; i < count; i++) {
                b.ipv6Extension(V6_EXTENSIONS[r.nextInt(V6_EXTENSIONS.length)]);
            }
            extensionBytes = 8 * count;
        } else if (!v6 && r.nextInt(4) == 0) {
            int words = 1 + r.nextInt(10);
            b.ipv4Options(words);
            optionBytes = 4 * words;
        }
        if (r.nextInt(8) == 0) {
            b.fragment(0, true); // a first fragment still carries the transport header
            if (v6) {
                extensionBytes += 8;
            }
        }
        int payload = r.nextInt(4) == 0 ? r.nextInt(1400) : r.nextInt(64);
        int srcPort = -1;
        int dstPort = -1;
        int flags = -1;
        int icmpType = -1;
        int icmpCode = -1;
        int icmpId = -1;
        int protocol;
        int l4Length;
        switch (r.nextInt(5)) {
            case 0, 1 -> {
                protocol = PacketDecoder.PROTO_TCP;
                srcPort = r.nextInt(65536);
                dstPort = r.nextInt(65536);
                flags = r.nextInt(256);
                b.tcp(srcPort, dstPort, flags, payload);
                l4Length = 20 + payload;
            }
            case 2 -> {
                protocol = PacketDecoder.PROTO_UDP;
                srcPort = r.nextInt(65536);
                dstPort = r.nextInt(65536);
                b.udp(srcPort, dstPort, payload);
                l4Length = 8 + payload;
            }
            case 3 -> {
                protocol = v6 ? PacketDecoder.PROTO_ICMPV6 : PacketDecoder.PROTO_ICMP;
                int id = r.nextInt(65536);
                if (r.nextBoolean()) {
                    boolean request = r.nextBoolean();
                    b.icmpEcho(request, id);
                    icmpType = v6 ? (request ? 128 : 129) : (request ? 8 : 0);
                    icmpCode = 0;
                    icmpId = id;
                } else {
                    int[] types = v6 ? ICMPV6_NOT_ECHO : ICMP_NOT_ECHO;
                    icmpType = types[r.nextInt(types.length)];
                    icmpCode = r.nextInt(16);
                    b.icmp(icmpType, icmpCode, id);
                }
                l4Length = 8;
            }
            default -> {
                protocol = OTHER_PROTOCOLS[r.nextInt(OTHER_PROTOCOLS.length)];
                b.protocol(protocol, payload);
                l4Length = payload;
            }
        }
        applyLink(r, b, linkType, v6);
        int ipLength = (v6 ? 40 + extensionBytes : 20 + optionBytes) + l4Length;
        Expected e = new Expected(v6 ? 6 : 4, src, dst, protocol, srcPort, dstPort, flags, icmpType, icmpCode,
                icmpId, ipLength);
        return new Built(b, e);
    }

    private static void applyLink(SplittableRandom r, PacketBuilder b, int linkType, boolean v6) {
        switch (linkType) {
            case LinkType.ETHERNET -> {
                b.ethernet();
                int tags = r.nextInt(4) == 0 ? 0 : r.nextInt(4);
                for (int i = 0; i < tags; i++) {
                    b.vlan(VLAN_TPIDS[r.nextInt(VLAN_TPIDS.length)], r.nextInt(4096));
                }
            }
            case LinkType.NULL, LinkType.LOOP -> {
                int family = v6 ? V6_LOOPBACK_FAMILIES[r.nextInt(V6_LOOPBACK_FAMILIES.length)] : 2;
                b.loopback(linkType == LinkType.LOOP, family,
                        r.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
            }
            default -> b.link(linkType);
        }
    }
}
