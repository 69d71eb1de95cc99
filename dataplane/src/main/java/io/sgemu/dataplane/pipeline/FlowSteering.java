package io.sgemu.dataplane.pipeline;

import io.sgemu.dataplane.packet.DecodedPacket;
import io.sgemu.dataplane.policy.Policy;

/**
 * Which worker judges a packet. Everything one worker keeps must see all the packets it concerns:
 * <ul>
 *   <li>a tracked connection: a flow and its replies, and, on an ENI, a flow addressed to the ENI's public
 *   IPv4 and the same flow addressed to its private address (the ENI sees both as one: SEMANTICS.md
 *   section 5, an internet gateway's translation);</li>
 *   <li>a flow-log record: ICMP records carry ports 0, so every ICMP message between two hosts (echo
 *   identifiers and error types alike) belongs to one record.</li>
 * </ul>
 * So the hash is symmetric in the two ends, takes each address as its ENI sees it (public IPv4 mapped
 * to the private address), the ports of TCP and UDP, and nothing more for other protocols.
 */
public final class FlowSteering {

    private static final int TCP = 6;
    private static final int UDP = 17;

    private FlowSteering() {
    }

    /** The worker of {@code d} among {@code workers}; frames without addresses go to worker 0. */
    public static int worker(Policy policy, DecodedPacket d, int workers) {
        return (hash(policy, d) & Integer.MAX_VALUE) % workers;
    }

    static int hash(Policy policy, DecodedPacket d) {
        if (!d.hasAddresses()) {
            return 0;
        }
        long sHi = d.srcHi;
        long sLo = d.srcLo;
        long dHi = d.dstHi;
        long dLo = d.dstLo;
        int e = policy.findAddress(d.ipVersion, sHi, sLo);
        if (e != Policy.NONE && policy.addressIsPublic(e)) {
            sHi = policy.ownViewHi(e);
            sLo = policy.ownViewLo(e);
        }
        e = policy.findAddress(d.ipVersion, dHi, dLo);
        if (e != Policy.NONE && policy.addressIsPublic(e)) {
            dHi = policy.ownViewHi(e);
            dLo = policy.ownViewLo(e);
        }
        long a = mix(sHi, sLo);
        long b = mix(dHi, dLo);
        int pa = 0;
        int pb = 0;
        if ((d.protocol == TCP || d.protocol == UDP) && !d.laterFragment) {
            pa = Math.max(0, d.srcPort);
            pb = Math.max(0, d.dstPort);
        }
        // Symmetric: sums and xors of the two ends' values, never their order.
        long h = (a + b) ^ ((a ^ b) * 0x9E3779B97F4A7C15L) ^ ((long) (pa + pb) << 20)
                ^ ((long) (pa ^ pb) * 0xC2B2AE3D27D4EB4FL) ^ d.protocol;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return (int) h;
    }

    private static long mix(long hi, long lo) {
        long h = hi * 0x9E3779B97F4A7C15L + lo;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return h ^ (h >>> 32);
    }
}
