package io.sgemu.bench.sweep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A sweep's CSV, as the report reads it: comment lines {@code # title:}, {@code # x: label (unit) [log]},
 * {@code # y: label (unit) [log]}, {@code # note:} lines, then a header {@code x,<series>...} and numeric
 * rows, an empty cell where a series has no point.
 */
public final class SweepCsv {

    private final String title;
    private final String x;
    private final String y;
    private final List<String> series;
    private final List<String> notes = new ArrayList<>();
    private final List<double[]> rows = new ArrayList<>();

    /**
     * {@code x} and {@code y}: "label (unit)", with " log" appended for a log scale, as in
     * {@code "rules per ENI (rules) log"}.
     */
    public SweepCsv(String title, String x, String y, String... series) {
        this.title = title;
        this.x = x;
        this.y = y;
        this.series = List.of(series);
    }

    public SweepCsv note(String text) {
        notes.add(text);
        return this;
    }

    /** One row: the x value and one value per series, {@code NaN} where there is no point. */
    public SweepCsv row(double xValue, double... values) {
        if (values.length != series.size()) {
            throw new IllegalArgumentException(values.length + " values for " + series.size() + " series");
        }
        double[] row = new double[values.length + 1];
        row[0] = xValue;
        System.arraycopy(values, 0, row, 1, values.length);
        rows.add(row);
        return this;
    }

    public Path write(Path file) {
        try (Writer w = Files.newBufferedWriter(file)) {
            w.write("# title: " + title + "\n");
            w.write("# x: " + x + "\n");
            w.write("# y: " + y + "\n");
            for (String n : notes) {
                w.write("# note: " + n + "\n");
            }
            w.write("x," + String.join(",", series) + "\n");
            for (double[] row : rows) {
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    if (i > 0) {
                        b.append(',');
                    }
                    b.append(number(row[i]));
                }
                w.write(b.append('\n').toString());
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A number as the CSV writes it: empty for NaN, integers without a fraction, else 4 significant digits. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.4g", v).trim();
    }
}
