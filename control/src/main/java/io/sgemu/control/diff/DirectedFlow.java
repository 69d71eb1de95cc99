package io.sgemu.control.diff;

import io.sgemu.control.model.Protocols;
import io.sgemu.control.reference.Packet;
import io.sgemu.dataplane.net.IpAddress;

/**
 * A flow as the packets show it, one direction: protocol, source, destination and ports ({@code -1} when
 * the protocol has none, or for a later fragment). A request and its reply are two flows: each may change
 * on its own (a NACL, being stateless, can drop only the replies).
 */
public record DirectedFlow(int protocol, IpAddress src, IpAddress dst, int srcPort, int dstPort)
        implements Comparable<DirectedFlow> {

    public static DirectedFlow of(Packet p) {
        return new DirectedFlow(p.protocol(), p.src(), p.dst(), p.srcPort(), p.dstPort());
    }

    /** {@code tcp 10.0.2.11:43210 -> 10.0.3.20:5432}, {@code udp [2600::1]:53 -> ...}, {@code icmp 10.0.0.1 -> 10.0.0.2}. */
    public String text() {
        String proto = Protocols.name(protocol);
        if (srcPort >= 0) {
            return proto + " " + hostPort(src, srcPort) + " -> " + hostPort(dst, dstPort);
        }
        return proto + " " + src + " -> " + dst;
    }

    /** An address and port as URLs write them: IPv6 addresses in brackets. */
    public static String hostPort(IpAddress host, int port) {
        String h = host.toString();
        return h.indexOf(':') >= 0 ? "[" + h + "]:" + port : h + ":" + port;
    }

    @Override
    public int compareTo(DirectedFlow o) {
        int c = Integer.compare(protocol, o.protocol);
        if (c == 0) {
            c = src.compareTo(o.src);
        }
        if (c == 0) {
            c = dst.compareTo(o.dst);
        }
        if (c == 0) {
            c = Integer.compare(srcPort, o.srcPort);
        }
        return c != 0 ? c : Integer.compare(dstPort, o.dstPort);
    }
}
