package io.sgemu.dataplane.pipeline;

import io.sgemu.dataplane.conntrack.ConnTrackWorker;
import io.sgemu.dataplane.flowlog.FastFlowLogAggregator;
import io.sgemu.dataplane.packet.DecodedPacket;
import io.sgemu.dataplane.policy.Policy;

/**
 * The four stages of SEMANTICS.md section 5 on the fast path, for one worker: a packet, a compiled
 * {@link Policy}, this worker's handle on the shared connection-tracking table, its counters and its
 * flow-log aggregator. Nothing is allocated per packet.
 *
 * <p>It gives the reference evaluator's answers (control's {@code ReferenceEvaluator}), decision for
 * decision: the differential tests hold it to that. Where it may differ, it says so: a packet that would
 * create a tracked connection when the table has no free slot is refused at the
 * {@code conntrack-allowance} stage (the reference has no table size), and with several workers the
 * allowance is counted per worker clock (see {@code ConnTrackWorker}).
 *
 * <p>Not thread-safe: one judge per worker thread. The policy may be replaced between packets
 * ({@link #policy(Policy)}); a packet is judged against one policy.
 */
public final class PacketJudge {

    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int ICMP = 1;
    private static final int ICMPV6 = 58;
    private static final int SYN = 2;
    private static final int RST = 4;

    private Policy policy;
    private final ConnTrackWorker conntrack;
    private final StageCounters counters;
    /** Null when no flow logs are wanted. */
    private final FastFlowLogAggregator flowLogs;
    private long nowNanos = Long.MIN_VALUE;

    // The packet as judged (Packet.from of the reference): ports, ICMP fields and flags cleared on later fragments.
    private int family;
    private int protocol;
    private long srcHi;
    private long srcLo;
    private long dstHi;
    private long dstLo;
    private int srcPort;
    private int dstPort;
    private int icmpType;
    private int icmpCode;
    private int icmpId;
    private int tcpFlags;
    private int length;
    private long timeNanos;
    /** The two addresses as one ENI names them: see {@link #viewOf}. */
    private long viewSrcHi;
    private long viewSrcLo;
    private long viewDstHi;
    private long viewDstLo;
    /** Address entries of both ends ({@link Policy#NONE}: external). */
    private int srcEntry;
    private int dstEntry;
    /** What the packet being judged counted, in {@link #stageLog} form, to repeat for its later fragments. */
    private int stageLog;

    // The verdicts of first fragments, by the slot the dispatcher's FragmentTable gave their datagram
    // (null until fragments are tracked). Written and read by this judge's thread only.
    private int[] fragmentOutcome;
    private int[] fragmentStageLog;
    private int[] fragmentSrcEni;
    private int[] fragmentDstEni;
    private int[] fragmentSrcPort;
    private int[] fragmentDstPort;

    public PacketJudge(Policy policy, ConnTrackWorker conntrack, StageCounters counters, FastFlowLogAggregator flowLogs) {
        this.conntrack = conntrack;
        this.counters = counters;
        this.flowLogs = flowLogs;
        policy(policy);
    }

    /** Keeps the verdicts of first fragments for the {@code capacity} slots of a {@link FragmentTable}. */
    public void trackFragments(int capacity) {
        fragmentOutcome = new int[capacity];
        fragmentStageLog = new int[capacity];
        fragmentSrcEni = new int[capacity];
        fragmentDstEni = new int[capacity];
        fragmentSrcPort = new int[capacity];
        fragmentDstPort = new int[capacity];
    }

    /** Judges later packets against {@code next}. Tracked connections carry over; untracked flows meet the new rules. */
    public void policy(Policy next) {
        boolean changed = policy != null && next != policy && !next.sameTimeouts(policy);
        this.policy = next;
        counters.ensureEnis(next.eniCount());
        if (changed) {
            conntrack.timeoutsChanged();
        }
    }

    public Policy policy() {
        return policy;
    }

    public StageCounters counters() {
        return counters;
    }

    public ConnTrackWorker conntrack() {
        return conntrack;
    }

    /**
     * Judges one decoded frame into {@code out} at the packet's own time (or the latest time this judge
     * has seen, if later). {@code sequence} orders flow-log records across workers (the frame number in a
     * replay).
     */
    public void judge(DecodedPacket d, long sequence, FastVerdict out) {
        judge(d, sequence, d.timeNanos, out);
    }

    /**
     * Judges one decoded frame at {@code clockNanos}: the input's clock, the latest packet time over all
     * workers' packets so far (the reader of a replay keeps it), so that every worker judges at the time
     * the reference would. The clock only moves forward: a packet stamped earlier than one already seen
     * is judged at the latest time seen; its flow-log observation keeps its own time (the aggregator
     * places it).
     */
    public void judge(DecodedPacket d, long sequence, long clockNanos, FastVerdict out) {
        judge(d, sequence, clockNanos, FragmentTable.UNTRACKED, out);
    }

    /**
     * As {@link #judge(DecodedPacket, long, long, FastVerdict)}, for a packet the dispatcher's
     * {@link FragmentTable} has placed: {@code fragmentSlot} is the slot of a fragment's datagram,
     * {@link FragmentTable#ORPHAN} for a later fragment of no tracked datagram, or
     * {@link FragmentTable#UNTRACKED} (not a fragment, or a first fragment the table had no room for).
     * A first fragment's verdict is kept in its slot; a later fragment gets it again (same action, stage
     * and ENIs, counted at the same stages, logged under the first fragment's ports, no connection-
     * tracking update); an orphan is rejected ({@link Verdicts#FRAGMENT_WITHOUT_FIRST}) before any stage.
     * Without a slot a later fragment is judged on its own, as a packet without ports.
     */
    public void judge(DecodedPacket d, long sequence, long clockNanos, int fragmentSlot, FastVerdict out) {
        judgeFrame(d, sequence, clockNanos, fragmentSlot, out);
        // The one exit of every frame: counted once on the ENIs at its ends, whatever the path above took.
        counters.frame(out.srcEni, out.dstEni, out.action);
    }

    private void judgeFrame(DecodedPacket d, long sequence, long clockNanos, int fragmentSlot, FastVerdict out) {
        if (d.status != DecodedPacket.Status.OK) {
            out.set(Verdicts.SKIP, Verdicts.NO_STAGE, Verdicts.reasonCode(d.reason), Policy.NONE, Policy.NONE);
            return;
        }
        load(d);
        if (clockNanos > nowNanos) {
            nowNanos = clockNanos;
        }
        if (timeNanos > nowNanos) {
            nowNanos = timeNanos;
        }
        Policy pol = policy;
        stageLog = 0;
        srcEntry = pol.findAddress(family, srcHi, srcLo);
        dstEntry = pol.findAddress(family, dstHi, dstLo);
        int a = srcEntry == Policy.NONE ? Policy.NONE : pol.addressEni(srcEntry);
        int b = dstEntry == Policy.NONE ? Policy.NONE : pol.addressEni(dstEntry);
        // Reserved traffic is recognised before the ENI check, as the reference does.
        if (pol.isReserved(family, srcHi, srcLo, dstHi, dstLo, protocol, srcPort, dstPort, a, b)) {
            out.set(Verdicts.SKIP, Verdicts.NO_STAGE, Verdicts.RESERVED_ADDRESS, a, b);
            keepIfFirstFragment(d, fragmentSlot, out);
            return;
        }
        if (a == Policy.NONE && b == Policy.NONE) {
            out.set(Verdicts.SKIP, Verdicts.NO_STAGE, Verdicts.NO_ENI, a, b);
            keepIfFirstFragment(d, fragmentSlot, out);
            return;
        }
        if (d.laterFragment && fragmentSlot != FragmentTable.UNTRACKED) {
            if (fragmentSlot == FragmentTable.ORPHAN) {
                out.set(Verdicts.REJECT, Verdicts.NO_STAGE, Verdicts.FRAGMENT_WITHOUT_FIRST, a, b);
            } else {
                repeatFirstFragment(pol, fragmentSlot, sequence, out);
            }
            return;
        }
        boolean sameSubnet = a != Policy.NONE && b != Policy.NONE && pol.eniSubnet(a) == pol.eniSubnet(b);

        int rejected = Verdicts.NO_STAGE;
        if (a != Policy.NONE) {
            rejected = securityGroupStage(pol, a, true);
            if (rejected == Verdicts.NO_STAGE && !sameSubnet) {
                rejected = naclStage(pol, a, true);
            }
        }
        boolean leftA = rejected == Verdicts.NO_STAGE;
        if (b != Policy.NONE && leftA) {
            if (!sameSubnet) {
                rejected = naclStage(pol, b, false);
            }
            if (rejected == Verdicts.NO_STAGE) {
                rejected = securityGroupStage(pol, b, false);
            }
        }
        if (flowLogs != null) {
            if (a != Policy.NONE) {
                observe(pol, a, false, leftA, sequence);
            }
            if (b != Policy.NONE && leftA) {
                observe(pol, b, true, rejected == Verdicts.NO_STAGE, sequence);
            }
        }
        out.set(rejected == Verdicts.NO_STAGE ? Verdicts.ACCEPT : Verdicts.REJECT, rejected, Verdicts.NO_REASON, a, b);
        keepIfFirstFragment(d, fragmentSlot, out);
    }

    private void keepIfFirstFragment(DecodedPacket d, int slot, FastVerdict v) {
        if (!d.firstFragment || slot < 0) {
            return;
        }
        fragmentOutcome[slot] = (v.action & 0xFF) | ((v.stage & 0xFF) << 8) | ((v.reason & 0xFF) << 16);
        fragmentStageLog[slot] = stageLog;
        fragmentSrcEni[slot] = v.srcEni;
        fragmentDstEni[slot] = v.dstEni;
        fragmentSrcPort[slot] = srcPort;
        fragmentDstPort[slot] = dstPort;
    }

    /**
     * A later fragment of the datagram in {@code slot}: the first fragment's verdict, counted at the same
     * stages with this fragment's length, and logged by the same ENIs under the first fragment's ports
     * (no TCP flags: they belong to the first fragment). Connection tracking is not touched.
     */
    private void repeatFirstFragment(Policy pol, int slot, long sequence, FastVerdict out) {
        int outcome = fragmentOutcome[slot];
        int action = (byte) outcome;
        int stage = (byte) (outcome >> 8);
        int reason = (byte) (outcome >> 16);
        int a = fragmentSrcEni[slot];
        int b = fragmentDstEni[slot];
        out.set(action, stage, reason, a, b);
        if (action == Verdicts.SKIP) {
            return;
        }
        int log = fragmentStageLog[slot];
        for (int s = 0; s < Verdicts.STAGE_COUNT; s++) {
            if ((log & (1 << (2 * s))) != 0) {
                int eni = s == Verdicts.CONNTRACK_ALLOWANCE ? ((log & LOG_ALLOWANCE_AT_DESTINATION) != 0 ? b : a)
                        : (s == Verdicts.SG_EGRESS || s == Verdicts.NACL_EGRESS ? a : b);
                counters.stage(eni, s, (log & (2 << (2 * s))) != 0, length);
            }
        }
        if ((log & LOG_ALLOWANCE_EXCEEDED) != 0) {
            counters.countAllowanceExceeded((log & LOG_ALLOWANCE_AT_DESTINATION) != 0 ? b : a);
        }
        if ((log & LOG_TABLE_FULL) != 0) {
            counters.countTableFull((log & LOG_ALLOWANCE_AT_DESTINATION) != 0 ? b : a);
        }
        if (flowLogs != null) {
            srcPort = fragmentSrcPort[slot];
            dstPort = fragmentDstPort[slot];
            tcpFlags = -1;
            boolean leftA = !(stage == Verdicts.SG_EGRESS || stage == Verdicts.NACL_EGRESS
                    || (stage == Verdicts.CONNTRACK_ALLOWANCE && (log & LOG_ALLOWANCE_AT_DESTINATION) == 0));
            if (a != Policy.NONE) {
                observe(pol, a, false, leftA, sequence);
            }
            if (b != Policy.NONE && leftA) {
                observe(pol, b, true, action == Verdicts.ACCEPT, sequence);
            }
        }
    }

    // The stage log: bit 2s, stage s was met; bit 2s+1, it allowed the packet; and the extra counts.
    private static final int LOG_ALLOWANCE_AT_DESTINATION = 1 << 10;
    private static final int LOG_ALLOWANCE_EXCEEDED = 1 << 11;
    private static final int LOG_TABLE_FULL = 1 << 12;

    /** Counts stage {@code stage} on {@code eni} and notes it in the stage log. */
    private void count(int eni, int stage, boolean allowed) {
        counters.stage(eni, stage, allowed, length);
        stageLog |= (allowed ? 3 : 1) << (2 * stage);
    }

    private void load(DecodedPacket d) {
        family = d.ipVersion;
        protocol = d.protocol;
        srcHi = d.srcHi;
        srcLo = d.srcLo;
        dstHi = d.dstHi;
        dstLo = d.dstLo;
        boolean later = d.laterFragment;
        boolean ports = (protocol == TCP || protocol == UDP) && !later;
        boolean icmp = (protocol == ICMP || protocol == ICMPV6) && !later;
        srcPort = ports ? d.srcPort : -1;
        dstPort = ports ? d.dstPort : -1;
        icmpType = icmp ? d.icmpType : -1;
        icmpCode = icmp ? d.icmpCode : -1;
        icmpId = icmp ? d.icmpId : -1;
        tcpFlags = protocol == TCP && !later ? d.tcpFlags : -1;
        length = d.ipLength;
        timeNanos = d.timeNanos;
    }

    /**
     * Stage 1 ({@code egress}) or 4 on ENI {@code eni}: conntrack first, then the rules. Answers the
     * rejecting stage, or {@link Verdicts#NO_STAGE} when the packet passes.
     */
    private int securityGroupStage(Policy pol, int eni, boolean egress) {
        int stage = egress ? Verdicts.SG_EGRESS : Verdicts.SG_INGRESS;
        // The flow as this ENI sees it: its own public IPv4 is its private address.
        viewOf(pol, eni, false);
        long sHi = viewSrcHi;
        long sLo = viewSrcLo;
        long dHi = viewDstHi;
        long dLo = viewDstLo;
        int keySrcPort;
        int keyDstPort;
        if (protocol == TCP || protocol == UDP) {
            keySrcPort = srcPort;
            keyDstPort = dstPort;
        } else if (isIcmpEcho()) {
            keySrcPort = icmpId;
            keyDstPort = icmpId;
        } else {
            keySrcPort = -1;
            keyDstPort = -1;
        }
        // ICMP errors are judged by the rules every time: they neither use nor create entries.
        boolean stateless = isIcmpError();
        if (!stateless) {
            int slot = conntrack.lookup(eni, protocol, family, sHi, sLo, keySrcPort, dHi, dLo, keyDstPort, nowNanos, pol);
            if (slot >= 0) {
                conntrack.update(slot, family, sHi, sLo, keySrcPort, tcpFlags, nowNanos);
                count(eni, stage, true);
                return Verdicts.NO_STAGE;
            }
        }
        int remoteEntry = egress ? dstEntry : srcEntry;
        long rHi = egress ? dstHi : srcHi;
        long rLo = egress ? dstLo : srcLo;
        int remoteIdentity = remoteEntry == Policy.NONE ? Policy.NONE : pol.identity(remoteEntry);
        if (!pol.securityGroupAllows(eni, egress, family, rHi, rLo, remoteIdentity, protocol, dstPort, icmpType, icmpCode)) {
            count(eni, stage, false);
            return stage;
        }
        boolean tracks = pol.tracksEveryFlow(eni) || !pol.untracked(eni, egress, family, rHi, rLo, protocol, srcPort, dstPort);
        boolean rst = protocol == TCP && tcpFlags >= 0 && (tcpFlags & RST) != 0;
        if (tracks && !stateless && !rst) {
            long max = pol.maxTrackedConnections(eni);
            if (max > 0 && conntrack.liveEntries(eni, nowNanos, pol) >= max) {
                count(eni, stage, true);
                counters.countAllowanceExceeded(eni);
                count(eni, Verdicts.CONNTRACK_ALLOWANCE, false);
                stageLog |= LOG_ALLOWANCE_EXCEEDED | (egress ? 0 : LOG_ALLOWANCE_AT_DESTINATION);
                return Verdicts.CONNTRACK_ALLOWANCE;
            }
            if (conntrack.insert(eni, protocol, family, sHi, sLo, keySrcPort, dHi, dLo, keyDstPort, tcpFlags, nowNanos) < 0) {
                count(eni, stage, true);
                counters.countTableFull(eni);
                count(eni, Verdicts.CONNTRACK_ALLOWANCE, false);
                stageLog |= LOG_TABLE_FULL | (egress ? 0 : LOG_ALLOWANCE_AT_DESTINATION);
                return Verdicts.CONNTRACK_ALLOWANCE;
            }
        }
        count(eni, stage, true);
        return Verdicts.NO_STAGE;
    }

    /** Stage 2 ({@code egress}, the source's subnet) or 3 (the destination's subnet). */
    private int naclStage(Policy pol, int eni, boolean egress) {
        int stage = egress ? Verdicts.NACL_EGRESS : Verdicts.NACL_INGRESS;
        long rHi = egress ? dstHi : srcHi;
        long rLo = egress ? dstLo : srcLo;
        boolean allowed = pol.networkAclAllows(pol.eniSubnet(eni), egress, family, rHi, rLo, protocol, dstPort, icmpType, icmpCode);
        count(eni, stage, allowed);
        return allowed ? Verdicts.NO_STAGE : stage;
    }

    private void observe(Policy pol, int eni, boolean ingress, boolean accept, long sequence) {
        viewOf(pol, eni, true);
        boolean ports = protocol == TCP || protocol == UDP;
        flowLogs.observe(eni, ingress, accept, family, viewSrcHi, viewSrcLo, viewDstHi, viewDstLo, srcHi, srcLo, dstHi, dstLo,
                ports ? Math.max(0, srcPort) : 0, ports ? Math.max(0, dstPort) : 0, protocol,
                protocol == TCP ? Math.max(0, tcpFlags) : 0, length, timeNanos, sequence);
    }

    /**
     * The packet's two addresses as ENI {@code eni} names them, into the {@code view*} fields: its own
     * addresses as it sees them ({@code logged == false}: a public IPv4 becomes its private address) or as
     * it logs them ({@code logged}: then a secondary private IPv4 becomes the primary); other hosts'
     * addresses as they are.
     */
    private void viewOf(Policy pol, int eni, boolean logged) {
        viewSrcHi = srcHi;
        viewSrcLo = srcLo;
        viewDstHi = dstHi;
        viewDstLo = dstLo;
        if (srcEntry != Policy.NONE && pol.addressEni(srcEntry) == eni) {
            viewSrcHi = logged ? pol.loggedHi(srcEntry) : pol.ownViewHi(srcEntry);
            viewSrcLo = logged ? pol.loggedLo(srcEntry) : pol.ownViewLo(srcEntry);
        }
        if (dstEntry != Policy.NONE && pol.addressEni(dstEntry) == eni) {
            viewDstHi = logged ? pol.loggedHi(dstEntry) : pol.ownViewHi(dstEntry);
            viewDstLo = logged ? pol.loggedLo(dstEntry) : pol.ownViewLo(dstEntry);
        }
    }

    private boolean isIcmpEcho() {
        if (protocol == ICMP) {
            return icmpType == 8 || icmpType == 0;
        }
        return protocol == ICMPV6 && (icmpType == 128 || icmpType == 129);
    }

    /** ICMP destination unreachable, source quench, redirect, time exceeded, parameter problem; ICMPv6 types below 128. */
    private boolean isIcmpError() {
        if (protocol == ICMP) {
            return icmpType == 3 || icmpType == 4 || icmpType == 5 || icmpType == 11 || icmpType == 12;
        }
        return protocol == ICMPV6 && icmpType >= 0 && icmpType < 128;
    }

    /** The latest packet time seen. */
    public long nowNanos() {
        return nowNanos;
    }
}
