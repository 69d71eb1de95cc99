package io.sgemu.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.control.cli.ReplayOutputsTest.Frame;
import io.sgemu.dataplane.capture.PcapWriter;
import io.sgemu.dataplane.flowlog.FlowLogField;
import io.sgemu.dataplane.flowlog.FlowLogFormat;
import io.sgemu.dataplane.flowlog.FlowLogLine;
import io.sgemu.dataplane.flowlog.FlowLogParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code replay --flow-logs-dir}: flow logs as delivered to S3 (SEMANTICS.md section 6), for both engines. */
class FlowLogsDirTest {

    static final String WORLD = ReplayOutputsTest.WORLD;
    /** The example's ENIs all belong to this account, in subnets of us-east-1 zones. */
    static final String ACCOUNT = "111122223333";
    static final Pattern OBJECT = Pattern.compile("AWSLogs/(\\d{12})/vpcflowlogs/([a-z0-9-]+)/(\\d{4})/(\\d{2})/(\\d{2})/"
            + "\\1_vpcflowlogs_\\2_(fl-[0-9a-z]+)_(\\d{8}T\\d{4}Z)_([0-9a-f]{8})\\.log\\.gz");
    static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'");

    @TempDir
    static Path shared;
    /** The example capture repeated four times, 7 minutes apart: traffic in several 5-minute windows. */
    static Path capture;

    @TempDir
    Path tmp;

    @BeforeAll
    static void makeCapture() throws IOException {
        List<Frame> one = ReplayOutputsTest.read(ReplayOutputsTest.CAPTURE);
        capture = shared.resolve("spread.pcap");
        try (PcapWriter w = PcapWriter.create(capture, one.get(0).linkType(), PcapWriter.Precision.NANOSECONDS)) {
            for (int copy = 0; copy < 4; copy++) {
                for (Frame f : one) {
                    byte[] b = new byte[f.bytes().size()];
                    for (int i = 0; i < b.length; i++) {
                        b[i] = f.bytes().get(i);
                    }
                    w.write(f.timeNanos() + copy * 420_000_000_000L, b, 0, b.length, f.originalLength());
                }
            }
        }
    }

    static Stream<Arguments> runs() {
        return Stream.of(60, 600).flatMap(interval -> Stream.of(
                Arguments.of("reference", 1, interval), Arguments.of("fast", 1, interval),
                Arguments.of("fast", 2, interval)));
    }

    /** One delivered file: where it is, what its name says, and its text. */
    record Delivered(Path relative, Matcher name, String text) {
        long windowStart() {
            return LocalDateTime.parse(name.group(7), STAMP).toEpochSecond(ZoneOffset.UTC);
        }

        List<String> records() {
            return text.lines().skip(1).toList();
        }
    }

    static List<Delivered> delivered(Path root) throws IOException {
        List<Delivered> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                String rel = root.relativize(p).toString().replace('\\', '/');
                Matcher m = OBJECT.matcher(rel);
                assertThat(m.matches()).as(rel).isTrue();
                try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
                    out.add(new Delivered(Path.of(rel), m, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                }
            }
        }
        out.sort(Comparator.comparingLong(Delivered::windowStart).thenComparing(d -> d.relative().toString()));
        return out;
    }

    @ParameterizedTest(name = "{0} engine, {1} workers, {2} s intervals")
    @MethodSource("runs")
    void fl6_deliveredFilesHoldWhatTheFlowLogFileHolds(String engine, int workers, int interval) throws IOException {
        Path flat = tmp.resolve("flow.log");
        Path dir = tmp.resolve("bucket/prefix");
        CliRun run = CliRun.of("replay", "--config", WORLD, "--pcap", capture.toString(), "--engine", engine,
                "--workers", Integer.toString(workers), "--aggregation-interval", Integer.toString(interval),
                "--flow-logs", flat.toString(), "--flow-logs-dir", dir.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();

        List<String> flatLines = Files.readAllLines(flat);
        assertThat(flatLines.get(0)).isEqualTo(FlowLogFormat.DEFAULT.header());
        List<String> want = flatLines.subList(1, flatLines.size());
        assertThat(want).hasSizeGreaterThan(20);

        List<Delivered> files = delivered(dir);
        assertThat(files.stream().map(Delivered::windowStart).distinct().count()).isGreaterThanOrEqualTo(3);
        List<String> got = new ArrayList<>();
        for (Delivered d : files) {
            Matcher n = d.name();
            String ctx = d.relative().toString();
            assertThat(n.group(1)).as(ctx).isEqualTo(ACCOUNT);
            assertThat(n.group(2)).as(ctx).isEqualTo("us-east-1");
            assertThat(n.group(6)).as(ctx).isEqualTo(FlowLogDeliveryOptions.DEFAULT_FLOW_LOG_ID);
            // The date folders are the date of the time in the name; the window starts on a 5-minute boundary.
            assertThat(n.group(3) + n.group(4) + n.group(5)).as(ctx).isEqualTo(n.group(7).substring(0, 8));
            assertThat(d.windowStart() % 300).as(ctx).isZero();
            CRC32 crc = new CRC32();
            crc.update(d.text().getBytes(StandardCharsets.UTF_8));
            assertThat(n.group(8)).as(ctx).isEqualTo(String.format("%08x", crc.getValue()));
            // The file is read back by the project's parser, its header giving the format.
            List<FlowLogLine> lines = FlowLogParser.readAll(new StringReader(d.text()), null);
            assertThat(d.text().lines().findFirst()).as(ctx).contains(FlowLogFormat.DEFAULT.header());
            assertThat(lines).as(ctx).hasSize(d.records().size()).isNotEmpty();
            for (FlowLogLine line : lines) {
                // A record is in the file of the 5-minute window its end time falls in.
                long end = Long.parseLong(line.get(FlowLogField.END));
                assertThat(end).as(ctx).isBetween(d.windowStart(), d.windowStart() + 299);
                assertThat(line.get(FlowLogField.ACCOUNT_ID)).as(ctx).isEqualTo(ACCOUNT);
            }
            got.addAll(d.records());
        }
        if (interval == 60) {
            // A one-minute interval lies in one window: the files in time order are the flat log in order.
            assertThat(got).isEqualTo(want);
        } else {
            // A ten-minute interval's records spread over two windows: the same records, in another order.
            assertThat(got).containsExactlyInAnyOrderElementsOf(want);
        }
    }

    @Test
    void fl6_flowLogIdAndCustomFormatAreUsed() throws IOException {
        Path dir = tmp.resolve("out");
        String format = "${region} ${interface-id} ${end} ${action}";
        CliRun run = CliRun.of("replay", "--config", WORLD, "--pcap", capture.toString(), "--flow-logs-dir",
                dir.toString(), "--flow-log-id", "fl-1234abcd", "--flow-log-format", format);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("frames: ");
        List<Delivered> files = delivered(dir);
        assertThat(files).isNotEmpty();
        for (Delivered d : files) {
            assertThat(d.name().group(6)).isEqualTo("fl-1234abcd");
            assertThat(d.text().lines().findFirst()).contains("region interface-id end action");
            assertThat(d.records()).allSatisfy(r -> assertThat(r).startsWith("us-east-1 eni-"));
        }
    }

    @Test
    void aFolderThatCannotBeMadeIsABadInputBeforeAnythingIsJudged() throws IOException {
        Path file = Files.writeString(tmp.resolve("plain-file"), "x");
        Path verdicts = tmp.resolve("v.jsonl");
        CliRun run = CliRun.of("replay", "--config", WORLD, "--pcap", capture.toString(),
                "--flow-logs-dir", file.resolve("sub").toString(), "--verdicts", verdicts.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("sgemu: --flow-logs-dir " + file.resolve("sub")).contains("cannot create");
        assertThat(run.err()).doesNotContain("Exception").doesNotContain("    at ");
        assertThat(verdicts).doesNotExist();
    }

    @Test
    void aFileThatCannotBeWrittenIsAClearErrorWithExitCode2AndTheOtherOutputsAreWhole() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("bucket"));
        // A plain file where the AWSLogs folder must go: every object fails to be written.
        Files.writeString(dir.resolve("AWSLogs"), "in the way");
        Path flat = tmp.resolve("flow.log");
        for (String engine : List.of("reference", "fast")) {
            CliRun run = CliRun.of("replay", "--config", WORLD, "--pcap", capture.toString(), "--engine", engine,
                    "--flow-logs", flat.toString(), "--flow-logs-dir", dir.toString());
            assertThat(run.exitCode()).as(engine + ": " + run.err()).isEqualTo(2);
            assertThat(run.err()).as(engine).contains("sgemu: --flow-logs-dir: cannot write flow-log object")
                    .contains("AWSLogs").doesNotContain("    at ");
            assertThat(run.err().strip().lines()).as(engine).hasSize(1);
            // The summary is still printed, and the flat log still has every record.
            assertThat(run.out()).as(engine).contains("frames: ");
            assertThat(Files.readAllLines(flat)).as(engine).hasSizeGreaterThan(20);
        }
    }

    @Test
    void aFlowLogIdThatCannotBeInAPathIsRefused() {
        CliRun run = CliRun.of("replay", "--config", WORLD, "--pcap", capture.toString(),
                "--flow-logs-dir", tmp.resolve("d").toString(), "--flow-log-id", "fl/../x");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("flow-log id").contains("fl/../x");
    }
}
