package io.sgemu.dataplane.capture;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A capture file that breaks the pcap or pcapng format. The message names the file, the byte offset
 * where reading stopped and what is wrong there, e.g.
 * {@code "trace.pcap: truncated record at offset 1234: header says 1500 bytes, 200 left"}.
 *
 * <p>It is an {@link IOException} because it is a problem of the input, handled where input problems
 * are; callers that want to say "the file is broken" rather than "the disk failed" catch it first.
 */
public class CaptureFormatException extends IOException {

    private final transient Path file;
    private final long offset;

    /**
     * @param what   what is wrong, as a noun phrase ("truncated record")
     * @param detail the numbers that show it ("header says 1500 bytes, 200 left"), or null
     */
    public CaptureFormatException(Path file, long offset, String what, String detail) {
        super(file + ": " + what + " at offset " + offset + (detail == null ? "" : ": " + detail));
        this.file = file;
        this.offset = offset;
    }

    /** The file that is broken. */
    public Path file() {
        return file;
    }

    /**
     * Byte offset in the file of the record, block or header that is broken; for a gzip-compressed
     * capture, the offset in the decompressed stream.
     */
    public long offset() {
        return offset;
    }
}
