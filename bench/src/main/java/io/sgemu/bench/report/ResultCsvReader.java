package io.sgemu.bench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a results CSV (see the package description): its comment lines, header and rows. Strict about the
 * data (every number must parse, no row longer than the header), lenient about the comments (a missing
 * title is the file's name, an unknown {@code # key:} is ignored so that writers can add keys).
 */
public final class ResultCsvReader {

    private ResultCsvReader() {
    }

    public static ResultCsv read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(file, lines);
    }

    static ResultCsv parse(Path file, List<String> lines) {
        String name = baseName(file, ".csv");
        String title = null;
        String kind = "sweep";
        String command = "";
        AxisSpec x = null;
        AxisSpec y = null;
        List<String> notes = new ArrayList<>();
        List<String> header = null;
        int headerLine = 0;
        List<String[]> rows = new ArrayList<>();
        List<Integer> rowLines = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = lines.get(i);
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("#")) {
                String body = line.substring(1).strip();
                int colon = body.indexOf(':');
                if (colon <= 0 || header != null) {
                    continue; // free comment, or a comment among the rows: not part of the contract, ignored
                }
                String key = body.substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT);
                String value = body.substring(colon + 1).strip();
                switch (key) {
                    case "title" -> title = value;
                    case "note" -> notes.add(value);
                    case "kind" -> kind = value.toLowerCase(java.util.Locale.ROOT);
                    case "command" -> command = value;
                    case "x" -> x = axis(file, lineNo, value);
                    case "y" -> y = axis(file, lineNo, value);
                    default -> {
                        // unknown keys are allowed: a writer may say more than this report shows
                    }
                }
                continue;
            }
            List<String> cells = splitCells(file, lineNo, line);
            if (header == null) {
                header = cells;
                headerLine = lineNo;
            } else {
                if (cells.size() > header.size()) {
                    throw new ReportInputException(file, lineNo, cells.size() + " cells but the header (line "
                            + headerLine + ") has " + header.size() + " columns");
                }
                rows.add(cells.toArray(String[]::new));
                rowLines.add(lineNo);
            }
        }
        if (header == null) {
            throw new ReportInputException(file, lines.size(), "no header row (expected x,<series>,... after the # lines)");
        }
        if (title == null || title.isEmpty()) {
            title = name;
        }
        return switch (kind) {
            case "ratio" -> ratioTable(file, name, title, notes, command, header, headerLine, rows, rowLines);
            case "sweep" -> sweep(file, name, title, x, y, notes, header, headerLine, rows, rowLines);
            default -> throw new ReportInputException(file, "unknown '# kind: " + kind + "' (expected ratio, or no kind line for a sweep)");
        };
    }

    private static AxisSpec axis(Path file, int lineNo, String value) {
        AxisSpec axis = AxisSpec.parse(value);
        if (axis == null) {
            throw new ReportInputException(file, lineNo, "axis '" + value + "' is not of the form '<label> (<unit>) [log]'");
        }
        return axis;
    }

    private static Sweep sweep(Path file, String name, String title, AxisSpec x, AxisSpec y, List<String> notes,
                               List<String> header, int headerLine, List<String[]> rows, List<Integer> rowLines) {
        if (header.size() < 2) {
            throw new ReportInputException(file, headerLine, "the header needs x and at least one series column");
        }
        if (x == null) {
            x = new AxisSpec(header.get(0), "", false);
        }
        if (y == null) {
            y = new AxisSpec("value", "", false);
        }
        int series = header.size() - 1;
        double[] xs = new double[rows.size()];
        double[][] ys = new double[series][rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            String[] cells = rows.get(r);
            int lineNo = rowLines.get(r);
            if (cells[0].isBlank()) {
                throw new ReportInputException(file, lineNo, "empty x cell");
            }
            xs[r] = number(file, lineNo, cells[0], header.get(0), x.log());
            for (int s = 0; s < series; s++) {
                String cell = s + 1 < cells.length ? cells[s + 1] : "";
                ys[s][r] = cell.isBlank() ? Double.NaN : number(file, lineNo, cell, header.get(s + 1), y.log());
            }
        }
        return new Sweep(name, title, x, y, List.copyOf(notes), List.copyOf(header.subList(1, header.size())), xs, ys);
    }

    private static double number(Path file, int lineNo, String cell, String column, boolean log) {
        double v;
        try {
            v = Double.parseDouble(cell.strip());
        } catch (NumberFormatException e) {
            throw new ReportInputException(file, lineNo, "column '" + column + "': '" + cell + "' is not a number");
        }
        if (!Double.isFinite(v)) {
            throw new ReportInputException(file, lineNo, "column '" + column + "': '" + cell + "' is not a finite number");
        }
        if (log && v <= 0) {
            throw new ReportInputException(file, lineNo, "column '" + column + "': " + cell + " on a log axis (values must be > 0)");
        }
        return v;
    }

    private static RatioTable ratioTable(Path file, String name, String title, List<String> notes, String command,
                                         List<String> header, int headerLine, List<String[]> rows, List<Integer> rowLines) {
        List<String> expected = List.of("measure", "sgemu", "baseline", "ratio");
        List<String> got = header.stream().map(h -> h.strip().toLowerCase(java.util.Locale.ROOT)).toList();
        boolean withUnit = got.size() == 5 && got.get(4).equals("unit");
        boolean ok = (got.size() == 4 || got.size() == 5 && (got.get(4).equals("command") || withUnit))
                && got.subList(0, 4).equals(expected);
        if (!ok) {
            throw new ReportInputException(file, headerLine,
                    "a ratio table's header is measure,sgemu,baseline,ratio[,command|,unit], not " + String.join(",", header));
        }
        List<RatioTable.Row> out = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            String[] c = rows.get(r);
            if (c.length < 3 || c[0].isBlank()) {
                throw new ReportInputException(file, rowLines.get(r), "a ratio row needs at least measure, sgemu and baseline");
            }
            String ratio = c.length > 3 ? c[3].strip() : "";
            if (ratio.isEmpty()) {
                ratio = computedRatio(c[1], c[2]);
            }
            String unit = withUnit && c.length > 4 && !c[4].isBlank() ? " " + c[4].strip() : "";
            String rowCommand = !withUnit && c.length > 4 && !c[4].isBlank() ? c[4].strip() : command;
            out.add(new RatioTable.Row(c[0].strip(), c[1].strip() + unit, c[2].strip() + unit, ratio, rowCommand));
        }
        return new RatioTable(name, title, List.copyOf(notes), List.copyOf(out));
    }

    /** sgemu / baseline as {@code 0.47x} when both are plain numbers, else empty. */
    static String computedRatio(String sgemu, String baseline) {
        try {
            double a = Double.parseDouble(sgemu.strip());
            double b = Double.parseDouble(baseline.strip());
            if (b == 0 || !Double.isFinite(a / b)) {
                return "";
            }
            return Numbers.significant(a / b, 2) + "x";
        } catch (NumberFormatException e) {
            return "";
        }
    }

    /** Splits a CSV line; a cell may be double-quoted, with "" for a quote inside. */
    static List<String> splitCells(Path file, int lineNo, String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(ch);
                }
            } else if (ch == ',') {
                cells.add(wasQuoted ? cell.toString() : cell.toString().strip());
                cell.setLength(0);
                wasQuoted = false;
            } else if (ch == '"' && cell.toString().isBlank()) {
                quoted = true;
                wasQuoted = true;
                cell.setLength(0);
            } else {
                cell.append(ch);
            }
        }
        if (quoted) {
            throw new ReportInputException(file, lineNo, "unterminated quoted cell");
        }
        cells.add(wasQuoted ? cell.toString() : cell.toString().strip());
        return cells;
    }

    /** The file's name without the given suffix (the name the contract speaks of). */
    static String baseName(Path file, String suffix) {
        String n = file.getFileName().toString();
        return n.endsWith(suffix) ? n.substring(0, n.length() - suffix.length()) : n;
    }
}
