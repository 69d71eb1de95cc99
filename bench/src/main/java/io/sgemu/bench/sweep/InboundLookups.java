package io.sgemu.bench.sweep;

import io.sgemu.control.model.World;
import io.sgemu.control.reference.EvaluatorSettings;
import io.sgemu.control.reference.Packet;
import io.sgemu.control.reference.ReferenceEvaluator;
import io.sgemu.dataplane.net.IpAddress;
import io.sgemu.dataplane.policy.Policy;
import io.sgemu.dataplane.policy.PolicySnapshot;

/**
 * The three classifiers the policy sweeps compare, judging the packets of an {@link InboundTrace}: each
 * returns the number it allowed (a checksum the timer keeps).
 */
public final class InboundLookups {

    private InboundLookups() {
    }

    /**
     * The compiled policy, as the fast path asks it for an inbound packet: the destination address to its ENI
     * (hash lookup), the source's identity (none for an external source, but looked up as the path does),
     * the subnet's network ACL, then the ENI's security groups.
     */
    public static BatchTimer.Lookups compiled(PolicySnapshot p, InboundTrace t) {
        return (from, count) -> {
            long allowed = 0;
            int m = t.mask;
            for (int k = 0; k < count; k++) {
                int i = (int) (from + k) & m;
                long dst = t.dst[i] & 0xFFFF_FFFFL;
                long src = t.src[i] & 0xFFFF_FFFFL;
                int entry = p.findAddress(4, 0, dst);
                if (entry < 0) {
                    continue;
                }
                int eni = p.addressEni(entry);
                int source = p.findAddress(4, 0, src);
                int identity = source < 0 ? Policy.NONE : p.identity(source);
                if (p.networkAclAllows(p.eniSubnet(eni), false, 4, 0, src, t.protocol[i], t.dstPort[i], t.icmpType[i],
                        t.icmpCode[i])
                        && p.securityGroupAllows(eni, false, 4, 0, src, identity, t.protocol[i], t.dstPort[i],
                        t.icmpType[i], t.icmpCode[i])) {
                    allowed++;
                }
            }
            return allowed;
        };
    }

    /** The linear scan: every ENI's address, then the ENI's rules, first match. */
    public static BatchTimer.Lookups linear(LinearScanClassifier c, InboundTrace t) {
        return (from, count) -> {
            long allowed = 0;
            int m = t.mask;
            for (int k = 0; k < count; k++) {
                int i = (int) (from + k) & m;
                if (c.allows(t.dst[i], t.src[i], t.protocol[i], t.dstPort[i], t.icmpType[i], t.icmpCode[i])) {
                    allowed++;
                }
            }
            return allowed;
        };
    }

    /**
     * The reference evaluator, the whole evaluation of each packet (address book, NACLs, security groups,
     * its connection table). Every packet is a new flow (its own source port; TCP packets are SYNs) and its
     * clock runs 1 s per packet, so that the evaluator's connection table expires flows and stays small.
     */
    public static BatchTimer.Lookups reference(World world, InboundTrace t) {
        ReferenceEvaluator ref = new ReferenceEvaluator(world, EvaluatorSettings.DEFAULT);
        return (from, count) -> {
            long allowed = 0;
            int m = t.mask;
            for (int k = 0; k < count; k++) {
                long n = from + k;
                int i = (int) n & m;
                int protocol = t.protocol[i];
                boolean ports = protocol == 6 || protocol == 17;
                Packet p = new Packet(1_700_000_000_000_000_000L + n * 1_000_000_000L, protocol,
                        IpAddress.v4(t.src[i]), IpAddress.v4(t.dst[i]), ports ? 1024 + (int) (n % 60_000) : -1,
                        ports ? t.dstPort[i] : -1, t.icmpType[i], t.icmpCode[i], protocol == 1 ? (int) (n & 0xFFFF) : -1,
                        protocol == 6 ? Packet.SYN : -1, 60);
                if (ref.evaluate(p).action() == io.sgemu.control.reference.Action.ACCEPT) {
                    allowed++;
                }
            }
            return allowed;
        };
    }
}
