package io.sgemu.bench.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A reader of the sweep files' contract, checking as it reads. */
final class SweepFiles {

    /** A sweep CSV: its comment fields, notes, header and rows (NaN for an empty cell). */
    record Sweep(Map<String, String> fields, List<String> notes, List<String> header, List<double[]> rows) {
    }

    /** A ratio table's rows. */
    record Ratio(String measure, double sgemu, double baseline, double ratio, String unit) {
    }

    private SweepFiles() {
    }

    static boolean isRatio(Path file) throws IOException {
        return Files.readAllLines(file).contains("# kind: ratio");
    }

    static Sweep readSweep(Path file) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        List<String> header = null;
        List<double[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("# ")) {
                assertThat(header).as("%s: comment after the header: %s", file, line).isNull();
                int colon = line.indexOf(':');
                assertThat(colon).as("%s: comment without a key: %s", file, line).isPositive();
                String key = line.substring(2, colon);
                String value = line.substring(colon + 1).trim();
                if (key.equals("note")) {
                    notes.add(value);
                } else {
                    fields.put(key, value);
                }
            } else if (header == null) {
                header = List.of(line.split(",", -1));
                assertThat(header.get(0)).as("%s: the first column", file).isEqualTo("x");
                assertThat(header.size()).as("%s: series", file).isGreaterThan(1);
            } else {
                String[] cells = line.split(",", -1);
                assertThat(cells).as("%s: row %s against header %s", file, line, header).hasSize(header.size());
                double[] row = new double[cells.length];
                for (int i = 0; i < cells.length; i++) {
                    row[i] = cells[i].isEmpty() ? Double.NaN : Double.parseDouble(cells[i]);
                }
                assertThat(cells[0]).as("%s: x of row %s", file, line).isNotEmpty();
                rows.add(row);
            }
        }
        assertThat(fields).as("%s: title, x and y", file).containsKeys("title", "x", "y");
        for (String axis : List.of("x", "y")) {
            assertThat(fields.get(axis)).as("%s: %s axis 'label (unit) [log]'", file, axis)
                    .matches("[^()]+ \\([^()]+\\)( log)?");
        }
        assertThat(header).as("%s: a header", file).isNotNull();
        return new Sweep(fields, notes, header, rows);
    }

    static List<Ratio> readRatios(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(0)).as("%s: first line", file).isEqualTo("# kind: ratio");
        assertThat(lines).as("%s: a title", file).anyMatch(l -> l.startsWith("# title: "));
        assertThat(lines).as("%s: a note saying the ratio's direction", file).anyMatch(l -> l.startsWith("# note: ratio"));
        int h = lines.indexOf("measure,sgemu,baseline,ratio,unit");
        assertThat(h).as("%s: the header", file).isPositive();
        List<Ratio> out = new ArrayList<>();
        for (String line : lines.subList(h + 1, lines.size())) {
            String[] c = line.split(",", -1);
            assertThat(c).as("%s: row %s", file, line).hasSize(5);
            out.add(new Ratio(c[0], Double.parseDouble(c[1]), Double.parseDouble(c[2]), Double.parseDouble(c[3]), c[4]));
        }
        return out;
    }
}
