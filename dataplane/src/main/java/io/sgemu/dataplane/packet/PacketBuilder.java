package io.sgemu.dataplane.packet;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import io.sgemu.dataplane.net.IpAddress;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Makes frames for generators and tests: an IPv4 or IPv6 packet carrying TCP, UDP, ICMP/ICMPv6 or any
 * other protocol, optionally inside a link layer (Ethernet with VLAN tags, Linux cooked v1/v2, BSD
 * loopback). Lengths are consistent and the IPv4 header, TCP, UDP and ICMP checksums are correct, so
 * the frames read cleanly in any analyser. Payload bytes are zero.
 *
 * <pre>{@code
 * byte[] frame = PacketBuilder.ip(src, dst).tcp(40000, 443, PacketBuilder.SYN, 0).ethernet().vlan(0x8100, 10).build();
 * int linkType = builder.linkType();
 * }</pre>
 *
 * A tunnelled frame: {@code .vxlan(vni)} or {@code .geneve(vni, options)} makes the packet described so
 * far the inner one and carries it in an outer Ethernet/IP/UDP datagram to port 4789 or 6081 (outer
 * addresses from {@link #tunnelEndpoints}, 192.0.2.1 to 192.0.2.2 by default):
 * <pre>{@code
 * byte[] frame = PacketBuilder.ip("10.0.1.5", "10.0.2.6").tcp(40000, 443, PacketBuilder.SYN, 0).vxlan(7001).build();
 * }</pre>
 *
 * A builder is mutable and may be reused: change a field, build again. It allocates freely.
 */
public final class PacketBuilder {

    /** TCP flags, as {@link TcpHeader} defines them (repeated here for builder call sites). */
    public static final int FIN = TcpHeader.FIN;
    public static final int SYN = TcpHeader.SYN;
    public static final int RST = TcpHeader.RST;
    public static final int PSH = TcpHeader.PSH;
    public static final int ACK = TcpHeader.ACK;
    public static final int URG = TcpHeader.URG;

    private static final byte[] SRC_MAC = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
    private static final byte[] DST_MAC = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};

    private IpAddress src;
    private IpAddress dst;
    private int ttl = 64;
    private int identification = 1;
    private int tcpSequence = 1000;
    private int tcpAcknowledgement = 2000;
    private int fragmentOffset;
    private boolean moreFragments;
    private int ipv4OptionWords;
    private final List<Integer> ipv6Extensions = new ArrayList<>();

    private int protocol = PacketDecoder.PROTO_UDP;
    private int srcPort;
    private int dstPort;
    private int tcpFlags;
    private int icmpType;
    private int icmpCode;
    private int icmpId;
    private int payloadLength;

    private int linkType = LinkType.RAW;
    private final List<int[]> vlanTags = new ArrayList<>();
    private int loopbackFamily;
    private ByteOrder loopbackOrder = ByteOrder.LITTLE_ENDIAN;

    private static final int NO_TUNNEL = 0;
    private static final int VXLAN = 1;
    private static final int GENEVE = 2;
    private int tunnel = NO_TUNNEL;
    private int vni;
    private byte[] geneveOptions = new byte[0];
    private IpAddress tunnelSrc = IpAddress.parse("192.0.2.1");
    private IpAddress tunnelDst = IpAddress.parse("192.0.2.2");
    /** Bytes of the transport payload when not all zero (the outer datagram of a tunnel). */
    private byte[] payloadData;

    private PacketBuilder(IpAddress src, IpAddress dst) {
        if (src.family() != dst.family()) {
            throw new IllegalArgumentException("source " + src + " and destination " + dst + " differ in family");
        }
        this.src = src;
        this.dst = dst;
    }

    /** An IPv4 or IPv6 packet (by the addresses' family), UDP with zero ports until told otherwise. */
    public static PacketBuilder ip(IpAddress src, IpAddress dst) {
        return new PacketBuilder(src, dst);
    }

    /** As {@link #ip(IpAddress, IpAddress)} from address text. */
    public static PacketBuilder ip(String src, String dst) {
        return new PacketBuilder(IpAddress.parse(src), IpAddress.parse(dst));
    }

    // ---------------------------------------------------------------- network layer

    public PacketBuilder addresses(IpAddress newSrc, IpAddress newDst) {
        if (newSrc.family() != newDst.family()) {
            throw new IllegalArgumentException("source " + newSrc + " and destination " + newDst + " differ in family");
        }
        this.src = newSrc;
        this.dst = newDst;
        return this;
    }

    public PacketBuilder ttl(int value) {
        this.ttl = value;
        return this;
    }

    /** The IPv4 identification (and the IPv6 fragment header's identification). */
    public PacketBuilder identification(int value) {
        this.identification = value;
        return this;
    }

    /**
     * Makes the packet a fragment: {@code offsetUnits} is the fragment offset in 8-byte units (0 for the
     * first fragment). IPv6 gets a fragment header after any other extension headers.
     */
    public PacketBuilder fragment(int offsetUnits, boolean more) {
        this.fragmentOffset = offsetUnits;
        this.moreFragments = more;
        return this;
    }

    /** Adds {@code words} 4-byte words of IPv4 options (no-operation bytes, end-of-list at the end). */
    public PacketBuilder ipv4Options(int words) {
        this.ipv4OptionWords = words;
        return this;
    }

    /**
     * Appends an IPv6 extension header of the smallest size: hop-by-hop (0), routing (43), destination
     * options (60) or authentication (51). Use {@link #fragment} for a fragment header.
     */
    public PacketBuilder ipv6Extension(int type) {
        if (type != 0 && type != 43 && type != 60 && type != 51) {
            throw new IllegalArgumentException("not a walkable extension header: " + type);
        }
        ipv6Extensions.add(type);
        return this;
    }

    // ---------------------------------------------------------------- transport

    public PacketBuilder tcp(int sourcePort, int destinationPort, int flags, int payloadBytes) {
        this.protocol = PacketDecoder.PROTO_TCP;
        this.srcPort = sourcePort;
        this.dstPort = destinationPort;
        this.tcpFlags = flags;
        this.payloadLength = payloadBytes;
        return this;
    }

    /**
     * The TCP sequence and acknowledgement numbers (1000 and 2000 unless told); the acknowledgement is
     * written only when the ACK flag is set, 0 otherwise.
     */
    public PacketBuilder tcpSequence(long sequence, long acknowledgement) {
        this.tcpSequence = (int) sequence;
        this.tcpAcknowledgement = (int) acknowledgement;
        return this;
    }

    public PacketBuilder udp(int sourcePort, int destinationPort, int payloadBytes) {
        this.protocol = PacketDecoder.PROTO_UDP;
        this.srcPort = sourcePort;
        this.dstPort = destinationPort;
        this.payloadLength = payloadBytes;
        return this;
    }

    /**
     * An ICMP message (ICMPv6 on IPv6) of the given type and code; {@code id} fills the first two bytes
     * after the checksum (the echo identifier for echo messages).
     */
    public PacketBuilder icmp(int type, int code, int id) {
        this.protocol = isV6() ? PacketDecoder.PROTO_ICMPV6 : PacketDecoder.PROTO_ICMP;
        this.icmpType = type;
        this.icmpCode = code;
        this.icmpId = id;
        this.payloadLength = 0;
        return this;
    }

    /** An echo request ({@code request}) or reply with identifier {@code id}: ICMP 8/0 or ICMPv6 128/129. */
    public PacketBuilder icmpEcho(boolean request, int id) {
        int type = isV6() ? (request ? 128 : 129) : (request ? 8 : 0);
        return icmp(type, 0, id);
    }

    /** Any other protocol number, with {@code payloadBytes} bytes after the IP header(s). */
    public PacketBuilder protocol(int number, int payloadBytes) {
        this.protocol = number;
        this.payloadLength = payloadBytes;
        return this;
    }

    /** Bytes of data after the transport header. */
    public PacketBuilder payload(int bytes) {
        this.payloadLength = bytes;
        return this;
    }

    // ---------------------------------------------------------------- link layer

    /** No link layer, the frame is the IP packet (link type RAW). */
    public PacketBuilder raw() {
        return link(LinkType.RAW);
    }

    /** No link layer, under the family-specific link type IPV4 (228) or IPV6 (229). */
    public PacketBuilder rawFamily() {
        return link(isV6() ? LinkType.IPV6 : LinkType.IPV4);
    }

    public PacketBuilder ethernet() {
        return link(LinkType.ETHERNET);
    }

    /** Adds a VLAN tag (outermost first) and makes the frame Ethernet. TPID 0x8100, 0x88a8 or 0x9100. */
    public PacketBuilder vlan(int tpid, int vlanId) {
        vlanTags.add(new int[] {tpid, vlanId});
        this.linkType = LinkType.ETHERNET;
        return this;
    }

    public PacketBuilder linuxSll() {
        return link(LinkType.LINUX_SLL);
    }

    public PacketBuilder linuxSll2() {
        return link(LinkType.LINUX_SLL2);
    }

    /**
     * BSD loopback (NULL, or LOOP when {@code loop}) with the given address family value (2 for IPv4; 10,
     * 24, 28 or 30 for IPv6) written in {@code order}.
     */
    public PacketBuilder loopback(boolean loop, int family, ByteOrder order) {
        this.loopbackFamily = family;
        this.loopbackOrder = order;
        return link(loop ? LinkType.LOOP : LinkType.NULL);
    }

    /**
     * Chooses the link layer by link type, with defaults (no VLAN tag; loopback family 2 or 30 in
     * little-endian order). RAW_LEGACY_12/14, IPV4/IPV6, PPP and NFLOG are accepted too.
     */
    public PacketBuilder link(int type) {
        this.linkType = type;
        if (type != LinkType.ETHERNET) {
            vlanTags.clear();
        }
        if ((type == LinkType.NULL || type == LinkType.LOOP) && loopbackFamily == 0) {
            loopbackFamily = isV6() ? 30 : 2;
        }
        return this;
    }

    /** The frame's link type: Ethernet for a tunnelled frame (the outer frame's). */
    public int linkType() {
        return tunnel == NO_TUNNEL ? linkType : LinkType.ETHERNET;
    }

    // ---------------------------------------------------------------- tunnels

    /**
     * Carries the packet, as an Ethernet frame (with any VLAN tags given), in VXLAN with network
     * identifier {@code vni}: outer Ethernet, IP (of {@link #tunnelEndpoints}), UDP to port 4789.
     */
    public PacketBuilder vxlan(int vni) {
        checkVni(vni);
        if (linkType != LinkType.ETHERNET) {
            link(LinkType.ETHERNET);
        }
        this.tunnel = VXLAN;
        this.vni = vni;
        return this;
    }

    /**
     * Carries the packet in GENEVE with network identifier {@code vni} and the encoded {@code options}
     * (see {@link #geneveOption}; a multiple of 4 bytes): outer Ethernet, IP, UDP to port 6081. The
     * inner packet is an Ethernet frame (protocol type 0x6558) when the link layer chosen so far is
     * Ethernet, else the IP packet itself (0x0800 or 0x86DD).
     */
    public PacketBuilder geneve(int vni, byte[] options) {
        checkVni(vni);
        if (options.length % 4 != 0 || options.length > GeneveHeader.MAX_OPTIONS_LENGTH) {
            throw new IllegalArgumentException("GENEVE options must be a multiple of 4 bytes up to "
                    + GeneveHeader.MAX_OPTIONS_LENGTH + ": " + options.length);
        }
        this.tunnel = GENEVE;
        this.vni = vni;
        this.geneveOptions = options.clone();
        return this;
    }

    /** One encoded GENEVE option; {@code type} includes the critical bit (0x80); data a multiple of 4 bytes. */
    public static byte[] geneveOption(int optionClass, int type, byte[] data) {
        byte[] option = new byte[GeneveHeader.OPTION_HEADER_LENGTH + data.length];
        UnsafeBuffer b = new UnsafeBuffer(option);
        // putOption takes offsets from a header's start: a view wrapped at the option itself writes it there.
        new GeneveHeader().wrap(b, 0, option.length).putOption(0, optionClass, type, data.length);
        b.putBytes(GeneveHeader.OPTION_HEADER_LENGTH, data);
        return option;
    }

    /** The outer source and destination of a tunnelled frame (both IPv4 or both IPv6). */
    public PacketBuilder tunnelEndpoints(IpAddress outerSrc, IpAddress outerDst) {
        if (outerSrc.family() != outerDst.family()) {
            throw new IllegalArgumentException("tunnel source " + outerSrc + " and destination " + outerDst
                    + " differ in family");
        }
        this.tunnelSrc = outerSrc;
        this.tunnelDst = outerDst;
        return this;
    }

    private static void checkVni(int vni) {
        if (vni < 0 || vni > VxlanHeader.MAX_VNI) {
            throw new IllegalArgumentException("a VNI has 24 bits: " + vni);
        }
    }

    // ---------------------------------------------------------------- build

    /** The frame, with its link layer (the outer frame when tunnelled). */
    public byte[] build() {
        return switch (tunnel) {
            case VXLAN -> encapsulate(VxlanHeader.UDP_PORT, vxlanHeader(), innerEthernetForVxlan());
            case GENEVE -> linkType == LinkType.ETHERNET
                    ? encapsulate(GeneveHeader.UDP_PORT, geneveHeader(EtherType.TRANSPARENT_ETHERNET), buildFrame())
                    : encapsulate(GeneveHeader.UDP_PORT, geneveHeader(etherType()), innerIpForGeneve());
            default -> buildFrame();
        };
    }

    private byte[] innerEthernetForVxlan() {
        if (linkType != LinkType.ETHERNET) {
            throw new IllegalStateException("VXLAN carries Ethernet frames, not link type " + LinkType.name(linkType));
        }
        return buildFrame();
    }

    private byte[] innerIpForGeneve() {
        if (linkType != LinkType.RAW) {
            throw new IllegalStateException("GENEVE carries Ethernet or raw IP, not link type " + LinkType.name(linkType));
        }
        return buildIp();
    }

    private byte[] vxlanHeader() {
        byte[] header = new byte[VxlanHeader.LENGTH];
        new VxlanHeader().wrap(new UnsafeBuffer(header), 0, header.length).encode(vni);
        return header;
    }

    private byte[] geneveHeader(int protocolType) {
        byte[] header = new byte[GeneveHeader.LENGTH + geneveOptions.length];
        UnsafeBuffer b = new UnsafeBuffer(header);
        new GeneveHeader().wrap(b, 0, header.length).encode(vni, protocolType, geneveOptions.length);
        b.putBytes(GeneveHeader.LENGTH, geneveOptions);
        return header;
    }

    /** The outer Ethernet/IP/UDP frame around a tunnel header and its payload. */
    private byte[] encapsulate(int port, byte[] tunnelHeader, byte[] inner) {
        byte[] data = new byte[tunnelHeader.length + inner.length];
        System.arraycopy(tunnelHeader, 0, data, 0, tunnelHeader.length);
        System.arraycopy(inner, 0, data, tunnelHeader.length, inner.length);
        // RFC 7348 and RFC 8926 ask for a source port that varies with the inner flow (for ECMP).
        int sourcePort = 49152 | ((srcPort * 31 + dstPort + protocol) & 0x3FFF);
        PacketBuilder outer = PacketBuilder.ip(tunnelSrc, tunnelDst).ttl(ttl).udp(sourcePort, port, 0).ethernet();
        outer.payloadData = data;
        outer.payloadLength = data.length;
        return outer.build();
    }

    private byte[] buildFrame() {
        byte[] ip = buildIp();
        ByteBuffer b;
        switch (linkType) {
            case LinkType.RAW, LinkType.RAW_LEGACY_12, LinkType.RAW_LEGACY_14, LinkType.IPV4, LinkType.IPV6 -> {
                return ip;
            }
            case LinkType.ETHERNET -> {
                b = allocate(14 + 4 * vlanTags.size() + ip.length);
                b.put(DST_MAC).put(SRC_MAC);
                for (int[] tag : vlanTags) {
                    b.putShort((short) tag[0]).putShort((short) (tag[1] & 0x0FFF));
                }
                b.putShort((short) etherType());
            }
            case LinkType.LINUX_SLL -> {
                b = allocate(16 + ip.length);
                b.putShort((short) 0).putShort((short) 1).putShort((short) 6).put(SRC_MAC).putShort((short) 0)
                        .putShort((short) etherType());
            }
            case LinkType.LINUX_SLL2 -> {
                b = allocate(20 + ip.length);
                b.putShort((short) etherType()).putShort((short) 0).putInt(2).putShort((short) 1)
                        .put((byte) 0).put((byte) 6).put(SRC_MAC).putShort((short) 0);
            }
            case LinkType.NULL, LinkType.LOOP -> {
                b = allocate(4 + ip.length);
                b.order(loopbackOrder).putInt(loopbackFamily).order(ByteOrder.BIG_ENDIAN);
            }
            case LinkType.PPP, LinkType.PPP_HDLC -> {
                b = allocate(4 + ip.length);
                b.put((byte) 0xFF).put((byte) 0x03).putShort((short) (isV6() ? 0x57 : 0x21));
            }
            case LinkType.NFLOG -> {
                int padded = (ip.length + 3) & ~3;
                b = allocate(4 + 4 + padded);
                b.put((byte) (isV6() ? 10 : 2)).put((byte) 0).putShort((short) 0);
                b.order(ByteOrder.LITTLE_ENDIAN).putShort((short) (4 + ip.length)).putShort((short) 9)
                        .order(ByteOrder.BIG_ENDIAN);
                b.put(ip).put(new byte[padded - ip.length]);
                return b.array();
            }
            default -> throw new IllegalStateException("no builder for link type " + linkType);
        }
        b.put(ip);
        return b.array();
    }

    /** The IP packet alone. */
    public byte[] buildIp() {
        byte[] l4 = transportBytes();
        return isV6() ? ipv6Packet(l4) : ipv4Packet(l4);
    }

    private int etherType() {
        return isV6() ? PacketDecoder.ETHERTYPE_IPV6 : PacketDecoder.ETHERTYPE_IPV4;
    }

    private boolean isV6() {
        return !src.isV4();
    }

    private byte[] transportBytes() {
        ByteBuffer b;
        switch (protocol) {
            case PacketDecoder.PROTO_TCP -> {
                b = allocate(20 + payloadLength);
                b.putShort((short) srcPort).putShort((short) dstPort).putInt(tcpSequence)
                        .putInt((tcpFlags & ACK) != 0 ? tcpAcknowledgement : 0)
                        .put((byte) (5 << 4)).put((byte) tcpFlags).putShort((short) 65535)
                        .putShort((short) 0).putShort((short) 0);
            }
            case PacketDecoder.PROTO_UDP -> {
                b = allocate(8 + payloadLength);
                b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) (8 + payloadLength))
                        .putShort((short) 0);
                if (payloadData != null) {
                    b.put(payloadData);
                }
            }
            case PacketDecoder.PROTO_ICMP, PacketDecoder.PROTO_ICMPV6 -> {
                b = allocate(8 + payloadLength);
                b.put((byte) icmpType).put((byte) icmpCode).putShort((short) 0).putShort((short) icmpId)
                        .putShort((short) 1);
            }
            default -> b = allocate(payloadLength);
        }
        byte[] l4 = b.array();
        int checksumAt = switch (protocol) {
            case PacketDecoder.PROTO_TCP -> 16;
            case PacketDecoder.PROTO_UDP -> 6;
            case PacketDecoder.PROTO_ICMP, PacketDecoder.PROTO_ICMPV6 -> 2;
            default -> -1;
        };
        if (checksumAt >= 0) {
            // ICMP (v4) has no pseudo-header; TCP, UDP and ICMPv6 do.
            long sum = protocol == PacketDecoder.PROTO_ICMP ? 0 : pseudoHeaderSum(l4.length);
            int checksum = finish(sum + onesSum(l4, 0, l4.length));
            if (protocol == PacketDecoder.PROTO_UDP && checksum == 0) {
                checksum = 0xFFFF; // 0 means "no checksum" in UDP
            }
            l4[checksumAt] = (byte) (checksum >>> 8);
            l4[checksumAt + 1] = (byte) checksum;
        }
        return l4;
    }

    private byte[] ipv4Packet(byte[] l4) {
        int headerLength = 20 + 4 * ipv4OptionWords;
        ByteBuffer b = allocate(headerLength + l4.length);
        int fragmentField = (moreFragments ? 0x2000 : 0) | (fragmentOffset & 0x1FFF);
        b.put((byte) (0x40 | (headerLength / 4))).put((byte) 0).putShort((short) (headerLength + l4.length))
                .putShort((short) identification).putShort((short) fragmentField)
                .put((byte) ttl).put((byte) protocol).putShort((short) 0)
                .putInt(src.v4Bits()).putInt(dst.v4Bits());
        for (int i = 0; i < 4 * ipv4OptionWords; i++) {
            b.put(i == 4 * ipv4OptionWords - 1 ? (byte) 0 : (byte) 1); // NOPs, then end of option list
        }
        b.put(l4);
        byte[] packet = b.array();
        int checksum = finish(onesSum(packet, 0, headerLength));
        packet[10] = (byte) (checksum >>> 8);
        packet[11] = (byte) checksum;
        return packet;
    }

    private byte[] ipv6Packet(byte[] l4) {
        boolean fragmented = fragmentOffset != 0 || moreFragments;
        int extensionBytes = 8 * ipv6Extensions.size() + (fragmented ? 8 : 0);
        ByteBuffer b = allocate(40 + extensionBytes + l4.length);
        int first = ipv6Extensions.isEmpty() ? (fragmented ? 44 : protocol) : ipv6Extensions.get(0);
        b.putInt(0x6000_0000).putShort((short) (extensionBytes + l4.length)).put((byte) first).put((byte) ttl)
                .putLong(src.hi()).putLong(src.lo()).putLong(dst.hi()).putLong(dst.lo());
        for (int i = 0; i < ipv6Extensions.size(); i++) {
            int type = ipv6Extensions.get(i);
            int next = i + 1 < ipv6Extensions.size() ? ipv6Extensions.get(i + 1) : (fragmented ? 44 : protocol);
            // 8 bytes each: hop-by-hop, routing and destination options say length 0 (8 bytes, less 8);
            // AH says 0 too, in 4-byte units less 2, which is 8 bytes.
            b.put((byte) next).put((byte) 0);
            if (type == 0 || type == 60) {
                b.put((byte) 1).put((byte) 4).putInt(0); // one PadN option filling the header
            } else {
                b.putShort((short) 0).putInt(0);
            }
        }
        if (fragmented) {
            b.put((byte) protocol).put((byte) 0).putShort((short) ((fragmentOffset << 3) | (moreFragments ? 1 : 0)))
                    .putInt(identification);
        }
        b.put(l4);
        return b.array();
    }

    private long pseudoHeaderSum(int l4Length) {
        long sum = 0;
        if (isV6()) {
            sum += words(src.hi()) + words(src.lo()) + words(dst.hi()) + words(dst.lo());
            sum += (l4Length >>> 16) + (l4Length & 0xFFFF) + protocol;
        } else {
            sum += words(src.v4Bits() & 0xFFFF_FFFFL) + words(dst.v4Bits() & 0xFFFF_FFFFL);
            sum += protocol + l4Length;
        }
        return sum;
    }

    private static long words(long v) {
        return (v >>> 48) + ((v >>> 32) & 0xFFFF) + ((v >>> 16) & 0xFFFF) + (v & 0xFFFF);
    }

    private static long onesSum(byte[] bytes, int from, int to) {
        long sum = 0;
        for (int i = from; i < to; i += 2) {
            int hi = bytes[i] & 0xFF;
            int lo = i + 1 < to ? bytes[i + 1] & 0xFF : 0;
            sum += (hi << 8) | lo;
        }
        return sum;
    }

    private static int finish(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    private static ByteBuffer allocate(int length) {
        return ByteBuffer.allocate(length).order(ByteOrder.BIG_ENDIAN);
    }
}
