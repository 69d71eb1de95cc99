package io.sgemu.control.api;

/**
 * Something that reports metrics when scraped: it declares its families on the writer and writes their
 * samples. Called on a scrape thread, one scrape at a time ({@link AdminServer} serializes them), while the
 * dataplane runs: a source reads counters that other threads write, and says how (plain reads of
 * single-writer longs are fine for monotonic counters: a scrape may see a value slightly stale, never torn).
 */
@FunctionalInterface
public interface MetricsSource {

    void writeMetrics(MetricsWriter out);

    /** The sources' metrics one after the other (their family names must differ). */
    static MetricsSource of(MetricsSource... sources) {
        MetricsSource[] copy = sources.clone();
        return out -> {
            for (MetricsSource s : copy) {
                s.writeMetrics(out);
            }
        };
    }
}
