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
 *  "skipped_by_reason": {"REASON": N, ...},
 *  "changes_applied": N, "changes_pending": N,
 *  "capture_error": "MESSAGE",                   (only when the capture broke off)
 *  "capture_warnings": ["MESSAGE", ...],         (only when frames had inconsistent lengths, read whole)
 *  "enis": {"ENI-ID": {
 *      "stages": {"sg-egress" | "nacl-egress" | "nacl-ingress" | "sg-ingress" | "conntrack-allowance":
 *                 {"accepted_packets": N, "accepted_bytes": N, "rejected_packets": N, "rejected_bytes": N}},
 *      "conntrack_allowance_exceeded": N,
 *      "conntrack_allowance_available": N,           (only for an ENI with an allowance)
 *      "tracked_connections": N}}}
 * }</pre>
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
        m.put("skipped_by_reason", new LinkedHashMap<>(r.skippedByReason));
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
                enis.put(e.getKey(), eni);
            }
        }
        m.put("enis", enis);
        return m;
    }

    /** Writes the summary (not closing {@code out}). */
    public static void write(ReplayResult r, Writer out) throws IOException {
        out.write(JSON.writeValueAsString(toMap(r)));
        out.write('\n');
    }
}
