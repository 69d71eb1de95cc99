package io.sgemu.control.reference;

import io.sgemu.dataplane.packet.DecodedPacket;

/**
 * Whether a packet is a fragment of an IP datagram, and which: the first (offset 0, more to come, with
 * the transport header) or a later one (no ports). {@code id} is the IPv4 ID or the IPv6 fragment
 * header's identification; with source, destination and protocol it names the datagram.
 */
public record Fragment(boolean first, boolean later, long id) {

    /** Not a fragment (or not known to be one). */
    public static final Fragment NONE = new Fragment(false, false, -1);

    public Fragment {
        if (first && later) {
            throw new IllegalArgumentException("a fragment is first or later, not both");
        }
    }

    public static Fragment first(long id) {
        return new Fragment(true, false, id);
    }

    public static Fragment later(long id) {
        return new Fragment(false, true, id);
    }

    /** What the decoder found. */
    public static Fragment of(DecodedPacket d) {
        if (d.firstFragment) {
            return first(d.fragmentId);
        }
        if (d.laterFragment) {
            return later(d.fragmentId);
        }
        return NONE;
    }

    public boolean isFragment() {
        return first || later;
    }
}
