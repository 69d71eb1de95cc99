package io.sgemu.dataplane.flowlog;

import io.sgemu.dataplane.flowlog.FlowLogRecord.Action;
import io.sgemu.dataplane.flowlog.FlowLogRecord.LogStatus;
import io.sgemu.dataplane.net.IpAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class FlowLogStreamServerTest {

    private static final long T0 = 1_700_000_000L;
    private static final FlowLogFormat FORMAT = FlowLogFormat.DEFAULT;
    private static final List<FlowLogEni> ENIS = List.of(Observations.eni("eni-aaaaaaaaaaaaaaaaa"),
            Observations.eni("eni-bbbbbbbbbbbbbbbbb"), Observations.eni("eni-ccccccccccccccccc"));

    private static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    /** A distinct record per i: ports and counts vary, so every line is different. */
    private static FlowLogRecord record(int i) {
        return FlowLogRecord.builder()
                .eni(ENIS.get(i % ENIS.size()))
                .srcaddr(IpAddress.parse("10.0.0.5")).dstaddr(IpAddress.parse("10.0.1.9"))
                .srcport(1024 + (i % 60000)).dstport(443).protocol(6)
                .packets(1 + i % 7).bytes(60L * (1 + i % 7) + i % 13)
                .start(T0 + i / 100).end(T0 + i / 100 + 1 + i % 3)
                .action(i % 5 == 0 ? Action.REJECT : Action.ACCEPT).logStatus(LogStatus.OK)
                .build();
    }

    /** A client reading lines on its own thread. */
    private static final class LineClient implements AutoCloseable {
        final Socket socket;
        final List<String> lines = new CopyOnWriteArrayList<>();
        final Thread reader;
        volatile boolean reading;

        LineClient(int port, int receiveBuffer, boolean readNow) throws IOException {
            socket = new Socket();
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            reading = readNow;
            reader = new Thread(this::read, "test-flow-log-client");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try {
                while (!reading) {
                    Thread.sleep(5);
                }
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                String l;
                while ((l = in.readLine()) != null) {
                    lines.add(l);
                }
            } catch (IOException | InterruptedException ignored) {
                // the test closed the socket
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(2);
        }
    }

    @Test
    void boundToPortZero_reportsItsPort_andGreetsAClientWithTheHeader() throws Exception {
        try (FlowLogStreamServer server = FlowLogStreamServer.start(loopback(), FORMAT);
             LineClient c = new LineClient(server.port(), 0, true)) {
            assertThat(server.port()).isPositive();
            assertThat(server.localAddress().getPort()).isEqualTo(server.port());
            await(() -> c.lines.size() == 1, "the header line");
            assertThat(c.lines.get(0)).isEqualTo(FORMAT.header());
        }
    }

    @Test
    void severalClients_getIdenticalLines_inEmissionOrder() throws Exception {
        int n = 500;
        try (FlowLogStreamServer server = FlowLogStreamServer.start(loopback(), FORMAT)) {
            List<LineClient> clients = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                clients.add(new LineClient(server.port(), 0, true));
            }
            await(() -> server.clientCount() == 3, "three clients");
            List<String> expected = new ArrayList<>();
            expected.add(FORMAT.header());
            for (int i = 0; i < n; i++) {
                server.accept(record(i));
                expected.add(FORMAT.format(record(i)));
            }
            server.intervalClosed(T0 + 600);
            for (LineClient c : clients) {
                await(() -> c.lines.size() == n + 1, "all lines at every client");
                assertThat(c.lines).isEqualTo(expected);
                c.close();
            }
            assertThat(server.records()).isEqualTo(n);
            assertThat(server.lostRecords()).isZero();
        }
    }

    @Test
    void stalledClient_doesNotSlowTheSink_losesRecords_andLaterGetsSkipDataWithWhatItLost() throws Exception {
        int n = 30_000;
        try (FlowLogStreamServer server = FlowLogStreamServer.start(loopback(), FORMAT, 8 * 1024, 4096);
             LineClient healthy = new LineClient(server.port(), 0, true);
             LineClient stalled = new LineClient(server.port(), 4096, false)) {
            await(() -> server.clientCount() == 2, "two clients");
            List<FlowLogRecord> sent = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                FlowLogRecord r = record(i);
                server.accept(r);
                sent.add(r);
                if (i % 50 == 49) {
                    // pace the producer by the healthy client, so only the stalled one can fall behind
                    int want = i + 2;
                    await(() -> healthy.lines.size() >= want, "the healthy client to keep up");
                }
            }
            await(() -> healthy.lines.size() == n + 1, "every record at the healthy client");
            assertThat(healthy.lines).doesNotContain("SKIPDATA").allMatch(l -> !l.endsWith("SKIPDATA"));
            long lost = server.lostRecords();
            assertThat(lost).as("the stalled client cannot have taken %d records into 8 KiB and small socket buffers", n)
                    .isGreaterThan(n / 2);
            assertThat(server.records()).isEqualTo(n);

            // the stalled client starts reading; once it has caught up, the next interval end reports its losses
            stalled.reading = true;
            await(() -> {
                server.intervalClosed(T0 + 600);
                return stalled.lines.stream().anyMatch(l -> l.endsWith(" SKIPDATA"));
            }, "a SKIPDATA line at the stalled client");
            FlowLogRecord after = record(n);
            server.accept(after);
            await(() -> stalled.lines.contains(FORMAT.format(after)), "the record after the report");

            List<String> got = stalled.lines;
            assertThat(got.get(0)).isEqualTo(FORMAT.header());
            Set<String> okLines = new HashSet<>();
            List<FlowLogLine> skips = new ArrayList<>();
            FlowLogParser parser = new FlowLogParser(FORMAT);
            int lastOkIndex = -1;
            int afterIndex = got.indexOf(FORMAT.format(after));
            for (int k = 1; k < got.size(); k++) {
                FlowLogLine line = parser.parse(got.get(k));
                if (line.get(FlowLogField.LOG_STATUS).equals("SKIPDATA")) {
                    skips.add(line);
                    assertThat(k).as("SKIPDATA comes before any newer record").isLessThan(afterIndex);
                } else {
                    okLines.add(got.get(k));
                    lastOkIndex = k;
                }
            }
            assertThat(lastOkIndex).isEqualTo(afterIndex);
            // what it missed, per ENI
            Map<String, long[]> missed = new HashMap<>(); // interface-id -> records, packets, bytes, min start, max end
            long missedTotal = 0;
            for (FlowLogRecord r : sent) {
                if (!okLines.contains(FORMAT.format(r))) {
                    long[] m = missed.computeIfAbsent(r.eni().interfaceId(),
                            k -> new long[] {0, 0, 0, Long.MAX_VALUE, Long.MIN_VALUE});
                    m[0]++;
                    m[1] += r.packets();
                    m[2] += r.bytes();
                    m[3] = Math.min(m[3], r.start());
                    m[4] = Math.max(m[4], r.end());
                    missedTotal++;
                }
            }
            assertThat(missedTotal).as("records missing at the stalled client = records it lost").isEqualTo(lost);
            // a client may catch up and fall behind again several times: each report covers the losses since the last
            Map<String, long[]> reported = new HashMap<>();
            for (FlowLogLine s : skips) {
                assertThat(s.get(FlowLogField.SRCADDR)).isEqualTo("-");
                assertThat(s.get(FlowLogField.ACTION)).isEqualTo("-");
                long[] m = reported.computeIfAbsent(s.get(FlowLogField.INTERFACE_ID),
                        k -> new long[] {0, 0, 0, Long.MAX_VALUE, Long.MIN_VALUE});
                m[0]++;
                m[1] += Long.parseLong(s.get(FlowLogField.PACKETS));
                m[2] += Long.parseLong(s.get(FlowLogField.BYTES));
                m[3] = Math.min(m[3], Long.parseLong(s.get(FlowLogField.START)));
                m[4] = Math.max(m[4], Long.parseLong(s.get(FlowLogField.END)));
            }
            assertThat(reported.keySet()).isEqualTo(missed.keySet());
            for (Map.Entry<String, long[]> e : missed.entrySet()) {
                long[] m = e.getValue();
                long[] r = reported.get(e.getKey());
                assertThat(new long[] {r[1], r[2], r[3], r[4]}).as("packets, bytes, start, end lost by %s", e.getKey())
                        .containsExactly(m[1], m[2], m[3], m[4]);
            }
            // the lines it did get are in emission order
            List<String> emitted = sent.stream().map(FORMAT::format).toList();
            int prev = -1;
            for (String l : got) {
                int idx = emitted.indexOf(l);
                if (idx >= 0) {
                    assertThat(idx).isGreaterThan(prev);
                    prev = idx;
                }
            }
        }
    }

    @Test
    void disconnectingClientsAreDropped_othersKeepReceiving() throws Exception {
        try (FlowLogStreamServer server = FlowLogStreamServer.start(loopback(), FORMAT);
             LineClient stays = new LineClient(server.port(), 0, true)) {
            LineClient leaves = new LineClient(server.port(), 0, true);
            await(() -> server.clientCount() == 2, "two clients");
            server.accept(record(1));
            await(() -> leaves.lines.size() == 2, "the first record at the leaving client");
            leaves.close();
            await(() -> server.clientCount() == 1, "the closed client to be dropped");
            assertThat(server.clientsDropped()).isEqualTo(1);
            assertThat(server.clientsAccepted()).isEqualTo(2);
            for (int i = 2; i < 100; i++) {
                server.accept(record(i));
            }
            await(() -> stays.lines.size() == 100, "the remaining client's lines");
            assertThat(stays.lines.get(99)).isEqualTo(FORMAT.format(record(99)));
            // a client connecting late gets the header and only later records
            try (LineClient late = new LineClient(server.port(), 0, true)) {
                await(() -> server.clientCount() == 2, "the late client");
                server.accept(record(100));
                await(() -> late.lines.size() == 2, "the late client's lines");
                assertThat(late.lines).containsExactly(FORMAT.header(), FORMAT.format(record(100)));
            }
        }
    }

    @Test
    void teedBehindAnAggregator_aClientSeesWhatTheFileSinkSees() throws Exception {
        try (FlowLogStreamServer server = FlowLogStreamServer.start(loopback(), FORMAT);
             LineClient c = new LineClient(server.port(), 0, true)) {
            await(() -> server.clientCount() == 1, "the client");
            CollectingFlowLogSink file = new CollectingFlowLogSink();
            FlowLogAggregator agg = new FlowLogAggregator(60, FlowLogTee.of(file, server));
            FlowLogEni a = ENIS.get(0);
            for (int i = 0; i < 50; i++) {
                agg.observe(Observations.tcp(a, i % 2 == 0, "10.0.0.5", 40000 + i % 7, "10.0.1.9", 80,
                        Observations.SYN, 60 + i, Observations.seconds(T0 + i * 5)));
            }
            agg.finish();
            assertThat(file.records).isNotEmpty();
            List<String> expected = new ArrayList<>();
            expected.add(FORMAT.header());
            file.records.forEach(r -> expected.add(FORMAT.format(r)));
            await(() -> c.lines.size() == expected.size(), "every record");
            assertThat(c.lines).isEqualTo(expected);
            assertThat(file.intervalEnds).isNotEmpty();
        }
    }

    @Test
    void streamAddressIsATcpUri() {
        InetSocketAddress a = FlowLogStreamServer.parseAddress("tcp://127.0.0.1:7000");
        assertThat(a.getPort()).isEqualTo(7000);
        assertThat(a.getAddress().isLoopbackAddress()).isTrue();
        assertThat(FlowLogStreamServer.parseAddress("tcp://[::1]:0").getAddress().getHostAddress()).contains(":");
        assertThatThrownBy(() -> FlowLogStreamServer.parseAddress("udp://127.0.0.1:7000"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tcp://HOST:PORT");
        assertThatThrownBy(() -> FlowLogStreamServer.parseAddress("tcp://127.0.0.1:x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
        assertThatThrownBy(() -> FlowLogStreamServer.parseAddress("tcp://127.0.0.1:70000"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0..65535");
    }
}
