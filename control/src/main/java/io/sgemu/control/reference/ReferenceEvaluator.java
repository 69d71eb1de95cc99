package io.sgemu.control.reference;

import io.sgemu.control.model.ConnTrackConfig;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.flowlog.FlowObservation;
import io.sgemu.dataplane.net.IpAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The reference evaluator: a plain reading of SEMANTICS.md sections 2 to 5 (and the per-ENI flow-log
 * observations of section 6) over the model. It is the oracle the fast dataplane is tested against, so
 * it favours being obviously right over being fast, and it is deterministic: the same world and the
 * same packets give the same verdicts, whatever the order of groups, rules or NACL entries.
 *
 * <p>A packet from A to B meets, in order: {@code sg-egress} of A (if A is an ENI), {@code nacl-egress}
 * of A's subnet and {@code nacl-ingress} of B's subnet (unless A and B share a subnet), and
 * {@code sg-ingress} of B (if B is an ENI). The first stage that rejects decides; later stages are not
 * evaluated.
 *
 * <p>The clock is the packets' capture time and only moves forward: a packet older than one already
 * seen is judged at the latest time seen. Not thread-safe: one evaluator judges one packet sequence.
 *
 * <p>Decisions taken where SEMANTICS.md is silent (each is repeated where it is implemented):
 * <ul>
 *   <li>an entry created by stage 1 stays when stage 2, 3 or 4 rejects the packet (it did leave A);</li>
 *   <li>ICMP error messages neither create nor use tracked connections: always judged by rules;</li>
 *   <li>an entry is gone once its idle time reaches the timeout; the close linger runs from the first
 *       RST (or second FIN) and is not extended by later packets; timeouts are read from the ENI's
 *       configuration in force at the time;</li>
 *   <li>a packet refused by the allowance shows its SG stage as allowed, then
 *       {@link Stage#CONNTRACK_ALLOWANCE} as the rejecting stage;</li>
 *   <li>reserved traffic is recognised before "no ENI"; DHCP needs both ports 67 and 68;</li>
 *   <li>a packet to an ENI's public IP is seen by that ENI as addressed to the private address the IP
 *       maps to (conntrack key, flow-log {@code dstaddr}); the remote address is taken as it is in the
 *       packet (no source NAT is modelled);</li>
 *   <li>the same-subnet rule uses the resolved ENIs' subnets, whatever address the packet carries;</li>
 *   <li>IP fragments ({@link #evaluate(Packet, Fragment)}): a later fragment gets the verdict of its
 *       datagram's first fragment (same action, stage and ENIs; counted again at the same stages with its
 *       own length; logged by the same ENIs under the first fragment's ports, without TCP flags; no
 *       connection-tracking update); a later fragment whose first fragment is not remembered is rejected
 *       before any stage ({@link #FRAGMENT_WITHOUT_FIRST}: not counted at a stage, not logged), after the
 *       reserved-address and no-ENI checks, which still skip it;</li>
 *   <li>a later fragment judged without fragment information ({@link #evaluate(Packet)}) matches only
 *       rules and NACL entries that cover every port, and is a flow of its own (ports -1) to connection
 *       tracking;</li>
 *   <li>the tracked connections of an ENI that leaves the world are dropped.</li>
 * </ul>
 */
public final class ReferenceEvaluator {

    static final String CONNTRACK = "conntrack (tracked connection)";
    static final String SAME_SUBNET = "same subnet: no NACL";
    /** The reason of a later fragment whose first fragment was not seen (or is no longer remembered). */
    public static final String FRAGMENT_WITHOUT_FIRST = "fragment-without-first";

    private static final long NANOS = 1_000_000_000L;
    /** How often (capture time) every table is purged of expired entries, to bound memory. */
    private static final long SWEEP_INTERVAL_NANOS = 10 * NANOS;

    private final EvaluatorSettings settings;
    private final long lingerNanos;
    private AddressBook book;
    private SecurityGroupRules sgRules;
    private final Map<String, ConnTrackTable> tables = new HashMap<>();
    private final Map<String, Tally> tallies = new HashMap<>();
    private final FragmentTable fragments;
    private long nowNanos = Long.MIN_VALUE;
    private long lastSweepNanos = Long.MIN_VALUE;

    public ReferenceEvaluator(World world, EvaluatorSettings settings) {
        this.settings = settings == null ? EvaluatorSettings.DEFAULT : settings;
        this.lingerNanos = this.settings.tcpCloseLingerSeconds() * NANOS;
        this.fragments = new FragmentTable(this.settings.fragmentTableSize(), this.settings.fragmentTimeoutNanos());
        setWorld(world);
    }

    /**
     * Replaces the world. Tracked connections are kept (they survive rule and group-list changes until
     * they time out); untracked flows meet the new rules on their next packet; NACLs apply at once.
     * Decision: the tracked connections of an ENI that is no longer in the world are dropped with it
     * (its counters stay).
     */
    public void setWorld(World w) {
        if (w == null) {
            throw new IllegalArgumentException("world must not be null");
        }
        this.book = new AddressBook(w, settings.region());
        this.sgRules = new SecurityGroupRules(book);
        tables.keySet().retainAll(w.networkInterfaces().keySet());
    }

    public World world() {
        return book.world();
    }

    public EvaluatorSettings settings() {
        return settings;
    }

    /** Judges one packet at its capture time (or the latest time seen, if later). */
    public Verdict evaluate(Packet p) {
        return evaluate(p, Fragment.NONE);
    }

    /**
     * Judges one packet that may be a fragment of an IP datagram: a later fragment gets the verdict of its
     * datagram's first fragment (see the class comment).
     */
    public Verdict evaluate(Packet p, Fragment fragment) {
        nowNanos = Math.max(nowNanos, p.timeNanos());
        sweepIfDue();

        NetworkInterface a = book.eniOf(p.src());
        NetworkInterface b = book.eniOf(p.dst());
        String aId = a == null ? null : a.id();
        String bId = b == null ? null : b.id();
        // Decision: reserved traffic is recognised before the ENI check, so a packet between an unknown
        // host and 169.254.169.254 reads "reserved-address" rather than "no-eni".
        FragmentTable.Key datagram = fragment.isFragment()
                ? new FragmentTable.Key(p.src(), p.dst(), p.protocol(), fragment.id()) : null;
        if (ReservedAddresses.isReserved(p, a, b, book)) {
            return remembered(datagram, fragment, Verdict.skip(Verdict.RESERVED_ADDRESS, aId, bId));
        }
        if (a == null && b == null) {
            return remembered(datagram, fragment, Verdict.skip(Verdict.NO_ENI, null, null));
        }
        if (fragment.later()) {
            FragmentTable.First first = fragments.lookup(datagram, nowNanos);
            if (first == null) {
                return new Verdict(Action.REJECT, null, FRAGMENT_WITHOUT_FIRST, aId, bId, List.of(), List.of());
            }
            return repeat(first, p);
        }
        // Decision: two ENIs share a subnet when their resolved ENIs do, even when the packet is addressed
        // to a public IP (the emulator does not route through an internet gateway).
        boolean sameSubnet = a != null && b != null && a.subnetId().equals(b.subnetId());

        List<StageDecision> trace = new ArrayList<>();
        StageDecision rejection = null;
        if (a != null) {
            // An entry that stage 1 creates stays even when a later stage rejects the packet. Decision:
            // the packet did leave A, so A's security group tracked it, as in AWS; "create no state" in
            // SEMANTICS.md section 5 applies to the stages after the rejecting one.
            rejection = securityGroupStage(a, true, p, trace);
            if (rejection == null) {
                rejection = naclStage(a, true, sameSubnet, p, trace);
            }
        }
        boolean leftA = rejection == null;
        if (b != null && leftA) {
            rejection = naclStage(b, false, sameSubnet, p, trace);
            if (rejection == null) {
                rejection = securityGroupStage(b, false, p, trace);
            }
        }

        List<FlowObservation> observations = new ArrayList<>(2);
        if (a != null) {
            observations.add(observation(a, false, leftA, p));
        }
        if (b != null && leftA) {
            observations.add(observation(b, true, rejection == null, p));
        }
        Verdict v = rejection == null
                ? new Verdict(Action.ACCEPT, null, null, aId, bId, trace, observations)
                : new Verdict(Action.REJECT, rejection.stage(), rejection.decidedBy(), aId, bId, trace, observations);
        return remembered(datagram, fragment, v);
    }

    /**
     * Remembers the verdict of a first fragment for its datagram's later fragments, with the stage decisions
     * it was counted at (its trace without the uncounted same-subnet entries); answers the verdict.
     */
    private Verdict remembered(FragmentTable.Key datagram, Fragment fragment, Verdict v) {
        if (fragment.first()) {
            List<StageDecision> counted = v.trace().stream().filter(d -> !SAME_SUBNET.equals(d.decidedBy())).toList();
            fragments.remember(datagram, new FragmentTable.First(nowNanos, v, counted), nowNanos);
        }
        return v;
    }

    /**
     * A later fragment of a remembered datagram: the first fragment's verdict, counted again at its stages
     * with this fragment's length, and logged again by its ENIs with this fragment's length and time,
     * under the first fragment's ports and without TCP flags. Connection tracking is not touched.
     */
    private Verdict repeat(FragmentTable.First first, Packet p) {
        Verdict v = first.verdict();
        for (StageDecision d : first.counted()) {
            record(new ArrayList<>(1), d, p);
            if (d.stage() == Stage.CONNTRACK_ALLOWANCE) {
                tally(d.eniId()).allowanceExceeded++;
            }
        }
        List<FlowObservation> observations = new ArrayList<>(v.observations().size());
        for (FlowObservation o : v.observations()) {
            observations.add(new FlowObservation(o.eni(), o.ingress(), o.accept(), o.srcaddr(), o.dstaddr(),
                    o.pktSrcaddr(), o.pktDstaddr(), o.srcport(), o.dstport(), o.protocol(), 0, p.length(),
                    p.timeNanos()));
        }
        return new Verdict(v.action(), v.stage(), v.reason(), v.srcEniId(), v.dstEniId(), v.trace(), observations);
    }

    /**
     * Stage 1 ({@code egress}) or 4: conntrack first, then the rules. Returns the rejecting decision, or
     * null when the packet passes. Adds the decisions to the trace and counts them.
     */
    private StageDecision securityGroupStage(NetworkInterface eni, boolean egress, Packet p, List<StageDecision> trace) {
        Stage stage = egress ? Stage.SG_EGRESS : Stage.SG_INGRESS;
        ConnTrackConfig cfg = connTrackConfig(eni);
        ConnTrackTable table = tables.computeIfAbsent(eni.id(), k -> new ConnTrackTable());
        IpAddress src = AddressBook.ownView(eni, p.src());
        IpAddress dst = AddressBook.ownView(eni, p.dst());
        FlowKey key = FlowKey.of(p, src, dst);

        // ICMP error messages are not related to the flows they speak of (SEMANTICS.md section 3).
        // Decision: they are judged by the rules every time, so they neither use nor create entries;
        // otherwise one allowed "fragmentation needed" would open every ICMP error between two hosts.
        boolean stateless = p.isIcmpError();
        TrackedConnection tracked = stateless ? null : table.lookup(key, nowNanos, cfg, lingerNanos);
        if (tracked != null) {
            tracked.update(p, tracked.isFromOrigin(p, src), nowNanos);
            return record(trace, new StageDecision(stage, eni.id(), true, CONNTRACK), p);
        }

        List<SecurityGroupRules.Match> matches = sgRules.matching(eni, egress, p);
        if (matches.isEmpty()) {
            List<String> groups = SecurityGroupRules.groupIds(eni);
            String why = groups.isEmpty() ? "no security group on " + eni.id() : "no rule of " + String.join(", ", groups) + " matched";
            return record(trace, new StageDecision(stage, eni.id(), false, why), p);
        }
        String rule = matches.stream().min(SecurityGroupRules.NAMING_ORDER).orElseThrow().describe();

        boolean tracks = eni.tracksEveryFlow() || !sgRules.untracked(eni, egress, p);
        // An RST never creates an entry (there is nothing left to track).
        boolean creates = tracks && !stateless && !(p.protocol() == Protocols.TCP && p.hasFlag(Packet.RST));
        if (creates) {
            long max = cfg.maxTrackedConnections();
            if (max > 0 && table.size(nowNanos, cfg, lingerNanos) >= max) {
                record(trace, new StageDecision(stage, eni.id(), true, rule), p);
                tally(eni.id()).allowanceExceeded++;
                return record(trace, new StageDecision(Stage.CONNTRACK_ALLOWANCE, eni.id(), false,
                        "allowance of " + max + " tracked connections exhausted"), p);
            }
            table.put(key, new TrackedConnection(p, src, nowNanos));
        }
        return record(trace, new StageDecision(stage, eni.id(), true, rule), p);
    }

    /** Stage 2 ({@code egress}, A's subnet) or 3 (B's subnet). Returns the rejecting decision, or null. */
    private StageDecision naclStage(NetworkInterface eni, boolean egress, boolean sameSubnet, Packet p,
                                    List<StageDecision> trace) {
        Stage stage = egress ? Stage.NACL_EGRESS : Stage.NACL_INGRESS;
        if (sameSubnet) {
            // Not a stage met: shown in the trace, not counted.
            trace.add(new StageDecision(stage, eni.id(), true, SAME_SUBNET));
            return null;
        }
        NetworkAclRules.Decision d = NetworkAclRules.decide(book.world().naclOf(eni.subnetId()), eni.subnetId(), egress, p);
        return record(trace, new StageDecision(stage, eni.id(), d.allowed(), d.decidedBy()), p);
    }

    /** Adds the decision to the trace and the ENI's counters; returns it when it rejects, else null. */
    private StageDecision record(List<StageDecision> trace, StageDecision d, Packet p) {
        trace.add(d);
        Tally t = tally(d.eniId());
        t.stages.merge(d.stage(), EniCounters.StageCounts.ZERO.plus(d.allowed(), p.length()),
                (old, one) -> old.plus(d.allowed(), p.length()));
        return d.allowed() ? null : d;
    }

    private FlowObservation observation(NetworkInterface eni, boolean ingress, boolean accept, Packet p) {
        boolean ports = Protocols.hasPorts(p.protocol());
        return new FlowObservation(book.flowLogEni(eni), ingress, accept,
                AddressBook.logged(eni, p.src()), AddressBook.logged(eni, p.dst()), p.src(), p.dst(),
                ports ? Math.max(0, p.srcPort()) : 0, ports ? Math.max(0, p.dstPort()) : 0,
                p.protocol(), p.protocol() == Protocols.TCP ? Math.max(0, p.tcpFlags()) : 0,
                p.length(), p.timeNanos());
    }

    private static ConnTrackConfig connTrackConfig(NetworkInterface eni) {
        return eni.connTrack() != null ? eni.connTrack() : ConnTrackConfig.DEFAULT;
    }

    private Tally tally(String eniId) {
        return tallies.computeIfAbsent(eniId, k -> new Tally());
    }

    private void sweepIfDue() {
        if (lastSweepNanos != Long.MIN_VALUE && nowNanos - lastSweepNanos < SWEEP_INTERVAL_NANOS) {
            return;
        }
        lastSweepNanos = nowNanos;
        for (Map.Entry<String, ConnTrackTable> e : tables.entrySet()) {
            NetworkInterface eni = book.world().networkInterfaces().get(e.getKey());
            if (eni != null) {
                e.getValue().purge(nowNanos, connTrackConfig(eni), lingerNanos);
            }
        }
    }

    /**
     * The rule or entry behind one decision of a verdict this evaluator gave for {@code p}, as data: the
     * same rule the decision's text names (for a security group the least matching rule by group id, then
     * rule label, as verdicts name it). A pure query of the current world: it reads no tracked connection
     * and changes none, so asking it never alters a later verdict. Ask it before the world is replaced.
     */
    public DecidingRule decidingRule(StageDecision d, Packet p) {
        if (CONNTRACK.equals(d.decidedBy())) {
            return new DecidingRule(DecidingRule.Kind.CONNTRACK, null, null, null, CONNTRACK);
        }
        if (d.stage() == Stage.CONNTRACK_ALLOWANCE) {
            return new DecidingRule(DecidingRule.Kind.ALLOWANCE, null, null, null, d.decidedBy());
        }
        if (SAME_SUBNET.equals(d.decidedBy())) {
            return new DecidingRule(DecidingRule.Kind.SAME_SUBNET, null, null, null, SAME_SUBNET);
        }
        NetworkInterface eni = d.eniId() == null ? null : book.world().networkInterfaces().get(d.eniId());
        if (eni == null) {
            throw new IllegalArgumentException("the decision names " + d.eniId() + ", which this world does not hold");
        }
        boolean egress = d.stage() == Stage.SG_EGRESS || d.stage() == Stage.NACL_EGRESS;
        if (d.stage() == Stage.SG_EGRESS || d.stage() == Stage.SG_INGRESS) {
            List<SecurityGroupRules.Match> matches = sgRules.matching(eni, egress, p);
            if (matches.isEmpty()) {
                return new DecidingRule(DecidingRule.Kind.NO_SG_RULE, String.join(", ", SecurityGroupRules.groupIds(eni)),
                        null, null, d.decidedBy());
            }
            SecurityGroupRules.Match m = matches.stream().min(SecurityGroupRules.NAMING_ORDER).orElseThrow();
            return new DecidingRule(DecidingRule.Kind.SG_RULE, m.groupId(), m.rule().label(), m.rule().description(),
                    m.rule().describe());
        }
        io.sgemu.control.model.NetworkAcl acl = book.world().naclOf(eni.subnetId());
        if (acl == null) {
            return new DecidingRule(DecidingRule.Kind.NO_NACL, eni.subnetId(), null, null, d.decidedBy());
        }
        io.sgemu.control.model.NaclEntry e = NetworkAclRules.decidingEntry(acl, egress, p);
        if (e == null) {
            return new DecidingRule(DecidingRule.Kind.NACL_DEFAULT_DENY, acl.id(), "*", null, "default deny (*)");
        }
        return new DecidingRule(DecidingRule.Kind.NACL_ENTRY, acl.id(), Integer.toString(e.ruleNumber()), null, e.describe());
    }

    /**
     * A snapshot of every ENI's counters, by ENI id: the ENIs of the world and any ENI that has counted
     * packets (even if it has left the world since). Tracked-connection counts are taken at the latest
     * packet time seen.
     */
    public Map<String, EniCounters> counters() {
        TreeSet<String> ids = new TreeSet<>(book.world().networkInterfaces().keySet());
        ids.addAll(tallies.keySet());
        Map<String, EniCounters> out = new TreeMap<>();
        for (String id : ids) {
            Tally t = tallies.getOrDefault(id, new Tally());
            NetworkInterface eni = book.world().networkInterfaces().get(id);
            ConnTrackTable table = tables.get(id);
            int tracked = 0;
            long available = -1;
            if (eni != null) {
                ConnTrackConfig cfg = connTrackConfig(eni);
                tracked = table == null ? 0 : table.size(nowNanos, cfg, lingerNanos);
                long max = cfg.maxTrackedConnections();
                available = max > 0 ? Math.max(0, max - tracked) : -1;
            }
            out.put(id, new EniCounters(id, t.stages, t.allowanceExceeded, available, tracked));
        }
        return out;
    }

    /** The mutable counters of one ENI. */
    private static final class Tally {
        final EnumMap<Stage, EniCounters.StageCounts> stages = new EnumMap<>(Stage.class);
        long allowanceExceeded;
    }
}
