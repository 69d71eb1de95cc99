package io.sgemu.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.control.replay.ProgressBar;
import io.sgemu.control.replay.ReplayProgress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code replay --progress / --no-progress}, and the default: a bar only on a terminal. */
class ProgressOptionsTest {

    static final String WORLD = ReplayOutputsTest.WORLD;
    static final String CAPTURE = ReplayOutputsTest.CAPTURE.toString();

    static long frames() throws java.io.IOException {
        return ReplayOutputsTest.read(ReplayOutputsTest.CAPTURE).size();
    }

    @Test
    void testsRunWithStderrRedirectedSoTheDefaultIsQuiet() {
        assertThat(ProgressOptions.stderrIsTerminal()).isFalse();
    }

    @Test
    void withoutATerminalTheCliPrintsNoProgress() throws java.io.IOException {
        for (List<String> extra : List.of(List.<String>of(), List.of("--no-progress"))) {
            for (String engine : List.of("fast", "reference")) {
                CliRun run = CliRun.of(concat(List.of("replay", "--config", WORLD, "--pcap", CAPTURE, "--engine", engine),
                        extra));
                assertThat(run.exitCode()).as(run.err()).isZero();
                assertThat(run.err()).as(engine + " " + extra).doesNotContain("\r").doesNotContain("packets in");
                assertThat(run.out()).contains("frames: " + frames());
            }
        }
    }

    @Test
    void forcedTheFinalLineComesBeforeTheSummaryOnItsOwnLine() throws java.io.IOException {
        for (String engine : List.of("fast", "reference")) {
            // --verdicts - takes stdout: the summary goes to stderr, after the progress line.
            CliRun run = CliRun.of("replay", "--config", WORLD, "--pcap", CAPTURE, "--engine", engine, "--progress",
                    "--verdicts", "-");
            assertThat(run.exitCode()).as(run.err()).isZero();
            String err = run.err();
            assertThat(err).as(engine).startsWith("\r" + String.format(java.util.Locale.ROOT, "%,d", frames())
                    + " packets in ");
            int end = err.indexOf('\n');
            assertThat(err.substring(0, end)).as(engine).matches("\r[0-9,]+ packets in \\d+:\\d\\d, [0-9.]+[kM]? pkt/s");
            assertThat(err.substring(end + 1)).as(engine).contains("frames: " + frames()).doesNotContain("\r");
        }
    }

    @Test
    void theChoice() {
        PrintWriter err = new PrintWriter(new StringWriter());
        ProgressOptions none = parse();
        assertThat(none.choose(err, false)).isSameAs(ReplayProgress.NONE);
        assertThat(none.choose(err, true)).isInstanceOf(ProgressBar.class);
        assertThat(parse("--no-progress").choose(err, true)).isSameAs(ReplayProgress.NONE);
        assertThat(parse("--progress").choose(err, false)).isInstanceOf(ProgressBar.class);
        // Both at once is a usage error.
        CliRun both = CliRun.of("replay", "--config", WORLD, "--pcap", CAPTURE, "--progress", "--no-progress");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("--progress").contains("only once");
    }

    private static ProgressOptions parse(String... args) {
        ProgressOptions o = new ProgressOptions();
        new CommandLine(o).parseArgs(args);
        return o;
    }

    private static String[] concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toArray(String[]::new);
    }
}
