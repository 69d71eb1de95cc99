package io.sgemu.control.replay;

import io.sgemu.control.reference.EniCounters;
import io.sgemu.control.reference.Stage;
import io.sgemu.control.replay.Replayer.ReplayResult;
import java.util.Locale;
import java.util.Map;

/**
 * The table that ends {@code sgemu replay}: per ENI and stage, packets and bytes accepted and rejected,
 * then the allowance counters, then the totals.
 */
public final class ReplaySummary {

    private ReplaySummary() {
    }

    /** {@code frames N = accepted A + rejected R (stage n, ...) + skipped S (reason n, ...)}. */
    static String identity(FrameAccount.Tally t) {
        StringBuilder sb = new StringBuilder();
        sb.append("frames ").append(t.frames()).append(" = accepted ").append(t.accepted())
                .append(" + rejected ").append(t.rejected());
        reasons(sb, t.rejectedBy());
        sb.append(" + skipped ").append(t.skipped());
        reasons(sb, t.skippedBy());
        return sb.toString();
    }

    private static void reasons(StringBuilder sb, Map<String, Long> byReason) {
        if (byReason.isEmpty()) {
            return;
        }
        sb.append(" (");
        boolean first = true;
        for (Map.Entry<String, Long> e : byReason.entrySet()) {
            sb.append(first ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
            first = false;
        }
        sb.append(')');
    }

    public static String render(ReplayResult r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-24s %-20s %12s %12s %12s %12s%n", "ENI", "stage", "acc.packets",
                "acc.bytes", "rej.packets", "rej.bytes"));
        for (Map.Entry<String, EniCounters> e : r.counters.entrySet()) {
            EniCounters c = e.getValue();
            String name = e.getKey();
            boolean any = false;
            for (Stage s : Stage.values()) {
                EniCounters.StageCounts sc = c.stage(s);
                if (sc.acceptedPackets() == 0 && sc.rejectedPackets() == 0) {
                    continue;
                }
                sb.append(String.format(Locale.ROOT, "%-24s %-20s %12d %12d %12d %12d%n", any ? "" : name, s.label(),
                        sc.acceptedPackets(), sc.acceptedBytes(), sc.rejectedPackets(), sc.rejectedBytes()));
                any = true;
            }
            if (!any) {
                sb.append(String.format(Locale.ROOT, "%-24s %-20s%n", name, "(no traffic)"));
            }
            Long tableFull = r.conntrackTableFull.get(name);
            if (tableFull != null) {
                sb.append(String.format(Locale.ROOT, "%-24s conntrack_table_full=%d (--conntrack-capacity)%n", "", tableFull));
            }
            FrameAccount.Tally t = r.account.enis().get(name);
            if (t != null) {
                sb.append(String.format(Locale.ROOT, "%-24s %s%n", "", identity(t)));
            }
            if (c.conntrackAllowanceExceeded() > 0 || c.conntrackAllowanceAvailable() >= 0) {
                sb.append(String.format(Locale.ROOT, "%-24s conntrack_allowance_exceeded=%d conntrack_allowance_available=%d%n",
                        "", c.conntrackAllowanceExceeded(), c.conntrackAllowanceAvailable()));
            }
        }
        for (Map.Entry<String, FrameAccount.Tally> e : r.account.enis().entrySet()) {
            if (r.counters == null || !r.counters.containsKey(e.getKey())) {
                sb.append(String.format(Locale.ROOT, "%-24s %s%n", e.getKey(), identity(e.getValue())));
            }
        }
        sb.append(String.format(Locale.ROOT, "frames: %d  accepted: %d  rejected: %d  skipped: %d", r.frames, r.accepted,
                r.rejected, r.skipped));
        reasons(sb, r.skippedByReason);
        sb.append(System.lineSeparator());
        sb.append("total ").append(identity(r.account.total())).append(System.lineSeparator());
        if (r.flowLogs != null && (r.flowLogs.skipDataRecords() > 0 || r.flowLogs.lostPackets() > 0)) {
            sb.append(String.format(Locale.ROOT,
                    "flow logs: %d records, %d SKIPDATA (lost: %d records of %d packets to a slow writer, %d packets beyond the"
                            + " per-interval capacity)%n", r.flowLogs.okRecords(), r.flowLogs.skipDataRecords(),
                    r.flowLogs.ringLostRecords(), r.flowLogs.ringLostPackets(), r.flowLogs.lostObservations()));
        }
        for (String problem : r.accountingProblems) {
            sb.append("ACCOUNTING ERROR: ").append(problem).append(System.lineSeparator());
        }
        if (r.changesApplied > 0 || r.changesPending > 0) {
            sb.append(String.format(Locale.ROOT, "changes applied: %d%s%n", r.changesApplied,
                    r.changesPending > 0 ? " (" + r.changesPending + " after the last packet, not applied)" : ""));
        }
        return sb.toString();
    }
}
