package io.sgemu.dataplane.conntrack;

import io.sgemu.dataplane.net.IpAddress;

/**
 * A packet's flow as the ENI sees it, and the calls of {@link ConnTrackWorker} for it: ports are TCP/UDP
 * ports, the echo identifier (both) for ICMP echo, or -1.
 */
record Flow(int protocol, IpAddress src, int srcPort, IpAddress dst, int dstPort) {

    static Flow of(int protocol, String src, int srcPort, String dst, int dstPort) {
        return new Flow(protocol, IpAddress.parse(src), srcPort, IpAddress.parse(dst), dstPort);
    }

    Flow reverse() {
        return new Flow(protocol, dst, dstPort, src, srcPort);
    }

    int lookup(ConnTrackWorker w, int eni, long nowNanos, ConnTrackTimeouts t) {
        return w.lookup(eni, protocol, src.family(), src.hi(), src.lo(), srcPort, dst.hi(), dst.lo(), dstPort,
                nowNanos, t);
    }

    void update(ConnTrackWorker w, int slot, int tcpFlags, long nowNanos) {
        w.update(slot, src.family(), src.hi(), src.lo(), srcPort, tcpFlags, nowNanos);
    }

    int insert(ConnTrackWorker w, int eni, int tcpFlags, long nowNanos) {
        return w.insert(eni, protocol, src.family(), src.hi(), src.lo(), srcPort, dst.hi(), dst.lo(), dstPort,
                tcpFlags, nowNanos);
    }

    /**
     * The reference's security-group stage for a packet the rules allow: the live entry is used and updated,
     * else (no RST) an entry is created. Returns the slot used or created, or -1.
     */
    int packet(ConnTrackWorker w, int eni, int tcpFlags, long nowNanos, ConnTrackTimeouts t) {
        int slot = lookup(w, eni, nowNanos, t);
        if (slot >= 0) {
            update(w, slot, tcpFlags, nowNanos);
            return slot;
        }
        if (protocol == ConnTrackWorker.TCP && tcpFlags >= 0 && (tcpFlags & ConnTrackWorker.RST) != 0) {
            return -1;
        }
        return insert(w, eni, tcpFlags, nowNanos);
    }

    ReferenceConnTrackModel.Key key(int eni) {
        return ReferenceConnTrackModel.Key.of(eni, protocol, src, srcPort, dst, dstPort);
    }
}
