package io.sgemu.dataplane.capture;


import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.sgemu.dataplane.packet.DecodedPacket;
import io.sgemu.dataplane.packet.PacketDecoder;
import io.sgemu.dataplane.testdata.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Second layer: every capture of the shared data is read to its end and every frame decoded. A broken
 * capture may end in a {@link CaptureFormatException} with a message, never in any other exception.
 * The pcapng-test-generator files say in their .txt how many packet blocks they hold: the reader must
 * deliver exactly that many frames.
 */
class SharedCapturesTest {

    private static final Pattern BLOCK_COUNT = Pattern.compile("^\\s*(EPB|SPB|PB):\\s*(\\d+)\\s*$", Pattern.MULTILINE);

    @BeforeAll
    static void needsSharedData() {
        SharedData.directory();
    }

    @Test
    void sharedDataHoldsCapturesOfBothFormats() {
        assertThat(SharedData.captures()).anyMatch(p -> p.toString().endsWith(".pcap"))
                .anyMatch(p -> p.toString().endsWith(".pcapng"));
    }

    @TestFactory
    Stream<DynamicTest> everySharedCaptureReadsToItsEnd() {
        return SharedData.captures().stream().map(file -> dynamicTest(SharedData.relative(file), () -> readToEnd(file)));
    }

    private static void readToEnd(Path file) throws IOException {
        long frames = 0;
        String error = null;
        Map<DecodedPacket.Status, Integer> statuses = new EnumMap<>(DecodedPacket.Status.class);
        CapturedFrame frame = new CapturedFrame();
        DecodedPacket packet = new DecodedPacket();
        try (CaptureReader reader = CaptureReader.open(file)) {
            while (reader.next(frame)) {
                frames++;
                assertThat(frame.frameNumber).isEqualTo(frames);
                PacketDecoder.decode(frame.linkType, frame.buffer, frame.offset, frame.capturedLength,
                        frame.originalLength, frame.timeNanos, packet);
                statuses.merge(packet.status, 1, Integer::sum);
                assertThat(packet.status == DecodedPacket.Status.OK || packet.reason != null)
                        .as("%s frame %d has a reason for %s", file, frames, packet.status).isTrue();
            }
        } catch (CaptureFormatException e) {
            error = e.getMessage();
            assertThat(error).startsWith(file + ": ").contains(" at offset ");
        }
        System.out.printf("shared capture %s: %d frames, %s%s%n", SharedData.relative(file), frames, statuses,
                error == null ? "" : ", error: " + error);
        Integer expected = expectedFrames(file);
        if (expected != null) {
            assertThat(error).as("%s is a valid file", file).isNull();
            assertThat(frames).as("%s: frames, as its .txt counts packet blocks", file).isEqualTo(expected.longValue());
        }
    }

    /** EPB + SPB + PB counts of the file's .txt description, or null when there is none. */
    private static Integer expectedFrames(Path file) throws IOException {
        String name = file.getFileName().toString();
        Path txt = file.resolveSibling(name.substring(0, name.lastIndexOf('.')) + ".txt");
        if (!file.toString().contains("pcapng-test-generator") || !Files.exists(txt)) {
            return null;
        }
        String text = Files.readString(txt);
        if (!text.contains("Block counts:")) {
            return null;
        }
        int count = 0;
        Matcher m = BLOCK_COUNT.matcher(text);
        while (m.find()) {
            count += Integer.parseInt(m.group(2));
        }
        return count;
    }
}
