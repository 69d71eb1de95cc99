package io.sgemu.bench.report;

import java.util.List;

/**
 * A sweep read from {@code <name>.csv}: x values and, per series, a y value per row ({@code NaN} where the
 * cell was empty).
 */
public record Sweep(String name, String title, AxisSpec x, AxisSpec y, List<String> notes, List<String> seriesNames,
                    double[] xs, double[][] ys) implements ResultCsv {

    /** The number of rows. */
    public int rows() {
        return xs.length;
    }
}
