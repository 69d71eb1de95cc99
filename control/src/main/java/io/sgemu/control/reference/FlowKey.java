package io.sgemu.control.reference;

import io.sgemu.control.model.Protocols;
import io.sgemu.dataplane.net.IpAddress;

/**
 * The identity of a flow on one ENI (SEMANTICS.md section 3), the same for both directions: the two
 * endpoints are stored in a fixed order. TCP/UDP endpoints carry their ports; ICMP echo request and
 * reply carry the echo identifier in place of both ports; every other ICMP message and every other
 * protocol carry {@code -1} (addresses + protocol only).
 */
record FlowKey(int protocol, IpAddress lowAddress, int lowPort, IpAddress highAddress, int highPort) {

    /**
     * The key of a packet as the ENI sees it: {@code src} and {@code dst} must already be the ENI's view
     * ({@link AddressBook#ownView}), so a packet to the ENI's public IP and its reply share one key.
     */
    static FlowKey of(Packet p, IpAddress src, IpAddress dst) {
        int sp;
        int dp;
        if (Protocols.hasPorts(p.protocol())) {
            sp = p.srcPort();
            dp = p.dstPort();
        } else if (p.isIcmpEcho()) {
            sp = p.icmpId();
            dp = p.icmpId();
        } else {
            sp = -1;
            dp = -1;
        }
        int c = src.compareTo(dst);
        if (c < 0 || (c == 0 && sp <= dp)) {
            return new FlowKey(p.protocol(), src, sp, dst, dp);
        }
        return new FlowKey(p.protocol(), dst, dp, src, sp);
    }
}
