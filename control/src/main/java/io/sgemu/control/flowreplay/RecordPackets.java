package io.sgemu.control.flowreplay;

import io.sgemu.dataplane.net.IpAddress;
import io.sgemu.dataplane.packet.PacketBuilder;

/**
 * The packets one flow-log record stands for: {@code packets} of them, their IP total lengths summing to
 * {@code bytes} (shared evenly, the remainder one byte each on the first ones), sent at times spread evenly
 * over [start, end] seconds (the first at start, the last at end, so they fall in the record's own
 * aggregation interval).
 *
 * <p>TCP: with the record's tcp-flags known, the first packet carries SYN (SYN-ACK when the flags say 18)
 * if the record's flags have it and the last carries the record's FIN and RST; every other packet is a plain
 * ACK, and so is every packet when the log has no tcp-flags. ICMP (1 on IPv4, 58 on IPv6): echo requests, or
 * echo replies for a record marked as answering an earlier one; the identifier is the same for both
 * directions of an address pair. Any other protocol: bare IP packets of that protocol number.
 */
final class RecordPackets {

    private static final int PROTO_ICMP = 1;
    private static final int PROTO_TCP = 6;
    private static final int PROTO_UDP = 17;
    private static final int PROTO_ICMPV6 = 58;
    private static final long NANOS = 1_000_000_000L;

    /**
     * Frames built lately, by record, length and TCP flags: most packets of a record are alike (two sizes,
     * plain ACKs), so most frames are copies of one built before. Direct-mapped and bounded (at most
     * {@value #CACHE_SLOTS} frames of at most {@value #CACHE_MAX_BYTES} bytes).
     */
    private static final int CACHE_SLOTS = 8192;
    private static final int CACHE_MAX_BYTES = 2048;

    private final PacketBuilder builder = PacketBuilder.ip("0.0.0.0", "0.0.0.0");
    private final long[] cacheKeys = new long[CACHE_SLOTS];
    private final byte[][] cacheFrames = new byte[CACHE_SLOTS][];

    private RecordPackets() {
    }

    static RecordPackets create() {
        return new RecordPackets();
    }

    /** The smallest IP packet of the record's protocol: IP header plus the transport header we write. */
    static int minimalLength(boolean v4, int protocol) {
        return (v4 ? 20 : 40) + transportHeader(protocol);
    }

    /** The largest: the IPv4 total length, or the IPv6 header plus the largest payload length. */
    static int maximalLength(boolean v4) {
        return v4 ? 65535 : 40 + 65535;
    }

    private static int transportHeader(int protocol) {
        return switch (protocol) {
            case PROTO_TCP -> 20;
            case PROTO_UDP -> 8;
            // Either number gets an ICMP header, also on the other family (a record may say so).
            case PROTO_ICMP, PROTO_ICMPV6 -> 8;
            default -> 0;
        };
    }

    /** True when the record's bytes can be shared among its packets within the allowed sizes. */
    static boolean bytesFit(FlowRecordTable t, int i) {
        long n = t.packets(i);
        boolean v4 = t.isV4(i);
        long min = minimalLength(v4, t.protocol(i));
        long max = maximalLength(v4);
        return n == 0 || (t.bytes(i) >= n * min && t.bytes(i) / n + (t.bytes(i) % n == 0 ? 0 : 1) <= max);
    }

    /** Time of packet {@code k}, Unix epoch nanoseconds. */
    static long timeNanos(FlowRecordTable t, int i, long k) {
        long n = t.packets(i);
        long startNanos = t.start(i) * NANOS;
        if (n <= 1) {
            return startNanos;
        }
        long span = (t.end(i) - t.start(i)) * NANOS;
        long steps = n - 1;
        long q = span / steps;
        long r = span % steps;
        // q * k + r * k / steps, exactly, without overflow for any realistic packet count.
        long hi = Math.multiplyHigh(r, k);
        long extra = hi == 0 && r * k >= 0 ? r * k / steps : (long) ((double) r * k / steps);
        return startNanos + q * k + extra;
    }

    /** IP total length of packet {@code k}. */
    static int length(FlowRecordTable t, int i, long k) {
        long n = t.packets(i);
        long q = t.bytes(i) / n;
        long rem = t.bytes(i) % n;
        long size = q + (k < rem ? 1 : 0);
        boolean v4 = t.isV4(i);
        return (int) Math.max(minimalLength(v4, t.protocol(i)), Math.min(maximalLength(v4), size));
    }

    /** TCP flags of packet {@code k}. */
    static int tcpFlags(FlowRecordTable t, int i, long k) {
        int recorded = t.tcpFlags(i);
        int flags = PacketBuilder.ACK;
        if (recorded < 0) {
            return flags;
        }
        if (k == 0 && (recorded & PacketBuilder.SYN) != 0) {
            flags = PacketBuilder.SYN | (recorded & PacketBuilder.ACK);
        }
        if (k == t.packets(i) - 1) {
            flags |= recorded & (PacketBuilder.FIN | PacketBuilder.RST);
        }
        return flags;
    }

    /** The raw IP bytes of packet {@code k} of record {@code i}; do not change them (they may be reused). */
    byte[] build(FlowRecordTable t, int i, long k) {
        int length = length(t, i, k);
        int flags = t.protocol(i) == PROTO_TCP ? tcpFlags(t, i, k) : 0;
        long key = ((long) i << 32) | ((long) length << 8) | flags;
        int slot = (int) ((key * 0x9E3779B97F4A7C15L) >>> 51) & (CACHE_SLOTS - 1);
        if (cacheFrames[slot] != null && cacheKeys[slot] == key) {
            return cacheFrames[slot];
        }
        byte[] frame = buildNew(t, i, length, flags);
        if (frame.length <= CACHE_MAX_BYTES) {
            cacheKeys[slot] = key;
            cacheFrames[slot] = frame;
        }
        return frame;
    }

    private byte[] buildNew(FlowRecordTable t, int i, int length, int flags) {
        IpAddress src = t.src(i);
        IpAddress dst = t.dst(i);
        boolean v4 = src.isV4();
        int protocol = t.protocol(i);
        int payload = length - minimalLength(v4, protocol);
        builder.addresses(src, dst);
        switch (protocol) {
            case PROTO_TCP -> builder.tcp(t.srcport(i), t.dstport(i), flags, payload);
            case PROTO_UDP -> builder.udp(t.srcport(i), t.dstport(i), payload);
            default -> {
                if ((protocol == PROTO_ICMP && v4) || (protocol == PROTO_ICMPV6 && !v4)) {
                    builder.icmpEcho(!t.isEchoReply(i), echoIdentifier(src, dst)).payload(payload);
                } else {
                    builder.protocol(protocol, payload);
                }
            }
        }
        return builder.buildIp();
    }

    /** The same for both directions of an address pair, so a reply matches its request. */
    private static int echoIdentifier(IpAddress a, IpAddress b) {
        int h = a.hashCode() ^ b.hashCode();
        return (h ^ (h >>> 16)) & 0xFFFF;
    }
}
