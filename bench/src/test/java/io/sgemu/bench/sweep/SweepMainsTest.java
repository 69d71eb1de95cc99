package io.sgemu.bench.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every sweep main, run with tiny parameters, writes files that read under the report's contract. */
class SweepMainsTest {

    /** The example world, from the bench module's folder (where the tests run) or the project's. */
    static Path exampleWorld() {
        Path p = Path.of("..", "examples", "three-tier", "aws");
        return Files.isDirectory(p) ? p : Path.of("examples", "three-tier", "aws");
    }

    private static SweepOptions tiny(Path dir) {
        return new SweepOptions(dir, SweepOptions.Size.TINY);
    }

    @Test
    void rulesSweepWritesLatencyThroughputHistogramsAndRatios(@TempDir Path dir) throws Exception {
        RulesSweep.run(tiny(dir));
        checkAll(dir, List.of("rules-latency.csv", "rules-throughput.csv", "rules-ratios.csv", "rules-sgemu.hgrm",
                "rules-reference.hgrm", "rules-linear.hgrm"));
        assertThat(SweepFiles.readRatios(dir.resolve("rules-ratios.csv"))).extracting(SweepFiles.Ratio::measure)
                .anyMatch(m -> m.contains("reference")).anyMatch(m -> m.contains("linear scan"));
    }

    @Test
    void enisSweepWritesItsFiles(@TempDir Path dir) throws Exception {
        EnisSweep.run(tiny(dir));
        checkAll(dir, List.of("enis-latency.csv", "enis-throughput.csv", "enis-ratios.csv", "enis-sgemu.hgrm"));
    }

    @Test
    void connTrackSweepWritesItsFiles(@TempDir Path dir) throws Exception {
        ConnTrackSweep.run(tiny(dir));
        checkAll(dir, List.of("conntrack-latency.csv", "conntrack-throughput.csv", "conntrack-ratios.csv",
                "conntrack-hit.hgrm"));
    }

    @Test
    void compileSweepWritesTimeAndMemoryVsEnisAndRules(@TempDir Path dir) throws Exception {
        CompileSweep.run(tiny(dir));
        checkAll(dir, List.of("compile-time-enis.csv", "compile-memory-enis.csv", "compile-time-rules.csv",
                "compile-memory-rules.csv", "compile-ratios.csv"));
    }

    @Test
    void hotSwapSweepWritesItsFiles(@TempDir Path dir) throws Exception {
        HotSwapSweep.run(tiny(dir));
        checkAll(dir, List.of("hotswap.csv", "hotswap-rule.hgrm", "hotswap-membership.hgrm", "hotswap-ratios.csv"));
    }

    @Test
    void liveIngestSweepWritesItsFiles(@TempDir Path dir) throws Exception {
        LiveIngestSweep.run(tiny(dir), exampleWorld());
        checkAll(dir, List.of("live-latency.csv", "live-rate.csv", "live-10.hgrm", "live-50.hgrm", "live-ratios.csv"));
    }

    @Test
    void replayRatioWritesARatioTable(@TempDir Path dir) throws Exception {
        ReplayRatio.run(tiny(dir), exampleWorld());
        List<SweepFiles.Ratio> rows = SweepFiles.readRatios(dir.resolve("replay-ratios.csv"));
        assertThat(rows).extracting(SweepFiles.Ratio::measure).contains("replay rate 2 workers vs 1 worker");
        if (ReplayRatio.tcpdumpPresent()) {
            assertThat(rows).extracting(SweepFiles.Ratio::measure).anyMatch(m -> m.contains("tcpdump"));
        } else {
            assertThat(Files.readString(dir.resolve("replay-ratios.csv"))).contains("tcpdump is not installed");
        }
        checkAll(dir, List.of("replay-ratios.csv"));
    }

    /** The expected files exist, and every file in {@code dir} reads under the contract. */
    private static void checkAll(Path dir, List<String> expected) throws Exception {
        for (String name : expected) {
            assertThat(dir.resolve(name)).as("expected file").exists();
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".hgrm")) {
                    List<String> lines = Files.readAllLines(f);
                    assertThat(lines.get(0)).as(name).startsWith("# title: ");
                    assertThat(lines.get(1)).as(name).isEqualTo("# unit: us");
                    assertThat(String.join("\n", lines)).as(name).contains("Percentile").contains("#[Mean");
                } else if (name.endsWith(".csv") && SweepFiles.isRatio(f)) {
                    List<SweepFiles.Ratio> rows = SweepFiles.readRatios(f);
                    assertThat(rows).as(name + ": rows").isNotEmpty();
                    for (SweepFiles.Ratio r : rows) {
                        assertThat(r.sgemu()).as(name + " " + r).isPositive();
                        assertThat(r.baseline()).as(name + " " + r).isPositive();
                        assertThat(r.ratio()).as(name + " " + r).isPositive();
                        assertThat(r.unit()).as(name + " " + r).isNotBlank();
                    }
                } else if (name.endsWith(".csv")) {
                    checkSweep(f);
                }
            }
        }
    }

    private static void checkSweep(Path f) throws Exception {
        SweepFiles.Sweep s = SweepFiles.readSweep(f);
        assertThat(s.rows()).as(f + ": rows").isNotEmpty();
        assertThat(s.notes()).as(f + ": notes say what was measured").isNotEmpty();
        double previous = Double.NEGATIVE_INFINITY;
        for (double[] row : s.rows()) {
            assertThat(row[0]).as(f + ": x increasing").isGreaterThan(previous);
            previous = row[0];
            for (int i = 0; i < row.length; i++) {
                if (!Double.isNaN(row[i])) {
                    assertThat(row[i]).as(f + ": " + s.header().get(i) + " at x=" + row[0]).isPositive();
                }
            }
        }
        for (int i = 1; i < s.header().size(); i++) {
            int c = i;
            boolean plotted = s.rows().stream().anyMatch(r -> !Double.isNaN(r[c]));
            if (!plotted) {
                // a series may lack points only where a note says why (skipped sizes)
                assertThat(s.notes()).as(f + ": series " + s.header().get(i) + " has no point").isNotEmpty();
            }
        }
    }
}
