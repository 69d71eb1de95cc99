package io.sgemu.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sgemu.dataplane.capture.CaptureReader;
import io.sgemu.dataplane.capture.CapturedFrame;
import io.sgemu.dataplane.capture.PcapngWriter;
import io.sgemu.dataplane.packet.LinkType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code replay --write-accepted/--write-rejected/--summary} on the bundled example, for both engines. */
class ReplayOutputsTest {

    static final Path EXAMPLE = CliRun.EXAMPLES.resolve("three-tier");
    static final Path CAPTURE = EXAMPLE.resolve("three-tier.pcap");
    static final String WORLD = EXAMPLE.resolve("aws").toString();
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** One frame as a capture holds it. */
    record Frame(long number, long timeNanos, int linkType, int originalLength, List<Byte> bytes) {
        /** The frame as written elsewhere: everything but its position in the file. */
        Frame renumbered() {
            return new Frame(0, timeNanos, linkType, originalLength, bytes);
        }
    }

    static List<Frame> read(Path capture) throws IOException {
        List<Frame> frames = new ArrayList<>();
        try (CaptureReader reader = CaptureReader.open(capture)) {
            CapturedFrame f = new CapturedFrame();
            while (reader.next(f)) {
                byte[] b = new byte[f.capturedLength];
                f.buffer.getBytes(f.offset, b, 0, b.length);
                List<Byte> list = new ArrayList<>(b.length);
                for (byte x : b) {
                    list.add(x);
                }
                frames.add(new Frame(f.frameNumber, f.timeNanos, f.linkType, f.originalLength, list));
            }
        }
        return frames;
    }

    /** Packet number to action, from a verdicts file. */
    static Map<Long, String> actions(Path verdicts) throws IOException {
        Map<Long, String> m = new HashMap<>();
        for (String line : Files.readAllLines(verdicts)) {
            JsonNode n = JSON.readTree(line);
            m.put(n.get("packet").asLong(), n.get("action").asText());
        }
        return m;
    }

    static List<Frame> expected(List<Frame> all, Map<Long, String> actions, String action) {
        return all.stream().filter(f -> action.equals(actions.get(f.number()))).map(Frame::renumbered).toList();
    }

    static Stream<Arguments> engines() {
        return Stream.of("pcap", "pcapng").flatMap(ext -> Stream.of(
                Arguments.of("reference", 1, ext), Arguments.of("fast", 1, ext), Arguments.of("fast", 2, ext)));
    }

    @ParameterizedTest(name = "{0} engine, {1} workers, .{2}")
    @MethodSource("engines")
    void acceptedAndRejectedFramesAreCopiedUnchanged(String engine, int workers, String ext) throws IOException {
        Path verdicts = tmp.resolve("v.jsonl");
        Path accepted = tmp.resolve("out/accepted." + ext);
        Path rejected = tmp.resolve("out/rejected." + ext);
        Path summary = tmp.resolve("summary.json");
        CliRun run = CliRun.of("replay", "--config", WORLD, "--pcap", CAPTURE.toString(), "--engine", engine,
                "--workers", Integer.toString(workers), "--verdicts", verdicts.toString(),
                "--write-accepted", accepted.toString(), "--write-rejected", rejected.toString(),
                "--summary", summary.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();

        List<Frame> all = read(CAPTURE);
        Map<Long, String> actions = actions(verdicts);
        assertThat(actions).hasSize(all.size());
        List<Frame> wantAccepted = expected(all, actions, "ACCEPT");
        List<Frame> wantRejected = expected(all, actions, "REJECT");
        assertThat(wantAccepted).isNotEmpty();
        assertThat(wantRejected).isNotEmpty();
        assertThat(read(accepted).stream().map(Frame::renumbered).toList()).isEqualTo(wantAccepted);
        assertThat(read(rejected).stream().map(Frame::renumbered).toList()).isEqualTo(wantRejected);
        byte[] head = Files.readAllBytes(accepted);
        if (ext.equals("pcap")) {
            // Nanosecond pcap, little-endian.
            assertThat(new byte[] {head[0], head[1], head[2], head[3]}).containsExactly(0x4D, 0x3C, 0xB2, 0xA1);
        } else {
            assertThat(new byte[] {head[0], head[1], head[2], head[3]}).containsExactly(0x0A, 0x0D, 0x0D, 0x0A);
        }

        JsonNode s = JSON.readTree(summary.toFile());
        long skipped = actions.values().stream().filter("SKIP"::equals).count();
        assertThat(s.get("frames").asLong()).isEqualTo(all.size());
        assertThat(s.get("accepted").asLong()).isEqualTo(wantAccepted.size());
        assertThat(s.get("rejected").asLong()).isEqualTo(wantRejected.size());
        assertThat(s.get("skipped").asLong()).isEqualTo(skipped);
        long byReason = 0;
        for (JsonNode n : s.get("skipped_by_reason")) {
            byReason += n.asLong();
        }
        assertThat(byReason).isEqualTo(skipped);
        assertThat(s.get("accounting").get("ok").asBoolean()).as("accounting %s", s.get("accounting")).isTrue();
        assertThat(s.get("frames_read").asLong()).isEqualTo(all.size());
        assertThat(run.out()).contains("total frames " + all.size() + " = accepted " + wantAccepted.size());
        assertThat(s.has("capture_error")).isFalse();
        assertThat(s.get("changes_applied").asInt()).isZero();
        JsonNode enis = s.get("enis");
        assertThat(enis.size()).isPositive();
        long rejectedPackets = 0;
        for (JsonNode eni : enis) {
            assertThat(eni.get("stages").size()).isEqualTo(5);
            // The identity per ENI: frames with the ENI at either end = accepted + rejected + skipped.
            JsonNode f = eni.get("frames");
            assertThat(f.get("accepted").asLong() + f.get("rejected").asLong() + f.get("skipped").asLong())
                    .as("per-ENI identity %s", f).isEqualTo(f.get("frames").asLong());
            assertThat(eni.has("conntrack_allowance_exceeded")).isTrue();
            assertThat(eni.get("tracked_connections").isInt()).isTrue();
            if (eni.has("conntrack_allowance_available")) {
                assertThat(run.out()).contains("conntrack_allowance_exceeded=" + eni.get("conntrack_allowance_exceeded")
                        + " conntrack_allowance_available=" + eni.get("conntrack_allowance_available"));
            }
            for (JsonNode stage : eni.get("stages")) {
                rejectedPackets += stage.get("rejected_packets").asLong();
            }
        }
        // A rejected packet is rejected by exactly one stage of one ENI.
        assertThat(rejectedPackets).isEqualTo(wantRejected.size());
        // The terminal table says the same.
        assertThat(run.out()).contains("frames: " + all.size() + "  accepted: " + wantAccepted.size()
                + "  rejected: " + wantRejected.size());
    }

    /**
     * Many windows in flight at once (the example repeated, each copy a second later): the frames kept for
     * late verdicts must still be the right ones.
     */
    @ParameterizedTest(name = "{0} workers")
    @org.junit.jupiter.params.provider.ValueSource(ints = {2, 4})
    void aLongCaptureThroughSeveralWorkersWritesEveryFrameOnce(int workers) throws IOException {
        List<Frame> one = read(CAPTURE);
        Path longCapture = tmp.resolve("long.pcap");
        try (io.sgemu.dataplane.capture.PcapWriter w = io.sgemu.dataplane.capture.PcapWriter.create(longCapture,
                one.get(0).linkType(), io.sgemu.dataplane.capture.PcapWriter.Precision.NANOSECONDS)) {
            for (int copy = 0; copy < 40_000 / one.size() + 1; copy++) {
                for (Frame f : one) {
                    byte[] b = new byte[f.bytes().size()];
                    for (int i = 0; i < b.length; i++) {
                        b[i] = f.bytes().get(i);
                    }
                    w.write(f.timeNanos() + copy * 1_000_000_000L, b, 0, b.length, f.originalLength());
                }
            }
        }
        Path verdicts = tmp.resolve("v.jsonl");
        Path accepted = tmp.resolve("a.pcapng");
        Path rejected = tmp.resolve("r.pcap");
        CliRun run = CliRun.of("replay", "--config", WORLD, "--pcap", longCapture.toString(),
                "--workers", Integer.toString(workers), "--verdicts", verdicts.toString(),
                "--write-accepted", accepted.toString(), "--write-rejected", rejected.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<Frame> all = read(longCapture);
        Map<Long, String> actions = actions(verdicts);
        assertThat(all).hasSizeGreaterThan(40_000);
        assertThat(read(accepted).stream().map(Frame::renumbered).toList()).isEqualTo(expected(all, actions, "ACCEPT"));
        assertThat(read(rejected).stream().map(Frame::renumbered).toList()).isEqualTo(expected(all, actions, "REJECT"));
    }

    @Test
    void summaryCountsAppliedChanges() throws IOException {
        Path summary = tmp.resolve("s.json");
        CliRun run = CliRun.of("replay", "--config", WORLD, "--pcap", CAPTURE.toString(),
                "--changes", EXAMPLE.resolve("changes.jsonl").toString(), "--summary", summary.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode s = JSON.readTree(summary.toFile());
        assertThat(s.get("changes_applied").asInt() + s.get("changes_pending").asInt())
                .isEqualTo(Files.readAllLines(EXAMPLE.resolve("changes.jsonl")).stream().filter(l -> !l.isBlank()).count());
        assertThat(s.get("changes_applied").asInt()).isPositive();
    }

    @Test
    void aBrokenCaptureIsInTheSummaryAndItsFramesBeforeTheBreakAreWritten() throws IOException {
        byte[] whole = Files.readAllBytes(CAPTURE);
        Path cut = Files.write(tmp.resolve("cut.pcap"), java.util.Arrays.copyOf(whole, whole.length - 10));
        Path summary = tmp.resolve("s.json");
        Path verdicts = tmp.resolve("v.jsonl");
        Path rejected = tmp.resolve("r.pcapng");
        CliRun run = CliRun.of("replay", "--config", WORLD, "--pcap", cut.toString(), "--summary", summary.toString(),
                "--verdicts", verdicts.toString(), "--write-rejected", rejected.toString());
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        JsonNode s = JSON.readTree(summary.toFile());
        assertThat(s.get("capture_error").asText()).isNotBlank();
        assertThat(s.get("frames").asLong()).isEqualTo(read(CAPTURE).size() - 1);
        assertThat(read(rejected).stream().map(Frame::renumbered).toList())
                .isEqualTo(expected(read(CAPTURE), actions(verdicts), "REJECT"));
    }

    @Test
    void anOutputPathThatCannotBeWrittenIsOneLineExit2() throws IOException {
        Path file = Files.writeString(tmp.resolve("plain.txt"), "x");
        for (String option : List.of("--write-accepted", "--write-rejected", "--summary")) {
            CliRun run = CliRun.of("replay", "--config", WORLD, "--pcap", CAPTURE.toString(), option,
                    file.resolve("out.pcap").toString());
            assertThat(run.exitCode()).as(option + ": " + run.err()).isEqualTo(2);
            assertThat(run.err().strip()).as(option).doesNotContain("\n").contains("out.pcap").doesNotContain("Exception");
        }
    }

    /** The example's frames, alternately as Ethernet and (header stripped) raw IP, in one pcapng. */
    private Path mixedLinkTypes() throws IOException {
        Path mixed = tmp.resolve("mixed.pcapng");
        try (PcapngWriter w = PcapngWriter.create(mixed)) {
            int eth = w.addInterface(LinkType.ETHERNET, 0, PcapngWriter.TSRESOL_NANOS, 0);
            int raw = w.addInterface(LinkType.RAW, 0, PcapngWriter.TSRESOL_NANOS, 0);
            for (Frame f : read(CAPTURE)) {
                byte[] b = new byte[f.bytes().size()];
                for (int i = 0; i < b.length; i++) {
                    b[i] = f.bytes().get(i);
                }
                if (f.number() % 2 == 0) {
                    w.writePacket(eth, f.timeNanos(), b, 0, b.length, f.originalLength());
                } else {
                    w.writePacket(raw, f.timeNanos(), b, 14, b.length - 14, f.originalLength() - 14);
                }
            }
        }
        return mixed;
    }

    @ParameterizedTest(name = "{0} engine")
    @MethodSource("engineNames")
    void severalLinkTypesKeepTheirInterfacesInPcapngAndAreRefusedByPcap(String engine) throws IOException {
        Path mixed = mixedLinkTypes();
        Path verdicts = tmp.resolve("v.jsonl");
        Path accepted = tmp.resolve("a.pcapng");
        CliRun run = CliRun.of("replay", "--config", WORLD, "--pcap", mixed.toString(), "--engine", engine,
                "--verdicts", verdicts.toString(), "--write-accepted", accepted.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<Frame> want = expected(read(mixed), actions(verdicts), "ACCEPT");
        List<Frame> got = read(accepted).stream().map(Frame::renumbered).toList();
        assertThat(got).isEqualTo(want);
        assertThat(got.stream().map(Frame::linkType).distinct()).containsExactlyInAnyOrder(LinkType.ETHERNET, LinkType.RAW);

        CliRun refused = CliRun.of("replay", "--config", WORLD, "--pcap", mixed.toString(), "--engine", engine,
                "--write-accepted", tmp.resolve("a.pcap").toString());
        assertThat(refused.exitCode()).as(refused.err()).isEqualTo(2);
        assertThat(refused.err().strip()).doesNotContain("\n").contains("link type").contains(".pcapng");
    }

    static Stream<String> engineNames() {
        return Stream.of("reference", "fast");
    }

    @Test
    void tsharkReadsTheWrittenFiles() throws IOException, InterruptedException {
        boolean shared = System.getenv("SGEMU_SHARED_DATA") != null;
        boolean tshark = Stream.of(System.getenv("PATH").split(java.io.File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "tshark")));
        if (!shared) {
            Assumptions.assumeTrue(tshark, "tshark is not installed");
        }
        assertThat(tshark).as("tshark must be installed when SGEMU_SHARED_DATA is set").isTrue();
        for (String ext : List.of("pcap", "pcapng")) {
            Path accepted = tmp.resolve("a." + ext);
            Path rejected = tmp.resolve("r." + ext);
            CliRun run = CliRun.of("replay", "--config", WORLD, "--pcap", CAPTURE.toString(),
                    "--write-accepted", accepted.toString(), "--write-rejected", rejected.toString());
            assertThat(run.exitCode()).as(run.err()).isZero();
            for (Path p : List.of(accepted, rejected)) {
                Process proc = new ProcessBuilder("tshark", "-r", p.toString(), "-T", "fields", "-e", "frame.number")
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                String out = new String(proc.getInputStream().readAllBytes());
                assertThat(proc.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(proc.exitValue()).as(p.toString()).isZero();
                assertThat(out.lines().count()).as(p.toString()).isEqualTo(read(p).size()).isPositive();
            }
        }
    }
}
