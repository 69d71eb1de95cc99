package io.sgemu.dataplane.io;

/**
 * Wall-clock time in Unix epoch nanoseconds that never goes backwards: the epoch time at start plus the
 * monotonic time elapsed since. Receive times, connection expiry and flow-log intervals all read it.
 * Immutable, so any thread may use it.
 */
public final class LiveClock {

    private final long baseEpochNanos;
    private final long baseNanoTime;

    public LiveClock() {
        baseNanoTime = System.nanoTime();
        baseEpochNanos = System.currentTimeMillis() * 1_000_000L;
    }

    public long epochNanos() {
        return baseEpochNanos + (System.nanoTime() - baseNanoTime);
    }
}
