package io.sgemu.control.cli;

import io.sgemu.dataplane.capture.CaptureFormatException;
import io.sgemu.dataplane.capture.CapturedFrame;
import io.sgemu.dataplane.capture.FrameSource;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A replay's input that ends early once {@code stop} is counted down (SIGINT, SIGTERM): the replay then
 * finishes as at the end of its input, judging what it read and writing and closing every output, so that a
 * stopped replay leaves complete files. The latch is read once per frame (a volatile read).
 */
final class StoppableFrameSource implements FrameSource {

    private final FrameSource source;
    private final CountDownLatch stop;
    private long delivered;
    private boolean stopped;

    StoppableFrameSource(FrameSource source, CountDownLatch stop) {
        this.source = source;
        this.stop = stop;
    }

    @Override
    public boolean next(CapturedFrame frame) throws CaptureFormatException {
        if (stop.getCount() == 0) {
            stopped = true;
            return false;
        }
        boolean more = source.next(frame);
        if (more) {
            delivered++;
        }
        return more;
    }

    /** True when the input was cut short by the stop. */
    boolean stopped() {
        return stopped;
    }

    /** Frames handed to the replay. */
    long delivered() {
        return delivered;
    }

    @Override
    public double progress() {
        return source.progress();
    }

    @Override
    public List<String> warnings() {
        return source.warnings();
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
