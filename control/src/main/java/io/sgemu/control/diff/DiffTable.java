package io.sgemu.control.diff;

import io.sgemu.control.diff.DiffReport.EniGroup;
import io.sgemu.control.diff.DiffReport.RuleGroup;
import io.sgemu.control.diff.DiffReport.Totals;
import io.sgemu.control.diff.FlowChange.Direction;
import io.sgemu.control.reference.DecidingRule;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The report for people: changed flows by ENI, then by responsible rule, the largest flows of each listed. */
public final class DiffTable {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private DiffTable() {
    }

    /**
     * The whole table, ending with a newline.
     *
     * @param top how many flows to list per rule group (the rest are counted)
     */
    public static String render(DiffReport r, int top) {
        StringBuilder sb = new StringBuilder();
        sb.append("traffic: ").append(r.trafficKind()).append(' ').append(r.trafficName()).append(", ")
                .append(r.frames()).append(" frames, ").append(r.flows()).append(" flows\n");
        sb.append("old world (--config):  ").append(r.before()).append('\n');
        sb.append("new world (--against): ").append(r.after()).append('\n');
        if (r.captureError() != null) {
            sb.append("the traffic broke off: ").append(r.captureError())
                    .append("; the frames before it were compared\n");
        }
        for (Direction d : Direction.values()) {
            sb.append('\n');
            Totals t = r.totals(d);
            String title = d == Direction.NEWLY_REJECTED ? "NEWLY REJECTED" : "NEWLY ACCEPTED";
            if (t.flows() == 0) {
                sb.append(title).append(": none\n");
                continue;
            }
            sb.append(title).append(": ").append(totals(t)).append('\n');
            for (EniGroup g : r.groups(d)) {
                sb.append("  ").append(g.eniId() == null ? "(no ENI)" : g.eniId()).append(": ").append(totals(g.totals())).append('\n');
                for (RuleGroup rule : g.rules()) {
                    ruleGroup(sb, d, rule, top);
                }
            }
        }
        if (r.otherChangedPackets() > 0) {
            sb.append("\npackets judged by one world and skipped by the other (an ENI or address only one world has): ")
                    .append(r.otherChangedPackets()).append('\n');
        }
        if (!r.anythingChanged()) {
            sb.append("\nno verdict changed\n");
        }
        return sb.toString();
    }

    private static void ruleGroup(StringBuilder sb, Direction d, RuleGroup rule, int top) {
        sb.append("    at ").append(rule.stage().label()).append(": ").append(totals(rule.totals())).append('\n');
        String allowed = "accepted: " + summary(rule.acceptedBy());
        String denied = "rejected: " + summary(rule.rejectedBy());
        if (d == Direction.NEWLY_REJECTED) {
            sb.append("      old: ").append(allowed).append('\n');
            sb.append("      new: ").append(denied).append('\n');
        } else {
            sb.append("      old: ").append(denied).append('\n');
            sb.append("      new: ").append(allowed).append('\n');
        }
        sb.append(String.format(Locale.ROOT, "      %8s %10s  %-23s  %-23s  %s%n", "PACKETS", "BYTES", "FIRST", "LAST", "FLOW"));
        int shown = 0;
        for (FlowChange c : rule.flows()) {
            if (shown++ == top) {
                int more = rule.flows().size() - top;
                sb.append("      ... and ").append(more).append(more == 1 ? " more flow\n" : " more flows\n");
                break;
            }
            FlowRecord f = c.flow();
            sb.append(String.format(Locale.ROOT, "      %8d %10d  %-23s  %-23s  %s  (old: %s; new: %s)%n", c.packets(), c.bytes(),
                    time(c.firstNanos()), time(c.lastNanos()), f.flow().text(), f.before(), f.after()));
        }
    }

    private static String summary(DecidingRule rule) {
        return rule == null ? "(stage not met in this world)" : rule.summary();
    }

    private static String totals(Totals t) {
        return t.flows() + (t.flows() == 1 ? " flow, " : " flows, ") + t.packets()
                + (t.packets() == 1 ? " packet, " : " packets, ") + t.bytes() + " bytes";
    }

    /** Capture time, UTC, to the millisecond. */
    static String time(long nanos) {
        return TIME.format(Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)));
    }
}
