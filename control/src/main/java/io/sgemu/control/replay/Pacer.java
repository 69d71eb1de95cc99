package io.sgemu.control.replay;

import java.util.concurrent.locks.LockSupport;

/**
 * How fast a replay feeds its packets: at top speed (the default), at the capture's own pace (real time),
 * at a multiple of it, or at a fixed number of packets per second. Pacing only delays packets; the clock
 * that judges them is always the capture's, so verdicts and flow logs never depend on pacing.
 */
public final class Pacer {

    /** The wall clock and the wait, replaceable in tests. */
    public interface Clock {
        long nanoTime();

        void sleepUntil(long nanoTime);
    }

    public static final Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepUntil(long deadline) {
            long left;
            while ((left = deadline - System.nanoTime()) > 0) {
                LockSupport.parkNanos(left);
            }
        }
    };

    private final double speedMultiplier;
    private final double packetsPerSecond;
    private final Clock clock;
    private long startWall = Long.MIN_VALUE;
    private long firstFrame;
    private long packets;

    private Pacer(double speedMultiplier, double packetsPerSecond, Clock clock) {
        this.speedMultiplier = speedMultiplier;
        this.packetsPerSecond = packetsPerSecond;
        this.clock = clock;
    }

    /** No pacing: packets go as fast as they are judged. */
    public static Pacer topSpeed() {
        return new Pacer(0, 0, SYSTEM);
    }

    /** The capture's pace multiplied by {@code multiplier} (1 = real time, 2 = twice as fast). */
    public static Pacer speed(double multiplier, Clock clock) {
        if (!(multiplier > 0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("the speed multiplier must be a positive number, not " + multiplier);
        }
        return new Pacer(multiplier, 0, clock);
    }

    /** A fixed rate, whatever the capture's timestamps. */
    public static Pacer packetsPerSecond(double rate, Clock clock) {
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("the packet rate must be a positive number, not " + rate);
        }
        return new Pacer(0, rate, clock);
    }

    public boolean paced() {
        return speedMultiplier > 0 || packetsPerSecond > 0;
    }

    /** Waits until the frame stamped {@code frameTimeNanos} is due. */
    public void pace(long frameTimeNanos) {
        if (!paced()) {
            return;
        }
        if (startWall == Long.MIN_VALUE) {
            startWall = clock.nanoTime();
            firstFrame = frameTimeNanos;
            packets = 1;
            return;
        }
        long offset;
        if (speedMultiplier > 0) {
            // A frame stamped earlier than the first is due at once.
            offset = (long) (Math.max(0, frameTimeNanos - firstFrame) / speedMultiplier);
        } else {
            offset = (long) (packets * 1e9 / packetsPerSecond);
        }
        packets++;
        long due = startWall + offset;
        if (due - clock.nanoTime() > 0) {
            clock.sleepUntil(due);
        }
    }
}
