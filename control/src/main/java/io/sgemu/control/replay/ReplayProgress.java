package io.sgemu.control.replay;

/**
 * Told how far a replay has come, from the reading thread, every {@link #EVERY_FRAMES} frames and once at
 * the end. Implementations must be cheap: they run between frames.
 */
public interface ReplayProgress {

    /** How often {@link #update} is called, in frames (a power of two). */
    int EVERY_FRAMES = 1 << 14;

    /** Reports nothing. */
    ReplayProgress NONE = new ReplayProgress() {
        @Override
        public void update(long frames, double fraction) {
        }

        @Override
        public void done(long frames) {
        }
    };

    /**
     * @param frames   frames read so far
     * @param fraction share of the input consumed, 0 to 1, or -1 when the input cannot tell
     */
    void update(long frames, double fraction);

    /** The input is read to its end (or to the point where it broke off). */
    void done(long frames);
}
