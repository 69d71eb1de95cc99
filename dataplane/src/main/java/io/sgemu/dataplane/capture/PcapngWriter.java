package io.sgemu.dataplane.capture;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a pcapng file: a Section Header Block, Interface Description Blocks (link type, snap length,
 * {@code if_tsresol}, {@code if_tsoffset}) and Enhanced Packet Blocks.
 *
 * <p>Usual use: {@code addInterface(LinkType.ETHERNET)} then {@code writePacket(0, time, frame)}. For
 * building test files the writer can also start further sections ({@link #newSection(ByteOrder)}, which
 * resets interface numbering as the format says), write Simple Packet Blocks, obsolete Packet Blocks
 * and arbitrary blocks that readers must skip.
 *
 * <p>Output is buffered: {@link #flush()} or {@link #close()} before reading what was written.
 */
public final class PcapngWriter implements Closeable {

    /** {@code if_tsresol} for microseconds (10^-6 s), the format's default. */
    public static final int TSRESOL_MICROS = 6;
    /** {@code if_tsresol} for nanoseconds (10^-9 s). */
    public static final int TSRESOL_NANOS = 9;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final OutputStream out;
    private ByteOrder order;
    private ByteBuffer block = ByteBuffer.allocate(4096);
    private int interfaceCount;
    private int[] resolutions = new int[4];
    private long[] offsets = new long[4];

    /** Little-endian section. */
    public PcapngWriter(OutputStream out) throws IOException {
        this(out, ByteOrder.LITTLE_ENDIAN);
    }

    /** Writes the first Section Header Block at once, in {@code order}. */
    public PcapngWriter(OutputStream out, ByteOrder order) throws IOException {
        this.out = out instanceof BufferedOutputStream ? out : new BufferedOutputStream(out, 1 << 16);
        newSection(order);
    }

    /** Creates (or replaces) {@code file} with a little-endian section. */
    public static PcapngWriter create(Path file) throws IOException {
        return new PcapngWriter(Files.newOutputStream(file));
    }

    /** Starts a new section in {@code order}; interfaces declared before no longer exist. */
    public void newSection(ByteOrder sectionOrder) throws IOException {
        this.order = sectionOrder;
        interfaceCount = 0;
        begin(PcapngReader.SHB, 16);
        block.putInt(PcapngReader.BYTE_ORDER_MAGIC).putShort((short) 1).putShort((short) 0).putLong(-1L);
        end();
    }

    /** Declares an interface with microsecond timestamps and no snap length; answers its id. */
    public int addInterface(int linkType) throws IOException {
        return addInterface(linkType, 0, TSRESOL_MICROS, 0);
    }

    /**
     * Declares an interface; answers its id (0, 1, ... within the section).
     *
     * @param snapLength       0 for none
     * @param tsresol          the {@code if_tsresol} byte: {@code n} for 10^-n s (0..18), {@code 0x80 | n}
     *                         for 2^-n s (n 0..63)
     * @param tsOffsetSeconds  the {@code if_tsoffset}: seconds the reader adds to every timestamp
     */
    public int addInterface(int linkType, int snapLength, int tsresol, long tsOffsetSeconds) throws IOException {
        int exponent = tsresol & 0x7F;
        if ((tsresol & ~0xFF) != 0 || ((tsresol & 0x80) != 0 ? exponent > 63 : exponent > 18)) {
            throw new IllegalArgumentException("if_tsresol 0x" + Integer.toHexString(tsresol) + " out of range");
        }
        boolean resolOption = tsresol != TSRESOL_MICROS;
        boolean offsetOption = tsOffsetSeconds != 0;
        int options = (resolOption ? 8 : 0) + (offsetOption ? 12 : 0) + (resolOption || offsetOption ? 4 : 0);
        begin(1, 8 + options);
        block.putShort((short) linkType).putShort((short) 0).putInt(snapLength);
        if (resolOption) {
            block.putShort((short) PcapngReader.IF_TSRESOL).putShort((short) 1).put((byte) tsresol)
                    .put(new byte[3]);
        }
        if (offsetOption) {
            block.putShort((short) PcapngReader.IF_TSOFFSET).putShort((short) 8).putLong(tsOffsetSeconds);
        }
        if (resolOption || offsetOption) {
            block.putInt(0); // opt_endofopt
        }
        end();
        if (interfaceCount == resolutions.length) {
            resolutions = java.util.Arrays.copyOf(resolutions, interfaceCount * 2);
            offsets = java.util.Arrays.copyOf(offsets, interfaceCount * 2);
        }
        resolutions[interfaceCount] = tsresol;
        offsets[interfaceCount] = tsOffsetSeconds;
        return interfaceCount++;
    }

    /** Writes a whole frame as an Enhanced Packet Block. */
    public void writePacket(int interfaceId, long timeNanos, byte[] frame) throws IOException {
        writePacket(interfaceId, timeNanos, frame, 0, frame.length, frame.length);
    }

    /** Writes {@code capturedLength} bytes of a frame of {@code originalLength} as an Enhanced Packet Block. */
    public void writePacket(int interfaceId, long timeNanos, byte[] frame, int offset, int capturedLength,
                            int originalLength) throws IOException {
        long units = toUnits(interfaceId, timeNanos);
        begin(PcapngReader.EPB, 20 + pad(capturedLength));
        block.putInt(interfaceId).putInt((int) (units >>> 32)).putInt((int) units)
                .putInt(capturedLength).putInt(originalLength);
        putPadded(frame, offset, capturedLength);
        end();
    }

    /**
     * Writes a Simple Packet Block (interface 0, no timestamp: readers give it the previous frame's time).
     * All of {@code frame} is stored; {@code originalLength} may be larger.
     */
    public void writeSimplePacket(byte[] frame, int originalLength) throws IOException {
        checkInterface(0);
        begin(PcapngReader.SPB, 4 + pad(frame.length));
        block.putInt(originalLength);
        putPadded(frame, 0, frame.length);
        end();
    }

    /** Writes an obsolete Packet Block (type 2), which some old writers produced. */
    public void writeObsoletePacket(int interfaceId, long timeNanos, byte[] frame) throws IOException {
        long units = toUnits(interfaceId, timeNanos);
        begin(PcapngReader.PB, 20 + pad(frame.length));
        block.putShort((short) interfaceId).putShort((short) 0).putInt((int) (units >>> 32)).putInt((int) units)
                .putInt(frame.length).putInt(frame.length);
        putPadded(frame, 0, frame.length);
        end();
    }

    /** Writes a block of any type with {@code body} (padded to 4 bytes): for blocks readers must skip. */
    public void writeBlock(int type, byte[] body) throws IOException {
        begin(type, pad(body.length));
        putPadded(body, 0, body.length);
        end();
    }

    private long toUnits(int interfaceId, long timeNanos) {
        checkInterface(interfaceId);
        int resolution = resolutions[interfaceId];
        long nanos = timeNanos - offsets[interfaceId] * NANOS_PER_SECOND;
        long seconds = Math.floorDiv(nanos, NANOS_PER_SECOND);
        long fraction = Math.floorMod(nanos, NANOS_PER_SECOND);
        int exponent = resolution & 0x7F;
        if ((resolution & 0x80) != 0) {
            long fractionUnits = exponent <= 33
                    ? (fraction << exponent) / NANOS_PER_SECOND
                    : java.math.BigInteger.valueOf(fraction).shiftLeft(exponent)
                            .divide(java.math.BigInteger.valueOf(NANOS_PER_SECOND)).longValue();
            return (seconds << exponent) + fractionUnits;
        }
        long unitsPerSecond = pow10(exponent);
        long fractionUnits = exponent <= 9 ? fraction / pow10(9 - exponent) : fraction * pow10(exponent - 9);
        return seconds * unitsPerSecond + fractionUnits;
    }

    private static long pow10(int n) {
        long v = 1;
        for (int i = 0; i < n; i++) {
            v *= 10;
        }
        return v;
    }

    private void checkInterface(int interfaceId) {
        if (interfaceId < 0 || interfaceId >= interfaceCount) {
            throw new IllegalArgumentException("interface " + interfaceId + " is not declared in this section ("
                    + interfaceCount + " declared)");
        }
    }

    private static int pad(int length) {
        return (length + 3) & ~3;
    }

    private void begin(int type, int bodyLength) {
        int total = 12 + bodyLength;
        if (block.capacity() < total) {
            block = ByteBuffer.allocate(Math.max(total, block.capacity() * 2));
        }
        block.clear();
        block.order(order);
        block.putInt(type).putInt(total);
    }

    private void putPadded(byte[] bytes, int offset, int length) {
        block.put(bytes, offset, length);
        for (int i = length; i < pad(length); i++) {
            block.put((byte) 0);
        }
    }

    private void end() throws IOException {
        int total = block.position() + 4;
        block.putInt(total);
        block.putInt(4, total);
        out.write(block.array(), 0, total);
    }

    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
