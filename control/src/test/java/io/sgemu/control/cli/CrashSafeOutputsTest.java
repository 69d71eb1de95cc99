package io.sgemu.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sgemu.dataplane.capture.CaptureReader;
import io.sgemu.dataplane.capture.CapturedFrame;
import io.sgemu.dataplane.flowlog.FlowLogFormat;
import io.sgemu.dataplane.flowlog.FlowLogLine;
import io.sgemu.dataplane.flowlog.FlowLogParser;
import io.sgemu.dataplane.io.PartialFile;
import io.sgemu.dataplane.packet.PacketBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Outputs survive a crash: {@code sgemu} runs in a JVM of its own and is killed (SIGKILL) at a seeded random
 * moment while writing; then every file under a final name must read completely with the project's own
 * readers (pcap/pcapng, gzip, flow-log parser, JSON), and only {@code .partial} files may be cut short. A
 * SIGTERM instead stops {@code serve} in order: every output final and complete, no {@code .partial} left.
 */
@Timeout(180)
class CrashSafeOutputsTest {

    static final String WORLD = ServeCommandTest.WORLD;
    static final Pattern LISTENING = Pattern.compile("listening udp://127\\.0\\.0\\.1:(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static Process sgemu(Path stderr, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), SgemuCommand.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile()).start();
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 23, 37})
    void aReplayKilledWhileWriting_leavesOnlyWholeFilesUnderFinalNames(long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        // a capture of 25 minutes of capture time: five S3 windows, the first ones written during the replay
        Path capture = tmp.resolve("in.pcap");
        CliRun gen = CliRun.of("gen", "capture", "--config", WORLD, "--flows", "3000", "--packets", "300000",
                "--rate", "200", "--seed", Long.toString(seed), "--out", capture.toString());
        assertThat(gen.exitCode()).as(gen.err()).isZero();
        Path out = tmp.resolve("out");
        Path stderr = tmp.resolve("stderr");
        Process p = sgemu(stderr, "replay", "--config", WORLD, "--pcap", capture.toString(), "--pps", "50000",
                "--workers", "1",
                "--flow-logs", out.resolve("flow.log").toString(), "--flow-logs-dir", out.resolve("s3").toString(),
                "--write-accepted", out.resolve("accepted.pcap").toString(),
                "--write-rejected", out.resolve("rejected.pcapng").toString(),
                "--verdicts", out.resolve("verdicts.jsonl").toString(), "--summary", out.resolve("summary.json").toString());
        // the outputs are open (their .partial files exist) once the JVM has started and the world is loaded
        Path opened = PartialFile.partialName(out.resolve("flow.log").toAbsolutePath());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(opened) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(opened).as("seed " + seed + ": " + Files.readString(stderr)).exists();
        long killAfter = random.nextLong(4500);
        boolean ended = p.waitFor(killAfter, TimeUnit.MILLISECONDS);
        assertThat(ended).as("seed " + seed + ": the replay should still run after " + killAfter + " ms; stderr: "
                + Files.readString(stderr)).isFalse();
        p.destroyForcibly();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        List<Path> finals = assertOnlyWholeFiles(out, "seed " + seed);
        // the outputs being written when the kill came are .partial files, never under their final names
        assertThat(partials(out)).as("seed " + seed).isNotEmpty();
        assertThat(finals).as("seed " + seed).noneMatch(f -> f.getFileName().toString().equals("flow.log"));
    }

    @Test
    void aReplayStoppedBySigterm_judgesAndWritesWhatItReadAndCompletesEveryOutput() throws Exception {
        Path capture = tmp.resolve("in.pcap");
        CliRun gen = CliRun.of("gen", "capture", "--config", WORLD, "--flows", "2000", "--packets", "200000",
                "--rate", "200", "--seed", "5", "--out", capture.toString());
        assertThat(gen.exitCode()).as(gen.err()).isZero();
        Path out = tmp.resolve("out");
        Path stderr = tmp.resolve("stderr");
        Process p = sgemu(stderr, "replay", "--config", WORLD, "--pcap", capture.toString(), "--pps", "20000",
                "--workers", "1", "--flow-logs", out.resolve("flow.log").toString(),
                "--flow-logs-dir", out.resolve("s3").toString(),
                "--write-accepted", out.resolve("accepted.pcap").toString(),
                "--verdicts", out.resolve("verdicts.jsonl").toString(), "--summary", out.resolve("summary.json").toString());
        Path opened = PartialFile.partialName(out.resolve("flow.log").toAbsolutePath());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(opened) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(opened).as(Files.readString(stderr)).exists();
        assertThat(p.waitFor(1500, TimeUnit.MILLISECONDS)).as("paced at 20k/s, 200k frames last 10 s").isFalse();
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(stderr);
        assertThat(p.exitValue()).as(err).isEqualTo(SgemuCommand.EXIT_INCOMPLETE);
        assertThat(err).contains("stopped by a signal after");
        assertThat(partials(out)).as("no output is left half-written").isEmpty();
        List<Path> finals = assertOnlyWholeFiles(out, "sigterm");
        assertThat(finals).extracting(f -> f.getFileName().toString())
                .contains("flow.log", "accepted.pcap", "verdicts.jsonl", "summary.json");
        long frames = JSON.readTree(out.resolve("summary.json").toFile()).get("frames").asLong();
        assertThat(frames).as("stopped early").isPositive().isLessThan(200_000);
        assertThat(Files.readAllLines(out.resolve("verdicts.jsonl"))).as("a verdict for every frame read").hasSize((int) frames);
    }

    /** Keeps sending UDP datagrams (raw IP: SYNs of new flows) to {@code port} until stopped. */
    private static Thread traffic(int port, AtomicBoolean stop) {
        Thread t = new Thread(() -> {
            try (DatagramSocket s = new DatagramSocket()) {
                int n = 0;
                while (!stop.get()) {
                    byte[] ip = PacketBuilder.ip("10.0.1.10", (n & 1) == 0 ? "10.0.2.11" : "10.0.3.20")
                            .tcp(1024 + (n % 60000), (n & 1) == 0 ? 8080 : 5432, PacketBuilder.SYN, 0).build();
                    s.send(new DatagramPacket(ip, ip.length, InetAddress.getLoopbackAddress(), port));
                    if (++n % 200 == 0) {
                        Thread.sleep(1);
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the server went away
            }
        }, "traffic");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static int listeningPort(Process p, Path stderr) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && p.isAlive()) {
            Matcher m = LISTENING.matcher(Files.readString(stderr));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            Thread.sleep(20);
        }
        throw new AssertionError("serve printed no listener: " + Files.readString(stderr));
    }

    @ParameterizedTest
    @ValueSource(longs = {5, 8})
    void aServeKilledWhileWriting_leavesWholeRecords_andTheNextStartCutsATornTailAndAppends(long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        Path flowLog = tmp.resolve("flow.log");
        Path stderr = tmp.resolve("stderr");
        Process p = sgemu(stderr, "serve", "--config", WORLD, "--listen", "udp://127.0.0.1:0", "--flow-logs",
                flowLog.toString(), "--aggregation-interval-seconds", "1", "--tcp-close-linger", "0");
        int port = listeningPort(p, stderr);
        AtomicBoolean stop = new AtomicBoolean();
        Thread t = traffic(port, stop);
        Thread.sleep(2500 + random.nextLong(2500));
        assertThat(p.isAlive()).as("seed " + seed + ": " + Files.readString(stderr)).isTrue();
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
        stop.set(true);
        t.join();
        String text = Files.readString(flowLog);
        int end = text.lastIndexOf('\n') + 1;
        // whole records up to the last line end; at most a torn line after it, which the next start cuts
        List<FlowLogLine> before = FlowLogParser.readAll(new StringReader(text.substring(0, end)), FlowLogFormat.DEFAULT);
        assertThat(before).as("seed " + seed).isNotEmpty();
        assertThat(text.substring(0, end)).startsWith(FlowLogFormat.DEFAULT.header() + "\n");

        CliRun again = CliRun.of("serve", "--config", WORLD, "--listen", "udp://127.0.0.1:0", "--flow-logs",
                flowLog.toString(), "--duration", "0.5");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.err()).contains("appending to the " + end + " bytes of earlier runs");
        String after = Files.readString(flowLog);
        assertThat(after).as("seed " + seed).isEqualTo(text.substring(0, end));
        assertThat(FlowLogParser.readAll(new StringReader(after), FlowLogFormat.DEFAULT)).hasSize(before.size());
    }

    @Test
    void aServeStoppedBySigterm_writesEveryOutputWholeAndLeavesNoPartialFile() throws Exception {
        Path out = tmp.resolve("out");
        Path stderr = tmp.resolve("stderr");
        Process p = sgemu(stderr, "serve", "--config", WORLD, "--listen", "udp://127.0.0.1:0",
                "--flow-logs", out.resolve("flow.log").toString(), "--flow-logs-dir", out.resolve("s3").toString(),
                "--aggregation-interval-seconds", "1");
        int port = listeningPort(p, stderr);
        AtomicBoolean stop = new AtomicBoolean();
        Thread t = traffic(port, stop);
        Thread.sleep(2500);
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        stop.set(true);
        t.join();
        assertThat(p.exitValue()).as(Files.readString(stderr)).isZero();
        assertThat(partials(out)).isEmpty();
        List<Path> finals = assertOnlyWholeFiles(out, "sigterm");
        assertThat(finals).anyMatch(f -> f.getFileName().toString().equals("flow.log"))
                .anyMatch(f -> f.getFileName().toString().endsWith(".log.gz"));
        String text = Files.readString(out.resolve("flow.log"));
        assertThat(text).endsWith("\n");
        assertThat(FlowLogParser.readAll(new StringReader(text), FlowLogFormat.DEFAULT)).hasSizeGreaterThan(10);
    }

    private static List<Path> partials(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().endsWith(PartialFile.SUFFIX))
                    .toList();
        }
    }

    /** Reads every file under {@code dir} not named {@code .partial} to its end; answers them. */
    static List<Path> assertOnlyWholeFiles(Path dir, String context) throws Exception {
        if (!Files.exists(dir)) {
            return List.of();
        }
        List<Path> finals;
        try (Stream<Path> s = Files.walk(dir)) {
            finals = s.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().endsWith(PartialFile.SUFFIX)).toList();
        }
        for (Path f : finals) {
            String name = f.getFileName().toString();
            String ctx = context + ": " + f;
            if (name.endsWith(".pcap") || name.endsWith(".pcapng")) {
                long frames = 0;
                try (CaptureReader r = CaptureReader.open(f)) {
                    CapturedFrame frame = new CapturedFrame();
                    while (r.next(frame)) {
                        frames++;
                    }
                    assertThat(r.warnings()).as(ctx).isEmpty();
                }
                assertThat(frames).as(ctx).isNotNegative();
            } else if (name.endsWith(".gz")) {
                byte[] raw;
                try (InputStream in = new GZIPInputStream(Files.newInputStream(f))) {
                    raw = in.readAllBytes(); // a cut gzip stream fails here (EOFException)
                }
                assertWholeFlowLog(new String(raw, StandardCharsets.UTF_8), ctx);
            } else if (name.endsWith(".log")) {
                assertWholeFlowLog(Files.readString(f), ctx);
            } else if (name.endsWith(".jsonl")) {
                for (String line : Files.readAllLines(f)) {
                    assertThat(JSON.readTree(line).isObject()).as(ctx).isTrue();
                }
                assertThat(Files.readString(f)).as(ctx).satisfiesAnyOf(s -> assertThat(s).isEmpty(),
                        s -> assertThat(s).endsWith("\n"));
            } else if (name.endsWith(".json")) {
                assertThat(JSON.readTree(f.toFile()).has("frames")).as(ctx).isTrue();
            } else {
                throw new AssertionError(ctx + ": an output the test does not know");
            }
        }
        return finals;
    }

    private static void assertWholeFlowLog(String text, String ctx) throws IOException {
        assertThat(text).as(ctx).startsWith(FlowLogFormat.DEFAULT.header() + "\n").endsWith("\n");
        FlowLogParser.readAll(new StringReader(text), FlowLogFormat.DEFAULT); // throws naming a torn line
    }
}
