package io.sgemu.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command explains itself, and its help text survives picocli's variable interpolation. */
class HelpTest {

    @ParameterizedTest
    @ValueSource(strings = {"replay", "check", "explain", "synth"})
    void everySubcommandHasHelp(String command) {
        CliRun run = CliRun.of(command, "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: sgemu " + command).doesNotContain("null");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "help"})
    void topLevelHelpListsTheSubcommands(String arg) {
        CliRun run = CliRun.of(arg);
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("replay").contains("check").contains("explain").contains("synth");
    }

    @org.junit.jupiter.api.Test
    void flowLogFormatHelpShowsAwsFieldSyntax() {
        assertThat(CliRun.of("replay", "--help").out()).contains("${version}").contains("${tcp-flags}");
    }
}
