package io.sgemu.dataplane.packet;

import org.agrona.DirectBuffer;

/**
 * An IPv6 header (RFC 8200) and a walker over its extension headers.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------+---------------+---------------------------------------+
 * |Version| Traffic Class |              Flow Label               |  0
 * +-------+---------------+-------+---------------+---------------+
 * |         Payload Length        |  Next Header  |   Hop Limit   |  4
 * +-------------------------------+---------------+---------------+
 * |                    Source Address (16 bytes)                  |  8
 * +---------------------------------------------------------------+
 * |                 Destination Address (16 bytes)                | 24
 * +---------------------------------------------------------------+
 * </pre>
 *
 * <h2>Extension header walk</h2>
 * The walk steps over hop-by-hop options (0), routing (43), fragment (44), authentication (51) and
 * destination options (60) headers, which are all the headers that come before the transport header in
 * practice. Each step moves at least 8 bytes on, so a walk ends within the packet:
 * <pre>{@code
 * ip6.startExtensionWalk(limit);
 * while (ip6.atExtensionHeader()) {
 *     if (!ip6.nextExtensionHeader()) { ... cut short ... }
 * }
 * int protocol = ip6.walkNextHeader();       // the upper-layer protocol
 * int transportAt = ip6.walkOffset();        // where its header starts, from the IPv6 header's start
 * }</pre>
 * The walk keeps the last fragment header's offset and M flag; ESP (50) and no-next-header (59) end it
 * like any upper-layer protocol.
 */
public final class Ipv6Header extends HeaderFlyweight {

    public static final int VERSION_CLASS_FLOW_OFFSET = 0;
    public static final int PAYLOAD_LENGTH_OFFSET = 4;
    public static final int NEXT_HEADER_OFFSET = 6;
    public static final int HOP_LIMIT_OFFSET = 7;
    public static final int SOURCE_OFFSET = 8;
    public static final int DESTINATION_OFFSET = 24;
    public static final int LENGTH = 40;

    public static final int VERSION = 6;

    public static final int HOP_BY_HOP = 0;
    public static final int ROUTING = 43;
    public static final int FRAGMENT = 44;
    public static final int AUTHENTICATION = 51;
    public static final int DESTINATION_OPTIONS = 60;

    /** In every extension header: the next header's type. */
    public static final int EXTENSION_NEXT_HEADER_OFFSET = 0;
    /** In hop-by-hop, routing and destination options headers: length in 8-byte units, less one; in AH, in 4-byte units, less two. */
    public static final int EXTENSION_LENGTH_OFFSET = 1;
    /** In a fragment header: offset (13 bits, 8-byte units), 2 reserved bits, M flag. */
    public static final int FRAGMENT_FIELD_OFFSET = 2;
    public static final int FRAGMENT_IDENTIFICATION_OFFSET = 4;
    public static final int FRAGMENT_HEADER_LENGTH = 8;

    private int walkLimit;
    private int walkAt = LENGTH;
    private int walkNext = -1;
    private int walkFragmentOffset = -1;
    private boolean walkMoreFragments;
    private long walkFragmentId = -1;

    public Ipv6Header wrap(DirectBuffer buffer, int offset, int length) {
        wrapBytes(buffer, offset, length);
        walkNext = -1; // no walk until startExtensionWalk
        return this;
    }

    /**
     * The 40 fixed bytes are there and say version 6. (The payload length is not checked against the
     * available bytes: a capture may be snapped short.)
     */
    public boolean valid() {
        return length >= LENGTH && version() == VERSION;
    }

    public int version() {
        return u8(VERSION_CLASS_FLOW_OFFSET) >>> 4;
    }

    public int trafficClass() {
        return (i32(VERSION_CLASS_FLOW_OFFSET) >>> 20) & 0xFF;
    }

    public int flowLabel() {
        return i32(VERSION_CLASS_FLOW_OFFSET) & 0xF_FFFF;
    }

    /** Bytes after the fixed header, extension headers included, as the header states it. */
    public int payloadLength() {
        return u16(PAYLOAD_LENGTH_OFFSET);
    }

    /** The packet's stated length: the fixed header plus the payload length. */
    public int totalLength() {
        return LENGTH + payloadLength();
    }

    /** The type of the first header after the fixed one (an extension header or the transport). */
    public int nextHeader() {
        return u8(NEXT_HEADER_OFFSET);
    }

    public int hopLimit() {
        return u8(HOP_LIMIT_OFFSET);
    }

    /** The source address's first 8 bytes, first byte most significant (as {@code IpAddress.v6} takes them). */
    public long sourceHi() {
        return i64(SOURCE_OFFSET);
    }

    public long sourceLo() {
        return i64(SOURCE_OFFSET + 8);
    }

    public long destinationHi() {
        return i64(DESTINATION_OFFSET);
    }

    public long destinationLo() {
        return i64(DESTINATION_OFFSET + 8);
    }

    // ---------------------------------------------------------------- extension header walk

    /** True for the extension header types the walk steps over. */
    public static boolean isExtensionHeader(int type) {
        return type == HOP_BY_HOP || type == ROUTING || type == FRAGMENT || type == AUTHENTICATION
                || type == DESTINATION_OPTIONS;
    }

    /**
     * Starts a walk at the end of the fixed header (which must be {@link #valid()}). The walk reads
     * nothing at or past {@code limit} bytes from the header's start, nor past the available bytes: pass
     * the stated length to keep it inside the packet.
     */
    public void startExtensionWalk(int limit) {
        walkLimit = Math.min(limit, length);
        walkAt = LENGTH;
        walkNext = nextHeader();
        walkFragmentOffset = -1;
        walkMoreFragments = false;
        walkFragmentId = -1;
    }

    /** The header under the walk's cursor is an extension header (the walk is not done). */
    public boolean atExtensionHeader() {
        return isExtensionHeader(walkNext);
    }

    /**
     * Steps over the extension header under the cursor. Returns false, and does not move, when that
     * header is cut short (by the limit) or is not an extension header.
     */
    public boolean nextExtensionHeader() {
        int room = walkLimit - walkAt;
        int headerLength;
        switch (walkNext) {
            case HOP_BY_HOP, ROUTING, DESTINATION_OPTIONS -> {
                if (room < 2) {
                    return false;
                }
                headerLength = (u8(walkAt + EXTENSION_LENGTH_OFFSET) + 1) * 8;
            }
            case FRAGMENT -> {
                if (room < FRAGMENT_HEADER_LENGTH) {
                    return false;
                }
                headerLength = FRAGMENT_HEADER_LENGTH;
                int field = u16(walkAt + FRAGMENT_FIELD_OFFSET);
                walkFragmentOffset = field >>> 3;
                walkMoreFragments = (field & 1) != 0;
                walkFragmentId = u32(walkAt + FRAGMENT_IDENTIFICATION_OFFSET);
            }
            case AUTHENTICATION -> {
                if (room < 2) {
                    return false;
                }
                headerLength = (u8(walkAt + EXTENSION_LENGTH_OFFSET) + 2) * 4;
            }
            default -> {
                return false;
            }
        }
        if (headerLength > room) {
            return false;
        }
        walkNext = u8(walkAt + EXTENSION_NEXT_HEADER_OFFSET);
        walkAt += headerLength;
        return true;
    }

    /** The type of the header under the cursor: once the walk is done, the upper-layer protocol. */
    public int walkNextHeader() {
        return walkNext;
    }

    /** Where the header under the cursor starts, in bytes from the IPv6 header's start. */
    public int walkOffset() {
        return walkAt;
    }

    /** The last fragment header's offset (8-byte units), -1 when the walk met none. */
    public int walkFragmentOffset() {
        return walkFragmentOffset;
    }

    /** The last fragment header's identification (32 bits, unsigned), -1 when the walk met none. */
    public long walkFragmentId() {
        return walkFragmentId;
    }

    /** The last fragment header's M flag: more fragments follow. */
    public boolean walkMoreFragments() {
        return walkMoreFragments;
    }
}
