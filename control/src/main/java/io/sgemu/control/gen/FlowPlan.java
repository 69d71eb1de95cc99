package io.sgemu.control.gen;

import io.sgemu.control.model.Protocols;
import io.sgemu.dataplane.net.IpAddress;

/**
 * The flows of a capture to generate, in primitive arrays (one entry per flow, indexed by popularity
 * rank: flow 0 is the most popular): who talks to whom, how, how many packets and when. Its size grows
 * with the number of flows, never with the number of packets.
 */
public final class FlowPlan {

    /** One flow, for reports and tests. {@code clientPort} is the echo identifier for ICMP; ports are -1 there. */
    public record Flow(int protocol, IpAddress client, int clientPort, IpAddress server, int serverPort, boolean blocked,
                       boolean tcpHandshake, int packets) {
    }

    final GenSettings settings;
    final AddressRegistry addresses;
    final int size;
    final byte[] kind;
    final int[] client;
    final int[] server;
    final int[] clientPort;
    final int[] serverPort;
    final short[] request;
    final short[] response;
    final int[] count;
    final long[] start;
    final long[] gap;
    long durationNanos;
    long flowChecks;

    FlowPlan(GenSettings settings, AddressRegistry addresses) {
        this.settings = settings;
        this.addresses = addresses;
        this.size = settings.flows();
        kind = new byte[size];
        client = new int[size];
        server = new int[size];
        clientPort = new int[size];
        serverPort = new int[size];
        request = new short[size];
        response = new short[size];
        count = new int[size];
        start = new long[size];
        gap = new long[size];
    }

    public GenSettings settings() {
        return settings;
    }

    public int flows() {
        return size;
    }

    public Flow flow(int i) {
        byte k = kind[i];
        boolean icmp = k == FlowShape.ICMP_ECHO || k == FlowShape.BLOCKED_ICMP;
        IpAddress c = addresses.get(client[i]);
        return new Flow(protocol(i), c, clientPort[i], addresses.get(server[i]), icmp ? -1 : serverPort[i],
                FlowShape.blocked(k), k == FlowShape.TCP_FIN || k == FlowShape.TCP_RST, count[i]);
    }

    int protocol(int i) {
        return switch (kind[i]) {
            case FlowShape.TCP_FIN, FlowShape.TCP_RST, FlowShape.BLOCKED_TCP -> Protocols.TCP;
            case FlowShape.UDP, FlowShape.BLOCKED_UDP -> Protocols.UDP;
            default -> addresses.get(client[i]).isV4() ? Protocols.ICMP : Protocols.ICMPV6;
        };
    }

    /** Packets of the blocked attempts. */
    public long blockedPackets() {
        long n = 0;
        for (int i = 0; i < size; i++) {
            if (FlowShape.blocked(kind[i])) {
                n += count[i];
            }
        }
        return n;
    }

    public int blockedFlows() {
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (FlowShape.blocked(kind[i])) {
                n++;
            }
        }
        return n;
    }

    /** How long the capture lasts, from its start to its last packet at most. */
    public long durationNanos() {
        return durationNanos;
    }

    /** How many flows the reference evaluator judged while planning (the rest shared a judged flow's answer). */
    public long flowChecks() {
        return flowChecks;
    }
}
