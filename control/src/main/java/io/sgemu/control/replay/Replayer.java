package io.sgemu.control.replay;

import io.sgemu.control.changes.Change;
import io.sgemu.control.model.World;
import io.sgemu.control.reference.EvaluatorSettings;
import io.sgemu.control.reference.Fragment;
import io.sgemu.control.reference.Packet;
import io.sgemu.control.reference.ReferenceEvaluator;
import io.sgemu.control.reference.Verdict;
import io.sgemu.dataplane.capture.CaptureFormatException;
import io.sgemu.dataplane.capture.CaptureReader;
import io.sgemu.dataplane.capture.FrameSource;
import io.sgemu.dataplane.capture.CapturedFrame;
import io.sgemu.dataplane.flowlog.FlowLogAggregator;
import io.sgemu.dataplane.flowlog.FlowObservation;
import io.sgemu.dataplane.packet.DecodedPacket;
import io.sgemu.dataplane.packet.PacketDecoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Replays one capture against a world: every frame is decoded and judged in capture order, changes are
 * applied before the first packet whose timestamp reaches them, verdicts and flow-log observations go to
 * their sinks. Capture timestamps are the clock.
 *
 * <p>Nothing is lost: a frame that cannot be judged still gets a SKIP verdict with its reason, and when
 * the capture itself breaks off, everything read before the break is judged, logged and flushed before
 * the error is reported in the result.
 */
public final class Replayer {

    private final ReferenceEvaluator evaluator;
    private final List<Change> changes;
    private final FlowLogAggregator flowLogs;
    private final VerdictWriter verdicts;
    private Pacer pacer = Pacer.topSpeed();
    private ReplayProgress progress = ReplayProgress.NONE;
    private FrameOutputs frameOutputs = FrameOutputs.NONE;
    private World world;
    private int nextChange;

    /**
     * @param flowLogs null when no flow logs are wanted
     * @param verdicts null when no verdicts are written
     */
    public Replayer(World world, List<Change> changes, EvaluatorSettings settings, FlowLogAggregator flowLogs,
                    VerdictWriter verdicts) {
        this.world = world;
        this.changes = List.copyOf(changes);
        this.evaluator = new ReferenceEvaluator(world, settings);
        this.flowLogs = flowLogs;
        this.verdicts = verdicts;
    }

    /** Copies accepted and rejected frames to these outputs (the caller closes them). */
    public Replayer writeFrames(FrameOutputs outputs) {
        this.frameOutputs = outputs;
        return this;
    }

    /** Reports progress to {@code p} while the frames are read. */
    public Replayer progress(ReplayProgress p) {
        this.progress = p;
        return this;
    }

    /** Feeds the frames at the pace {@code p} sets (top speed by default); verdicts never depend on it. */
    public Replayer pace(Pacer p) {
        this.pacer = p;
        return this;
    }

    /**
     * Replays the capture to its end, or to the point where it breaks off (then
     * {@link ReplayResult#captureError} says why, and every frame before is judged and written).
     *
     * @throws CaptureFormatException when the file is no capture at all (nothing was judged)
     * @throws IOException            when the file cannot be read, or an output cannot be written
     */
    public ReplayResult run(Path capture) throws IOException {
        try (CaptureReader reader = CaptureReader.open(capture)) {
            return run(reader);
        }
    }

    /** As {@link #run(Path)}, for frames from any source (the caller closes it). */
    public ReplayResult run(FrameSource reader) throws IOException {
        ReplayResult result = new ReplayResult();
        CapturedFrame frame = new CapturedFrame();
        DecodedPacket packet = new DecodedPacket();
        try {
            while (reader.next(frame)) {
                pacer.pace(frame.timeNanos);
                if ((frame.frameNumber & (ReplayProgress.EVERY_FRAMES - 1)) == 0) {
                    progress.update(frame.frameNumber, reader.progress());
                }
                result.framesRead++;
                judge(frame, packet, result);
            }
        } catch (CaptureFormatException e) {
            result.captureError = e.getMessage();
        }
        progress.done(frame.frameNumber);
        if (flowLogs != null) {
            flowLogs.finish();
            result.flowLogs = new FlowLogLoss(flowLogs.emittedRecords() - flowLogs.skipDataRecords() - flowLogs.noDataRecords(),
                    flowLogs.skipDataRecords(), 0, 0, flowLogs.lostObservations());
        }
        if (verdicts != null) {
            verdicts.close();
        }
        result.captureWarnings = reader.warnings();
        result.changesApplied = nextChange;
        result.changesPending = changes.size() - nextChange;
        result.counters = evaluator.counters();
        result.checkAccount();
        return result;
    }

    private void judge(CapturedFrame frame, DecodedPacket packet, ReplayResult result) throws IOException {
        PacketDecoder.decode(frame.linkType, frame.buffer, frame.offset, frame.capturedLength, frame.originalLength,
                frame.timeNanos, packet);
        applyChangesDueBy(frame.timeNanos);
        Verdict v;
        if (packet.status != DecodedPacket.Status.OK) {
            v = Verdict.skip(packet.reason);
        } else {
            v = evaluator.evaluate(Packet.from(packet), Fragment.of(packet));
        }
        result.count(v);
        frameOutputs.linkTypeSeen(frame.linkType);
        CaptureOutput out = frameOutputs.forAction(v.action().ordinal());
        if (out != null) {
            out.write(frame.frameNumber, frame.linkType, frame.timeNanos, frame.buffer, frame.offset,
                    frame.capturedLength, frame.originalLength);
        }
        if (verdicts != null) {
            verdicts.write(frame.frameNumber, v, packet);
        }
        if (flowLogs != null) {
            for (FlowObservation o : v.observations()) {
                flowLogs.observe(o);
            }
            flowLogs.advanceTo(frame.timeNanos);
        }
    }

    private void applyChangesDueBy(long nowNanos) {
        while (nextChange < changes.size() && changes.get(nextChange).atNanos() <= nowNanos) {
            world = changes.get(nextChange).apply(world);
            evaluator.setWorld(world);
            nextChange++;
        }
    }

    /**
     * Flow-log records written and lost: records lost to a full hand-off ring (the writer or its sink too
     * slow) and observations lost to the per-interval capacity are never silent, each ENI and interval
     * with a loss gets a SKIPDATA record; these are the counts behind them.
     *
     * @param okRecords        OK records written
     * @param skipDataRecords  SKIPDATA records written
     * @param ringLostRecords  records the full ring did not take (fast engine)
     * @param ringLostPackets  packets of those records
     * @param lostObservations observations (packets) of new flows beyond the per-interval capacity
     */
    public record FlowLogLoss(long okRecords, long skipDataRecords, long ringLostRecords, long ringLostPackets,
                              long lostObservations) {

        /** Packets logged in no OK record. */
        public long lostPackets() {
            return ringLostPackets + lostObservations;
        }
    }

    /** What a replay did, for the summary. */
    public static final class ReplayResult {
        public long frames;
        public long accepted;
        public long rejected;
        public long skipped;
        /** SKIP verdicts by reason, sorted by reason. */
        public final Map<String, Long> skippedByReason = new TreeMap<>();
        public int changesApplied;
        public int changesPending;
        /** The capture's own error when it broke off (frames before it were judged), else null. */
        public String captureError;
        /** Problems of the capture that did not stop it (frames read despite wrong lengths), one line each. */
        public List<String> captureWarnings = List.of();
        public Map<String, io.sgemu.control.reference.EniCounters> counters;
        /**
         * Fast engine: per ENI, packets refused at {@code conntrack-allowance} because the connection-tracking
         * table had no free slot ({@code --conntrack-capacity}), as opposed to the ENI's own allowance. Empty
         * for the reference, which has no table size.
         */
        public Map<String, Long> conntrackTableFull = new TreeMap<>();
        /** What flow logging wrote and lost (null when no flow logs were wanted). */
        public FlowLogLoss flowLogs;

        /** Where every frame went, in total and per ENI (the one counter block: see {@link FrameAccount}). */
        public final FrameAccount account = new FrameAccount();
        /** Frames the reader delivered, counted in the read loop (independently of the verdicts). */
        public long framesRead;
        /** Where the account disagrees with itself or with the stage counters: empty unless there is a bug. */
        public List<String> accountingProblems = List.of();

        void count(Verdict v) {
            count(v.action().ordinal(), v.stage() == null ? null : v.stage().label(),
                    v.action() == io.sgemu.control.reference.Action.ACCEPT ? null : v.reason(), v.srcEniId(), v.dstEniId());
        }

        /**
         * Counts one verdict, once per frame: {@code action} 0 ACCEPT, 1 REJECT, 2 SKIP; the rejecting stage's
         * label; the reason of a skip (or of a rejection before any stage); the ENIs of both ends (or null).
         */
        void count(int action, String stage, String reason, String srcEni, String dstEni) {
            account.count(action, stage, reason, srcEni, dstEni);
            frames++;
            switch (action) {
                case 0 -> accepted++;
                case 1 -> rejected++;
                default -> {
                    skipped++;
                    skippedByReason.merge(reason, 1L, Long::sum);
                }
            }
        }

        /** Checks the account once the counters are final (see {@link FrameAccount#check}). */
        void checkAccount() {
            accountingProblems = account.check(framesRead, counters);
        }
    }
}
