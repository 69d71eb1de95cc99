package io.sgemu.dataplane.packet;

import org.agrona.DirectBuffer;

/**
 * A UDP header (RFC 768).
 *
 * <pre>
 * +-------------------------------+-------------------------------+
 * |          Source Port          |        Destination Port       |  0
 * +-------------------------------+-------------------------------+
 * |             Length            |            Checksum           |  4
 * +-------------------------------+-------------------------------+
 * </pre>
 */
public final class UdpHeader extends HeaderFlyweight {

    public static final int SOURCE_PORT_OFFSET = 0;
    public static final int DESTINATION_PORT_OFFSET = 2;
    public static final int LENGTH_OFFSET = 4;
    public static final int CHECKSUM_OFFSET = 6;
    public static final int LENGTH = 8;

    public UdpHeader wrap(DirectBuffer buffer, int offset, int length) {
        wrapBytes(buffer, offset, length);
        return this;
    }

    /**
     * The header is there and its length field covers at least the header. (The datagram may run past
     * the available bytes in a snapped capture: see {@link #complete()}.)
     */
    public boolean valid() {
        return length >= LENGTH && datagramLength() >= LENGTH;
    }

    /** The whole datagram, as its length field states it, is within the available bytes. */
    public boolean complete() {
        return valid() && datagramLength() <= length;
    }

    public int sourcePort() {
        return u16(SOURCE_PORT_OFFSET);
    }

    public int destinationPort() {
        return u16(DESTINATION_PORT_OFFSET);
    }

    /** Header and data, as the length field states it. */
    public int datagramLength() {
        return u16(LENGTH_OFFSET);
    }

    /** 0 when the sender computed none (IPv4 only). */
    public int checksum() {
        return u16(CHECKSUM_OFFSET);
    }

    /** Where the data starts, as an index in the buffer. */
    public int payloadIndex() {
        return offset + LENGTH;
    }

    /** Bytes of data as the length field states them. */
    public int payloadLength() {
        return datagramLength() - LENGTH;
    }

    public UdpHeader sourcePort(int port) {
        put16(SOURCE_PORT_OFFSET, port);
        return this;
    }

    public UdpHeader destinationPort(int port) {
        put16(DESTINATION_PORT_OFFSET, port);
        return this;
    }

    public UdpHeader datagramLength(int bytes) {
        put16(LENGTH_OFFSET, bytes);
        return this;
    }

    public UdpHeader checksum(int value) {
        put16(CHECKSUM_OFFSET, value);
        return this;
    }
}
