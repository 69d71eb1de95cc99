package io.sgemu.control.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The progress bar's rendering and timing, on a clock the test moves. */
class ProgressBarTest {

    static final long MS = 1_000_000L;

    /** A clock the test sets, and what the bar wrote. */
    static final class Harness {
        long now = 1_000 * MS;
        final StringWriter text = new StringWriter();
        final ProgressBar bar;

        Harness(boolean immediately) {
            bar = new ProgressBar(new PrintWriter(text), () -> now, immediately);
        }

        /** Moves the clock on, reports, and answers what was written by that report. */
        String update(long afterMs, long frames, double fraction) {
            now += afterMs * MS;
            int before = text.getBuffer().length();
            bar.update(frames, fraction);
            return text.getBuffer().substring(before);
        }
    }

    @Test
    void nothingIsShownInTheFirstTwoSeconds() {
        Harness h = new Harness(false);
        assertThat(h.update(500, 16_384, 0.1)).isEmpty();
        assertThat(h.update(1_499, 32_768, 0.2)).isEmpty();
        assertThat(h.update(1, 49_152, 0.25)).isEqualTo(
                "\r[######------------------]  25%  49,152 packets  24.6k pkt/s  ETA 0:06");
    }

    @Test
    void redrawsAtMostFiveTimesASecondAndPadsAShorterLine() {
        Harness h = new Harness(false);
        assertThat(h.update(2_000, 2_000_000, 0.5)).isEqualTo(
                "\r[############------------]  50%  2,000,000 packets  1.00M pkt/s  ETA 0:02");
        assertThat(h.update(100, 2_016_384, 0.51)).as("100 ms after the last redraw").isEmpty();
        assertThat(h.update(99, 2_032_768, 0.52)).as("199 ms after the last redraw").isEmpty();
        String next = h.update(1, 2_049_152, 0.99);
        assertThat(next).startsWith("\r[#######################-]  99%  2,049,152 packets  931.4k pkt/s  ETA 0:00");
        // Without an ETA the text is shorter: blanks cover the rest of the previous line.
        String unknown = h.update(200, 10, -1);
        assertThat(unknown).isEqualTo("\r10 packets  4 pkt/s" + " ".repeat(next.length() - "\r10 packets  4 pkt/s".length()));
    }

    @Test
    void theEndReplacesTheBarWithAFinalLine() {
        Harness h = new Harness(false);
        h.update(3_000, 300_000, 0.75);
        int before = h.text.getBuffer().length();
        h.now += 1_000 * MS;
        h.bar.done(400_000);
        String end = h.text.getBuffer().substring(before);
        assertThat(end).startsWith("\r400,000 packets in 0:04, 100.0k pkt/s").endsWith("\n");
        // Padded over the bar, so no character of it is left on the line.
        assertThat(end.length() - 2).isEqualTo(
                "[##################------]  75%  300,000 packets  100.0k pkt/s  ETA 0:01".length());
    }

    @Test
    void aShortRunPrintsNothingAtAll() {
        Harness h = new Harness(false);
        h.update(1_000, 16_384, 0.9);
        h.now += 500 * MS;
        h.bar.done(18_000);
        assertThat(h.text.toString()).isEmpty();
    }

    @Test
    void forcedItDrawsFromTheFirstUpdateAndAlwaysEndsWithTheFinalLine() {
        Harness h = new Harness(true);
        assertThat(h.update(100, 16_384, 0.5)).startsWith("\r[############------------]  50%  16,384 packets");
        Harness quiet = new Harness(true);
        quiet.now += 250 * MS;
        quiet.bar.done(12);
        assertThat(quiet.text.toString()).isEqualTo("\r12 packets in 0:00, 48 pkt/s\n");
    }

    @Test
    void ratesAndDurationsAreShort() {
        assertThat(ProgressBar.rate(950, 1_000 * MS)).isEqualTo("950");
        assertThat(ProgressBar.rate(12_345, 1_000 * MS)).isEqualTo("12.3k");
        assertThat(ProgressBar.rate(2_500_000, 2_000 * MS)).isEqualTo("1.25M");
        assertThat(ProgressBar.rate(10, 0)).isEqualTo("0");
        assertThat(ProgressBar.duration(59_400 * MS)).isEqualTo("0:59");
        assertThat(ProgressBar.duration(61_000 * MS)).isEqualTo("1:01");
        assertThat(ProgressBar.duration(3_723_000 * MS)).isEqualTo("1:02:03");
    }
}
