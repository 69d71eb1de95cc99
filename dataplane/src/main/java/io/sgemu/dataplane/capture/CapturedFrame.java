package io.sgemu.dataplane.capture;

import org.agrona.DirectBuffer;

/**
 * One frame of a capture file, filled in place by {@link CaptureReader#next(CapturedFrame)} and reused
 * for every frame. The bytes are not copied: {@link #buffer} views the memory-mapped file (or, for a
 * gzip-compressed capture, the window the stream is decompressed into), and
 * {@code buffer[offset .. offset + capturedLength)} is the frame. The view is valid until the next call to
 * {@code next} or {@code close}; copy the bytes out to keep them longer.
 */
public final class CapturedFrame {

    /** Position of the frame in the file, counted from 1 across all sections and interfaces. */
    public long frameNumber;
    /** Capture time, Unix epoch nanoseconds (a pcapng Simple Packet Block repeats the previous frame's). */
    public long timeNanos;
    /** The link type of the frame's interface ({@link io.sgemu.dataplane.packet.LinkType}). */
    public int linkType;
    /** Index of the interface within its pcapng section; always 0 for classic pcap. */
    public int interfaceId;
    /** Bytes present in the file. */
    public int capturedLength;
    /** Bytes the frame had on the wire (more than captured when the capture was snapped). */
    public int originalLength;
    /** The bytes: {@code capturedLength} of them from {@link #offset}. */
    public DirectBuffer buffer;
    /** Index of the frame's first byte in {@link #buffer}. */
    public int offset;
    /**
     * Byte offset in the file of the frame's record or block (for messages). For a gzip-compressed
     * capture it is the offset in the decompressed stream.
     */
    public long fileOffset;

    @Override
    public String toString() {
        return "frame " + frameNumber + " (link type " + linkType + ", interface " + interfaceId + ", "
                + capturedLength + "/" + originalLength + " bytes, time " + timeNanos + " ns)";
    }
}
