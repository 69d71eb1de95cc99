package io.sgemu.dataplane.capture;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Frames whose record headers disagree with themselves or with the file, but whose bytes are all there:
 * they are read (nothing is lost) and counted here, by kind, with the first one's frame number, so that a
 * replay can warn about them once per kind rather than once per frame.
 */
public final class CaptureWarnings {

    /** What a frame's lengths got wrong, and what the reader did about it. */
    public enum Kind {
        /**
         * More bytes captured than the file's (or interface's) snapshot length allows. libpcap reads such
         * frames too (old capture tools wrote a wrong snapshot length); the frame is read with all its bytes.
         */
        ABOVE_SNAPSHOT_LENGTH("a captured length above the snapshot length", "read whole"),
        /** More bytes captured than the frame had on the wire: the original length is raised to the captured one. */
        ABOVE_ORIGINAL_LENGTH("a captured length above the original length",
                "original length taken to be the captured length"),
        /**
         * A pcapng packet block whose captured length runs past the block's own end (the block itself is
         * sound, so the file goes on): the frame is read with the bytes its block holds.
         */
        BEYOND_BLOCK("a captured length beyond the end of their packet block", "read with the bytes the block holds");

        private final String what;
        private final String action;

        Kind(String what, String action) {
            this.what = what;
            this.action = action;
        }
    }

    private final long[] counts = new long[Kind.values().length];
    private final long[] firstFrame = new long[Kind.values().length];
    private final long[] firstOffset = new long[Kind.values().length];
    private final String[] firstDetail = new String[Kind.values().length];

    void note(Kind kind, long frameNumber, long offset, String detail) {
        int k = kind.ordinal();
        if (counts[k]++ == 0) {
            firstFrame[k] = frameNumber;
            firstOffset[k] = offset;
            firstDetail[k] = detail;
        }
    }

    /** How many frames had this problem. */
    public long count(Kind kind) {
        return counts[kind.ordinal()];
    }

    /** The number of the first frame that had it, or 0. */
    public long firstFrame(Kind kind) {
        return firstFrame[kind.ordinal()];
    }

    /** True when no frame had any problem. */
    public boolean isEmpty() {
        for (long c : counts) {
            if (c != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * One line per kind seen, e.g. {@code "trace.pcap: 3 frames with a captured length above the snapshot
     * length (first: frame 7 at offset 1234: 1600 bytes, snapshot length 1500); read whole"}.
     */
    public List<String> messages(Path file) {
        List<String> out = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            int k = kind.ordinal();
            if (counts[k] == 0) {
                continue;
            }
            out.add(file + ": " + counts[k] + (counts[k] == 1 ? " frame with " : " frames with ") + kind.what
                    + " (first: frame " + firstFrame[k] + " at offset " + firstOffset[k] + ": " + firstDetail[k] + "); "
                    + kind.action);
        }
        return out;
    }
}
