package io.sgemu.dataplane.packet;

import org.agrona.DirectBuffer;

/**
 * The Linux "cooked" capture header, version 1 (LINKTYPE_LINUX_SLL, 113): 16 bytes, the protocol
 * (an EtherType, or one of Linux's pseudo-types below 0x0600) last.
 *
 * <pre>
 * +-------------+-------------+-------------+---------------------------+-------------+
 * | packet type | ARPHRD type | addr length | link-layer address (8)    | protocol    |
 * +-------------+-------------+-------------+---------------------------+-------------+
 * 0             2             4             6                           14            16
 * </pre>
 */
public final class LinuxSllHeader extends HeaderFlyweight {

    public static final int PACKET_TYPE_OFFSET = 0;
    public static final int ARPHRD_TYPE_OFFSET = 2;
    public static final int ADDRESS_LENGTH_OFFSET = 4;
    public static final int ADDRESS_OFFSET = 6;
    /** The address field's size; the address itself is {@link #addressLength()} bytes of it. */
    public static final int ADDRESS_FIELD_LENGTH = 8;
    public static final int PROTOCOL_OFFSET = 14;
    public static final int LENGTH = 16;

    /** ARPHRD_NETLINK: the protocol field holds a netlink family, not an EtherType. */
    public static final int ARPHRD_NETLINK = 824;

    public LinuxSllHeader wrap(DirectBuffer buffer, int offset, int length) {
        wrapBytes(buffer, offset, length);
        return this;
    }

    /** The header is whole. */
    public boolean valid() {
        return length >= LENGTH;
    }

    /** 0 to us, 1 broadcast, 2 multicast, 3 to someone else, 4 sent by us. */
    public int packetType() {
        return u16(PACKET_TYPE_OFFSET);
    }

    public int arphrdType() {
        return u16(ARPHRD_TYPE_OFFSET);
    }

    public int addressLength() {
        return u16(ADDRESS_LENGTH_OFFSET);
    }

    /** The 8-byte address field, first byte most significant (a MAC fills its first 6 bytes). */
    public long addressField() {
        return i64(ADDRESS_OFFSET);
    }

    public int protocol() {
        return u16(PROTOCOL_OFFSET);
    }
}
