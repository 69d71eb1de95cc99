package io.sgemu.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sgemu.dataplane.capture.PcapWriter;
import io.sgemu.dataplane.packet.LinkType;
import io.sgemu.dataplane.packet.PacketBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code sgemu load} from the command line: against a reflector that returns each datagram to --listen. */
@Timeout(60)
class LoadCommandTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path dir;

    private Path capture(boolean withArp, int packets) throws IOException {
        Path file = dir.resolve("c.pcap");
        try (PcapWriter w = PcapWriter.create(file, LinkType.ETHERNET, PcapWriter.Precision.NANOSECONDS)) {
            long t = 1_700_000_000_000_000_000L;
            for (int i = 0; i < packets; i++) {
                if (withArp) {
                    ByteBuffer arp = ByteBuffer.allocate(42);
                    arp.put(new byte[] {-1, -1, -1, -1, -1, -1, 2, 0, 0, 0, 0, 1}).putShort((short) 0x0806);
                    w.write(t += 1000, arp.array());
                }
                w.write(t += 1000, PacketBuilder.ip("10.0.0.5", "10.0.1.9").udp(40000 + i, 53, 30).ethernet().build());
            }
        }
        return file;
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramChannel c = DatagramChannel.open()) {
            c.bind(new InetSocketAddress(LOOPBACK, 0));
            return ((InetSocketAddress) c.getLocalAddress()).getPort();
        }
    }

    /** Returns every datagram to a fixed address, as the emulator forwards accepted packets. */
    private static final class Reflector implements AutoCloseable {
        final DatagramChannel channel = DatagramChannel.open();
        final AtomicLong received = new AtomicLong();

        Reflector(InetSocketAddress returnTo) throws IOException {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            channel.bind(new InetSocketAddress(LOOPBACK, 0));
            Thread t = new Thread(() -> {
                ByteBuffer b = ByteBuffer.allocate(65536);
                try {
                    while (true) {
                        b.clear();
                        channel.receive(b);
                        received.incrementAndGet();
                        b.flip();
                        channel.send(b, returnTo);
                    }
                } catch (ClosedChannelException e) {
                    // closed by the test
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, "test-reflector");
            t.setDaemon(true);
            t.start();
        }

        int port() throws IOException {
            return ((InetSocketAddress) channel.getLocalAddress()).getPort();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    @Test
    void helpExplainsTheCommand() {
        CliRun run = CliRun.of("load", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: sgemu load").contains("--rate", "--listen", "vxlan://")
                .doesNotContain("null");
        assertThat(CliRun.of("--help").out()).contains("load");
    }

    @Test
    void sendsCountsReturnsAndWritesJson() throws Exception {
        int listen = freeUdpPort();
        Path json = dir.resolve("load.json");
        try (Reflector r = new Reflector(new InetSocketAddress(LOOPBACK, listen))) {
            CliRun run = CliRun.of("load", "vxlan://127.0.0.1:" + r.port(), "--pcap", capture(true, 20).toString(),
                    "--count", "300", "--rate", "5000", "--vni", "42", "--listen", "127.0.0.1:" + listen,
                    "--wait", "5", "--json", json.toString());
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()).contains("sent              300", "returned          300 (lost 0",
                    "not-ip=20", "latency (us)      p50");
            assertThat(r.received.get()).isEqualTo(300);
            JsonNode j = new ObjectMapper().readTree(json.toFile());
            assertThat(j.get("sent").asLong()).isEqualTo(300);
            assertThat(j.get("scheduled").asLong()).isEqualTo(300);
            assertThat(j.get("returned").asLong()).isEqualTo(300);
            assertThat(j.get("lost").asLong()).isZero();
            assertThat(j.get("packets").asInt()).isEqualTo(20);
            assertThat(j.get("frames").asInt()).isEqualTo(40);
            assertThat(j.get("skipped").get("not-ip").asLong()).isEqualTo(20);
            assertThat(j.get("latencyCount").asLong()).isEqualTo(300);
            assertThat(j.get("latencyMicros").get("p99.9").asDouble()).isPositive();
            assertThat(j.get("rate").asDouble()).isPositive();
        }
    }

    @Test
    void badInputIsOneLineAndExitCode2() throws Exception {
        Path pcap = capture(false, 3);
        List<String[]> bad = new ArrayList<>();
        bad.add(new String[] {"load", "tcp://127.0.0.1:9", "--pcap", pcap.toString()});
        bad.add(new String[] {"load", "udp://127.0.0.1", "--pcap", pcap.toString()});
        bad.add(new String[] {"load", "udp://127.0.0.1:9", "--pcap", dir.resolve("missing.pcap").toString()});
        bad.add(new String[] {"load", "udp://127.0.0.1:9", "--pcap", pcap.toString(), "--count", "5", "--duration", "1"});
        bad.add(new String[] {"load", "udp://127.0.0.1:9", "--pcap", pcap.toString(), "--rate", "0"});
        bad.add(new String[] {"load", "udp://127.0.0.1:9", "--pcap", pcap.toString(), "--threads", "0"});
        bad.add(new String[] {"load", "udp://127.0.0.1:9", "--pcap", pcap.toString(), "--vni", "16777216"});
        bad.add(new String[] {"load", "udp://127.0.0.1:9", "--pcap", pcap.toString(), "--listen-encap", "vxlan"});
        bad.add(new String[] {"load", "udp://127.0.0.1:9", "--pcap", pcap.toString(), "--listen", "127.0.0.1:x"});
        for (String[] args : bad) {
            CliRun run = CliRun.of(args);
            assertThat(run.exitCode()).as(String.join(" ", args) + "\n" + run.err()).isEqualTo(2);
            assertThat(run.err()).startsWith("sgemu: ").doesNotContain("at io.sgemu");
        }
        Path onlyArp = dir.resolve("arp.pcap");
        try (PcapWriter w = PcapWriter.create(onlyArp, LinkType.ETHERNET, PcapWriter.Precision.NANOSECONDS)) {
            ByteBuffer arp = ByteBuffer.allocate(42);
            arp.put(new byte[] {-1, -1, -1, -1, -1, -1, 2, 0, 0, 0, 0, 1}).putShort((short) 0x0806);
            w.write(1, arp.array());
        }
        CliRun run = CliRun.of("load", "udp://127.0.0.1:9", "--pcap", onlyArp.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no IP packets to send").contains("not-ip=1");
    }
}
