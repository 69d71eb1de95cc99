package io.sgemu.dataplane.packet;

import org.agrona.DirectBuffer;

/**
 * A GENEVE header (RFC 8926), carried in UDP to port 6081, with its variable-length options.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---+-----------+-+-+-----------+-------------------------------+
 * |Ver|  Opt Len  |O|C|    Rsvd.  |          Protocol Type        |  0
 * +---+-----------+-+-+-----------+---------------+---------------+
 * |        Virtual Network Identifier (VNI)       |    Reserved   |  4
 * +-----------------------------------------------+---------------+
 * |                    Variable-Length Options                    |  8
 * +---------------------------------------------------------------+
 *
 * each option:
 * +-------------------------------+---------------+-----+---------+
 * |          Option Class         |C|    Type     |R|R|R| Length  |
 * +-------------------------------+---------------+-----+---------+
 * |            Variable-Length Option Data (Length * 4 bytes)     |
 * +---------------------------------------------------------------+
 * </pre>
 *
 * Options are walked by their offsets from the header's start (valid only once {@link #valid()}):
 * <pre>{@code
 * for (int at = geneve.firstOption(); at >= 0; at = geneve.nextOption(at)) {
 *     int optionClass = geneve.optionClass(at);
 *     ...
 * }
 * }</pre>
 * The O (control packet) and C (critical options present) flags are reported, not acted on: what a
 * tunnel endpoint does with them is the endpoint's decision (RFC 8926 sections 3.4 and 3.5).
 */
public final class GeneveHeader extends HeaderFlyweight {

    public static final int VERSION_OPTIONS_LENGTH_OFFSET = 0;
    public static final int FLAGS_OFFSET = 1;
    public static final int PROTOCOL_TYPE_OFFSET = 2;
    public static final int VNI_OFFSET = 4;
    /** The fixed header, without options. */
    public static final int LENGTH = 8;

    public static final int OPTION_CLASS_OFFSET = 0;
    public static final int OPTION_TYPE_OFFSET = 2;
    public static final int OPTION_LENGTH_OFFSET = 3;
    public static final int OPTION_HEADER_LENGTH = 4;

    public static final int VERSION = 0;
    public static final int FLAG_OAM = 0x80;
    public static final int FLAG_CRITICAL = 0x40;
    /** The critical bit of an option's type. */
    public static final int OPTION_TYPE_CRITICAL = 0x80;
    /** The options area is at most 63 words. */
    public static final int MAX_OPTIONS_LENGTH = 63 * 4;
    /** An option's data is at most 31 words. */
    public static final int MAX_OPTION_DATA_LENGTH = 31 * 4;
    public static final int UDP_PORT = 6081;
    public static final int MAX_VNI = 0xFF_FFFF;

    public GeneveHeader wrap(DirectBuffer buffer, int offset, int length) {
        wrapBytes(buffer, offset, length);
        return this;
    }

    /**
     * The fixed header is there with version 0, the options area is within the available bytes, and
     * the options exactly fill it (none cut short or running past its end).
     */
    public boolean valid() {
        return length >= LENGTH && version() == VERSION && headerLength() <= length && optionsFillTheirArea();
    }

    private boolean optionsFillTheirArea() {
        int end = headerLength();
        int at = LENGTH;
        while (at < end) {
            if (end - at < OPTION_HEADER_LENGTH) {
                return false;
            }
            at += optionLength(at);
        }
        return at == end;
    }

    public int version() {
        return u8(VERSION_OPTIONS_LENGTH_OFFSET) >>> 6;
    }

    /** Bytes of options (the Opt Len field is in 4-byte words). */
    public int optionsLength() {
        return (u8(VERSION_OPTIONS_LENGTH_OFFSET) & 0x3F) * 4;
    }

    /** The fixed header and the options: where the payload starts, from the header's start. */
    public int headerLength() {
        return LENGTH + optionsLength();
    }

    public int flags() {
        return u8(FLAGS_OFFSET);
    }

    /** The O flag: a control message, not a data packet. */
    public boolean oam() {
        return (flags() & FLAG_OAM) != 0;
    }

    /** The C flag: at least one option is critical. */
    public boolean criticalOptionsPresent() {
        return (flags() & FLAG_CRITICAL) != 0;
    }

    /** The EtherType of the payload: 0x6558 for an Ethernet frame, 0x0800 / 0x86DD for IP. */
    public int protocolType() {
        return u16(PROTOCOL_TYPE_OFFSET);
    }

    /** The 24-bit virtual network identifier. */
    public int vni() {
        return i32(VNI_OFFSET) >>> 8;
    }

    // ---------------------------------------------------------------- options

    /** The first option's offset from the header's start, -1 when there are none. */
    public int firstOption() {
        return optionsLength() > 0 ? LENGTH : -1;
    }

    /** The offset of the option after the one at {@code at}, -1 when that was the last. */
    public int nextOption(int at) {
        int next = at + optionLength(at);
        return next < headerLength() ? next : -1;
    }

    public int optionClass(int at) {
        return u16(at + OPTION_CLASS_OFFSET);
    }

    /** The option's type, its critical bit included (the high bit). */
    public int optionType(int at) {
        return u8(at + OPTION_TYPE_OFFSET);
    }

    public boolean optionCritical(int at) {
        return (optionType(at) & OPTION_TYPE_CRITICAL) != 0;
    }

    /** Bytes of the option's data (its Length field is in 4-byte words). */
    public int optionDataLength(int at) {
        return (u8(at + OPTION_LENGTH_OFFSET) & 0x1F) * 4;
    }

    /** Bytes of the option, its 4-byte header included. */
    public int optionLength(int at) {
        return OPTION_HEADER_LENGTH + optionDataLength(at);
    }

    /** Where the option's data starts, from the header's start. */
    public int optionDataOffset(int at) {
        return at + OPTION_HEADER_LENGTH;
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes the fixed header: version 0, {@code optionsLength} bytes of options to follow (a multiple
     * of 4, at most {@link #MAX_OPTIONS_LENGTH}), no flags, the payload's protocol type and the VNI.
     */
    public GeneveHeader encode(int vni, int protocolType, int optionsLength) {
        if (optionsLength < 0 || optionsLength > MAX_OPTIONS_LENGTH || (optionsLength & 3) != 0) {
            throw new IllegalArgumentException("GENEVE options length must be a multiple of 4 up to "
                    + MAX_OPTIONS_LENGTH + ": " + optionsLength);
        }
        put8(VERSION_OPTIONS_LENGTH_OFFSET, (VERSION << 6) | (optionsLength / 4));
        put8(FLAGS_OFFSET, 0);
        put16(PROTOCOL_TYPE_OFFSET, protocolType);
        put32(VNI_OFFSET, (vni & MAX_VNI) << 8);
        return this;
    }

    public GeneveHeader flags(int value) {
        put8(FLAGS_OFFSET, value);
        return this;
    }

    public GeneveHeader protocolType(int type) {
        put16(PROTOCOL_TYPE_OFFSET, type);
        return this;
    }

    /** Writes the VNI, leaving the reserved byte after it as it was. */
    public GeneveHeader vni(int value) {
        put32(VNI_OFFSET, ((value & MAX_VNI) << 8) | u8(VNI_OFFSET + 3));
        return this;
    }

    /**
     * Writes an option's 4-byte header at {@code at} (from the header's start) for {@code dataLength}
     * bytes of data (a multiple of 4, at most {@link #MAX_OPTION_DATA_LENGTH}), which the caller writes
     * at {@link #optionDataOffset(int)}. Returns the offset after the option.
     */
    public int putOption(int at, int optionClass, int type, int dataLength) {
        if (dataLength < 0 || dataLength > MAX_OPTION_DATA_LENGTH || (dataLength & 3) != 0) {
            throw new IllegalArgumentException("GENEVE option data length must be a multiple of 4 up to "
                    + MAX_OPTION_DATA_LENGTH + ": " + dataLength);
        }
        put16(at + OPTION_CLASS_OFFSET, optionClass);
        put8(at + OPTION_TYPE_OFFSET, type);
        put8(at + OPTION_LENGTH_OFFSET, dataLength / 4);
        return at + OPTION_HEADER_LENGTH + dataLength;
    }
}
