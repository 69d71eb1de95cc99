package io.sgemu.dataplane.io;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After every test class that ran once Netty buffers were in use: collects garbage, makes Netty's leak
 * detector look at what was collected (it does so when a buffer is next allocated), and fails when a buffer
 * was collected without being released. Registered for every test class by the build (extension
 * auto-detection, see the POM's surefire configuration); leaks of an earlier class may surface in a later one.
 */
public final class NettyLeakCheck implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        check(context.getDisplayName());
    }

    /** Fails when Netty reports a buffer collected unreleased; {@code where} names what ran before. */
    static void check(String where) throws InterruptedException {
        if (!RecordingLeakDetector.inUse()) {
            return;
        }
        System.gc();
        Thread.sleep(20); // references of collected buffers reach the detector's queue on the reference handler thread
        for (int i = 0; i < 4; i++) {
            ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(8);
            pooled.release();
            ByteBuf heap = UnpooledByteBufAllocator.DEFAULT.heapBuffer(8);
            heap.release();
        }
        List<String> leaks = RecordingLeakDetector.drain();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " Netty buffer leak(s) reported after " + where
                    + " (paranoid leak detection; the first): " + leaks.get(0));
        }
    }
}
