package io.sgemu.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code sgemu gen capture} on the three-tier example, then {@code sgemu replay} of what it wrote. */
class GenCaptureCommandTest {

    static final String WORLD = ThreeTierExampleTest.WORLD;
    private static final Pattern TOTALS = Pattern.compile("frames: (\\d+)  accepted: (\\d+)  rejected: (\\d+)  skipped: (\\d+)");

    @TempDir
    Path tmp;

    static LongStream seeds() {
        return new SplittableRandom(7_2026L).longs(4);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void theReplayOfAGeneratedCaptureRejectsTheBlockedShare(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int flows = 50 + r.nextInt(400);
        int packets = flows * 10 + r.nextInt(20_000);
        double share = Math.round(r.nextDouble(0.02, 0.4) * 1000) / 1000.0;
        String[] names = {"g.pcap", "g.pcapng", "g.pcap.gz", "g.pcapng.gz"};
        Path out = tmp.resolve(names[r.nextInt(names.length)]);
        CliRun gen = CliRun.of("gen", "capture", "--config", WORLD, "--flows", "" + flows, "--packets", "" + packets,
                "--blocked-share", "" + share, "--seed", "" + seed, "--zipf", "" + r.nextDouble(0, 2),
                "--link", r.nextBoolean() ? "raw" : "ethernet", "--out", out.toString());
        assertThat(gen.exitCode()).as("seed %d: %s", seed, gen.err()).isZero();
        assertThat(gen.out()).as("seed %d", seed).contains(packets + " packets, " + flows + " flows");
        for (String workers : new String[] {"1", "2"}) {
            CliRun replay = CliRun.of("replay", "--config", WORLD, "--pcap", out.toString(), "--workers", workers);
            assertThat(replay.exitCode()).as("seed %d: %s", seed, replay.err()).isZero();
            Matcher m = TOTALS.matcher(replay.out());
            assertThat(m.find()).as("seed %d: %s", seed, replay.out()).isTrue();
            assertThat(Long.parseLong(m.group(1))).as("seed %d", seed).isEqualTo(packets);
            assertThat(Long.parseLong(m.group(4))).as("seed %d: skipped", seed).isZero();
            double rejected = Double.parseDouble(m.group(3)) / packets;
            assertThat(rejected).as("seed %d, %s workers: rejected share against --blocked-share %s", seed, workers, share)
                    .isCloseTo(share, org.assertj.core.data.Offset.offset(0.005));
        }
    }

    @Test
    void theSameSeedWritesTheSameFile() throws IOException {
        String[] common = {"gen", "capture", "--config", WORLD, "--flows", "200", "--packets", "5000"};
        Path a = tmp.resolve("a.pcap.gz");
        Path b = tmp.resolve("b.pcap.gz");
        Path c = tmp.resolve("c.pcap.gz");
        assertThat(CliRun.of(concat(common, "--seed", "42", "--out", a.toString())).exitCode()).isZero();
        assertThat(CliRun.of(concat(common, "--seed", "42", "--out", b.toString())).exitCode()).isZero();
        assertThat(CliRun.of(concat(common, "--seed", "43", "--out", c.toString())).exitCode()).isZero();
        assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
        assertThat(Files.readAllBytes(c)).isNotEqualTo(Files.readAllBytes(a));
    }

    @Test
    void badOptionsAreOneLineErrorsWithExitCode2() {
        Path out = tmp.resolve("x.pcap");
        String[][] cases = {
            {"--flows", "0", "--packets", "10"},
            {"--flows", "10", "--packets", "5"},
            {"--flows", "100", "--packets", "150"},
            {"--flows", "10", "--packets", "1000", "--blocked-share", "1.5"},
            {"--flows", "10", "--packets", "1000", "--zipf", "-1"},
            {"--flows", "10", "--packets", "1000", "--rate", "0"},
            {"--flows", "10", "--packets", "1000", "--link", "token-ring"},
            {"--flows", "10", "--packets", "1000", "--start", "yesterday"},
        };
        String[] expected = {"--flows", "at least --flows", "too few", "--blocked-share", "--zipf", "--rate", "--link", "--start"};
        for (int i = 0; i < cases.length; i++) {
            String[] args = concat(concat(new String[] {"gen", "capture", "--config", WORLD}, cases[i]), "--out", out.toString());
            CliRun run = CliRun.of(args);
            assertThat(run.exitCode()).as(String.join(" ", args) + "\n" + run.err()).isEqualTo(2);
            assertThat(run.err()).as(String.join(" ", args)).contains(expected[i]).doesNotContain("\tat ").doesNotContain("Exception");
        }
        CliRun missing = CliRun.of("gen", "capture", "--config", tmp.resolve("nope").toString(), "--flows", "1", "--packets",
                "10", "--out", out.toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("no such file");
        assertThat(out).doesNotExist();
        CliRun intoADirectory = CliRun.of("gen", "capture", "--config", WORLD, "--flows", "1", "--packets", "10", "--out",
                tmp.toString());
        assertThat(intoADirectory.exitCode()).isEqualTo(2);
        assertThat(intoADirectory.err()).contains("cannot write").doesNotContain("\tat ");
    }

    @Test
    void genIsListedInTheHelp() {
        assertThat(CliRun.of("--help").out()).contains("gen");
        CliRun gen = CliRun.of("gen", "capture", "--help");
        assertThat(gen.exitCode()).isZero();
        assertThat(gen.out()).contains("--blocked-share").contains("--zipf").contains("--rate").contains("--seed");
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
