package io.sgemu.dataplane.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.sgemu.dataplane.packet.LinkType;
import io.sgemu.dataplane.packet.LongStreamSeeds;
import io.sgemu.dataplane.packet.RandomPackets;

/**
 * Gzip-compressed captures read as streams give exactly what the uncompressed file gives (frames, times,
 * offsets in the decompressed bytes), keep a bounded window, and report a cut or corrupt stream after the
 * complete frames before the damage.
 */
class GzipCaptureTest {

    @TempDir
    Path dir;

    /** A frame as read: every field and its bytes. */
    record Frame(long number, long time, int linkType, int interfaceId, int captured, int original,
                 long fileOffset, byte[] bytes) {

        static Frame of(CapturedFrame f) {
            byte[] bytes = new byte[f.capturedLength];
            f.buffer.getBytes(f.offset, bytes);
            return new Frame(f.frameNumber, f.timeNanos, f.linkType, f.interfaceId, f.capturedLength,
                    f.originalLength, f.fileOffset, bytes);
        }

        void assertSame(Frame other, String ctx) {
            assertThat(other.number).as(ctx).isEqualTo(number);
            assertThat(other.time).as(ctx).isEqualTo(time);
            assertThat(other.linkType).as(ctx).isEqualTo(linkType);
            assertThat(other.interfaceId).as(ctx).isEqualTo(interfaceId);
            assertThat(other.captured).as(ctx).isEqualTo(captured);
            assertThat(other.original).as(ctx).isEqualTo(original);
            assertThat(other.fileOffset).as(ctx).isEqualTo(fileOffset);
            assertThat(other.bytes).as(ctx).isEqualTo(bytes);
        }
    }

    /** The frames read before the end or the first error, and that error. */
    record Read(List<Frame> frames, CaptureFormatException error) {
    }

    static Read readAll(Path file, int window) throws IOException {
        List<Frame> frames = new ArrayList<>();
        CaptureReader reader;
        try {
            reader = CaptureReader.open(file, window);
        } catch (CaptureFormatException e) {
            return new Read(frames, e);
        }
        try (reader) {
            CapturedFrame frame = new CapturedFrame();
            while (reader.next(frame)) {
                frames.add(Frame.of(frame));
            }
        } catch (CaptureFormatException e) {
            return new Read(frames, e);
        }
        return new Read(frames, null);
    }

    static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        }
        return out.toByteArray();
    }

    static byte[] pcap(SplittableRandom r, PcapWriter.Precision precision, ByteOrder order, int frames)
            throws IOException {
        int linkType = RandomPackets.LINK_TYPES[r.nextInt(RandomPackets.LINK_TYPES.length)];
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(bytes, linkType, precision, order, 65535)) {
            long time = 1_600_000_000_000_000_000L + r.nextLong(1_000_000_000_000L);
            for (int i = 0; i < frames; i++) {
                time += r.nextLong(2_000_000_000L);
                RandomPackets.Sample s = RandomPackets.next(r, linkType);
                int captured = r.nextInt(10) == 0 ? r.nextInt(s.frame().length + 1) : s.frame().length;
                w.write(time, s.frame(), 0, captured, s.frame().length);
            }
        }
        return bytes.toByteArray();
    }

    /** Several sections in random byte orders, several interfaces, EPBs, SPBs, obsolete PBs, skipped blocks. */
    static byte[] pcapng(SplittableRandom r, int framesPerSection) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long time = 1_600_000_000_000_000_000L + r.nextLong(1_000_000_000_000L);
        int[] resolutions = {PcapngWriter.TSRESOL_MICROS, PcapngWriter.TSRESOL_NANOS, 3, 0x80 | 20};
        try (PcapngWriter w = new PcapngWriter(bytes, r.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN)) {
            int sections = 2 + r.nextInt(3);
            for (int section = 0; section < sections; section++) {
                if (section > 0) {
                    w.newSection(r.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
                }
                int interfaces = 1 + r.nextInt(3);
                int[] linkTypes = new int[interfaces];
                for (int i = 0; i < interfaces; i++) {
                    linkTypes[i] = RandomPackets.LINK_TYPES[r.nextInt(RandomPackets.LINK_TYPES.length)];
                    w.addInterface(linkTypes[i], r.nextInt(4) == 0 ? 100 : 0,
                            resolutions[r.nextInt(resolutions.length)], r.nextInt(3) == 0 ? r.nextInt(1000) : 0);
                }
                for (int k = 0; k < framesPerSection; k++) {
                    time += r.nextLong(2_000_000_000L);
                    int id = r.nextInt(interfaces);
                    int kind = r.nextInt(10);
                    RandomPackets.Sample s = RandomPackets.next(r, linkTypes[kind == 0 ? 0 : id]);
                    if (kind == 0) {
                        w.writeSimplePacket(s.frame(), s.frame().length);
                    } else if (kind == 1) {
                        w.writeObsoletePacket(id, time, s.frame());
                    } else {
                        w.writePacket(id, time, s.frame());
                    }
                    if (r.nextInt(6) == 0) {
                        byte[] body = new byte[4 * r.nextInt(10)];
                        r.nextBytes(body);
                        w.writeBlock(r.nextBoolean() ? 5 : 0x0BAD, body);
                    }
                }
            }
        }
        return bytes.toByteArray();
    }

    /** Writes the capture plain and gzipped, reads both: the same frames, no error. */
    private void assertSameAsPlain(byte[] plain, String name, String ctx, int window) throws IOException {
        Path plainFile = dir.resolve(name);
        Path gzFile = dir.resolve(name + ".gz");
        Files.write(plainFile, plain);
        Files.write(gzFile, gzip(plain));
        Read expected = readAll(plainFile, window);
        Read actual = readAll(gzFile, window);
        assertThat(expected.error()).as(ctx).isNull();
        assertThat(actual.error()).as(ctx).isNull();
        assertThat(expected.frames()).as(ctx).isNotEmpty();
        assertThat(actual.frames()).as(ctx).hasSameSizeAs(expected.frames());
        for (int i = 0; i < expected.frames().size(); i++) {
            expected.frames().get(i).assertSame(actual.frames().get(i), ctx + " frame " + (i + 1));
        }
        try (CaptureReader reader = CaptureReader.open(gzFile)) {
            assertThat(reader.format()).as(ctx).isEqualTo(name.endsWith(".pcapng") ? "pcapng" : "pcap");
        }
    }

    static Stream<Arguments> classicCases() {
        return LongStreamSeeds.of(3).boxed().flatMap(seed -> Stream.of(
                Arguments.of(PcapWriter.Precision.MICROSECONDS, ByteOrder.LITTLE_ENDIAN, seed),
                Arguments.of(PcapWriter.Precision.MICROSECONDS, ByteOrder.BIG_ENDIAN, seed),
                Arguments.of(PcapWriter.Precision.NANOSECONDS, ByteOrder.LITTLE_ENDIAN, seed),
                Arguments.of(PcapWriter.Precision.NANOSECONDS, ByteOrder.BIG_ENDIAN, seed)));
    }

    @ParameterizedTest(name = "pcap {0} {1} seed {2}")
    @MethodSource("classicCases")
    void gzippedPcapReadsLikeThePlainFile(PcapWriter.Precision precision, ByteOrder order, long seed)
            throws IOException {
        byte[] plain = pcap(new SplittableRandom(seed), precision, order, 500);
        assertSameAsPlain(plain, "trace.pcap", "seed " + seed + " " + precision + " " + order,
                MappedCaptureFile.DEFAULT_WINDOW);
    }

    static Stream<Long> seeds() {
        return LongStreamSeeds.of(6).boxed();
    }

    @ParameterizedTest(name = "pcapng seed {0}")
    @MethodSource("seeds")
    void gzippedMultiSectionPcapngReadsLikeThePlainFile(long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] plain = pcapng(r, 150);
        assertSameAsPlain(plain, "trace.pcapng", "seed " + seed, MappedCaptureFile.DEFAULT_WINDOW);
        // A small window: blocks straddle window ends and the window content moves often.
        Path plainFile = dir.resolve("sizes.pcapng");
        Files.write(plainFile, plain);
        int largest = readAll(plainFile, MappedCaptureFile.DEFAULT_WINDOW).frames().stream()
                .mapToInt(Frame::original).max().orElseThrow();
        int window = Math.max(largest + 128, 2048 + r.nextInt(4096));
        assertSameAsPlain(plain, "trace.pcapng", "seed " + seed + " window " + window, window);
    }

    /** Frames larger than the stream's starting window grow it, and still read back whole. */
    @Test
    void framesLargerThanTheWindowGrowIt() throws IOException {
        SplittableRandom r = new SplittableRandom(42);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PcapngWriter w = new PcapngWriter(bytes)) {
            w.addInterface(LinkType.ETHERNET);
            for (int i = 0; i < 4; i++) {
                byte[] frame = new byte[GzipCaptureStream.INITIAL_WINDOW / 2 + r.nextInt(3 * GzipCaptureStream.INITIAL_WINDOW)];
                r.nextBytes(frame);
                w.writePacket(0, 1_000_000_000L * (i + 1), frame);
            }
        }
        assertSameAsPlain(bytes.toByteArray(), "big-frames.pcapng", "seed 42", MappedCaptureFile.DEFAULT_WINDOW);
    }

    /**
     * 200k frames, several times the window, written straight into a gzip file: they all read back, in
     * order, while the window never grows past its starting size (the file is never held whole).
     */
    @Test
    void aLargeCaptureReadsThroughABoundedWindow() throws IOException {
        int frames = 200_000;
        long seed = LongStreamSeeds.of(1).findFirst().orElseThrow();
        SplittableRandom r = new SplittableRandom(seed);
        Path file = dir.resolve("large.pcap.gz");
        long[] times = new long[frames];
        long decompressedBytes = PcapReader.FILE_HEADER;
        RandomPackets.Sample[] samples = new RandomPackets.Sample[64];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = RandomPackets.next(r, LinkType.ETHERNET);
        }
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file), 1 << 16);
             PcapWriter w = new PcapWriter(out, LinkType.ETHERNET, PcapWriter.Precision.NANOSECONDS,
                     ByteOrder.LITTLE_ENDIAN, 65535)) {
            long time = 1_700_000_000_000_000_000L;
            for (int i = 0; i < frames; i++) {
                time += 1 + r.nextInt(1_000_000);
                times[i] = time;
                byte[] frame = samples[r.nextInt(samples.length)].frame();
                w.write(time, frame);
                decompressedBytes += 16 + frame.length;
            }
        }
        int largestWindow = 0;
        int count = 0;
        try (CaptureReader reader = CaptureReader.open(file)) {
            CapturedFrame frame = new CapturedFrame();
            while (reader.next(frame)) {
                assertThat(frame.timeNanos).as("seed %d frame %d", seed, count + 1).isEqualTo(times[count]);
                largestWindow = Math.max(largestWindow, frame.buffer.capacity());
                count++;
            }
            assertThat(frame.fileOffset + 16 + frame.capturedLength).as("seed " + seed).isEqualTo(decompressedBytes);
        }
        assertThat(count).as("seed " + seed).isEqualTo(frames);
        assertThat(largestWindow).as("seed " + seed).isLessThanOrEqualTo(GzipCaptureStream.INITIAL_WINDOW);
        assertThat(decompressedBytes).as("seed " + seed).isGreaterThan(8L * largestWindow);
    }

    /** How many bytes a gzip prefix decompresses to before the stream runs out. */
    private static long recoverable(byte[] gz) {
        long total = 0;
        byte[] chunk = new byte[4096];
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            int n;
            while ((n = in.read(chunk)) > 0) {
                total += n;
            }
        } catch (IOException e) {
            // the end of what the prefix holds
        }
        return total;
    }

    /** End offsets of each frame's record or block in the plain capture. */
    private static long[] frameEnds(byte[] plain, List<Frame> frames, boolean pcapng) {
        long[] ends = new long[frames.size()];
        for (int i = 0; i < ends.length; i++) {
            Frame f = frames.get(i);
            if (!pcapng) {
                ends[i] = f.fileOffset() + 16 + f.captured();
                continue;
            }
            ByteBuffer b = ByteBuffer.wrap(plain);
            int at = (int) f.fileOffset();
            long le = b.order(ByteOrder.LITTLE_ENDIAN).getInt(at + 4) & 0xFFFF_FFFFL;
            boolean fits = at + le <= plain.length && le >= 12
                    && (b.order(ByteOrder.LITTLE_ENDIAN).getInt((int) (at + le - 4)) & 0xFFFF_FFFFL) == le;
            ends[i] = at + (fits ? le : b.order(ByteOrder.BIG_ENDIAN).getInt(at + 4) & 0xFFFF_FFFFL);
        }
        return ends;
    }

    static Stream<Arguments> cutCases() {
        return LongStreamSeeds.of(4).boxed().flatMap(seed -> Stream.of(
                Arguments.of(false, seed), Arguments.of(true, seed)));
    }

    @ParameterizedTest(name = "pcapng {0} seed {1}")
    @MethodSource("cutCases")
    void aCutGzipDeliversTheCompleteFramesThenSaysItIsCutShort(boolean pcapng, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] plain = pcapng ? pcapng(r, 60) : pcap(r, PcapWriter.Precision.MICROSECONDS, ByteOrder.LITTLE_ENDIAN, 200);
        Path plainFile = dir.resolve("whole");
        Files.write(plainFile, plain);
        List<Frame> all = readAll(plainFile, MappedCaptureFile.DEFAULT_WINDOW).frames();
        long[] ends = frameEnds(plain, all, pcapng);
        assertThat(ends[ends.length - 1]).as("seed " + seed).isLessThanOrEqualTo(plain.length);
        byte[] gz = gzip(plain);
        List<Integer> cuts = new ArrayList<>(List.of(2, 5, 10, 11, gz.length - 8, gz.length - 1));
        for (int i = 0; i < 12; i++) {
            cuts.add(2 + r.nextInt(gz.length - 2));
        }
        int partial = 0;
        for (int cut : cuts) {
            String ctx = "seed " + seed + " cut " + cut + " of " + gz.length;
            byte[] prefix = Arrays.copyOf(gz, cut);
            long recovered = recoverable(prefix);
            long complete = Arrays.stream(ends).filter(end -> end <= recovered).count();
            Path file = dir.resolve("cut-" + cut + ".pcap.gz");
            Files.write(file, prefix);
            Read read = readAll(file, MappedCaptureFile.DEFAULT_WINDOW);
            assertThat(read.frames()).as(ctx).hasSize((int) complete);
            if (complete > 0 && complete < all.size()) {
                partial++;
            }
            for (int i = 0; i < complete; i++) {
                all.get(i).assertSame(read.frames().get(i), ctx + " frame " + (i + 1));
            }
            assertThat(read.error()).as(ctx).isNotNull();
            assertThat(read.error().getMessage()).as(ctx)
                    // A cut in the file header names no frame; later, the frame it broke or the last one read.
                    .matches(java.util.regex.Pattern.quote(file + ": compressed capture cut short") + "( of frame "
                            + (complete + 1) + "| after frame " + complete + "| before the first frame)? at offset .*")
                    .contains("decompressed bytes");
            assertThat(read.error().offset()).as(ctx).isLessThanOrEqualTo(recovered);
        }
        assertThat(partial).as("seed %d: cuts that fall between the first and the last frame", seed)
                .isPositive();
    }

    @Test
    void theErrorRepeatsOnEveryLaterCall() throws IOException {
        byte[] gz = gzip(pcap(new SplittableRandom(7), PcapWriter.Precision.NANOSECONDS, ByteOrder.BIG_ENDIAN, 50));
        Path file = dir.resolve("cut.pcap.gz");
        Files.write(file, Arrays.copyOf(gz, gz.length / 2));
        try (CaptureReader reader = CaptureReader.open(file)) {
            CapturedFrame frame = new CapturedFrame();
            CaptureFormatException first = null;
            while (first == null) {
                try {
                    reader.next(frame);
                } catch (CaptureFormatException e) {
                    first = e;
                }
            }
            CaptureFormatException seen = first;
            assertThatThrownBy(() -> reader.next(frame)).isSameAs(seen);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void garbageAfterTheGzipMagicIsAClearError(long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] garbage = new byte[2 + r.nextInt(2000)];
        r.nextBytes(garbage);
        garbage[0] = 0x1f;
        garbage[1] = (byte) 0x8b;
        Path file = dir.resolve("garbage.pcap.gz");
        Files.write(file, garbage);
        Read read = readAll(file, MappedCaptureFile.DEFAULT_WINDOW);
        assertThat(read.frames()).as("seed " + seed).isEmpty();
        assertThat(read.error()).as("seed " + seed).isNotNull();
        assertThat(read.error().getMessage()).as("seed " + seed)
                .startsWith(file + ": ")
                .containsAnyOf("corrupt compressed capture", "compressed capture cut short",
                        "inside the gzip stream");
    }

    @Test
    void aValidGzipHeaderFollowedByBadDeflateDataIsCorrupt() throws IOException {
        byte[] gz = gzip(pcap(new SplittableRandom(3), PcapWriter.Precision.MICROSECONDS, ByteOrder.LITTLE_ENDIAN, 20));
        // 10-byte header, then the first deflate block header: BFINAL=1, BTYPE=11 (reserved, invalid).
        gz[10] = (byte) 0x07;
        Path file = dir.resolve("bad-deflate.pcap.gz");
        Files.write(file, gz);
        Read read = readAll(file, MappedCaptureFile.DEFAULT_WINDOW);
        assertThat(read.frames()).isEmpty();
        assertThat(read.error().getMessage())
                .startsWith(file + ": corrupt compressed capture at offset 0: bad gzip or deflate data");
    }

    @Test
    void aGzipOfSomethingElseSaysWhatItHolds() throws IOException {
        Path file = dir.resolve("notes.txt.gz");
        Files.write(file, gzip("these are not packets\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        assertThatThrownBy(() -> CaptureReader.open(file))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessage(file + ": not a pcap or pcapng file inside the gzip stream (magic 0x74686573) at offset 0");
        Path empty = dir.resolve("empty.gz");
        Files.write(empty, gzip(new byte[0]));
        assertThatThrownBy(() -> CaptureReader.open(empty))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessage(empty + ": not a pcap or pcapng file inside the gzip stream at offset 0: only 0 bytes");
    }

    /**
     * A record longer than the window is counted without being kept, and gives the same error as in the
     * plain file: "record too large" when it is all there, "truncated record" when the file ends first.
     */
    @Test
    void aRecordLongerThanTheWindowGivesThePlainFilesError() throws IOException {
        SplittableRandom r = new SplittableRandom(11);
        byte[] big = new byte[20_000];
        r.nextBytes(big);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(bytes, LinkType.ETHERNET, PcapWriter.Precision.MICROSECONDS,
                ByteOrder.LITTLE_ENDIAN, 65535)) {
            w.write(1_000_000_000L, big, 0, 100, 100);
            w.write(2_000_000_000L, big);
        }
        byte[] whole = bytes.toByteArray();
        for (byte[] plain : List.of(whole, Arrays.copyOf(whole, whole.length - 5000))) {
            String ctx = plain.length + " bytes";
            Path plainFile = dir.resolve("long.pcap");
            Path gzFile = dir.resolve("long.pcap.gz");
            Files.write(plainFile, plain);
            Files.write(gzFile, gzip(plain));
            Read expected = readAll(plainFile, 4096);
            Read actual = readAll(gzFile, 4096);
            assertThat(expected.frames()).as(ctx).hasSize(1);
            assertThat(actual.frames()).as(ctx).hasSize(1);
            expected.frames().get(0).assertSame(actual.frames().get(0), ctx);
            assertThat(expected.error().getMessage()).as(ctx)
                    .contains(plain == whole ? "record too large" : "truncated record");
            assertThat(actual.error().getMessage()).as(ctx)
                    .isEqualTo(expected.error().getMessage().replace(plainFile.toString(), gzFile.toString()));
        }
    }

    /** Concatenated gzip members (as bgzip and {@code cat a.gz b.gz} make) read as one capture. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void concatenatedGzipMembersReadAsOneCapture(long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] plain = pcapng(r, 40);
        ByteArrayOutputStream members = new ByteArrayOutputStream();
        int at = 0;
        while (at < plain.length) {
            int length = Math.min(plain.length - at, 1 + r.nextInt(3000));
            members.write(gzip(Arrays.copyOfRange(plain, at, at + length)));
            at += length;
        }
        Path plainFile = dir.resolve("whole.pcapng");
        Path gzFile = dir.resolve("members.pcapng.gz");
        Files.write(plainFile, plain);
        Files.write(gzFile, members.toByteArray());
        Read expected = readAll(plainFile, MappedCaptureFile.DEFAULT_WINDOW);
        Read actual = readAll(gzFile, MappedCaptureFile.DEFAULT_WINDOW);
        assertThat(actual.error()).as("seed " + seed).isNull();
        assertThat(actual.frames()).as("seed " + seed).hasSameSizeAs(expected.frames()).isNotEmpty();
        for (int i = 0; i < expected.frames().size(); i++) {
            expected.frames().get(i).assertSame(actual.frames().get(i), "seed " + seed + " frame " + (i + 1));
        }
    }
}
