package io.sgemu.bench.sweep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A ratio table: {@code # kind: ratio}, {@code # title:}, notes, then {@code measure,sgemu,baseline,ratio,unit}
 * rows. The ratio is a speed-up, higher is better for sgemu: sgemu / baseline for rates (higher is better),
 * baseline / sgemu for times and sizes (lower is better).
 */
public final class RatioTable {

    private final String title;
    private final List<String> notes = new ArrayList<>();
    private final List<String> rows = new ArrayList<>();

    public RatioTable(String title) {
        this.title = title;
        notes.add("ratio = speed-up of sgemu over the baseline, higher is better: sgemu / baseline for rates, "
                + "baseline / sgemu for times");
    }

    public RatioTable note(String text) {
        notes.add(text);
        return this;
    }

    /** A rate (higher is better): ratio = sgemu / baseline. */
    public RatioTable rate(String measure, double sgemu, double baseline, String unit) {
        return row(measure, sgemu, baseline, sgemu / baseline, unit);
    }

    /** A time or size (lower is better): ratio = baseline / sgemu. */
    public RatioTable time(String measure, double sgemu, double baseline, String unit) {
        return row(measure, sgemu, baseline, baseline / sgemu, unit);
    }

    private RatioTable row(String measure, double sgemu, double baseline, double ratio, String unit) {
        if (measure.contains(",") || unit.contains(",")) {
            throw new IllegalArgumentException("no commas in a measure or unit: " + measure);
        }
        if (Double.isNaN(sgemu) || Double.isNaN(baseline) || sgemu <= 0 || baseline <= 0) {
            return this; // no figure, no row
        }
        rows.add(measure + "," + SweepCsv.number(sgemu) + "," + SweepCsv.number(baseline) + ","
                + SweepCsv.number(ratio) + "," + unit);
        return this;
    }

    public int size() {
        return rows.size();
    }

    public Path write(Path file) {
        try (Writer w = Files.newBufferedWriter(file)) {
            w.write("# kind: ratio\n");
            w.write("# title: " + title + "\n");
            for (String n : notes) {
                w.write("# note: " + n + "\n");
            }
            w.write("measure,sgemu,baseline,ratio,unit\n");
            for (String r : rows) {
                w.write(r + "\n");
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
