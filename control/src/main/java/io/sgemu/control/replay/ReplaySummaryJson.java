package io.sgemu.control.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sgemu.control.reference.EniCounters;
import io.sgemu.control.reference.Stage;
import io.sgemu.control.replay.Replayer.ReplayResult;
import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The replay's summary as one JSON object, for scripts: the same data as {@link ReplaySummary}'s table.
 *
 * <pre>{@code
 * {"frames": N, "accepted": N, "rejected": N, "skipped": N,
 *  "frames_read": N,
 *  "rejected_by_stage": {"STAGE" | "fragment-without-first": N, ...},
 *  "skipped_by_reason": {"REASON": N, ...},
 *  "accounting": {"ok": true|false, "problems": ["MESSAGE", ...]},
 *  "flow_logs": {"ok_records": N, "skipdata_records": N, "ring_lost_records": N,    (only with flow logs)
 *                "ring_lost_packets": N, "capacity_lost_observations": N},
 *  "changes_applied": N, "changes_pending": N,
 *  "capture_error": "MESSAGE",                   (only when the capture broke off)
 *  "capture_warnings": ["MESSAGE", ...],         (only when frames had inconsistent lengths, read whole)
 *  "enis": {"ENI-ID": {
 *      "stages": {"sg-egress" | "nacl-egress" | "nacl-ingress" | "sg-ingress" | "conntrack-allowance":
 *                 {"accepted_packets": N, "accepted_bytes": N, "rejected_packets": N, "rejected_bytes": N}},
 *      "conntrack_allowance_exceeded": N,
 *      "conntrack_allowance_available": N,           (only for an ENI with an allowance)
 *      "tracked_connections": N,
 *      "conntrack_table_full": N,                   (refused at conntrack-allowance: no free table slot)
 *      "frames": {"frames": N, "accepted": N, "rejected": N, "skipped": N,
 *                 "rejected_by_stage": {...}, "skipped_by_reason": {...}}}}}
 * }</pre>
 * The identity of {@link FrameAccount}: {@code frames = accepted + rejected + skipped}, with
 * {@code rejected} the sum of {@code rejected_by_stage} and {@code skipped} the sum of
 * {@code skipped_by_reason}, in total and in every ENI's {@code frames} (the frames with the ENI at either
 * end). {@code accounting.ok} is false (and {@code problems} says why) if it ever does not hold.
 * Every stage appears for every ENI (zeros included); ENIs are sorted by id. Optional keys are left out
 * rather than set to null.
 */
public final class ReplaySummaryJson {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReplaySummaryJson() {
    }

    public static Map<String, Object> toMap(ReplayResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("frames", r.frames);
        m.put("accepted", r.accepted);
        m.put("rejected", r.rejected);
        m.put("skipped", r.skipped);
        m.put("frames_read", r.framesRead);
        m.put("rejected_by_stage", new LinkedHashMap<>(r.account.total().rejectedBy()));
        m.put("skipped_by_reason", new LinkedHashMap<>(r.skippedByReason));
        Map<String, Object> accounting = new LinkedHashMap<>();
        accounting.put("ok", r.accountingProblems.isEmpty());
        accounting.put("problems", r.accountingProblems);
        m.put("accounting", accounting);
        if (r.flowLogs != null) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("ok_records", r.flowLogs.okRecords());
            f.put("skipdata_records", r.flowLogs.skipDataRecords());
            f.put("ring_lost_records", r.flowLogs.ringLostRecords());
            f.put("ring_lost_packets", r.flowLogs.ringLostPackets());
            f.put("capacity_lost_observations", r.flowLogs.lostObservations());
            m.put("flow_logs", f);
        }
        m.put("changes_applied", r.changesApplied);
        m.put("changes_pending", r.changesPending);
        if (r.captureError != null) {
            m.put("capture_error", r.captureError);
        }
        if (!r.captureWarnings.isEmpty()) {
            m.put("capture_warnings", r.captureWarnings);
        }
        Map<String, Object> enis = new LinkedHashMap<>();
        if (r.counters != null) {
            for (Map.Entry<String, EniCounters> e : r.counters.entrySet()) {
                EniCounters c = e.getValue();
                Map<String, Object> stages = new LinkedHashMap<>();
                for (Stage s : Stage.values()) {
                    EniCounters.StageCounts sc = c.stage(s);
                    Map<String, Object> one = new LinkedHashMap<>();
                    one.put("accepted_packets", sc.acceptedPackets());
                    one.put("accepted_bytes", sc.acceptedBytes());
                    one.put("rejected_packets", sc.rejectedPackets());
                    one.put("rejected_bytes", sc.rejectedBytes());
                    stages.put(s.label(), one);
                }
                Map<String, Object> eni = new LinkedHashMap<>();
                eni.put("stages", stages);
                eni.put("conntrack_allowance_exceeded", c.conntrackAllowanceExceeded());
                if (c.conntrackAllowanceAvailable() >= 0) {
                    eni.put("conntrack_allowance_available", c.conntrackAllowanceAvailable());
                }
                eni.put("tracked_connections", c.trackedConnections());
                eni.put("conntrack_table_full", r.conntrackTableFull.getOrDefault(e.getKey(), 0L));
                eni.put("frames", frames(r.account.enis().get(e.getKey())));
                enis.put(e.getKey(), eni);
            }
        }
        // ENIs that met frames but have no counters (removed by a change, on the fast engine): their frames still count.
        for (Map.Entry<String, FrameAccount.Tally> e : r.account.enis().entrySet()) {
            if (!enis.containsKey(e.getKey())) {
                Map<String, Object> eni = new LinkedHashMap<>();
                eni.put("frames", frames(e.getValue()));
                enis.put(e.getKey(), eni);
            }
        }
        m.put("enis", enis);
        return m;
    }

    private static Map<String, Object> frames(FrameAccount.Tally t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("frames", t == null ? 0 : t.frames());
        m.put("accepted", t == null ? 0 : t.accepted());
        m.put("rejected", t == null ? 0 : t.rejected());
        m.put("skipped", t == null ? 0 : t.skipped());
        m.put("rejected_by_stage", t == null ? Map.of() : new LinkedHashMap<>(t.rejectedBy()));
        m.put("skipped_by_reason", t == null ? Map.of() : new LinkedHashMap<>(t.skippedBy()));
        return m;
    }

    /** Writes the summary (not closing {@code out}). */
    public static void write(ReplayResult r, Writer out) throws IOException {
        out.write(JSON.writeValueAsString(toMap(r)));
        out.write('\n');
    }
}
