package io.sgemu.dataplane.io;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LiveCountersTest {

    @Test
    void blocksAreSummedAndNamed() throws Exception {
        LiveCounters c = new LiveCounters();
        LiveCounters.Block a = c.newBlock();
        LiveCounters.Block b = c.newBlock();
        Thread t = new Thread(() -> {
            for (int i = 0; i < 10_000; i++) {
                b.increment(LiveCounters.DROPPED_QUEUE_FULL);
            }
        });
        t.start();
        for (int i = 0; i < 10_000; i++) {
            a.increment(LiveCounters.DROPPED_QUEUE_FULL);
        }
        t.join();
        assertThat(c.get(LiveCounters.DROPPED_QUEUE_FULL)).isEqualTo(20_000);
        assertThat(c.get("dropped.queue-full")).isEqualTo(20_000);
        assertThat(c.snapshot()).containsEntry("dropped.queue-full", 20_000L).containsEntry("received", 0L)
                .containsKey("rejected.sg-ingress").hasSize(LiveCounters.COUNT);
        assertThat(LiveCounters.index("rejected.nacl-egress")).isEqualTo(LiveCounters.REJECTED_AT + 1);
        assertThat(LiveCounters.index("nonsense")).isEqualTo(-1);
    }
}
