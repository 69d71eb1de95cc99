package io.sgemu.control.flowreplay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sgemu.dataplane.capture.CaptureFormatException;
import io.sgemu.dataplane.capture.CapturedFrame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading flow-log files: compression, status records, bad lines, bad files, duplicates. */
class FlowLogInputTest {

    static final List<String> V2 = List.of(
            "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK",
            "2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK",
            "2 123456789010 eni-1235b8ca123456789 203.0.113.12 172.31.16.139 0 0 1 4 336 1418530027 1418530042 ACCEPT OK");

    @TempDir
    Path tmp;

    /** One frame as delivered: time and bytes. */
    record Frame(long timeNanos, List<Byte> bytes) {
    }

    static List<Frame> frames(FlowLogFrameSource source) throws IOException {
        List<Frame> out = new ArrayList<>();
        CapturedFrame f = new CapturedFrame();
        while (source.next(f)) {
            byte[] b = new byte[f.capturedLength];
            f.buffer.getBytes(f.offset, b, 0, b.length);
            List<Byte> list = new ArrayList<>();
            for (byte x : b) {
                list.add(x);
            }
            out.add(new Frame(f.timeNanos, list));
        }
        return out;
    }

    static List<Frame> frames(List<Path> files) throws IOException {
        try (FlowLogFrameSource s = FlowLogFrameSource.open(files, true)) {
            return frames(s);
        }
    }

    Path write(String name, List<String> lines) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, lines);
        return p;
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(bytes)) {
            o.write(data);
        }
        return bytes.toByteArray();
    }

    @Test
    void gzipInputEqualsPlainInputWhateverTheName() throws IOException {
        Path plain = write("plain.log.gz", V2);
        Path zipped = tmp.resolve("zipped.log");
        Files.write(zipped, gzip(Files.readAllBytes(plain)));
        List<Frame> a = frames(List.of(plain));
        assertThat(a).hasSize(44);
        assertThat(frames(List.of(zipped))).isEqualTo(a);
    }

    @Test
    void nodataAndSkipdataRecordsAreCountedAndMakeNoPackets() throws IOException {
        List<String> lines = new ArrayList<>(V2);
        lines.add("2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA");
        lines.add("2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA");
        lines.add("2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - NODATA");
        try (FlowLogFrameSource s = FlowLogFrameSource.open(List.of(write("status.log", lines)), true)) {
            assertThat(frames(s)).hasSize(44);
            assertThat(s.stats().records()).isEqualTo(6);
            assertThat(s.stats().noData()).isEqualTo(2);
            assertThat(s.stats().skipData()).isEqualTo(1);
            assertThat(s.stats().badLines()).isZero();
            assertThat(s.stats().render()).contains("NODATA 2").contains("SKIPDATA 1");
        }
    }

    @Test
    void aBadLineIsSkippedWithFileAndLineAndTheRestIsReplayed() throws IOException {
        List<String> lines = new ArrayList<>(V2);
        lines.add(1, "2 123456789010 eni-1 172.31.16.139 172.31.16.21 20641 22 six 20 4249 1418530010 1418530070 ACCEPT OK");
        lines.add(3, "this line is not a flow-log record");
        Path file = write("bad.log", lines);
        try (FlowLogFrameSource s = FlowLogFrameSource.open(List.of(file), true)) {
            assertThat(frames(s)).hasSize(44);
            assertThat(s.stats().badLines()).isEqualTo(2);
            assertThat(s.stats().records()).isEqualTo(3);
            assertThat(s.stats().badLineExamples()).hasSize(2);
            assertThat(s.stats().badLineExamples().get(0)).startsWith(file + ":2: ").contains("protocol 'six'");
            assertThat(s.stats().badLineExamples().get(1)).startsWith(file + ":4: ");
        }
    }

    @Test
    void onlyTheFirstBadLinesAreKeptWordForWordAllAreCounted() throws IOException {
        List<String> lines = new ArrayList<>(V2);
        for (int i = 0; i < 12; i++) {
            lines.add("2 123456789010 eni-1 not-an-address 172.31.16.21 1 2 6 1 40 1418530010 1418530070 ACCEPT OK");
        }
        try (FlowLogFrameSource s = FlowLogFrameSource.open(List.of(write("many.log", lines)), true)) {
            assertThat(s.stats().badLines()).isEqualTo(12);
            assertThat(s.stats().badLineExamples()).hasSize(FlowLogInputStats.BAD_LINE_EXAMPLES);
        }
    }

    @Test
    void aFormatWithoutAFieldPacketsNeedIsRefusedNamingTheField() throws IOException {
        Path file = write("custom.log", List.of("version srcaddr dstaddr srcport dstport protocol packets start end action",
                "3 10.0.0.1 10.0.0.2 1 2 6 3 1418530010 1418530070 ACCEPT"));
        assertThatThrownBy(() -> FlowLogFrameSource.open(List.of(file), true))
                .isInstanceOf(FlowLogInputException.class)
                .hasMessageStartingWith(file + ":1: ")
                .hasMessageContaining("lacks the field bytes");
    }

    @Test
    void aFirstLineThatIsNeitherHeaderNorV2RecordIsAnErrorAtLine1() throws IOException {
        Path file = write("garbage.log", List.of("hello world", V2.get(0)));
        assertThatThrownBy(() -> FlowLogFrameSource.open(List.of(file), true))
                .isInstanceOf(FlowLogInputException.class).hasMessageStartingWith(file + ":1: ")
                .hasMessageContaining("neither a flow-log header line nor a record of the version 2 default format");
        Path v3 = write("v3.log", List.of(V2.get(0).replaceFirst("^2 ", "3 ")));
        assertThatThrownBy(() -> FlowLogFrameSource.open(List.of(v3), true)).hasMessageStartingWith(v3 + ":1: ");
    }

    @Test
    void aMissingFileIsAnError() {
        Path missing = tmp.resolve("nope.log");
        assertThatThrownBy(() -> FlowLogFrameSource.open(List.of(missing), true))
                .isInstanceOf(FlowLogInputException.class).hasMessage(missing + ": no such flow-log file");
        assertThatThrownBy(() -> FlowLogFrameSource.open(List.of(tmp), true))
                .isInstanceOf(FlowLogInputException.class).hasMessageContaining("cannot read");
    }

    @Test
    void theSameFlowLoggedByTwoInterfacesIsReplayedOnceUnlessAskedOtherwise() throws IOException {
        String egress = V2.get(0);
        String ingress = egress.replace("eni-1235b8ca123456789", "eni-0000000000000000b");
        Path a = write("a.log", List.of(egress));
        Path b = write("b.log", List.of(ingress, egress.replace(" 20 4249 ", " 21 4249 ")));
        try (FlowLogFrameSource s = FlowLogFrameSource.open(List.of(a, b), true)) {
            assertThat(frames(s)).hasSize(20 + 21);
            assertThat(s.stats().duplicates()).isEqualTo(1);
            assertThat(s.stats().records()).isEqualTo(3);
        }
        try (FlowLogFrameSource s = FlowLogFrameSource.open(List.of(a, b), false)) {
            assertThat(frames(s)).hasSize(20 + 20 + 21);
            assertThat(s.stats().duplicates()).isZero();
        }
        // The same interface twice is not "two ENIs": both records stay.
        try (FlowLogFrameSource s = FlowLogFrameSource.open(List.of(a, a), true)) {
            assertThat(frames(s)).hasSize(40);
            assertThat(s.stats().duplicates()).isZero();
        }
    }

    @Test
    void pktAddressesAreThePacketsAddresses() throws IOException {
        Path file = write("nat.log", List.of("srcaddr dstaddr srcport dstport protocol packets bytes start end pkt-srcaddr pkt-dstaddr",
                "10.0.0.220 203.0.113.5 40000 443 6 2 80 1418530010 1418530011 10.0.1.5 203.0.113.5",
                "10.0.0.221 203.0.113.6 40000 443 6 1 40 1418530010 1418530011 - -"));
        List<Frame> fs = frames(List.of(file));
        assertThat(fs).hasSize(3);
        // IPv4 source address at bytes 12..15.
        assertThat(fs.stream().map(f -> f.bytes().subList(12, 16)).map(FlowLogInputTest::dotted).toList())
                .containsExactlyInAnyOrder("10.0.1.5", "10.0.1.5", "10.0.0.221");
    }

    static String dotted(List<Byte> b) {
        return (b.get(0) & 0xFF) + "." + (b.get(1) & 0xFF) + "." + (b.get(2) & 0xFF) + "." + (b.get(3) & 0xFF);
    }

    @Test
    void tooFewBytesGiveMinimalPacketsAndAreCounted() throws IOException {
        // 3 TCP packets need at least 3 * 40 bytes.
        Path file = write("small.log", List.of(
                "2 123456789010 eni-1 10.0.0.1 10.0.0.2 1000 80 6 3 100 1418530010 1418530070 ACCEPT OK"));
        try (FlowLogFrameSource s = FlowLogFrameSource.open(List.of(file), true)) {
            List<Frame> fs = frames(s);
            assertThat(fs).extracting(f -> f.bytes().size()).containsExactly(40, 40, 40);
            assertThat(s.stats().bytesAdjusted()).isEqualTo(1);
            assertThat(s.stats().render()).contains("records whose bytes could not be matched: 1");
        }
    }

    @Test
    void aGzipStreamCutShortGivesTheRecordsBeforeThenAnError() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            lines.add("2 123456789010 eni-1 10.0.%d.%d 10.9.0.1 1000 80 6 1 40 %d %d ACCEPT OK"
                    .formatted(i / 250, 1 + i % 250, 1418530010 + i, 1418530010 + i));
        }
        byte[] whole = gzip((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        Path cut = tmp.resolve("cut.log.gz");
        Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
        try (FlowLogFrameSource s = FlowLogFrameSource.open(List.of(cut), true)) {
            CapturedFrame f = new CapturedFrame();
            int n = 0;
            try {
                while (s.next(f)) {
                    n++;
                }
                throw new AssertionError("no error after " + n + " frames");
            } catch (CaptureFormatException e) {
                assertThat(e.getMessage()).startsWith(cut + ": read error after line ");
            }
            assertThat((long) n).isEqualTo(s.stats().records()).isPositive().isLessThan(2000);
        }
    }

    @Test
    void concatenatedObjectsSwitchFormatAtEachHeaderLine() throws IOException {
        byte[] first = gzip(String.join("\n", FlowLogInputTest.V2.subList(0, 1)).concat("\n").getBytes(StandardCharsets.UTF_8));
        byte[] second = gzip(("start end srcaddr dstaddr srcport dstport protocol packets bytes\n"
                + "1418530010 1418530012 10.0.0.9 10.0.0.8 5000 53 17 3 300\n").getBytes(StandardCharsets.UTF_8));
        Path both = tmp.resolve("both.gz");
        byte[] all = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        Files.write(both, all);
        try (FlowLogFrameSource s = FlowLogFrameSource.open(List.of(both), true)) {
            List<Frame> fs = frames(s);
            assertThat(fs).hasSize(20 + 3);
            assertThat(s.stats().badLines()).isZero();
            // The UDP packets are 100 bytes each, at 1418530010, 11 and 12 seconds.
            assertThat(fs.stream().filter(f -> f.bytes().get(9) == 17).map(Frame::timeNanos).toList())
                    .containsExactly(1418530010_000_000_000L, 1418530011_000_000_000L, 1418530012_000_000_000L);
            assertThat(fs.stream().filter(f -> f.bytes().get(9) == 17).map(f -> f.bytes().size()).toList())
                    .containsOnly(100);
        }
    }
}
