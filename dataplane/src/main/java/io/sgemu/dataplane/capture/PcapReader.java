package io.sgemu.dataplane.capture;

import java.io.IOException;
import java.nio.ByteOrder;

/**
 * Classic pcap: a 24-byte file header (magic, version 2.x, time zone, sigfigs, snap length, link type)
 * then records of a 16-byte header (seconds, micro- or nanoseconds, captured length, original length)
 * and the frame. All fields are in the byte order the magic shows. Seconds are read unsigned, so
 * times run to 2106.
 */
final class PcapReader extends CaptureReader {

    static final int FILE_HEADER = 24;
    /**
     * libpcap's largest snapshot length (MAXIMUM_SNAPLEN): it reads a frame above the file's snapshot length
     * up to this many bytes, and takes a larger captured length for a damaged file.
     */
    static final int MAX_CAPTURED_LENGTH = 262_144;

    private final ByteOrder order;
    private final long fractionToNanos;
    private final int recordHeader;
    private final int linkType;
    /** The snapshot length of the file header; 0 when the writer left it unset. */
    private final long snapLength;
    private long position = FILE_HEADER;

    PcapReader(CaptureSource source, ByteOrder order, int magic) throws IOException {
        super(source);
        this.order = order;
        this.fractionToNanos = magic == PCAP_NANOS ? 1 : 1000;
        this.recordHeader = magic == PCAP_KUZNETSOV ? 24 : 16;
        long have = source.remaining(0, FILE_HEADER);
        if (have < FILE_HEADER) {
            throw error(0, "truncated pcap file header",
                    "needs " + FILE_HEADER + " bytes, file has " + have);
        }
        int index = source.map(0, FILE_HEADER);
        int major = source.buffer().getShort(index + 4, order) & 0xFFFF;
        int minor = source.buffer().getShort(index + 6, order) & 0xFFFF;
        if (major != 2) {
            throw error(4, "unsupported pcap version", major + "." + minor + " (only 2.x exists)");
        }
        // The upper bits of the link-type field carry FCS information; the type is the low 16 bits.
        this.linkType = source.buffer().getInt(index + 20, order) & 0xFFFF;
        this.snapLength = source.buffer().getInt(index + 16, order) & 0xFFFF_FFFFL;
    }

    @Override
    public String format() {
        return "pcap";
    }

    @Override
    boolean brokenRecordHoldsFrame() {
        return true; // every record is a frame
    }

    @Override
    long position() {
        return position;
    }

    @Override
    boolean readFrame(CapturedFrame frame) throws IOException {
        long left = source.remaining(position, recordHeader);
        if (left == 0) {
            return false;
        }
        if (left < recordHeader) {
            throw error(position, "truncated record header",
                    "needs " + recordHeader + " bytes, " + left + " left");
        }
        int index = source.map(position, recordHeader);
        long seconds = source.buffer().getInt(index, order) & 0xFFFF_FFFFL;
        long fraction = source.buffer().getInt(index + 4, order) & 0xFFFF_FFFFL;
        long captured = source.buffer().getInt(index + 8, order) & 0xFFFF_FFFFL;
        long original = source.buffer().getInt(index + 12, order) & 0xFFFF_FFFFL;
        if (captured > MAX_CAPTURED_LENGTH && captured > snapLength) {
            throw error(position, "captured length too large",
                    "header says " + captured + " bytes, more than " + (snapLength > MAX_CAPTURED_LENGTH
                            ? "the snapshot length " + snapLength
                            : "the " + MAX_CAPTURED_LENGTH + " bytes libpcap accepts") + " (a damaged record header)");
        }
        // Counted from the record's start, so that a stream cut short inside the frame is reported there.
        left = source.remaining(position, recordHeader + captured);
        if (captured > left - recordHeader) {
            throw error(position, "truncated record",
                    "header says " + captured + " bytes, " + (left - recordHeader) + " left");
        }
        if (captured + recordHeader > source.windowSize()) {
            throw error(position, "record too large", "header says " + captured + " bytes");
        }
        if (snapLength != 0 && captured > snapLength) {
            warnings.note(CaptureWarnings.Kind.ABOVE_SNAPSHOT_LENGTH, nextFrameNumber(), position,
                    captured + " bytes, snapshot length " + snapLength);
        }
        index = source.map(position, recordHeader + (int) captured);
        frame.fileOffset = position;
        frame.timeNanos = seconds * 1_000_000_000L + fraction * fractionToNanos;
        frame.linkType = linkType;
        frame.interfaceId = 0;
        frame.capturedLength = (int) captured;
        frame.originalLength = (int) Math.min(original, Integer.MAX_VALUE);
        frame.offset = index + recordHeader;
        position += recordHeader + captured;
        return true;
    }
}
