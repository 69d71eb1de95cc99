package io.sgemu.dataplane.packet;

import org.agrona.DirectBuffer;

/**
 * A TCP header (RFC 9293), options included in {@link #headerLength()}.
 *
 * <pre>
 * +---------------+---------------+-------------------------------+
 * |          Source Port          |        Destination Port       |  0
 * +-------------------------------+-------------------------------+
 * |                        Sequence Number                        |  4
 * +---------------------------------------------------------------+
 * |                     Acknowledgment Number                     |  8
 * +-------+-------+---------------+-------------------------------+
 * |  DOff |  Rsv  |     Flags     |             Window            | 12
 * +-------+-------+---------------+-------------------------------+
 * |            Checksum           |         Urgent Pointer        | 16
 * +-------------------------------+-------------------------------+
 * </pre>
 */
public final class TcpHeader extends HeaderFlyweight {

    public static final int SOURCE_PORT_OFFSET = 0;
    public static final int DESTINATION_PORT_OFFSET = 2;
    public static final int SEQUENCE_OFFSET = 4;
    public static final int ACKNOWLEDGMENT_OFFSET = 8;
    public static final int DATA_OFFSET_OFFSET = 12;
    public static final int FLAGS_OFFSET = 13;
    public static final int WINDOW_OFFSET = 14;
    public static final int CHECKSUM_OFFSET = 16;
    public static final int URGENT_POINTER_OFFSET = 18;
    /** The header without options. */
    public static final int MIN_LENGTH = 20;

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    public TcpHeader wrap(DirectBuffer buffer, int offset, int length) {
        wrapBytes(buffer, offset, length);
        return this;
    }

    /** The fixed 20 bytes are there, and the data offset is at least 5 words and within the available bytes. */
    public boolean valid() {
        if (length < MIN_LENGTH) {
            return false;
        }
        int headerLength = headerLength();
        return headerLength >= MIN_LENGTH && headerLength <= length;
    }

    public int sourcePort() {
        return u16(SOURCE_PORT_OFFSET);
    }

    public int destinationPort() {
        return u16(DESTINATION_PORT_OFFSET);
    }

    public long sequenceNumber() {
        return u32(SEQUENCE_OFFSET);
    }

    public long acknowledgmentNumber() {
        return u32(ACKNOWLEDGMENT_OFFSET);
    }

    /** The header length in bytes (data offset * 4), options included. */
    public int headerLength() {
        return (u8(DATA_OFFSET_OFFSET) >>> 4) * 4;
    }

    /** The flags byte: CWR ECE URG ACK PSH RST SYN FIN, FIN the lowest bit. */
    public int flags() {
        return u8(FLAGS_OFFSET);
    }

    public int window() {
        return u16(WINDOW_OFFSET);
    }

    public int checksum() {
        return u16(CHECKSUM_OFFSET);
    }

    public int urgentPointer() {
        return u16(URGENT_POINTER_OFFSET);
    }
}
