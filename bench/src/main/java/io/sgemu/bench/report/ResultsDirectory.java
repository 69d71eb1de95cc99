package io.sgemu.bench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Reads every file of a results directory that the contract (package description) names. */
public final class ResultsDirectory {

    private ResultsDirectory() {
    }

    public static Results read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("no results directory " + dir);
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(Files::isRegularFile).sorted().toList();
        }
        Map<String, Object> machine = new LinkedHashMap<>();
        List<Results.Step> steps = new ArrayList<>();
        List<Sweep> sweeps = new ArrayList<>();
        List<RatioTable> ratios = new ArrayList<>();
        List<Results.JmhFile> jmh = new ArrayList<>();
        List<LatencyDistribution> latencies = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            String n = file.getFileName().toString();
            try {
                if (n.equals("machine.json")) {
                    machine.putAll(machine(file));
                } else if (n.equals("steps.tsv")) {
                    steps.addAll(steps(file));
                } else if (n.endsWith(".jmh.json")) {
                    jmh.add(new Results.JmhFile(ResultCsvReader.baseName(file, ".jmh.json"), JmhResultReader.read(file)));
                } else if (n.endsWith(".hgrm")) {
                    latencies.add(HgrmReader.read(file));
                } else if (n.endsWith(".csv")) {
                    switch (ResultCsvReader.read(file)) {
                        case Sweep s -> sweeps.add(s);
                        case RatioTable r -> ratios.add(r);
                    }
                }
            } catch (ReportInputException | UncheckedIOException e) {
                problems.add(e.getMessage());
            }
        }
        // In the order the script ran its steps (the order of its list), then by name.
        List<String> order = steps.stream().map(Results.Step::name).toList();
        java.util.Comparator<String> byStep = java.util.Comparator.<String>comparingInt(
                n -> order.contains(n) ? order.indexOf(n) : order.size()).thenComparing(n -> n);
        jmh.sort(java.util.Comparator.comparing(Results.JmhFile::name, byStep));
        latencies.sort(java.util.Comparator.comparing(LatencyDistribution::name, byStep));
        return new Results(dir, machine, steps, sweeps, ratios, jmh, latencies, problems);
    }

    private static Map<String, Object> machine(Path file) throws IOException {
        try {
            Map<String, Object> m = new ObjectMapper().readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {
            });
            return m == null ? Map.of() : m;
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new ReportInputException(file, line, "not a JSON object: " + e.getOriginalMessage());
        }
    }

    static List<Results.Step> steps(Path file) throws IOException {
        List<Results.Step> steps = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String[] f = lines.get(i).split("\t", 4);
            if (f.length < 4) {
                throw new ReportInputException(file, i + 1, "expected name<TAB>status<TAB>seconds<TAB>command");
            }
            double seconds;
            try {
                seconds = Double.parseDouble(f[2]);
            } catch (NumberFormatException e) {
                throw new ReportInputException(file, i + 1, "seconds '" + f[2] + "' is not a number");
            }
            steps.add(new Results.Step(f[0], f[1], seconds, f[3]));
        }
        return steps;
    }
}
