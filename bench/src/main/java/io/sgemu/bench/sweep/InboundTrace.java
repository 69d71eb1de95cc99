package io.sgemu.bench.sweep;

import io.sgemu.bench.ClassificationRuleSet;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.World;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Inbound IPv4 packet headers from outside the world to its ENIs, struct of arrays, a power of two long
 * (a cursor wraps with a mask). Sources are never in 10.0.0.0/8 (the worlds' VPC), so that every classifier
 * sees an external source in no group.
 */
public final class InboundTrace {

    public final int[] dst;
    public final int[] src;
    public final int[] protocol;
    public final int[] dstPort;
    public final int[] icmpType;
    public final int[] icmpCode;
    public final int mask;

    private InboundTrace(int n) {
        dst = new int[n];
        src = new int[n];
        protocol = new int[n];
        dstPort = new int[n];
        icmpType = new int[n];
        icmpCode = new int[n];
        mask = n - 1;
    }

    public int size() {
        return dst.length;
    }

    /** The header trace of a classification rule set, to its one ENI at {@code destination}. */
    public static InboundTrace of(ClassificationRuleSet set, int destination, int size) {
        InboundTrace t = new InboundTrace(size);
        for (int i = 0; i < size; i++) {
            int k = i % set.headers();
            t.dst[i] = destination;
            t.src[i] = external((int) set.src[k]);
            t.protocol[i] = set.protocol[k];
            t.dstPort[i] = set.dstPort[k];
            t.icmpType[i] = set.icmpType[k];
            t.icmpCode[i] = set.icmpCode[k];
        }
        return t;
    }

    /**
     * {@code size} packets to random ENIs of {@code world}: 90% drawn inside a random inbound CIDR rule of the
     * ENI's groups (source in the peer, port in the range), the rest random TCP.
     */
    public static InboundTrace of(World world, int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<NetworkInterface> enis = new ArrayList<>(world.networkInterfaces().values());
        InboundTrace t = new InboundTrace(size);
        for (int i = 0; i < size; i++) {
            NetworkInterface eni = enis.get(r.nextInt(enis.size()));
            t.dst[i] = eni.primaryIpv4().v4Bits();
            t.src[i] = external(r.nextInt());
            t.protocol[i] = 6;
            t.dstPort[i] = r.nextInt(65536);
            t.icmpType[i] = -1;
            t.icmpCode[i] = -1;
            if (r.nextInt(10) == 0 || eni.groupIds().isEmpty()) {
                continue;
            }
            SecurityGroup g = world.securityGroups().get(eni.groupIds().get(r.nextInt(eni.groupIds().size())));
            if (g == null || g.ingress().isEmpty()) {
                continue;
            }
            SgRule rule = g.ingress().get(r.nextInt(g.ingress().size()));
            if (rule.peer() instanceof Peer.CidrPeer c && c.cidr().family() == 4) {
                int length = c.cidr().prefixLength();
                int m = length == 0 ? 0 : -1 << (32 - length);
                t.src[i] = external((c.cidr().network().v4Bits() & m) | (r.nextInt() & ~m));
            }
            switch (rule.protocol()) {
                case 6, 17 -> {
                    int from = rule.fromPort() < 0 ? 0 : rule.fromPort();
                    int to = rule.toPort() < 0 ? 65535 : rule.toPort();
                    t.protocol[i] = rule.protocol();
                    t.dstPort[i] = from + r.nextInt(to - from + 1);
                }
                case 1 -> {
                    t.protocol[i] = 1;
                    t.dstPort[i] = -1;
                    t.icmpType[i] = rule.fromPort() < 0 ? 8 : rule.fromPort();
                    t.icmpCode[i] = rule.toPort() < 0 ? 0 : rule.toPort();
                }
                default -> {
                    // all protocols or another number: a TCP packet to a random port
                }
            }
        }
        return t;
    }

    /** {@code a}, moved out of 10.0.0.0/8 (to 11.0.0.0/8) when inside it. */
    static int external(int a) {
        return (a >>> 24) == 10 ? a ^ (1 << 24) : a;
    }
}
