package io.sgemu.dataplane.capture;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A read-only memory map of a capture file, seen through one window of at most {@code windowSize}
 * bytes (a mapped buffer is int-indexed, and files may be larger than 2 GiB). Readers ask for a byte
 * range with {@link #map(long, int)} and get the index of its first byte in {@link #buffer}; the window
 * moves forward when a range does not fit, which invalidates indices handed out before.
 *
 * <p>The previous window is unmapped when the window moves and at {@link #close()}; {@link #buffer} is
 * then pointed at an empty array, so a late access fails with a bounds error instead of touching
 * unmapped memory.
 */
final class MappedCaptureFile implements CaptureSource {

    /** Default window: 1 GiB, far above any sane frame or block. */
    static final int DEFAULT_WINDOW = 1 << 30;

    private static final byte[] EMPTY = new byte[0];

    final Path path;
    final long size;
    /** The current window's bytes; index 0 is file offset {@link #windowStart}. */
    final UnsafeBuffer buffer = new UnsafeBuffer(EMPTY);

    private final FileChannel channel;
    private final int windowSize;
    private MappedByteBuffer mapped;
    private long windowStart;
    private long windowEnd;

    MappedCaptureFile(Path path, int windowSize) throws IOException {
        this.path = path;
        this.windowSize = windowSize;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            this.size = channel.size();
        } catch (IOException e) {
            channel.close();
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
        return false;
    }

    @Override
    public long fileBytesConsumed(long readPosition) {
        return readPosition;
    }

    @Override
    public long fileSize() {
        return size;
    }

    @Override
    public long remaining(long offset, long wanted) {
        return Math.max(0, Math.min(size - offset, wanted));
    }

    /**
     * Makes {@code [fileOffset, fileOffset + length)} addressable and answers the index of its first
     * byte in {@link #buffer}. The caller has checked that the range lies within the file and that
     * {@code length <= windowSize()}.
     */
    @Override
    public int map(long fileOffset, int length) throws IOException {
        if (fileOffset >= windowStart && fileOffset + length <= windowEnd && mapped != null) {
            return (int) (fileOffset - windowStart);
        }
        unmap();
        long mapLength = Math.min(size - fileOffset, Math.max(windowSize, length));
        mapped = channel.map(FileChannel.MapMode.READ_ONLY, fileOffset, mapLength);
        windowStart = fileOffset;
        windowEnd = fileOffset + mapLength;
        buffer.wrap(mapped);
        return 0;
    }

    private void unmap() {
        if (mapped != null) {
            buffer.wrap(EMPTY);
            IoUtil.unmap(mapped);
            mapped = null;
        }
    }

    @Override
    public void close() throws IOException {
        unmap();
        channel.close();
    }
}
