package io.sgemu.control.gen;

import io.sgemu.dataplane.packet.PacketBuilder;

/**
 * What each kind of flow sends, packet by packet: the one place that says what packet {@code j} of a
 * flow of {@code count} packets is, used both to write the capture and to check flows against the
 * reference evaluator, so what is checked is what is written.
 *
 * <p>A packet is described by an int: bit 0 set when the client sends it, bits 1..8 the TCP flags,
 * bits 9..10 the payload ({@link #NONE}, {@link #REQUEST}, {@link #RESPONSE}).
 */
final class FlowShape {

    /** A TCP conversation: handshake, request/response/ACK exchanges, FIN both ways and a last ACK. */
    static final byte TCP_FIN = 0;
    /** A TCP conversation that the client ends with an RST. */
    static final byte TCP_RST = 1;
    /** UDP requests and responses. */
    static final byte UDP = 2;
    /** ICMP (or ICMPv6) echo requests and replies. */
    static final byte ICMP_ECHO = 3;
    /** SYNs to a port no rule opens, retried, never answered. */
    static final byte BLOCKED_TCP = 4;
    /** UDP datagrams to a port no rule opens, retried, never answered. */
    static final byte BLOCKED_UDP = 5;
    /** Echo requests nothing lets through, never answered. */
    static final byte BLOCKED_ICMP = 6;

    static final int NONE = 0;
    static final int REQUEST = 1;
    static final int RESPONSE = 2;

    private static final int SYN = PacketBuilder.SYN;
    private static final int ACK = PacketBuilder.ACK;
    private static final int FIN = PacketBuilder.FIN;
    private static final int RST = PacketBuilder.RST;
    private static final int PSH = PacketBuilder.PSH;

    private FlowShape() {
    }

    static boolean blocked(byte kind) {
        return kind >= BLOCKED_TCP;
    }

    /** The fewest packets a flow of this kind can have and still be what it says. */
    static int minPackets(byte kind) {
        return switch (kind) {
            case TCP_FIN -> 6;
            case TCP_RST -> 4;
            case UDP, ICMP_ECHO -> 2;
            default -> 1;
        };
    }

    /** The packets {@link FlowCheck} judges: every kind of packet the flow can send, in its order. */
    static int checkedPackets(byte kind) {
        return switch (kind) {
            case TCP_FIN -> 9;
            case TCP_RST -> 7;
            case UDP, ICMP_ECHO -> 4;
            default -> 3;
        };
    }

    /** Packet {@code j} (0-based) of a flow of {@code count} packets. */
    static int packet(byte kind, int j, int count) {
        switch (kind) {
            case TCP_FIN, TCP_RST -> {
                int close = kind == TCP_FIN ? 3 : 1;
                if (j == 0) {
                    return fwd(SYN, NONE);
                }
                if (j == 1) {
                    return back(SYN | ACK, NONE);
                }
                if (j == 2) {
                    return fwd(ACK, NONE);
                }
                int fromEnd = count - j;
                if (fromEnd <= close) {
                    if (kind == TCP_RST) {
                        return fwd(RST | ACK, NONE);
                    }
                    return fromEnd == 3 ? fwd(FIN | ACK, NONE) : fromEnd == 2 ? back(FIN | ACK, NONE) : fwd(ACK, NONE);
                }
                return switch ((j - 3) % 3) {
                    case 0 -> fwd(PSH | ACK, REQUEST);
                    case 1 -> back(PSH | ACK, RESPONSE);
                    default -> fwd(ACK, NONE);
                };
            }
            case UDP, ICMP_ECHO -> {
                return (j & 1) == 0 ? fwd(0, REQUEST) : back(0, RESPONSE);
            }
            case BLOCKED_TCP -> {
                return fwd(SYN, NONE);
            }
            default -> {
                return fwd(0, REQUEST);
            }
        }
    }

    /**
     * How many requests (data packets of the client) come before packet {@code j} of a TCP flow, and
     * in the low half, how many responses: what the two sequence numbers have counted so far.
     */
    static long exchangedBefore(byte kind, int j, int count) {
        if (kind != TCP_FIN && kind != TCP_RST || j <= 3) {
            return 0;
        }
        int data = count - 3 - (kind == TCP_FIN ? 3 : 1);
        int k = Math.min(j - 3, data);
        return (long) ((k + 2) / 3) << 32 | (k + 1) / 3;
    }

    /** The client's next sequence number when packet {@code j} is sent, counted from its initial one. */
    static long clientSequence(byte kind, int j, int count, int requestBytes) {
        long requests = exchangedBefore(kind, j, count) >>> 32;
        boolean finSent = kind == TCP_FIN && j > count - 3;
        return (j > 0 && kind != BLOCKED_TCP ? 1 : 0) + requests * requestBytes + (finSent ? 1 : 0);
    }

    /** The server's next sequence number when packet {@code j} is sent, counted from its initial one. */
    static long serverSequence(byte kind, int j, int count, int responseBytes) {
        long responses = exchangedBefore(kind, j, count) & 0xFFFF_FFFFL;
        boolean finSent = kind == TCP_FIN && j > count - 2;
        return (j > 1 ? 1 : 0) + responses * responseBytes + (finSent ? 1 : 0);
    }

    static boolean fromClient(int packet) {
        return (packet & 1) != 0;
    }

    static int tcpFlags(int packet) {
        return (packet >>> 1) & 0xFF;
    }

    static int payload(int packet) {
        return packet >>> 9;
    }

    private static int fwd(int flags, int payload) {
        return 1 | flags << 1 | payload << 9;
    }

    private static int back(int flags, int payload) {
        return flags << 1 | payload << 9;
    }
}
