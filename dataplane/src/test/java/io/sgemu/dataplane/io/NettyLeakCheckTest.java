package io.sgemu.dataplane.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

/** The build's leak check sees a buffer dropped without release (so a silent leak cannot pass the tests). */
class NettyLeakCheckTest {

    @Test
    void aBufferDroppedWithoutReleaseIsReported() throws Exception {
        assertThat(ResourceLeakDetector.getLevel()).as("tests run at the paranoid level").isEqualTo(ResourceLeakDetector.Level.PARANOID);
        RecordingLeakDetector.drain();
        boolean reported = false;
        for (int attempt = 0; attempt < 20 && !reported; attempt++) {
            leak();
            try {
                NettyLeakCheck.check("a deliberate leak");
            } catch (AssertionError expected) {
                assertThat(expected).hasMessageContaining("leak(s) reported after a deliberate leak");
                reported = true;
            }
        }
        assertThat(reported).as("a dropped buffer is reported within 20 collections").isTrue();
        RecordingLeakDetector.drain();
    }

    private static void leak() {
        PooledByteBufAllocator.DEFAULT.directBuffer(64).writeLong(42); // never released
    }
}
