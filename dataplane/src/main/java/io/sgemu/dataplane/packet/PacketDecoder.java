package io.sgemu.dataplane.packet;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;

/**
 * Reads the facts the emulator judges (addresses, protocol, ports, ICMP type/code/identifier, TCP flags,
 * IP length) out of one captured frame into a reused {@link DecodedPacket}, through header flyweights
 * ({@link EthernetHeader}, {@link Ipv4Header}, {@link TcpHeader} ...) that read the bytes in place.
 *
 * <p>Guarantees: decoding never throws and never allocates; a frame that cannot be read gets a status
 * other than {@link DecodedPacket.Status#OK} and a reason, with the fields read before the problem left
 * filled. It reads nothing outside the frame's {@code [offset, offset + capturedLength)}. Only the
 * outermost IP header counts: tunnels (GRE, IP-in-IP, VXLAN ...) are not opened by {@code decode},
 * because a security group judges the packet that reaches the interface, i.e. the outer one. A tunnel
 * endpoint that has taken a VXLAN or GENEVE datagram off the wire opens it with {@link #decodeVxlan} or
 * {@link #decodeGeneve}.
 *
 * <p>Link layers: Ethernet with any depth of 802.1Q/802.1ad tags (TPID 0x8100, 0x88a8, 0x9100), raw IP
 * (101, legacy 12 and 14, IPv4-only 228, IPv6-only 229), Linux cooked v1 (113) and v2 (276), BSD
 * loopback NULL (0) and LOOP (108) with the family in either byte order, PPP (9, 50) and NFLOG (239).
 *
 * <p>Length checks: an IP header whose stated length exceeds the captured bytes is malformed, unless the
 * capture was snapped short (captured length below original length) and the IP and transport headers
 * are all present; the IP length then comes from the header, as the packet on the wire had it.
 *
 * <h2>Two ways in</h2>
 * <ul>
 *   <li>An instance ({@code new PacketDecoder()}) owns one set of flyweights and decodes with
 *       {@link #decodeFrame}, {@link #decodeVxlan} and {@link #decodeGeneve}. It is not thread-safe:
 *       one per thread (per worker), like the {@link DecodedPacket} it fills.</li>
 *   <li>The static {@link #decode} methods, for callers that hold only a {@link DecodedPacket}, use a
 *       decoder that travels with that packet (made on its first decode). A {@code DecodedPacket} is
 *       mutable and so already confined to one thread at a time; its decoder shares that confinement,
 *       which keeps the static path thread-safe and, after the first frame, allocation-free.</li>
 * </ul>
 * The flyweights are wrapped afresh at each header; a method reads what it needs from a flyweight before
 * it hands on to the next layer (which may wrap the same flyweight again, as an MPLS pseudowire's inner
 * Ethernet frame does).
 */
public final class PacketDecoder {

    public static final String REASON_MALFORMED = "malformed";
    public static final String REASON_UNSUPPORTED_LINK_TYPE = "unsupported-link-type";
    public static final String REASON_NOT_IP = "not-ip";
    /** A VXLAN header cut short, or without its I flag (the VNI is then not valid). */
    public static final String REASON_MALFORMED_VXLAN = "malformed-vxlan";
    /** A GENEVE header cut short, of an unknown version, or whose options do not fill their area. */
    public static final String REASON_MALFORMED_GENEVE = "malformed-geneve";

    public static final int PROTO_ICMP = 1;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;
    public static final int PROTO_ESP = 50;
    public static final int PROTO_AH = 51;
    public static final int PROTO_ICMPV6 = 58;
    public static final int PROTO_IPV6_NONXT = 59;

    static final int ETHERTYPE_IPV4 = EtherType.IPV4;
    static final int ETHERTYPE_IPV6 = EtherType.IPV6;

    /** A 4-byte MPLS label stack entry: label (20 bits), traffic class (3), bottom of stack (1), TTL (8). */
    private static final int MPLS_ENTRY_LENGTH = 4;
    private static final int MPLS_BOTTOM_OF_STACK_BYTE = 2;
    /** The control word before an Ethernet pseudowire's frame (RFC 4448). */
    private static final int MPLS_CONTROL_WORD_LENGTH = 4;
    /** version, type, session id, length. */
    private static final int PPPOE_HEADER_LENGTH = 6;
    private static final int PPP_ADDRESS_ALL_STATIONS = 0xFF;
    private static final int PPP_CONTROL_UNNUMBERED = 0x03;
    private static final int PPP_IPV4 = 0x21;
    private static final int PPP_IPV6 = 0x57;
    private static final int PPP_MPLS_UNICAST = 0x281;
    private static final int PPP_MPLS_MULTICAST = 0x283;
    private static final int LOOPBACK_HEADER_LENGTH = 4;
    /** family (1), version (1), resource id (2). */
    private static final int NFLOG_HEADER_LENGTH = 4;
    private static final int NFLOG_TLV_HEADER_LENGTH = 4;
    private static final int NFULA_PAYLOAD = 9;
    private static final int AF_INET = 2;
    private static final int AF_INET6_LINUX = 10;

    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    private final EthernetHeader ethernet = new EthernetHeader();
    private final VlanTag vlanTag = new VlanTag();
    private final LinuxSllHeader sll = new LinuxSllHeader();
    private final LinuxSll2Header sll2 = new LinuxSll2Header();
    private final Ipv4Header ipv4 = new Ipv4Header();
    private final Ipv6Header ipv6 = new Ipv6Header();
    private final TcpHeader tcp = new TcpHeader();
    private final UdpHeader udp = new UdpHeader();
    private final IcmpHeader icmp = new IcmpHeader();
    private final VxlanHeader vxlan = new VxlanHeader();
    private final GeneveHeader geneve = new GeneveHeader();

    /** A decoder with its own flyweights, for one thread. */
    public PacketDecoder() {
    }

    // ---------------------------------------------------------------- static API

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
        out.decoder().decodeFrame(linkType, buf, offset, length, Integer.MAX_VALUE, timeNanos, out);
    }

    /**
     * Decodes a frame of {@code capturedLength} bytes that was {@code originalLength} bytes on the wire.
     * When the two are equal, an IP header claiming more bytes than were captured makes the packet
     * malformed.
     */
    public static void decode(int linkType, DirectBuffer buf, int offset, int capturedLength, int originalLength,
                              long timeNanos, DecodedPacket out) {
        out.decoder().decodeFrame(linkType, buf, offset, capturedLength, originalLength, timeNanos, out);
    }

    // ---------------------------------------------------------------- instance API

    /** As the static {@link #decode(int, DirectBuffer, int, int, long, DecodedPacket)}, with this decoder's flyweights. */
    public void decodeFrame(int linkType, DirectBuffer buf, int offset, int length, long timeNanos,
                            DecodedPacket out) {
        decodeFrame(linkType, buf, offset, length, Integer.MAX_VALUE, timeNanos, out);
    }

    /** As the static {@link #decode(int, DirectBuffer, int, int, int, long, DecodedPacket)}, with this decoder's flyweights. */
    public void decodeFrame(int linkType, DirectBuffer buf, int offset, int capturedLength, int originalLength,
                            long timeNanos, DecodedPacket out) {
        if (!begin(buf, offset, capturedLength, timeNanos, out)) {
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

    /**
     * Opens a VXLAN datagram: {@code [offset, offset + length)} is the UDP payload, a VXLAN header then an
     * Ethernet frame, which is decoded into {@code out} as the packet (the inner packet is the one a
     * tunnel endpoint judges). The payload is taken as whole, as a socket delivers it.
     *
     * @return the VNI, or -1 when the VXLAN header is malformed ({@code out} is then MALFORMED with
     *         reason {@value #REASON_MALFORMED_VXLAN}); a valid header with a bad inner frame returns the
     *         VNI, with the inner frame's status in {@code out}
     */
    public int decodeVxlan(DirectBuffer buf, int offset, int length, long timeNanos, DecodedPacket out) {
        return decodeVxlan(buf, offset, length, length, timeNanos, out);
    }

    /**
     * As {@link #decodeVxlan(DirectBuffer, int, int, long, DecodedPacket)} for a payload of which only
     * {@code capturedLength} of {@code originalLength} bytes were captured (a snapped capture).
     */
    public int decodeVxlan(DirectBuffer buf, int offset, int capturedLength, int originalLength, long timeNanos,
                           DecodedPacket out) {
        if (!begin(buf, offset, capturedLength, timeNanos, out)) {
            return -1;
        }
        vxlan.wrap(buf, offset, capturedLength);
        if (!vxlan.valid()) {
            malformed(out, REASON_MALFORMED_VXLAN);
            return -1;
        }
        int vni = vxlan.vni();
        ethernet(buf, offset + VxlanHeader.LENGTH, offset + capturedLength, capturedLength < originalLength, out);
        return vni;
    }

    /**
     * Opens a GENEVE datagram: {@code [offset, offset + length)} is the UDP payload, a GENEVE header then
     * the payload its protocol type names: an Ethernet frame (0x6558, Transparent Ethernet Bridging) or
     * an IP packet (0x0800, 0x86DD), decoded into {@code out} as the packet. Other protocol types are
     * read as the same EtherType after an Ethernet header would be (so anything but IP is NOT_IP). The
     * payload is taken as whole, as a socket delivers it. Options and the O and C flags are not acted on.
     *
     * @return the VNI, or -1 when the GENEVE header is malformed ({@code out} is then MALFORMED with
     *         reason {@value #REASON_MALFORMED_GENEVE}); a valid header with a bad payload returns the
     *         VNI, with the payload's status in {@code out}
     */
    public int decodeGeneve(DirectBuffer buf, int offset, int length, long timeNanos, DecodedPacket out) {
        return decodeGeneve(buf, offset, length, length, timeNanos, out);
    }

    /**
     * As {@link #decodeGeneve(DirectBuffer, int, int, long, DecodedPacket)} for a payload of which only
     * {@code capturedLength} of {@code originalLength} bytes were captured (a snapped capture).
     */
    public int decodeGeneve(DirectBuffer buf, int offset, int capturedLength, int originalLength, long timeNanos,
                            DecodedPacket out) {
        if (!begin(buf, offset, capturedLength, timeNanos, out)) {
            return -1;
        }
        geneve.wrap(buf, offset, capturedLength);
        if (!geneve.valid()) {
            malformed(out, REASON_MALFORMED_GENEVE);
            return -1;
        }
        int vni = geneve.vni();
        int protocolType = geneve.protocolType();
        int p = offset + geneve.headerLength();
        int end = offset + capturedLength;
        boolean snapped = capturedLength < originalLength;
        if (protocolType == EtherType.TRANSPARENT_ETHERNET) {
            ethernet(buf, p, end, snapped, out);
        } else {
            etherPayload(buf, p, end, protocolType, snapped, out);
        }
        return vni;
    }

    /** Resets {@code out}; false (and MALFORMED) when the range is not inside the buffer. */
    private static boolean begin(DirectBuffer buf, int offset, int length, long timeNanos, DecodedPacket out) {
        out.reset();
        out.timeNanos = timeNanos;
        if (offset < 0 || length < 0 || (long) offset + length > buf.capacity()) {
            malformed(out);
            return false;
        }
        return true;
    }

    // ---------------------------------------------------------------- link layers

    private void ethernet(DirectBuffer buf, int p, int end, boolean snapped, DecodedPacket out) {
        EthernetHeader eth = ethernet.wrap(buf, p, end - p);
        if (!eth.valid()) {
            malformed(out); // the header or a VLAN tag cut short
            return;
        }
        // Below 0x0600 the type is an 802.3 length: LLC/SNAP frames (STP, CDP, ...), never IP in
        // practice. (After tags, etherTypePayload would say NOT_IP all the same.)
        int etherType = eth.innerEtherType();
        if (etherType < EtherType.MIN_TYPE) {
            notIp(out);
            return;
        }
        etherTypePayload(buf, p + eth.headerLength(), end, etherType, snapped, out);
    }

    /**
     * A payload named by an EtherType that may still be a VLAN tag (after a cooked header, or in a
     * tunnel): skips any number of tags, then hands on by the EtherType under them.
     */
    private void etherPayload(DirectBuffer buf, int p, int end, int etherType, boolean snapped, DecodedPacket out) {
        while (EtherType.isVlanTag(etherType)) {
            VlanTag tag = vlanTag.wrap(buf, p, end - p);
            if (!tag.valid()) {
                malformed(out);
                return;
            }
            etherType = tag.etherType();
            p += VlanTag.LENGTH;
        }
        etherTypePayload(buf, p, end, etherType, snapped, out);
    }

    /** The payload of an EtherType that is not a VLAN tag. */
    private void etherTypePayload(DirectBuffer buf, int p, int end, int etherType, boolean snapped,
                                  DecodedPacket out) {
        switch (etherType) {
            case EtherType.IPV4 -> ipv4(buf, p, end, snapped, out);
            case EtherType.IPV6 -> ipv6(buf, p, end, snapped, out);
            case EtherType.MPLS_UNICAST, EtherType.MPLS_MULTICAST -> mpls(buf, p, end, snapped, out);
            case EtherType.PPPOE_SESSION -> pppoeSession(buf, p, end, snapped, out);
            default -> notIp(out);
        }
    }

    /**
     * An MPLS label stack: labels are popped to the bottom of the stack, and the IP packet under it
     * is what is judged (a label switch path carries the same IP packet a VPC would see).
     */
    private void mpls(DirectBuffer buf, int p, int end, boolean snapped, DecodedPacket out) {
        while (true) {
            if (end - p < MPLS_ENTRY_LENGTH) {
                malformed(out);
                return;
            }
            boolean bottom = (u8(buf, p + MPLS_BOTTOM_OF_STACK_BYTE) & 0x01) != 0;
            p += MPLS_ENTRY_LENGTH;
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
            case 0 -> ethernet(buf, p + MPLS_CONTROL_WORD_LENGTH, end, snapped, out);
            default -> notIp(out);
        }
    }

    /** A PPPoE session frame (RFC 2516): a 6-byte header, then a PPP frame. */
    private void pppoeSession(DirectBuffer buf, int p, int end, boolean snapped, DecodedPacket out) {
        if (end - p < PPPOE_HEADER_LENGTH) {
            malformed(out);
            return;
        }
        ppp(buf, p + PPPOE_HEADER_LENGTH, end, snapped, out);
    }

    private void rawIp(DirectBuffer buf, int p, int end, boolean snapped, DecodedPacket out) {
        if (end - p < 1) {
            malformed(out);
            return;
        }
        switch (u8(buf, p) >>> 4) {
            case Ipv4Header.VERSION -> ipv4(buf, p, end, snapped, out);
            case Ipv6Header.VERSION -> ipv6(buf, p, end, snapped, out);
            default -> malformed(out);
        }
    }

    private void linuxSll(DirectBuffer buf, int p, int end, boolean snapped, DecodedPacket out) {
        LinuxSllHeader h = sll.wrap(buf, p, end - p);
        if (!h.valid()) {
            malformed(out);
            return;
        }
        cookedPayload(buf, p + LinuxSllHeader.LENGTH, end, h.arphrdType(), h.protocol(), snapped, out);
    }

    private void linuxSll2(DirectBuffer buf, int p, int end, boolean snapped, DecodedPacket out) {
        LinuxSll2Header h = sll2.wrap(buf, p, end - p);
        if (!h.valid()) {
            malformed(out);
            return;
        }
        cookedPayload(buf, p + LinuxSll2Header.LENGTH, end, h.arphrdType(), h.protocol(), snapped, out);
    }

    private void cookedPayload(DirectBuffer buf, int p, int end, int arpHardwareType, int protocol,
                               boolean snapped, DecodedPacket out) {
        // Netlink captures put a netlink family where the ethertype would be; protocol values below
        // 0x0600 are Linux's pseudo-types (802.3, 802.2, CAN ...): neither is IP.
        if (arpHardwareType == LinuxSllHeader.ARPHRD_NETLINK || protocol < EtherType.MIN_TYPE) {
            notIp(out);
            return;
        }
        etherPayload(buf, p, end, protocol, snapped, out);
    }

    private void loopback(DirectBuffer buf, int p, int end, boolean snapped, DecodedPacket out) {
        if (end - p < LOOPBACK_HEADER_LENGTH) {
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
            case AF_INET -> ipv4(buf, p + LOOPBACK_HEADER_LENGTH, end, snapped, out);
            case AF_INET6_LINUX, 24, 28, 30 -> ipv6(buf, p + LOOPBACK_HEADER_LENGTH, end, snapped, out);
            default -> notIp(out);
        }
    }

    /** AF_INET, and AF_INET6 as Linux (10), NetBSD/OpenBSD (24), FreeBSD (28) and Darwin (30) number it. */
    private static boolean isLoopbackFamily(int family) {
        return family == AF_INET || family == AF_INET6_LINUX || family == 24 || family == 28 || family == 30;
    }

    private void ppp(DirectBuffer buf, int p, int end, boolean snapped, DecodedPacket out) {
        if (end - p >= 1 && u8(buf, p) == PPP_ADDRESS_ALL_STATIONS) {
            // Address 0xFF of HDLC-like framing: control 0x03 must follow (0xFF is no protocol number).
            if (end - p < 2 || u8(buf, p + 1) != PPP_CONTROL_UNNUMBERED) {
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
            case PPP_IPV4 -> ipv4(buf, p, end, snapped, out);
            case PPP_IPV6 -> ipv6(buf, p, end, snapped, out);
            case PPP_MPLS_UNICAST, PPP_MPLS_MULTICAST -> mpls(buf, p, end, snapped, out);
            default -> notIp(out);
        }
    }

    private void nflog(DirectBuffer buf, int p, int end, boolean snapped, DecodedPacket out) {
        if (end - p < NFLOG_HEADER_LENGTH) {
            malformed(out);
            return;
        }
        int family = u8(buf, p);
        if (family != AF_INET && family != AF_INET6_LINUX) {
            notIp(out);
            return;
        }
        // Attributes: length and type in the capturing host's byte order (little-endian hosts in
        // practice; a length that does not fit is retried big-endian), values padded to 4 bytes.
        int q = p + NFLOG_HEADER_LENGTH;
        while (end - q >= NFLOG_TLV_HEADER_LENGTH) {
            ByteOrder order = ByteOrder.LITTLE_ENDIAN;
            int length = buf.getShort(q, order) & 0xFFFF;
            if (length < NFLOG_TLV_HEADER_LENGTH || length > end - q) {
                order = NET;
                length = buf.getShort(q, order) & 0xFFFF;
                if (length < NFLOG_TLV_HEADER_LENGTH || length > end - q) {
                    malformed(out);
                    return;
                }
            }
            int type = buf.getShort(q + 2, order) & 0x3FFF;
            if (type == NFULA_PAYLOAD) {
                int payloadEnd = q + length;
                if (family == AF_INET) {
                    ipv4(buf, q + NFLOG_TLV_HEADER_LENGTH, payloadEnd, snapped, out);
                } else {
                    ipv6(buf, q + NFLOG_TLV_HEADER_LENGTH, payloadEnd, snapped, out);
                }
                return;
            }
            q += (length + 3) & ~3;
        }
        malformed(out);
    }

    // ---------------------------------------------------------------- IP

    private void ipv4(DirectBuffer buf, int p, int end, boolean snapped, DecodedPacket out) {
        int captured = end - p;
        Ipv4Header ip = ipv4.wrap(buf, p, captured);
        if (!ip.hasFixedHeader()) {
            malformed(out);
            return;
        }
        int headerLength = ip.headerLength();
        int totalLength = ip.totalLength();
        int protocol = ip.protocol();
        out.ipVersion = 4;
        out.protocol = protocol;
        out.ipLength = totalLength;
        out.srcLo = ip.sourceAddress() & 0xFFFF_FFFFL;
        out.dstLo = ip.destinationAddress() & 0xFFFF_FFFFL;
        // Ipv4Header.valid(), from the fields already read, and the stated length against the capture.
        if (headerLength < Ipv4Header.MIN_LENGTH || headerLength > captured || totalLength < headerLength
                || (totalLength > captured && !snapped)) {
            malformed(out);
            return;
        }
        int fragmentField = ip.flagsAndFragmentOffset();
        if ((fragmentField & (Ipv4Header.FRAGMENT_OFFSET_MASK | Ipv4Header.FLAG_MORE_FRAGMENTS)) != 0) {
            out.fragmentId = ip.identification();
        }
        if ((fragmentField & Ipv4Header.FRAGMENT_OFFSET_MASK) != 0) {
            out.laterFragment = true; // no transport header in this fragment
            return;
        }
        out.firstFragment = (fragmentField & Ipv4Header.FLAG_MORE_FRAGMENTS) != 0;
        transport(buf, p + headerLength, p + Math.min(totalLength, captured), totalLength - headerLength,
                (fragmentField & Ipv4Header.FLAG_MORE_FRAGMENTS) != 0, protocol, out);
    }

    private void ipv6(DirectBuffer buf, int p, int end, boolean snapped, DecodedPacket out) {
        int captured = end - p;
        Ipv6Header ip = ipv6.wrap(buf, p, captured);
        if (!ip.valid()) {
            malformed(out);
            return;
        }
        int totalLength = ip.totalLength();
        out.ipVersion = 6;
        out.protocol = ip.nextHeader();
        out.ipLength = totalLength;
        out.srcHi = ip.sourceHi();
        out.srcLo = ip.sourceLo();
        out.dstHi = ip.destinationHi();
        out.dstLo = ip.destinationLo();
        if (totalLength > captured && !snapped) {
            malformed(out);
            return;
        }
        // Walk the extension headers to the transport protocol, inside both the packet and the capture.
        ip.startExtensionWalk(totalLength);
        while (ip.atExtensionHeader()) {
            if (!ip.nextExtensionHeader()) {
                malformed(out);
                return;
            }
            if (ip.walkFragmentOffset() > 0) {
                out.protocol = ip.walkNextHeader();
                out.laterFragment = true;
                out.fragmentId = ip.walkFragmentId();
                return;
            }
        }
        // Offset 0 with more to come: the first fragment. (Offset 0 without M is an "atomic fragment",
        // a whole datagram: RFC 6946.)
        if (ip.walkFragmentOffset() == 0 && ip.walkMoreFragments()) {
            out.firstFragment = true;
            out.fragmentId = ip.walkFragmentId();
        }
        // ESP (50) and no-next-header (59) end the walk like any transport protocol.
        int next = ip.walkNextHeader();
        int q = ip.walkOffset();
        out.protocol = next;
        transport(buf, p + q, p + Math.min(totalLength, captured), totalLength - q, ip.walkMoreFragments(), next, out);
    }

    // ---------------------------------------------------------------- transport

    /**
     * @param p      first byte of the transport header
     * @param limit  end of the bytes that are both captured and inside the IP packet
     * @param stated the transport length the IP header states
     * @param firstOfFragments the packet is the first fragment of several: the UDP length covers the
     *                         whole datagram, not this fragment
     */
    private void transport(DirectBuffer buf, int p, int limit, int stated, boolean firstOfFragments,
                           int protocol, DecodedPacket out) {
        // One small method per protocol, so that each stays small enough for the JIT to inline.
        switch (protocol) {
            case PROTO_TCP -> tcp(buf, p, limit - p, stated, out);
            case PROTO_UDP -> udp(buf, p, limit - p, stated, firstOfFragments, out);
            case PROTO_ICMP, PROTO_ICMPV6 -> icmp(buf, p, limit - p, protocol == PROTO_ICMPV6, out);
            default -> {
                // Other protocols: the addresses and the protocol number are all a rule looks at.
            }
        }
    }

    private void tcp(DirectBuffer buf, int p, int available, int stated, DecodedPacket out) {
        TcpHeader h = tcp.wrap(buf, p, available);
        if (h.has(TcpHeader.DESTINATION_PORT_OFFSET + 2)) {
            out.srcPort = h.sourcePort();
            out.dstPort = h.destinationPort();
        }
        if (h.has(TcpHeader.FLAGS_OFFSET + 1)) {
            out.tcpFlags = h.flags();
        }
        if (!h.has(TcpHeader.MIN_LENGTH)) {
            malformed(out);
            return;
        }
        // Options may lie beyond a snapped capture: the data offset is checked against the length the
        // IP header states, not against the captured bytes.
        int dataOffset = h.headerLength();
        if (dataOffset < TcpHeader.MIN_LENGTH || dataOffset > stated) {
            malformed(out);
        }
    }

    private void udp(DirectBuffer buf, int p, int available, int stated, boolean firstOfFragments,
                     DecodedPacket out) {
        UdpHeader h = udp.wrap(buf, p, available);
        if (h.has(UdpHeader.DESTINATION_PORT_OFFSET + 2)) {
            out.srcPort = h.sourcePort();
            out.dstPort = h.destinationPort();
        }
        if (!h.has(UdpHeader.LENGTH)) {
            malformed(out);
            return;
        }
        int datagramLength = h.datagramLength();
        if (datagramLength < UdpHeader.LENGTH || (datagramLength > stated && !firstOfFragments)) {
            malformed(out);
        }
    }

    private void icmp(DirectBuffer buf, int p, int available, boolean icmpv6, DecodedPacket out) {
        IcmpHeader h = icmp.wrap(buf, p, available);
        if (h.has(IcmpHeader.CODE_OFFSET + 1)) {
            out.icmpType = h.type();
            out.icmpCode = h.code();
        }
        if (!h.valid()) {
            malformed(out);
            return;
        }
        if (IcmpHeader.isEcho(icmpv6, out.icmpType)) {
            if (!h.hasEchoFields()) {
                malformed(out);
                return;
            }
            out.icmpId = h.echoIdentifier();
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
        malformed(out, REASON_MALFORMED);
    }

    private static void malformed(DecodedPacket out, String reason) {
        out.status = DecodedPacket.Status.MALFORMED;
        out.reason = reason;
    }

    private static void notIp(DecodedPacket out) {
        out.status = DecodedPacket.Status.NOT_IP;
        out.reason = REASON_NOT_IP;
    }
}
