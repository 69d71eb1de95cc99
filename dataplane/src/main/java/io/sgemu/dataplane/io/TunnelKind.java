package io.sgemu.dataplane.io;

/**
 * How a listener's datagrams carry packets: the URI scheme of {@code --listen}.
 * <ul>
 *   <li>{@link #UDP}: the datagram's payload is one IP packet (IPv4 or IPv6, by its version nibble);</li>
 *   <li>{@link #VXLAN}: RFC 7348, an 8-byte VXLAN header then an Ethernet frame (default port 4789);</li>
 *   <li>{@link #GENEVE}: RFC 8926, a GENEVE header with options then an Ethernet frame or an IP packet
 *       (default port 6081).</li>
 * </ul>
 */
public enum TunnelKind {
    UDP("udp", -1),
    VXLAN("vxlan", 4789),
    GENEVE("geneve", 6081);

    private final String scheme;
    private final int defaultPort;

    TunnelKind(String scheme, int defaultPort) {
        this.scheme = scheme;
        this.defaultPort = defaultPort;
    }

    public String scheme() {
        return scheme;
    }

    /** The IANA port of the tunnel, or -1 when the scheme has none (a {@code udp://} URI must name its port). */
    public int defaultPort() {
        return defaultPort;
    }

    /** Whether datagrams carry a VNI. */
    public boolean hasVni() {
        return this != UDP;
    }
}
