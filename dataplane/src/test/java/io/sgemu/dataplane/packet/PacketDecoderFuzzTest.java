package io.sgemu.dataplane.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random and mutated bytes (100,000 frames over the seeds, and tunnel payloads besides): the flyweight
 * decoder never throws, never reads outside the frame (each frame sits at the end of a buffer of exactly
 * its size, whose bounds checks throw on any read past it), and answers field for field as the decoder
 * did before flyweights ({@link LegacyPacketDecoder}).
 */
class PacketDecoderFuzzTest {

    private static final int FRAMES_PER_SEED = 25_000;
    private static final int TUNNEL_PAYLOADS_PER_SEED = 10_000;
    /** Link types read, plus ones that have their own paths or none. */
    private static final int[] LINK_TYPES = {
        LinkType.ETHERNET, LinkType.RAW, LinkType.RAW_LEGACY_12, LinkType.RAW_LEGACY_14, LinkType.IPV4,
        LinkType.IPV6, LinkType.LINUX_SLL, LinkType.LINUX_SLL2, LinkType.NULL, LinkType.LOOP, LinkType.PPP,
        LinkType.PPP_HDLC, LinkType.NFLOG, 147,
    };
    /** Byte values that steer a decoder down its rarer paths: tags, versions, extension headers, families. */
    private static final int[] INTERESTING_BYTES = {
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x08, 0x0A, 0x11, 0x21, 0x2B, 0x2C, 0x33, 0x3A, 0x3C, 0x45,
        0x46, 0x4F, 0x57, 0x60, 0x65, 0x81, 0x86, 0x88, 0x91, 0xA8, 0xDD, 0xFF,
    };

    static Stream<Long> seeds() {
        return LongStreamSeeds.of(4).boxed();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void framesNeverThrowNeverReadPastTheirEndAndDecodeAsBefore(long seed) {
        assertThat(UnsafeBuffer.SHOULD_BOUNDS_CHECK).as("bounds checks catch reads past a frame").isTrue();
        SplittableRandom r = new SplittableRandom(seed);
        PacketDecoder decoder = new PacketDecoder();
        DecodedPacket now = new DecodedPacket();
        DecodedPacket before = new DecodedPacket();
        Map<DecodedPacket.Status, Integer> statuses = new EnumMap<>(DecodedPacket.Status.class);
        for (int i = 0; i < FRAMES_PER_SEED; i++) {
            int linkType = LINK_TYPES[r.nextInt(LINK_TYPES.length)];
            byte[] frame = switch (r.nextInt(8)) {
                case 0 -> randomBytes(r, r.nextInt(120));
                case 1 -> mutate(r, tunnelled(r));
                default -> mutate(r, RandomPackets.next(r, LinkType.isSupported(linkType) && linkType != LinkType.PPP_HDLC
                        ? linkType : LinkType.ETHERNET).frame());
            };
            if (r.nextInt(8) == 0) {
                linkType = LinkType.ETHERNET; // tunnelled frames and others under the commonest link type
            }
            int offset = r.nextInt(4) == 0 ? 1 + r.nextInt(16) : 0;
            UnsafeBuffer buf = atEndOfExactBuffer(r, frame, offset);
            int original = r.nextBoolean() ? frame.length : frame.length + 1 + r.nextInt(2000);
            String ctx = "seed " + seed + " frame " + i + " link type " + linkType + " offset " + offset
                    + " original length " + original + ": " + HexFormat.of().formatHex(frame);
            try {
                decoder.decodeFrame(linkType, buf, offset, frame.length, original, i, now);
            } catch (RuntimeException e) {
                fail(ctx + " threw " + e, e);
            }
            LegacyPacketDecoder.decode(linkType, buf, offset, frame.length, original, i, before);
            assertSame(now, before, ctx);
            statuses.merge(now.status, 1, Integer::sum);
        }
        // The fuzz reaches every outcome, so it exercises more than one path.
        assertThat(statuses.keySet()).as("seed %d: outcomes %s", seed, statuses)
                .containsExactlyInAnyOrder(DecodedPacket.Status.values());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void tunnelPayloadsNeverThrowAndOpenAsTheirInnerFrameDecodes(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        PacketDecoder decoder = new PacketDecoder();
        DecodedPacket now = new DecodedPacket();
        DecodedPacket inner = new DecodedPacket();
        int opened = 0;
        for (int i = 0; i < TUNNEL_PAYLOADS_PER_SEED; i++) {
            boolean vxlan = r.nextBoolean();
            byte[] payload = r.nextInt(10) == 0 ? randomBytes(r, r.nextInt(64)) : mutate(r, tunnelPayload(r, vxlan));
            int offset = r.nextInt(4) == 0 ? 1 + r.nextInt(16) : 0;
            UnsafeBuffer buf = atEndOfExactBuffer(r, payload, offset);
            String ctx = "seed " + seed + " payload " + i + (vxlan ? " VXLAN " : " GENEVE ") + "offset " + offset + ": "
                    + HexFormat.of().formatHex(payload);
            int vni = 0;
            try {
                vni = vxlan ? decoder.decodeVxlan(buf, offset, payload.length, i, now)
                        : decoder.decodeGeneve(buf, offset, payload.length, i, now);
            } catch (RuntimeException e) {
                fail(ctx + " threw " + e, e);
            }
            if (vni < 0) {
                assertThat(now.status).as(ctx).isEqualTo(DecodedPacket.Status.MALFORMED);
                assertThat(now.reason).as(ctx).isEqualTo(vxlan ? "malformed-vxlan" : "malformed-geneve");
                continue;
            }
            opened++;
            assertThat(vni).as(ctx).isEqualTo(buf.getInt(offset + 4, java.nio.ByteOrder.BIG_ENDIAN) >>> 8);
            // The inner frame, as the pre-flyweight decoder reads it on its own.
            int headerLength = vxlan ? VxlanHeader.LENGTH : GeneveHeader.LENGTH + (payload[0] & 0x3F) * 4;
            int protocolType = vxlan ? EtherType.TRANSPARENT_ETHERNET
                    : ((payload[2] & 0xFF) << 8) | (payload[3] & 0xFF);
            byte[] innerBytes = java.util.Arrays.copyOfRange(payload, headerLength, payload.length);
            if (protocolType != EtherType.TRANSPARENT_ETHERNET) {
                // A payload named by an EtherType reads as it would after an Ethernet header of that type.
                byte[] framed = new byte[EthernetHeader.LENGTH + innerBytes.length];
                framed[12] = (byte) (protocolType >>> 8);
                framed[13] = (byte) protocolType;
                System.arraycopy(innerBytes, 0, framed, EthernetHeader.LENGTH, innerBytes.length);
                innerBytes = framed;
            }
            LegacyPacketDecoder.decode(LinkType.ETHERNET, new UnsafeBuffer(innerBytes), 0, innerBytes.length,
                    innerBytes.length, i, inner);
            assertSame(now, inner, ctx);
        }
        assertThat(opened).as("seed %d: payloads opened", seed).isBetween(TUNNEL_PAYLOADS_PER_SEED / 4,
                TUNNEL_PAYLOADS_PER_SEED - TUNNEL_PAYLOADS_PER_SEED / 20);
    }

    // ---------------------------------------------------------------- frames

    private static byte[] randomBytes(SplittableRandom r, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) r.nextInt(256);
        }
        return bytes;
    }

    /** A few bytes changed (mostly in the headers), and sometimes cut short or lengthened. */
    private static byte[] mutate(SplittableRandom r, byte[] frame) {
        byte[] b = frame;
        int changes = r.nextInt(5);
        for (int k = 0; k < changes && b.length > 0; k++) {
            int at = r.nextInt(4) == 0 ? r.nextInt(b.length) : r.nextInt(Math.min(b.length, 96));
            b[at] = (byte) (r.nextBoolean() ? r.nextInt(256) : INTERESTING_BYTES[r.nextInt(INTERESTING_BYTES.length)]);
        }
        switch (r.nextInt(6)) {
            case 0 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length + 1));
            case 1 -> {
                byte[] longer = java.util.Arrays.copyOf(b, b.length + 1 + r.nextInt(32));
                for (int i = b.length; i < longer.length; i++) {
                    longer[i] = (byte) r.nextInt(256);
                }
                b = longer;
            }
            default -> {
            }
        }
        return b;
    }

    private static byte[] tunnelled(SplittableRandom r) {
        RandomPackets.Built inner = RandomPackets.nextBuilder(r, r.nextBoolean() ? LinkType.ETHERNET : LinkType.RAW);
        int vni = r.nextInt(VxlanHeader.MAX_VNI + 1);
        return r.nextBoolean() ? inner.builder().vxlan(vni).build()
                : inner.builder().geneve(vni, TunnelDecoderTest.randomOptions(r)).build();
    }

    private static byte[] tunnelPayload(SplittableRandom r, boolean vxlan) {
        RandomPackets.Built inner = RandomPackets.nextBuilder(r,
                vxlan || r.nextBoolean() ? LinkType.ETHERNET : LinkType.RAW);
        int vni = r.nextInt(VxlanHeader.MAX_VNI + 1);
        byte[] frame = vxlan ? inner.builder().vxlan(vni).build()
                : inner.builder().geneve(vni, TunnelDecoderTest.randomOptions(r)).build();
        TunnelDecoderTest.Payload p = TunnelDecoderTest.udpPayload(new UnsafeBuffer(frame), 0, frame.length);
        return java.util.Arrays.copyOfRange(frame, p.offset(), p.offset() + p.length());
    }

    /** The bytes at {@code offset} of a buffer that ends where they end, random bytes before them. */
    private static UnsafeBuffer atEndOfExactBuffer(SplittableRandom r, byte[] bytes, int offset) {
        byte[] backing = new byte[offset + bytes.length];
        for (int i = 0; i < offset; i++) {
            backing[i] = (byte) r.nextInt(256);
        }
        System.arraycopy(bytes, 0, backing, offset, bytes.length);
        return new UnsafeBuffer(backing);
    }

    private static void assertSame(DecodedPacket now, DecodedPacket before, String ctx) {
        if (now.status != before.status || !java.util.Objects.equals(now.reason, before.reason)
                || now.timeNanos != before.timeNanos || now.ipVersion != before.ipVersion
                || now.protocol != before.protocol || now.srcHi != before.srcHi || now.srcLo != before.srcLo
                || now.dstHi != before.dstHi || now.dstLo != before.dstLo || now.srcPort != before.srcPort
                || now.dstPort != before.dstPort || now.icmpType != before.icmpType
                || now.icmpCode != before.icmpCode || now.icmpId != before.icmpId
                || now.tcpFlags != before.tcpFlags || now.ipLength != before.ipLength
                || now.laterFragment != before.laterFragment) {
            fail(ctx + "\n  flyweight decoder: " + describe(now) + "\n  earlier decoder:   " + describe(before));
        }
    }

    private static String describe(DecodedPacket p) {
        return p.status + "/" + p.reason + " t=" + p.timeNanos + " v" + p.ipVersion + " proto " + p.protocol
                + " src " + Long.toHexString(p.srcHi) + ":" + Long.toHexString(p.srcLo)
                + " dst " + Long.toHexString(p.dstHi) + ":" + Long.toHexString(p.dstLo)
                + " ports " + p.srcPort + "/" + p.dstPort + " icmp " + p.icmpType + "/" + p.icmpCode + "/" + p.icmpId
                + " flags " + p.tcpFlags + " length " + p.ipLength + " later " + p.laterFragment;
    }
}
