package io.sgemu.control.load;

import io.sgemu.dataplane.net.HostPort;

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

    /** {@code HOST:PORT} or {@code [IPV6]:PORT}; {@code what} names it in error messages. */
    public static InetSocketAddress hostPort(String s, String what) {
        return HostPort.parse(s, what);
    }

    @Override
    public String toString() {
        return encapsulation.scheme() + "://" + address.getHostString() + ":" + address.getPort();
    }
}
