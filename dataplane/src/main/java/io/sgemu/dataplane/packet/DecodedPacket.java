package io.sgemu.dataplane.packet;

import io.sgemu.dataplane.net.IpAddress;

/**
 * The facts of one captured frame that the emulator judges, filled in place by the packet decoder and
 * reused for every frame (no allocation per packet).
 *
 * <p>Addresses are kept as the two longs of {@link IpAddress}; ports, ICMP fields and flags are
 * {@code -1} where the packet has none. When {@link #status} is not {@link Status#OK}, {@link #reason}
 * says why (a SKIP reason of the verdict contract) and the fields that could be read before the
 * problem stay filled (a truncated TCP header still has its addresses and protocol).
 */
public final class DecodedPacket {

    public enum Status {
        OK,
        /** Headers are cut short or inconsistent. */
        MALFORMED,
        /** The capture's link type is one the decoder does not read. */
        UNSUPPORTED_LINK_TYPE,
        /** The frame carries something other than IPv4/IPv6 (ARP, LLDP, ...). */
        NOT_IP
    }

    public Status status;
    /** SKIP reason when status is not OK: {@code malformed}, {@code unsupported-link-type}, {@code not-ip}, ... */
    public String reason;

    /** Capture time, Unix epoch nanoseconds. */
    public long timeNanos;
    /** 4 or 6; 0 when no IP header was found. */
    public int ipVersion;
    /** The transport protocol number (after IPv6 extension headers); -1 when unknown. */
    public int protocol;
    public long srcHi;
    public long srcLo;
    public long dstHi;
    public long dstLo;
    public int srcPort;
    public int dstPort;
    public int icmpType;
    public int icmpCode;
    /** ICMP echo identifier (request and reply), -1 for other ICMP messages. */
    public int icmpId;
    /** The TCP flags byte (FIN=1, SYN=2, RST=4, PSH=8, ACK=16, URG=32), -1 when not TCP. */
    public int tcpFlags;
    /** The IP packet's length as its header states it (L3 bytes). */
    public int ipLength;
    /** True for a fragment other than the first: no transport header, so no ports. */
    public boolean laterFragment;
    /** True for the first fragment of several (offset 0, more fragments follow): it has the transport header. */
    public boolean firstFragment;
    /**
     * The identification of a fragment's datagram (IPv4: the 16-bit IP ID; IPv6: the fragment header's
     * 32-bit identification); -1 when the packet is not a fragment. With the addresses and the protocol
     * it names the datagram whose fragments belong together.
     */
    public long fragmentId;

    /**
     * The decoder behind the static {@link PacketDecoder#decode} methods for this packet, made on first
     * use. It travels with the packet because a packet, being filled in place, is confined to one thread
     * at a time: so is its decoder's set of flyweights, without a thread-local or a lock.
     */
    private PacketDecoder decoder;

    public void reset() {
        status = Status.OK;
        reason = null;
        timeNanos = 0;
        ipVersion = 0;
        protocol = -1;
        srcHi = srcLo = dstHi = dstLo = 0;
        srcPort = dstPort = -1;
        icmpType = icmpCode = icmpId = -1;
        tcpFlags = -1;
        ipLength = 0;
        laterFragment = false;
        firstFragment = false;
        fragmentId = -1;
    }

    /** Copies every field of {@code o} into this one (hand-off between threads without allocation). */
    public void copyFrom(DecodedPacket o) {
        status = o.status;
        reason = o.reason;
        timeNanos = o.timeNanos;
        ipVersion = o.ipVersion;
        protocol = o.protocol;
        srcHi = o.srcHi;
        srcLo = o.srcLo;
        dstHi = o.dstHi;
        dstLo = o.dstLo;
        srcPort = o.srcPort;
        dstPort = o.dstPort;
        icmpType = o.icmpType;
        icmpCode = o.icmpCode;
        icmpId = o.icmpId;
        tcpFlags = o.tcpFlags;
        ipLength = o.ipLength;
        laterFragment = o.laterFragment;
        firstFragment = o.firstFragment;
        fragmentId = o.fragmentId;
    }

    PacketDecoder decoder() {
        PacketDecoder d = decoder;
        if (d == null) {
            d = new PacketDecoder();
            decoder = d;
        }
        return d;
    }

    /** A fragment, first or later, of a datagram ({@link #fragmentId} names it). */
    public boolean isFragment() {
        return laterFragment || firstFragment;
    }

    public boolean hasAddresses() {
        return ipVersion == 4 || ipVersion == 6;
    }

    /** The source as a value (allocates: for the reference path and output, not the fast path). */
    public IpAddress src() {
        return ipVersion == 4 ? IpAddress.v4((int) srcLo) : IpAddress.v6(srcHi, srcLo);
    }

    /** The destination as a value (allocates: for the reference path and output, not the fast path). */
    public IpAddress dst() {
        return ipVersion == 4 ? IpAddress.v4((int) dstLo) : IpAddress.v6(dstHi, dstLo);
    }
}
