package io.sgemu.control.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.dataplane.capture.CaptureReader;
import io.sgemu.dataplane.capture.CapturedFrame;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameRingTest {

    @TempDir
    Path tmp;

    /** Frames kept faster than they are delivered grow the ring, and every one is written intact. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void framesInFlightAreNeverOverwritten(long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        FrameRing ring = new FrameRing(16);
        Path file = tmp.resolve("out.pcap");
        int frames = 2000;
        byte[][] sent = new byte[frames + 1][];
        CapturedFrame f = new CapturedFrame();
        long delivered = 0;
        try (CaptureOutput out = CaptureOutput.create(file)) {
            for (int n = 1; n <= frames; n++) {
                byte[] b = new byte[20 + random.nextInt(3000)];
                random.nextBytes(b);
                sent[n] = b;
                f.frameNumber = n;
                f.timeNanos = 1_700_000_000_000_000_000L + n;
                f.linkType = 1;
                f.capturedLength = b.length;
                f.originalLength = b.length + 1;
                f.buffer = new UnsafeBuffer(b);
                f.offset = 0;
                ring.keep(f);
                // Deliver a random number of the kept frames, sometimes none (a deep pipeline).
                long upTo = Math.min(n, delivered + random.nextInt(3));
                while (delivered < upTo) {
                    delivered++;
                    ring.delivered(delivered);
                    ring.writeTo(delivered, out);
                }
            }
            while (delivered < frames) {
                delivered++;
                ring.delivered(delivered);
                ring.writeTo(delivered, out);
            }
        }
        assertThat(ring.capacity()).as("seed " + seed).isGreaterThan(16);
        try (CaptureReader reader = CaptureReader.open(file)) {
            CapturedFrame r = new CapturedFrame();
            int n = 0;
            while (reader.next(r)) {
                n++;
                byte[] b = new byte[r.capturedLength];
                r.buffer.getBytes(r.offset, b, 0, b.length);
                assertThat(b).as("seed " + seed + " frame " + n).isEqualTo(sent[n]);
                assertThat(r.originalLength).as("seed " + seed).isEqualTo(sent[n].length + 1);
                assertThat(r.timeNanos).as("seed " + seed).isEqualTo(1_700_000_000_000_000_000L + n);
            }
            assertThat(n).as("seed " + seed).isEqualTo(frames);
        }
        assertThat(Files.size(file)).isPositive();
    }
}
