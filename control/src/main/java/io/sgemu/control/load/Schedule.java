package io.sgemu.control.load;

/**
 * The intended send times of a paced load: packet {@code g} (counted over all threads) is due at
 * {@code start + g / rate}. Thread {@code t} of {@code T} sends the packets {@code g = t, t + T, t + 2T, ...},
 * so the threads together keep the one schedule. Flat out, nothing is due: packets go as fast as they can.
 */
record Schedule(long startNanos, double ratePps) {

    /** The intended send time of packet {@code g}; the start for every packet when flat out. */
    long dueNanos(long g) {
        return ratePps > 0 ? startNanos + (long) (g * (1e9 / ratePps)) : startNanos;
    }
}
