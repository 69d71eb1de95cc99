package io.sgemu.control.replay;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar for a terminal, redrawn in place with {@code '\r'}:
 * <pre>[#########---------------]  38%  1,234,567 packets  812.4k pkt/s  ETA 0:04</pre>
 * It stays silent for the first {@link #DELAY_NANOS} (a short replay prints nothing), then redraws at most
 * every {@link #REDRAW_NANOS}. When the input cannot tell how much of it is consumed, percent and ETA are
 * left out. At the end a bar that was shown is replaced by a final line ended by a newline
 * ({@code 1,234,567 packets in 0:12, 98.1k pkt/s}), so whatever is printed next starts on a clean line.
 *
 * <p>The clock is given, so that tests can drive it. Calls come from the reading thread.
 */
public final class ProgressBar implements ReplayProgress {

    /** Nothing is shown for runs shorter than this. */
    public static final long DELAY_NANOS = 2_000_000_000L;
    /** At most five redraws a second. */
    public static final long REDRAW_NANOS = 200_000_000L;
    static final int BAR_WIDTH = 24;

    private final PrintWriter out;
    private final LongSupplier clock;
    private final long start;
    private final long delay;
    private boolean shown;
    private long lastDraw;
    private int lastLength;

    /**
     * @param out         where to draw (standard error)
     * @param nanoClock   a monotonic clock in nanoseconds ({@code System::nanoTime})
     * @param immediately draw from the first update on, without waiting {@link #DELAY_NANOS}
     */
    public ProgressBar(PrintWriter out, LongSupplier nanoClock, boolean immediately) {
        this.out = out;
        this.clock = nanoClock;
        this.start = nanoClock.getAsLong();
        this.delay = immediately ? 0 : DELAY_NANOS;
        this.shown = false;
    }

    @Override
    public void update(long frames, double fraction) {
        long now = clock.getAsLong();
        long elapsed = now - start;
        if (elapsed < delay || shown && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        draw(line(frames, fraction, elapsed));
        shown = true;
        lastDraw = now;
    }

    @Override
    public void done(long frames) {
        if (!shown && delay > 0) {
            return; // a short run: nothing was shown, nothing to tidy
        }
        long elapsed = clock.getAsLong() - start;
        draw(String.format(Locale.ROOT, "%,d packets in %s, %s pkt/s", frames, duration(elapsed),
                rate(frames, elapsed)));
        out.print('\n');
        out.flush();
        shown = false;
        lastLength = 0;
    }

    /** The text of the bar for this state, without the carriage return. */
    static String line(long frames, double fraction, long elapsedNanos) {
        StringBuilder s = new StringBuilder(96);
        boolean known = fraction >= 0;
        if (known) {
            double f = Math.min(1.0, fraction);
            int filled = (int) Math.floor(f * BAR_WIDTH);
            s.append('[').append("#".repeat(filled)).append("-".repeat(BAR_WIDTH - filled)).append("] ")
                    .append(String.format(Locale.ROOT, "%3d%%  ", (int) Math.floor(f * 100)));
        }
        s.append(String.format(Locale.ROOT, "%,d packets  %s pkt/s", frames, rate(frames, elapsedNanos)));
        if (known && fraction > 0 && fraction < 1) {
            long remaining = (long) (elapsedNanos * (1 - fraction) / fraction);
            s.append("  ETA ").append(duration(remaining));
        }
        return s.toString();
    }

    /** Packets per second, short: 950, 12.3k, 1.23M. */
    static String rate(long frames, long elapsedNanos) {
        double perSecond = elapsedNanos <= 0 ? 0 : frames * 1e9 / elapsedNanos;
        if (perSecond < 1_000) {
            return String.format(Locale.ROOT, "%.0f", perSecond);
        }
        if (perSecond < 1_000_000) {
            return String.format(Locale.ROOT, "%.1fk", perSecond / 1e3);
        }
        return String.format(Locale.ROOT, "%.2fM", perSecond / 1e6);
    }

    /** m:ss, or h:mm:ss from an hour on. */
    static String duration(long nanos) {
        long seconds = Math.max(0, (nanos + 500_000_000L) / 1_000_000_000L);
        long h = seconds / 3600;
        long m = seconds / 60 % 60;
        long sec = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec)
                : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }

    /** Overwrites the current line; a shorter text is padded so no characters of the last one remain. */
    private void draw(String text) {
        out.print('\r');
        out.print(text);
        if (text.length() < lastLength) {
            out.print(" ".repeat(lastLength - text.length()));
        }
        lastLength = text.length();
        out.flush();
    }
}
