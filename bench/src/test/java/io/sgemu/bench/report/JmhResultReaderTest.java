package io.sgemu.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JmhResultReaderTest {

    /** Two results as JMH 1.37 writes them with -prof gc (trimmed: JMH's other fields are not read). */
    static final String SAMPLE = """
            [
                {
                    "jmhVersion" : "1.37",
                    "benchmark" : "io.sgemu.bench.ConnTrackBenchmark.hit",
                    "mode" : "avgt",
                    "threads" : 1,
                    "forks" : 1,
                    "params" : { "liveEntries" : "1000000", "family" : "4" },
                    "primaryMetric" : {
                        "score" : 367.25,
                        "scoreError" : 12.5,
                        "scorePercentiles" : { "0.0" : 350.0, "50.0" : 367.0, "100.0" : 380.0 },
                        "scoreUnit" : "ns/op",
                        "rawData" : [ [ 350.0, 367.0, 380.0 ] ]
                    },
                    "secondaryMetrics" : {
                        "gc.alloc.rate" : { "score" : 0.006, "scoreError" : "NaN", "scoreUnit" : "MB/sec" },
                        "gc.alloc.rate.norm" : { "score" : 0.0021, "scoreError" : "NaN", "scoreUnit" : "B/op" },
                        "gc.count" : { "score" : 0.0, "scoreError" : "NaN", "scoreUnit" : "counts" }
                    }
                },
                {
                    "jmhVersion" : "1.37",
                    "benchmark" : "io.sgemu.bench.PipelineBenchmark.oneCore",
                    "mode" : "sample",
                    "threads" : 2,
                    "forks" : 1,
                    "primaryMetric" : {
                        "score" : 1650.25,
                        "scoreError" : "NaN",
                        "scorePercentiles" : { "0.0" : 1200.0, "50.0" : 1610.0, "99.0" : 2560.0, "100.0" : 9000.0 },
                        "scoreUnit" : "us/op"
                    },
                    "secondaryMetrics" : {
                    }
                }
            ]
            """;

    @TempDir
    Path dir;

    @Test
    void readsScoreErrorUnitParamsAllocationAndSamplePercentiles() throws IOException {
        Path file = dir.resolve("conntrack.jmh.json");
        Files.writeString(file, SAMPLE);

        List<JmhResult> results = JmhResultReader.read(file);

        assertThat(results).hasSize(2);
        JmhResult hit = results.get(0);
        assertThat(hit.shortName()).isEqualTo("ConnTrackBenchmark.hit");
        assertThat(hit.params()).containsExactly(Map.entry("liveEntries", "1000000"), Map.entry("family", "4"));
        assertThat(hit.paramText()).isEqualTo("liveEntries=1000000, family=4");
        assertThat(hit.score()).isEqualTo(367.25);
        assertThat(hit.error()).isEqualTo(12.5);
        assertThat(hit.unit()).isEqualTo("ns/op");
        assertThat(hit.allocNorm()).isEqualTo(0.0021);
        assertThat(hit.allocUnit()).isEqualTo("B/op");
        assertThat(hit.percentiles()).as("only sample mode's percentiles are latencies").isEmpty();

        JmhResult sample = results.get(1);
        assertThat(sample.mode()).isEqualTo("sample");
        assertThat(sample.threads()).isEqualTo(2);
        assertThat(sample.error()).as("JMH writes \"NaN\" when it has too few iterations").isNaN();
        assertThat(sample.allocNorm()).isNaN();
        assertThat(sample.percentiles()).containsEntry("50.0", 1610.0).containsEntry("99.0", 2560.0);
        assertThat(SummaryTable.jmhFigure(sample)).isEqualTo("1,650 us/op (p50 1,610, p99 2,560)");
        assertThat(SummaryTable.jmhFigure(hit)).isEqualTo("367 ± 12.5 ns/op, ~0 B/op");
    }

    @Test
    void brokenJsonIsNamedByFileAndLine() throws IOException {
        Path file = dir.resolve("broken.jmh.json");
        Files.writeString(file, "[\n  {\n    \"benchmark\" : \"x\",\n    oops\n  }\n]\n");
        assertThatThrownBy(() -> JmhResultReader.read(file))
                .isInstanceOf(ReportInputException.class)
                .hasMessageStartingWith("broken.jmh.json:4: not JSON");
    }

    @Test
    void jsonThatIsNotAResultArrayIsAnError() throws IOException {
        Path object = dir.resolve("object.jmh.json");
        Files.writeString(object, "{ \"benchmark\" : \"x\" }");
        assertThatThrownBy(() -> JmhResultReader.read(object)).hasMessageContaining("object.jmh.json").hasMessageContaining("array");
        Path noScore = dir.resolve("noscore.jmh.json");
        Files.writeString(noScore, "[ { \"benchmark\" : \"x\", \"primaryMetric\" : { } } ]");
        assertThatThrownBy(() -> JmhResultReader.read(noScore)).hasMessageContaining("noscore.jmh.json").hasMessageContaining("entry 1");
    }
}
