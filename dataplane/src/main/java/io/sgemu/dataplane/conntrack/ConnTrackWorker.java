package io.sgemu.dataplane.conntrack;

import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.CONTROL_OFFSET;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.ENI_CLOSING_OFFSET;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.HIGH_HI_OFFSET;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.HIGH_LO_OFFSET;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.IPV6;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.LAST_SEEN_OFFSET;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.LOW_HI_OFFSET;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.LOW_LO_OFFSET;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.ORIGIN_HIGH;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.PORTS_OFFSET;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.TCP_CLOSING;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.TCP_ESTABLISHED;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.TCP_FIN_FROM_ORIGIN;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.TCP_FIN_FROM_REPLY;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.TCP_SYN_ACK_FROM_ORIGIN;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.TCP_SYN_ACK_FROM_REPLY;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.TOMBSTONE;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.UDP_ORIGIN_AFTER_REPLY;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.UDP_REPLIED;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.UDP_STREAM;

import io.sgemu.dataplane.net.IpAddress;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One worker's operations on the shared {@link ConnTrackTable}: the tracked connections of SEMANTICS.md
 * section 3, with the answers of the reference's {@code TrackedConnection} and {@code ConnTrackTable}.
 * Not thread-safe: one per worker thread. Nothing here allocates.
 *
 * <p>The pipeline's use, per packet and ENI, is the reference's security-group stage:
 * {@link #lookup}; if found, {@link #update}; otherwise, when the rules allow and the flow is tracked (never
 * for an RST, never for ICMP errors), check the allowance with {@link #liveEntries} (only when the ENI has
 * one) and {@link #insert}. Once per batch, {@link #expireDue}. On a new snapshot with other timeouts:
 * {@link #expireAll} with the old ones, then {@link #timeoutsChanged()}. {@link #insert} and {@link #update}
 * take no timeouts: they use the ones last given to this worker (by the lookup just before) to list the
 * entry in the expiry schedule.
 *
 * <p>Arguments: an ENI number {@code 0..maxEnis-1}; an IP protocol number; family 4 or 6 with the address
 * in two longs as {@code IpAddress} keeps it (IPv4: {@code hi == 0}, the 32 bits in the low half of
 * {@code lo}), seen by the ENI (its own view); ports {@code -1..65535}: TCP/UDP ports, the echo identifier
 * as both ports of an ICMP echo request or reply, {@code -1} for any other ICMP message, other protocols and
 * later fragments; TCP flags as in the TCP header ({@code -1}: none known). Times in nanoseconds, never
 * negative, never going backwards for one worker.
 *
 * <p>Semantics kept from the reference: an entry is gone once its idle time reaches its timeout, read from
 * {@link ConnTrackTimeouts} for the entry's ENI at the time of looking; TCP entries that have not completed
 * the handshake live {@value #TCP_UNESTABLISHED_TIMEOUT_SECONDS} s, ICMP {@value #ICMP_TIMEOUT_SECONDS} s,
 * other protocols {@value #OTHER_PROTOCOL_TIMEOUT_SECONDS} s; a closing TCP entry (RST either way, or FIN both
 * ways) is gone once the close linger has passed since the first closing packet, whatever comes later.
 *
 * <p>Expiry never stops the world. Each worker lists its own entries in an {@link ExpirySchedule} (a timer
 * wheel through the slots); {@link #expireDue} works through it a bounded amount, and {@link #liveEntries}
 * works it up to now in full (work in proportion to the entries due since the last time, plus one step per
 * idle 65.5-us tick with entries or per 1.07-s tick), so that it counts exactly the ENI's entries alive at
 * that time, as the reference's {@code size()}. Lookups never depend on the sweep: they check the entry's
 * own deadline. With several workers, the counters are shared but each worker expires only its
 * own entries, by its own clock (its packets' time): the allowance is exact for one worker, and across
 * workers it counts other workers' entries as of their last expiry, an approximation that errs on the side
 * of counting an entry a little longer.
 */
public final class ConnTrackWorker {

    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int ICMP = 1;
    public static final int ICMPV6 = 58;
    public static final int FIN = 1;
    public static final int SYN = 2;
    public static final int RST = 4;
    public static final int ACK = 16;

    /** Decision of the reference: ICMP entries. */
    public static final int ICMP_TIMEOUT_SECONDS = 60;
    /** Decision of the reference: a TCP entry that has not completed its handshake. */
    public static final int TCP_UNESTABLISHED_TIMEOUT_SECONDS = 60;
    /** Protocols other than TCP, UDP and ICMP: fixed by AWS. */
    public static final int OTHER_PROTOCOL_TIMEOUT_SECONDS = 600;

    /** Steps of expiry work per {@link #expireDue(long, ConnTrackTimeouts)}. */
    public static final int DEFAULT_EXPIRY_BUDGET = 256;

    private static final long NANOS = 1_000_000_000L;

    private final ConnTrackTable table;
    private final int owner;
    private final int ownerBits;
    private final UnsafeBuffer[] blocks;
    private final int blockShift;
    private final int blockMask;
    private final long lingerNanos;
    private final ExpirySchedule schedule;
    /**
     * The timeouts last given to this worker, to list new and changed entries at their deadlines; null after
     * {@link #timeoutsChanged()} until the next call that brings timeouts (entries are then listed at the
     * time of the packet, early but never late).
     */
    private ConnTrackTimeouts timeouts;

    /** The key the last lookup proved absent (valid until the next insert). */
    private boolean absentKnown;
    private int absentEni;
    private int absentKeyBits;
    private int absentPorts;
    private long absentLowHi;
    private long absentLowLo;
    private long absentHighHi;
    private long absentHighLo;
    private int absentHome;

    ConnTrackWorker(ConnTrackTable table, int owner) {
        this.table = table;
        this.owner = owner;
        this.ownerBits = ConnTrackTable.ownerBits(owner);
        this.blocks = table.blocks;
        this.blockShift = table.blockShift;
        this.blockMask = table.blockMask;
        this.lingerNanos = table.tcpCloseLingerNanos();
        this.schedule = new ExpirySchedule(this, table);
    }

    public ConnTrackTable table() {
        return table;
    }

    /** The number this worker's slots carry. */
    public int owner() {
        return owner;
    }

    // ------------------------------------------------------------------ operations

    /**
     * The flow's key in its canonical order (the lower endpoint first, as the reference's {@code FlowKey}),
     * into the {@code key*} fields: one place for {@link #lookup} and {@link #insert}.
     */
    private void canonical(int protocol, int family, long srcHi, long srcLo, int srcPort, long dstHi, long dstLo,
                           int dstPort) {
        boolean srcLow = srcIsLow(srcHi, srcLo, srcPort, dstHi, dstLo, dstPort);
        int lowPort = srcLow ? srcPort : dstPort;
        int highPort = srcLow ? dstPort : srcPort;
        keySrcLow = srcLow;
        keyLowHi = srcLow ? srcHi : dstHi;
        keyLowLo = srcLow ? srcLo : dstLo;
        keyHighHi = srcLow ? dstHi : srcHi;
        keyHighLo = srcLow ? dstLo : srcLo;
        keyKeyBits = ConnTrackSlotLayout.keyBits(owner, protocol, family == 6, lowPort < 0, highPort < 0);
        keyPorts = ConnTrackSlotLayout.packPorts(lowPort, highPort);
    }

    /** The last key {@link #canonical} made. */
    private boolean keySrcLow;
    private long keyLowHi;
    private long keyLowLo;
    private long keyHighHi;
    private long keyHighLo;
    private int keyKeyBits;
    private int keyPorts;

    /** The live entry's slot for the packet from src to dst on the ENI, or -1; an expired entry found is removed. */
    public int lookup(int eni, int protocol, int family, long srcHi, long srcLo, int srcPort, long dstHi, long dstLo,
                      int dstPort, long nowNanos, ConnTrackTimeouts timeouts) {
        this.timeouts = timeouts;
        canonical(protocol, family, srcHi, srcLo, srcPort, dstHi, dstLo, dstPort);
        long lowHi = keyLowHi;
        long lowLo = keyLowLo;
        long highHi = keyHighHi;
        long highLo = keyHighLo;
        int keyBits = keyKeyBits;
        int ports = keyPorts;
        int home = table.home(eni, keyBits, ports, lowHi, lowLo, highHi, highLo);
        int slot = table.find(keyBits, eni, ports, lowHi, lowLo, highHi, highLo, home);
        if (slot >= 0 && isExpired(slot, nowNanos, timeouts)) {
            schedule.unlink(slot);
            release(slot);
            slot = -1;
        }
        if (slot < 0) {
            // Proven absent: an insert of this key that follows at once need not probe for it again.
            absentEni = eni;
            absentKeyBits = keyBits;
            absentPorts = ports;
            absentLowHi = lowHi;
            absentLowLo = lowLo;
            absentHighHi = highHi;
            absentHighLo = highLo;
            absentHome = home;
            absentKnown = true;
        }
        return slot;
    }

    /**
     * A packet seen by the ENI as from {@code src} went through the entry in {@code slot} (just returned by
     * {@link #lookup}): refreshes it and follows TCP/UDP state as the reference's {@code TrackedConnection.update}.
     */
    public void update(int slot, int family, long srcHi, long srcLo, int srcPort, int tcpFlags, long nowNanos) {
        UnsafeBuffer b = blocks[slot >>> blockShift];
        int o = (slot & blockMask) << ConnTrackSlotLayout.SLOT_SHIFT;
        int control = b.getInt(o + CONTROL_OFFSET);
        int protocol = ConnTrackSlotLayout.protocol(control);
        long lastSeen = b.getLong(o + LAST_SEEN_OFFSET);
        b.putLong(o + LAST_SEEN_OFFSET, nowNanos);
        if (protocol == TCP) {
            updateTcp(slot, b, o, control, fromOrigin(b, o, control, family, srcHi, srcLo, srcPort), tcpFlags,
                    lastSeen, nowNanos);
        } else if (protocol == UDP) {
            updateUdp(slot, b, o, control, fromOrigin(b, o, control, family, srcHi, srcLo, srcPort), lastSeen,
                    nowNanos);
        }
    }

    /**
     * A new entry for the packet from src to dst, as the reference's {@code new TrackedConnection}: a TCP packet
     * without SYN picks the connection up as established (the caller never inserts for an RST).
     *
     * @return the entry's slot, or -1 when no slot is free within the probe window (the caller counts a drop)
     */
    public int insert(int eni, int protocol, int family, long srcHi, long srcLo, int srcPort, long dstHi, long dstLo,
                      int dstPort, int tcpFlags, long nowNanos) {
        canonical(protocol, family, srcHi, srcLo, srcPort, dstHi, dstLo, dstPort);
        boolean srcLow = keySrcLow;
        long lowHi = keyLowHi;
        long lowLo = keyLowLo;
        long highHi = keyHighHi;
        long highLo = keyHighLo;
        int keyBits = keyKeyBits;
        int ports = keyPorts;
        int slot;
        if (absentKnown && absentEni == eni && absentKeyBits == keyBits && absentPorts == ports && absentLowLo == lowLo
                && absentHighLo == highLo && absentLowHi == lowHi && absentHighHi == highHi) {
            // The lookup just before proved the key absent, and only this worker could have added it since.
            slot = table.claimFree(keyBits, absentHome);
        } else {
            int home = table.home(eni, keyBits, ports, lowHi, lowLo, highHi, highLo);
            slot = table.claim(keyBits, eni, ports, lowHi, lowLo, highHi, highLo, home);
        }
        absentKnown = false;
        if (slot == -1) {
            return -1;
        }
        boolean existing = slot < -1;
        if (existing) {
            // As the reference's put: the new entry replaces the old one (same key, same ENI, same count).
            slot = -2 - slot;
            schedule.unlink(slot);
        }
        int control = keyBits | (srcLow ? 0 : ORIGIN_HIGH);
        if (protocol == TCP) {
            if (!has(tcpFlags, SYN)) {
                control |= TCP_ESTABLISHED;
            }
            if (has(tcpFlags, SYN) && has(tcpFlags, ACK)) {
                control |= TCP_SYN_ACK_FROM_ORIGIN;
            }
            if (has(tcpFlags, FIN)) {
                control |= TCP_FIN_FROM_ORIGIN;
            }
        }
        UnsafeBuffer b = blocks[slot >>> blockShift];
        int o = (slot & blockMask) << ConnTrackSlotLayout.SLOT_SHIFT;
        b.putInt(o + PORTS_OFFSET, ports);
        b.putLong(o + LAST_SEEN_OFFSET, nowNanos);
        b.putLong(o + ENI_CLOSING_OFFSET, ConnTrackSlotLayout.packEniClosing(eni, 0));
        b.putLong(o + LOW_HI_OFFSET, lowHi);
        b.putLong(o + LOW_LO_OFFSET, lowLo);
        b.putLong(o + HIGH_HI_OFFSET, highHi);
        b.putLong(o + HIGH_LO_OFFSET, highLo);
        // Release: the fields above are visible to whoever sees LIVE (only this worker compares them).
        b.putIntRelease(o + CONTROL_OFFSET, control);
        if (!existing) {
            table.countInsert(eni);
        }
        schedule.startAt(nowNanos);
        schedule.place(slot, timeouts != null ? deadline(slot, timeouts) : nowNanos);
        return slot;
    }

    /**
     * The exact number of the ENI's entries alive at {@code nowNanos} (the reference's {@code size()}), for
     * the allowance: first expires every entry of this worker that is due. Exact when one worker serves the
     * ENI; with several, other workers' entries count as of their own last expiry.
     */
    public long liveEntries(int eni, long nowNanos, ConnTrackTimeouts timeouts) {
        expireAll(nowNanos, timeouts);
        return table.entries(eni);
    }

    /**
     * Expires every entry of this worker that is due at {@code nowNanos}, however many. Before a change of
     * timeouts, this with the old timeouts keeps an entry that expired under them from coming back to life
     * under longer new ones (a lookup reads the timeouts in force at the time, as the reference does).
     */
    public void expireAll(long nowNanos, ConnTrackTimeouts timeouts) {
        this.timeouts = timeouts;
        schedule.advance(nowNanos, timeouts, Integer.MAX_VALUE);
        schedule.scanCurrent(nowNanos, timeouts);
    }

    /** The incremental sweep, once per batch: at most {@link #DEFAULT_EXPIRY_BUDGET} steps. */
    public void expireDue(long nowNanos, ConnTrackTimeouts timeouts) {
        expireDue(nowNanos, timeouts, DEFAULT_EXPIRY_BUDGET);
    }

    /**
     * The incremental sweep with a chosen bound: at most {@code budget} steps (an entry examined or a list
     * emptied).
     *
     * @return true when every entry due before now's tick of the schedule has been expired
     */
    public boolean expireDue(long nowNanos, ConnTrackTimeouts timeouts, int budget) {
        this.timeouts = timeouts;
        return schedule.advance(nowNanos, timeouts, budget);
    }

    /**
     * The timeouts have changed (a new snapshot): deadlines are derived again. Takes time in proportion to
     * this worker's entries; rare.
     */
    public void timeoutsChanged() {
        this.timeouts = null;
        schedule.rescheduleAll();
    }

    /** Removes the entry in {@code slot} (one of this worker's live entries), e.g. when its ENI leaves the world. */
    public void remove(int slot) {
        schedule.unlink(slot);
        release(slot);
    }

    /**
     * Removes every entry of this worker on {@code eni}, as if each had timed out (an operator's flush). Scans
     * the whole table: time in proportion to its capacity; rare. Only the owner may call it (its thread).
     *
     * @return the number of entries removed
     */
    public int removeEni(int eni) {
        int removed = 0;
        for (int slot = 0; slot < table.capacity(); slot++) {
            if (ownLive(slot) && eni(slot) == eni) {
                remove(slot);
                removed++;
            }
        }
        return removed;
    }

    /**
     * This worker's entries on {@code eni}, at most {@code limit}, read on the owner's thread (so no key is
     * read while it is being written). Scans the whole table.
     */
    public List<TrackedEntry> entriesOf(int eni, int limit) {
        List<TrackedEntry> out = new ArrayList<>();
        for (int slot = 0; slot < table.capacity() && out.size() < limit; slot++) {
            if (ownLive(slot) && eni(slot) == eni) {
                out.add(entry(slot));
            }
        }
        return out;
    }

    private boolean ownLive(int slot) {
        int c = control(slot);
        return ConnTrackSlotLayout.state(c) == ConnTrackSlotLayout.LIVE && ConnTrackSlotLayout.owner(c) == owner;
    }

    private TrackedEntry entry(int slot) {
        UnsafeBuffer b = blocks[slot >>> blockShift];
        int o = offset(slot);
        int c = control(slot);
        int ports = b.getInt(o + PORTS_OFFSET);
        boolean v6 = (c & IPV6) != 0;
        IpAddress low = address(v6, b.getLong(o + LOW_HI_OFFSET), b.getLong(o + LOW_LO_OFFSET));
        IpAddress high = address(v6, b.getLong(o + HIGH_HI_OFFSET), b.getLong(o + HIGH_LO_OFFSET));
        int lowPort = ConnTrackSlotLayout.lowPort(c, ports);
        int highPort = ConnTrackSlotLayout.highPort(c, ports);
        boolean originHigh = (c & ORIGIN_HIGH) != 0;
        String state = closing(slot) ? "closing" : established(slot) ? "established" : stream(slot) ? "stream" : "new";
        return new TrackedEntry(eni(slot), ConnTrackSlotLayout.protocol(c),
                originHigh ? high : low, originHigh ? highPort : lowPort,
                originHigh ? low : high, originHigh ? lowPort : highPort, state, lastSeenNanos(slot), owner);
    }

    private static IpAddress address(boolean v6, long hi, long lo) {
        return v6 ? IpAddress.v6(hi, lo) : IpAddress.v4((int) lo);
    }

    // ------------------------------------------------------------------ entry state (owner's view)

    public boolean established(int slot) {
        int c = control(slot);
        return ConnTrackSlotLayout.protocol(c) == TCP && (c & TCP_ESTABLISHED) != 0;
    }

    public boolean stream(int slot) {
        int c = control(slot);
        return ConnTrackSlotLayout.protocol(c) == UDP && (c & UDP_STREAM) != 0;
    }

    /** True while the TCP entry lingers after RST, or FIN both ways. */
    public boolean closing(int slot) {
        return closingSince(slot, control(slot)) >= 0;
    }

    public int eni(int slot) {
        return ConnTrackSlotLayout.eni(blocks[slot >>> blockShift].getLong(offset(slot) + ENI_CLOSING_OFFSET));
    }

    public long lastSeenNanos(int slot) {
        return blocks[slot >>> blockShift].getLong(offset(slot) + LAST_SEEN_OFFSET);
    }

    // ------------------------------------------------------------------ for the schedule

    /** The reference's {@code TrackedConnection.expired}, to the nanosecond. */
    boolean isExpired(int slot, long nowNanos, ConnTrackTimeouts t) {
        int c = control(slot);
        long closingSince = closingSince(slot, c);
        if (closingSince >= 0 && nowNanos - closingSince >= lingerNanos) {
            return true;
        }
        return nowNanos - lastSeenNanos(slot) >= timeoutSeconds(c, eni(slot), t) * NANOS;
    }

    /** The first time at which {@link #isExpired} holds, given the timeouts. */
    long deadline(int slot, ConnTrackTimeouts t) {
        int c = control(slot);
        long d = saturatedAdd(lastSeenNanos(slot), timeoutSeconds(c, eni(slot), t) * NANOS);
        long closingSince = closingSince(slot, c);
        if (closingSince >= 0) {
            d = Math.min(d, saturatedAdd(closingSince, lingerNanos));
        }
        return d;
    }

    /** Frees an unlisted slot: tombstone (release, after this worker's last use), then the count. */
    void release(int slot) {
        UnsafeBuffer b = blocks[slot >>> blockShift];
        int o = (slot & blockMask) << ConnTrackSlotLayout.SLOT_SHIFT;
        int eni = ConnTrackSlotLayout.eni(b.getLong(o + ENI_CLOSING_OFFSET));
        b.putIntRelease(o + CONTROL_OFFSET, TOMBSTONE);
        table.countRemoval(eni);
    }

    int listedEntries() {
        return schedule.listed();
    }

    // ------------------------------------------------------------------ internals

    /** The canonical order of {@code FlowKey}: the lower (address, port) end first; equal ends keep src first. */
    private static boolean srcIsLow(long srcHi, long srcLo, int srcPort, long dstHi, long dstLo, int dstPort) {
        int c = Long.compareUnsigned(srcHi, dstHi);
        if (c == 0) {
            c = Long.compareUnsigned(srcLo, dstLo);
        }
        return c < 0 || (c == 0 && srcPort <= dstPort);
    }

    /** The reference's {@code isFromOrigin}: same address as the creating packet's sender, and port if any. */
    private static boolean fromOrigin(UnsafeBuffer b, int o, int control, int family, long srcHi, long srcLo,
                                      int srcPort) {
        if (((control & IPV6) != 0) != (family == 6)) {
            return false;
        }
        boolean high = (control & ORIGIN_HIGH) != 0;
        if (b.getLong(o + (high ? HIGH_LO_OFFSET : LOW_LO_OFFSET)) != srcLo
                || b.getLong(o + (high ? HIGH_HI_OFFSET : LOW_HI_OFFSET)) != srcHi) {
            return false;
        }
        int protocol = ConnTrackSlotLayout.protocol(control);
        if (protocol != TCP && protocol != UDP) {
            return true;
        }
        int ports = b.getInt(o + PORTS_OFFSET);
        int originPort = high ? ConnTrackSlotLayout.highPort(control, ports) : ConnTrackSlotLayout.lowPort(control, ports);
        return srcPort == originPort;
    }

    private void updateTcp(int slot, UnsafeBuffer b, int o, int control, boolean fromOrigin, int tcpFlags,
                           long lastSeen, long nowNanos) {
        boolean syn = has(tcpFlags, SYN);
        boolean ack = has(tcpFlags, ACK);
        int c = control;
        if (syn && ack) {
            c |= fromOrigin ? TCP_SYN_ACK_FROM_ORIGIN : TCP_SYN_ACK_FROM_REPLY;
        }
        // The handshake completes with an ACK (no SYN) answering the other side's SYN-ACK.
        if (ack && !syn && (c & (fromOrigin ? TCP_SYN_ACK_FROM_REPLY : TCP_SYN_ACK_FROM_ORIGIN)) != 0) {
            c |= TCP_ESTABLISHED;
        }
        if (has(tcpFlags, FIN)) {
            c |= fromOrigin ? TCP_FIN_FROM_ORIGIN : TCP_FIN_FROM_REPLY;
        }
        long eniClosing = b.getLong(o + ENI_CLOSING_OFFSET);
        boolean wasClosing = (control & TCP_CLOSING) != 0;
        long closingSince = wasClosing ? lastSeen - ConnTrackSlotLayout.closingDistance(eniClosing) : -1;
        // The linger runs from the first closing event; later packets do not extend it.
        boolean closes = closingSince < 0 && (has(tcpFlags, RST)
                || ((c & TCP_FIN_FROM_ORIGIN) != 0 && (c & TCP_FIN_FROM_REPLY) != 0));
        if (closes) {
            c |= TCP_CLOSING;
            closingSince = nowNanos;
        }
        if ((c & TCP_CLOSING) != 0) {
            // "Last seen" moved: keep closing-since where it was.
            b.putLong(o + ENI_CLOSING_OFFSET, ConnTrackSlotLayout.packEniClosing(ConnTrackSlotLayout.eni(eniClosing),
                    nowNanos - closingSince));
        }
        if (c != control) {
            // Release: the control word is the one word other workers read (they look at state and owner only).
            b.putIntRelease(o + CONTROL_OFFSET, c);
            if (closes || ((c ^ control) & TCP_ESTABLISHED) != 0) {
                rescheduleIfEarlier(slot, control, lastSeen, wasClosing ? lastSeen
                        - ConnTrackSlotLayout.closingDistance(eniClosing) : -1, nowNanos);
            }
        }
    }

    private void updateUdp(int slot, UnsafeBuffer b, int o, int control, boolean fromOrigin, long lastSeen,
                           long nowNanos) {
        int c = control;
        if (fromOrigin) {
            if ((c & UDP_REPLIED) != 0) {
                c |= UDP_ORIGIN_AFTER_REPLY;
            }
        } else {
            if ((c & UDP_ORIGIN_AFTER_REPLY) != 0) {
                c |= UDP_STREAM;
            }
            c |= UDP_REPLIED;
        }
        if (c != control) {
            b.putIntRelease(o + CONTROL_OFFSET, c);
            if (((c ^ control) & UDP_STREAM) != 0) {
                rescheduleIfEarlier(slot, control, lastSeen, -1, nowNanos);
            }
        }
    }

    /**
     * A state change may have brought the deadline before the list the entry is in: list it again. With the
     * timeouts known, only when the new deadline is earlier than the old one (the entry is listed at or
     * before the old one); without, at the packet's time.
     */
    private void rescheduleIfEarlier(int slot, int oldControl, long oldLastSeen, long oldClosingSince, long nowNanos) {
        ConnTrackTimeouts t = timeouts;
        if (t == null) {
            schedule.unlink(slot);
            schedule.place(slot, nowNanos);
            return;
        }
        int eni = eni(slot);
        long oldDeadline = saturatedAdd(oldLastSeen, timeoutSeconds(oldControl, eni, t) * NANOS);
        if (oldClosingSince >= 0) {
            oldDeadline = Math.min(oldDeadline, saturatedAdd(oldClosingSince, lingerNanos));
        }
        long newDeadline = deadline(slot, t);
        if (newDeadline < oldDeadline) {
            schedule.unlink(slot);
            schedule.place(slot, newDeadline);
        }
    }

    private long closingSince(int slot, int control) {
        if ((control & TCP_CLOSING) == 0) {
            return -1;
        }
        UnsafeBuffer b = blocks[slot >>> blockShift];
        int o = offset(slot);
        return b.getLong(o + LAST_SEEN_OFFSET) - ConnTrackSlotLayout.closingDistance(b.getLong(o + ENI_CLOSING_OFFSET));
    }

    private static long timeoutSeconds(int control, int eni, ConnTrackTimeouts t) {
        return switch (ConnTrackSlotLayout.protocol(control)) {
            case TCP -> (control & TCP_ESTABLISHED) != 0 ? t.tcpEstablishedTimeoutSeconds(eni)
                    : TCP_UNESTABLISHED_TIMEOUT_SECONDS;
            case UDP -> (control & UDP_STREAM) != 0 ? t.udpStreamTimeoutSeconds(eni) : t.udpTimeoutSeconds(eni);
            case ICMP, ICMPV6 -> ICMP_TIMEOUT_SECONDS;
            default -> OTHER_PROTOCOL_TIMEOUT_SECONDS;
        };
    }

    private int control(int slot) {
        // Own slot: the plain value is this worker's last write.
        return blocks[slot >>> blockShift].getInt(offset(slot) + CONTROL_OFFSET);
    }

    private int offset(int slot) {
        return (slot & blockMask) << ConnTrackSlotLayout.SLOT_SHIFT;
    }

    private static boolean has(int tcpFlags, int flag) {
        return tcpFlags >= 0 && (tcpFlags & flag) != 0;
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (b < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
    }
}
