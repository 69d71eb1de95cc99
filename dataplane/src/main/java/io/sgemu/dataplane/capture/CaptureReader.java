package io.sgemu.dataplane.capture;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the frames of a classic pcap or a pcapng file, whichever the file's first four bytes say it is.
 * The file is memory-mapped and frames are handed out as views of the mapping, without a copy.
 *
 * <p>A gzip-compressed capture (first bytes 1f 8b, e.g. {@code trace.pcap.gz}) is read as a stream: it
 * is decompressed into a window that holds the frame being read and some bytes ahead, never the whole
 * file, and the same pcap or pcapng parsing applies to the decompressed bytes. For such a file every
 * offset ({@link CapturedFrame#fileOffset}, {@link CaptureFormatException#offset()}) counts bytes of the
 * decompressed stream. A gzip stream that is cut short or holds corrupt deflate data gives a
 * {@link CaptureFormatException} saying so, after every complete frame before the damage.
 *
 * <pre>{@code
 * try (CaptureReader reader = CaptureReader.open(path)) {
 *     CapturedFrame frame = new CapturedFrame();
 *     while (reader.next(frame)) {
 *         PacketDecoder.decode(frame.linkType, frame.buffer, frame.offset, frame.capturedLength,
 *                 frame.originalLength, frame.timeNanos, packet);
 *     }
 * }
 * }</pre>
 *
 * <p>Times are Unix epoch nanoseconds. A pcapng Simple Packet Block carries no timestamp: its frame gets
 * the time of the frame before it (0 when it is the first frame of the file), so replay time never runs
 * backwards. Simple Packet Blocks belong to interface 0 of their section.
 *
 * <p>Errors: a broken file gives a {@link CaptureFormatException} naming the file, the frame (see
 * {@link CaptureFormatException}) and the byte offset. The
 * frames before the broken spot are delivered first; the exception comes from the {@code next} call that
 * meets it, and every later call throws it again. A file with a valid header and no frames yields no
 * frames and no error. Not thread-safe: one reader, one thread.
 *
 * <p>Lengths that are wrong but leave the frame's bytes all there are read, not refused, and counted in
 * {@link #lengthWarnings()} (so nothing is lost): a captured length above the snapshot length (libpcap reads
 * these too, up to its limit of 262144 bytes), above the original length (the original length is raised to
 * it), or, in pcapng, beyond the end of the packet block (cut to what the block holds). A captured length
 * beyond the end of the file, or above both the snapshot length and 262144 bytes in classic pcap, is an error:
 * the next record cannot be found.
 */
public abstract sealed class CaptureReader implements FrameSource permits PcapReader, PcapngReader {

    static final int PCAP_MICROS = 0xA1B2C3D4;
    static final int PCAP_NANOS = 0xA1B23C4D;
    /** Alexey Kuznetsov's patched libpcap: microseconds, 24-byte record headers. */
    static final int PCAP_KUZNETSOV = 0xA1B2CD34;
    static final int PCAPNG_SHB = 0x0A0D0D0A;
    /** The first two bytes of a gzip file. */
    static final int GZIP_MAGIC = 0x1F8B;

    final CaptureSource source;
    final CaptureWarnings warnings = new CaptureWarnings();
    private long frameNumber;
    private CaptureFormatException failure;

    CaptureReader(CaptureSource source) {
        this.source = source;
    }

    /**
     * Opens a capture file, telling pcap from pcapng by its magic number.
     *
     * @throws CaptureFormatException when the file is neither (the message shows the magic found)
     * @throws IOException            when the file cannot be read
     */
    public static CaptureReader open(Path file) throws IOException {
        return open(file, MappedCaptureFile.DEFAULT_WINDOW);
    }

    /** As {@link #open(Path)}, mapping at most {@code windowSize} bytes at a time (small windows for tests). */
    static CaptureReader open(Path path, int windowSize) throws IOException {
        CaptureSource source = openSource(path, windowSize);
        try {
            long size = source.remaining(0, 4);
            String where = source.compressed() ? " inside the gzip stream" : "";
            if (size < 4) {
                throw new CaptureFormatException(path, 0, "not a pcap or pcapng file" + where,
                        "only " + size + " bytes");
            }
            int index = source.map(0, 4);
            int magicLe = source.buffer().getInt(index, ByteOrder.LITTLE_ENDIAN);
            int magicBe = Integer.reverseBytes(magicLe);
            CaptureReader reader;
            if (magicLe == PCAPNG_SHB) {
                reader = new PcapngReader(source);
            } else if (isPcapMagic(magicLe)) {
                reader = new PcapReader(source, ByteOrder.LITTLE_ENDIAN, magicLe);
            } else if (isPcapMagic(magicBe)) {
                reader = new PcapReader(source, ByteOrder.BIG_ENDIAN, magicBe);
            } else {
                throw new CaptureFormatException(path, 0,
                        String.format("not a pcap or pcapng file%s (magic 0x%08x)", where, magicBe), null);
            }
            return reader;
        } catch (IOException | RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /** A gzip file (magic 1f 8b) is read through a decompressing stream; anything else is memory-mapped. */
    private static CaptureSource openSource(Path path, int windowSize) throws IOException {
        MappedCaptureFile file = new MappedCaptureFile(path, windowSize);
        boolean gzip;
        try {
            gzip = file.size >= 2
                    && (file.buffer.getShort(file.map(0, 2), ByteOrder.BIG_ENDIAN) & 0xFFFF) == GZIP_MAGIC;
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
        if (!gzip) {
            return file;
        }
        file.close();
        return GzipCaptureStream.open(path, windowSize);
    }

    private static boolean isPcapMagic(int magic) {
        return magic == PCAP_MICROS || magic == PCAP_NANOS || magic == PCAP_KUZNETSOV;
    }

    /**
     * Fills {@code frame} with the next frame of the file.
     *
     * @return false at the end of the file
     * @throws CaptureFormatException at the first broken record or block (again on every later call)
     */
    @Override
    public final boolean next(CapturedFrame frame) throws CaptureFormatException {
        if (failure != null) {
            throw failure;
        }
        try {
            if (!readFrame(frame)) {
                return false;
            }
        } catch (CaptureFormatException e) {
            failure = withFrame(e);
            throw failure;
        } catch (IOException e) {
            // Mapping failed (the file shrank under us, or the system ran out of address space), or the
            // compressed file could not be read.
            failure = withFrame(new CaptureFormatException(source.path(), position(), "unreadable data", e.toString()));
            throw failure;
        }
        frame.frameNumber = ++frameNumber;
        frame.buffer = source.buffer();
        if (frame.capturedLength > frame.originalLength) {
            // A frame is at least as long as the bytes captured of it; the decoder reads a shorter original
            // length as a snapped frame, which it is not.
            warnings.note(CaptureWarnings.Kind.ABOVE_ORIGINAL_LENGTH, frameNumber, frame.fileOffset,
                    frame.capturedLength + " bytes captured, " + frame.originalLength + " on the wire");
            frame.originalLength = frame.capturedLength;
        }
        return true;
    }

    /** The error said of the frame it broke (a frame's record) or of the last frame read (another block). */
    private CaptureFormatException withFrame(CaptureFormatException e) {
        if (e.framesBefore() >= 0) {
            return e;
        }
        return brokenRecordHoldsFrame() ? e.ofFrame(frameNumber + 1) : e.afterFrame(frameNumber);
    }

    /** Frames read so far with lengths that were wrong but harmless (each read anyway), by kind. */
    public CaptureWarnings lengthWarnings() {
        return warnings;
    }

    /** One line per kind of {@link #lengthWarnings()}, naming the file and the first frame of each. */
    @Override
    public List<String> warnings() {
        return warnings.messages(source.path());
    }

    /** The number the frame being read will get. */
    long nextFrameNumber() {
        return frameNumber + 1;
    }

    /**
     * Whether the record or block where reading stopped holds a frame (every classic pcap record; pcapng
     * packet blocks), so that an error there is said to be "of frame N" rather than "after frame N".
     */
    abstract boolean brokenRecordHoldsFrame();

    @Override
    public double progress() {
        long size = source.fileSize();
        return size <= 0 ? 1.0 : Math.min(1.0, (double) source.fileBytesConsumed(position()) / size);
    }

    /** "pcap" or "pcapng". */
    public abstract String format();

    /** The file being read. */
    public Path path() {
        return source.path();
    }

    /** Reads the next frame's fields other than its number and buffer; false at the end of the file. */
    abstract boolean readFrame(CapturedFrame frame) throws IOException;

    /** File offset of the next record or block. */
    abstract long position();

    CaptureFormatException error(long offset, String what, String detail) {
        return new CaptureFormatException(source.path(), offset, what, detail);
    }

    /** Unmaps the file (or ends the decompression). Frames handed out before are no longer readable. */
    @Override
    public void close() throws IOException {
        source.close();
    }
}
