package io.sgemu.dataplane.io;

import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Netty's leak detector, recording what it reports so that tests can fail on a leaked buffer (Netty only
 * logs). The build's test JVMs name it in {@code io.netty.customResourceLeakDetector} and run at the
 * paranoid level (every buffer tracked); {@link NettyLeakCheck} asserts after each test class.
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {

    private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();
    private static volatile boolean created;

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
        created = true;
    }

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        this(resourceType, samplingInterval);
    }

    /** True once Netty made a detector in this JVM (some test used Netty buffers). */
    static boolean inUse() {
        return created;
    }

    /** The leaks reported since the last call. */
    static List<String> drain() {
        List<String> out = new ArrayList<>();
        String s;
        while ((s = LEAKS.poll()) != null) {
            out.add(s);
        }
        return out;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        LEAKS.add(resourceType + " leaked:" + records);
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        LEAKS.add(resourceType + " leaked (no records)");
        super.reportUntracedLeak(resourceType);
    }
}
