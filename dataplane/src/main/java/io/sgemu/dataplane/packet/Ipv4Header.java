package io.sgemu.dataplane.packet;

import org.agrona.DirectBuffer;

/**
 * An IPv4 header (RFC 791), options included in {@link #headerLength()}.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------+-------+---------------+-------------------------------+
 * |Version|  IHL  |      TOS      |          Total Length         |  0
 * +-------+-------+---------------+-----+-------------------------+
 * |         Identification        |Flags|     Fragment Offset     |  4
 * +---------------+---------------+-----+-------------------------+
 * |      TTL      |    Protocol   |        Header Checksum        |  8
 * +---------------+---------------+-------------------------------+
 * |                        Source Address                         | 12
 * +---------------------------------------------------------------+
 * |                      Destination Address                      | 16
 * +---------------------------------------------------------------+
 * </pre>
 *
 * The total length is not checked against the available bytes by {@link #valid()}: a capture may
 * be snapped short, and only the caller knows whether it was.
 */
public final class Ipv4Header extends HeaderFlyweight {

    public static final int VERSION_IHL_OFFSET = 0;
    public static final int TOS_OFFSET = 1;
    public static final int TOTAL_LENGTH_OFFSET = 2;
    public static final int IDENTIFICATION_OFFSET = 4;
    public static final int FLAGS_FRAGMENT_OFFSET = 6;
    public static final int TTL_OFFSET = 8;
    public static final int PROTOCOL_OFFSET = 9;
    public static final int CHECKSUM_OFFSET = 10;
    public static final int SOURCE_OFFSET = 12;
    public static final int DESTINATION_OFFSET = 16;
    /** The header without options. */
    public static final int MIN_LENGTH = 20;

    public static final int VERSION = 4;
    public static final int FLAG_DONT_FRAGMENT = 0x4000;
    public static final int FLAG_MORE_FRAGMENTS = 0x2000;
    public static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    public Ipv4Header wrap(DirectBuffer buffer, int offset, int length) {
        wrapBytes(buffer, offset, length);
        return this;
    }

    /** The 20 fixed bytes are there and say version 4: every getter may be read. */
    public boolean hasFixedHeader() {
        return length >= MIN_LENGTH && version() == VERSION;
    }

    /**
     * The fixed header is there, the IHL is at least 5 and its options are within the available bytes,
     * and the total length covers at least the header.
     */
    public boolean valid() {
        if (!hasFixedHeader()) {
            return false;
        }
        int headerLength = headerLength();
        return headerLength >= MIN_LENGTH && headerLength <= length && totalLength() >= headerLength;
    }

    /** The version nibble; needs one byte. */
    public int version() {
        return u8(VERSION_IHL_OFFSET) >>> 4;
    }

    /** The internet header length in 4-byte words. */
    public int ihl() {
        return u8(VERSION_IHL_OFFSET) & 0x0F;
    }

    /** The header length in bytes (IHL * 4), options included. */
    public int headerLength() {
        return ihl() * 4;
    }

    /** Type of service: DSCP (6 bits) and ECN (2 bits). */
    public int tos() {
        return u8(TOS_OFFSET);
    }

    /** The packet's length, header included, as the header states it. */
    public int totalLength() {
        return u16(TOTAL_LENGTH_OFFSET);
    }

    public int identification() {
        return u16(IDENTIFICATION_OFFSET);
    }

    /** The flags (3 bits) and fragment offset (13 bits) as one 16-bit field. */
    public int flagsAndFragmentOffset() {
        return u16(FLAGS_FRAGMENT_OFFSET);
    }

    public boolean dontFragment() {
        return (flagsAndFragmentOffset() & FLAG_DONT_FRAGMENT) != 0;
    }

    public boolean moreFragments() {
        return (flagsAndFragmentOffset() & FLAG_MORE_FRAGMENTS) != 0;
    }

    /** The fragment offset in 8-byte units. */
    public int fragmentOffset() {
        return flagsAndFragmentOffset() & FRAGMENT_OFFSET_MASK;
    }

    /** A fragment other than the first: it carries no transport header. */
    public boolean laterFragment() {
        return fragmentOffset() != 0;
    }

    public int ttl() {
        return u8(TTL_OFFSET);
    }

    public int protocol() {
        return u8(PROTOCOL_OFFSET);
    }

    public int checksum() {
        return u16(CHECKSUM_OFFSET);
    }

    /** The source address, most significant byte first (as {@code IpAddress.v4} takes it). */
    public int sourceAddress() {
        return i32(SOURCE_OFFSET);
    }

    /** The destination address, most significant byte first. */
    public int destinationAddress() {
        return i32(DESTINATION_OFFSET);
    }
}
