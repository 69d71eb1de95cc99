package io.sgemu.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Markdown performance table of a run (measure | figure | baseline | ratio | command), the text that
 * goes into the README between its bench markers: every ratio-table row, every JMH result and every
 * latency distribution's median and tail, under one line that says where and how it was measured.
 */
public final class SummaryTable {

    private SummaryTable() {
    }

    /** One line of the table, cells as shown. */
    public record Row(String measure, String figure, String baseline, String ratio, String command) {
    }

    public static List<Row> rows(Results results) {
        List<Row> rows = new ArrayList<>();
        for (RatioTable t : results.ratios()) {
            for (RatioTable.Row r : t.rows()) {
                String command = r.command().isEmpty() ? results.commandFor(t.name()) : r.command();
                rows.add(new Row(context(t.title(), r.measure()), r.sgemu(), r.baseline(), r.ratio(), command));
            }
        }
        for (Results.JmhFile f : results.jmh()) {
            for (JmhResult r : f.results()) {
                String measure = r.shortName() + (r.params().isEmpty() ? "" : " (" + r.paramText() + ")")
                        + (r.threads() > 1 ? ", " + r.threads() + " threads" : "") + modeSuffix(r.mode());
                rows.add(new Row(measure, jmhFigure(r), "", "", results.commandFor(f.name())));
            }
        }
        for (LatencyDistribution d : results.latencies()) {
            String figure = "p50 " + Numbers.figure(d.valueAt(0.5)) + " " + d.unit() + ", p99 "
                    + Numbers.figure(d.valueAt(0.99)) + " " + d.unit() + ", max " + Numbers.figure(d.max()) + " " + d.unit();
            rows.add(new Row(d.title(), figure, "", "", results.commandFor(d.name())));
        }
        return rows;
    }

    /** The same benchmark may run in several modes (a throughput and a latency sample): say which. */
    static String modeSuffix(String mode) {
        return switch (mode) {
            case "thrpt" -> ", throughput";
            case "sample" -> ", sampled";
            case "ss" -> ", single shot";
            default -> "";
        };
    }

    /** {@code 37.2 ± 0.41 ns/op, 0 B/op}; sample mode adds its median and p99. */
    static String jmhFigure(JmhResult r) {
        StringBuilder b = new StringBuilder(Numbers.figure(r.score()));
        if (Double.isFinite(r.error())) {
            b.append(" ± ").append(Numbers.figure(r.error()));
        }
        b.append(' ').append(r.unit());
        Double p50 = r.percentiles().get("50.0");
        Double p99 = r.percentiles().get("99.0");
        if (p50 != null && p99 != null) {
            b.append(" (p50 ").append(Numbers.figure(p50)).append(", p99 ").append(Numbers.figure(p99)).append(')');
        }
        if (Double.isFinite(r.allocNorm())) {
            b.append(", ").append(Numbers.allocation(r.allocNorm())).append(' ').append(r.allocUnit());
        }
        return b.toString();
    }

    public static String markdown(Results results) {
        StringBuilder b = new StringBuilder();
        b.append(machineLine(results.machine())).append("\n\n");
        b.append("| measure | figure | baseline | ratio | command |\n");
        b.append("|---|---|---|---|---|\n");
        for (Row r : rows(results)) {
            b.append("| ").append(cell(r.measure())).append(" | ").append(cell(r.figure())).append(" | ")
                    .append(cell(r.baseline())).append(" | ").append(cell(r.ratio())).append(" | ")
                    .append(r.command().isEmpty() ? "" : "`" + r.command().replace("`", "'").replace("|", "\\|") + "`")
                    .append(" |\n");
        }
        List<Results.Step> failed = results.failedSteps();
        if (!failed.isEmpty()) {
            b.append("\nFailed steps (no figures): ")
                    .append(String.join(", ", failed.stream().map(Results.Step::name).toList())).append(".\n");
        }
        return b.toString();
    }

    /** "Measured 2026-11-27 13:20 UTC on <cpu>, 2 cores, 8 GB, Linux ..., JDK 25, commit abc1234 (quick run)." */
    static String machineLine(Map<String, Object> m) {
        List<String> parts = new ArrayList<>();
        add(parts, m, "cpu", "");
        add(parts, m, "cores", " cores");
        add(parts, m, "memory", "");
        add(parts, m, "os", "");
        add(parts, m, "jdk", "");
        StringBuilder b = new StringBuilder("Measured");
        if (m.get("timestamp") != null) {
            b.append(' ').append(m.get("timestamp"));
        }
        if (!parts.isEmpty()) {
            b.append(" on ").append(String.join(", ", parts));
        }
        if (m.get("git_commit") != null) {
            b.append(", commit ").append(m.get("git_commit"));
        }
        if ("quick".equals(String.valueOf(m.get("mode")))) {
            b.append(" (quick run: short iterations, small sizes)");
        }
        return cell(b.append('.').toString());
    }

    private static void add(List<String> parts, Map<String, Object> m, String key, String suffix) {
        Object v = m.get(key);
        if (v != null && !String.valueOf(v).isBlank()) {
            parts.add(v + suffix);
        }
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    /**
     * The measure with what it was measured on (the table title up to its first colon, e.g. "Verdict vs rules
     * per ENI: throughput vs reference"), so that rows of several tables with the same measure stay apart.
     */
    static String context(String title, String measure) {
        if (title == null || title.isBlank()) {
            return measure;
        }
        int colon = title.indexOf(':');
        String what = (colon > 0 ? title.substring(0, colon) : title).strip();
        return measure.toLowerCase(java.util.Locale.ROOT).contains(what.toLowerCase(java.util.Locale.ROOT)) ? measure
                : what + ": " + measure;
    }
}
