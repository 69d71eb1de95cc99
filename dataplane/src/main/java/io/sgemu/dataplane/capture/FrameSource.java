package io.sgemu.dataplane.capture;

import java.io.IOException;
import java.util.List;

/**
 * Where a replay's frames come from: a capture file ({@link CaptureReader}) or frames made on the fly
 * (for example packets synthesized from flow-log records). Frames are handed out in order, each in the
 * caller's reusable {@link CapturedFrame}, valid until the next call.
 *
 * <p>Errors follow the capture reader's rule: the frames before a broken spot are delivered first, then
 * {@link #next} throws a {@link CaptureFormatException} naming the input and the place, and keeps
 * throwing it. Not thread-safe.
 */
public interface FrameSource extends AutoCloseable {

    /**
     * Fills {@code frame} with the next frame.
     *
     * @return false at the end of the input
     */
    boolean next(CapturedFrame frame) throws CaptureFormatException;

    /** How much of the input is consumed, from 0 to 1, for progress reports; -1 when it cannot be told. */
    double progress();

    /**
     * Problems of the input that did not stop it, one line each, naming the input and the first frame
     * concerned (e.g. frames read although their lengths disagreed); empty when there were none.
     */
    default List<String> warnings() {
        return List.of();
    }

    @Override
    void close() throws IOException;
}
