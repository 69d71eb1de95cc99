package io.sgemu.control.load;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where the load goes: {@code udp://HOST:PORT}, {@code vxlan://HOST:PORT} or {@code geneve://HOST:PORT}
 * (IPv6 hosts in brackets).
 */
public record LoadTarget(Encapsulation encapsulation, InetSocketAddress address) {

    public LoadTarget {
        Objects.requireNonNull(encapsulation, "encapsulation");
        Objects.requireNonNull(address, "address");
    }

    /** @throws IllegalArgumentException with a message for the user when {@code uri} is not of that form */
    public static LoadTarget parse(String uri) {
        int sep = uri == null ? -1 : uri.indexOf("://");
        if (sep <= 0) {
            throw new IllegalArgumentException("a target is udp://HOST:PORT, vxlan://HOST:PORT or geneve://HOST:PORT,"
                    + " not '" + uri + "'");
        }
        Encapsulation e;
        try {
            e = Encapsulation.ofScheme(uri.substring(0, sep));
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("the target '" + uri + "' has an " + ex.getMessage());
        }
        return new LoadTarget(e, hostPort(uri.substring(sep + 3), "target '" + uri + "'"));
    }

    /** {@code HOST:PORT} or {@code [IPV6]:PORT}. */
    public static InetSocketAddress hostPort(String s, String what) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("the " + what + " needs HOST:PORT");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("the " + what + " has a port that is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("the " + what + " has a port outside 0..65535");
        }
        InetSocketAddress a = new InetSocketAddress(host, port);
        if (a.isUnresolved()) {
            throw new IllegalArgumentException("the " + what + " names a host that does not resolve: " + host);
        }
        return a;
    }

    @Override
    public String toString() {
        return encapsulation.scheme() + "://" + address.getHostString() + ":" + address.getPort();
    }
}
