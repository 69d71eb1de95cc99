package io.sgemu.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Writes a run's outputs into its results directory: a PNG per sweep and per latency distribution, the
 * self-contained {@code report.html} (plots as data URIs, CSS inline, no network references) and
 * {@code summary.md}.
 */
public final class ReportWriter {

    public static final String HTML = "report.html";
    public static final String SUMMARY = "summary.md";

    private static final String CSS = """
            body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:1000px;color:#222;padding:0 1em}
            h1{font-size:1.6em}h2{font-size:1.3em;margin-top:2em;border-bottom:1px solid #ddd}h3{font-size:1.1em;margin-top:1.5em}
            table{border-collapse:collapse;margin:.6em 0;font-size:.9em}
            th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
            th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
            img{max-width:100%;border:1px solid #eee}
            .failed{background:#fde8e8;border:1px solid #e0a0a0;padding:.6em 1em}
            .failed td,.failed th{border-color:#e0a0a0}
            code{font-size:.9em;background:#f6f6f6;padding:0 .2em}
            ul.notes{color:#444}
            """;

    private final Results results;

    public ReportWriter(Results results) {
        this.results = results;
    }

    /** Writes everything; returns the path of report.html. */
    public Path write() throws IOException {
        Path dir = results.dir();
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>sgemu benchmarks ")
                .append(esc(dir.getFileName().toString())).append("</title>\n<style>\n").append(CSS).append("</style></head><body>\n");
        h.append("<h1>sgemu benchmarks, run ").append(esc(dir.getFileName().toString())).append("</h1>\n");
        failures(h);
        machine(h);
        summary(h);
        for (Sweep s : results.sweeps()) {
            sweep(h, s, dir);
        }
        if (!results.ratios().isEmpty()) {
            h.append("<h2>Against baselines</h2>\n");
            for (RatioTable t : results.ratios()) {
                ratio(h, t);
            }
        }
        jmh(h);
        if (!results.latencies().isEmpty()) {
            h.append("<h2>Latency distributions</h2>\n");
            for (LatencyDistribution d : results.latencies()) {
                latency(h, d, dir);
            }
        }
        steps(h);
        h.append("</body></html>\n");
        Path html = dir.resolve(HTML);
        Files.writeString(html, h, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(SUMMARY), SummaryTable.markdown(results), StandardCharsets.UTF_8);
        return html;
    }

    private void failures(StringBuilder h) {
        List<Results.Step> failed = results.failedSteps();
        if (failed.isEmpty() && results.problems().isEmpty()) {
            return;
        }
        h.append("<div class=\"failed\">\n");
        if (!failed.isEmpty()) {
            h.append("<p><strong>").append(failed.size()).append(failed.size() == 1 ? " step" : " steps")
                    .append(" failed</strong>; their figures are missing from this report or incomplete:</p>\n<table><tr><th>step</th><th>status</th><th>log</th></tr>\n");
            for (Results.Step s : failed) {
                h.append("<tr><td>").append(esc(s.name())).append("</td><td>").append(esc(s.status()))
                        .append("</td><td><a href=\"").append(esc(s.name())).append(".log\">").append(esc(s.name())).append(".log</a></td></tr>\n");
            }
            h.append("</table>\n");
        }
        if (!results.problems().isEmpty()) {
            h.append("<p><strong>Files that could not be read:</strong></p>\n<ul>\n");
            for (String p : results.problems()) {
                h.append("<li><code>").append(esc(p)).append("</code></li>\n");
            }
            h.append("</ul>\n");
        }
        h.append("</div>\n");
    }

    private void machine(StringBuilder h) {
        h.append("<h2>Machine</h2>\n");
        if (results.machine().isEmpty()) {
            h.append("<p>No machine.json in this run.</p>\n");
            return;
        }
        h.append("<table>\n");
        for (Map.Entry<String, Object> e : results.machine().entrySet()) {
            h.append("<tr><th>").append(esc(e.getKey().replace('_', ' '))).append("</th><td>")
                    .append(esc(String.valueOf(e.getValue()))).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private void summary(StringBuilder h) {
        List<SummaryTable.Row> rows = SummaryTable.rows(results);
        if (rows.isEmpty()) {
            return;
        }
        h.append("<h2>Summary</h2>\n<p>The table of <code>summary.md</code> (for the README: "
                + "<code>io.sgemu.bench.report.ReadmeTable README.md DIR</code>).</p>\n");
        h.append("<table><tr><th>measure</th><th>figure</th><th>baseline</th><th>ratio</th><th>command</th></tr>\n");
        for (SummaryTable.Row r : rows) {
            h.append("<tr><td>").append(esc(r.measure())).append("</td><td>").append(esc(r.figure())).append("</td><td>")
                    .append(esc(r.baseline())).append("</td><td class=\"num\">").append(esc(r.ratio())).append("</td><td><code>")
                    .append(esc(r.command())).append("</code></td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void sweep(StringBuilder h, Sweep s, Path dir) throws IOException {
        h.append("<h2 id=\"").append(esc(s.name())).append("\">").append(esc(s.title())).append("</h2>\n");
        byte[] png = Plot.of(s).png();
        Files.write(dir.resolve(s.name() + ".png"), png);
        image(h, png, s.title());
        notes(h, s.notes());
        h.append("<details><summary>data (").append(s.rows()).append(" rows, <code>").append(esc(s.name()))
                .append(".csv</code>)</summary>\n<table><tr><th>").append(esc(s.x().caption())).append("</th>");
        for (String name : s.seriesNames()) {
            h.append("<th>").append(esc(name)).append("</th>");
        }
        h.append("</tr>\n");
        for (int r = 0; r < s.rows(); r++) {
            h.append("<tr><td class=\"num\">").append(esc(Numbers.significant(s.xs()[r], 6))).append("</td>");
            for (double[] ys : s.ys()) {
                h.append("<td class=\"num\">").append(Double.isNaN(ys[r]) ? "" : esc(Numbers.significant(ys[r], 6))).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table></details>\n");
    }

    private static void ratio(StringBuilder h, RatioTable t) {
        h.append("<h3 id=\"").append(esc(t.name())).append("\">").append(esc(t.title())).append("</h3>\n");
        notes(h, t.notes());
        h.append("<table><tr><th>measure</th><th>sgemu</th><th>baseline</th><th>ratio</th><th>command</th></tr>\n");
        for (RatioTable.Row r : t.rows()) {
            h.append("<tr><td>").append(esc(r.measure())).append("</td><td class=\"num\">").append(esc(r.sgemu()))
                    .append("</td><td class=\"num\">").append(esc(r.baseline())).append("</td><td class=\"num\">")
                    .append(esc(r.ratio())).append("</td><td><code>").append(esc(r.command())).append("</code></td></tr>\n");
        }
        h.append("</table>\n");
    }

    private void jmh(StringBuilder h) {
        if (results.jmh().isEmpty()) {
            return;
        }
        h.append("<h2>JMH benchmarks</h2>\n<p>Error: JMH's 99.9% confidence half-width. Allocation: "
                + "<code>gc.alloc.rate.norm</code> of <code>-prof gc</code>.</p>\n");
        h.append("<table><tr><th>file</th><th>benchmark</th><th>mode</th><th>params</th><th>score</th><th>error</th>"
                + "<th>unit</th><th>alloc</th></tr>\n");
        for (Results.JmhFile f : results.jmh()) {
            for (JmhResult r : f.results()) {
                String score = Numbers.figure(r.score());
                if (r.percentiles().containsKey("50.0") && r.percentiles().containsKey("99.0")) {
                    score += " (p50 " + Numbers.figure(r.percentiles().get("50.0")) + ", p99 "
                            + Numbers.figure(r.percentiles().get("99.0")) + ")";
                }
                h.append("<tr><td>").append(esc(f.name())).append("</td><td>").append(esc(r.shortName()))
                        .append(r.threads() > 1 ? " (" + r.threads() + " threads)" : "").append("</td><td>")
                        .append(esc(r.mode())).append("</td><td>").append(esc(r.paramText())).append("</td><td class=\"num\">")
                        .append(esc(score)).append("</td><td class=\"num\">").append(esc(Numbers.figure(r.error())))
                        .append("</td><td>").append(esc(r.unit())).append("</td><td class=\"num\">")
                        .append(Double.isFinite(r.allocNorm()) ? esc(Numbers.significant(r.allocNorm(), 3) + " " + r.allocUnit()) : "")
                        .append("</td></tr>\n");
            }
        }
        h.append("</table>\n");
    }

    private static void latency(StringBuilder h, LatencyDistribution d, Path dir) throws IOException {
        h.append("<h3 id=\"").append(esc(d.name())).append("\">").append(esc(d.title())).append("</h3>\n");
        byte[] png = Plot.percentiles(d).png();
        Files.write(dir.resolve(d.name() + ".hgrm.png"), png);
        image(h, png, d.title());
        h.append("<table><tr>");
        double[] ps = {0.5, 0.9, 0.99, 0.999, 0.9999};
        String[] names = {"p50", "p90", "p99", "p99.9", "p99.99"};
        for (String n : names) {
            h.append("<th>").append(n).append("</th>");
        }
        h.append("<th>max</th><th>mean</th><th>count</th></tr>\n<tr>");
        for (double p : ps) {
            h.append("<td class=\"num\">").append(esc(Numbers.figure(d.valueAt(p)))).append("</td>");
        }
        h.append("<td class=\"num\">").append(esc(Numbers.figure(d.max()))).append("</td><td class=\"num\">")
                .append(esc(Numbers.figure(d.mean()))).append("</td><td class=\"num\">").append(d.totalCount())
                .append("</td></tr></table>\n<p>Values in ").append(esc(d.unit())).append(".</p>\n");
    }

    private void steps(StringBuilder h) {
        if (results.steps().isEmpty()) {
            return;
        }
        h.append("<h2>Steps</h2>\n<table><tr><th>step</th><th>status</th><th>seconds</th><th>command</th></tr>\n");
        for (Results.Step s : results.steps()) {
            h.append("<tr").append(s.failed() ? " class=\"failed\"" : "").append("><td>").append(esc(s.name()))
                    .append("</td><td>").append(esc(s.status())).append("</td><td class=\"num\">")
                    .append(esc(Numbers.significant(s.seconds(), 3))).append("</td><td><code>").append(esc(s.command()))
                    .append("</code></td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void image(StringBuilder h, byte[] png, String alt) {
        h.append("<p><img alt=\"").append(esc(alt)).append("\" width=\"").append(Plot.WIDTH).append("\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(png)).append("\"></p>\n");
    }

    private static void notes(StringBuilder h, List<String> notes) {
        if (notes.isEmpty()) {
            return;
        }
        h.append("<ul class=\"notes\">\n");
        for (String n : notes) {
            h.append("<li>").append(esc(n)).append("</li>\n");
        }
        h.append("</ul>\n");
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
