package io.sgemu.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HgrmReaderTest {

    @TempDir
    Path dir;

    /** HdrHistogram's own text of a histogram of nanosecond values, printed in microseconds. */
    static String hgrm(Histogram h, String comments) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        out.print(comments);
        h.outputPercentileDistribution(out, 1000.0);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static Histogram sample(long seed) {
        Histogram h = new Histogram(3);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 50_000; i++) {
            h.recordValue(10_000 + random.nextLong(90_000));
        }
        return h;
    }

    @Test
    void readsHdrHistogramsOwnOutputWithTitleAndUnit() throws IOException {
        long seed = 7;
        Histogram h = sample(seed);
        Path file = dir.resolve("ingest.hgrm");
        Files.writeString(file, hgrm(h, "# title: Ingest to verdict\n# unit: us\n"));

        LatencyDistribution d = HgrmReader.read(file);

        assertThat(d.name()).isEqualTo("ingest");
        assertThat(d.title()).isEqualTo("Ingest to verdict");
        assertThat(d.unit()).isEqualTo("us");
        assertThat(d.totalCount()).as("seed %d", seed).isEqualTo(h.getTotalCount());
        assertThat(d.max()).as("seed %d", seed).isCloseTo(h.getMaxValue() / 1000.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(d.mean()).as("seed %d", seed).isCloseTo(h.getMean() / 1000.0, org.assertj.core.data.Offset.offset(0.01));
        // The percentile lines are HdrHistogram's: the median line holds the histogram's median.
        assertThat(d.valueAt(0.5)).as("seed %d", seed)
                .isCloseTo(h.getValueAtPercentile(50.0) / 1000.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(d.points().getLast().percentile()).isEqualTo(1.0);
        assertThat(d.points()).isSortedAccordingTo((a, b) -> Double.compare(a.percentile(), b.percentile()));
    }

    @Test
    void theUnitIsMicrosecondsAndTheTitleTheNameWhenTheFileSaysNothing() throws IOException {
        Path file = dir.resolve("plain.hgrm");
        Files.writeString(file, hgrm(sample(1), ""));
        LatencyDistribution d = HgrmReader.read(file);
        assertThat(d.title()).isEqualTo("plain");
        assertThat(d.unit()).isEqualTo("µs");
    }

    @Test
    void aBrokenLineIsNamedByFileAndLine() throws IOException {
        String text = hgrm(sample(3), "# title: t\n");
        String[] lines = text.split("\n");
        lines[6] = "      12.5 oops 17 1.5";
        Path file = dir.resolve("broken.hgrm");
        Files.writeString(file, String.join("\n", lines));
        assertThatThrownBy(() -> HgrmReader.read(file))
                .isInstanceOf(ReportInputException.class)
                .hasMessageStartingWith("broken.hgrm:7: ")
                .hasMessageContaining("oops");
    }

    @Test
    void aFileWithoutPercentileLinesIsAnError() throws IOException {
        Path file = dir.resolve("empty.hgrm");
        Files.writeString(file, "# title: nothing\n       Value     Percentile TotalCount 1/(1-Percentile)\n\n");
        assertThatThrownBy(() -> HgrmReader.read(file)).hasMessageContaining("empty.hgrm").hasMessageContaining("no percentile lines");
        Path decreasing = dir.resolve("down.hgrm");
        Files.writeString(decreasing, "1.0 0.5 10 2.0\n2.0 0.25 20 1.33\n");
        assertThatThrownBy(() -> HgrmReader.read(decreasing)).hasMessageStartingWith("down.hgrm:2: ");
    }
}
