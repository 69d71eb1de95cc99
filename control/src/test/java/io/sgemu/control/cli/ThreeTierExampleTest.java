package io.sgemu.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled example, end to end through the command line: what the README's first command shows. */
class ThreeTierExampleTest {

    static final Path EXAMPLE = CliRun.EXAMPLES.resolve("three-tier");
    static final String WORLD = EXAMPLE.resolve("aws").toString();

    @TempDir
    Path tmp;

    @Test
    void bundledCaptureIsWhatTheTrafficScriptMakes() throws IOException {
        Path fresh = tmp.resolve("fresh.pcap");
        CliRun run = CliRun.of("synth", "--flows", EXAMPLE.resolve("traffic.flows").toString(), "--out", fresh.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.readAllBytes(fresh)).as("examples/three-tier/three-tier.pcap is stale: regenerate it with sgemu synth")
                .isEqualTo(Files.readAllBytes(EXAMPLE.resolve("three-tier.pcap")));
    }

    @Test
    void replayJudgesEveryFrameAndFindsTheExamplesStory() throws IOException {
        Path verdicts = tmp.resolve("v.jsonl");
        Path flowLogs = tmp.resolve("flow.log");
        CliRun run = CliRun.of("replay", "--config", WORLD, "--pcap", EXAMPLE.resolve("three-tier.pcap").toString(),
                "--verdicts", verdicts.toString(), "--flow-logs", flowLogs.toString(), "--aggregation-interval", "60");
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> v = Files.readAllLines(verdicts);
        assertThat(v).hasSize(frameCount());
        for (int i = 0; i < v.size(); i++) {
            assertThat(v.get(i)).startsWith("{\"packet\": " + (i + 1) + ", ");
        }
        // Legitimate: HTTPS from the internet to the load balancer's public IP, and its reply.
        assertThat(v).anyMatch(l -> l.contains("\"action\": \"ACCEPT\"") && l.contains("\"src\": \"198.51.100.7\"")
                && l.contains("\"dst\": \"54.210.16.10\"") && l.contains("\"dst_eni\": \"eni-0f1e2d3c4b5a69801\""));
        // SSH to the load balancer: no NACL entry for port 22.
        assertThat(v).filteredOn(l -> l.contains("\"dport\": 22,") || l.endsWith("\"dport\": 22}"))
                .isNotEmpty().allMatch(l -> l.contains("\"action\": \"REJECT\", \"stage\": \"nacl-ingress\""));
        // The load balancer straight to the database: its own SG has no such outbound rule.
        assertThat(v).filteredOn(l -> l.contains("\"sport\": 40100"))
                .isNotEmpty().allMatch(l -> l.contains("\"stage\": \"sg-egress\""));
        // The database's SYN-ACK to a port below its NACL's ephemeral range is dropped on the way out.
        assertThat(v).filteredOn(l -> l.contains("\"src\": \"10.0.3.20\"") && l.contains("\"dport\": 20001"))
                .hasSize(3).allMatch(l -> l.contains("\"action\": \"REJECT\", \"stage\": \"nacl-egress\""));
        // DNS to the VPC resolver is neither filtered nor logged.
        assertThat(v).filteredOn(l -> l.contains("\"dst\": \"10.0.0.2\"") || l.contains("\"src\": \"10.0.0.2\""))
                .hasSize(2).allMatch(l -> l.contains("\"action\": \"SKIP\", \"reason\": \"reserved-address\""));

        List<String> logs = Files.readAllLines(flowLogs);
        assertThat(logs.get(0)).isEqualTo("version account-id interface-id srcaddr dstaddr srcport dstport protocol "
                + "packets bytes start end action log-status");
        // The NACL-dropped reply: REJECT on the database ENI whose NACL dropped it; the SYNs were accepted.
        assertThat(logs).anyMatch(l -> l.matches("2 111122223333 eni-0f1e2d3c4b5a69820 10\\.0\\.3\\.20 10\\.0\\.2\\.12 5432 20001 6 3 \\d+ \\d+ \\d+ REJECT OK"));
        assertThat(logs).anyMatch(l -> l.matches("2 111122223333 eni-0f1e2d3c4b5a69820 10\\.0\\.2\\.12 10\\.0\\.3\\.20 20001 5432 6 3 \\d+ \\d+ \\d+ ACCEPT OK"));
        // Traffic to the database's secondary IP is logged by the database with its primary address.
        assertThat(logs).anyMatch(l -> l.startsWith("2 111122223333 eni-0f1e2d3c4b5a69820 10.0.2.12 10.0.3.20 41001 5432 6 "));
        assertThat(logs).noneMatch(l -> l.contains("10.0.0.2 "));
        assertThat(run.out()).contains("frames: " + frameCount()).contains("reserved-address 2");
    }

    @Test
    void changesApplyAtTheirTimeAndTrackedConnectionsSurviveTheRevoke() throws IOException {
        Path verdicts = tmp.resolve("v.jsonl");
        CliRun run = CliRun.of("replay", "--config", WORLD, "--pcap", EXAMPLE.resolve("three-tier.pcap").toString(),
                "--changes", EXAMPLE.resolve("changes.jsonl").toString(), "--verdicts", verdicts.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> v = Files.readAllLines(verdicts);
        // App 1's database session began before the revoke (t=1.2 s): tracked, it carries on.
        assertThat(v).filteredOn(l -> l.contains("\"sport\": 41000") || l.contains("\"dport\": 41000"))
                .isNotEmpty().allMatch(l -> l.contains("\"action\": \"ACCEPT\""));
        // App 2's began after it: the database's SG no longer admits it.
        assertThat(v).filteredOn(l -> l.contains("\"sport\": 41001") && l.contains("\"dport\": 5432"))
                .isNotEmpty().allMatch(l -> l.contains("\"action\": \"REJECT\", \"stage\": \"sg-ingress\""));
        // SSH now passes the public NACL (the second change) and meets the load balancer's SG instead.
        assertThat(v).filteredOn(l -> l.endsWith("\"dport\": 22}"))
                .isNotEmpty().allMatch(l -> l.contains("\"action\": \"REJECT\", \"stage\": \"sg-ingress\""));
        assertThat(run.out()).contains("changes applied: 2");
    }

    @Test
    void bothEnginesAndAnyWorkerCountWriteTheSameVerdictsFlowLogsAndSummary() throws IOException {
        String pcap = EXAMPLE.resolve("three-tier.pcap").toString();
        String changes = EXAMPLE.resolve("changes.jsonl").toString();
        List<String> reference = null;
        for (String[] engine : new String[][] {{"--engine", "reference"}, {"--workers", "1"}, {"--workers", "2"}, {"--workers", "4"}}) {
            Path v = tmp.resolve(engine[1] + ".jsonl");
            Path f = tmp.resolve(engine[1] + ".log");
            CliRun run = CliRun.of("replay", "--config", WORLD, "--pcap", pcap, "--changes", changes, "--verdicts", v.toString(),
                    "--flow-logs", f.toString(), "--aggregation-interval", "60", engine[0], engine[1]);
            assertThat(run.exitCode()).as(run.err()).isZero();
            List<String> all = new java.util.ArrayList<>(Files.readAllLines(v));
            all.addAll(Files.readAllLines(f));
            all.addAll(run.out().lines().toList());
            if (reference == null) {
                reference = all;
            } else {
                assertThat(all).as("%s %s against the reference engine", engine[0], engine[1]).isEqualTo(reference);
            }
        }
    }

    @Test
    void aGzipCompressedCaptureReplaysLikeTheUncompressedOne() throws IOException {
        Path gz = tmp.resolve("three-tier.pcap.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(EXAMPLE.resolve("three-tier.pcap"), out);
        }
        Path plain = tmp.resolve("plain.jsonl");
        Path zipped = tmp.resolve("zipped.jsonl");
        assertThat(CliRun.of("replay", "--config", WORLD, "--pcap", EXAMPLE.resolve("three-tier.pcap").toString(),
                "--verdicts", plain.toString()).exitCode()).isZero();
        CliRun run = CliRun.of("replay", "--config", WORLD, "--pcap", gz.toString(), "--verdicts", zipped.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.readAllLines(zipped)).isEqualTo(Files.readAllLines(plain)).hasSize(frameCount());
    }

    @Test
    void pacingNeverChangesAVerdict() throws IOException {
        String pcap = EXAMPLE.resolve("three-tier.pcap").toString();
        Path fast = tmp.resolve("top.jsonl");
        Path paced = tmp.resolve("paced.jsonl");
        assertThat(CliRun.of("replay", "--config", WORLD, "--pcap", pcap, "--verdicts", fast.toString()).exitCode()).isZero();
        CliRun run = CliRun.of("replay", "--config", WORLD, "--pcap", pcap, "--verdicts", paced.toString(), "--pps", "5000");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.readAllLines(paced)).isEqualTo(Files.readAllLines(fast));
        CliRun both = CliRun.of("replay", "--config", WORLD, "--pcap", pcap, "--realtime", "--pps", "10");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("choose one pace");
        assertThat(CliRun.of("replay", "--config", WORLD, "--pcap", pcap, "--speed-multiplier", "0").err()).contains("positive");
    }

    @Test
    void explainNamesTheNaclEntryThatDropsTheReply() {
        CliRun run = CliRun.of("explain", "--config", WORLD, "--flow", "tcp 10.0.2.12:20001 -> 10.0.3.20:5432", "--reply");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("packet: tcp 10.0.2.12:20001 -> 10.0.3.20:5432 [SYN]")
                .contains("reply: tcp 10.0.3.20:5432 -> 10.0.2.12:20001 [SYN,ACK]")
                .contains("acl-0a1b2c3d4e5f60003")
                .contains("verdict: REJECT at nacl-egress")
                .contains("sg-0a11b22c33d44e503");
    }

    @Test
    void checkPrintsTheInventory() {
        CliRun run = CliRun.of("check", "--config", WORLD);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("3 security groups").contains("4 network interfaces");
    }

    private static int frameCount() throws IOException {
        // Every frame of the synthesized example is an Ethernet frame in a nanosecond pcap: count records.
        byte[] b = Files.readAllBytes(EXAMPLE.resolve("three-tier.pcap"));
        int n = 0;
        for (int off = 24; off < b.length; n++) {
            int incl = (b[off + 8] & 0xFF) | (b[off + 9] & 0xFF) << 8 | (b[off + 10] & 0xFF) << 16 | (b[off + 11] & 0xFF) << 24;
            off += 16 + incl;
        }
        return n;
    }
}
