package io.sgemu.dataplane.capture;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * pcapng: a sequence of blocks {@code type, total length, body, total length}, grouped in sections that
 * each start with a Section Header Block carrying its own byte order. Interfaces (IDB) are numbered
 * from 0 within their section and give the link type, snap length and timestamp units
 * ({@code if_tsresol}, power of 10 or of 2; {@code if_tsoffset} seconds added to every time).
 *
 * <p>Frames come from Enhanced Packet Blocks, Simple Packet Blocks and the obsolete Packet Block. A
 * Simple Packet Block belongs to interface 0 and has no timestamp: it gets the time of the frame before
 * it (0 for the first frame of the file), which keeps replay time monotonic. Every other block type
 * (name resolution, statistics, decryption secrets, custom, unknown) is skipped by its length.
 */
final class PcapngReader extends CaptureReader {

    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    static final int SHB = PCAPNG_SHB;
    static final int IDB = 1;
    static final int PB = 2;
    static final int SPB = 3;
    static final int EPB = 6;

    static final int OPT_END = 0;
    static final int IF_TSRESOL = 9;
    static final int IF_TSOFFSET = 14;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long[] POWERS_OF_TEN = new long[19];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    private ByteOrder order = ByteOrder.LITTLE_ENDIAN;
    private long position;
    /** Type of the block being read, -1 before its header is read (for "of frame N" in messages). */
    private int blockType = -1;
    private boolean inSection;
    private long lastTimeNanos;

    // Interfaces of the current section, as parallel arrays (no object per interface).
    private int interfaceCount;
    private int[] linkTypes = new int[4];
    private long[] snapLengths = new long[4];
    /** if_tsresol byte: bit 7 clear = 10^-n seconds, set = 2^-n seconds. */
    private int[] resolutions = new int[4];
    private long[] offsetSeconds = new long[4];

    PcapngReader(CaptureSource source) {
        super(source);
    }

    @Override
    public String format() {
        return "pcapng";
    }

    @Override
    boolean brokenRecordHoldsFrame() {
        return blockType == EPB || blockType == SPB || blockType == PB;
    }

    @Override
    long position() {
        return position;
    }

    @Override
    boolean readFrame(CapturedFrame frame) throws IOException {
        UnsafeBuffer buf = source.buffer();
        while (true) {
            blockType = -1;
            long left = source.remaining(position, 12);
            if (left == 0) {
                return false;
            }
            if (left < 12) {
                throw error(position, "truncated block header", "needs at least 12 bytes, " + left + " left");
            }
            int index = source.map(position, 12);
            boolean sectionHeader = buf.getInt(index, ByteOrder.LITTLE_ENDIAN) == SHB;
            if (sectionHeader) {
                // The byte order of a section is known only from its header's byte-order magic.
                int magic = buf.getInt(index + 8, ByteOrder.LITTLE_ENDIAN);
                if (magic == BYTE_ORDER_MAGIC) {
                    order = ByteOrder.LITTLE_ENDIAN;
                } else if (magic == Integer.reverseBytes(BYTE_ORDER_MAGIC)) {
                    order = ByteOrder.BIG_ENDIAN;
                } else {
                    throw error(position, "bad section header byte-order magic",
                            String.format("0x%08x, expected 0x1a2b3c4d", Integer.reverseBytes(magic)));
                }
            } else if (!inSection) {
                throw error(position, "block outside any section", "the file must start with a section header");
            }
            int type = buf.getInt(index, order);
            blockType = type;
            long length = buf.getInt(index + 4, order) & 0xFFFF_FFFFL;
            if (length < 12 || (length & 3) != 0) {
                throw error(position, "bad block length",
                        "block type 0x" + Integer.toHexString(type) + " says " + length
                                + " bytes (must be a multiple of 4, at least 12)");
            }
            left = source.remaining(position, length);
            if (length > left) {
                throw error(position, "truncated block",
                        "header says " + length + " bytes, " + left + " left");
            }
            if (length > source.windowSize()) {
                throw error(position, "block too large", "header says " + length + " bytes");
            }
            index = source.map(position, (int) length);
            long trailer = buf.getInt(index + (int) length - 4, order) & 0xFFFF_FFFFL;
            if (trailer != length) {
                throw error(position, "block length mismatch",
                        "header says " + length + " bytes, trailer says " + trailer);
            }
            long blockStart = position;
            int body = index + 8;
            int bodyLength = (int) length - 12;
            position += length;
            switch (type) {
                case SHB -> sectionHeader(blockStart, body, bodyLength);
                case IDB -> interfaceDescription(blockStart, body, bodyLength);
                case EPB -> {
                    enhancedPacket(blockStart, body, bodyLength, frame);
                    return true;
                }
                case SPB -> {
                    simplePacket(blockStart, body, bodyLength, frame);
                    return true;
                }
                case PB -> {
                    obsoletePacket(blockStart, body, bodyLength, frame);
                    return true;
                }
                default -> {
                    // Not a frame: skipped.
                }
            }
        }
    }

    private void sectionHeader(long at, int body, int bodyLength) throws CaptureFormatException {
        if (bodyLength < 16) {
            throw error(at, "section header block too short", bodyLength + " body bytes, needs 16");
        }
        int major = source.buffer().getShort(body + 4, order) & 0xFFFF;
        if (major != 1) {
            int minor = source.buffer().getShort(body + 6, order) & 0xFFFF;
            throw error(at, "unsupported pcapng version", major + "." + minor + " (reads 1.x)");
        }
        inSection = true;
        interfaceCount = 0; // interface numbers start again in every section
    }

    private void interfaceDescription(long at, int body, int bodyLength) throws CaptureFormatException {
        if (bodyLength < 8) {
            throw error(at, "interface description block too short", bodyLength + " body bytes, needs 8");
        }
        UnsafeBuffer buf = source.buffer();
        int linkType = buf.getShort(body, order) & 0xFFFF;
        long snapLength = buf.getInt(body + 4, order) & 0xFFFF_FFFFL;
        int resolution = 6;
        long tsOffset = 0;
        int option = body + 8;
        int end = body + bodyLength;
        while (end - option >= 4) {
            int code = buf.getShort(option, order) & 0xFFFF;
            int optionLength = buf.getShort(option + 2, order) & 0xFFFF;
            if (code == OPT_END) {
                break;
            }
            int value = option + 4;
            if (optionLength > end - value) {
                throw error(at, "interface description option runs past the block",
                        "option " + code + " says " + optionLength + " bytes, " + (end - value) + " left");
            }
            if (code == IF_TSRESOL && optionLength >= 1) {
                resolution = buf.getByte(value) & 0xFF;
                boolean powerOfTwo = (resolution & 0x80) != 0;
                int exponent = resolution & 0x7F;
                if (powerOfTwo ? exponent > 63 : exponent > 18) {
                    throw error(at, "unsupported if_tsresol", "0x" + Integer.toHexString(resolution));
                }
            } else if (code == IF_TSOFFSET && optionLength >= 8) {
                tsOffset = buf.getLong(value, order);
            }
            option = value + ((optionLength + 3) & ~3);
        }
        if (interfaceCount == linkTypes.length) {
            int grown = interfaceCount * 2;
            linkTypes = Arrays.copyOf(linkTypes, grown);
            snapLengths = Arrays.copyOf(snapLengths, grown);
            resolutions = Arrays.copyOf(resolutions, grown);
            offsetSeconds = Arrays.copyOf(offsetSeconds, grown);
        }
        linkTypes[interfaceCount] = linkType;
        snapLengths[interfaceCount] = snapLength;
        resolutions[interfaceCount] = resolution;
        offsetSeconds[interfaceCount] = tsOffset;
        interfaceCount++;
    }

    private void enhancedPacket(long at, int body, int bodyLength, CapturedFrame frame) throws CaptureFormatException {
        if (bodyLength < 20) {
            throw error(at, "enhanced packet block too short", bodyLength + " body bytes, needs 20");
        }
        UnsafeBuffer buf = source.buffer();
        long interfaceId = buf.getInt(body, order) & 0xFFFF_FFFFL;
        long timestamp = ((long) buf.getInt(body + 4, order) << 32) | (buf.getInt(body + 8, order) & 0xFFFF_FFFFL);
        long captured = buf.getInt(body + 12, order) & 0xFFFF_FFFFL;
        long original = buf.getInt(body + 16, order) & 0xFFFF_FFFFL;
        packet(at, "enhanced packet block", interfaceId, timestamp, captured, original, body + 20, bodyLength - 20,
                frame);
    }

    private void obsoletePacket(long at, int body, int bodyLength, CapturedFrame frame) throws CaptureFormatException {
        if (bodyLength < 20) {
            throw error(at, "packet block too short", bodyLength + " body bytes, needs 20");
        }
        UnsafeBuffer buf = source.buffer();
        int interfaceId = buf.getShort(body, order) & 0xFFFF;
        long timestamp = ((long) buf.getInt(body + 4, order) << 32) | (buf.getInt(body + 8, order) & 0xFFFF_FFFFL);
        long captured = buf.getInt(body + 12, order) & 0xFFFF_FFFFL;
        long original = buf.getInt(body + 16, order) & 0xFFFF_FFFFL;
        packet(at, "packet block", interfaceId, timestamp, captured, original, body + 20, bodyLength - 20, frame);
    }

    private void packet(long at, String block, long interfaceId, long timestamp, long captured, long original,
                        int data, int room, CapturedFrame frame) throws CaptureFormatException {
        if (interfaceId >= interfaceCount) {
            throw error(at, block + " on undeclared interface " + interfaceId,
                    "the section declares " + interfaceCount + " interface" + (interfaceCount == 1 ? "" : "s"));
        }
        int id = (int) interfaceId;
        if (captured > room) {
            // The block's own length is sound (its trailer agrees), so the next block is found: read the
            // bytes the block holds rather than give up on the rest of the file.
            warnings.note(CaptureWarnings.Kind.BEYOND_BLOCK, nextFrameNumber(), at,
                    block + " says " + captured + " bytes, block holds " + room);
            captured = room;
        } else if (snapLengths[id] != 0 && captured > snapLengths[id]) {
            warnings.note(CaptureWarnings.Kind.ABOVE_SNAPSHOT_LENGTH, nextFrameNumber(), at,
                    captured + " bytes, snapshot length " + snapLengths[id] + " of interface " + id);
        }
        frame.fileOffset = at;
        frame.timeNanos = toNanos(timestamp, resolutions[id]) + offsetSeconds[id] * NANOS_PER_SECOND;
        frame.linkType = linkTypes[id];
        frame.interfaceId = id;
        frame.capturedLength = (int) captured;
        frame.originalLength = (int) Math.min(original, Integer.MAX_VALUE);
        frame.offset = data;
        lastTimeNanos = frame.timeNanos;
    }

    private void simplePacket(long at, int body, int bodyLength, CapturedFrame frame) throws CaptureFormatException {
        if (bodyLength < 4) {
            throw error(at, "simple packet block too short", bodyLength + " body bytes, needs 4");
        }
        if (interfaceCount == 0) {
            throw error(at, "simple packet block on undeclared interface 0", "the section declares no interface");
        }
        long original = source.buffer().getInt(body, order) & 0xFFFF_FFFFL;
        // The captured length is not stored: it is the original length cut to the snap length, and
        // the block can hold no more than its body.
        long captured = Math.min(original, bodyLength - 4);
        if (snapLengths[0] != 0) {
            captured = Math.min(captured, snapLengths[0]);
        }
        frame.fileOffset = at;
        frame.timeNanos = lastTimeNanos;
        frame.linkType = linkTypes[0];
        frame.interfaceId = 0;
        frame.capturedLength = (int) captured;
        frame.originalLength = (int) Math.min(original, Integer.MAX_VALUE);
        frame.offset = body + 4;
    }

    /** Converts a timestamp in units of {@code if_tsresol} to nanoseconds (timestamps are unsigned). */
    static long toNanos(long timestamp, int resolution) {
        int exponent = resolution & 0x7F;
        if ((resolution & 0x80) != 0) {
            long seconds = timestamp >>> exponent;
            long fraction = exponent == 0 ? 0 : timestamp & ((1L << exponent) - 1);
            // fraction < 2^exponent; keep the product below 2^64 by dropping low bits first.
            long fractionNanos = exponent <= 33
                    ? (fraction * NANOS_PER_SECOND) >>> exponent
                    : ((fraction >>> (exponent - 33)) * NANOS_PER_SECOND) >>> 33;
            return seconds * NANOS_PER_SECOND + fractionNanos;
        }
        long unitsPerSecond = POWERS_OF_TEN[exponent];
        long seconds = Long.divideUnsigned(timestamp, unitsPerSecond);
        long fraction = Long.remainderUnsigned(timestamp, unitsPerSecond);
        long fractionNanos = exponent <= 9
                ? fraction * POWERS_OF_TEN[9 - exponent]
                : fraction / POWERS_OF_TEN[exponent - 9];
        return seconds * NANOS_PER_SECOND + fractionNanos;
    }
}
