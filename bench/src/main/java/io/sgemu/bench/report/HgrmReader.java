package io.sgemu.bench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads HdrHistogram's percentile distribution text ({@code outputPercentileDistribution}, plain or CSV),
 * with the optional {@code # title:} and {@code # unit:} lines this package defines.
 */
public final class HgrmReader {

    private static final Pattern FOOTER_FIELD = Pattern.compile("([A-Za-z][A-Za-z ]*?)\\s*=\\s*([-+0-9.eE]+|NaN|Infinity)");

    private HgrmReader() {
    }

    public static LatencyDistribution read(Path file) {
        try {
            return parse(file, Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static LatencyDistribution parse(Path file, List<String> lines) {
        String name = ResultCsvReader.baseName(file, ".hgrm");
        String title = name;
        String unit = "µs";
        double mean = Double.NaN;
        double max = Double.NaN;
        long total = -1;
        List<LatencyDistribution.Point> points = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#[")) {
                // The footer: #[Mean    =        5.000, StdDeviation   =        2.887]
                Matcher m = FOOTER_FIELD.matcher(line);
                while (m.find()) {
                    String key = m.group(1).strip().toLowerCase(Locale.ROOT);
                    double v = Double.parseDouble(m.group(2));
                    switch (key) {
                        case "mean" -> mean = v;
                        case "max" -> max = v;
                        case "total count" -> total = (long) v;
                        default -> {
                        }
                    }
                }
                continue;
            }
            if (line.startsWith("#")) {
                String body = line.substring(1).strip();
                int colon = body.indexOf(':');
                if (colon > 0) {
                    String key = body.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                    String value = body.substring(colon + 1).strip();
                    if (key.equals("title") && !value.isEmpty()) {
                        title = value;
                    } else if (key.equals("unit") && !value.isEmpty()) {
                        unit = value;
                    }
                }
                continue;
            }
            if (line.startsWith("Value") || line.startsWith("\"Value\"")) {
                continue; // the column header
            }
            String[] cells = line.contains(",") ? line.split(",") : line.split("\\s+");
            if (cells.length < 3 || cells.length > 4) {
                throw new ReportInputException(file, lineNo, "expected 'value percentile count [1/(1-percentile)]', got '" + line + "'");
            }
            double value;
            double percentile;
            long count;
            try {
                value = Double.parseDouble(cells[0].strip());
                percentile = Double.parseDouble(cells[1].strip());
                count = Long.parseLong(cells[2].strip());
            } catch (NumberFormatException e) {
                throw new ReportInputException(file, lineNo, "not a percentile line: '" + line + "'");
            }
            if (percentile < 0 || percentile > 1 || !Double.isFinite(value)) {
                throw new ReportInputException(file, lineNo, "percentile " + cells[1].strip() + " is not between 0 and 1");
            }
            if (!points.isEmpty() && percentile < points.getLast().percentile()) {
                throw new ReportInputException(file, lineNo, "percentiles must not decrease");
            }
            points.add(new LatencyDistribution.Point(value, percentile, count));
        }
        if (points.isEmpty()) {
            throw new ReportInputException(file, lines.size(), "no percentile lines (expected HdrHistogram's outputPercentileDistribution text)");
        }
        if (total < 0) {
            total = points.getLast().count();
        }
        if (Double.isNaN(max)) {
            max = points.getLast().value();
        }
        return new LatencyDistribution(name, title, unit, List.copyOf(points), mean, max, total);
    }
}
