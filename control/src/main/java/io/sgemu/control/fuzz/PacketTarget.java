package io.sgemu.control.fuzz;

import io.sgemu.dataplane.net.IpAddress;
import io.sgemu.dataplane.packet.DecodedPacket;
import io.sgemu.dataplane.packet.LinkType;
import io.sgemu.dataplane.packet.PacketBuilder;
import io.sgemu.dataplane.packet.PacketDecoder;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Packet headers: {@link PacketDecoder#decodeFrame} over every link type it reads (and one it does not),
 * {@link PacketDecoder#decodeVxlan} and {@link PacketDecoder#decodeGeneve} (the live path's outer decode:
 * a {@code vxlan://} or {@code geneve://} listener's datagram payload; a {@code udp://} one is link type RAW).
 *
 * <p>Input: the first byte chooses the entry (link type, VXLAN or GENEVE), the rest is the frame. The
 * decoder's contract is to throw nothing, ever: a bad frame is a status and a reason. Each frame is copied
 * into a buffer of exactly its size, so a read past its end throws (Agrona's bounds checks).
 */
final class PacketTarget implements FuzzTarget {

    static final int[] LINK_TYPES = {
        LinkType.ETHERNET, LinkType.RAW, LinkType.RAW_LEGACY_12, LinkType.RAW_LEGACY_14, LinkType.IPV4,
        LinkType.IPV6, LinkType.LINUX_SLL, LinkType.LINUX_SLL2, LinkType.NULL, LinkType.LOOP, LinkType.PPP,
        LinkType.PPP_HDLC, LinkType.NFLOG, 147,
    };
    static final int MODE_VXLAN = LINK_TYPES.length;
    static final int MODE_GENEVE = LINK_TYPES.length + 1;
    static final int MODES = LINK_TYPES.length + 2;
    /** Outer Ethernet, IPv4 and UDP headers of a tunnelled frame built without VLAN tags. */
    private static final int OUTER_V4 = 14 + 20 + 8;
    /** Where the third decoding of each input puts the frame (an odd offset: no alignment to lean on). */
    private static final int RING_OFFSET = 13;

    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket packet = new DecodedPacket();
    private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);

    PacketTarget() {
        if (Boolean.getBoolean("agrona.disable.bounds.checks")) {
            throw new IllegalStateException("packet fuzzing needs Agrona's bounds checks (agrona.disable.bounds.checks is set)");
        }
    }

    @Override
    public String name() {
        return "packet";
    }

    @Override
    public String entryPoint() {
        return "PacketDecoder.decodeFrame (14 link types) / decodeVxlan / decodeGeneve";
    }

    @Override
    public boolean isText() {
        return false;
    }

    @Override
    public boolean accepts(Path file) {
        return false;
    }

    @Override
    public void run(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int mode = (input[0] & 0xFF) % MODES;
        int length = input.length - 1;
        for (int pass = 0; pass < 3; pass++) {
            // pass 0: the whole frame was captured; pass 1: the original length is unknown (maybe snapped);
            // pass 2: the frame at an offset, as the live path's ring hands a datagram over (still at the end)
            int original = pass == 1 ? Integer.MAX_VALUE : length;
            int offset = pass == 2 ? RING_OFFSET : 0;
            byte[] buffer = new byte[offset + length];
            System.arraycopy(input, 1, buffer, offset, length);
            view.wrap(buffer);
            if (mode == MODE_VXLAN) {
                decoder.decodeVxlan(view, offset, length, original, 0, packet);
            } else if (mode == MODE_GENEVE) {
                decoder.decodeGeneve(view, offset, length, original, 0, packet);
            } else {
                decoder.decodeFrame(LINK_TYPES[mode], view, offset, length, original, 0, packet);
            }
            check();
        }
    }

    /** What every decoded packet promises: a status, and a reason when it is not OK. */
    private void check() {
        if (packet.status == null) {
            throw new IllegalStateException("decoded packet without a status");
        }
        if (packet.status != DecodedPacket.Status.OK && packet.reason == null) {
            throw new IllegalStateException("status " + packet.status + " without a reason");
        }
    }

    @Override
    public boolean isBadInput(Throwable t) {
        return false;
    }

    @Override
    public List<byte[]> seeds() {
        List<byte[]> out = new ArrayList<>();
        String[][] pairs = {{"10.0.1.10", "10.0.2.20"}, {"2600:1f18::10", "2600:1f18::20"}};
        for (int mode = 0; mode < LINK_TYPES.length; mode++) {
            int link = LINK_TYPES[mode];
            for (String[] p : pairs) {
                boolean v6 = p[0].contains(":");
                if ((link == LinkType.IPV4 && v6) || (link == LinkType.IPV6 && !v6)) {
                    continue;
                }
                int buildLink = link == 147 ? LinkType.RAW : link;
                out.add(frame(mode, PacketBuilder.ip(p[0], p[1]).tcp(40000, 443, PacketBuilder.SYN, 0).link(buildLink).build()));
                out.add(frame(mode, PacketBuilder.ip(p[0], p[1]).udp(5353, 53, 12).link(buildLink).build()));
                out.add(frame(mode, PacketBuilder.ip(p[0], p[1]).icmpEcho(true, 7).link(buildLink).build()));
                out.add(frame(mode, PacketBuilder.ip(p[0], p[1]).fragment(0, true).identification(9)
                        .udp(1, 2, 100).link(buildLink).build()));
                out.add(frame(mode, PacketBuilder.ip(p[0], p[1]).fragment(3, false).identification(9)
                        .udp(1, 2, 100).link(buildLink).build()));
                if (v6) {
                    for (int ext : new int[] {0, 43, 60, 51}) {
                        out.add(frame(mode, PacketBuilder.ip(p[0], p[1]).ipv6Extension(ext)
                                .tcp(1, 2, PacketBuilder.ACK, 4).link(buildLink).build()));
                    }
                } else {
                    out.add(frame(mode, PacketBuilder.ip(p[0], p[1]).ipv4Options(2).tcp(1, 2, PacketBuilder.ACK, 4)
                            .link(buildLink).build()));
                }
            }
        }
        int ethernet = 0;
        out.add(frame(ethernet, PacketBuilder.ip("10.0.1.10", "10.0.2.20").udp(1, 2, 3).vlan(0x88a8, 10)
                .vlan(0x8100, 20).build()));
        out.add(frame(indexOf(LinkType.NULL), PacketBuilder.ip("2600:1f18::10", "2600:1f18::20").udp(1, 2, 3)
                .loopback(false, 24, ByteOrder.BIG_ENDIAN).build()));
        IpAddress a = IpAddress.parse("192.0.2.1");
        IpAddress b = IpAddress.parse("192.0.2.2");
        out.add(frame(MODE_VXLAN, tunnelPayload(PacketBuilder.ip("10.0.1.10", "10.0.2.20").tcp(1, 2, PacketBuilder.SYN, 0)
                .vxlan(42).tunnelEndpoints(a, b).build())));
        out.add(frame(MODE_VXLAN, tunnelPayload(PacketBuilder.ip("2600:1f18::10", "2600:1f18::20").udp(1, 2, 3)
                .vlan(0x8100, 5).vxlan(7).tunnelEndpoints(a, b).build())));
        out.add(frame(MODE_GENEVE, tunnelPayload(PacketBuilder.ip("10.0.1.10", "10.0.2.20").tcp(1, 2, PacketBuilder.SYN, 0)
                .raw().geneve(42, PacketBuilder.geneveOption(0x0102, 0x80, new byte[8])).tunnelEndpoints(a, b).build())));
        out.add(frame(MODE_GENEVE, tunnelPayload(PacketBuilder.ip("2600:1f18::10", "2600:1f18::20").icmpEcho(false, 3)
                .ethernet().geneve(1, new byte[0]).tunnelEndpoints(a, b).build())));
        return out;
    }

    private static int indexOf(int linkType) {
        for (int i = 0; i < LINK_TYPES.length; i++) {
            if (LINK_TYPES[i] == linkType) {
                return i;
            }
        }
        throw new IllegalArgumentException("link type " + linkType);
    }

    private static byte[] tunnelPayload(byte[] outerFrame) {
        return Arrays.copyOfRange(outerFrame, OUTER_V4, outerFrame.length);
    }

    private static byte[] frame(int mode, byte[] frame) {
        byte[] in = new byte[frame.length + 1];
        in[0] = (byte) mode;
        System.arraycopy(frame, 0, in, 1, frame.length);
        return in;
    }
}
