package io.sgemu.dataplane.capture;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * The decompressed bytes of a gzip file, read forward through a heap window that holds the range being
 * parsed and whatever the last read brought beyond it. The whole capture is never in memory: when a
 * range does not fit, the bytes before it are dropped and the rest moves to the window's start; a range
 * larger than the window grows it (frames are rarely larger than a few tens of KiB, so it seldom does).
 *
 * <p>Offsets count decompressed bytes. Reads happen only while a requested range is incomplete, so a
 * cut or corrupt stream is reported only when a reader needs bytes it cannot have: every complete frame
 * before the damage is delivered first.
 */
final class GzipCaptureStream implements CaptureSource {

    /** Start size of the window; it grows for larger ranges, up to the window size. */
    static final int INITIAL_WINDOW = 1 << 20;
    private static final int INPUT_BUFFER = 1 << 16;

    private final Path path;
    private final int windowSize;
    private final InputStream in;
    /** The compressed bytes as they are read from disk, counted for progress reports. */
    private final CountingStream compressed;
    private final long fileSize;
    private final UnsafeBuffer buffer;
    private byte[] window;
    /** Stream offset of {@code window[0]}. */
    private long windowStart;
    /** Bytes of {@code window} holding data. */
    private int filled;
    private boolean ended;

    private GzipCaptureStream(Path path, int windowSize, InputStream in, CountingStream compressed, long fileSize) {
        this.compressed = compressed;
        this.fileSize = fileSize;
        this.path = path;
        this.windowSize = windowSize;
        this.in = in;
        this.window = new byte[Math.min(INITIAL_WINDOW, windowSize)];
        this.buffer = new UnsafeBuffer(window);
    }

    /** Opens a gzip file and reads its header (so that garbage after the magic is reported at once). */
    static GzipCaptureStream open(Path path, int windowSize) throws IOException {
        long fileSize = Files.size(path);
        CountingStream file = new CountingStream(Files.newInputStream(path));
        try {
            return new GzipCaptureStream(path, windowSize, new GZIPInputStream(file, INPUT_BUFFER), file, fileSize);
        } catch (EOFException e) {
            file.close();
            throw cutShort(path, 0, 0);
        } catch (ZipException e) {
            file.close();
            throw corrupt(path, 0, 0, e);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public UnsafeBuffer buffer() {
        return buffer;
    }

    @Override
    public int windowSize() {
        return windowSize;
    }

    @Override
    public boolean compressed() {
        return true;
    }

    @Override
    public long fileBytesConsumed(long readPosition) {
        return compressed.count;
    }

    @Override
    public long fileSize() {
        return fileSize;
    }

    /** Counts the bytes read through it. */
    private static final class CountingStream extends java.io.FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }

    @Override
    public long remaining(long offset, long wanted) throws IOException {
        if (wanted <= windowSize) {
            return fill(offset, (int) wanted);
        }
        // Longer than any window: the reader rejects such a range whatever it finds, so count what is
        // there without keeping it.
        long counted = Math.max(0, Math.min(wanted, windowStart + filled - offset));
        windowStart = offset + counted;
        filled = 0;
        while (counted < wanted && !ended) {
            int n = read(0, (int) Math.min(window.length, wanted - counted), offset);
            counted += n;
            windowStart += n;
        }
        return counted;
    }

    @Override
    public int map(long offset, int length) throws IOException {
        if (fill(offset, length) < length) {
            throw new IllegalStateException("range " + offset + "+" + length + " lies beyond the end of " + path);
        }
        return (int) (offset - windowStart);
    }

    /** Brings {@code [offset, offset + length)} into the window as far as the stream goes; answers how far. */
    private int fill(long offset, int length) throws IOException {
        if (offset < windowStart) {
            throw new IllegalStateException("offset " + offset + " already dropped from the window of " + path);
        }
        long end = windowStart + filled;
        if (offset + length <= end) {
            return length;
        }
        if (offset > end) {
            // A gap (only after counting an oversized range): skip it.
            remaining(end, offset - end);
            if (windowStart + filled < offset) {
                return 0;
            }
        }
        int keep = (int) (offset - windowStart);
        if (keep > 0) {
            // Drop what the reader has passed; the partial range moves to the start.
            System.arraycopy(window, keep, window, 0, filled - keep);
            filled -= keep;
            windowStart = offset;
        }
        while (filled < length && !ended) {
            if (filled == window.length) {
                grow(length);
            }
            filled += read(filled, window.length - filled, offset);
        }
        return Math.min(length, filled);
    }

    private void grow(int length) {
        int size = (int) Math.min(length, Math.max(2L * window.length, INITIAL_WINDOW));
        byte[] grown = new byte[size];
        System.arraycopy(window, 0, grown, 0, filled);
        window = grown;
        buffer.wrap(window);
    }

    /**
     * Reads into {@code window[at..]}, answering the count (0 at the end). Gzip damage becomes a format
     * error at {@code rangeStart}, the start of the record or block that could not be completed.
     */
    private int read(int at, int length, long rangeStart) throws IOException {
        int n;
        try {
            n = in.read(window, at, length);
        } catch (EOFException e) {
            throw cutShort(path, rangeStart, windowStart + at);
        } catch (ZipException e) {
            throw corrupt(path, rangeStart, windowStart + at, e);
        }
        if (n < 0) {
            ended = true;
            return 0;
        }
        return n;
    }

    private static CaptureFormatException cutShort(Path path, long offset, long decompressed) {
        return new CaptureFormatException(path, offset, "compressed capture cut short",
                "the gzip stream ends before its end marker after " + decompressed
                        + " decompressed bytes (offsets count decompressed bytes)");
    }

    private static CaptureFormatException corrupt(Path path, long offset, long decompressed, ZipException e) {
        return new CaptureFormatException(path, offset, "corrupt compressed capture",
                "bad gzip or deflate data after " + decompressed + " decompressed bytes: " + e.getMessage()
                        + " (offsets count decompressed bytes)");
    }

    @Override
    public void close() throws IOException {
        buffer.wrap(new byte[0]);
        in.close();
    }
}
