package io.sgemu.control.flowreplay;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.control.model.World;
import io.sgemu.dataplane.capture.CaptureReader;
import io.sgemu.dataplane.capture.PcapWriter;
import io.sgemu.dataplane.flowlog.FlowLogFormat;
import io.sgemu.dataplane.flowlog.FlowLogParser;
import io.sgemu.dataplane.net.IpAddress;
import io.sgemu.dataplane.packet.LinkType;
import io.sgemu.dataplane.packet.PacketBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Flow logs made by the project from random traffic, replayed with the flow-log input against the same
 * allow-all world, give the same records back: same interfaces, 5-tuples, packets, bytes, action, tcp-flags
 * (when the format has them) and even the same start and end (the synthesized packets span exactly
 * [start, end]). Logs written plain or gzip, with or without a header, in one file or split over two.
 */
class FlowLogRoundTripTest {

    static final long BASE_SECONDS = 1_767_225_600L;
    static final int INTERVAL = 60;
    static final List<IpAddress> ENI_ADDRESSES = Stream.of("10.0.1.10", "10.0.2.11", "10.0.1.12", "10.0.2.13",
            "2001:db8:100:1::10", "2001:db8:100:2::11").map(IpAddress::parse).toList();
    static final List<IpAddress> EXTERNAL = Stream.of("203.0.113.5", "198.51.100.7", "2001:db8:ffff::5")
            .map(IpAddress::parse).toList();
    static final FlowLogFormat WITH_FLAGS = FlowLogFormat.parse("${version} ${account-id} ${interface-id} ${srcaddr} "
            + "${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} "
            + "${log-status} ${tcp-flags} ${pkt-srcaddr} ${pkt-dstaddr}");
    static final int[] TCP_FLAGS = {PacketBuilder.SYN, PacketBuilder.SYN | PacketBuilder.ACK, PacketBuilder.ACK,
        PacketBuilder.PSH | PacketBuilder.ACK, PacketBuilder.FIN | PacketBuilder.ACK, PacketBuilder.RST,
        PacketBuilder.RST | PacketBuilder.ACK};

    @TempDir
    Path tmp;

    static Stream<Arguments> seeds() {
        return LongStream.range(0, 12).mapToObj(i -> Arguments.of(0x5EED_0000L + i * 7919));
    }

    record Timed(long timeNanos, byte[] frame) {
    }

    /** Random traffic among the world's ENIs and some outside addresses, as a raw-IP capture. */
    static Path traffic(SplittableRandom rnd, Path file) throws IOException {
        List<Timed> packets = new ArrayList<>();
        int flows = 5 + rnd.nextInt(36);
        for (int f = 0; f < flows; f++) {
            boolean v4 = rnd.nextInt(5) != 0;
            List<IpAddress> enis = ENI_ADDRESSES.stream().filter(a -> a.isV4() == v4).toList();
            List<IpAddress> all = new ArrayList<>(enis);
            EXTERNAL.stream().filter(a -> a.isV4() == v4).forEach(all::add);
            IpAddress a = enis.get(rnd.nextInt(enis.size()));
            IpAddress b;
            do {
                b = all.get(rnd.nextInt(all.size()));
            } while (b.equals(a));
            if (rnd.nextBoolean()) {
                IpAddress t = a;
                a = b;
                b = t;
            }
            int kind = rnd.nextInt(20);
            int sport = 1024 + rnd.nextInt(64512);
            int dport = 1024 + rnd.nextInt(64512);
            int echoId = rnd.nextInt(65536);
            int otherProtocol = rnd.nextBoolean() ? 47 : 132;
            long t = (BASE_SECONDS + rnd.nextInt(400)) * 1_000_000_000L + rnd.nextLong(1_000_000_000L);
            int count = 1 + rnd.nextInt(20);
            for (int p = 0; p < count; p++) {
                boolean forward = p == 0 || rnd.nextInt(3) != 0;
                PacketBuilder builder = forward ? PacketBuilder.ip(a, b) : PacketBuilder.ip(b, a);
                int payload = rnd.nextInt(1400);
                if (kind < 8) {
                    int flags = TCP_FLAGS[rnd.nextInt(TCP_FLAGS.length)];
                    builder = forward ? builder.tcp(sport, dport, flags, payload) : builder.tcp(dport, sport, flags, payload);
                } else if (kind < 14) {
                    builder = forward ? builder.udp(sport, dport, payload) : builder.udp(dport, sport, payload);
                } else if (kind < 17) {
                    builder = builder.icmpEcho(forward, echoId).payload(payload);
                } else {
                    builder = builder.protocol(otherProtocol, payload);
                }
                packets.add(new Timed(t, builder.raw().build()));
                t += rnd.nextLong(20_000_000_000L);
            }
        }
        packets.sort(Comparator.comparingLong(Timed::timeNanos));
        try (PcapWriter w = PcapWriter.create(file, LinkType.RAW, PcapWriter.Precision.NANOSECONDS)) {
            for (Timed p : packets) {
                w.write(p.timeNanos(), p.frame());
            }
        }
        return file;
    }

    /** The record lines of a flow-log text (no header), sorted. */
    static List<String> records(String text, FlowLogFormat format) throws IOException {
        return FlowLogParser.readAll(new StringReader(text), format).stream()
                .map(l -> String.join(" ", l.values())).sorted().toList();
    }

    /** Writes the records to one or two files, plain or gzip, with or without header, as the seed says. */
    List<Path> writeLogs(SplittableRandom rnd, FlowLogFormat format, List<String> lines) throws IOException {
        int files = 1 + rnd.nextInt(2);
        boolean header = format != FlowLogFormat.DEFAULT || rnd.nextBoolean();
        List<List<String>> parts = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            parts.add(new ArrayList<>());
            if (header) {
                parts.get(i).add(format.header());
            }
        }
        List<String> shuffled = new ArrayList<>(lines);
        java.util.Collections.shuffle(shuffled, new java.util.Random(rnd.nextLong()));
        for (String l : shuffled) {
            parts.get(rnd.nextInt(files)).add(l);
        }
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            boolean gzip = rnd.nextBoolean();
            // The name says nothing: gzip is told by its magic bytes.
            Path p = tmp.resolve("flows-" + i + ".log");
            byte[] text = (String.join("\n", parts.get(i)) + "\n").getBytes(StandardCharsets.UTF_8);
            try (OutputStream o = gzip ? new GZIPOutputStream(Files.newOutputStream(p)) : Files.newOutputStream(p)) {
                o.write(text);
            }
            out.add(p);
        }
        return out;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void replayedFlowLogsGiveTheSameRecordsBack(long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        World world = AllowAllWorld.of(ENI_ADDRESSES);
        FlowLogFormat format = rnd.nextBoolean() ? FlowLogFormat.DEFAULT : WITH_FLAGS;
        Path capture = traffic(rnd, tmp.resolve("traffic.pcap"));
        String original;
        try (CaptureReader reader = CaptureReader.open(capture)) {
            original = Replays.run(Replays.ENGINES.get(0), world, reader, format, INTERVAL).flowLogs();
        }
        List<String> want = records(original, format);
        assertThat(want).as("seed %d: the traffic makes records", seed).isNotEmpty();
        List<Path> logs = writeLogs(rnd, format, want);

        // The same flow logged by two ENIs of the world is one flow: it must be replayed once.
        Map<String, Integer> byFlow = new HashMap<>();
        for (String line : want) {
            String[] v = line.split(" ");
            String key = String.join(" ", List.of(v).subList(3, 12));
            byFlow.merge(key, 1, Integer::sum);
        }
        long duplicates = byFlow.values().stream().mapToLong(n -> n - 1).sum();
        // Each distinct flow is synthesized once: its packets field (the 6th of the key) counts.
        long packets = byFlow.keySet().stream().mapToLong(k -> Long.parseLong(k.split(" ")[5])).sum();

        for (Replays.Engine engine : Replays.ENGINES) {
            try (FlowLogFrameSource source = FlowLogFrameSource.open(logs, true)) {
                Replays.Outcome replayed = Replays.run(engine, world, source, format, INTERVAL);
                FlowLogInputStats stats = source.stats();
                assertThat(stats.records()).as("seed %d, %s: records read", seed, engine).isEqualTo(want.size());
                assertThat(stats.badLines()).as("seed %d, %s", seed, engine).isZero();
                assertThat(stats.duplicates()).as("seed %d, %s: duplicates", seed, engine).isEqualTo(duplicates);
                assertThat(stats.packets()).as("seed %d, %s: packets to make", seed, engine).isEqualTo(packets);
                assertThat(replayed.result().frames).as("seed %d, %s: frames", seed, engine)
                        .isEqualTo(stats.packets());
                assertThat(replayed.result().accepted).as("seed %d, %s: all accepted", seed, engine)
                        .isEqualTo(stats.packets());
                assertThat(source.progress()).as("seed %d, %s: progress at the end", seed, engine).isEqualTo(1.0);
                assertThat(records(replayed.flowLogs(), format)).as("seed %d, %s: records back", seed, engine)
                        .isEqualTo(want);
            }
        }
        assertThat(packets).as("seed %d", seed).isPositive();
    }
}
