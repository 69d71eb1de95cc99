package io.sgemu.dataplane.capture;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A capture file that breaks the pcap or pcapng format. The message names the file, the frame, the byte
 * offset where reading stopped and what is wrong there, e.g.
 * {@code "trace.pcap: truncated record of frame 12 at offset 1234: header says 1500 bytes, 200 left"}.
 * A broken record or block that holds a frame is "of frame N" (the number the frame would have had);
 * any other block is "after frame N" (the last frame read), or "before the first frame". Errors of the
 * file header carry no frame.
 *
 * <p>It is an {@link IOException} because it is a problem of the input, handled where input problems
 * are; callers that want to say "the file is broken" rather than "the disk failed" catch it first.
 */
public class CaptureFormatException extends IOException {

    private final transient Path file;
    private final long offset;
    private final String what;
    private final String detail;
    private final long framesBefore;

    /**
     * An error with no frame context (the file header; or a reader that adds the frame later).
     *
     * @param what   what is wrong, as a noun phrase ("truncated record")
     * @param detail the numbers that show it ("header says 1500 bytes, 200 left"), or null
     */
    public CaptureFormatException(Path file, long offset, String what, String detail) {
        this(file, offset, what, detail, "", -1);
    }

    private CaptureFormatException(Path file, long offset, String what, String detail, String where,
                                   long framesBefore) {
        super(file + ": " + what + where + " at offset " + offset + (detail == null ? "" : ": " + detail));
        this.file = file;
        this.offset = offset;
        this.what = what;
        this.detail = detail;
        this.framesBefore = framesBefore;
    }

    /** The same error, said of the record or block that would have been frame {@code frameNumber}. */
    public CaptureFormatException ofFrame(long frameNumber) {
        CaptureFormatException e = new CaptureFormatException(file, offset, what, detail, " of frame " + frameNumber,
                frameNumber - 1);
        e.initCause(this);
        return e;
    }

    /** The same error, said of a block that follows the {@code framesRead}-th frame. */
    public CaptureFormatException afterFrame(long framesRead) {
        CaptureFormatException e = new CaptureFormatException(file, offset, what, detail,
                framesRead == 0 ? " before the first frame" : " after frame " + framesRead, framesRead);
        e.initCause(this);
        return e;
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

    /** How many frames were read whole before the broken spot; -1 when the message names no frame. */
    public long framesBefore() {
        return framesBefore;
    }
}
