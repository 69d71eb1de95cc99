package io.sgemu.control.api;

import org.HdrHistogram.AbstractHistogram;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes metrics in the Prometheus text exposition format, version 0.0.4: per family a {@code # HELP} and a
 * {@code # TYPE} line, then its samples {@code name{label="value",...} value}, one per line.
 *
 * <p>A source declares a family ({@link #counter}, {@link #gauge}, {@link #summary}) and then writes that
 * family's samples; a sample belongs to the family declared last. The writer checks what a scraper would
 * reject: metric and label names, a family declared twice, a sample outside its family, the same series
 * twice (an {@link IllegalArgumentException}: a bug in the source, answered as a failed scrape rather than
 * as silently wrong data). Label values and help texts are escaped as the format asks.
 *
 * <p>Not thread-safe: one writer per scrape. Scrapes are rare, so the writer favours checks over speed.
 */
public final class MetricsWriter {

    /** The {@code Content-Type} of the exposition. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** The quantiles of a {@link #summary(AbstractHistogram, double, String...)}. */
    public static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};
    private static final String[] QUANTILE_TEXT = {"0.5", "0.9", "0.99", "0.999"};

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /** The family types this writer writes. */
    public enum Type {
        COUNTER("counter"), GAUGE("gauge"), SUMMARY("summary");

        private final String text;

        Type(String text) {
            this.text = text;
        }
    }

    private final StringBuilder out;
    private final Set<String> families = new HashSet<>();
    private final Set<String> series = new HashSet<>();
    private final StringBuilder key = new StringBuilder();
    private String family;
    private Type type;

    public MetricsWriter(StringBuilder out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    /** The exposition of one source, as a string. */
    public static String render(MetricsSource source) {
        StringBuilder sb = new StringBuilder(4096);
        source.writeMetrics(new MetricsWriter(sb));
        return sb.toString();
    }

    // ---------------------------------------------------------------- families

    /** Declares a counter; its name ends with {@code _total} (samples carry that name). */
    public MetricsWriter counter(String name, String help) {
        if (!name.endsWith("_total")) {
            throw new IllegalArgumentException("a counter's name ends with _total: " + name);
        }
        return declare(name, help, Type.COUNTER);
    }

    public MetricsWriter gauge(String name, String help) {
        return declare(name, help, Type.GAUGE);
    }

    /** Declares a summary: samples with a {@code quantile} label, then {@code NAME_sum} and {@code NAME_count}. */
    public MetricsWriter summary(String name, String help) {
        return declare(name, help, Type.SUMMARY);
    }

    private MetricsWriter declare(String name, String help, Type t) {
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a metric name: '" + name + "'");
        }
        if (!families.add(name)) {
            throw new IllegalArgumentException("metric family declared twice: " + name);
        }
        family = name;
        type = t;
        out.append("# HELP ").append(name).append(' ');
        escapeHelp(help, out);
        out.append('\n');
        out.append("# TYPE ").append(name).append(' ').append(t.text).append('\n');
        return this;
    }

    // ---------------------------------------------------------------- samples

    /**
     * A sample of the current counter or gauge.
     *
     * @param labels label names and values, alternating ({@code "eni", "eni-1", "stage", "sg-egress"})
     */
    public MetricsWriter sample(long value, String... labels) {
        begin("", labels);
        out.append(' ').append(value).append('\n');
        return this;
    }

    /** As {@link #sample(long, String...)} with a real value ({@code NaN} and infinities as the format spells them). */
    public MetricsWriter sample(double value, String... labels) {
        begin("", labels);
        out.append(' ');
        number(value, out);
        out.append('\n');
        return this;
    }

    /**
     * The samples of the current summary from an HdrHistogram: {@link #QUANTILES}, {@code _sum} and
     * {@code _count}. The histogram holds every value since start (a summary's sum and count only grow).
     * HdrHistogram keeps no exact sum: {@code _sum} is its mean times its count, within the histogram's precision.
     *
     * @param scale multiplies recorded values into the exposed unit (1e-9 for nanoseconds exposed as seconds)
     */
    public MetricsWriter summary(AbstractHistogram h, double scale, String... labels) {
        if (type != Type.SUMMARY) {
            throw new IllegalStateException("quantiles belong to a summary; the current family is " + family);
        }
        for (int i = 0; i < labels.length; i += 2) {
            if ("quantile".equals(labels[i])) {
                throw new IllegalArgumentException("'quantile' is the summary's own label (metric " + family + ")");
            }
        }
        String[] withQuantile = new String[labels.length + 2];
        System.arraycopy(labels, 0, withQuantile, 0, labels.length);
        withQuantile[labels.length] = "quantile";
        long count = h.getTotalCount();
        for (int q = 0; q < QUANTILES.length; q++) {
            withQuantile[labels.length + 1] = QUANTILE_TEXT[q];
            begin("", withQuantile);
            out.append(' ');
            number(count == 0 ? Double.NaN : h.getValueAtPercentile(QUANTILES[q] * 100.0) * scale, out);
            out.append('\n');
        }
        begin("_sum", labels);
        out.append(' ');
        number(count == 0 ? 0.0 : h.getMean() * count * scale, out);
        out.append('\n');
        begin("_count", labels);
        out.append(' ').append(count).append('\n');
        return this;
    }

    private void begin(String suffix, String[] labels) {
        if (family == null) {
            throw new IllegalStateException("a sample before any metric family was declared");
        }
        if ((labels.length & 1) != 0) {
            throw new IllegalArgumentException("labels come in name/value pairs; got " + labels.length + " strings");
        }
        key.setLength(0);
        key.append(family).append(suffix).append('{');
        for (int i = 0; i < labels.length; i += 2) {
            String name = labels[i];
            if (!LABEL_NAME.matcher(name).matches() || name.startsWith("__")) {
                throw new IllegalArgumentException("not a label name: '" + name + "' (metric " + family + ")");
            }
            for (int j = 0; j < i; j += 2) {
                if (labels[j].equals(name)) {
                    throw new IllegalArgumentException("label " + name + " given twice (metric " + family + ")");
                }
            }
            if (i > 0) {
                key.append(',');
            }
            key.append(name).append("=\"");
            escapeLabelValue(Objects.requireNonNull(labels[i + 1], "label value"), key);
            key.append('"');
        }
        key.append('}');
        String k = key.toString();
        if (!series.add(k)) {
            throw new IllegalArgumentException("the series " + k + " was written twice");
        }
        if (labels.length == 0) {
            out.append(family).append(suffix);
        } else {
            out.append(k);
        }
    }

    // ---------------------------------------------------------------- escaping

    /** Label values: backslash, double quote and line feed are escaped ({@code \\}, {@code \"}, {@code \n}). */
    static void escapeLabelValue(String v, StringBuilder sb) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c);
            }
        }
    }

    /** Help text: backslash and line feed are escaped. */
    static void escapeHelp(String v, StringBuilder sb) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c);
            }
        }
    }

    static void number(double v, StringBuilder sb) {
        if (Double.isNaN(v)) {
            sb.append("NaN");
        } else if (Double.isInfinite(v)) {
            sb.append(v > 0 ? "+Inf" : "-Inf");
        } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            sb.append((long) v);
        } else {
            sb.append(v);
        }
    }
}
