package io.sgemu.bench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads JMH's JSON result format ({@code -rf json}). */
public final class JmhResultReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JmhResultReader() {
    }

    public static List<JmhResult> read(Path file) {
        try {
            return parse(file, Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static List<JmhResult> parse(Path file, String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new ReportInputException(file, line, "not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isArray()) {
            throw new ReportInputException(file, 1, "expected JMH's JSON result array ([ {\"benchmark\": ...}, ... ])");
        }
        List<JmhResult> results = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode b = root.get(i);
            JsonNode primary = b.path("primaryMetric");
            if (!b.path("benchmark").isTextual() || !primary.path("score").isNumber() && !primary.path("score").isTextual()) {
                throw new ReportInputException(file, "entry " + (i + 1) + " has no benchmark name or primaryMetric.score");
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> p : b.path("params").properties()) {
                params.put(p.getKey(), p.getValue().asText());
            }
            Map<String, Double> percentiles = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> p : primary.path("scorePercentiles").properties()) {
                percentiles.put(p.getKey(), number(p.getValue()));
            }
            if (!b.path("mode").asText().equals("sample")) {
                percentiles.clear(); // for other modes they only spread the iteration scores
            }
            double alloc = Double.NaN;
            String allocUnit = "";
            for (Map.Entry<String, JsonNode> m : b.path("secondaryMetrics").properties()) {
                // JMH 1.37 names it gc.alloc.rate.norm; older versions put a middle dot in front.
                if (m.getKey().endsWith("gc.alloc.rate.norm")) {
                    alloc = number(m.getValue().path("score"));
                    allocUnit = m.getValue().path("scoreUnit").asText("B/op");
                }
            }
            results.add(new JmhResult(b.path("benchmark").asText(), b.path("mode").asText(), b.path("threads").asInt(1),
                    params, number(primary.path("score")), number(primary.path("scoreError")),
                    primary.path("scoreUnit").asText(), alloc, allocUnit, percentiles));
        }
        return results;
    }

    /** JMH writes NaN as the string "NaN". */
    private static double number(JsonNode n) {
        if (n.isNumber()) {
            return n.asDouble();
        }
        if (n.isTextual()) {
            try {
                return Double.parseDouble(n.asText());
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }
}
