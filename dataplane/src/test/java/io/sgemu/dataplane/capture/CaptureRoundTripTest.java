package io.sgemu.dataplane.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.sgemu.dataplane.packet.DecodedPacket;
import io.sgemu.dataplane.packet.LinkType;
import io.sgemu.dataplane.packet.LongStreamSeeds;
import io.sgemu.dataplane.packet.PacketDecoder;
import io.sgemu.dataplane.packet.RandomPackets;

/**
 * Random packets written with the writers, read back with {@link CaptureReader} and decoded give back
 * what was written: link type, interface, lengths, timestamps (to the file's resolution) and every
 * decoded field.
 */
class CaptureRoundTripTest {

    private static final long MAX_PCAP_NANOS = 0xFFFF_FFFFL * 1_000_000_000L;

    @TempDir
    Path dir;

    /** One frame as written, and what reading it must give. */
    record Written(RandomPackets.Sample sample, int interfaceId, long expectedTime, long timeTolerance,
                   int capturedLength, int originalLength) {
    }

    static Stream<Arguments> classicCases() {
        long seed = LongStreamSeeds.of(1).findFirst().orElseThrow();
        return IntStream.of(RandomPackets.LINK_TYPES).boxed().flatMap(lt -> Stream.of(
                Arguments.of(lt, PcapWriter.Precision.MICROSECONDS, ByteOrder.LITTLE_ENDIAN, seed),
                Arguments.of(lt, PcapWriter.Precision.MICROSECONDS, ByteOrder.BIG_ENDIAN, seed + 1),
                Arguments.of(lt, PcapWriter.Precision.NANOSECONDS, ByteOrder.LITTLE_ENDIAN, seed + 2),
                Arguments.of(lt, PcapWriter.Precision.NANOSECONDS, ByteOrder.BIG_ENDIAN, seed + 3)));
    }

    @ParameterizedTest(name = "pcap {0} {1} {2} seed {3}")
    @MethodSource("classicCases")
    void classicPcapRoundTrip(int linkType, PcapWriter.Precision precision, ByteOrder order, long seed)
            throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        List<Written> written = new ArrayList<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(bytes, linkType, precision, order, 65535)) {
            long time = r.nextLong(MAX_PCAP_NANOS / 2);
            for (int i = 0; i < 200; i++) {
                time = Math.min(MAX_PCAP_NANOS - 1, time + r.nextLong(5_000_000_000L));
                RandomPackets.Sample s = RandomPackets.next(r, linkType);
                boolean snap = r.nextInt(10) == 0;
                int captured = snap ? r.nextInt(s.frame().length + 1) : s.frame().length;
                w.write(time, s.frame(), 0, captured, s.frame().length);
                long expected = precision == PcapWriter.Precision.NANOSECONDS ? time : time - time % 1000;
                written.add(new Written(s, 0, expected, 0, captured, s.frame().length));
            }
        }
        Path file = dir.resolve("round-trip.pcap");
        Files.write(file, bytes.toByteArray());
        readAndCompare(file, written, "seed " + seed + " " + LinkType.name(linkType) + " " + precision + " " + order,
                MappedCaptureFile.DEFAULT_WINDOW);
    }

    static Stream<Long> seeds() {
        return LongStreamSeeds.of(12).boxed();
    }

    private static final int[] RESOLUTIONS = {6, 9, 3, 0, 0x80, 0x80 | 9, 0x80 | 20, 0x80 | 30};

    /**
     * Several sections in random byte orders, each with several interfaces of different link types and
     * {@code if_tsresol}/{@code if_tsoffset}; EPBs, SPBs and obsolete PBs among blocks readers skip.
     */
    @ParameterizedTest(name = "pcapng seed {0}")
    @MethodSource("seeds")
    void pcapngRoundTrip(long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        List<Written> written = new ArrayList<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long time = 1_000_000_000L * (1_000_000_000L + r.nextInt(1_000_000_000)) + r.nextInt(1_000_000_000);
        long lastRead = 0;
        long lastTolerance = 0;
        int largest = 0;
        try (PcapngWriter w = new PcapngWriter(bytes, r.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN)) {
            int sections = 1 + r.nextInt(3);
            for (int section = 0; section < sections; section++) {
                if (section > 0) {
                    w.newSection(r.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
                }
                skippable(r, w);
                int interfaces = 1 + r.nextInt(4);
                int[] linkTypes = new int[interfaces];
                int[] resolutions = new int[interfaces];
                long[] offsets = new long[interfaces];
                int[] snaps = new int[interfaces];
                for (int i = 0; i < interfaces; i++) {
                    linkTypes[i] = RandomPackets.LINK_TYPES[r.nextInt(RandomPackets.LINK_TYPES.length)];
                    resolutions[i] = RESOLUTIONS[r.nextInt(RESOLUTIONS.length)];
                    offsets[i] = r.nextBoolean() ? 0 : r.nextLong(-1_000_000, 1_000_000);
                    snaps[i] = r.nextInt(3) == 0 ? 64 + r.nextInt(200) : 0;
                    assertThat(w.addInterface(linkTypes[i], snaps[i], resolutions[i], offsets[i])).isEqualTo(i);
                }
                for (int k = 0; k < 40; k++) {
                    time += r.nextLong(2_000_000_000L);
                    int id = r.nextInt(interfaces);
                    int kind = r.nextInt(10);
                    RandomPackets.Sample s = RandomPackets.next(r, linkTypes[kind == 0 ? 0 : id]);
                    largest = Math.max(largest, s.frame().length + 64);
                    if (kind == 0) {
                        // Simple Packet Block: interface 0, the previous frame's time, cut to the snap length.
                        int captured = snaps[0] == 0 ? s.frame().length : Math.min(snaps[0], s.frame().length);
                        w.writeSimplePacket(s.frame(), s.frame().length);
                        written.add(new Written(s, 0, lastRead, lastTolerance, captured, s.frame().length));
                        continue;
                    }
                    long expected = expectedTime(time, resolutions[id], offsets[id]);
                    long tolerance = (resolutions[id] & 0x80) != 0 ? (1_000_000_000L >> (resolutions[id] & 0x7F)) + 1 : 0;
                    if (kind == 1) {
                        w.writeObsoletePacket(id, time, s.frame());
                        written.add(new Written(s, id, expected, tolerance, s.frame().length, s.frame().length));
                    } else {
                        int captured = r.nextInt(8) == 0 ? r.nextInt(s.frame().length + 1) : s.frame().length;
                        w.writePacket(id, time, s.frame(), 0, captured, s.frame().length);
                        written.add(new Written(s, id, expected, tolerance, captured, s.frame().length));
                    }
                    lastRead = expected;
                    lastTolerance = tolerance;
                    if (r.nextInt(5) == 0) {
                        skippable(r, w);
                    }
                }
            }
        }
        Path file = dir.resolve("round-trip.pcapng");
        Files.write(file, bytes.toByteArray());
        readAndCompare(file, written, "seed " + seed, MappedCaptureFile.DEFAULT_WINDOW);
        // Again through a small moving window, so that blocks straddle window ends.
        int window = Math.max(largest, 64 + r.nextInt(4096));
        readAndCompare(file, written, "seed " + seed + " window " + window, window);
    }

    /** What the reader must give for a time written at the interface's resolution (floor to its unit). */
    private static long expectedTime(long time, int resolution, long offsetSeconds) {
        if ((resolution & 0x80) != 0) {
            return time; // binary fractions: within one unit, see the tolerance
        }
        long unit = 1;
        for (int i = resolution; i < 9; i++) {
            unit *= 10;
        }
        long base = offsetSeconds * 1_000_000_000L;
        return base + Math.floorDiv(time - base, unit) * unit;
    }

    /** Blocks a reader must skip: name resolution, statistics, decryption secrets, custom, unknown. */
    private static void skippable(SplittableRandom r, PcapngWriter w) throws IOException {
        int[] types = {4, 5, 0x0A, 0x0BAD, 0x40000BAD, 0x12345};
        for (int n = r.nextInt(3); n > 0; n--) {
            byte[] body = new byte[r.nextInt(40)];
            r.nextBytes(body);
            w.writeBlock(types[r.nextInt(types.length)], body);
        }
    }

    private static void readAndCompare(Path file, List<Written> written, String context, int window)
            throws IOException {
        CapturedFrame frame = new CapturedFrame();
        DecodedPacket packet = new DecodedPacket();
        try (CaptureReader reader = CaptureReader.open(file, window)) {
            for (int i = 0; i < written.size(); i++) {
                Written w = written.get(i);
                String ctx = context + " frame " + (i + 1);
                assertThat(reader.next(frame)).as(ctx).isTrue();
                assertThat(frame.frameNumber).as(ctx).isEqualTo(i + 1);
                assertThat(frame.linkType).as(ctx).isEqualTo(w.sample().linkType());
                assertThat(frame.interfaceId).as(ctx).isEqualTo(w.interfaceId());
                assertThat(frame.capturedLength).as(ctx).isEqualTo(w.capturedLength());
                assertThat(frame.originalLength).as(ctx).isEqualTo(w.originalLength());
                assertThat(Math.abs(frame.timeNanos - w.expectedTime())).as("%s: time %d, expected %d", ctx,
                        frame.timeNanos, w.expectedTime()).isLessThanOrEqualTo(w.timeTolerance());
                byte[] read = new byte[frame.capturedLength];
                frame.buffer.getBytes(frame.offset, read);
                byte[] original = w.sample().frame();
                assertThat(read).as(ctx).isEqualTo(java.util.Arrays.copyOf(original, frame.capturedLength));
                PacketDecoder.decode(frame.linkType, frame.buffer, frame.offset, frame.capturedLength,
                        frame.originalLength, frame.timeNanos, packet);
                assertThat(packet.timeNanos).isEqualTo(frame.timeNanos);
                if (frame.capturedLength == frame.originalLength) {
                    w.sample().expected().assertDecoded(packet, ctx);
                } else {
                    // Snapped: OK with all fields when the headers made it, else malformed; never wrong.
                    if (packet.status == DecodedPacket.Status.OK) {
                        w.sample().expected().assertDecoded(packet, ctx + " (snapped)");
                    } else {
                        assertThat(packet.status).as(ctx).isEqualTo(DecodedPacket.Status.MALFORMED);
                    }
                }
            }
            assertThat(reader.next(frame)).as(context + ": end of file").isFalse();
            assertThat(reader.next(frame)).as(context + ": still the end").isFalse();
        }
    }

    @Test
    void binaryAndDecimalResolutionsConvertExactly() {
        // 1.5 s in each unit.
        assertThat(PcapngReader.toNanos(1_500_000L, 6)).isEqualTo(1_500_000_000L);
        assertThat(PcapngReader.toNanos(1_500_000_000L, 9)).isEqualTo(1_500_000_000L);
        assertThat(PcapngReader.toNanos(15L, 1)).isEqualTo(1_500_000_000L);
        assertThat(PcapngReader.toNanos(1_500_000_000_000L, 12)).isEqualTo(1_500_000_000L);
        assertThat(PcapngReader.toNanos(3L << 19, 0x80 | 20)).isEqualTo(1_500_000_000L);
        assertThat(PcapngReader.toNanos(3L << 62, 0x80 | 63)).isEqualTo(1_500_000_000L);
        assertThat(PcapngReader.toNanos(1L, 0x80)).isEqualTo(1_000_000_000L);
        // Timestamps are unsigned 64-bit: the top bit is a large time, not a negative one.
        // 2^63 units of 10^-18 s = 9.223372036854775808 s.
        assertThat(PcapngReader.toNanos(0x8000_0000_0000_0000L, 18)).isEqualTo(9_223_372_036L);
    }
}
