package io.sgemu.dataplane.packet;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A view of one protocol header in place in a buffer, in the manner of Agrona's and Aeron's flyweights:
 * {@code wrap} points it at bytes, getters read fields at named offsets, nothing is copied and nothing is
 * allocated. One instance is reused for every packet.
 *
 * <p>The wrapped {@code length} is the number of bytes the view may read, from {@code offset}: the
 * captured bytes left in the frame, not the length a header states. {@code valid()} (in each subclass)
 * says whether the header is whole and self-consistent within those bytes; it never throws and never
 * reads past {@code offset + length}. The field getters do not check: read a field only once
 * {@code valid()} (or a length check against the field's offset) says its bytes are there. A range
 * that does not fit in the buffer wraps as zero bytes, so {@code valid()} is false for it.
 *
 * <p>Multi-byte fields are in network byte order. Setters write through the buffer, which must then be
 * a {@link MutableDirectBuffer} (an {@code UnsafeBuffer}, for instance).
 */
public abstract sealed class HeaderFlyweight
        permits EthernetHeader, VlanTag, LinuxSllHeader, LinuxSll2Header, Ipv4Header, Ipv6Header, TcpHeader,
        UdpHeader, IcmpHeader, VxlanHeader, GeneveHeader {

    static final ByteOrder NETWORK_ORDER = ByteOrder.BIG_ENDIAN;

    /** The wrapped buffer; null until the first wrap. */
    protected DirectBuffer buffer;
    /** Index in {@link #buffer} of the header's first byte. */
    protected int offset;
    /** Bytes the view may read from {@link #offset}. */
    protected int length;

    /** Points the view at {@code length} bytes of {@code buffer} from {@code offset}. */
    protected final void wrapBytes(DirectBuffer buffer, int offset, int length) {
        this.buffer = buffer;
        if (offset < 0 || length < 0 || (long) offset + length > buffer.capacity()) {
            // Out of the buffer: an empty view, which no subclass takes as valid.
            this.offset = 0;
            this.length = 0;
        } else {
            this.offset = offset;
            this.length = length;
        }
    }

    public final DirectBuffer buffer() {
        return buffer;
    }

    /** Index in the buffer of the header's first byte. */
    public final int offset() {
        return offset;
    }

    /** Bytes available to the view from {@link #offset()} (captured bytes, not a stated length). */
    public final int length() {
        return length;
    }

    /** True when at least {@code bytes} bytes are available from the header's first byte. */
    public final boolean has(int bytes) {
        return length >= bytes;
    }

    protected final int u8(int at) {
        return buffer.getByte(offset + at) & 0xFF;
    }

    protected final int u16(int at) {
        return buffer.getShort(offset + at, NETWORK_ORDER) & 0xFFFF;
    }

    protected final int i32(int at) {
        return buffer.getInt(offset + at, NETWORK_ORDER);
    }

    protected final long u32(int at) {
        return buffer.getInt(offset + at, NETWORK_ORDER) & 0xFFFF_FFFFL;
    }

    protected final long i64(int at) {
        return buffer.getLong(offset + at, NETWORK_ORDER);
    }

    /** A 48-bit MAC address at {@code at}, in the low bits of a long. */
    protected final long mac(int at) {
        return ((long) u16(at) << 32) | u32(at + 2);
    }

    protected final MutableDirectBuffer mutable() {
        return (MutableDirectBuffer) buffer;
    }

    protected final void put8(int at, int value) {
        mutable().putByte(offset + at, (byte) value);
    }

    protected final void put16(int at, int value) {
        mutable().putShort(offset + at, (short) value, NETWORK_ORDER);
    }

    protected final void put32(int at, int value) {
        mutable().putInt(offset + at, value, NETWORK_ORDER);
    }

    protected final void putMac(int at, long mac) {
        put16(at, (int) (mac >>> 32));
        put32(at + 2, (int) mac);
    }
}
