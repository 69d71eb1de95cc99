package io.sgemu.dataplane.capture;

import java.io.IOException;
import java.nio.file.Path;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * The bytes of a capture as the pcap and pcapng readers see them, whether they come from a memory-mapped
 * file or from a decompressing stream, so each format is parsed by one code path. Readers move forward
 * only: they ask how many bytes lie ahead with {@link #remaining}, then make a range addressable with
 * {@link #map} and read it from {@link #buffer()}. Mapping a range may move the window, which invalidates
 * indices handed out before.
 */
sealed interface CaptureSource extends AutoCloseable permits MappedCaptureFile, GzipCaptureStream {

    /** The file being read (for messages). */
    Path path();

    /** The current window; the same object for the life of the source, re-pointed when the window moves. */
    UnsafeBuffer buffer();

    /** Largest range {@link #map} accepts. */
    int windowSize();

    /**
     * How many bytes the capture holds from {@code offset} on, counting at most {@code wanted} of them:
     * {@code wanted} when the capture goes on that far, fewer when it ends first.
     */
    long remaining(long offset, long wanted) throws IOException;

    /**
     * Makes {@code [offset, offset + length)} addressable and answers the index of its first byte in
     * {@link #buffer()}. The caller has checked with {@link #remaining} that the range exists and that
     * {@code length <= windowSize()}.
     */
    int map(long offset, int length) throws IOException;

    /**
     * Bytes of the file on disk consumed so far, and its size: for a mapped file the read position, for
     * a compressed file the compressed bytes the decompressor has taken in. For progress reports only.
     */
    long fileBytesConsumed(long readPosition);

    /** Size of the file on disk. */
    long fileSize();

    /** True when the bytes are the decompressed content of a compressed file (offsets count those bytes). */
    boolean compressed();

    @Override
    void close() throws IOException;
}
