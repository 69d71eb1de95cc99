package io.sgemu.dataplane.packet;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;

/**
 * The decoder as it was before it read its headers through flyweights: plain reads at literal offsets.
 * Kept as an oracle so that the differential fuzz test can show the flyweight decoder answers exactly
 * as this one did, field for field, on any bytes. Change both together if the decoder's behaviour is
 * ever meant to change.
 */
final class LegacyPacketDecoder {

    public static final String REASON_MALFORMED = "malformed";
    public static final String REASON_UNSUPPORTED_LINK_TYPE = "unsupported-link-type";
    public static final String REASON_NOT_IP = "not-ip";

    public static final int PROTO_ICMP = 1;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;
    public static final int PROTO_ESP = 50;
    public static final int PROTO_AH = 51;
    public static final int PROTO_ICMPV6 = 58;
    public static final int PROTO_IPV6_NONXT = 59;

    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int ETHERTYPE_IPV6 = 0x86DD;
    static final int ETHERTYPE_VLAN = 0x8100;
    static final int ETHERTYPE_QINQ = 0x88A8;
    static final int ETHERTYPE_QINQ_OLD = 0x9100;
    static final int ETHERTYPE_MPLS_UNICAST = 0x8847;
    static final int ETHERTYPE_MPLS_MULTICAST = 0x8848;
    static final int ETHERTYPE_PPPOE_SESSION = 0x8864;

    private static final int ARPHRD_NETLINK = 824;
    private static final int NFULA_PAYLOAD = 9;

    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    private LegacyPacketDecoder() {
    }

    /**
     * Decodes a frame whose original length is not known. The frame is then taken as possibly snapped:
     * an IP length beyond the captured bytes is accepted when the headers are present (use the overload
     * with the original length to tell a snapped capture from a truncated packet).
     *
     * @param offset index of the frame's first byte in {@code buf}
     * @param length captured bytes of the frame
     */
    public static void decode(int linkType, DirectBuffer buf, int offset, int length, long timeNanos,
                              DecodedPacket out) {
        decode(linkType, buf, offset, length, Integer.MAX_VALUE, timeNanos, out);
    }

    /**
     * Decodes a frame of {@code capturedLength} bytes that was {@code originalLength} bytes on the wire.
     * When the two are equal, an IP header claiming more bytes than were captured makes the packet
     * malformed.
     */
    public static void decode(int linkType, DirectBuffer buf, int offset, int capturedLength, int originalLength,
                              long timeNanos, DecodedPacket out) {
        out.reset();
        out.timeNanos = timeNanos;
        if (offset < 0 || capturedLength < 0 || (long) offset + capturedLength > buf.capacity()) {
            malformed(out);
            return;
        }
        boolean snapped = capturedLength < originalLength;
        int end = offset + capturedLength;
        switch (linkType) {
            case LinkType.ETHERNET -> ethernet(buf, offset, end, snapped, out);
            case LinkType.RAW, LinkType.RAW_LEGACY_12, LinkType.RAW_LEGACY_14 -> rawIp(buf, offset, end, snapped, out);
            case LinkType.IPV4 -> ipv4(buf, offset, end, snapped, out);
            case LinkType.IPV6 -> ipv6(buf, offset, end, snapped, out);
            case LinkType.LINUX_SLL -> linuxSll(buf, offset, end, snapped, out);
            case LinkType.LINUX_SLL2 -> linuxSll2(buf, offset, end, snapped, out);
            case LinkType.NULL, LinkType.LOOP -> loopback(buf, offset, end, snapped, out);
            case LinkType.PPP, LinkType.PPP_HDLC -> ppp(buf, offset, end, snapped, out);
            case LinkType.NFLOG -> nflog(buf, offset, end, snapped, out);
            default -> {
                out.status = DecodedPacket.Status.UNSUPPORTED_LINK_TYPE;
                out.reason = REASON_UNSUPPORTED_LINK_TYPE;
            }
        }
    }

    // ---------------------------------------------------------------- link layers

    private static void ethernet(DirectBuffer buf, int p, int end, boolean snapped, DecodedPacket out) {
        if (end - p < 14) {
            malformed(out);
            return;
        }
        int etherType = u16(buf, p + 12);
        if (etherType < 0x0600) {
            // An 802.3 length field: LLC/SNAP frames (STP, CDP, ...), never IP in practice.
            notIp(out);
            return;
        }
        etherPayload(buf, p + 14, end, etherType, snapped, out);
    }

    /** Skips any number of VLAN tags, then hands the payload to the IP decoder named by the ethertype. */
    private static void etherPayload(DirectBuffer buf, int p, int end, int etherType, boolean snapped,
                                     DecodedPacket out) {
        while (etherType == ETHERTYPE_VLAN || etherType == ETHERTYPE_QINQ || etherType == ETHERTYPE_QINQ_OLD) {
            if (end - p < 4) {
                malformed(out);
                return;
            }
            etherType = u16(buf, p + 2);
            p += 4;
        }
        switch (etherType) {
            case ETHERTYPE_IPV4 -> ipv4(buf, p, end, snapped, out);
            case ETHERTYPE_IPV6 -> ipv6(buf, p, end, snapped, out);
            case ETHERTYPE_MPLS_UNICAST, ETHERTYPE_MPLS_MULTICAST -> mpls(buf, p, end, snapped, out);
            case ETHERTYPE_PPPOE_SESSION -> pppoeSession(buf, p, end, snapped, out);
            default -> notIp(out);
        }
    }

    /**
     * An MPLS label stack: labels are popped to the bottom of the stack, and the IP packet under it
     * is what is judged (a label switch path carries the same IP packet a VPC would see).
     */
    private static void mpls(DirectBuffer buf, int p, int end, boolean snapped, DecodedPacket out) {
        while (true) {
            if (end - p < 4) {
                malformed(out);
                return;
            }
            boolean bottom = (u8(buf, p + 2) & 0x01) != 0;
            p += 4;
            if (bottom) {
                break;
            }
        }
        if (end - p < 1) {
            malformed(out);
            return;
        }
        // No payload type in MPLS: the first nibble tells IPv4 (4) and IPv6 (6) from an Ethernet
        // pseudowire with its control word (0, RFC 4448), whose frame is read like any Ethernet frame.
        switch (u8(buf, p) >>> 4) {
            case 4 -> ipv4(buf, p, end, snapped, out);
            case 6 -> ipv6(buf, p, end, snapped, out);
            case 0 -> ethernet(buf, p + 4, end, snapped, out);
            default -> notIp(out);
        }
    }

    /** A PPPoE session frame (RFC 2516): a 6-byte header, then a PPP frame. */
    private static void pppoeSession(DirectBuffer buf, int p, int end, boolean snapped, DecodedPacket out) {
        if (end - p < 6) {
            malformed(out);
            return;
        }
        ppp(buf, p + 6, end, snapped, out);
    }

    private static void rawIp(DirectBuffer buf, int p, int end, boolean snapped, DecodedPacket out) {
        if (end - p < 1) {
            malformed(out);
            return;
        }
        switch (u8(buf, p) >>> 4) {
            case 4 -> ipv4(buf, p, end, snapped, out);
            case 6 -> ipv6(buf, p, end, snapped, out);
            default -> malformed(out);
        }
    }

    private static void linuxSll(DirectBuffer buf, int p, int end, boolean snapped, DecodedPacket out) {
        if (end - p < 16) {
            malformed(out);
            return;
        }
        cookedPayload(buf, p + 16, end, u16(buf, p + 2), u16(buf, p + 14), snapped, out);
    }

    private static void linuxSll2(DirectBuffer buf, int p, int end, boolean snapped, DecodedPacket out) {
        if (end - p < 20) {
            malformed(out);
            return;
        }
        cookedPayload(buf, p + 20, end, u16(buf, p + 8), u16(buf, p), snapped, out);
    }

    private static void cookedPayload(DirectBuffer buf, int p, int end, int arpHardwareType, int protocol,
                                      boolean snapped, DecodedPacket out) {
        // Netlink captures put a netlink family where the ethertype would be; protocol values below
        // 0x0600 are Linux's pseudo-types (802.3, 802.2, CAN ...): neither is IP.
        if (arpHardwareType == ARPHRD_NETLINK || protocol < 0x0600) {
            notIp(out);
            return;
        }
        etherPayload(buf, p, end, protocol, snapped, out);
    }

    private static void loopback(DirectBuffer buf, int p, int end, boolean snapped, DecodedPacket out) {
        if (end - p < 4) {
            malformed(out);
            return;
        }
        // The family is in the byte order of the host that captured (NULL), or in network order (LOOP,
        // though writers disagree): a value that is a known family one way round is taken that way.
        int family = buf.getInt(p, ByteOrder.LITTLE_ENDIAN);
        if (!isLoopbackFamily(family)) {
            family = buf.getInt(p, NET);
        }
        switch (family) {
            case 2 -> ipv4(buf, p + 4, end, snapped, out);
            case 10, 24, 28, 30 -> ipv6(buf, p + 4, end, snapped, out);
            default -> notIp(out);
        }
    }

    private static boolean isLoopbackFamily(int family) {
        return family == 2 || family == 10 || family == 24 || family == 28 || family == 30;
    }

    private static void ppp(DirectBuffer buf, int p, int end, boolean snapped, DecodedPacket out) {
        if (end - p >= 1 && u8(buf, p) == 0xFF) {
            // Address 0xFF of HDLC-like framing: control 0x03 must follow (0xFF is no protocol number).
            if (end - p < 2 || u8(buf, p + 1) != 0x03) {
                malformed(out);
                return;
            }
            p += 2;
        }
        if (end - p < 1) {
            malformed(out);
            return;
        }
        int protocol = u8(buf, p);
        if ((protocol & 1) == 1) {
            p += 1; // protocol-field compression: an odd first byte is the whole protocol
        } else {
            if (end - p < 2) {
                malformed(out);
                return;
            }
            protocol = u16(buf, p);
            p += 2;
        }
        switch (protocol) {
            case 0x21 -> ipv4(buf, p, end, snapped, out);
            case 0x57 -> ipv6(buf, p, end, snapped, out);
            case 0x281, 0x283 -> mpls(buf, p, end, snapped, out);
            default -> notIp(out);
        }
    }

    private static void nflog(DirectBuffer buf, int p, int end, boolean snapped, DecodedPacket out) {
        if (end - p < 4) {
            malformed(out);
            return;
        }
        int family = u8(buf, p);
        if (family != 2 && family != 10) {
            notIp(out);
            return;
        }
        // Attributes: length and type in the capturing host's byte order (little-endian hosts in
        // practice; a length that does not fit is retried big-endian), values padded to 4 bytes.
        int q = p + 4;
        while (end - q >= 4) {
            ByteOrder order = ByteOrder.LITTLE_ENDIAN;
            int length = buf.getShort(q, order) & 0xFFFF;
            if (length < 4 || length > end - q) {
                order = NET;
                length = buf.getShort(q, order) & 0xFFFF;
                if (length < 4 || length > end - q) {
                    malformed(out);
                    return;
                }
            }
            int type = buf.getShort(q + 2, order) & 0x3FFF;
            if (type == NFULA_PAYLOAD) {
                int payloadEnd = q + length;
                if (family == 2) {
                    ipv4(buf, q + 4, payloadEnd, snapped, out);
                } else {
                    ipv6(buf, q + 4, payloadEnd, snapped, out);
                }
                return;
            }
            q += (length + 3) & ~3;
        }
        malformed(out);
    }

    // ---------------------------------------------------------------- IP

    private static void ipv4(DirectBuffer buf, int p, int end, boolean snapped, DecodedPacket out) {
        int captured = end - p;
        if (captured < 20 || (u8(buf, p) >>> 4) != 4) {
            malformed(out);
            return;
        }
        int headerLength = (u8(buf, p) & 0x0F) * 4;
        int totalLength = u16(buf, p + 2);
        int protocol = u8(buf, p + 9);
        out.ipVersion = 4;
        out.protocol = protocol;
        out.ipLength = totalLength;
        out.srcLo = buf.getInt(p + 12, NET) & 0xFFFF_FFFFL;
        out.dstLo = buf.getInt(p + 16, NET) & 0xFFFF_FFFFL;
        if (headerLength < 20 || headerLength > captured || totalLength < headerLength
                || (totalLength > captured && !snapped)) {
            malformed(out);
            return;
        }
        int fragmentField = u16(buf, p + 6);
        if ((fragmentField & 0x1FFF) != 0) {
            out.laterFragment = true; // no transport header in this fragment
            return;
        }
        boolean moreFragments = (fragmentField & 0x2000) != 0;
        transport(buf, p + headerLength, p + Math.min(totalLength, captured), totalLength - headerLength,
                moreFragments, protocol, out);
    }

    private static void ipv6(DirectBuffer buf, int p, int end, boolean snapped, DecodedPacket out) {
        int captured = end - p;
        if (captured < 40 || (u8(buf, p) >>> 4) != 6) {
            malformed(out);
            return;
        }
        int payloadLength = u16(buf, p + 4);
        int next = u8(buf, p + 6);
        out.ipVersion = 6;
        out.protocol = next;
        out.ipLength = 40 + payloadLength;
        out.srcHi = buf.getLong(p + 8, NET);
        out.srcLo = buf.getLong(p + 16, NET);
        out.dstHi = buf.getLong(p + 24, NET);
        out.dstLo = buf.getLong(p + 32, NET);
        if (out.ipLength > captured && !snapped) {
            malformed(out);
            return;
        }
        int statedEnd = p + out.ipLength;
        int limit = Math.min(statedEnd, end);
        int q = p + 40;
        boolean moreFragments = false;
        // Walk the extension headers to the transport protocol. Each step moves at least 8 bytes on,
        // so the walk ends within the packet.
        while (true) {
            switch (next) {
                case 0, 43, 60 -> { // hop-by-hop, routing, destination options: length in 8-byte units, less one
                    if (limit - q < 2) {
                        malformed(out);
                        return;
                    }
                    int length = (u8(buf, q + 1) + 1) * 8;
                    if (length > limit - q) {
                        malformed(out);
                        return;
                    }
                    next = u8(buf, q);
                    q += length;
                }
                case 44 -> { // fragment header: fixed 8 bytes
                    if (limit - q < 8) {
                        malformed(out);
                        return;
                    }
                    next = u8(buf, q);
                    int fragmentField = u16(buf, q + 2);
                    int fragmentOffset = fragmentField >>> 3;
                    moreFragments = (fragmentField & 1) != 0;
                    q += 8;
                    if (fragmentOffset != 0) {
                        out.protocol = next;
                        out.laterFragment = true;
                        return;
                    }
                }
                case PROTO_AH -> { // authentication header: length in 4-byte units, less two
                    if (limit - q < 2) {
                        malformed(out);
                        return;
                    }
                    int length = (u8(buf, q + 1) + 2) * 4;
                    if (length > limit - q) {
                        malformed(out);
                        return;
                    }
                    next = u8(buf, q);
                    q += length;
                }
                default -> {
                    // ESP (50) and no-next-header (59) end the walk like any transport protocol.
                    out.protocol = next;
                    transport(buf, q, limit, statedEnd - q, moreFragments, next, out);
                    return;
                }
            }
        }
    }

    // ---------------------------------------------------------------- transport

    /**
     * @param p      first byte of the transport header
     * @param limit  end of the bytes that are both captured and inside the IP packet
     * @param stated the transport length the IP header states
     * @param firstOfFragments the packet is the first fragment of several: the UDP length covers the
     *                         whole datagram, not this fragment
     */
    private static void transport(DirectBuffer buf, int p, int limit, int stated, boolean firstOfFragments,
                                  int protocol, DecodedPacket out) {
        int available = limit - p;
        switch (protocol) {
            case PROTO_TCP -> {
                if (available >= 4) {
                    out.srcPort = u16(buf, p);
                    out.dstPort = u16(buf, p + 2);
                }
                if (available >= 14) {
                    out.tcpFlags = u8(buf, p + 13);
                }
                if (available < 20) {
                    malformed(out);
                    return;
                }
                int dataOffset = (u8(buf, p + 12) >>> 4) * 4;
                if (dataOffset < 20 || dataOffset > stated) {
                    malformed(out);
                }
            }
            case PROTO_UDP -> {
                if (available >= 4) {
                    out.srcPort = u16(buf, p);
                    out.dstPort = u16(buf, p + 2);
                }
                if (available < 8) {
                    malformed(out);
                    return;
                }
                int udpLength = u16(buf, p + 4);
                if (udpLength < 8 || (udpLength > stated && !firstOfFragments)) {
                    malformed(out);
                }
            }
            case PROTO_ICMP, PROTO_ICMPV6 -> {
                if (available >= 2) {
                    out.icmpType = u8(buf, p);
                    out.icmpCode = u8(buf, p + 1);
                }
                if (available < 4) {
                    malformed(out);
                    return;
                }
                boolean echo = protocol == PROTO_ICMP
                        ? out.icmpType == 8 || out.icmpType == 0
                        : out.icmpType == 128 || out.icmpType == 129;
                if (echo) {
                    if (available < 8) {
                        malformed(out);
                        return;
                    }
                    out.icmpId = u16(buf, p + 4);
                }
            }
            default -> {
                // Other protocols: the addresses and the protocol number are all a rule looks at.
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private static int u8(DirectBuffer buf, int index) {
        return buf.getByte(index) & 0xFF;
    }

    private static int u16(DirectBuffer buf, int index) {
        return buf.getShort(index, NET) & 0xFFFF;
    }

    private static void malformed(DecodedPacket out) {
        out.status = DecodedPacket.Status.MALFORMED;
        out.reason = REASON_MALFORMED;
    }

    private static void notIp(DecodedPacket out) {
        out.status = DecodedPacket.Status.NOT_IP;
        out.reason = REASON_NOT_IP;
    }
}
