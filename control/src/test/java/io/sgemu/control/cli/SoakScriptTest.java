package io.sgemu.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/soak}, briefly: 20 s at a low rate with two control-plane changes a second, the server run from
 * this test's class path. Its results follow the results-CSV contract, every change reaches the dataplane, no
 * packet is lost at that rate and Netty's leak detector reports nothing.
 */
class SoakScriptTest {

    private static final double SECONDS = 20;
    private static final double CHANGES_PER_SECOND = 2;

    @TempDir
    Path tmp;

    @Test
    void aShortSoak_writesContractCsvs_appliesEveryChange_losesNothing_leaksNothing() throws Exception {
        Path script = Path.of("..", "scripts", "soak").toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.isExecutable(script), "scripts/soak next to the module");
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/net/udp")), "Linux /proc");
        Assumptions.assumeTrue(onPath("curl") && onPath("awk") && onPath("bash"), "bash, curl and awk");

        Path out = tmp.resolve("soak");
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "--minutes", Double.toString(SECONDS / 60),
                "--rate", "300", "--no-warm-up", "--changes-per-second", Double.toString(CHANGES_PER_SECOND), "--sample-seconds", "4",
                "--out", out.toString());
        pb.environment().put("SGEMU_SOAK_COMMAND", String.join(" ", sgemuCommand()));
        pb.redirectErrorStream(true).redirectOutput(tmp.resolve("soak.log").toFile());
        Process p = pb.start();
        boolean done = p.waitFor(180, TimeUnit.SECONDS);
        String log = Files.readString(tmp.resolve("soak.log"));
        if (!done) {
            p.destroyForcibly();
        }
        assertThat(done).as("the soak ended in time\n" + log).isTrue();
        assertThat(p.exitValue()).as(log).isZero();

        Map<String, List<double[]>> csvs = new TreeMap<>();
        for (String name : List.of("memory.csv", "rates.csv", "latency.csv", "changes.csv")) {
            csvs.put(name, readContractCsv(out.resolve(name)));
        }
        // 20 s sampled every 4 s: 5 samples (the first has no rate yet)
        assertThat(csvs.get("memory.csv")).hasSizeBetween(4, 5);
        for (double[] row : csvs.get("memory.csv")) {
            assertThat(row[1]).as("heap after GC (MiB)").isPositive();
            assertThat(row[3]).as("RSS (MiB)").isGreaterThan(row[1]);
        }
        assertThat(csvs.get("rates.csv")).isNotEmpty().allSatisfy(row -> assertThat(row[4]).as("lost/s").isZero());
        assertThat(csvs.get("latency.csv")).isNotEmpty().allSatisfy(row -> assertThat(row[2]).as("p99 >= p50").isGreaterThanOrEqualTo(row[1]));
        assertThat(csvs.get("changes.csv").stream().mapToDouble(row -> row[3]).sum()).as("calls").isPositive();

        JsonNode summary = new ObjectMapper().readTree(out.resolve("soak-summary.json").toFile());
        JsonNode changes = summary.get("changes");
        long calls = changes.get("calls").asLong();
        assertThat(calls).as("about %s calls a second for %s s", CHANGES_PER_SECOND, SECONDS)
                .isBetween((long) (SECONDS * CHANGES_PER_SECOND * 0.75), (long) (SECONDS * CHANGES_PER_SECOND) + 1);
        assertThat(changes.get("ok").asLong()).isEqualTo(calls);
        assertThat(changes.get("snapshotAfter").asLong() - changes.get("snapshotBefore").asLong())
                .as("a new snapshot per call").isEqualTo(calls);
        JsonNode packets = summary.get("packets");
        assertThat(packets.get("sent").asLong()).as("sent at 300/s for 20 s").isBetween(5_000L, 6_100L);
        assertThat(packets.get("lost").asLong()).as(packets.toString()).isZero();
        assertThat(packets.get("judged").asLong()).isEqualTo(packets.get("sent").asLong());
        assertThat(summary.get("leakLines").asLong()).isZero();
        assertThat(Files.readString(out.resolve("serve.err"))).doesNotContain("LEAK:");
        JsonNode verdict = summary.get("verdict");
        assertThat(verdict.get("noLoss").asBoolean()).isTrue();
        assertThat(verdict.get("noLeaks").asBoolean()).isTrue();
        assertThat(verdict.get("changesOk").asBoolean()).isTrue();
        assertThat(summary.get("rssMiB").get("max").asDouble()).isGreaterThanOrEqualTo(summary.get("rssMiB").get("last").asDouble());
        // the live heap, from forced full collections before, at the end of the warm-up and after (with jcmd)
        JsonNode live = summary.get("liveHeapMiB");
        if (!live.get("warm").isNull()) {
            assertThat(live.get("warm").asDouble()).isPositive();
            assertThat(live.get("end").asDouble()).isPositive();
            assertThat(summary.get("ratios").get("liveHeap").asDouble())
                    .isCloseTo(live.get("end").asDouble() / live.get("warm").asDouble(), org.assertj.core.data.Offset.offset(0.01));
            assertThat(verdict.get("heapFlat").asBoolean()).isEqualTo(summary.get("ratios").get("liveHeap").asDouble() <= 1.10);
            assertThat(csvs.get("memory.csv").stream().filter(row -> !Double.isNaN(row[6])).count())
                    .as("one live-heap point in memory.csv").isEqualTo(1);
        }
        assertThat(summary.get("heap").asText()).isEqualTo("512m");
        assertThat(summary.get("rampSeconds").asDouble()).as("10 s, at most a quarter of 20 s").isEqualTo(5.0);
        assertThat(packets.get("sentLate").asLong()).isNotNegative();
        assertThat(Files.readString(out.resolve("gc.log"))).contains("Pause");
    }

    /** This JVM, its class path and its module flags, running the command line's main class. */
    private static List<String> sgemuCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-exports") || a.startsWith("--enable-native-access")) {
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(SgemuCommand.class.getName());
        for (String word : cmd) {
            if (word.contains(" ")) {
                Assumptions.abort("a path with a space: " + word);
            }
        }
        return cmd;
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The rows of a results CSV, checked against its contract: the comment lines "# title:", "# x:", "# y:"
     * (label and unit in parentheses) and any "# note:" before a header "x,SERIES..."; then rows of numbers, as
     * many as the header has columns (an empty cell, no point for that series, is NaN here).
     */
    static List<double[]> readContractCsv(Path file) throws Exception {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<String, String> keys = new TreeMap<>();
        int i = 0;
        for (; i < lines.size() && lines.get(i).startsWith("#"); i++) {
            String body = lines.get(i).substring(1).strip();
            int colon = body.indexOf(':');
            assertThat(colon).as(file + ": comment line '" + lines.get(i) + "' is 'key: value'").isPositive();
            String key = body.substring(0, colon);
            assertThat(key).as(file + " line " + (i + 1)).isIn("title", "x", "y", "note");
            if (!key.equals("note")) {
                assertThat(keys.put(key, body.substring(colon + 1).strip())).as(file + ": one " + key).isNull();
            }
        }
        assertThat(keys).as(file.toString()).containsOnlyKeys("title", "x", "y");
        assertThat(keys.get("x")).as(file + " x axis").matches(".+ \\(min\\)");
        assertThat(keys.get("y")).as(file + " y axis").matches(".+ \\([^()]+\\)");
        assertThat(i).as(file + ": a header after the comments").isLessThan(lines.size());
        String[] header = lines.get(i).split(",", -1);
        assertThat(header[0]).as(file + " header").isEqualTo("x");
        assertThat(header.length).as(file + ": series").isGreaterThan(1);
        List<double[]> rows = new ArrayList<>();
        double previousX = -1;
        for (i++; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",", -1);
            assertThat(cells).as(file + " line " + (i + 1)).hasSameSizeAs(header);
            double[] row = new double[cells.length];
            for (int c = 0; c < cells.length; c++) {
                if (c > 0 && cells[c].isEmpty()) {
                    row[c] = Double.NaN; // no point for that series
                    continue;
                }
                row[c] = Double.parseDouble(cells[c]);
                assertThat(row[c]).as(file + " line " + (i + 1)).isFinite();
            }
            assertThat(row[0]).as(file + ": minutes grow").isGreaterThan(previousX);
            previousX = row[0];
            rows.add(row);
        }
        return rows;
    }
}
