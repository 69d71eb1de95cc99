package io.sgemu.dataplane.io;

import java.util.Locale;

/**
 * One {@code --listen} URI: {@code udp://HOST:PORT}, {@code vxlan://HOST[:PORT]} or
 * {@code geneve://HOST[:PORT]}. HOST is a name, an IPv4 address or a bracketed IPv6 address
 * ({@code [::1]}); PORT 0 asks the system for a free port (the bound port is then known after start).
 *
 * <pre>{@code
 * ListenerUri.parse("vxlan://0.0.0.0")        // VXLAN on 0.0.0.0:4789
 * ListenerUri.parse("udp://127.0.0.1:0")       // raw IP packets in UDP on an ephemeral port
 * ListenerUri.parse("geneve://[::1]:16081")
 * }</pre>
 */
public record ListenerUri(TunnelKind kind, String host, int port) {

    public ListenerUri {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not 0..65535");
        }
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException with a message naming the problem (and the URI)
     */
    public static ListenerUri parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty listener URI: expected udp://HOST:PORT, vxlan://HOST[:PORT] "
                    + "or geneve://HOST[:PORT]");
        }
        int sep = text.indexOf("://");
        if (sep < 0) {
            throw new IllegalArgumentException("'" + text + "': expected SCHEME://HOST[:PORT] with scheme udp, vxlan or geneve");
        }
        String scheme = text.substring(0, sep).toLowerCase(Locale.ROOT);
        TunnelKind kind = switch (scheme) {
            case "udp" -> TunnelKind.UDP;
            case "vxlan" -> TunnelKind.VXLAN;
            case "geneve" -> TunnelKind.GENEVE;
            default -> throw new IllegalArgumentException("'" + text + "': unknown scheme '" + scheme
                    + "' (udp, vxlan or geneve)");
        };
        String rest = text.substring(sep + 3);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        if (rest.contains("/") || rest.contains("?") || rest.contains("@")) {
            throw new IllegalArgumentException("'" + text + "': only HOST[:PORT] may follow " + scheme + "://");
        }
        String host;
        String portText = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + text + "': unclosed '[' in an IPv6 address");
            }
            host = rest.substring(1, close);
            String after = rest.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw new IllegalArgumentException("'" + text + "': expected ':PORT' after the IPv6 address");
                }
                portText = after.substring(1);
            }
        } else {
            int colon = rest.lastIndexOf(':');
            if (colon >= 0 && rest.indexOf(':') != colon) {
                throw new IllegalArgumentException("'" + text + "': write an IPv6 address in brackets, e.g. "
                        + scheme + "://[::1]:" + Math.max(0, kind.defaultPort()));
            }
            host = colon < 0 ? rest : rest.substring(0, colon);
            portText = colon < 0 ? null : rest.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "': no host (use 0.0.0.0 for every interface)");
        }
        int port;
        if (portText == null) {
            if (kind.defaultPort() < 0) {
                throw new IllegalArgumentException("'" + text + "': " + scheme + ":// needs a port, e.g. "
                        + scheme + "://" + host + ":4000");
            }
            port = kind.defaultPort();
        } else {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "': port '" + portText + "' is not a number");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("'" + text + "': port " + port + " is not 0..65535");
            }
        }
        return new ListenerUri(kind, host, port);
    }

    /** The URI with {@code boundPort} in place of the port (the real port when 0 was asked for). */
    public String toString(int boundPort) {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return kind.scheme() + "://" + h + ":" + boundPort;
    }

    @Override
    public String toString() {
        return toString(port);
    }
}
