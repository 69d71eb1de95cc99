package io.sgemu.dataplane.packet;

import org.agrona.DirectBuffer;

/**
 * The Linux "cooked" capture header, version 2 (LINKTYPE_LINUX_SLL2, 276): 20 bytes, the protocol
 * first, and an interface index that version 1 lacks.
 *
 * <pre>
 * +----------+----------+-----------------+-------------+----+----+--------------------------+
 * | protocol | reserved | interface index | ARPHRD type | pt | al | link-layer address (8)   |
 * +----------+----------+-----------------+-------------+----+----+--------------------------+
 * 0          2          4                 8             10   11   12                         20
 * </pre>
 */
public final class LinuxSll2Header extends HeaderFlyweight {

    public static final int PROTOCOL_OFFSET = 0;
    public static final int RESERVED_OFFSET = 2;
    public static final int INTERFACE_INDEX_OFFSET = 4;
    public static final int ARPHRD_TYPE_OFFSET = 8;
    public static final int PACKET_TYPE_OFFSET = 10;
    public static final int ADDRESS_LENGTH_OFFSET = 11;
    public static final int ADDRESS_OFFSET = 12;
    public static final int ADDRESS_FIELD_LENGTH = 8;
    public static final int LENGTH = 20;

    public LinuxSll2Header wrap(DirectBuffer buffer, int offset, int length) {
        wrapBytes(buffer, offset, length);
        return this;
    }

    /** The header is whole. */
    public boolean valid() {
        return length >= LENGTH;
    }

    public int protocol() {
        return u16(PROTOCOL_OFFSET);
    }

    public int interfaceIndex() {
        return i32(INTERFACE_INDEX_OFFSET);
    }

    public int arphrdType() {
        return u16(ARPHRD_TYPE_OFFSET);
    }

    /** 0 to us, 1 broadcast, 2 multicast, 3 to someone else, 4 sent by us. */
    public int packetType() {
        return u8(PACKET_TYPE_OFFSET);
    }

    public int addressLength() {
        return u8(ADDRESS_LENGTH_OFFSET);
    }

    /** The 8-byte address field, first byte most significant (a MAC fills its first 6 bytes). */
    public long addressField() {
        return i64(ADDRESS_OFFSET);
    }
}
