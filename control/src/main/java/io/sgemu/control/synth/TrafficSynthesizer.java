package io.sgemu.control.synth;

import io.sgemu.control.model.Protocols;
import io.sgemu.control.synth.TrafficScript.Conversation;
import io.sgemu.dataplane.capture.PcapWriter;
import io.sgemu.dataplane.capture.PcapngWriter;
import io.sgemu.dataplane.packet.LinkType;
import io.sgemu.dataplane.packet.PacketBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Expands a {@link TrafficScript} into packets in time order: what the hosts at both ends would send,
 * whatever the network then does to it (the capture of a mirror port).
 */
public final class TrafficSynthesizer {

    static final int FIN = 1;
    static final int SYN = 2;
    static final int RST = 4;
    static final int PSH = 8;
    static final int ACK = 16;

    /** Gap between consecutive packets of one conversation. */
    static final long STEP_NANOS = 1_000_000L;
    static final long SECOND = 1_000_000_000L;
    static final int REQUEST_BYTES = 120;
    static final int RESPONSE_BYTES = 900;

    private TrafficSynthesizer() {
    }

    /** The packets of every conversation, sorted by time (stable: a conversation keeps its order). */
    public static List<SynthPacket> expand(TrafficScript script, long startNanos) {
        List<SynthPacket> all = new ArrayList<>();
        for (Conversation c : script.conversations()) {
            expand(c, startNanos + Math.round(c.atSeconds() * SECOND), all);
        }
        all.sort(Comparator.comparingLong(SynthPacket::timeNanos));
        return all;
    }

    /** Capture formats {@link #write} can produce. */
    public enum Format { PCAP, PCAPNG }

    /** Writes the packets as Ethernet frames, pcap with nanosecond timestamps or pcapng. */
    public static void write(List<SynthPacket> packets, Path file, Format format) throws IOException {
        if (format == Format.PCAP) {
            try (PcapWriter w = PcapWriter.create(file, LinkType.ETHERNET, PcapWriter.Precision.NANOSECONDS)) {
                for (SynthPacket p : packets) {
                    w.write(p.timeNanos(), frame(p));
                }
            }
        } else {
            try (PcapngWriter w = PcapngWriter.create(file)) {
                int iface = w.addInterface(LinkType.ETHERNET, 262_144, PcapngWriter.TSRESOL_NANOS, 0);
                for (SynthPacket p : packets) {
                    w.writePacket(iface, p.timeNanos(), frame(p));
                }
            }
        }
    }

    static byte[] frame(SynthPacket p) {
        PacketBuilder b = PacketBuilder.ip(p.src(), p.dst());
        switch (p.protocol()) {
            case Protocols.TCP -> b.tcp(p.srcPort(), p.dstPort(), p.tcpFlags(), p.payloadLength());
            case Protocols.UDP -> b.udp(p.srcPort(), p.dstPort(), p.payloadLength());
            case Protocols.ICMP, Protocols.ICMPV6 -> b.icmp(p.icmpType(), p.icmpCode(), p.icmpId()).payload(p.payloadLength());
            default -> b.protocol(p.protocol(), p.payloadLength());
        }
        return b.ethernet().build();
    }

    private static void expand(Conversation c, long t0, List<SynthPacket> out) {
        Emitter e = new Emitter(c, t0, out);
        switch (c.shape()) {
            case "session", "session-rst" -> {
                e.fwd(SYN, 0).back(SYN | ACK, 0).fwd(ACK, 0);
                for (int i = 0; i < c.count(); i++) {
                    e.fwd(PSH | ACK, REQUEST_BYTES).back(PSH | ACK, RESPONSE_BYTES).fwd(ACK, 0);
                }
                if (c.shape().equals("session")) {
                    e.fwd(FIN | ACK, 0).back(FIN | ACK, 0).fwd(ACK, 0);
                } else {
                    e.fwd(RST | ACK, 0);
                }
            }
            case "syn" -> {
                for (int i = 0; i < c.count(); i++) {
                    e.at(t0 + i * SECOND).fwd(SYN, 0);
                }
            }
            case "retry" -> {
                for (int i = 0; i < c.count(); i++) {
                    e.at(t0 + i * SECOND).fwd(SYN, 0).back(SYN | ACK, 0);
                }
            }
            case "exchange" -> {
                for (int i = 0; i < c.count(); i++) {
                    e.fwd(0, REQUEST_BYTES).back(0, RESPONSE_BYTES);
                }
            }
            case "oneway" -> {
                boolean v6 = c.protocol() == Protocols.ICMPV6;
                for (int i = 0; i < c.count(); i++) {
                    if (Protocols.isIcmp(c.protocol())) {
                        e.at(t0 + i * SECOND).icmp(true, v6 ? 128 : 8, c.line());
                    } else {
                        e.fwd(0, REQUEST_BYTES);
                    }
                }
            }
            case "ping" -> {
                boolean v6 = c.protocol() == Protocols.ICMPV6;
                for (int i = 0; i < c.count(); i++) {
                    e.at(t0 + i * SECOND).icmp(true, v6 ? 128 : 8, c.line()).icmp(false, v6 ? 129 : 0, c.line());
                }
            }
            default -> throw new IllegalStateException("shape " + c.shape());
        }
    }

    /** Emits the packets of one conversation, one step apart. */
    private static final class Emitter {
        private final Conversation c;
        private final List<SynthPacket> out;
        private long t;

        Emitter(Conversation c, long t0, List<SynthPacket> out) {
            this.c = c;
            this.t = t0;
            this.out = out;
        }

        Emitter at(long time) {
            t = Math.max(t, time);
            return this;
        }

        Emitter fwd(int flags, int payload) {
            return packet(true, flags, payload);
        }

        Emitter back(int flags, int payload) {
            return packet(false, flags, payload);
        }

        private Emitter packet(boolean forward, int flags, int payload) {
            boolean tcp = c.protocol() == Protocols.TCP;
            out.add(new SynthPacket(t, c.protocol(), forward ? c.client() : c.server(), forward ? c.server() : c.client(),
                    forward ? c.clientPort() : c.serverPort(), forward ? c.serverPort() : c.clientPort(),
                    tcp ? flags : -1, payload, -1, -1, -1));
            t += STEP_NANOS;
            return this;
        }

        Emitter icmp(boolean forward, int type, int id) {
            out.add(new SynthPacket(t, c.protocol(), forward ? c.client() : c.server(), forward ? c.server() : c.client(),
                    -1, -1, -1, 56, type, 0, id & 0xFFFF));
            t += STEP_NANOS;
            return this;
        }
    }
}
