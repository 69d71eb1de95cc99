package io.sgemu.control.api;

import java.util.Objects;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * The ingest-to-verdict latency of the packets judged since the previous scrape, as gauges: {@value #WINDOW}
 * ({@code quantile} = 0.5|0.9|0.99|0.999; NaN when the window judged nothing) and {@value #WINDOW_COUNT}. The
 * cumulative summary ({@link PipelineMetrics#LATENCY}) answers "since start", which hides a server that slows
 * down after an hour behind the hour it ran well; the window shows each interval on its own.
 *
 * <p>The window is the difference of two cumulative histograms: the one of this scrape minus the one kept from
 * the previous scrape. It is the window of whoever scrapes: two scrapers share it (each sees the packets since
 * the other's last scrape), so one scraper, at a steady interval, gets comparable windows. Gauges, not a
 * summary: a summary's count only grows, a window's does not. Scrapes are serialized by the
 * {@link AdminServer}; {@link #writeMetrics} is synchronized all the same.
 */
public final class LatencyWindow implements MetricsSource {

    public static final String WINDOW = "sgemu_ingest_latency_window_seconds";
    public static final String WINDOW_COUNT = "sgemu_ingest_latency_window_count";
    private static final String[] QUANTILE_TEXT = {"0.5", "0.9", "0.99", "0.999"};

    private final Supplier<? extends Histogram> cumulative;
    private Histogram previous;

    /**
     * @param cumulative every latency since start, in nanoseconds, as a histogram the caller then owns (the live
     *                   dataplane's {@code latency()::cumulative}, {@link io.sgemu.dataplane.io.IngestLatency})
     */
    public LatencyWindow(Supplier<? extends Histogram> cumulative) {
        this.cumulative = Objects.requireNonNull(cumulative, "cumulative");
    }

    @Override
    public synchronized void writeMetrics(MetricsWriter out) {
        Histogram now = cumulative.get(); // a copy we own
        write(out, window(now, previous));
        previous = now;
    }

    /** The values of {@code now} not in {@code before} (both cumulative, {@code before} taken earlier; null: none). */
    static Histogram window(Histogram now, Histogram before) {
        Histogram w = now.copy();
        if (before != null) {
            w.subtract(before);
        }
        return w;
    }

    /** Writes the two families from a histogram of nanoseconds. */
    static void write(MetricsWriter out, Histogram nanos) {
        long count = nanos.getTotalCount();
        out.gauge(WINDOW, "Ingest-to-verdict latency of the packets judged since the previous scrape, per quantile.");
        for (int q = 0; q < MetricsWriter.QUANTILES.length; q++) {
            out.sample(count == 0 ? Double.NaN : nanos.getValueAtPercentile(MetricsWriter.QUANTILES[q] * 100.0) * 1e-9,
                    "quantile", QUANTILE_TEXT[q]);
        }
        out.gauge(WINDOW_COUNT, "Packets judged since the previous scrape (the window of the latency quantiles).");
        out.sample(count);
    }
}
