package io.sgemu.control.diff;

import io.sgemu.control.diff.FlowChange.Direction;
import io.sgemu.control.reference.DecidingRule;
import io.sgemu.control.reference.Stage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What replaying one traffic against two worlds showed: totals per world, and the flows whose verdicts
 * flipped, grouped by the ENI and the rule responsible. The terminal table and the JSON document are both
 * written from this one model, so they always agree.
 */
public final class DiffReport {

    /** Changes first sorted by most packets, then by flow, so listings are stable. */
    static final Comparator<FlowChange> BY_SIZE = Comparator.comparingLong(FlowChange::packets).reversed()
            .thenComparing(c -> c.flow().flow());

    private final String trafficKind;
    private final String trafficName;
    private final long frames;
    private final long flows;
    private final VerdictCounts before;
    private final VerdictCounts after;
    private final long otherChangedPackets;
    private final String captureError;
    private final Map<Direction, List<FlowChange>> changes = new TreeMap<>();

    DiffReport(String trafficKind, String trafficName, long frames, long flows, VerdictCounts before, VerdictCounts after,
               long otherChangedPackets, String captureError, Collection<FlowRecord> records) {
        this.trafficKind = trafficKind;
        this.trafficName = trafficName;
        this.frames = frames;
        this.flows = flows;
        this.before = before;
        this.after = after;
        this.otherChangedPackets = otherChangedPackets;
        this.captureError = captureError;
        for (Direction d : Direction.values()) {
            changes.put(d, new ArrayList<>());
        }
        for (FlowRecord r : records) {
            if (r.newlyRejected != null) {
                changes.get(Direction.NEWLY_REJECTED).add(r.newlyRejected);
            }
            if (r.newlyAccepted != null) {
                changes.get(Direction.NEWLY_ACCEPTED).add(r.newlyAccepted);
            }
        }
        changes.values().forEach(l -> l.sort(BY_SIZE));
    }

    /** {@code pcap}, or another kind of traffic input. */
    public String trafficKind() {
        return trafficKind;
    }

    public String trafficName() {
        return trafficName;
    }

    /** Frames read (judged or skipped) before the end or the break. */
    public long frames() {
        return frames;
    }

    /** Distinct directed flows among the frames that could be judged. */
    public long flows() {
        return flows;
    }

    /** Verdict totals under the old world. */
    public VerdictCounts before() {
        return before;
    }

    /** Verdict totals under the new world. */
    public VerdictCounts after() {
        return after;
    }

    /**
     * Packets whose verdict changed to or from SKIP (an ENI, or a reserved address, that only one of the
     * worlds has): counted, not listed, since neither world judged them by rules.
     */
    public long otherChangedPackets() {
        return otherChangedPackets;
    }

    /** The traffic's own error when it broke off (the frames before it were compared), else null. */
    public String captureError() {
        return captureError;
    }

    /** The flows that changed this way, most packets first. */
    public List<FlowChange> changes(Direction d) {
        return List.copyOf(changes.get(d));
    }

    /** True when some packet's verdict differs between the worlds. */
    public boolean anythingChanged() {
        return otherChangedPackets > 0 || changes.values().stream().anyMatch(l -> !l.isEmpty());
    }

    /** Packet, byte and flow totals of a set of changes. */
    public record Totals(long flows, long packets, long bytes) {
        static Totals of(Collection<FlowChange> cs) {
            long p = 0;
            long b = 0;
            for (FlowChange c : cs) {
                p += c.packets();
                b += c.bytes();
            }
            return new Totals(cs.size(), p, b);
        }
    }

    public Totals totals(Direction d) {
        return Totals.of(changes.get(d));
    }

    /** The changes of one direction at one ENI, by responsible rule. */
    public record EniGroup(String eniId, Totals totals, List<RuleGroup> rules) {
    }

    /**
     * The changes one rule pair is responsible for: at {@code stage}, what let the packets through in the
     * accepting world and what stops them in the rejecting world.
     */
    public record RuleGroup(Stage stage, DecidingRule acceptedBy, DecidingRule rejectedBy, Totals totals,
                            List<FlowChange> flows) {
    }

    private record RuleKey(Stage stage, DecidingRule acceptedBy, DecidingRule rejectedBy) {
    }

    /**
     * The changes of one direction grouped by the deciding ENI (most packets first, then by id; changes
     * with no ENI under "null"), then by responsible rule (most packets first), each group's flows most
     * packets first.
     */
    public List<EniGroup> groups(Direction d) {
        Map<String, Map<RuleKey, List<FlowChange>>> byEni = new LinkedHashMap<>();
        for (FlowChange c : changes.get(d)) {
            StageAttribution a = c.attribution();
            byEni.computeIfAbsent(Objects.toString(a.eniId(), ""), k -> new LinkedHashMap<>())
                    .computeIfAbsent(new RuleKey(a.stage(), a.acceptedBy(), a.rejectedBy()), k -> new ArrayList<>())
                    .add(c);
        }
        List<EniGroup> out = new ArrayList<>();
        for (Map.Entry<String, Map<RuleKey, List<FlowChange>>> e : byEni.entrySet()) {
            List<RuleGroup> rules = new ArrayList<>();
            List<FlowChange> all = new ArrayList<>();
            for (Map.Entry<RuleKey, List<FlowChange>> r : e.getValue().entrySet()) {
                RuleKey k = r.getKey();
                rules.add(new RuleGroup(k.stage(), k.acceptedBy(), k.rejectedBy(), Totals.of(r.getValue()),
                        List.copyOf(r.getValue())));
                all.addAll(r.getValue());
            }
            rules.sort(Comparator.comparingLong((RuleGroup g) -> g.totals().packets()).reversed()
                    .thenComparing(RuleGroup::stage)
                    .thenComparing(g -> g.rejectedBy() == null ? "" : g.rejectedBy().summary())
                    .thenComparing(g -> g.acceptedBy() == null ? "" : g.acceptedBy().summary()));
            out.add(new EniGroup(e.getKey().isEmpty() ? null : e.getKey(), Totals.of(all), List.copyOf(rules)));
        }
        out.sort(Comparator.comparingLong((EniGroup g) -> g.totals().packets()).reversed()
                .thenComparing(g -> Objects.toString(g.eniId(), "")));
        return out;
    }
}
