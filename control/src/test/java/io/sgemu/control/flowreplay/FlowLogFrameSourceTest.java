package io.sgemu.control.flowreplay;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.dataplane.capture.CapturedFrame;
import io.sgemu.dataplane.flowlog.FlowLogField;
import io.sgemu.dataplane.flowlog.FlowLogFormat;
import io.sgemu.dataplane.net.IpAddress;
import io.sgemu.dataplane.packet.DecodedPacket;
import io.sgemu.dataplane.packet.LinkType;
import io.sgemu.dataplane.packet.PacketBuilder;
import io.sgemu.dataplane.packet.PacketDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The packets a flow-log record stands for: random overlapping records, in random header formats over
 * several files, checked packet by packet: time order across everything, per record the count, the sizes
 * summing to its bytes, the time span, the addresses (pkt-* preferred), ports, protocol and TCP flags.
 */
class FlowLogFrameSourceTest {

    static final long BASE = 1_767_225_600L;
    static final List<FlowLogField> FIELDS = List.of(FlowLogField.VERSION, FlowLogField.INTERFACE_ID,
            FlowLogField.SRCADDR, FlowLogField.DSTADDR, FlowLogField.SRCPORT, FlowLogField.DSTPORT,
            FlowLogField.PROTOCOL, FlowLogField.PACKETS, FlowLogField.BYTES, FlowLogField.START, FlowLogField.END,
            FlowLogField.ACTION, FlowLogField.LOG_STATUS, FlowLogField.TCP_FLAGS, FlowLogField.PKT_SRCADDR,
            FlowLogField.PKT_DSTADDR);
    static final int[] PROTOCOLS = {6, 6, 6, 17, 17, 1, 58, 47};

    @TempDir
    Path tmp;

    /** One generated record: what its packets must look like. */
    record Rec(IpAddress src, IpAddress dst, int sport, int dport, int protocol, long packets, long bytes, long start,
               long end, int flags, String line) {
        int minimal() {
            return (src.isV4() ? 20 : 40) + switch (protocol) {
                case 6 -> 20;
                case 17 -> 8;
                case 1, 58 -> 8;
                default -> 0;
            };
        }
    }

    static Stream<Arguments> seeds() {
        return LongStream.range(0, 25).mapToObj(i -> Arguments.of(0xF10E_0000L + i * 104729));
    }

    static String value(FlowLogField f, Map<FlowLogField, String> values) {
        return values.getOrDefault(f, "-");
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyRecordBecomesItsPacketsInTimeOrder(long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        boolean headerless = rnd.nextInt(4) == 0;
        List<FlowLogField> fields = new ArrayList<>(FIELDS);
        Collections.shuffle(fields, new Random(rnd.nextLong()));
        FlowLogFormat format = headerless ? FlowLogFormat.DEFAULT : FlowLogFormat.of(fields.toArray(FlowLogField[]::new));
        boolean hasFlags = format.fields().contains(FlowLogField.TCP_FLAGS);
        boolean hasPkt = format.fields().contains(FlowLogField.PKT_SRCADDR);

        int count = 1 + rnd.nextInt(60);
        Map<IpAddress, Rec> bySource = new HashMap<>();
        List<Rec> recs = new ArrayList<>();
        for (int r = 0; r < count; r++) {
            boolean v4 = rnd.nextInt(4) != 0;
            int protocol = PROTOCOLS[rnd.nextInt(PROTOCOLS.length)];
            // A source of its own for every record, so each packet tells its record.
            IpAddress logged = v4 ? IpAddress.parse("10.1." + (r / 250) + "." + (1 + r % 250))
                    : IpAddress.parse("2001:db8:1::" + Integer.toHexString(r + 1));
            IpAddress real = v4 ? IpAddress.parse("10.2." + (r / 250) + "." + (1 + r % 250))
                    : IpAddress.parse("2001:db8:2::" + Integer.toHexString(r + 1));
            IpAddress dst = v4 ? IpAddress.parse("203.0.113." + rnd.nextInt(256))
                    : IpAddress.parse("2001:db8:ffff::" + Integer.toHexString(rnd.nextInt(65536)));
            boolean usePkt = hasPkt && rnd.nextBoolean();
            boolean ports = protocol == 6 || protocol == 17;
            int sport = ports ? rnd.nextInt(65536) : 0;
            int dport = ports ? rnd.nextInt(65536) : 0;
            long packets = rnd.nextInt(10) == 0 ? 0 : 1 + rnd.nextInt(rnd.nextBoolean() ? 5 : 300);
            Rec shape = new Rec(usePkt ? real : logged, dst, sport, dport, protocol, packets, 0, 0, 0, 0, "");
            long bytes = rnd.nextInt(8) == 0 ? rnd.nextLong(1 + packets * shape.minimal())
                    : packets * shape.minimal() + rnd.nextLong(1 + packets * 1400);
            long start = BASE + rnd.nextInt(900);
            long end = start + (rnd.nextInt(5) == 0 ? 0 : rnd.nextInt(120));
            int flags = protocol == 6 ? new int[] {0, 1, 2, 3, 4, 18, 19, 6, 7}[rnd.nextInt(9)] : 0;
            Map<FlowLogField, String> v = new HashMap<>();
            v.put(FlowLogField.VERSION, headerless ? "2" : "3");
            v.put(FlowLogField.INTERFACE_ID, "eni-" + r);
            v.put(FlowLogField.SRCADDR, logged.toString());
            v.put(FlowLogField.DSTADDR, dst.toString());
            v.put(FlowLogField.SRCPORT, Integer.toString(sport));
            v.put(FlowLogField.DSTPORT, Integer.toString(dport));
            v.put(FlowLogField.PROTOCOL, Integer.toString(protocol));
            v.put(FlowLogField.PACKETS, Long.toString(packets));
            v.put(FlowLogField.BYTES, Long.toString(bytes));
            v.put(FlowLogField.START, Long.toString(start));
            v.put(FlowLogField.END, Long.toString(end));
            v.put(FlowLogField.ACTION, rnd.nextBoolean() ? "ACCEPT" : "REJECT");
            v.put(FlowLogField.LOG_STATUS, "OK");
            v.put(FlowLogField.TCP_FLAGS, Integer.toString(flags));
            v.put(FlowLogField.PKT_SRCADDR, usePkt ? real.toString() : "-");
            v.put(FlowLogField.PKT_DSTADDR, usePkt ? dst.toString() : "-");
            String line = String.join(" ", format.fields().stream().map(f -> value(f, v)).toList());
            Rec rec = new Rec(shape.src(), dst, sport, dport, protocol, packets, bytes, start, end,
                    hasFlags ? flags : -1, line);
            recs.add(rec);
            bySource.put(rec.src(), rec);
        }
        int files = 1 + rnd.nextInt(3);
        List<List<String>> parts = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            parts.add(new ArrayList<>(headerless ? List.of() : List.of(format.header())));
        }
        for (Rec r : recs) {
            parts.get(rnd.nextInt(files)).add(r.line());
        }
        List<Path> paths = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            Path p = tmp.resolve("part" + i + ".log");
            if (parts.get(i).isEmpty()) {
                parts.get(i).add(recs.get(0).line());
                bySource.put(recs.get(0).src(), null); // now in two files: checked by count below only
            }
            Files.write(p, parts.get(i));
            paths.add(p);
        }

        Map<IpAddress, List<DecodedPacket>> seen = new HashMap<>();
        long last = Long.MIN_VALUE;
        long frames = 0;
        try (FlowLogFrameSource source = FlowLogFrameSource.open(paths, true)) {
            CapturedFrame frame = new CapturedFrame();
            double progress = 0;
            while (source.next(frame)) {
                frames++;
                assertThat(frame.timeNanos).as("seed %d: time order at frame %d", seed, frames).isGreaterThanOrEqualTo(last);
                assertThat(frame.frameNumber).as("seed %d", seed).isEqualTo(frames);
                assertThat(frame.linkType).isEqualTo(LinkType.RAW);
                assertThat(source.progress()).as("seed %d: progress", seed).isBetween(progress, 1.0);
                progress = source.progress();
                last = frame.timeNanos;
                DecodedPacket p = new DecodedPacket();
                PacketDecoder.decode(frame.linkType, frame.buffer, frame.offset, frame.capturedLength,
                        frame.originalLength, frame.timeNanos, p);
                assertThat(p.status).as("seed %d: frame %d decodes", seed, frames).isEqualTo(DecodedPacket.Status.OK);
                seen.computeIfAbsent(new IpAddress(p.ipVersion, p.srcHi, p.srcLo), k -> new ArrayList<>()).add(p);
            }
            assertThat(source.progress()).as("seed %d", seed).isEqualTo(1.0);
            assertThat(source.stats().packets()).as("seed %d", seed).isEqualTo(frames);
            assertThat(source.stats().records()).as("seed %d", seed).isEqualTo(parts.stream()
                    .mapToLong(l -> l.size() - (headerless ? 0 : 1)).sum());
        }
        for (Rec r : recs) {
            if (bySource.get(r.src()) == null) {
                continue;
            }
            List<DecodedPacket> ps = seen.getOrDefault(r.src(), List.of());
            String what = "seed " + seed + ", record " + r.line();
            assertThat((long) ps.size()).as(what).isEqualTo(r.packets());
            if (ps.isEmpty()) {
                continue;
            }
            long sum = ps.stream().mapToLong(p -> p.ipLength).sum();
            if (r.bytes() >= r.packets() * r.minimal()) {
                assertThat(sum).as(what + ": bytes").isEqualTo(r.bytes());
                long max = ps.stream().mapToLong(p -> p.ipLength).max().orElseThrow();
                long min = ps.stream().mapToLong(p -> p.ipLength).min().orElseThrow();
                assertThat(max - min).as(what + ": sizes even").isLessThanOrEqualTo(1);
            } else {
                assertThat(ps).as(what + ": too few bytes: minimal packets").allMatch(p -> p.ipLength == r.minimal());
            }
            assertThat(ps.get(0).timeNanos).as(what).isEqualTo(r.start() * 1_000_000_000L);
            if (ps.size() > 1) {
                assertThat(ps.get(ps.size() - 1).timeNanos).as(what).isEqualTo(r.end() * 1_000_000_000L);
            }
            for (DecodedPacket p : ps) {
                assertThat(new IpAddress(p.ipVersion, p.dstHi, p.dstLo)).as(what).isEqualTo(r.dst());
                assertThat(p.protocol).as(what).isEqualTo(r.protocol() == 1 && !r.src().isV4() ? 1 : r.protocol());
                if (r.protocol() == 6 || r.protocol() == 17) {
                    assertThat(p.srcPort).as(what).isEqualTo(r.sport());
                    assertThat(p.dstPort).as(what).isEqualTo(r.dport());
                }
                if ((r.protocol() == 1 && r.src().isV4()) || (r.protocol() == 58 && !r.src().isV4())) {
                    assertThat(p.icmpType).as(what + ": echo request").isEqualTo(r.src().isV4() ? 8 : 128);
                }
            }
            if (r.protocol() == 6) {
                checkTcpFlags(r, ps, what);
            }
        }
    }

    /** The OR of the packets' FIN, SYN, RST (and ACK with SYN) gives back the record's tcp-flags. */
    private static void checkTcpFlags(Rec r, List<DecodedPacket> ps, String what) {
        if (r.flags() < 0) {
            assertThat(ps).as(what + ": no tcp-flags in the log: plain ACKs").allMatch(p -> p.tcpFlags == PacketBuilder.ACK);
            return;
        }
        int or = 0;
        for (DecodedPacket p : ps) {
            int f = p.tcpFlags & (PacketBuilder.FIN | PacketBuilder.SYN | PacketBuilder.RST);
            if ((p.tcpFlags & PacketBuilder.SYN) != 0 && (p.tcpFlags & PacketBuilder.ACK) != 0) {
                f |= PacketBuilder.ACK;
            }
            or |= f;
        }
        assertThat(or).as(what + ": tcp-flags").isEqualTo(r.flags());
        if ((r.flags() & PacketBuilder.SYN) != 0) {
            assertThat(ps.get(0).tcpFlags & PacketBuilder.SYN).as(what + ": SYN first").isNotZero();
        }
        for (int i = 1; i < ps.size() - 1; i++) {
            assertThat(ps.get(i).tcpFlags).as(what + ": middle packets are plain ACKs").isEqualTo(PacketBuilder.ACK);
        }
    }

    @Test
    void anIcmpRecordAnsweringAnEarlierOneOfTheReverseDirectionIsEchoReplies() throws IOException {
        Path log = tmp.resolve("ping.log");
        Files.write(log, List.of(
                "2 123456789010 eni-1 172.31.16.139 203.0.113.12 0 0 1 4 336 1432917094 1432917142 REJECT OK",
                "2 123456789010 eni-1 203.0.113.12 172.31.16.139 0 0 1 4 336 1432917027 1432917142 ACCEPT OK"));
        List<Integer> types = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        try (FlowLogFrameSource source = FlowLogFrameSource.open(List.of(log), true)) {
            CapturedFrame frame = new CapturedFrame();
            DecodedPacket p = new DecodedPacket();
            while (source.next(frame)) {
                PacketDecoder.decode(frame.linkType, frame.buffer, frame.offset, frame.capturedLength,
                        frame.originalLength, frame.timeNanos, p);
                types.add(p.icmpType);
                ids.add(p.icmpId);
            }
        }
        // The request direction started first (1432917027): its packets are requests, the other's replies.
        assertThat(types).containsExactly(8, 8, 0, 8, 0, 0, 8, 0);
        assertThat(ids).as("one identifier for request and reply").containsOnly(ids.get(0));
    }
}
