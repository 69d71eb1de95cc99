package io.sgemu.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @TempDir
    Path dir;

    /** 1 to 10,000 µs, recorded in ns. */
    private static final Histogram HISTOGRAM = new Histogram(3);

    static {
        for (int i = 1; i <= 10_000; i++) {
            HISTOGRAM.recordValue(1000L * i);
        }
    }

    /** A results directory as scripts/bench and the sweeps leave it, one file of each kind and a failed step. */
    private void writeRun() throws IOException {
        Files.writeString(dir.resolve("machine.json"), """
                {"timestamp": "2026-01-02 03:04 UTC", "mode": "quick", "cpu": "Example CPU", "cores": 2,
                 "memory": "8.0 GB", "os": "Linux", "jdk": "JDK 25", "git_commit": "abc1234"}
                """);
        Files.writeString(dir.resolve("steps.tsv"), """
                decode\tok\t20\tjmh PacketDecodeBenchmark
                conntrack\tok\t30\tjmh ConnTrackBenchmark.hit -wi 1
                sweep-conntrack\tok\t12\tsweep ConnTrackSweep
                pipeline\tfailed (exit 1)\t3\tjmh PipelineBenchmark
                """);
        Files.writeString(dir.resolve("conntrack-sweep.csv"), """
                # title: Conntrack hit <against> live entries
                # x: live entries (entries) log
                # y: hit latency (ns) log
                # note: IPv6 missing at 10M
                x,IPv4,IPv6
                1000,30,35
                10000000,579,
                """);
        Files.writeString(dir.resolve("workers.csv"), """
                # title: Throughput against workers
                # x: workers (threads)
                # y: throughput (packets/s)
                x,sgemu
                1,820000
                2,1240000
                """);
        Files.writeString(dir.resolve("vs-tcpdump.csv"), """
                # kind: ratio
                # title: Replay against tcpdump
                measure,sgemu,baseline,ratio
                replay (Mpps),1.5,3.0,
                """);
        Files.writeString(dir.resolve("conntrack.jmh.json"), JmhResultReaderTest.SAMPLE);
        Files.writeString(dir.resolve("decode.jmh.json"), JmhResultReaderTest.SAMPLE.replace("ConnTrackBenchmark.hit", "PacketDecodeBenchmark.ethernetIpv4Tcp"));
        Files.writeString(dir.resolve("ingest.hgrm"), HgrmReaderTest.hgrm(HISTOGRAM, "# title: Ingest to verdict\n"));
        Files.writeString(dir.resolve("pipeline.log"), "boom\n");
    }

    @Test
    void theReportHoldsEverySectionWithInlinePlotsAndNoNetworkReference() throws IOException {
        writeRun();
        Results results = ResultsDirectory.read(dir);
        Path html = new ReportWriter(results).write();

        assertThat(results.problems()).isEmpty();
        String text = Files.readString(html);
        assertThat(text).contains("Conntrack hit &lt;against&gt; live entries", "Throughput against workers",
                "Replay against tcpdump", "Ingest to verdict", "Example CPU", "IPv6 missing at 10M",
                "ConnTrackBenchmark.hit", "liveEntries=1000000, family=4");
        assertThat(text).doesNotContain("http://", "https://", "<against>");
        // Two sweeps and one latency distribution: three inline PNGs, each a PNG that decodes.
        Matcher m = Pattern.compile("<img [^>]*src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(text);
        int images = 0;
        while (m.find()) {
            images++;
            assertThat(ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1))))).isNotNull();
        }
        assertThat(images).isEqualTo(3);
        assertThat(dir.resolve("conntrack-sweep.png")).exists();
        assertThat(dir.resolve("workers.png")).exists();
        assertThat(dir.resolve("ingest.hgrm.png")).exists();
        // The failed step is at the top, before the machine section, with its log.
        assertThat(text.indexOf("1 step failed")).isPositive().isLessThan(text.indexOf("<h2>Machine</h2>"));
        assertThat(text).contains("<a href=\"pipeline.log\">");
    }

    @Test
    void theSummaryIsAMarkdownTableOfRatiosJmhResultsAndLatencies() throws IOException {
        writeRun();
        new ReportWriter(ResultsDirectory.read(dir)).write();
        String md = Files.readString(dir.resolve(ReportWriter.SUMMARY));

        assertThat(md).startsWith("Measured 2026-01-02 03:04 UTC on Example CPU, 2 cores, 8.0 GB, Linux, JDK 25, commit abc1234 (quick run");
        assertThat(md).contains("| measure | figure | baseline | ratio | command |\n|---|---|---|---|---|\n");
        assertThat(md).as("a ratio row says which table it comes from")
                .contains("| Replay against tcpdump: replay (Mpps) | 1.5 | 3.0 | 0.5x | `scripts/bench --quick` |");
        assertThat(md).contains("| ConnTrackBenchmark.hit (liveEntries=1000000, family=4) | 367 ± 12.5 ns/op, ~0 B/op |  |  | `scripts/bench --quick --only conntrack` |");
        assertThat(md).contains("| PipelineBenchmark.oneCore, 2 threads, sampled | 1,650 us/op (p50 1,610, p99 2,560) |");
        // JMH results in the order of the steps (decode ran before conntrack), not by file name.
        assertThat(md.indexOf("PacketDecodeBenchmark.ethernetIpv4Tcp")).isPositive().isLessThan(md.indexOf("ConnTrackBenchmark.hit"));
        // The latency row: HdrHistogram's median and p99 of 1..10,000 ms-as-µs, to its 3 significant digits.
        Matcher latency = Pattern.compile("\\| Ingest to verdict \\| p50 ([0-9,.]+) µs, p99 ([0-9,.]+) µs, max ([0-9,.]+) µs \\|").matcher(md);
        assertThat(latency.find()).as(md).isTrue();
        assertThat(Double.parseDouble(latency.group(1).replace(",", ""))).isCloseTo(HISTOGRAM.getValueAtPercentile(50) / 1000.0, withinPercentage(0.1));
        assertThat(Double.parseDouble(latency.group(2).replace(",", ""))).isCloseTo(HISTOGRAM.getValueAtPercentile(99) / 1000.0, withinPercentage(0.1));
        assertThat(Double.parseDouble(latency.group(3).replace(",", ""))).isCloseTo(HISTOGRAM.getMaxValue() / 1000.0, withinPercentage(0.1));
        assertThat(md).contains("Failed steps (no figures): pipeline.");
        // Every table line has the five cells.
        md.lines().filter(l -> l.startsWith("|")).forEach(l -> assertThat(l.split("(?<!\\\\)\\|", -1)).as(l).hasSize(7));
    }

    @Test
    void aMalformedFileIsReportedAndTheOthersStillAre() throws IOException {
        writeRun();
        Files.writeString(dir.resolve("broken.csv"), "# title: Broken\nx,s\n1,2\n2,x\n");
        Results results = ResultsDirectory.read(dir);
        String text = Files.readString(new ReportWriter(results).write());

        assertThat(results.problems()).containsExactly("broken.csv:4: column 's': 'x' is not a number");
        assertThat(text).contains("broken.csv:4: column &#39;s&#39;: &#39;x&#39; is not a number");
        assertThat(text).contains("Throughput against workers", "Ingest to verdict");
    }
}
