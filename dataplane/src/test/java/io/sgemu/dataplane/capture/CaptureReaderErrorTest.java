package io.sgemu.dataplane.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.sgemu.dataplane.packet.LinkType;
import io.sgemu.dataplane.packet.LongStreamSeeds;
import io.sgemu.dataplane.packet.RandomPackets;

/**
 * Broken files: every error is a {@link CaptureFormatException} that names the file and the offset and
 * says what is wrong; the frames before the broken spot are delivered first.
 */
class CaptureReaderErrorTest {

    @TempDir
    Path dir;

    /** A file's bytes and the file offsets where each frame's record ends. */
    record Sample(byte[] bytes, List<Long> frameEnds, List<Long> blockEnds) {
    }

    private static Sample pcap(SplittableRandom r, ByteOrder order) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<Long> ends = new ArrayList<>();
        try (PcapWriter w = new PcapWriter(bytes, LinkType.ETHERNET, PcapWriter.Precision.MICROSECONDS, order, 65535)) {
            w.flush();
            for (int i = 0; i < 4; i++) {
                w.write(1_700_000_000_000_000_000L + i, RandomPackets.next(r, LinkType.ETHERNET).frame());
                w.flush();
                ends.add((long) bytes.size());
            }
        }
        return new Sample(bytes.toByteArray(), ends, ends);
    }

    private static Sample pcapng(SplittableRandom r) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<Long> frameEnds = new ArrayList<>();
        List<Long> blockEnds = new ArrayList<>();
        try (PcapngWriter w = new PcapngWriter(bytes, ByteOrder.BIG_ENDIAN)) {
            w.flush();
            blockEnds.add((long) bytes.size());
            w.addInterface(LinkType.RAW, 0, 9, 0);
            w.flush();
            blockEnds.add((long) bytes.size());
            w.writePacket(0, 5, RandomPackets.next(r, LinkType.RAW).frame());
            w.flush();
            frameEnds.add((long) bytes.size());
            blockEnds.add((long) bytes.size());
            w.writeBlock(4, new byte[] {1, 2, 3});
            w.flush();
            blockEnds.add((long) bytes.size());
            w.newSection(ByteOrder.LITTLE_ENDIAN);
            w.flush();
            blockEnds.add((long) bytes.size());
            w.addInterface(LinkType.ETHERNET);
            w.flush();
            blockEnds.add((long) bytes.size());
            w.writeSimplePacket(RandomPackets.next(r, LinkType.ETHERNET).frame(), 1500);
            w.flush();
            frameEnds.add((long) bytes.size());
            blockEnds.add((long) bytes.size());
            w.writeObsoletePacket(0, 6000, RandomPackets.next(r, LinkType.ETHERNET).frame());
            w.flush();
            frameEnds.add((long) bytes.size());
            blockEnds.add((long) bytes.size());
        }
        return new Sample(bytes.toByteArray(), frameEnds, blockEnds);
    }

    static Stream<Long> seeds() {
        return LongStreamSeeds.of(2).boxed();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void pcapCutAtEveryOffsetDeliversTheWholeFramesThenSaysWhere(long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            Sample s = pcap(r, order);
            for (int cut = 0; cut < s.bytes().length; cut++) {
                checkCut(s, cut, PcapReader.FILE_HEADER, "seed " + seed + " " + order + " cut " + cut);
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void pcapngCutAtEveryOffsetDeliversTheWholeFramesThenSaysWhere(long seed) throws IOException {
        Sample s = pcapng(new SplittableRandom(seed));
        for (int cut = 0; cut < s.bytes().length; cut++) {
            checkCut(s, cut, 4, "seed " + seed + " cut " + cut);
        }
    }

    private void checkCut(Sample s, int cut, int headerBytes, String ctx) throws IOException {
        Path file = dir.resolve("cut-" + cut + ".cap");
        Files.write(file, Arrays.copyOf(s.bytes(), cut));
        if (cut < headerBytes) {
            assertThatThrownBy(() -> CaptureReader.open(file)).as(ctx)
                    .isInstanceOf(CaptureFormatException.class)
                    .hasMessageStartingWith(file + ": ")
                    .hasMessageContaining("at offset 0");
            return;
        }
        long wholeFrames = s.frameEnds().stream().filter(end -> end <= cut).count();
        boolean atBoundary = cut == headerBytes && headerBytes == PcapReader.FILE_HEADER
                || s.blockEnds().contains((long) cut);
        long brokenAt = Stream.concat(Stream.of((long) headerBytes == 4 ? 0L : headerBytes), s.blockEnds().stream())
                .filter(end -> end <= cut).max(Long::compare).orElseThrow();
        try (CaptureReader reader = CaptureReader.open(file)) {
            CapturedFrame frame = new CapturedFrame();
            for (long i = 0; i < wholeFrames; i++) {
                assertThat(reader.next(frame)).as(ctx).isTrue();
            }
            if (atBoundary) {
                assertThat(reader.next(frame)).as(ctx).isFalse();
            } else {
                assertThatThrownBy(() -> reader.next(frame)).as(ctx)
                        .isInstanceOf(CaptureFormatException.class)
                        .hasMessageStartingWith(file + ": truncated")
                        .hasMessageContaining("at offset " + brokenAt + ": ")
                        .hasMessageContaining("left")
                        .satisfies(e -> assertThat(((CaptureFormatException) e).offset()).isEqualTo(brokenAt));
                // The error stays: a later call does not pretend the file ended well.
                assertThatThrownBy(() -> reader.next(frame)).as(ctx).isInstanceOf(CaptureFormatException.class);
            }
        }
    }

    @Test
    void truncatedRecordMessageGivesTheNumbers() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(bytes, LinkType.RAW)) {
            w.write(0, new byte[1500]);
        }
        Path file = dir.resolve("short.pcap");
        Files.write(file, Arrays.copyOf(bytes.toByteArray(), 24 + 16 + 200));
        try (CaptureReader reader = CaptureReader.open(file)) {
            assertThatThrownBy(() -> reader.next(new CapturedFrame()))
                    .isInstanceOf(CaptureFormatException.class)
                    .hasMessage(file + ": truncated record of frame 1 at offset 24: header says 1500 bytes, 200 left");
        }
    }

    @Test
    void textIsNotACapture() throws IOException {
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "hello, this is no capture", StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> CaptureReader.open(file))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessage(file + ": not a pcap or pcapng file (magic 0x68656c6c) at offset 0");
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomBytesAreRefusedOrReadWithoutAnyOtherException(long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 300; i++) {
            byte[] garbage = new byte[r.nextInt(600)];
            r.nextBytes(garbage);
            if (i % 3 == 1 && garbage.length >= 4) {
                // behind a valid magic, so that the garbage reaches the record and block parsers
                ByteBuffer.wrap(garbage).order(ByteOrder.LITTLE_ENDIAN).putInt(r.nextBoolean()
                        ? CaptureReader.PCAPNG_SHB : CaptureReader.PCAP_MICROS);
            }
            Path file = dir.resolve("garbage-" + i);
            Files.write(file, garbage);
            String ctx = "seed " + seed + " file " + i;
            try (CaptureReader reader = CaptureReader.open(file)) {
                CapturedFrame frame = new CapturedFrame();
                int frames = 0;
                while (reader.next(frame)) {
                    frames++;
                    assertThat(frame.capturedLength).as(ctx).isBetween(0, garbage.length);
                    if (frame.capturedLength > 0) {
                        // the last byte of the frame lies within the mapping
                        frame.buffer.getByte(frame.offset + frame.capturedLength - 1);
                    }
                }
                assertThat(frames).as(ctx).isLessThan(garbage.length);
            } catch (CaptureFormatException e) {
                assertThat(e.getMessage()).as(ctx).startsWith(file + ": ").contains(" at offset ");
            }
        }
    }

    @Test
    void emptyFileIsRefused() throws IOException {
        Path file = dir.resolve("empty.pcap");
        Files.write(file, new byte[0]);
        assertThatThrownBy(() -> CaptureReader.open(file))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessage(file + ": not a pcap or pcapng file at offset 0: only 0 bytes");
    }

    @Test
    void headerOnlyFilesHaveNoFramesAndNoError() throws IOException {
        Path pcap = dir.resolve("header.pcap");
        new PcapWriter(Files.newOutputStream(pcap), LinkType.ETHERNET).close();
        Path pcapng = dir.resolve("header.pcapng");
        new PcapngWriter(Files.newOutputStream(pcapng), ByteOrder.BIG_ENDIAN).close();
        for (Path file : List.of(pcap, pcapng)) {
            try (CaptureReader reader = CaptureReader.open(file)) {
                assertThat(reader.next(new CapturedFrame())).as(file.toString()).isFalse();
            }
        }
    }

    private Path pcapngWith(ByteOrder order, BlockWriter blocks) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PcapngWriter w = new PcapngWriter(bytes, order)) {
            blocks.write(w);
        }
        Path file = dir.resolve("test.pcapng");
        Files.write(file, bytes.toByteArray());
        return file;
    }

    interface BlockWriter {
        void write(PcapngWriter w) throws IOException;
    }

    /** Reads to the end; answers the number of frames delivered and the error, if any. */
    private static Object[] readAll(Path file) throws IOException {
        int frames = 0;
        try (CaptureReader reader = CaptureReader.open(file)) {
            CapturedFrame frame = new CapturedFrame();
            try {
                while (reader.next(frame)) {
                    frames++;
                }
            } catch (CaptureFormatException e) {
                return new Object[] {frames, e.getMessage()};
            }
        }
        return new Object[] {frames, null};
    }

    @Test
    void packetOnAnUndeclaredInterfaceIsAnErrorAfterTheGoodFrames() throws IOException {
        Path file = pcapngWith(ByteOrder.LITTLE_ENDIAN, w -> {
            w.addInterface(LinkType.RAW);
            w.writePacket(0, 1, new byte[20]);
            w.writePacket(0, 2, new byte[20]);
            // an EPB for interface 1: patch the id of a block written for interface 0
            w.addInterface(LinkType.RAW);
            w.writePacket(1, 3, new byte[20]);
            w.newSection(ByteOrder.LITTLE_ENDIAN);
            w.addInterface(LinkType.RAW);
            w.writePacket(0, 4, new byte[20]);
        });
        byte[] b = Files.readAllBytes(file);
        // Interface numbering restarts with every section: move the last EPB to interface 1.
        int lastEpb = b.length - (32 + 20);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(lastEpb + 8, 1);
        Files.write(file, b);
        Object[] result = readAll(file);
        assertThat(result[0]).isEqualTo(3);
        assertThat((String) result[1]).isEqualTo(file + ": enhanced packet block on undeclared interface 1 of frame 4 at offset "
                + lastEpb + ": the section declares 1 interface");
    }

    @Test
    void simplePacketBeforeAnyInterfaceIsAnError() throws IOException {
        Path file = pcapngWith(ByteOrder.BIG_ENDIAN, w -> w.writeBlock(3, new byte[] {0, 0, 0, 4, 1, 2, 3, 4}));
        Object[] result = readAll(file);
        assertThat(result[0]).isEqualTo(0);
        assertThat((String) result[1]).isEqualTo(file + ": simple packet block on undeclared interface 0 of frame 1 at offset 28: "
                + "the section declares no interface");
    }

    @Test
    void blockLengthThatIsNoMultipleOfFourIsAnError() throws IOException {
        Path file = pcapngWith(ByteOrder.LITTLE_ENDIAN, w -> {
            w.addInterface(LinkType.RAW);
            w.writePacket(0, 1, new byte[20]);
            w.writeBlock(4, new byte[8]);
        });
        byte[] b = Files.readAllBytes(file);
        int nrb = b.length - 20;
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(nrb + 4, 18);
        Files.write(file, b);
        Object[] result = readAll(file);
        assertThat(result[0]).isEqualTo(1);
        assertThat((String) result[1]).isEqualTo(file + ": bad block length after frame 1 at offset " + nrb
                + ": block type 0x4 says 18 bytes (must be a multiple of 4, at least 12)");
    }

    @Test
    void trailingLengthThatDisagreesIsAnError() throws IOException {
        Path file = pcapngWith(ByteOrder.BIG_ENDIAN, w -> {
            w.addInterface(LinkType.RAW);
            w.writePacket(0, 1, new byte[20]);
        });
        byte[] b = Files.readAllBytes(file);
        ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN).putInt(b.length - 4, 36);
        Files.write(file, b);
        Object[] result = readAll(file);
        assertThat(result[0]).isEqualTo(0);
        assertThat((String) result[1]).isEqualTo(file + ": block length mismatch of frame 1 at offset " + (b.length - 52)
                + ": header says 52 bytes, trailer says 36");
    }

    @Test
    void badByteOrderMagicIsAnError() throws IOException {
        Path file = pcapngWith(ByteOrder.LITTLE_ENDIAN, w -> {
        });
        byte[] b = Files.readAllBytes(file);
        b[8] = 0x11;
        Files.write(file, b);
        Object[] result = readAll(file);
        assertThat((String) result[1]).startsWith(file + ": bad section header byte-order magic before the first frame at offset 0: ");
    }

    @Test
    void capturedLengthBeyondTheBlockIsReadWithTheBlocksBytesAndCounted() throws IOException {
        Path file = pcapngWith(ByteOrder.LITTLE_ENDIAN, w -> {
            w.addInterface(LinkType.RAW);
            w.writePacket(0, 1, new byte[20]);
            w.writePacket(0, 2, new byte[24]);
        });
        byte[] b = Files.readAllBytes(file);
        int epb = b.length - 56 - 52;
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(epb + 20, 21);
        Files.write(file, b);
        try (CaptureReader reader = CaptureReader.open(file)) {
            CapturedFrame frame = new CapturedFrame();
            assertThat(reader.next(frame)).isTrue();
            assertThat(frame.capturedLength).isEqualTo(20);
            // The block was sound: the next one is read too.
            assertThat(reader.next(frame)).isTrue();
            assertThat(frame.frameNumber).isEqualTo(2);
            assertThat(frame.capturedLength).isEqualTo(24);
            assertThat(reader.next(frame)).isFalse();
            assertThat(reader.lengthWarnings().count(CaptureWarnings.Kind.BEYOND_BLOCK)).isEqualTo(1);
            assertThat(reader.warnings()).containsExactly(file + ": 1 frame with a captured length beyond the end "
                    + "of their packet block (first: frame 1 at offset " + epb + ": enhanced packet block says 21 bytes, "
                    + "block holds 20); read with the bytes the block holds");
        }
    }

    /** A pcap with snapshot length 100 and frames of these captured/original lengths. */
    private Path pcapWithLengths(int[][] lengths) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(bytes, LinkType.RAW, PcapWriter.Precision.MICROSECONDS,
                ByteOrder.LITTLE_ENDIAN, 100)) {
            for (int i = 0; i < lengths.length; i++) {
                byte[] frame = new byte[lengths[i][0]];
                Arrays.fill(frame, (byte) (i + 1));
                w.write(1_000L * (i + 1), frame, 0, frame.length, Math.max(lengths[i][0], lengths[i][1]));
            }
        }
        // The writer refuses an original length below the captured one: patch it in.
        byte[] b = bytes.toByteArray();
        int record = 24;
        for (int[] l : lengths) {
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(record + 12, l[1]);
            record += 16 + l[0];
        }
        Path file = dir.resolve("lengths.pcap");
        Files.write(file, b);
        return file;
    }

    @Test
    void capturedLengthAboveTheSnapshotLengthIsReadWholeAndCounted() throws IOException {
        Path file = pcapWithLengths(new int[][] {{60, 60}, {150, 150}, {80, 80}, {200, 300}});
        try (CaptureReader reader = CaptureReader.open(file)) {
            CapturedFrame frame = new CapturedFrame();
            List<Integer> lengths = new ArrayList<>();
            while (reader.next(frame)) {
                lengths.add(frame.capturedLength);
                assertThat(frame.buffer.getByte(frame.offset + frame.capturedLength - 1)).isEqualTo((byte) frame.frameNumber);
            }
            assertThat(lengths).containsExactly(60, 150, 80, 200);
            assertThat(reader.lengthWarnings().count(CaptureWarnings.Kind.ABOVE_SNAPSHOT_LENGTH)).isEqualTo(2);
            assertThat(reader.lengthWarnings().firstFrame(CaptureWarnings.Kind.ABOVE_SNAPSHOT_LENGTH)).isEqualTo(2);
            assertThat(reader.warnings()).containsExactly(file + ": 2 frames with a captured length above the snapshot "
                    + "length (first: frame 2 at offset " + (24 + 16 + 60) + ": 150 bytes, snapshot length 100); read whole");
        }
    }

    @Test
    void capturedLengthAboveTheOriginalLengthRaisesTheOriginalLength() throws IOException {
        Path file = pcapWithLengths(new int[][] {{60, 60}, {40, 20}});
        try (CaptureReader reader = CaptureReader.open(file)) {
            CapturedFrame frame = new CapturedFrame();
            assertThat(reader.next(frame)).isTrue();
            assertThat(reader.next(frame)).isTrue();
            assertThat(frame.capturedLength).isEqualTo(40);
            assertThat(frame.originalLength).isEqualTo(40);
            assertThat(reader.next(frame)).isFalse();
            assertThat(reader.lengthWarnings().count(CaptureWarnings.Kind.ABOVE_ORIGINAL_LENGTH)).isEqualTo(1);
            assertThat(reader.warnings()).singleElement().asString().contains("frame 2")
                    .contains("40 bytes captured, 20 on the wire");
        }
    }

    @Test
    void anAbsurdCapturedLengthIsAnErrorNamingTheFrameEvenWhenTheBytesAreThere() throws IOException {
        // Frame 3's header says 300000 bytes and the file holds them: libpcap refuses such a record too.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(bytes, LinkType.RAW, PcapWriter.Precision.MICROSECONDS,
                ByteOrder.LITTLE_ENDIAN, 65535)) {
            w.write(1, new byte[20]);
            w.write(2, new byte[20]);
            w.write(3, new byte[300_000]);
        }
        Path file = dir.resolve("absurd.pcap");
        Files.write(file, bytes.toByteArray());
        Object[] result = readAll(file);
        assertThat(result[0]).isEqualTo(2);
        int third = 24 + 2 * (16 + 20);
        assertThat((String) result[1]).isEqualTo(file + ": captured length too large of frame 3 at offset " + third
                + ": header says 300000 bytes, more than the 262144 bytes libpcap accepts (a damaged record header)");
    }

    @Test
    void pcapOfAnotherMajorVersionIsRefused() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new PcapWriter(bytes, LinkType.RAW).close();
        byte[] b = bytes.toByteArray();
        b[4] = 3;
        Path file = dir.resolve("v3.pcap");
        Files.write(file, b);
        assertThatThrownBy(() -> CaptureReader.open(file))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessage(file + ": unsupported pcap version at offset 4: 3.4 (only 2.x exists)");
    }

    @Test
    void framesAreViewsOfTheFileNotCopies() throws IOException {
        Path file = dir.resolve("views.pcap");
        try (PcapWriter w = PcapWriter.create(file, LinkType.RAW, PcapWriter.Precision.NANOSECONDS)) {
            w.write(1, new byte[] {1, 2, 3});
            w.write(2, new byte[] {4, 5});
        }
        try (CaptureReader reader = CaptureReader.open(file)) {
            CapturedFrame a = new CapturedFrame();
            assertThat(reader.next(a)).isTrue();
            var firstBuffer = a.buffer;
            assertThat(a.offset).isEqualTo(24 + 16);
            assertThat(reader.next(a)).isTrue();
            assertThat(a.buffer).isSameAs(firstBuffer);
            assertThat(a.offset).isEqualTo(24 + 16 + 3 + 16);
            assertThat(a.buffer.getByte(a.offset + 1)).isEqualTo((byte) 5);
            assertThat(a.timeNanos).isEqualTo(2);
            assertThat(reader.format()).isEqualTo("pcap");
        }
    }
}
