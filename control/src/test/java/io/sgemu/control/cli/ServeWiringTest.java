package io.sgemu.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.control.api.Exposition;
import io.sgemu.control.cli.ServeCommandTest.Running;
import io.sgemu.control.live.Vtep;
import io.sgemu.dataplane.packet.PacketBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sgemu serve} with its admin endpoint, flow-log stream, S3-layout flow logs and fixed VTEP port. */
class ServeWiringTest {

    static final String WORLD = ServeCommandTest.WORLD;
    static final String LB = "eni-0f1e2d3c4b5a69801";
    static final String APP = "eni-0f1e2d3c4b5a69811";

    @TempDir
    Path tmp;

    static final byte[] ACCEPTED_SYN = Vtep.vxlan(7001, PacketBuilder.ip("10.0.1.10", "10.0.2.11")
            .tcp(40001, 8080, PacketBuilder.SYN, 0).ethernet().build());
    static final byte[] REJECTED_SYN = Vtep.vxlan(7001, PacketBuilder.ip("10.0.1.10", "10.0.3.20")
            .tcp(40100, 5432, PacketBuilder.SYN, 0).ethernet().build());

    /** The port printed on stderr after {@code prefix}, once it is printed. */
    static int printedPort(Running run, String prefix) throws InterruptedException {
        Pattern p = Pattern.compile(Pattern.quote(prefix) + "127\\.0\\.0\\.1:(\\d+)");
        long deadline = System.nanoTime() + Vtep.WAIT_MILLIS * 1_000_000L;
        while (System.nanoTime() < deadline && !run.exit().isDone()) {
            Matcher m = p.matcher(run.err().toString());
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no '" + prefix + "' line; stderr: " + run.err());
    }

    static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void adminMetricsCountWhatWasSentAcceptedAndRejected() throws Exception {
        try (Vtep lb = new Vtep()) {
            Running run = Running.start("serve", "--config", WORLD, "--listen", "vxlan://127.0.0.1:0",
                    "--admin", "127.0.0.1:0", "--workers", "2", "--duration", "6");
            int port = run.ports(1)[0];
            int admin = printedPort(run, "admin http://");
            assertThat(get(admin, "/healthz").statusCode()).isEqualTo(200);
            lb.send(ACCEPTED_SYN, port);
            lb.send(REJECTED_SYN, port);
            lb.send(REJECTED_SYN, port);
            lb.send(new byte[3], port);
            lb.send(Vtep.vxlan(7001, new byte[] {1, 2, 3}), port);
            Exposition e = null;
            long deadline = System.nanoTime() + Vtep.WAIT_MILLIS * 1_000_000L;
            while (System.nanoTime() < deadline) {
                HttpResponse<String> r = get(admin, "/metrics");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
                e = Exposition.parse(r.body());
                if (e.value("sgemu_judged_packets_total{}") == 3 && e.value("sgemu_received_datagrams_total{}") == 5) {
                    break;
                }
                Thread.sleep(20);
            }
            assertThat(e.value("sgemu_received_datagrams_total{}")).isEqualTo(5);
            assertThat(e.value("sgemu_judged_packets_total{}")).isEqualTo(3);
            assertThat(e.value("sgemu_verdicts_total{verdict=\"accept\"}")).isEqualTo(1);
            assertThat(e.value("sgemu_verdicts_total{verdict=\"reject\"}")).isEqualTo(2);
            assertThat(e.value("sgemu_drops_total{reason=\"malformed-vxlan\"}")).isEqualTo(1);
            assertThat(e.value("sgemu_drops_total{reason=\"not-ip\"}") + e.value("sgemu_drops_total{reason=\"malformed\"}"))
                    .isEqualTo(1);
            assertThat(e.value("sgemu_drops_total{reason=\"queue-full\"}")).isZero();
            assertThat(e.value("sgemu_stage_packets_total{eni=\"" + LB + "\",stage=\"sg-egress\",verdict=\"reject\"}"))
                    .isEqualTo(2);
            assertThat(e.value("sgemu_stage_packets_total{eni=\"" + APP + "\",stage=\"sg-ingress\",verdict=\"accept\"}"))
                    .isEqualTo(1);
            assertThat(e.value("sgemu_conntrack_entries{eni=\"" + APP + "\"}")).isGreaterThanOrEqualTo(1);
            assertThat(e.value("sgemu_ingest_to_verdict_latency_seconds_count{}")).isEqualTo(3);
            double p99 = e.value("sgemu_ingest_to_verdict_latency_seconds{quantile=\"0.99\"}");
            assertThat(p99).isGreaterThan(0).isLessThan(5);
            assertThat(e.value("sgemu_worker_queue_bytes{worker=\"0\"}")).isZero();
            assertThat(e.value("sgemu_worker_queue_bytes{worker=\"1\"}")).isZero();
            assertThat(run.exit().get()).as(run.err().toString()).isZero();
            assertThat(run.out().toString()).containsPattern("received +5\\b").containsPattern("judged +3\\b");
        }
    }

    @Test
    void aBadAdminAddressIsAUserError() {
        CliRun bad = CliRun.of("serve", "--config", WORLD, "--listen", "vxlan://127.0.0.1:0", "--admin", "nohost");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--admin").doesNotContain("Exception");
        CliRun stream = CliRun.of("serve", "--config", WORLD, "--listen", "vxlan://127.0.0.1:0",
                "--flow-log-stream", "udp://127.0.0.1:1");
        assertThat(stream.exitCode()).isEqualTo(2);
        assertThat(stream.err()).contains("--flow-log-stream").contains("tcp://HOST:PORT");
        CliRun vtep = CliRun.of("serve", "--config", WORLD, "--listen", "vxlan://127.0.0.1:0", "--vtep-port", "4789");
        assertThat(vtep.exitCode()).isEqualTo(2);
        assertThat(vtep.err()).contains("--vtep-port needs --forward");
    }

    /** --flow-log-max-records bounds the records of an interval; the flows beyond it become SKIPDATA. */
    @Test
    void flowsBeyondTheFlowLogCapacityAreLoggedAsSkipData() throws Exception {
        Path file = tmp.resolve("capped.log");
        try (Vtep lb = new Vtep()) {
            Running run = Running.start("serve", "--config", WORLD, "--listen", "vxlan://127.0.0.1:0",
                    "--flow-logs", file.toString(), "--flow-log-max-records", "1", "--aggregation-interval-seconds", "1",
                    "--duration", "4");
            int port = run.ports(1)[0];
            lb.send(ACCEPTED_SYN, port);
            lb.send(REJECTED_SYN, port);
            assertThat(run.exit().get()).as(run.err().toString()).isZero();
            List<String> records = Files.readAllLines(file);
            records = records.subList(1, records.size());
            // three records without the cap (the accepted SYN by both ENIs, the rejected one); one fits
            assertThat(records.stream().filter(l -> l.endsWith(" OK")).count()).as(records.toString()).isEqualTo(1);
            assertThat(records.stream().filter(l -> l.endsWith(" SKIPDATA")).count()).as(records.toString()).isPositive();
        }
        CliRun zero = CliRun.of("serve", "--config", WORLD, "--listen", "vxlan://127.0.0.1:0", "--flow-log-max-records", "0");
        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.err()).contains("--flow-log-max-records must be at least 1");
    }

    @Test
    void theStreamAndTheS3LayoutGetTheRecordsOfTheFlowLogFile() throws Exception {
        Path file = tmp.resolve("flow.log");
        Path dir = tmp.resolve("bucket");
        try (Vtep lb = new Vtep()) {
            Running run = Running.start("serve", "--config", WORLD, "--listen", "vxlan://127.0.0.1:0",
                    "--flow-logs", file.toString(), "--flow-logs-dir", dir.toString(),
                    "--flow-log-stream", "tcp://127.0.0.1:0", "--aggregation-interval-seconds", "1", "--duration", "4");
            int port = run.ports(1)[0];
            int streamPort = printedPort(run, "flow-log stream tcp://");
            List<String> streamed = new ArrayList<>();
            CompletableFuture<Void> reader;
            Socket client = new Socket("127.0.0.1", streamPort);
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            String header = in.readLine(); // the header comes on connecting: from here on the client gets every record
            reader = CompletableFuture.runAsync(() -> {
                try (client) {
                    for (String l; (l = in.readLine()) != null; ) {
                        synchronized (streamed) {
                            streamed.add(l);
                        }
                    }
                } catch (java.io.IOException ignored) {
                    // the server closed: what was read is the answer
                }
            });
            lb.send(ACCEPTED_SYN, port);
            lb.send(REJECTED_SYN, port);
            assertThat(run.exit().get()).as(run.err().toString()).isZero();
            reader.get();
            List<String> logged = Files.readAllLines(file);
            assertThat(header).isEqualTo(logged.get(0));
            List<String> records = logged.subList(1, logged.size());
            assertThat(records).hasSize(3) // the accepted SYN is logged by both ENIs
                    .anyMatch(l -> l.contains(LB + " 10.0.1.10 10.0.3.20 40100 5432 6 1 ") && l.endsWith("REJECT OK"))
                    .anyMatch(l -> l.contains(APP + " 10.0.1.10 10.0.2.11 40001 8080 6 1 ") && l.endsWith("ACCEPT OK"));
            assertThat(streamed).containsExactlyInAnyOrderElementsOf(records);
            List<String> delivered = new ArrayList<>();
            List<Path> objects;
            try (Stream<Path> s = Files.walk(dir)) {
                objects = s.filter(p -> p.getFileName().toString().endsWith(".log.gz")).toList();
            }
            assertThat(objects).isNotEmpty();
            for (Path o : objects) {
                assertThat(o.toString()).contains("vpcflowlogs");
                try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(o)),
                        StandardCharsets.UTF_8))) {
                    assertThat(r.readLine()).isEqualTo(header);
                    r.lines().forEach(delivered::add);
                }
            }
            assertThat(delivered).containsExactlyInAnyOrderElementsOf(records);
        }
    }

    @Test
    void vtepPortForwardsToTheEndpointsFixedPortNotItsSourcePort() throws Exception {
        try (Vtep lb = new Vtep(); Vtep appSends = new Vtep(); Vtep appListens = new Vtep()) {
            int vtep = appListens.address().getPort();
            Running run = Running.start("serve", "--config", WORLD, "--listen", "vxlan://127.0.0.1:0", "--forward",
                    "--vtep-port", Integer.toString(vtep), "--duration", "4");
            int port = run.ports(1)[0];
            // the app's host sends from a hashed port: the emulator learns its IP, and forwards to the fixed port
            byte[] ntp = Vtep.vxlan(7001, PacketBuilder.ip("10.0.2.11", "203.0.113.123").udp(123, 123, 48).ethernet().build());
            appSends.send(ntp, port);
            Thread.sleep(300); // judged (and learned) before the SYN: the two come from different sockets
            lb.send(ACCEPTED_SYN, port);
            assertThat(appListens.receive()).isEqualTo(ACCEPTED_SYN);
            assertThat(appSends.receive(300)).isNull();
            assertThat(run.exit().get()).as(run.err().toString()).isZero();
            assertThat(run.out().toString()).containsPattern("forwarded +1\\b");
        }
    }

    @Test
    void generatedLoadIsJudgedPacketForPacketAndDiscardOnlyCounts() throws Exception {
        for (boolean discard : new boolean[] {false, true}) {
            List<String> args = new ArrayList<>(List.of("serve", "--config", WORLD, "--listen", "vxlan://127.0.0.1:0",
                    "--duration", "4"));
            if (discard) {
                args.add("--discard");
            }
            Running run = Running.start(args.toArray(String[]::new));
            int port = run.ports(1)[0];
            CliRun load = CliRun.of("load", "vxlan://127.0.0.1:" + port, "--vni", "7001", "--config", WORLD,
                    "--flows", "20", "--packets", "500", "--seed", "7", "--rate", "20000");
            assertThat(load.exitCode()).as(load.err()).isZero();
            assertThat(load.out()).contains("500 distinct").containsPattern("sent +500 ");
            assertThat(run.exit().get()).as(run.err().toString()).isZero();
            String summary = run.out().toString();
            assertThat(summary).as("discard=" + discard).containsPattern("received +500\\b");
            if (discard) {
                assertThat(summary).containsPattern("discarded +500\\b").containsPattern("accepted +0\\b")
                        .containsPattern("rejected +0\\b").doesNotContain("judged");
            } else {
                Matcher accepted = Pattern.compile("accepted +(\\d+)").matcher(summary);
                Matcher rejected = Pattern.compile("rejected +(\\d+)").matcher(summary);
                assertThat(accepted.find() && rejected.find()).as(summary).isTrue();
                long a = Long.parseLong(accepted.group(1));
                long r = Long.parseLong(rejected.group(1));
                // the generator's blocked attempts (10% of the packets by default) are rejected, the rest accepted
                assertThat(r).as(summary).isBetween(20L, 120L);
                assertThat(a + r).as(summary).isEqualTo(500);
                assertThat(summary).containsPattern("judged +500\\b").doesNotContain("dropped.");
            }
        }
    }

    @Test
    void loadNeedsExactlyOneSourceOfPackets() {
        CliRun neither = CliRun.of("load", "udp://127.0.0.1:9");
        assertThat(neither.exitCode()).isEqualTo(2);
        assertThat(neither.err()).contains("either --pcap FILE or --config");
    }

    @Test
    void aFloodOfMalformedDatagramsCostsNoValidPacketItsVerdict() throws Exception {
        Running run = Running.start("serve", "--config", WORLD, "--listen", "vxlan://127.0.0.1:0", "--admin", "127.0.0.1:0",
                "--duration", "5");
        int port = run.ports(1)[0];
        int admin = printedPort(run, "admin http://");
        CliRun load = CliRun.of("load", "vxlan://127.0.0.1:" + port, "--vni", "7001", "--config", WORLD,
                "--flows", "50", "--packets", "1000", "--seed", "11", "--rate", "2000", "--malformed-per-packet", "9");
        assertThat(load.exitCode()).as(load.err()).isZero();
        assertThat(load.out()).containsPattern("sent +1000 ").contains("malformed         9000 (9 after each packet)");
        Exposition e = null;
        long deadline = System.nanoTime() + Vtep.WAIT_MILLIS * 1_000_000L;
        while (System.nanoTime() < deadline) {
            e = Exposition.parse(get(admin, "/metrics").body());
            // Any one scrape, taken while the flood is judged, is consistent: totals never below their parts.
            assertIdentity(e, false);
            if (e.value("sgemu_received_datagrams_total{}") == 10_000 && e.value("sgemu_judged_packets_total{}") == 1000) {
                break;
            }
            Thread.sleep(20);
        }
        // After the run every datagram is accounted for, exactly.
        assertIdentity(e, true);
        if (java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/net/udp"))) {
            // what the load sent = read + what the kernel dropped before it was read
            assertThat(e.value("sgemu_received_datagrams_total{}") + e.value("sgemu_socket_drops_total{}"))
                    .isEqualTo(10_000);
            assertThat(e.value("sgemu_socket_drops_total{}")).as("at 20,000 datagrams/s").isZero();
        }
        // every valid packet judged: none lost to a full queue behind the junk
        assertThat(e.value("sgemu_judged_packets_total{}")).isEqualTo(1000);
        assertThat(e.value("sgemu_drops_total{reason=\"malformed-vxlan\"}")).isEqualTo(9000);
        assertThat(e.value("sgemu_drops_total{reason=\"queue-full\"}")).isZero();
        assertThat(e.value("sgemu_verdicts_total{verdict=\"accept\"}") + e.value("sgemu_verdicts_total{verdict=\"reject\"}")
                + e.value("sgemu_verdicts_total{verdict=\"skip\"}")).isEqualTo(1000);
        assertThat(e.value("sgemu_ingest_to_verdict_latency_seconds_count{}")).isEqualTo(1000);
        assertThat(run.exit().get()).as(run.err().toString()).isZero();
    }

    /**
     * The identity of LiveMetrics from one scrape: received = judged + discarded + drops before judging,
     * judged = accept + reject + skip, reject = sum by stage, skip = sum by reason; with {@code exact} false
     * (traffic flowing), each total at least the sum of its parts.
     */
    static void assertIdentity(Exposition e, boolean exact) {
        long received = (long) e.value("sgemu_received_datagrams_total{}");
        long judged = (long) e.value("sgemu_judged_packets_total{}");
        long drops = 0;
        for (String reason : io.sgemu.control.api.LiveMetrics.DROPS_BEFORE_JUDGING) {
            drops += (long) e.value("sgemu_drops_total{reason=\"" + reason + "\"}");
        }
        long discarded = (long) e.value("sgemu_discarded_datagrams_total{}");
        long accept = (long) e.value("sgemu_verdicts_total{verdict=\"accept\"}");
        long reject = (long) e.value("sgemu_verdicts_total{verdict=\"reject\"}");
        long skip = (long) e.value("sgemu_verdicts_total{verdict=\"skip\"}");
        long rejectedByStage = 0;
        for (String stage : new String[] {"sg-egress", "nacl-egress", "nacl-ingress", "sg-ingress", "conntrack-allowance",
            "fragment-without-first"}) {
            rejectedByStage += (long) e.value("sgemu_rejected_packets_total{stage=\"" + stage + "\"}");
        }
        long skippedByReason = (long) e.value("sgemu_skipped_packets_total{reason=\"no-eni\"}")
                + (long) e.value("sgemu_skipped_packets_total{reason=\"reserved-address\"}")
                + (long) e.value("sgemu_skipped_packets_total{reason=\"other\"}");
        // Per ENI: judged = accepted + rejected + skipped (at least, while traffic flows).
        int enis = 0;
        for (String key : e.samples.keySet()) {
            if (!key.startsWith("sgemu_eni_packets_total{") || !key.contains("outcome=\"judged\"")) {
                continue;
            }
            enis++;
            long eniJudged = (long) e.value(key);
            long parts = 0;
            for (String outcome : new String[] {"accepted", "rejected", "skipped"}) {
                parts += (long) e.value(key.replace("outcome=\"judged\"", "outcome=\"" + outcome + "\""));
            }
            if (exact) {
                assertThat(parts).as(key).isEqualTo(eniJudged);
            } else {
                assertThat(eniJudged).as(key).isGreaterThanOrEqualTo(parts);
            }
        }
        assertThat(enis).as("ENIs with per-ENI packet counts").isPositive();
        String numbers = "received " + received + ", judged " + judged + ", drops " + drops + ", discarded " + discarded
                + ", accept " + accept + ", reject " + reject + " (by stage " + rejectedByStage + "), skip " + skip
                + " (by reason " + skippedByReason + ")";
        if (exact) {
            assertThat(received).as(numbers).isEqualTo(judged + drops + discarded);
            assertThat(judged).as(numbers).isEqualTo(accept + reject + skip);
            assertThat(reject).as(numbers).isEqualTo(rejectedByStage);
            assertThat(skip).as(numbers).isEqualTo(skippedByReason);
        } else {
            assertThat(received).as(numbers).isGreaterThanOrEqualTo(judged + drops + discarded);
            assertThat(judged).as(numbers).isGreaterThanOrEqualTo(accept + reject + skip);
            assertThat(reject).as(numbers).isGreaterThanOrEqualTo(rejectedByStage);
            assertThat(skip).as(numbers).isGreaterThanOrEqualTo(skippedByReason);
        }
    }
}
