package io.sgemu.dataplane.conntrack;

/**
 * The layout of one tracked connection in the {@link ConnTrackTable}: a fixed 64-byte slot (one cache line),
 * IPv6 included, in the manner of Agrona's and Aeron's descriptor classes.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                      control word (see below)                 |  0  shared: CAS / acquire / release
 *  +-------------------------------+-------------------------------+
 *  |        low end's port         |       high end's port         |  4  owner only
 *  +-------------------------------+-------------------------------+
 *  |               expiry schedule: next slot in list              |  8  owner only
 *  +---------------------------------------------------------------+
 *  |     expiry schedule: previous slot, or -(list + 1) at head    | 12  owner only
 *  +---------------------------------------------------------------+
 *  |                  last seen, ns (64 bits)                      | 16  owner only
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |  ENI number (24 bits)  |  closing since: last seen minus it,  | 24  owner only
 *  |                        |  ns (40 bits)                        |
 *  +---------------------------------------------------------------+
 *  |              low end's address, high 64 bits                  | 32  owner only
 *  |              low end's address, low 64 bits                   | 40
 *  |              high end's address, high 64 bits                 | 48
 *  |              high end's address, low 64 bits                  | 56
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Control word, low bit first: {@code STATE} (2 bits: empty, claimed, live, tombstone), the connection's
 * state bits (6: TCP established, SYN-ACK from origin, SYN-ACK from reply, FIN from origin, FIN from reply,
 * closing; UDP replied, origin after reply, stream), the IP protocol (8), IPv6 (1), origin is the high end
 * (1), the low end has no port (1), the high end has no port (1), two spare bits, and the number of the
 * worker that owns the slot (10). The key bits (state, protocol, family, port absence, owner) never change
 * while a slot is live, so one comparison of the control word rejects most slots of a probe.
 *
 * <p>Keys are canonical, as {@code FlowKey} in the reference: the end with the lower (address, port) is the
 * low end, so both directions of a flow find one slot; the origin bit says which end sent the packet that
 * created the entry. Ports are 16 bits each; a port of {@code -1} (ICMP other than echo, other protocols,
 * later fragments) is the "no port" bit. ICMP echo carries its identifier as both ports.
 *
 * <p>Why "closing since" is stored as a 40-bit distance below "last seen": once an entry closes, it lives
 * at most the close linger, and every packet that refreshes "last seen" found it alive, so last seen
 * minus closing since is always below the linger; 40 bits hold lingers up to 18 minutes. That frees the
 * room for the two links of the expiry schedule (a doubly linked list takes an entry out of its schedule in
 * constant time, which a singly linked one cannot). The ENI number gets the rest: 24 bits.
 */
public final class ConnTrackSlotLayout {

    /** Bytes per slot, a cache line. */
    public static final int SLOT_LENGTH = 64;
    public static final int SLOT_SHIFT = 6;

    public static final int CONTROL_OFFSET = 0;
    public static final int PORTS_OFFSET = 4;
    public static final int NEXT_OFFSET = 8;
    public static final int PREV_OFFSET = 12;
    public static final int LAST_SEEN_OFFSET = 16;
    public static final int ENI_CLOSING_OFFSET = 24;
    public static final int LOW_HI_OFFSET = 32;
    public static final int LOW_LO_OFFSET = 40;
    public static final int HIGH_HI_OFFSET = 48;
    public static final int HIGH_LO_OFFSET = 56;

    // ------------------------------------------------------------------ control word

    public static final int STATE_MASK = 0b11;
    /** Never used: probes stop here. */
    public static final int EMPTY = 0;
    /** Taken by an inserting worker that is still writing the fields. */
    public static final int CLAIMED = 1;
    public static final int LIVE = 2;
    /** Removed; reusable by an insert whose probe proved its key absent. The whole control word is this value. */
    public static final int TOMBSTONE = 3;

    public static final int TCP_ESTABLISHED = 1 << 2;
    public static final int TCP_SYN_ACK_FROM_ORIGIN = 1 << 3;
    public static final int TCP_SYN_ACK_FROM_REPLY = 1 << 4;
    public static final int TCP_FIN_FROM_ORIGIN = 1 << 5;
    public static final int TCP_FIN_FROM_REPLY = 1 << 6;
    /** Closing (RST either way, or FIN both ways): "closing since" is meaningful. */
    public static final int TCP_CLOSING = 1 << 7;
    public static final int UDP_REPLIED = 1 << 2;
    public static final int UDP_ORIGIN_AFTER_REPLY = 1 << 3;
    public static final int UDP_STREAM = 1 << 4;
    public static final int CONNECTION_STATE_MASK = 0b1111_1100;

    public static final int PROTOCOL_SHIFT = 8;
    public static final int PROTOCOL_MASK = 0xFF << PROTOCOL_SHIFT;
    public static final int IPV6 = 1 << 16;
    public static final int ORIGIN_HIGH = 1 << 17;
    public static final int LOW_NO_PORT = 1 << 18;
    public static final int HIGH_NO_PORT = 1 << 19;
    public static final int OWNER_SHIFT = 22;
    public static final int OWNER_BITS = 10;
    public static final int MAX_WORKERS = 1 << OWNER_BITS;
    public static final int OWNER_MASK = (MAX_WORKERS - 1) << OWNER_SHIFT;

    /** The bits that identify a live slot of one worker's key: compare these first. */
    public static final int KEY_MASK = STATE_MASK | PROTOCOL_MASK | IPV6 | LOW_NO_PORT | HIGH_NO_PORT | OWNER_MASK;

    // ------------------------------------------------------------------ ENI and closing word

    public static final int ENI_BITS = 24;
    public static final int MAX_ENIS = 1 << ENI_BITS;
    public static final long ENI_MASK = MAX_ENIS - 1L;
    public static final int CLOSING_SHIFT = ENI_BITS;
    /** The largest close linger a slot can hold, in nanoseconds (exclusive). */
    public static final long MAX_LINGER_NANOS = 1L << (64 - ENI_BITS);

    /** "No slot" in the schedule's links. */
    public static final int NIL = -1;

    private ConnTrackSlotLayout() {
    }

    /** The control word's key bits for a live slot of {@code owner}. */
    public static int keyBits(int owner, int protocol, boolean v6, boolean lowNoPort, boolean highNoPort) {
        return LIVE | (protocol & 0xFF) << PROTOCOL_SHIFT | (v6 ? IPV6 : 0) | (lowNoPort ? LOW_NO_PORT : 0)
                | (highNoPort ? HIGH_NO_PORT : 0) | owner << OWNER_SHIFT;
    }

    public static int state(int control) {
        return control & STATE_MASK;
    }

    public static int owner(int control) {
        return (control & OWNER_MASK) >>> OWNER_SHIFT;
    }

    public static int protocol(int control) {
        return (control & PROTOCOL_MASK) >>> PROTOCOL_SHIFT;
    }

    /** Both ports in one word; a port of -1 is given by the control word's no-port bits. */
    public static int packPorts(int lowPort, int highPort) {
        return (lowPort & 0xFFFF) | (highPort & 0xFFFF) << 16;
    }

    public static int lowPort(int control, int ports) {
        return (control & LOW_NO_PORT) != 0 ? -1 : ports & 0xFFFF;
    }

    public static int highPort(int control, int ports) {
        return (control & HIGH_NO_PORT) != 0 ? -1 : ports >>> 16;
    }

    public static long packEniClosing(int eni, long closingDistanceNanos) {
        return (eni & ENI_MASK) | closingDistanceNanos << CLOSING_SHIFT;
    }

    public static int eni(long eniClosing) {
        return (int) (eniClosing & ENI_MASK);
    }

    public static long closingDistance(long eniClosing) {
        return eniClosing >>> CLOSING_SHIFT;
    }
}
