package io.sgemu.bench.report;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything read from one results directory. A file that could not be read is in {@code problems}
 * (file, line and what is wrong) and nowhere else.
 */
public record Results(Path dir, Map<String, Object> machine, List<Step> steps, List<Sweep> sweeps,
                      List<RatioTable> ratios, List<JmhFile> jmh, List<LatencyDistribution> latencies,
                      List<String> problems) {

    /** A line of {@code steps.tsv}. */
    public record Step(String name, String status, double seconds, String command) {
        public boolean failed() {
            return !status.equals("ok");
        }
    }

    /** The results of one {@code <name>.jmh.json}. */
    public record JmhFile(String name, List<JmhResult> results) {
    }

    public List<Step> failedSteps() {
        return steps.stream().filter(Step::failed).toList();
    }

    /** Whether the run was {@code scripts/bench --quick} (machine.json's {@code mode}). */
    public boolean quick() {
        return "quick".equals(String.valueOf(machine.get("mode")));
    }

    /** How to run again the step that wrote file {@code name}: a step of that name, else the whole script. */
    public String commandFor(String name) {
        String script = quick() ? "scripts/bench --quick" : "scripts/bench";
        return steps.stream().anyMatch(s -> s.name().equals(name)) ? script + " --only " + name : script;
    }
}
