package io.sgemu.control.load;

/**
 * The intended send times of a paced load: packet {@code g} (counted over all threads) is due at
 * {@code start + g / rate}. Thread {@code t} of {@code T} sends the packets {@code g = t, t + T, t + 2T, ...},
 * so the threads together keep the one schedule. Flat out, nothing is due: packets go as fast as they can.
 *
 * <p>With a ramp, the rate grows in a straight line from 0 to {@code ratePps} over {@code rampNanos}, then stays:
 * the packets due by time {@code t} in the ramp are {@code rate t^2 / (2 ramp)}. A ramp lets a cold sender and a
 * cold receiver (both JIT-compiled as they go) reach the rate without the burst that a late start at full rate
 * would send to catch up.
 */
record Schedule(long startNanos, double ratePps, long rampNanos) {

    Schedule {
        if (rampNanos < 0) {
            throw new IllegalArgumentException("the ramp cannot be negative");
        }
    }

    Schedule(long startNanos, double ratePps) {
        this(startNanos, ratePps, 0);
    }

    /** The intended send time of packet {@code g}; the start for every packet when flat out. */
    long dueNanos(long g) {
        if (!(ratePps > 0)) {
            return startNanos;
        }
        double rampSeconds = rampNanos / 1e9;
        double inRamp = ratePps * rampSeconds / 2; // packets due during the ramp
        double seconds = g < inRamp ? Math.sqrt(2 * rampSeconds * g / ratePps) : rampSeconds + (g - inRamp) / ratePps;
        return startNanos + (long) (seconds * 1e9);
    }

    /** How many packets are due before {@code nanos} after the start (packet g is due before it iff g < this). */
    static long dueBefore(double ratePps, long rampNanos, long nanos) {
        double s = nanos / 1e9;
        double ramp = rampNanos / 1e9;
        double due = s >= ramp ? ratePps * (s - ramp / 2) : ratePps * s * s / (2 * ramp);
        return (long) Math.ceil(due - 1e-9);
    }
}
