package io.sgemu.dataplane.flowlog;


import io.sgemu.dataplane.testdata.SharedData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Second layer: the sample records of AWS's "Flow log record examples" page (under
 * {@code $SGEMU_SHARED_DATA/flowlogs/aws-docs}) read with their header line, or the default format for the
 * version 2 files, and print back as the same lines.
 *
 * <p>One sample line (file 05, line 9) has a double space in the documentation. The parser reads it (it splits
 * on runs of spaces) and the format writes it with single spaces, as AWS writes records; the test insists that
 * this is the only line whose spacing changes.
 */
class AwsDocSampleLogsTest {

    private static Path samples() {
        return SharedData.directory().resolve("flowlogs").resolve("aws-docs");
    }

    @Test
    void fl6_awsSampleLogsParseAndFormatToTheSameLines() throws IOException {
        Path dir = samples();
        List<Path> logs;
        try (Stream<Path> s = Files.list(dir)) {
            logs = s.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList();
        }
        assertThat(logs).as("sample logs in %s", dir).hasSizeGreaterThanOrEqualTo(9);
        List<String> respaced = new ArrayList<>();
        int records = 0;
        for (Path log : logs) {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            String name = log.getFileName().toString();
            boolean header = FlowLogParser.isHeader(lines.get(0));
            assertThat(header).as("%s: custom formats start with a header, v2 default ones do not", name)
                    .isEqualTo(name.contains("custom"));
            FlowLogParser parser = header ? FlowLogParser.forHeader(lines.get(0)) : new FlowLogParser(FlowLogFormat.DEFAULT);
            if (header) {
                assertThat(parser.format().header()).as(name).isEqualTo(lines.get(0));
            }
            for (int i = header ? 1 : 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.isBlank()) {
                    continue;
                }
                String printed = parser.format().format(parser.parse(line).toRecord());
                assertThat(printed).as("%s line %d", name, i + 1).isEqualTo(line.strip().replaceAll(" +", " "));
                if (!printed.equals(line)) {
                    respaced.add(name.substring(0, 2) + ":" + (i + 1));
                }
                records++;
            }
        }
        assertThat(respaced).as("lines whose spacing changed").containsExactly("05:9");
        assertThat(records).isGreaterThanOrEqualTo(25);
    }

    @Test
    void fl6_awsSampleVersionsAreTheFormatsVersions() throws IOException {
        Path dir = samples();
        for (String name : List.of("05-tcp-flag-sequence-custom-v3.log", "08-transit-gateway-custom-v3.log",
                "09-service-trafficpath-direction-custom-v5.log")) {
            List<String> lines = Files.readAllLines(dir.resolve(name), StandardCharsets.UTF_8);
            FlowLogParser parser = FlowLogParser.forHeader(lines.get(0));
            int version = Integer.parseInt(parser.parse(lines.get(1)).get(FlowLogField.VERSION));
            assertThat(parser.format().version()).as(name).isEqualTo(version);
        }
        // the NAT-gateway sample: a requester-managed ENI has no instance-id; pkt-dstaddr shows the final destination
        List<String> nat = Files.readAllLines(dir.resolve("06-nat-gateway-eni-custom.log"), StandardCharsets.UTF_8);
        FlowLogRecord r = FlowLogParser.forHeader(nat.get(0)).parse(nat.get(1)).toRecord();
        assertThat(r.eni().instanceId()).isNull();
        assertThat(r.dstaddr()).isNotEqualTo(r.pktDstaddr());
    }
}
