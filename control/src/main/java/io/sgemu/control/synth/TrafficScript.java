package io.sgemu.control.synth;

import io.sgemu.control.model.Protocols;
import io.sgemu.dataplane.net.IpAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A traffic script: one conversation per line, turned into packets by {@link TrafficSynthesizer}.
 *
 * <pre>
 * # at(s)  protocol  from -> to                          shape      [count]
 * 0        tcp       198.51.100.7:50123 -> 54.210.16.10:443  session    3
 * 2.5      tcp       10.0.1.10:40001 -> 10.0.3.20:5432       syn        2
 * 4        udp       10.0.2.11:123 -> 203.0.113.123:123      exchange   1
 * 5        icmp      10.0.2.11 -> 10.0.2.12                  ping       3
 * 6        47        10.0.2.11 -> 10.0.2.12                  oneway     1
 * </pre>
 *
 * Shapes: {@code session N} (TCP handshake, N request/response exchanges, FIN close),
 * {@code session-rst N} (the same, closed by RST), {@code syn N} (N unanswered SYNs, retried 1 s apart),
 * {@code retry N} (N SYNs each answered by a SYN-ACK that never arrives: a lost reply),
 * {@code exchange N} (N request/response pairs: UDP or any protocol), {@code oneway N} (N packets
 * from the first end; unanswered echo requests for ICMP), {@code ping N} (N ICMP echo request/reply pairs, the identifier taken from
 * the line number). Addresses may be IPv6 ({@code [2600:1f18::10]:443}).
 */
public record TrafficScript(List<Conversation> conversations) {

    /** One line of the script. Ports are -1 where the protocol has none. */
    public record Conversation(int line, double atSeconds, int protocol, IpAddress client, int clientPort,
                               IpAddress server, int serverPort, String shape, int count) {
    }

    static final List<String> SHAPES = List.of("session", "session-rst", "syn", "retry", "exchange", "oneway", "ping");

    public static TrafficScript read(Path file) throws IOException {
        return parse(file.getFileName().toString(), Files.readAllLines(file));
    }

    /**
     * @throws IllegalArgumentException whose message names the file and line and says what is wrong
     */
    public static TrafficScript parse(String name, List<String> lines) {
        List<Conversation> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i);
            int hash = text.indexOf('#');
            if (hash >= 0) {
                text = text.substring(0, hash);
            }
            text = text.strip();
            if (text.isEmpty()) {
                continue;
            }
            try {
                out.add(parseLine(i + 1, text));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return new TrafficScript(out);
    }

    /**
     * Parses one flow, {@code PROTOCOL FROM -> TO}, e.g. {@code tcp 10.0.2.11:43210 -> 10.0.3.20:5432}
     * or {@code icmp 10.0.2.11 -> 10.0.2.12}.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static Conversation parseFlow(String text) {
        return parseLine(0, "0 " + text.strip());
    }

    private static Conversation parseLine(int line, String text) {
        String[] t = text.split("\\s+");
        if (t.length < 5 || !t[3].equals("->")) {
            throw new IllegalArgumentException("expected 'AT PROTOCOL FROM -> TO SHAPE [COUNT]', got '" + text + "'");
        }
        double at;
        try {
            at = Double.parseDouble(t[0]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + t[0] + "' is not a time in seconds");
        }
        if (at < 0) {
            throw new IllegalArgumentException("time " + t[0] + " is negative");
        }
        int protocol = Protocols.parse(t[1]);
        if (protocol == Protocols.ALL) {
            throw new IllegalArgumentException("a conversation needs one protocol, not -1");
        }
        Endpoint from = Endpoint.parse(t[2], Protocols.hasPorts(protocol));
        Endpoint to = Endpoint.parse(t[4], Protocols.hasPorts(protocol));
        if (from.address.family() != to.address.family()) {
            throw new IllegalArgumentException("both ends must be of one IP family");
        }
        String shape = t.length > 5 ? t[5].toLowerCase(Locale.ROOT) : defaultShape(protocol);
        if (!SHAPES.contains(shape)) {
            throw new IllegalArgumentException("unknown shape '" + shape + "' (one of " + String.join(", ", SHAPES) + ")");
        }
        if (shape.startsWith("session") || shape.equals("syn") || shape.equals("retry")) {
            if (protocol != Protocols.TCP) {
                throw new IllegalArgumentException("shape " + shape + " is for tcp");
            }
        }
        if (shape.equals("ping") && !Protocols.isIcmp(protocol)) {
            throw new IllegalArgumentException("shape ping is for icmp or icmpv6");
        }
        int count = 1;
        if (t.length > 6) {
            try {
                count = Integer.parseInt(t[6]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + t[6] + "' is not a count");
            }
            if (count < 0 || count > 1_000_000) {
                throw new IllegalArgumentException("count " + count + " out of 0..1000000");
            }
        }
        if (t.length > 7) {
            throw new IllegalArgumentException("unexpected '" + t[7] + "' after the count");
        }
        return new Conversation(line, at, protocol, from.address, from.port, to.address, to.port, shape, count);
    }

    private static String defaultShape(int protocol) {
        return switch (protocol) {
            case Protocols.TCP -> "session";
            case Protocols.ICMP, Protocols.ICMPV6 -> "ping";
            default -> "exchange";
        };
    }

    private record Endpoint(IpAddress address, int port) {
        static Endpoint parse(String text, boolean withPort) {
            String addr = text;
            String port = null;
            if (text.startsWith("[")) {
                int close = text.indexOf(']');
                if (close < 0) {
                    throw new IllegalArgumentException("'" + text + "': missing ]");
                }
                addr = text.substring(1, close);
                if (close + 1 < text.length()) {
                    if (text.charAt(close + 1) != ':') {
                        throw new IllegalArgumentException("'" + text + "' is not [address]:port");
                    }
                    port = text.substring(close + 2);
                }
            } else if (text.indexOf(':') == text.lastIndexOf(':') && text.indexOf(':') >= 0) {
                addr = text.substring(0, text.indexOf(':'));
                port = text.substring(text.indexOf(':') + 1);
            }
            IpAddress a = IpAddress.tryParse(addr);
            if (a == null) {
                throw new IllegalArgumentException("'" + addr + "' is not an IP address");
            }
            if (!withPort) {
                if (port != null) {
                    throw new IllegalArgumentException("'" + text + "': this protocol has no ports");
                }
                return new Endpoint(a, -1);
            }
            if (port == null) {
                throw new IllegalArgumentException("'" + text + "' needs a port");
            }
            int p;
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + port + "' is not a port");
            }
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException(p + " is not a port");
            }
            return new Endpoint(a, p);
        }
    }
}
