package io.sgemu.dataplane.capture;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Reads the frames of a classic pcap or a pcapng file, whichever the file's first four bytes say it is.
 * The file is memory-mapped and frames are handed out as views of the mapping, without a copy.
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
 * <p>Errors: a broken file gives a {@link CaptureFormatException} naming the file and byte offset. The
 * frames before the broken spot are delivered first; the exception comes from the {@code next} call that
 * meets it, and every later call throws it again. A file with a valid header and no frames yields no
 * frames and no error. Not thread-safe: one reader, one thread.
 */
public abstract sealed class CaptureReader implements AutoCloseable permits PcapReader, PcapngReader {

    static final int PCAP_MICROS = 0xA1B2C3D4;
    static final int PCAP_NANOS = 0xA1B23C4D;
    /** Alexey Kuznetsov's patched libpcap: microseconds, 24-byte record headers. */
    static final int PCAP_KUZNETSOV = 0xA1B2CD34;
    static final int PCAPNG_SHB = 0x0A0D0D0A;

    final MappedCaptureFile file;
    private long frameNumber;
    private CaptureFormatException failure;

    CaptureReader(MappedCaptureFile file) {
        this.file = file;
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
        MappedCaptureFile file = new MappedCaptureFile(path, windowSize);
        try {
            if (file.size < 4) {
                throw new CaptureFormatException(path, 0, "not a pcap or pcapng file",
                        "only " + file.size + " bytes");
            }
            int index = file.map(0, 4);
            int magicLe = file.buffer.getInt(index, ByteOrder.LITTLE_ENDIAN);
            int magicBe = Integer.reverseBytes(magicLe);
            CaptureReader reader;
            if (magicLe == PCAPNG_SHB) {
                reader = new PcapngReader(file);
            } else if (isPcapMagic(magicLe)) {
                reader = new PcapReader(file, ByteOrder.LITTLE_ENDIAN, magicLe);
            } else if (isPcapMagic(magicBe)) {
                reader = new PcapReader(file, ByteOrder.BIG_ENDIAN, magicBe);
            } else {
                throw new CaptureFormatException(path, 0,
                        String.format("not a pcap or pcapng file (magic 0x%08x)", magicBe), null);
            }
            return reader;
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
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
    public final boolean next(CapturedFrame frame) throws CaptureFormatException {
        if (failure != null) {
            throw failure;
        }
        try {
            if (!readFrame(frame)) {
                return false;
            }
        } catch (CaptureFormatException e) {
            failure = e;
            throw e;
        } catch (IOException e) {
            // Mapping failed (the file shrank under us, or the system ran out of address space).
            failure = new CaptureFormatException(file.path, position(), "unreadable data", e.toString());
            throw failure;
        }
        frame.frameNumber = ++frameNumber;
        frame.buffer = file.buffer;
        return true;
    }

    /** "pcap" or "pcapng". */
    public abstract String format();

    /** The file being read. */
    public Path path() {
        return file.path;
    }

    /** Reads the next frame's fields other than its number and buffer; false at the end of the file. */
    abstract boolean readFrame(CapturedFrame frame) throws IOException;

    /** File offset of the next record or block. */
    abstract long position();

    CaptureFormatException error(long offset, String what, String detail) {
        return new CaptureFormatException(file.path, offset, what, detail);
    }

    /** Unmaps the file. Frames handed out before are no longer readable. */
    @Override
    public void close() throws IOException {
        file.close();
    }
}
