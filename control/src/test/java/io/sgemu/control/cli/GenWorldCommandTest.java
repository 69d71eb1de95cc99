package io.sgemu.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.control.aws.WorldLoader;
import io.sgemu.control.model.World;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenWorldCommandTest {

    @TempDir
    Path tmp;

    static final String FILTERS = "@192.0.2.0/24\t0.0.0.0/0\t0 : 65535\t443 : 443\t0x06/0xFF\t0x0000/0x0000\t\n"
            + "@198.51.100.7/32\t10.0.0.0/8\t0 : 65535\t1024 : 65535\t0x11/0xFF\t0x0000/0x0000\t\n"
            + "@0.0.0.0/0\t0.0.0.0/0\t0 : 65535\t0 : 65535\t0x01/0xFF\t0x0000/0x0000\t\n";

    @Test
    void awsWritesAWorldTheLoaderReadsAndSaysHowBig() {
        Path out = tmp.resolve("aws");
        CliRun run = CliRun.of("gen", "world", "aws", "--vpcs", "2", "--subnets-per-vpc", "3", "--enis-per-subnet", "4",
                "--groups", "6", "--rules-per-group", "10", "--groups-per-eni", "2", "--ipv6", "--out", out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        World w = new WorldLoader().load(List.of(out)).world();
        assertThat(w.networkInterfaces()).hasSize(24);
        assertThat(run.out()).contains("2 VPCs, 6 subnets, 6 groups, 60 rules", "24 ENIs", "bytes in");
        assertThat(run.out().lines().count()).isEqualTo(1);
    }

    @Test
    void classbenchConvertsAFilterFile() throws IOException {
        Path set = Files.writeString(tmp.resolve("set"), FILTERS);
        Path out = tmp.resolve("cb");
        CliRun run = CliRun.of("gen", "world", "classbench", "--classbench", set.toString(), "--rules", "10",
                "--rules-per-group", "4", "--enis", "3", "--out", out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("3 groups, 13 rules (10 inbound, 3 outbound), 3 ENIs, 11 NACL entries");
        assertThat(new WorldLoader().load(List.of(out)).world().securityGroups()).hasSize(3);
    }

    @Test
    void aBadClassBenchLineIsNamedWithoutAStackTrace() throws IOException {
        Path set = Files.writeString(tmp.resolve("bad"), FILTERS.replace("1024 : 65535", "1024 - 65535"));
        CliRun run = CliRun.of("gen", "world", "classbench", "--classbench", set.toString(), "--out", tmp.resolve("o").toString());
        assertThat(run.exitCode()).isEqualTo(SgemuCommand.EXIT_BAD_INPUT);
        assertThat(run.err()).contains(set + ": line 2: destination ports").doesNotContain("\tat ").doesNotContain("Exception");
        CliRun missing = CliRun.of("gen", "world", "classbench", "--classbench", tmp.resolve("nope").toString(),
                "--out", tmp.resolve("o").toString());
        assertThat(missing.exitCode()).isEqualTo(SgemuCommand.EXIT_BAD_INPUT);
        assertThat(missing.err()).contains("no such file");
    }

    @Test
    void badOptionsAndAFullFolderAreRefused() throws IOException {
        CliRun zero = CliRun.of("gen", "world", "aws", "--vpcs", "0", "--out", tmp.resolve("a").toString());
        assertThat(zero.exitCode()).isEqualTo(SgemuCommand.EXIT_BAD_INPUT);
        assertThat(zero.err()).contains("--vpcs must be at least 1").doesNotContain("\tat ");
        CliRun share = CliRun.of("gen", "world", "aws", "--reference-share", "0.8", "--prefix-list-share", "0.5",
                "--out", tmp.resolve("b").toString());
        assertThat(share.exitCode()).isEqualTo(SgemuCommand.EXIT_BAD_INPUT);
        assertThat(share.err()).contains("at most 1");
        Files.createDirectories(tmp.resolve("full"));
        Files.writeString(tmp.resolve("full").resolve("old.json"), "{}");
        CliRun full = CliRun.of("gen", "world", "aws", "--out", tmp.resolve("full").toString());
        assertThat(full.exitCode()).isEqualTo(SgemuCommand.EXIT_BAD_INPUT);
        assertThat(full.err()).contains("is not empty");
    }

    @Test
    void beyondQuotaIsAWarningNotAnError() {
        CliRun run = CliRun.of("gen", "world", "aws", "--groups", "9", "--rules-per-group", "150", "--groups-per-eni", "3",
                "--out", tmp.resolve("q").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("warning: groups have up to 120 rules in one direction; AWS's quota is 60");
    }

    @Test
    void helpNamesTheQuotas() {
        CliRun run = CliRun.of("gen", "world", "aws", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out().replaceAll("\\s+", " ")).contains("60 inbound and 60", "5 groups per ENI", "at most 16", "20 entries per NACL",
                "only warns", "--rules-per-group", "--seed");
        assertThat(CliRun.of("gen", "world", "--help").out()).contains("classbench", "aws");
        assertThat(CliRun.of("gen", "world", "classbench", "--help").out()).contains("--classbench", "--rules-per-group", "--enis");
    }
}
