package io.sgemu.dataplane.packet;

import org.agrona.DirectBuffer;

/**
 * A VXLAN header (RFC 7348), carried in UDP to port 4789, an Ethernet frame after it.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-----------------------------------------------+
 * |R|R|R|R|I|R|R|R|                   Reserved                    |  0
 * +-+-+-+-+-+-+-+-+-------------------------------+---------------+
 * |          VXLAN Network Identifier (VNI)       |   Reserved    |  4
 * +-----------------------------------------------+---------------+
 * </pre>
 *
 * The I flag must be set for the VNI to be valid; the other bits are reserved, sent as zero and ignored
 * on receipt (RFC 7348 section 5), so {@link #valid()} looks at the I flag only.
 */
public final class VxlanHeader extends HeaderFlyweight {

    public static final int FLAGS_OFFSET = 0;
    public static final int VNI_OFFSET = 4;
    public static final int LENGTH = 8;

    /** The I flag: the VNI is valid. */
    public static final int FLAG_VNI = 0x08;
    public static final int UDP_PORT = 4789;
    public static final int MAX_VNI = 0xFF_FFFF;

    public VxlanHeader wrap(DirectBuffer buffer, int offset, int length) {
        wrapBytes(buffer, offset, length);
        return this;
    }

    /** The 8 bytes are there and the I flag is set. */
    public boolean valid() {
        return length >= LENGTH && vniValid();
    }

    public int flags() {
        return u8(FLAGS_OFFSET);
    }

    /** The I flag. */
    public boolean vniValid() {
        return (flags() & FLAG_VNI) != 0;
    }

    /** The 24-bit VXLAN network identifier. */
    public int vni() {
        return i32(VNI_OFFSET) >>> 8;
    }

    /** Writes a whole header: the I flag, reserved bits zero, and {@code vni}. */
    public VxlanHeader encode(int vni) {
        put32(FLAGS_OFFSET, FLAG_VNI << 24);
        put32(VNI_OFFSET, (vni & MAX_VNI) << 8);
        return this;
    }

    public VxlanHeader flags(int value) {
        put8(FLAGS_OFFSET, value);
        return this;
    }

    /** Writes the VNI, leaving the reserved byte after it as it was. */
    public VxlanHeader vni(int value) {
        put32(VNI_OFFSET, ((value & MAX_VNI) << 8) | u8(VNI_OFFSET + 3));
        return this;
    }
}
