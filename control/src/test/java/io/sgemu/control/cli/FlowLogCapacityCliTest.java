package io.sgemu.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --flow-log-max-records}: the flow-log aggregation holds at most that many records per interval; the
 * packets of flows beyond it are logged by SKIPDATA records and counted in both summaries, on both engines.
 */
class FlowLogCapacityCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void flowsBeyondTheCapacityBecomeCountedSkipData() throws Exception {
        for (String engine : new String[] {"reference", "fast"}) {
            Path flows = tmp.resolve(engine + ".log");
            Path summary = tmp.resolve(engine + ".json");
            CliRun run = CliRun.of("replay", "--config", BadInputTest.WORLD, "--pcap",
                    BadInputTest.EXAMPLE.resolve("three-tier.pcap").toString(), "--engine", engine, "--workers", "2",
                    "--flow-log-max-records", "1", "--flow-logs", flows.toString(), "--summary", summary.toString());
            assertThat(run.exitCode()).as(engine + ": " + run.err()).isZero();
            JsonNode s = JSON.readTree(summary.toFile());
            JsonNode f = s.get("flow_logs");
            List<String> lines = Files.readAllLines(flows);
            long skipData = lines.stream().filter(l -> l.endsWith(" SKIPDATA")).count();
            assertThat(f.get("capacity_lost_observations").asLong()).as(engine).isPositive();
            assertThat(f.get("skipdata_records").asLong()).as(engine + ": SKIPDATA records counted").isEqualTo(skipData)
                    .isPositive();
            assertThat(lines.stream().filter(l -> l.endsWith(" OK")).count()).as(engine + ": OK records")
                    .isEqualTo(f.get("ok_records").asLong());
            assertThat(run.out()).as(engine).contains("SKIPDATA (lost: ");
            assertThat(s.get("accounting").get("ok").asBoolean()).as(engine).isTrue();
        }
    }

    @Test
    void aCapacityBelowOneIsAUserError() {
        CliRun run = CliRun.of("replay", "--config", BadInputTest.WORLD, "--pcap",
                BadInputTest.EXAMPLE.resolve("three-tier.pcap").toString(), "--flow-log-max-records", "0");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--flow-log-max-records must be at least 1");
    }
}
