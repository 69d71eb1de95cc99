package io.sgemu.control.load;

import io.sgemu.dataplane.packet.EtherType;
import io.sgemu.dataplane.packet.GeneveHeader;
import io.sgemu.dataplane.packet.VxlanHeader;

import java.nio.ByteBuffer;

/**
 * How an IP packet travels in a UDP datagram to the emulator, and how one coming back is opened.
 * <ul>
 *   <li>{@code udp}: the datagram's payload is the IP packet;</li>
 *   <li>{@code vxlan}: an 8-byte VXLAN header (I flag, VNI) and an Ethernet frame carrying the packet;</li>
 *   <li>{@code geneve}: an 8-byte GENEVE header without options whose protocol type is the packet's
 *       EtherType (0x0800 or 0x86DD: the IP packet itself, as a gateway load balancer sends it).</li>
 * </ul>
 * The inner Ethernet header of VXLAN has fixed, locally administered addresses ({@link #DST_MAC},
 * {@link #SRC_MAC}): the emulator judges the IP packet, not the link layer. Opening a returned datagram accepts
 * what the emulator may send: VXLAN with or without one VLAN tag, GENEVE with options and either an IP payload
 * or an Ethernet frame (0x6558).
 */
public enum Encapsulation {
    UDP("udp"), VXLAN("vxlan"), GENEVE("geneve");

    static final byte[] DST_MAC = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
    static final byte[] SRC_MAC = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
    private static final int ETHERNET_HEADER = 14;
    private static final int VLAN_TAG = 4;
    private static final int TPID_8021Q = 0x8100;

    private final String scheme;

    Encapsulation(String scheme) {
        this.scheme = scheme;
    }

    /** The URI scheme and option value: udp, vxlan, geneve. */
    public String scheme() {
        return scheme;
    }

    public static Encapsulation ofScheme(String s) {
        for (Encapsulation e : values()) {
            if (e.scheme.equals(s)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown encapsulation '" + s + "': udp, vxlan or geneve");
    }

    /** Bytes before the IP packet when sending. */
    public int headerLength() {
        return switch (this) {
            case UDP -> 0;
            case VXLAN -> VxlanHeader.LENGTH + ETHERNET_HEADER;
            case GENEVE -> GeneveHeader.LENGTH;
        };
    }

    /** The datagram payload that carries {@code ip} ({@code vni} for VXLAN and GENEVE, 24 bits). */
    public byte[] encode(byte[] ip, int vni) {
        byte[] out = new byte[headerLength() + ip.length];
        ByteBuffer b = ByteBuffer.wrap(out);
        int etherType = (ip.length > 0 && (ip[0] & 0xF0) == 0x60) ? EtherType.IPV6 : EtherType.IPV4;
        switch (this) {
            case UDP -> {
            }
            case VXLAN -> {
                b.put((byte) VxlanHeader.FLAG_VNI).put((byte) 0).put((byte) 0).put((byte) 0);
                b.putInt(vni << 8);
                b.put(DST_MAC).put(SRC_MAC).putShort((short) etherType);
            }
            case GENEVE -> {
                b.put((byte) 0).put((byte) 0).putShort((short) etherType); // version 0, no options, no flags
                b.putInt(vni << 8);
            }
        }
        b.put(ip);
        return out;
    }

    /**
     * Where the IP packet starts in a received datagram payload {@code [0, length)} of {@code b} (absolute reads),
     * or -1 when the datagram is not of this encapsulation or carries no IP packet.
     */
    public int innerIpOffset(ByteBuffer b, int length) {
        int p;
        switch (this) {
            case UDP -> p = 0;
            case VXLAN -> {
                if (length < VxlanHeader.LENGTH + ETHERNET_HEADER || (b.get(0) & VxlanHeader.FLAG_VNI) == 0) {
                    return -1;
                }
                p = ethernetPayload(b, VxlanHeader.LENGTH, length);
            }
            case GENEVE -> {
                if (length < GeneveHeader.LENGTH || (b.get(0) & 0xC0) != 0) {
                    return -1;
                }
                int start = GeneveHeader.LENGTH + (b.get(0) & 0x3F) * 4;
                int protocol = b.getShort(2) & 0xFFFF;
                if (protocol == EtherType.TRANSPARENT_ETHERNET) {
                    p = ethernetPayload(b, start, length);
                } else if (protocol == EtherType.IPV4 || protocol == EtherType.IPV6) {
                    p = start;
                } else {
                    return -1;
                }
            }
            default -> throw new IllegalStateException(name());
        }
        if (p < 0 || p >= length) {
            return -1;
        }
        int version = (b.get(p) & 0xF0) >> 4;
        return version == 4 || version == 6 ? p : -1;
    }

    private static int ethernetPayload(ByteBuffer b, int frame, int length) {
        if (frame + ETHERNET_HEADER > length) {
            return -1;
        }
        int etherType = b.getShort(frame + 12) & 0xFFFF;
        int p = frame + ETHERNET_HEADER;
        if (etherType == TPID_8021Q) {
            if (p + VLAN_TAG > length) {
                return -1;
            }
            etherType = b.getShort(p + 2) & 0xFFFF;
            p += VLAN_TAG;
        }
        return etherType == EtherType.IPV4 || etherType == EtherType.IPV6 ? p : -1;
    }
}
