package io.sgemu.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.control.cli.ReplayOutputsTest.Frame;
import io.sgemu.dataplane.capture.PcapngWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Corrupt captures at the command line: a broken record is an error naming the frame and the offset, after
 * every frame before it was judged and written (exit 1); lengths that disagree but leave the bytes there are
 * read and warned about once, with the first frame's number (exit 0); a file that is no capture is exit 2.
 */
class CorruptCaptureTest {

    static final String WORLD = ReplayOutputsTest.WORLD;
    static final Path CAPTURE = ReplayOutputsTest.CAPTURE;
    /** The frame the damage is done to (1-based). */
    static final int K = 7;

    @TempDir
    static Path shared;
    /** The verdict lines of the whole, undamaged capture. */
    static List<String> allVerdicts;
    static byte[] whole;
    /** File offsets of the pcap's records, by frame number - 1. */
    static List<Integer> records;

    @TempDir
    Path tmp;

    @BeforeAll
    static void judgeTheWholeCapture() throws IOException {
        Path v = shared.resolve("all.jsonl");
        CliRun run = CliRun.of("replay", "--config", WORLD, "--pcap", CAPTURE.toString(), "--verdicts", v.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        allVerdicts = Files.readAllLines(v);
        whole = Files.readAllBytes(CAPTURE);
        records = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(whole).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(0)).as("the example is a little-endian pcap").isEqualTo(0xA1B23C4D);
        for (int at = 24; at < whole.length; at += 16 + b.getInt(at + 8)) {
            records.add(at);
        }
        assertThat(records).hasSize(allVerdicts.size()).hasSizeGreaterThan(K + 2);
    }

    record Outcome(CliRun run, List<String> verdicts) {
    }

    private Outcome replay(byte[] capture, String name, String... more) throws IOException {
        Path file = Files.write(tmp.resolve(name), capture);
        Path v = tmp.resolve(name + ".jsonl");
        List<String> args = new ArrayList<>(List.of("replay", "--config", WORLD, "--pcap", file.toString(),
                "--verdicts", v.toString()));
        args.addAll(List.of(more));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        return new Outcome(run, Files.exists(v) ? Files.readAllLines(v) : List.of());
    }

    private static byte[] patchInt(byte[] bytes, int at, int value) {
        byte[] b = bytes.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
        return b;
    }

    private static void assertNoStackTrace(CliRun run) {
        assertThat(run.err()).doesNotContain("    at ").doesNotContain("Exception");
    }

    /** Exit 1, the error names file, frame K and its offset, and frames 1..K-1 were judged. */
    private static void assertBrokeOffAtK(Outcome o, String what) {
        CliRun run = o.run();
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).contains(what + " of frame " + K + " at offset " + records.get(K - 1))
                .contains("judged and written");
        assertNoStackTrace(run);
        assertThat(o.verdicts()).isEqualTo(allVerdicts.subList(0, K - 1));
    }

    @ParameterizedTest(name = "cut {0} bytes into the record header")
    @ValueSource(ints = {1, 7, 15})
    void aCutInARecordHeaderNamesTheFrameAfterJudgingTheOnesBefore(int into) throws IOException {
        Outcome o = replay(Arrays.copyOf(whole, records.get(K - 1) + into), "cut-header.pcap");
        assertBrokeOffAtK(o, "truncated record header");
        assertThat(o.run().err()).contains("needs 16 bytes, " + into + " left");
    }

    @ParameterizedTest(name = "cut {0} bytes into the frame")
    @ValueSource(ints = {0, 5})
    void aCutInPacketDataNamesTheFrameAfterJudgingTheOnesBefore(int into) throws IOException {
        Outcome o = replay(Arrays.copyOf(whole, records.get(K - 1) + 16 + into), "cut-data.pcap");
        assertBrokeOffAtK(o, "truncated record");
        assertThat(o.run().err()).contains(into + " left");
    }

    @Test
    void anAbsurdCapturedLengthIsAnErrorNamingTheFrameAfterJudgingTheOnesBefore() throws IOException {
        Outcome o = replay(patchInt(whole, records.get(K - 1) + 8, 0x00FF_FFFF), "absurd.pcap",
                "--summary", tmp.resolve("s.json").toString());
        assertBrokeOffAtK(o, "captured length too large");
        assertThat(o.run().err()).contains("header says 16777215 bytes");
        var summary = ReplayOutputsTest.JSON.readTree(tmp.resolve("s.json").toFile());
        assertThat(summary.get("frames").asLong()).isEqualTo(K - 1);
        assertThat(summary.get("capture_error").asText()).contains("of frame " + K)
                .contains("more than the 262144 bytes libpcap accepts");
    }

    @Test
    void aCapturedLengthBeyondTheFilesEndIsTruncation() throws IOException {
        // Within libpcap's limit, but more bytes than the file has left.
        Outcome o = replay(patchInt(whole, records.get(K - 1) + 8, 200_000), "beyond.pcap");
        assertBrokeOffAtK(o, "truncated record");
        assertThat(o.run().err()).contains("header says 200000 bytes");
    }

    @Test
    void capturedLengthsAboveTheSnapshotLengthAreJudgedWholeWithOneWarning() throws IOException {
        // A snapshot length of 60 in the file header: most frames of the example are longer.
        Path summary = tmp.resolve("snap-summary.json");
        Outcome o = replay(patchInt(whole, 16, 60), "snap.pcap", "--summary", summary.toString());
        CliRun run = o.run();
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(summary.toFile());
        assertThat(json.path("capture_warnings")).as("the summary carries the warning").hasSize(1);
        assertThat(json.path("capture_warnings").get(0).asText()).contains("above the snapshot length");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(o.verdicts()).isEqualTo(allVerdicts);
        List<String> warnings = run.err().lines().filter(l -> l.startsWith("warning: ")).toList();
        assertThat(warnings).hasSize(1);
        int first = 0;
        ByteBuffer b = ByteBuffer.wrap(whole).order(ByteOrder.LITTLE_ENDIAN);
        while (b.getInt(records.get(first) + 8) <= 60) {
            first++;
        }
        assertThat(warnings.get(0)).contains("snap.pcap").contains("above the snapshot length")
                .contains("first: frame " + (first + 1) + " at offset " + records.get(first)).contains("read whole");
    }

    @Test
    void aCapturedLengthAboveTheOriginalLengthIsJudgedWithOneWarning() throws IOException {
        ByteBuffer b = ByteBuffer.wrap(whole).order(ByteOrder.LITTLE_ENDIAN);
        int captured = b.getInt(records.get(K - 1) + 8);
        Outcome o = replay(patchInt(whole, records.get(K - 1) + 12, captured - 10), "orig.pcap");
        CliRun run = o.run();
        assertThat(run.exitCode()).as(run.err()).isZero();
        // The original length is taken to be the captured one: the same verdicts as the undamaged file.
        assertThat(o.verdicts()).isEqualTo(allVerdicts);
        assertThat(run.err()).contains("warning: ").contains("1 frame with a captured length above the original length")
                .contains("first: frame " + K).contains(captured + " bytes captured, " + (captured - 10) + " on the wire");
    }

    /** The example as pcapng; {@code blocks} gets the offset of each frame's packet block. */
    private static byte[] asPcapng(List<Integer> blocks) throws IOException {
        List<Frame> frames = ReplayOutputsTest.read(CAPTURE);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (PcapngWriter w = new PcapngWriter(bytes, ByteOrder.LITTLE_ENDIAN)) {
            w.addInterface(frames.get(0).linkType());
            for (Frame f : frames) {
                w.flush();
                blocks.add(bytes.size());
                byte[] data = new byte[f.bytes().size()];
                for (int i = 0; i < data.length; i++) {
                    data[i] = f.bytes().get(i);
                }
                w.writePacket(0, f.timeNanos(), data, 0, data.length, f.originalLength());
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void aPcapngCutInsideAPacketBlockNamesTheFrameAfterJudgingTheOnesBefore() throws IOException {
        List<Integer> blocks = new ArrayList<>();
        byte[] ng = asPcapng(blocks);
        Outcome o = replay(Arrays.copyOf(ng, blocks.get(K - 1) + 30), "cut.pcapng");
        CliRun run = o.run();
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).contains("cut.pcapng: truncated block of frame " + K + " at offset " + blocks.get(K - 1))
                .contains("judged and written");
        assertNoStackTrace(run);
        assertThat(o.verdicts()).isEqualTo(allVerdicts.subList(0, K - 1));
    }

    @Test
    void aPcapngPacketBlockWhoseCapturedLengthRunsPastItIsJudgedAndTheRestFollows() throws IOException {
        List<Integer> blocks = new ArrayList<>();
        byte[] ng = asPcapng(blocks);
        int epb = blocks.get(K - 1);
        int captured = ByteBuffer.wrap(ng).order(ByteOrder.LITTLE_ENDIAN).getInt(epb + 20);
        Outcome o = replay(patchInt(ng, epb + 20, captured + 4000), "epb.pcapng");
        CliRun run = o.run();
        assertThat(run.exitCode()).as(run.err()).isZero();
        // Every frame is judged, frame K with the bytes its block holds.
        assertThat(o.verdicts()).hasSize(allVerdicts.size());
        assertThat(o.verdicts().subList(0, K - 1)).isEqualTo(allVerdicts.subList(0, K - 1));
        assertThat(o.verdicts().subList(K, allVerdicts.size())).isEqualTo(allVerdicts.subList(K, allVerdicts.size()));
        assertThat(run.err()).contains("warning: ").contains("epb.pcapng")
                .contains("beyond the end of their packet block").contains("first: frame " + K + " at offset " + epb)
                .contains("says " + (captured + 4000) + " bytes, block holds ");
    }

    @Test
    void aFileWithTheWrongMagicIsOneLineNamingFileAndMagicWithExitCode2() throws IOException {
        byte[] b = whole.clone();
        b[0] = (byte) 0xD4; // 0xa1b2c3d4 read in the wrong place: d4 3c b2 a1
        Outcome o = replay(b, "magic.pcap");
        CliRun run = o.run();
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip().lines()).hasSize(1);
        assertThat(run.err()).startsWith("sgemu: ").contains("magic.pcap").contains("not a pcap or pcapng file")
                .contains("(magic 0xd43cb2a1)");
        assertNoStackTrace(run);
        assertThat(o.verdicts()).isEmpty();
    }
}
