package io.sgemu.control.reference;

import io.sgemu.control.model.ConnTrackConfig;
import io.sgemu.control.model.Protocols;
import io.sgemu.dataplane.net.IpAddress;

/**
 * One tracked connection on one ENI and the little state its timeout depends on (SEMANTICS.md section 3).
 *
 * <p>Timeouts are idle times since the last packet of the flow on this ENI. Decision: an entry is gone
 * once the idle time reaches its timeout (a packet exactly {@code timeout} seconds later finds no
 * entry). The timeout values are read from the ENI's configuration in force when the entry is looked
 * at, so a configuration change applies to live entries too.
 */
final class TrackedConnection {

    private static final long NANOS = 1_000_000_000L;

    private final int protocol;
    /** The endpoint that sent the packet that created the entry: tells the two directions apart. */
    private final IpAddress originAddress;
    private final int originPort;

    private long lastSeenNanos;

    // TCP
    private boolean established;
    private boolean synAckFromOrigin;
    private boolean synAckFromReply;
    private boolean finFromOrigin;
    private boolean finFromReply;
    /** When the entry began to linger (RST either way, or FIN both ways); -1 while open. */
    private long closingSinceNanos = -1;

    // UDP
    private boolean replied;
    private boolean originAfterReply;
    private boolean stream;

    /**
     * The entry created by packet {@code p} (seen by the ENI as from {@code src}). A TCP packet without
     * SYN picks the connection up as established (loose pickup); the caller never creates an entry for an
     * RST.
     */
    TrackedConnection(Packet p, IpAddress src, long nowNanos) {
        this.protocol = p.protocol();
        this.originAddress = src;
        this.originPort = p.srcPort();
        this.lastSeenNanos = nowNanos;
        if (protocol == Protocols.TCP) {
            established = !p.hasFlag(Packet.SYN);
            synAckFromOrigin = p.hasFlag(Packet.SYN) && p.hasFlag(Packet.ACK);
            finFromOrigin = p.hasFlag(Packet.FIN);
        }
    }

    /** True when the packet seen by the ENI as from {@code src} travels in the creating packet's direction. */
    boolean isFromOrigin(Packet p, IpAddress src) {
        if (!originAddress.equals(src)) {
            return false;
        }
        return !Protocols.hasPorts(protocol) || p.srcPort() == originPort;
    }

    /** A packet of this flow was allowed through the entry: refresh it and follow TCP/UDP state. */
    void update(Packet p, boolean fromOrigin, long nowNanos) {
        lastSeenNanos = nowNanos;
        if (protocol == Protocols.TCP) {
            updateTcp(p, fromOrigin, nowNanos);
        } else if (protocol == Protocols.UDP) {
            updateUdp(fromOrigin);
        }
    }

    private void updateTcp(Packet p, boolean fromOrigin, long nowNanos) {
        boolean syn = p.hasFlag(Packet.SYN);
        boolean ack = p.hasFlag(Packet.ACK);
        if (syn && ack) {
            if (fromOrigin) {
                synAckFromOrigin = true;
            } else {
                synAckFromReply = true;
            }
        }
        // The handshake completes with an ACK (no SYN) answering the other side's SYN-ACK.
        if (ack && !syn && (fromOrigin ? synAckFromReply : synAckFromOrigin)) {
            established = true;
        }
        if (p.hasFlag(Packet.FIN)) {
            if (fromOrigin) {
                finFromOrigin = true;
            } else {
                finFromReply = true;
            }
        }
        // Decision: the linger runs from the first closing event; later packets do not extend it.
        if (closingSinceNanos < 0 && (p.hasFlag(Packet.RST) || (finFromOrigin && finFromReply))) {
            closingSinceNanos = nowNanos;
        }
    }

    /**
     * A UDP flow becomes a stream after its second request/response exchange: traffic from the
     * initiator after a reply, then a reply again.
     */
    private void updateUdp(boolean fromOrigin) {
        if (fromOrigin) {
            if (replied) {
                originAfterReply = true;
            }
        } else {
            if (originAfterReply) {
                stream = true;
            }
            replied = true;
        }
    }

    /** The idle timeout in force for this entry now, in seconds. */
    long timeoutSeconds(ConnTrackConfig cfg) {
        return switch (protocol) {
            case Protocols.TCP -> established ? cfg.tcpEstablishedTimeout() : ConnTrackConfig.TCP_UNESTABLISHED_TIMEOUT;
            case Protocols.UDP -> stream ? cfg.udpStreamTimeout() : cfg.udpTimeout();
            case Protocols.ICMP, Protocols.ICMPV6 -> ConnTrackConfig.ICMP_TIMEOUT;
            default -> ConnTrackConfig.OTHER_PROTOCOL_TIMEOUT;
        };
    }

    boolean expired(long nowNanos, ConnTrackConfig cfg, long lingerNanos) {
        if (closingSinceNanos >= 0 && nowNanos - closingSinceNanos >= lingerNanos) {
            return true;
        }
        return nowNanos - lastSeenNanos >= timeoutSeconds(cfg) * NANOS;
    }

    boolean established() {
        return established;
    }

    boolean stream() {
        return stream;
    }

    boolean closing() {
        return closingSinceNanos >= 0;
    }
}
