package io.sgemu.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of bad input gives one clear error line, the right exit code, and no stack trace. */
class BadInputTest {

    static final Path EXAMPLE = ThreeTierExampleTest.EXAMPLE;
    static final String WORLD = ThreeTierExampleTest.WORLD;

    @TempDir
    Path tmp;

    @Test
    void garbageCaptureIsOneErrorWithExitCode2() throws IOException {
        Path garbage = tmp.resolve("garbage.pcap");
        Files.writeString(garbage, "this is not a capture at all, just text\n");
        CliRun run = CliRun.of("replay", "--config", WORLD, "--pcap", garbage.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("sgemu: ").contains("garbage.pcap").contains("not a pcap or pcapng file");
        assertNoStackTrace(run);
    }

    @Test
    void truncatedCaptureJudgesEveryFrameBeforeTheCutThenSaysWhere() throws IOException {
        byte[] whole = Files.readAllBytes(EXAMPLE.resolve("three-tier.pcap"));
        Path cut = tmp.resolve("cut.pcap");
        Files.write(cut, Arrays.copyOf(whole, whole.length - 30));
        Path verdicts = tmp.resolve("v.jsonl");
        Path flowLogs = tmp.resolve("f.log");
        CliRun run = CliRun.of("replay", "--config", WORLD, "--pcap", cut.toString(), "--verdicts", verdicts.toString(),
                "--flow-logs", flowLogs.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("cut.pcap").contains("truncated").contains("judged and written");
        assertNoStackTrace(run);
        List<String> v = Files.readAllLines(verdicts);
        CliRun full = CliRun.of("replay", "--config", WORLD, "--pcap", EXAMPLE.resolve("three-tier.pcap").toString(),
                "--verdicts", tmp.resolve("all.jsonl").toString());
        List<String> all = Files.readAllLines(tmp.resolve("all.jsonl"));
        assertThat(full.exitCode()).isZero();
        assertThat(v).hasSize(all.size() - 1).isEqualTo(all.subList(0, all.size() - 1));
        assertThat(Files.readAllLines(flowLogs)).hasSizeGreaterThan(10);
    }

    @Test
    void badWorldNamesFileAndJsonPath() throws IOException {
        Path world = tmp.resolve("world");
        Files.createDirectories(world);
        for (Path p : Files.list(EXAMPLE.resolve("aws")).toList()) {
            Files.copy(p, world.resolve(p.getFileName()));
        }
        Path sg = world.resolve("describe-security-groups.json");
        Files.writeString(sg, Files.readString(sg).replaceFirst("\"FromPort\": 443", "\"FromPort\": 70000"));
        CliRun run = CliRun.of("check", "--config", world.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).startsWith("sgemu: ").contains("describe-security-groups.json")
                .contains("SecurityGroups[0].IpPermissions[0].FromPort").contains("70000");
        assertThat(run.err().strip().lines()).hasSize(1);
    }

    @Test
    void badChangeLineNamesTheLineAndNothingIsReplayed() throws IOException {
        Path changes = tmp.resolve("changes.jsonl");
        Files.write(changes, List.of(
                Files.readAllLines(EXAMPLE.resolve("changes.jsonl")).get(0),
                "{\"at\": 1767225605, \"action\": \"RevokeSecurityGroupIngress\", \"input\": {\"GroupId\": \"sg-nope\"}}"),
                StandardCharsets.UTF_8);
        Path verdicts = tmp.resolve("v.jsonl");
        CliRun run = CliRun.of("replay", "--config", WORLD, "--pcap", EXAMPLE.resolve("three-tier.pcap").toString(),
                "--changes", changes.toString(), "--verdicts", verdicts.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("sgemu: ").contains("changes.jsonl:2");
        assertNoStackTrace(run);
        assertThat(verdicts).doesNotExist();
    }

    @Test
    void unknownOptionAndBadIntervalAreUsageErrors() {
        CliRun run = CliRun.of("replay", "--config", WORLD, "--pcap", "x.pcap", "--bogus");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Unknown option: '--bogus'");
        CliRun interval = CliRun.of("replay", "--config", WORLD, "--pcap", EXAMPLE.resolve("three-tier.pcap").toString(),
                "--aggregation-interval", "30");
        assertThat(interval.exitCode()).isEqualTo(2);
        assertThat(interval.err()).contains("60 or 600");
    }

    @Test
    void badFlowLogFormatNamesTheField() {
        CliRun run = CliRun.of("replay", "--config", WORLD, "--pcap", EXAMPLE.resolve("three-tier.pcap").toString(),
                "--flow-logs", "-", "--flow-log-format", "${version} ${no-such-field}");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no-such-field");
    }

    private static void assertNoStackTrace(CliRun run) {
        assertThat(run.err()).doesNotContain("\tat ").doesNotContain("    at ").doesNotContain("Exception");
    }

    @Test
    void tooLittleMemoryIsAMessageNotAStackTrace() throws Exception {
        // A JVM of its own with 48 MB of heap (and so of direct memory): the default conntrack table needs 64 MB.
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx48m",
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), SgemuCommand.class.getName(), "replay",
                "--config", CliRun.EXAMPLES.resolve("three-tier/aws").toString(),
                "--pcap", CliRun.EXAMPLES.resolve("three-tier/three-tier.pcap").toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(output).isEqualTo(SgemuCommand.EXIT_INTERNAL);
        assertThat(output).contains("sgemu: out of memory").contains("--conntrack-capacity").doesNotContain("\tat ");
    }
}
