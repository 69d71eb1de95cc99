package io.sgemu.dataplane.capture;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import org.agrona.DirectBuffer;

/**
 * Writes a classic pcap file: one link type, micro- or nanosecond timestamps, in either byte order
 * (little-endian unless asked; big-endian files are what big-endian hosts wrote, and readers must take
 * both). Times before 1970 or after 2106 do not fit the format and are refused.
 *
 * <p>Output is buffered: {@link #flush()} or {@link #close()} before reading what was written.
 */
public final class PcapWriter implements Closeable {

    /** Timestamp unit of the file, chosen by its magic number. */
    public enum Precision { MICROSECONDS, NANOSECONDS }

    /** The snap length written to the header when none is given (libpcap's default). */
    public static final int DEFAULT_SNAP_LENGTH = 262_144;

    private final OutputStream out;
    private final Precision precision;
    private final ByteBuffer header;
    private byte[] scratch = new byte[2048];

    /** Microseconds, little-endian, default snap length. */
    public PcapWriter(OutputStream out, int linkType) throws IOException {
        this(out, linkType, Precision.MICROSECONDS, ByteOrder.LITTLE_ENDIAN, DEFAULT_SNAP_LENGTH);
    }

    /** Writes the 24-byte file header at once. */
    public PcapWriter(OutputStream out, int linkType, Precision precision, ByteOrder order, int snapLength)
            throws IOException {
        this.out = out instanceof BufferedOutputStream ? out : new BufferedOutputStream(out, 1 << 16);
        this.precision = precision;
        this.header = ByteBuffer.allocate(24).order(order);
        header.putInt(precision == Precision.NANOSECONDS ? CaptureReader.PCAP_NANOS : CaptureReader.PCAP_MICROS)
                .putShort((short) 2).putShort((short) 4)
                .putInt(0).putInt(0)
                .putInt(snapLength)
                .putInt(linkType);
        this.out.write(header.array(), 0, 24);
    }

    /** Creates (or replaces) {@code file}: little-endian, default snap length. */
    public static PcapWriter create(Path file, int linkType, Precision precision) throws IOException {
        return new PcapWriter(Files.newOutputStream(file), linkType, precision, ByteOrder.LITTLE_ENDIAN,
                DEFAULT_SNAP_LENGTH);
    }

    /** Writes a whole frame. */
    public void write(long timeNanos, byte[] frame) throws IOException {
        write(timeNanos, frame, 0, frame.length, frame.length);
    }

    /** Writes {@code capturedLength} bytes of a frame that had {@code originalLength} bytes on the wire. */
    public void write(long timeNanos, byte[] frame, int offset, int capturedLength, int originalLength)
            throws IOException {
        writeRecordHeader(timeNanos, capturedLength, originalLength);
        out.write(frame, offset, capturedLength);
    }

    /** Writes a frame held in a buffer (for instance one read by a {@link CaptureReader}). */
    public void write(long timeNanos, DirectBuffer buffer, int offset, int capturedLength, int originalLength)
            throws IOException {
        writeRecordHeader(timeNanos, capturedLength, originalLength);
        if (scratch.length < capturedLength) {
            scratch = new byte[capturedLength];
        }
        buffer.getBytes(offset, scratch, 0, capturedLength);
        out.write(scratch, 0, capturedLength);
    }

    private void writeRecordHeader(long timeNanos, int capturedLength, int originalLength) throws IOException {
        long seconds = Math.floorDiv(timeNanos, 1_000_000_000L);
        long nanos = Math.floorMod(timeNanos, 1_000_000_000L);
        if (seconds < 0 || seconds > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("time " + timeNanos + " ns is outside what pcap can hold (1970-2106)");
        }
        if (capturedLength < 0 || originalLength < capturedLength) {
            throw new IllegalArgumentException("captured length " + capturedLength + " must be between 0 and the "
                    + "original length " + originalLength);
        }
        header.clear();
        header.putInt((int) seconds)
                .putInt((int) (precision == Precision.NANOSECONDS ? nanos : nanos / 1000))
                .putInt(capturedLength)
                .putInt(originalLength);
        out.write(header.array(), 0, 16);
    }

    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
