package io.sgemu.control.diff;

import io.sgemu.control.model.Protocols;
import io.sgemu.control.reference.Packet;
import io.sgemu.dataplane.capture.PcapWriter;
import io.sgemu.dataplane.packet.LinkType;
import io.sgemu.dataplane.packet.PacketBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** Writes test traffic: each {@link Packet} as one Ethernet frame of a nanosecond pcap. */
public final class TrafficFiles {

    private TrafficFiles() {
    }

    public static Path pcap(Path file, List<Packet> packets) {
        try (PcapWriter w = PcapWriter.create(file, LinkType.ETHERNET, PcapWriter.Precision.NANOSECONDS)) {
            for (Packet p : packets) {
                w.write(p.timeNanos(), frame(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** The frame of a packet; the payload is sized so that the IP length is near the packet's. */
    public static byte[] frame(Packet p) {
        PacketBuilder b = PacketBuilder.ip(p.src(), p.dst());
        int payload = Math.max(0, Math.min(1400, p.length() - 60));
        if (p.protocol() == Protocols.TCP) {
            b.tcp(p.srcPort(), p.dstPort(), Math.max(0, p.tcpFlags()), payload);
        } else if (p.protocol() == Protocols.UDP) {
            b.udp(p.srcPort(), p.dstPort(), payload);
        } else if (Protocols.isIcmp(p.protocol())) {
            b.icmp(p.icmpType(), p.icmpCode(), Math.max(0, p.icmpId()));
        } else {
            b.protocol(p.protocol(), payload);
        }
        return b.ethernet().build();
    }
}
