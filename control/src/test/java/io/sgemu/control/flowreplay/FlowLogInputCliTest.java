package io.sgemu.control.flowreplay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sgemu.control.cli.SgemuCommand;
import io.sgemu.dataplane.flowlog.FlowLogFormat;
import io.sgemu.dataplane.flowlog.FlowLogLine;
import io.sgemu.dataplane.flowlog.FlowLogParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sgemu replay --flow-log-input} from the command line: errors, warnings, summary, both engines. */
class FlowLogInputCliTest {

    static final Path EXAMPLE = Path.of("..", "examples", "three-tier").toAbsolutePath().normalize();
    static final String WORLD = EXAMPLE.resolve("aws").toString();
    static final String CAPTURE = EXAMPLE.resolve("three-tier.pcap").toString();

    @TempDir
    Path tmp;

    record Run(int exitCode, String out, String err) {
        static Run of(String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = SgemuCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
            return new Run(code, out.toString(), err.toString());
        }

        void assertNoStackTrace() {
            assertThat(err).doesNotContain("\tat ").doesNotContain("Exception");
        }
    }

    Path write(String name, List<String> lines) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, lines);
        return p;
    }

    Path goodLog() throws IOException {
        return write("good.log", FlowLogInputTest.V2);
    }

    @Test
    void pcapAndFlowLogInputTogetherIsExit2() throws IOException {
        Run run = Run.of("replay", "--config", WORLD, "--pcap", CAPTURE, "--flow-log-input", goodLog().toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("sgemu: ").contains("--pcap").contains("--flow-log-input");
        run.assertNoStackTrace();
    }

    @Test
    void noInputAtAllIsExit2() {
        Run run = Run.of("replay", "--config", WORLD);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("sgemu: ").contains("--pcap").contains("--flow-log-input");
        run.assertNoStackTrace();
    }

    @Test
    void aCustomHeaderWithoutAFieldIsExit2NamingIt() throws IOException {
        Path log = write("custom.log", List.of("version interface-id srcaddr dstaddr srcport dstport protocol tcp-flags",
                "3 eni-1 10.0.0.1 10.0.0.2 1 2 6 2"));
        Run run = Run.of("replay", "--config", WORLD, "--flow-log-input", log.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).startsWith("sgemu: " + log + ":1: ")
                .contains("packets, bytes, start, end");
        assertThat(run.err().strip().lines()).hasSize(1);
        run.assertNoStackTrace();
    }

    @Test
    void aMissingFileIsExit2() {
        Path missing = tmp.resolve("missing.log");
        Run run = Run.of("replay", "--config", WORLD, "--flow-log-input", missing.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("sgemu: " + missing + ": no such flow-log file");
    }

    @Test
    void badLinesAreWarnedWithFileAndLineAndCountedInTheSummary() throws IOException {
        Path log = write("bad.log", List.of(FlowLogInputTest.V2.get(0), "2 junk", FlowLogInputTest.V2.get(1),
                "2 123456789010 eni-1 - - - - - - - 1431280876 1431280934 - NODATA"));
        Run run = Run.of("replay", "--config", WORLD, "--flow-log-input", log.toString(), "--engine", "reference");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("warning: " + log + ":2: ");
        assertThat(run.out()).contains("frames: 40 ")
                .contains("flow-log input: 3 records from 1 file (NODATA 1, SKIPDATA 0), bad lines skipped: 1, "
                        + "duplicates removed: 0, packets synthesized: 40");
    }

    @Test
    void flowLogsOfTheExampleReplayAgainstItsWorldAlikeWithBothEngines() throws IOException {
        Path recorded = tmp.resolve("recorded.log");
        Run first = Run.of("replay", "--config", WORLD, "--pcap", CAPTURE, "--flow-logs", recorded.toString(),
                "--aggregation-interval", "60");
        assertThat(first.exitCode()).as(first.err()).isZero();
        // What the replay must make: the packets of every record, a flow logged by two ENIs once.
        List<FlowLogLine> lines = FlowLogParser.readAll(Files.newBufferedReader(recorded), FlowLogFormat.DEFAULT);
        Set<List<String>> flows = new HashSet<>();
        long packets = 0;
        for (FlowLogLine l : lines) {
            if (flows.add(l.values().subList(3, 12))) {
                packets += Long.parseLong(l.values().get(8));
            }
        }
        assertThat(packets).isPositive();
        assertThat(flows.size()).as("the example has traffic between its own ENIs").isLessThan(lines.size());

        String reference = null;
        for (String[] engine : List.of(new String[] {"reference", "1"}, new String[] {"fast", "2"})) {
            Path flowsOut = tmp.resolve("again-" + engine[0] + ".log");
            Path summary = tmp.resolve("summary-" + engine[0] + ".json");
            Run again = Run.of("replay", "--config", WORLD, "--flow-log-input", recorded.toString(), "--engine",
                    engine[0], "--workers", engine[1], "--flow-logs", flowsOut.toString(), "--summary",
                    summary.toString(), "--aggregation-interval", "60");
            assertThat(again.exitCode()).as(again.err()).isZero();
            JsonNode s = new ObjectMapper().readTree(summary.toFile());
            assertThat(s.get("frames").asLong()).as(engine[0]).isEqualTo(packets);
            assertThat(again.out()).contains("flow-log input: " + lines.size() + " records")
                    .contains("duplicates removed: " + (lines.size() - flows.size()))
                    .contains("packets synthesized: " + packets);
            String text = String.join("\n", Files.readAllLines(flowsOut).stream().sorted().toList());
            assertThat(text.lines().count()).as(engine[0]).isGreaterThan(1);
            if (reference == null) {
                reference = text;
            } else {
                assertThat(text).as("fast engine's flow logs equal the reference's").isEqualTo(reference);
            }
        }
    }

    @Test
    void duplicatesAreDroppedUnlessKeepDuplicateRecordsIsGiven() throws IOException {
        String line = FlowLogInputTest.V2.get(0);
        Path log = write("dup.log", List.of(line, line.replace("eni-1235b8ca123456789", "eni-0000000000000000b")));
        Run dropped = Run.of("replay", "--config", WORLD, "--flow-log-input", log.toString());
        assertThat(dropped.exitCode()).as(dropped.err()).isZero();
        assertThat(dropped.out()).contains("frames: 20 ").contains("duplicates removed: 1,");
        Run kept = Run.of("replay", "--config", WORLD, "--flow-log-input", log.toString(), "--keep-duplicate-records");
        assertThat(kept.exitCode()).as(kept.err()).isZero();
        assertThat(kept.out()).contains("frames: 40 ").contains("duplicates removed: 0,");
    }
}
