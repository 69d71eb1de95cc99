package io.sgemu.dataplane.packet;

import org.agrona.DirectBuffer;

/**
 * An ICMP (RFC 792) or ICMPv6 (RFC 4443) header: both start with type, code and checksum, and their
 * echo messages carry an identifier and a sequence number next.
 *
 * <pre>
 * +---------------+---------------+-------------------------------+
 * |      Type     |      Code     |            Checksum           |  0
 * +---------------+---------------+-------------------------------+
 * |   Identifier (echo messages)  |   Sequence (echo messages)    |  4
 * +-------------------------------+-------------------------------+
 * </pre>
 */
public final class IcmpHeader extends HeaderFlyweight {

    public static final int TYPE_OFFSET = 0;
    public static final int CODE_OFFSET = 1;
    public static final int CHECKSUM_OFFSET = 2;
    public static final int IDENTIFIER_OFFSET = 4;
    public static final int SEQUENCE_OFFSET = 6;
    /** Type, code and checksum. */
    public static final int MIN_LENGTH = 4;
    /** An echo message's header, identifier and sequence number included. */
    public static final int ECHO_LENGTH = 8;

    public static final int ECHO_REPLY = 0;
    public static final int ECHO_REQUEST = 8;
    public static final int V6_ECHO_REQUEST = 128;
    public static final int V6_ECHO_REPLY = 129;

    public IcmpHeader wrap(DirectBuffer buffer, int offset, int length) {
        wrapBytes(buffer, offset, length);
        return this;
    }

    /** Type, code and checksum are there. */
    public boolean valid() {
        return length >= MIN_LENGTH;
    }

    /** The identifier and sequence number are there too. */
    public boolean hasEchoFields() {
        return length >= ECHO_LENGTH;
    }

    public int type() {
        return u8(TYPE_OFFSET);
    }

    public int code() {
        return u8(CODE_OFFSET);
    }

    public int checksum() {
        return u16(CHECKSUM_OFFSET);
    }

    /** An echo request or reply: ICMP 8/0, or ICMPv6 128/129 when {@code icmpv6}. */
    public boolean isEcho(boolean icmpv6) {
        return isEcho(icmpv6, type());
    }

    /** As {@link #isEcho(boolean)} for a type already read. */
    public static boolean isEcho(boolean icmpv6, int type) {
        return icmpv6 ? type == V6_ECHO_REQUEST || type == V6_ECHO_REPLY : type == ECHO_REQUEST || type == ECHO_REPLY;
    }

    /** The echo identifier; needs {@link #hasEchoFields()}. */
    public int echoIdentifier() {
        return u16(IDENTIFIER_OFFSET);
    }

    /** The echo sequence number; needs {@link #hasEchoFields()}. */
    public int echoSequence() {
        return u16(SEQUENCE_OFFSET);
    }
}
