package io.sgemu.control.gen;

import io.sgemu.dataplane.packet.LinkType;

/**
 * What {@code sgemu gen capture} is asked for.
 *
 * @param flows        distinct flows (5-tuples; ICMP: addresses and echo id)
 * @param packets      frames to write, exactly
 * @param zipf         exponent of the flows' popularity (flow of rank r gets a share of packets
 *                     proportional to r^-zipf beyond its minimum); 0 makes every flow equally popular
 * @param seed         the same seed (and settings and world) gives the same bytes
 * @param blockedShare share of the packets that are blocked attempts, 0..1
 * @param startNanos   time of the capture's first moment, Unix epoch nanoseconds
 * @param rate         packets per second of capture time, on average
 * @param linkType     {@link LinkType#ETHERNET} or {@link LinkType#RAW}
 */
public record GenSettings(int flows, long packets, double zipf, long seed, double blockedShare, long startNanos,
                          double rate, int linkType) {

    /** 2026-01-01T00:00:00Z. */
    public static final long DEFAULT_START_SECONDS = 1_767_225_600L;
    /** Flows are numbered in 24 bits where they are sorted by start time. */
    public static final int MAX_FLOWS = 1 << 24;

    public GenSettings {
        if (flows < 1 || flows > MAX_FLOWS) {
            throw new IllegalArgumentException("--flows must be 1.." + MAX_FLOWS + ", not " + flows);
        }
        if (packets < flows) {
            throw new IllegalArgumentException("--packets (" + packets + ") must be at least --flows (" + flows + ")");
        }
        if (!(zipf >= 0) || zipf > 10) {
            throw new IllegalArgumentException("--zipf must be between 0 and 10, not " + zipf);
        }
        if (!(blockedShare >= 0 && blockedShare <= 1)) {
            throw new IllegalArgumentException("--blocked-share must be between 0 and 1, not " + blockedShare);
        }
        if (!(rate >= 1 && rate <= 1e9)) {
            throw new IllegalArgumentException("--rate must be between 1 and 1e9 packets per second, not " + rate);
        }
        if (startNanos < 0) {
            throw new IllegalArgumentException("--start must not be before 1970");
        }
        if ((double) packets / rate > 1e9) {
            throw new IllegalArgumentException("--packets / --rate: the capture would last longer than 1e9 seconds");
        }
        if (linkType != LinkType.ETHERNET && linkType != LinkType.RAW) {
            throw new IllegalArgumentException("link type must be ETHERNET or RAW, not " + LinkType.name(linkType));
        }
    }
}
