package io.sgemu.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.control.live.Vtep;
import io.sgemu.dataplane.packet.PacketBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sgemu serve} through the command line, in-process, with test sockets as tunnel endpoints. */
class ServeCommandTest {

    static final String WORLD = CliRun.EXAMPLES.resolve("three-tier").resolve("aws").toString();
    static final Pattern LISTENING = Pattern.compile("listening (\\w+)://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path tmp;

    /** The command running on another thread, with what it prints so far. */
    record Running(CompletableFuture<Integer> exit, StringWriter out, StringWriter err) {

        static Running start(String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
                    () -> SgemuCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true)));
            return new Running(exit, out, err);
        }

        /** The bound ports of the listeners, in order, once all {@code count} are printed. */
        int[] ports(int count) throws InterruptedException {
            long deadline = System.nanoTime() + Vtep.WAIT_MILLIS * 1_000_000L;
            while (System.nanoTime() < deadline && !exit.isDone()) {
                Matcher m = LISTENING.matcher(err.toString());
                int[] ports = new int[count];
                int n = 0;
                while (n < count && m.find()) {
                    ports[n++] = Integer.parseInt(m.group(2));
                }
                if (n == count) {
                    return ports;
                }
                Thread.sleep(10);
            }
            throw new AssertionError("no listening lines; stderr: " + err);
        }
    }

    @Test
    void servesForwardsWritesFlowLogsAndStopsAfterItsDuration() throws Exception {
        Path flowLogs = tmp.resolve("flow.log");
        try (Vtep lb = new Vtep(); Vtep app = new Vtep(); Vtep internet = new Vtep()) {
            Running run = Running.start("serve", "--config", WORLD, "--listen", "vxlan://127.0.0.1:0", "udp://127.0.0.1:0",
                    "--forward", "--external-endpoint", "127.0.0.1:" + internet.address().getPort(),
                    "--workers", "2", "--event-loops", "2", "--flow-logs", flowLogs.toString(),
                    "--aggregation-interval", "60", "--duration", "5");
            int[] ports = run.ports(2);
            assertThat(run.err().toString()).contains("listening vxlan://127.0.0.1:" + ports[0])
                    .contains("listening udp://127.0.0.1:" + ports[1]);
            byte[] ntp = Vtep.vxlan(7001, PacketBuilder.ip("10.0.2.11", "203.0.113.123").udp(123, 123, 48).ethernet().build());
            app.send(ntp, ports[0]);
            assertThat(internet.receive()).isEqualTo(ntp);
            byte[] syn = Vtep.vxlan(7001, PacketBuilder.ip("10.0.1.10", "10.0.2.11").tcp(40001, 8080, PacketBuilder.SYN, 0)
                    .ethernet().build());
            lb.send(syn, ports[0]);
            assertThat(app.receive()).isEqualTo(syn);
            lb.send(Vtep.vxlan(7001, PacketBuilder.ip("10.0.1.10", "10.0.3.20").tcp(40100, 5432, PacketBuilder.SYN, 0)
                    .ethernet().build()), ports[0]);
            lb.send(new byte[3], ports[0]);
            assertThat(run.exit().get()).as(run.err().toString()).isZero();
            String summary = run.out().toString();
            assertThat(summary).containsPattern("received +4\\b").containsPattern("accepted +2\\b")
                    .containsPattern("rejected +1\\b").containsPattern("rejected.sg-egress +1\\b")
                    .containsPattern("forwarded +2\\b").containsPattern("dropped.malformed-vxlan +1\\b");
            List<String> logs = Files.readAllLines(flowLogs);
            assertThat(logs.get(0)).startsWith("version account-id interface-id");
            assertThat(logs).anyMatch(l -> l.contains("eni-0f1e2d3c4b5a69801 10.0.1.10 10.0.3.20 40100 5432 6 1 ")
                    && l.endsWith("REJECT OK"));
            assertThat(logs).anyMatch(l -> l.contains("eni-0f1e2d3c4b5a69811 10.0.1.10 10.0.2.11 40001 8080 6 1 ")
                    && l.endsWith("ACCEPT OK"));
        }
    }

    @Test
    void badListenersAndMappingsAreUserErrors() {
        CliRun bad = CliRun.of("serve", "--config", WORLD, "--listen", "tcp://127.0.0.1:1");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown scheme 'tcp'").doesNotContain("Exception");
        CliRun vni = CliRun.of("serve", "--config", WORLD, "--listen", "vxlan://127.0.0.1:0", "--vni", "7001=vpc-nope");
        assertThat(vni.exitCode()).isEqualTo(2);
        assertThat(vni.err()).contains("no VPC vpc-nope");
        CliRun external = CliRun.of("serve", "--config", WORLD, "--listen", "vxlan://127.0.0.1:0",
                "--external-endpoint", "127.0.0.1:9");
        assertThat(external.exitCode()).isEqualTo(2);
        assertThat(external.err()).contains("--external-endpoint needs --forward");
        CliRun noPort = CliRun.of("serve", "--config", WORLD, "--listen", "udp://127.0.0.1");
        assertThat(noPort.exitCode()).isEqualTo(2);
        assertThat(noPort.err()).contains("needs a port");
    }

    @Test
    void aPortInUseIsAUserError() throws Exception {
        try (java.net.DatagramSocket taken = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            CliRun run = CliRun.of("serve", "--config", WORLD, "--listen", "udp://127.0.0.1:" + taken.getLocalPort(),
                    "--nio", "--duration", "1");
            assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
            assertThat(run.err()).contains("cannot listen on udp://127.0.0.1:" + taken.getLocalPort());
        }
    }
}
