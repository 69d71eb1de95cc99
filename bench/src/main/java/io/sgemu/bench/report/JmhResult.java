package io.sgemu.bench.report;

import java.util.Map;

/**
 * One benchmark of a JMH JSON result file.
 *
 * @param benchmark   the benchmark method's full name
 * @param params      its {@code @Param} values, in the file's order
 * @param error       the score's error (99.9% confidence half-width), NaN when JMH had too few iterations
 * @param allocNorm   bytes allocated per operation ({@code gc.alloc.rate.norm} of {@code -prof gc}), NaN when absent
 * @param percentiles sample mode's score percentiles (keys as JMH writes them: "50.0", "99.0", ...), else empty
 */
public record JmhResult(String benchmark, String mode, int threads, Map<String, String> params, double score,
                        double error, String unit, double allocNorm, String allocUnit, Map<String, Double> percentiles) {

    /** {@code ConnTrackBenchmark.hit}: the class's simple name and the method. */
    public String shortName() {
        String[] parts = benchmark.split("\\.");
        return parts.length >= 2 ? parts[parts.length - 2] + "." + parts[parts.length - 1] : benchmark;
    }

    /** {@code liveEntries=1000000, family=4}, or empty. */
    public String paramText() {
        StringBuilder b = new StringBuilder();
        params.forEach((k, v) -> b.append(b.isEmpty() ? "" : ", ").append(k).append('=').append(v));
        return b.toString();
    }
}
