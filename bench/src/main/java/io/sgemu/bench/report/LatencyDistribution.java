package io.sgemu.bench.report;

import java.util.List;

/**
 * A latency distribution read from a {@code .hgrm} file: HdrHistogram's percentile lines and its footer.
 *
 * @param unit  the unit of the printed values ({@code µs} unless the file says otherwise)
 * @param mean  the footer's mean, NaN when absent; likewise max
 * @param totalCount the footer's total count, or the last line's count when there is no footer
 */
public record LatencyDistribution(String name, String title, String unit, List<Point> points, double mean, double max,
                                  long totalCount) {

    /** One line of the distribution: {@code value} at {@code percentile} (0..1), {@code count} values so far. */
    public record Point(double value, double percentile, long count) {
    }

    /** The value at the first line whose percentile reaches {@code p} (0..1), as HdrHistogram reports it. */
    public double valueAt(double p) {
        for (Point point : points) {
            if (point.percentile() >= p) {
                return point.value();
            }
        }
        return points.getLast().value();
    }
}
