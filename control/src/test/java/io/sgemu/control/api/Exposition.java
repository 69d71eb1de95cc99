package io.sgemu.control.api;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format 0.0.4, for tests: every line is a HELP, a TYPE or a sample
 * {@code name{labels} value}; names are valid; a family's HELP and TYPE come before its samples, and its samples
 * are together; a sample's name is its family's (a counter's ends in _total; a summary adds _sum and _count and a
 * quantile label); no series appears twice. Answers the samples by series key {@code name{a="x",b="y"}} (labels
 * sorted, values unescaped).
 */
public final class Exposition {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern HELP = Pattern.compile("# HELP ([^ ]+) (.*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE ([^ ]+) (counter|gauge|summary|histogram|untyped)");

    public final Map<String, Double> samples = new LinkedHashMap<>();
    final Map<String, String> types = new LinkedHashMap<>();
    final Map<String, String> help = new LinkedHashMap<>();
    /** Label maps of each sample, in order, with the sample name under key "__name__". */
    final List<Map<String, String>> labelSets = new ArrayList<>();

    public static Exposition parse(String text) {
        Exposition e = new Exposition();
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new AssertionError("the exposition must end with a line feed");
        }
        Set<String> closed = new HashSet<>();
        String current = null;
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isEmpty()) {
                continue;
            }
            Matcher m;
            if ((m = HELP.matcher(line)).matches()) {
                String name = name(m.group(1), n);
                if (e.help.containsKey(name)) {
                    throw new AssertionError("line " + n + ": second HELP for " + name);
                }
                if (e.types.containsKey(name)) {
                    throw new AssertionError("line " + n + ": HELP of " + name + " after its TYPE (this writer puts it first)");
                }
                if (current != null) {
                    closed.add(current);
                }
                if (closed.contains(name)) {
                    throw new AssertionError("line " + n + ": family " + name + " again after it closed");
                }
                current = name;
                e.help.put(name, unescapeHelp(m.group(2)));
            } else if ((m = TYPE.matcher(line)).matches()) {
                String name = name(m.group(1), n);
                if (!name.equals(current) || e.types.containsKey(name)) {
                    throw new AssertionError("line " + n + ": TYPE of " + name + " not right after its HELP");
                }
                e.types.put(name, m.group(2));
            } else if (line.startsWith("#")) {
                throw new AssertionError("line " + n + ": a comment this exposition should not have: " + line);
            } else {
                if (current == null || !e.types.containsKey(current)) {
                    throw new AssertionError("line " + n + ": a sample before its family's HELP and TYPE: " + line);
                }
                e.sample(line, current, e.types.get(current), n);
            }
        }
        return e;
    }

    private void sample(String line, String family, String type, int n) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = name(line.substring(0, i), n);
        Map<String, String> labels = new TreeMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String label = line.substring(i, eq);
                if (!LABEL.matcher(label).matches() || label.startsWith("__")) {
                    throw new AssertionError("line " + n + ": bad label name '" + label + "'");
                }
                if (line.charAt(eq + 1) != '"') {
                    throw new AssertionError("line " + n + ": label value not quoted");
                }
                StringBuilder v = new StringBuilder();
                int j = eq + 2;
                while (line.charAt(j) != '"') {
                    char c = line.charAt(j);
                    if (c == '\n') {
                        throw new AssertionError("line " + n + ": raw line feed in a label value");
                    }
                    if (c == '\\') {
                        char d = line.charAt(++j);
                        switch (d) {
                            case '\\' -> v.append('\\');
                            case '"' -> v.append('"');
                            case 'n' -> v.append('\n');
                            default -> throw new AssertionError("line " + n + ": bad escape \\" + d);
                        }
                    } else {
                        v.append(c);
                    }
                    j++;
                }
                if (labels.put(label, v.toString()) != null) {
                    throw new AssertionError("line " + n + ": label " + label + " twice");
                }
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                } else if (line.charAt(i) != '}') {
                    throw new AssertionError("line " + n + ": expected , or } after a label");
                }
            }
            i++;
        }
        if (i >= line.length() || line.charAt(i) != ' ') {
            throw new AssertionError("line " + n + ": no single space before the value: " + line);
        }
        String value = line.substring(i + 1);
        double d = switch (value) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                if (value.contains(" ")) {
                    throw new AssertionError("line " + n + ": timestamps are not expected: " + line);
                }
                yield Double.parseDouble(value);
            }
        };
        switch (type) {
            case "counter" -> {
                if (!name.equals(family) || !name.endsWith("_total")) {
                    throw new AssertionError("line " + n + ": counter sample " + name + " of family " + family);
                }
                if (d < 0 || Double.isNaN(d)) {
                    throw new AssertionError("line " + n + ": a counter below zero");
                }
            }
            case "gauge" -> {
                if (!name.equals(family)) {
                    throw new AssertionError("line " + n + ": gauge sample " + name + " of family " + family);
                }
            }
            case "summary" -> {
                boolean quantile = name.equals(family);
                if (!quantile && !name.equals(family + "_sum") && !name.equals(family + "_count")) {
                    throw new AssertionError("line " + n + ": summary sample " + name + " of family " + family);
                }
                if (quantile != labels.containsKey("quantile")) {
                    throw new AssertionError("line " + n + ": the summary's quantile samples, and only they, have 'quantile'");
                }
            }
            default -> throw new AssertionError("line " + n + ": type " + type + " not expected");
        }
        StringBuilder key = new StringBuilder(name).append('{');
        boolean first = true;
        for (Map.Entry<String, String> l : labels.entrySet()) {
            if (!first) {
                key.append(',');
            }
            first = false;
            key.append(l.getKey()).append("=\"").append(l.getValue()).append('"');
        }
        key.append('}');
        if (samples.put(key.toString(), d) != null) {
            throw new AssertionError("line " + n + ": series " + key + " twice");
        }
        Map<String, String> withName = new HashMap<>(labels);
        withName.put("__name__", name);
        labelSets.add(withName);
    }

    private static String name(String s, int n) {
        if (!NAME.matcher(s).matches()) {
            throw new AssertionError("line " + n + ": bad metric name '" + s + "'");
        }
        return s;
    }

    private static String unescapeHelp(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char d = s.charAt(++i);
                sb.append(d == 'n' ? '\n' : d);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    public double value(String series) {
        Double d = samples.get(series);
        if (d == null) {
            throw new AssertionError("no series " + series + " among " + samples.keySet());
        }
        return d;
    }
}
