package io.sgemu.dataplane.flowlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.junit.jupiter.api.Test;

/** Intervals other than AWS's 60 and 600 seconds only when asked for by name (tests and demos of live serving). */
class AnyIntervalTest {

    private static ManyToOneRingBuffer ring() {
        return new ManyToOneRingBuffer(new UnsafeBuffer(ByteBuffer.allocateDirect((1 << 16) + RingBufferDescriptor.TRAILER_LENGTH)));
    }

    @Test
    void onlyAnyIntervalSecondsTakesOtherLengths() {
        ManyToOneRingBuffer ring = ring();
        assertThatThrownBy(() -> FastFlowLogAggregator.builder(ring, 0).intervalSeconds(5).build())
                .hasMessageContaining("60 or 600");
        assertThatThrownBy(() -> FlowLogWriterAgent.builder(ring, 1, new CollectingFlowLogSink()).intervalSeconds(5).build())
                .hasMessageContaining("60 or 600");
        assertThat(FastFlowLogAggregator.builder(ring, 0).anyIntervalSeconds(5).build().intervalSeconds()).isEqualTo(5);
        assertThat(FlowLogWriterAgent.builder(ring, 1, new CollectingFlowLogSink()).anyIntervalSeconds(5)
                .enis(e -> null).build().intervalSeconds()).isEqualTo(5);
        assertThatThrownBy(() -> FastFlowLogAggregator.builder(ring, 0).anyIntervalSeconds(0).build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
