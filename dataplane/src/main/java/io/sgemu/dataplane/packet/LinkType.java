package io.sgemu.dataplane.packet;

/**
 * Link-layer header types of pcap and pcapng files (the tcpdump.org LINKTYPE_ registry), as far as the
 * emulator reads them. A capture's link type says what the first byte of each frame is.
 */
public final class LinkType {

    /** BSD loopback: a 4-byte address family in the capturing host's byte order. */
    public static final int NULL = 0;
    /** Ethernet II (and 802.3), with any number of 802.1Q / 802.1ad tags. */
    public static final int ETHERNET = 1;
    /** PPP: optional address/control bytes 0xFF 0x03, then a 1- or 2-byte protocol number. */
    public static final int PPP = 9;
    /** Raw IP as some systems numbered it before LINKTYPE_RAW (DLT_RAW values 12 and 14). */
    public static final int RAW_LEGACY_12 = 12;
    /** Raw IP as some systems numbered it before LINKTYPE_RAW. */
    public static final int RAW_LEGACY_14 = 14;
    /** PPP in HDLC-like framing (address 0xFF, control 0x03, 2-byte protocol). */
    public static final int PPP_HDLC = 50;
    /** Raw IP: the frame starts with an IPv4 or IPv6 header, told apart by its version nibble. */
    public static final int RAW = 101;
    /** OpenBSD loopback: like NULL, but the family is in network byte order. */
    public static final int LOOP = 108;
    /** Linux "cooked" capture, version 1 (16-byte header, protocol at offset 14). */
    public static final int LINUX_SLL = 113;
    /** Raw IPv4 only. */
    public static final int IPV4 = 228;
    /** Raw IPv6 only. */
    public static final int IPV6 = 229;
    /** Linux netfilter log: a 4-byte header then type-length-value attributes, one of which is the packet. */
    public static final int NFLOG = 239;
    /** Linux "cooked" capture, version 2 (20-byte header, protocol at offset 0). */
    public static final int LINUX_SLL2 = 276;

    private LinkType() {
    }

    /** A short name for messages and reports ("ETHERNET", "LINUX_SLL2", "LINKTYPE_147" for others). */
    public static String name(int linkType) {
        return switch (linkType) {
            case NULL -> "NULL";
            case ETHERNET -> "ETHERNET";
            case PPP -> "PPP";
            case RAW_LEGACY_12, RAW_LEGACY_14, RAW -> "RAW";
            case PPP_HDLC -> "PPP_HDLC";
            case LOOP -> "LOOP";
            case LINUX_SLL -> "LINUX_SLL";
            case IPV4 -> "IPV4";
            case IPV6 -> "IPV6";
            case NFLOG -> "NFLOG";
            case LINUX_SLL2 -> "LINUX_SLL2";
            default -> "LINKTYPE_" + linkType;
        };
    }

    /** True when {@link PacketDecoder} reads frames of this link type. */
    public static boolean isSupported(int linkType) {
        return switch (linkType) {
            case NULL, ETHERNET, PPP, RAW_LEGACY_12, RAW_LEGACY_14, PPP_HDLC, RAW, LOOP, LINUX_SLL, IPV4, IPV6,
                 NFLOG, LINUX_SLL2 -> true;
            default -> false;
        };
    }
}
