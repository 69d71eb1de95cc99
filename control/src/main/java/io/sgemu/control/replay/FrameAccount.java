package io.sgemu.control.replay;

import io.sgemu.control.reference.EniCounters;
import io.sgemu.control.reference.Stage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where every frame of a replay went: the one counter block both engines count into, once per frame, from
 * the frame's verdict. The identity it keeps, in total and per ENI:
 *
 * <pre>
 *   frames = accepted + rejected (by stage) + skipped (by reason)
 * </pre>
 *
 * In total, {@code frames} are the frames read; per ENI, the frames with that ENI at either end (a frame
 * from an ENI to itself counts once). A REJECT before any stage (a later fragment without its first) is
 * counted under its reason ({@code fragment-without-first}) among the rejections; a SKIP under its
 * reason: the decoder's ({@code malformed}, {@code not-ip}, ...), {@code no-eni} (no ENI at either end:
 * counted in the total only) or {@code reserved-address} (counted on the ENIs it names).
 *
 * <p>The identity holds by construction ({@link #count} adds one frame to exactly one class), so
 * {@link #check} also compares the account with counts kept elsewhere: the frames the reader delivered,
 * and each ENI's stage counters (every judged frame from an ENI meets its {@code sg-egress}; every
 * rejection is counted once, at the rejecting stage's ENI). A disagreement is a bug, and the replay says
 * so loudly rather than print numbers that do not add up.
 */
public final class FrameAccount {

    /** Where the frames of one scope (the total, or one ENI) went. */
    public static final class Tally {
        private long frames;
        private long accepted;
        private final Map<String, Long> rejected = new TreeMap<>();
        private final Map<String, Long> skipped = new TreeMap<>();
        /** Frames from this ENI judged by its stages (the cross-check against {@code sg-egress}). */
        private long judgedFrom;
        /** Rejections at this ENI's own stages, by stage label (the cross-check against its counters). */
        private final Map<String, Long> rejectedHere = new TreeMap<>();

        public long frames() {
            return frames;
        }

        public long accepted() {
            return accepted;
        }

        /** Rejected frames by stage label, or by reason for a rejection before any stage. */
        public Map<String, Long> rejectedBy() {
            return Collections.unmodifiableMap(rejected);
        }

        /** Skipped frames by reason. */
        public Map<String, Long> skippedBy() {
            return Collections.unmodifiableMap(skipped);
        }

        public long rejected() {
            return sum(rejected);
        }

        public long skipped() {
            return sum(skipped);
        }

        /** {@code frames - (accepted + rejected + skipped)}: zero when the identity holds. */
        public long unaccounted() {
            return frames - accepted - rejected() - skipped();
        }

        private void add(int action, String key) {
            frames++;
            switch (action) {
                case ACCEPT -> accepted++;
                case REJECT -> rejected.merge(key, 1L, Long::sum);
                default -> skipped.merge(key, 1L, Long::sum);
            }
        }

        private static long sum(Map<String, Long> m) {
            long n = 0;
            for (long v : m.values()) {
                n += v;
            }
            return n;
        }
    }

    public static final int ACCEPT = 0;
    public static final int REJECT = 1;
    public static final int SKIP = 2;
    /** The key of a skip or a stage-less rejection whose reason is unknown (never expected). */
    static final String UNKNOWN = "unknown";

    private final Tally total = new Tally();
    private final Map<String, Tally> enis = new TreeMap<>();

    /**
     * Counts one frame, exactly once: {@code action} 0 ACCEPT, 1 REJECT, 2 SKIP; {@code stage} the
     * rejecting stage's label (or null); {@code reason} the reason of a skip or of a stage-less rejection;
     * the ENI ids of both ends, null for external.
     */
    public void count(int action, String stage, String reason, String srcEni, String dstEni) {
        String key = switch (action) {
            case ACCEPT -> null;
            case REJECT -> stage != null ? stage : reason != null ? reason : UNKNOWN;
            default -> reason != null ? reason : UNKNOWN;
        };
        total.add(action, key);
        if (srcEni != null) {
            Tally t = eni(srcEni);
            t.add(action, key);
            if (action == ACCEPT || (action == REJECT && stage != null)) {
                t.judgedFrom++;
            }
            if (action == REJECT && (Stage.SG_EGRESS.label().equals(stage) || Stage.NACL_EGRESS.label().equals(stage))) {
                t.rejectedHere.merge(stage, 1L, Long::sum);
            }
        }
        if (dstEni != null) {
            Tally t = eni(dstEni);
            if (!dstEni.equals(srcEni)) {
                t.add(action, key);
            }
            if (action == REJECT && (Stage.SG_INGRESS.label().equals(stage) || Stage.NACL_INGRESS.label().equals(stage))) {
                t.rejectedHere.merge(stage, 1L, Long::sum);
            }
        }
    }

    private Tally eni(String id) {
        return enis.computeIfAbsent(id, k -> new Tally());
    }

    public Tally total() {
        return total;
    }

    /** The tallies of the ENIs met at either end of a frame, by id. */
    public Map<String, Tally> enis() {
        return Collections.unmodifiableMap(enis);
    }

    /**
     * Checks the account against the frames the reader delivered and the engine's per-ENI stage counters
     * (ENIs absent from {@code counters}, e.g. removed by a change, are checked for the identity only).
     * Answers one line per disagreement; empty when everything adds up.
     */
    public List<String> check(long framesRead, Map<String, EniCounters> counters) {
        List<String> problems = new ArrayList<>();
        if (framesRead != total.frames) {
            problems.add("frames read " + framesRead + " but frames counted " + total.frames);
        }
        identity("total", total, problems);
        long allowanceRejected = 0;
        boolean allKnown = true;
        for (Map.Entry<String, Tally> e : enis.entrySet()) {
            String id = e.getKey();
            Tally t = e.getValue();
            identity(id, t, problems);
            EniCounters c = counters == null ? null : counters.get(id);
            if (c == null) {
                allKnown = false;
                continue;
            }
            long sgEgress = c.acceptedPackets(Stage.SG_EGRESS) + c.rejectedPackets(Stage.SG_EGRESS);
            if (sgEgress != t.judgedFrom) {
                problems.add(id + ": " + t.judgedFrom + " judged frames from it, but sg-egress counted " + sgEgress);
            }
            for (Stage s : new Stage[] {Stage.SG_EGRESS, Stage.NACL_EGRESS, Stage.NACL_INGRESS, Stage.SG_INGRESS}) {
                long verdicts = t.rejectedHere.getOrDefault(s.label(), 0L);
                if (verdicts != c.rejectedPackets(s)) {
                    problems.add(id + ": " + verdicts + " frames rejected at " + s.label() + " but the stage counted "
                            + c.rejectedPackets(s));
                }
            }
        }
        if (counters != null && allKnown) {
            for (Map.Entry<String, EniCounters> e : counters.entrySet()) {
                allowanceRejected += e.getValue().rejectedPackets(Stage.CONNTRACK_ALLOWANCE);
            }
            long verdicts = total.rejected.getOrDefault(Stage.CONNTRACK_ALLOWANCE.label(), 0L);
            if (verdicts != allowanceRejected) {
                problems.add(verdicts + " frames rejected at conntrack-allowance but the ENIs counted " + allowanceRejected);
            }
        }
        return problems;
    }

    private static void identity(String scope, Tally t, List<String> problems) {
        if (t.unaccounted() != 0) {
            problems.add(scope + ": frames " + t.frames + " != accepted " + t.accepted + " + rejected " + t.rejected()
                    + " + skipped " + t.skipped());
        }
    }
}
