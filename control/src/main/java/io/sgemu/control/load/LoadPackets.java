package io.sgemu.control.load;

import io.sgemu.dataplane.capture.CaptureReader;
import io.sgemu.dataplane.capture.CapturedFrame;
import io.sgemu.dataplane.packet.DecodedPacket;
import io.sgemu.dataplane.packet.PacketDecoder;
import io.sgemu.control.gen.CaptureGenerator;
import io.sgemu.control.gen.FlowPlan;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The IP packets a load sends, in order, and the frames of the source that were not sent (by reason).
 *
 * <p>From a capture ({@link #fromCapture}): each frame is decoded with the project's decoder; a frame that is not
 * an IP packet ({@code not-ip}), is malformed, of a link type the decoder does not read, or was cut short by the
 * capture's snap length ({@code snapped}: its IP header claims more bytes than were captured) is skipped and
 * counted. The IP packet is copied from where the decoder found its header.
 *
 * <p>Or from generated flows ({@link #fromPlan}): the frames {@code sgemu gen capture} would write, made in memory
 * and taken the same way.
 */
public record LoadPackets(List<byte[]> packets, long frames, Map<String, Long> skipped) {

    public LoadPackets {
        packets = Collections.unmodifiableList(packets);
        skipped = Collections.unmodifiableMap(new TreeMap<>(skipped));
    }

    public long skippedTotal() {
        long n = 0;
        for (long v : skipped.values()) {
            n += v;
        }
        return n;
    }

    /** Reads every frame of a pcap or pcapng file (gzip too). */
    public static LoadPackets fromCapture(Path file) throws IOException {
        Collector c = new Collector();
        try (CaptureReader reader = CaptureReader.open(file)) {
            CapturedFrame f = new CapturedFrame();
            while (reader.next(f)) {
                c.add(f.linkType, f.buffer, f.offset, f.capturedLength, f.originalLength, f.timeNanos);
            }
        }
        return c.packets();
    }

    /**
     * The frames of generated traffic ({@code sgemu gen capture}'s flows, made in memory rather than read from a
     * file), in the order the generator writes them.
     */
    public static LoadPackets fromPlan(FlowPlan plan) throws IOException {
        Collector c = new Collector();
        UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
        int linkType = plan.settings().linkType();
        CaptureGenerator.write(plan, (time, frame) -> {
            view.wrap(frame);
            c.add(linkType, view, 0, frame.length, frame.length, time);
        });
        return c.packets();
    }

    /** Decodes frames one by one, keeping the IP packets and counting the rest by reason. */
    private static final class Collector {
        private final List<byte[]> packets = new ArrayList<>();
        private final Map<String, Long> skipped = new TreeMap<>();
        private final DecodedPacket d = new DecodedPacket();
        private final PacketDecoder decoder = new PacketDecoder();
        private long frames;

        void add(int linkType, DirectBuffer buffer, int offset, int capturedLength, int originalLength, long time) {
            frames++;
            decoder.decodeFrame(linkType, buffer, offset, capturedLength, originalLength, time, d);
            if (d.status != DecodedPacket.Status.OK) {
                skipped.merge(d.reason == null ? "malformed" : d.reason, 1L, Long::sum);
                return;
            }
            int ip = ipHeader(buffer, offset, capturedLength, d);
            if (ip < 0) {
                skipped.merge("malformed", 1L, Long::sum);
            } else if (ip + d.ipLength > offset + capturedLength) {
                skipped.merge("snapped", 1L, Long::sum);
            } else {
                byte[] bytes = new byte[d.ipLength];
                buffer.getBytes(ip, bytes);
                packets.add(bytes);
            }
        }

        LoadPackets packets() {
            return new LoadPackets(packets, frames, skipped);
        }
    }

    /**
     * The index of the IP header the decoder read: the first place in the frame holding a header of its
     * version, length and addresses. (The decoder keeps the facts of a packet, not where its header was; the
     * link layers before it are the decoder's business, so this finds the header by what it says.)
     */
    static int ipHeader(DirectBuffer b, int offset, int length, DecodedPacket d) {
        int end = offset + length;
        if (d.ipVersion == 4) {
            for (int p = offset; p + 20 <= end; p++) {
                if ((b.getByte(p) & 0xF0) == 0x40 && (b.getShort(p + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF) == d.ipLength
                        && (b.getInt(p + 12, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL) == d.srcLo
                        && (b.getInt(p + 16, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL) == d.dstLo) {
                    return p;
                }
            }
        } else if (d.ipVersion == 6) {
            for (int p = offset; p + 40 <= end; p++) {
                if ((b.getByte(p) & 0xF0) == 0x60
                        && (b.getShort(p + 4, ByteOrder.BIG_ENDIAN) & 0xFFFF) + 40 == d.ipLength
                        && b.getLong(p + 8, ByteOrder.BIG_ENDIAN) == d.srcHi
                        && b.getLong(p + 16, ByteOrder.BIG_ENDIAN) == d.srcLo
                        && b.getLong(p + 24, ByteOrder.BIG_ENDIAN) == d.dstHi
                        && b.getLong(p + 32, ByteOrder.BIG_ENDIAN) == d.dstLo) {
                    return p;
                }
            }
        }
        return -1;
    }
}
