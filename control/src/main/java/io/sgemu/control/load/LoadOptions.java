package io.sgemu.control.load;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * What a load does.
 *
 * @param target         where datagrams go, and how packets are carried
 * @param vni            the VXLAN/GENEVE network identifier (24 bits)
 * @param ratePps        packets per second over all threads, paced by a schedule; 0 for flat out
 * @param threads        sending threads, each with its own socket and its share of the packets
 * @param count          packets to send (looping over the packets), or -1
 * @param durationNanos  how long to send, or -1; with neither count nor duration, the packets are sent once
 * @param listen         where returned packets arrive, or null to not listen
 * @param returned       how returned datagrams carry their packet
 * @param waitNanos      how long to wait for returns after the last send
 * @param rampNanos      paced: how long the rate takes to grow from 0 to {@code ratePps} (see {@link Schedule}); 0
 *                       for the full rate from the first packet
 */
public record LoadOptions(LoadTarget target, int vni, double ratePps, int threads, long count, long durationNanos,
                          InetSocketAddress listen, Encapsulation returned, long waitNanos, long rampNanos) {

    public LoadOptions {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(returned, "returned");
        if (vni < 0 || vni > 0xFF_FFFF) {
            throw new IllegalArgumentException("a VNI has 24 bits (0..16777215): " + vni);
        }
        if (!(ratePps >= 0) || Double.isInfinite(ratePps)) {
            throw new IllegalArgumentException("the rate is a number of packets per second, 0 for flat out: " + ratePps);
        }
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("threads must be 1..64: " + threads);
        }
        if (count != -1 && count < 1) {
            throw new IllegalArgumentException("the count must be at least 1: " + count);
        }
        if (durationNanos != -1 && durationNanos < 1) {
            throw new IllegalArgumentException("the duration must be positive");
        }
        if (count != -1 && durationNanos != -1) {
            throw new IllegalArgumentException("give a count or a duration, not both");
        }
        if (waitNanos < 0) {
            throw new IllegalArgumentException("the wait for returns cannot be negative");
        }
        if (rampNanos < 0) {
            throw new IllegalArgumentException("the ramp cannot be negative");
        }
        if (rampNanos > 0 && !(ratePps > 0)) {
            throw new IllegalArgumentException("a ramp needs a rate to ramp up to");
        }
        if (rampNanos > 0 && durationNanos != -1 && rampNanos > durationNanos) {
            throw new IllegalArgumentException("the ramp is longer than the duration");
        }
    }

    /** One pass over the packets, flat out, one thread, no listening. */
    public static LoadOptions to(LoadTarget target) {
        return new LoadOptions(target, 1, 0, 1, -1, -1, null, target.encapsulation(), 1_000_000_000L, 0);
    }

    public LoadOptions withRate(double pps) {
        return new LoadOptions(target, vni, pps, threads, count, durationNanos, listen, returned, waitNanos, rampNanos);
    }

    public LoadOptions withThreads(int n) {
        return new LoadOptions(target, vni, ratePps, n, count, durationNanos, listen, returned, waitNanos, rampNanos);
    }

    public LoadOptions withCount(long n) {
        return new LoadOptions(target, vni, ratePps, threads, n, -1, listen, returned, waitNanos, rampNanos);
    }

    public LoadOptions withDuration(long nanos) {
        return new LoadOptions(target, vni, ratePps, threads, -1, nanos, listen, returned, waitNanos, rampNanos);
    }

    public LoadOptions withListen(InetSocketAddress a, Encapsulation how) {
        return new LoadOptions(target, vni, ratePps, threads, count, durationNanos, a, how, waitNanos, rampNanos);
    }

    public LoadOptions withVni(int v) {
        return new LoadOptions(target, v, ratePps, threads, count, durationNanos, listen, returned, waitNanos, rampNanos);
    }

    public LoadOptions withWait(long nanos) {
        return new LoadOptions(target, vni, ratePps, threads, count, durationNanos, listen, returned, nanos, rampNanos);
    }

    public LoadOptions withRamp(long nanos) {
        return new LoadOptions(target, vni, ratePps, threads, count, durationNanos, listen, returned, waitNanos, nanos);
    }

    public boolean paced() {
        return ratePps > 0;
    }

    /**
     * The number of packets the schedule holds, when it is fixed in advance: the count; with a duration at a fixed
     * rate, the packets due before the duration ends ({@code ceil(duration * rate)} without a ramp, fewer with
     * one); one pass over {@code packets} with neither. -1 when sending flat out for a duration (as many as fit).
     */
    public long scheduled(int packets) {
        if (count != -1) {
            return count;
        }
        if (durationNanos != -1) {
            return paced() ? Schedule.dueBefore(ratePps, rampNanos, durationNanos) : -1;
        }
        return packets;
    }
}
