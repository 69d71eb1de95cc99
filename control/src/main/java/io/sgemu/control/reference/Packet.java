package io.sgemu.control.reference;

import io.sgemu.control.model.Protocols;
import io.sgemu.dataplane.net.IpAddress;
import io.sgemu.dataplane.packet.DecodedPacket;

/**
 * The facts of one packet that the reference evaluator judges, as plain values.
 *
 * <p>Fields the packet does not carry are {@code -1}: ports for protocols other than TCP/UDP (and for
 * later fragments, which have no transport header), ICMP fields for non-ICMP packets, the echo
 * identifier for ICMP messages other than echo request/reply, and {@code tcpFlags} for non-TCP packets.
 *
 * @param timeNanos capture time, Unix epoch nanoseconds
 * @param protocol  IP protocol number (after IPv6 extension headers)
 * @param length    the IP packet length (L3 bytes)
 */
public record Packet(long timeNanos, int protocol, IpAddress src, IpAddress dst, int srcPort, int dstPort,
                     int icmpType, int icmpCode, int icmpId, int tcpFlags, int length) {

    public static final int FIN = 1;
    public static final int SYN = 2;
    public static final int RST = 4;
    public static final int PSH = 8;
    public static final int ACK = 16;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    public Packet {
        if (src == null || dst == null) {
            throw new IllegalArgumentException("a packet needs both addresses");
        }
        if (src.family() != dst.family()) {
            throw new IllegalArgumentException("source " + src + " and destination " + dst + " are of different families");
        }
    }

    /**
     * The packet of a decoded frame. The frame must carry addresses ({@link DecodedPacket#hasAddresses()});
     * the caller turns frames whose status is not OK into SKIP verdicts ({@code Verdict.skip(d.reason)})
     * rather than judging them.
     */
    public static Packet from(DecodedPacket d) {
        if (!d.hasAddresses()) {
            throw new IllegalArgumentException("the frame has no IP addresses (" + d.reason + ")");
        }
        boolean ports = Protocols.hasPorts(d.protocol) && !d.laterFragment;
        boolean icmp = Protocols.isIcmp(d.protocol) && !d.laterFragment;
        return new Packet(d.timeNanos, d.protocol, d.src(), d.dst(),
                ports ? d.srcPort : -1, ports ? d.dstPort : -1,
                icmp ? d.icmpType : -1, icmp ? d.icmpCode : -1, icmp ? d.icmpId : -1,
                d.protocol == Protocols.TCP && !d.laterFragment ? d.tcpFlags : -1,
                d.ipLength);
    }

    // ---- factories for tests and tools; times in nanoseconds, addresses as text ----

    public static Packet tcp(long timeNanos, String src, int srcPort, String dst, int dstPort, int flags, int length) {
        return new Packet(timeNanos, Protocols.TCP, IpAddress.parse(src), IpAddress.parse(dst), srcPort, dstPort,
                -1, -1, -1, flags, length);
    }

    public static Packet udp(long timeNanos, String src, int srcPort, String dst, int dstPort, int length) {
        return new Packet(timeNanos, Protocols.UDP, IpAddress.parse(src), IpAddress.parse(dst), srcPort, dstPort,
                -1, -1, -1, -1, length);
    }

    /** An ICMP (IPv4) or ICMPv6 (IPv6) echo request ({@code request}) or reply with identifier {@code id}. */
    public static Packet icmpEcho(long timeNanos, String src, String dst, boolean request, int id, int length) {
        IpAddress s = IpAddress.parse(src);
        boolean v4 = s.isV4();
        int type = v4 ? (request ? 8 : 0) : (request ? 128 : 129);
        return new Packet(timeNanos, v4 ? Protocols.ICMP : Protocols.ICMPV6, s, IpAddress.parse(dst), -1, -1,
                type, 0, id, -1, length);
    }

    /** Any ICMP (IPv4) or ICMPv6 (IPv6) message other than echo: no identifier. */
    public static Packet icmp(long timeNanos, String src, String dst, int type, int code, int length) {
        IpAddress s = IpAddress.parse(src);
        return new Packet(timeNanos, s.isV4() ? Protocols.ICMP : Protocols.ICMPV6, s, IpAddress.parse(dst), -1, -1,
                type, code, -1, -1, length);
    }

    /** A packet of a protocol without ports (GRE, ESP, ...). */
    public static Packet other(long timeNanos, int protocol, String src, String dst, int length) {
        return new Packet(timeNanos, protocol, IpAddress.parse(src), IpAddress.parse(dst), -1, -1, -1, -1, -1, -1, length);
    }

    /** Seconds to the nanoseconds of {@link #timeNanos}. */
    public static long seconds(double s) {
        return Math.round(s * NANOS_PER_SECOND);
    }

    /** The same packet with addresses and ports swapped, every other field kept (the reverse R of SEMANTICS.md section 3). */
    public Packet reversed() {
        return new Packet(timeNanos, protocol, dst, src, dstPort, srcPort, icmpType, icmpCode, icmpId, tcpFlags, length);
    }

    public boolean isTcp() {
        return protocol == Protocols.TCP;
    }

    public boolean hasFlag(int flag) {
        return tcpFlags >= 0 && (tcpFlags & flag) != 0;
    }

    /** Echo request or reply (ICMP 8/0, ICMPv6 128/129): the messages whose identifier stands in for ports. */
    public boolean isIcmpEcho() {
        if (protocol == Protocols.ICMP) {
            return icmpType == 8 || icmpType == 0;
        }
        if (protocol == Protocols.ICMPV6) {
            return icmpType == 128 || icmpType == 129;
        }
        return false;
    }

    /**
     * An ICMP error message: destination unreachable (3), source quench (4), redirect (5), time exceeded
     * (11), parameter problem (12); for ICMPv6 every type below 128 (destination unreachable, packet too
     * big, time exceeded, parameter problem).
     */
    public boolean isIcmpError() {
        if (protocol == Protocols.ICMP) {
            return icmpType == 3 || icmpType == 4 || icmpType == 5 || icmpType == 11 || icmpType == 12;
        }
        return protocol == Protocols.ICMPV6 && icmpType >= 0 && icmpType < 128;
    }
}
