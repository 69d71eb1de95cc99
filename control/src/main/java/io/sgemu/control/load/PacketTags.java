package io.sgemu.control.load;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Tells returned packets apart, to measure each one's round trip: before sending, the generator writes a 16-bit
 * tag into the packet, where the emulator does not look and forwards it unchanged: the IPv4 identification (with
 * the header checksum recomputed) or the low 16 bits of the IPv6 flow label. The tag is the packet's position
 * in the load's schedule modulo 65,536; the table holds, per tag, the time the packet was due (fixed rate: its
 * intended send time, so a late send counts against the latency, no coordinated omission) or sent (flat out).
 *
 * <p>IPv4 fragments keep their identification (it ties the fragments together): they are sent untagged and
 * come back without a latency. A packet returning after 65,536 later packets were sent finds its slot reused:
 * it is then measured against the later packet (too short) and that one comes back unmatched; loads that keep
 * that many packets in flight need a wider tag than these header fields give.
 *
 * <p>Threads: senders store a slot with a release store ({@code lazySet}); the receiver takes it with an atomic
 * {@code getAndSet}, so a duplicate return finds the slot empty and counts as unmatched.
 */
final class PacketTags {

    static final int TAGS = 1 << 16;
    static final long EMPTY = Long.MIN_VALUE;
    private static final int IPV4_FLAGS_FRAGMENT = 6;
    private static final int MORE_FRAGMENTS_AND_OFFSET = 0x3FFF;

    private final AtomicLongArray dueAt = new AtomicLongArray(TAGS);

    PacketTags() {
        for (int i = 0; i < TAGS; i++) {
            dueAt.set(i, EMPTY);
        }
    }

    void sent(int tag, long dueNanos) {
        dueAt.lazySet(tag, dueNanos); // release store: the receiver's getAndSet sees it
    }

    /** The due time of the packet with this tag, once; {@link #EMPTY} when none is outstanding. */
    long take(int tag) {
        return dueAt.getAndSet(tag, EMPTY);
    }

    /** Whether the IP packet at {@code ip} may carry a tag (IPv4 fragments may not). */
    static boolean taggable(ByteBuffer b, int ip) {
        int version = (b.get(ip) & 0xF0) >> 4;
        if (version == 4) {
            return (b.getShort(ip + IPV4_FLAGS_FRAGMENT) & MORE_FRAGMENTS_AND_OFFSET) == 0;
        }
        return version == 6;
    }

    /** Writes the tag into the IP packet at {@code ip} (absolute puts, no allocation). */
    static void stamp(ByteBuffer b, int ip, int tag) {
        if ((b.get(ip) & 0xF0) == 0x40) {
            b.putShort(ip + 4, (short) tag);
            b.putShort(ip + 10, (short) 0);
            b.putShort(ip + 10, (short) ipv4HeaderChecksum(b, ip));
        } else {
            b.putShort(ip + 2, (short) tag);
        }
    }

    /** The tag of a returned IP packet at {@code ip} in {@code [0, length)}, or -1 when it carries none. */
    static int read(ByteBuffer b, int ip, int length) {
        int version = (b.get(ip) & 0xF0) >> 4;
        if (version == 4 && ip + 20 <= length) {
            if ((b.getShort(ip + IPV4_FLAGS_FRAGMENT) & MORE_FRAGMENTS_AND_OFFSET) != 0) {
                return -1;
            }
            return b.getShort(ip + 4) & 0xFFFF;
        }
        if (version == 6 && ip + 40 <= length) {
            return b.getShort(ip + 2) & 0xFFFF;
        }
        return -1;
    }

    /** The Internet checksum of the IPv4 header at {@code ip} (its checksum field taken as it is). */
    static int ipv4HeaderChecksum(ByteBuffer b, int ip) {
        int headerLength = (b.get(ip) & 0x0F) * 4;
        int sum = 0;
        for (int i = 0; i < headerLength; i += 2) {
            sum += b.getShort(ip + i) & 0xFFFF;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return ~sum & 0xFFFF;
    }
}
