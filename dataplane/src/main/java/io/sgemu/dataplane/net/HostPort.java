package io.sgemu.dataplane.net;

import java.net.InetSocketAddress;

/** Socket addresses as users write them on a command line: {@code HOST:PORT}, {@code [IPV6]:PORT}. */
public final class HostPort {

    private HostPort() {
    }

    /**
     * @param what names the value in error messages (e.g. {@code "--admin address '1.2.3.4'"})
     * @throws IllegalArgumentException with a message for the user when the text is not of that form, the port is
     *                                  not 0..65535, or the host does not resolve
     */
    public static InetSocketAddress parse(String text, String what) {
        int colon = text == null ? -1 : text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("the " + what + " needs HOST:PORT");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
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
}
