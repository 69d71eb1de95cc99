package io.sgemu.control.model;

import java.util.Locale;

/** IP protocol numbers and the names AWS uses for them ({@code tcp}, {@code udp}, {@code icmp}, {@code icmpv6}, {@code -1}). */
public final class Protocols {
    public static final int ALL = -1;
    public static final int ICMP = 1;
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int ICMPV6 = 58;

    private Protocols() {
    }

    /**
     * Parses an AWS protocol: a name, a number as text, or {@code -1}/{@code all}.
     *
     * @throws IllegalArgumentException "'xyz' is not a protocol"
     */
    public static int parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("missing protocol");
        }
        switch (text.toLowerCase(Locale.ROOT)) {
            case "-1", "all":
                return ALL;
            case "tcp":
                return TCP;
            case "udp":
                return UDP;
            case "icmp":
                return ICMP;
            case "icmpv6":
                return ICMPV6;
            default:
                break;
        }
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= 0 && n <= 255) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("'" + text + "' is not a protocol");
    }

    public static boolean hasPorts(int protocol) {
        return protocol == TCP || protocol == UDP;
    }

    public static boolean isIcmp(int protocol) {
        return protocol == ICMP || protocol == ICMPV6;
    }

    /** The name AWS prints: tcp, udp, icmp, icmpv6, -1, or the number. */
    public static String name(int protocol) {
        return switch (protocol) {
            case ALL -> "-1";
            case TCP -> "tcp";
            case UDP -> "udp";
            case ICMP -> "icmp";
            case ICMPV6 -> "icmpv6";
            default -> Integer.toString(protocol);
        };
    }
}
