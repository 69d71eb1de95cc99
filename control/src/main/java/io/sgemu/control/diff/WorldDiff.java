package io.sgemu.control.diff;

import io.sgemu.control.model.World;
import io.sgemu.control.reference.EvaluatorSettings;
import io.sgemu.control.reference.Fragment;
import io.sgemu.control.reference.Packet;
import io.sgemu.control.reference.ReferenceEvaluator;
import io.sgemu.control.reference.Verdict;
import io.sgemu.dataplane.capture.CaptureFormatException;
import io.sgemu.dataplane.capture.CapturedFrame;
import io.sgemu.dataplane.capture.FrameSource;
import io.sgemu.dataplane.packet.DecodedPacket;
import io.sgemu.dataplane.packet.PacketDecoder;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Replays one traffic against two worlds with the reference evaluator and collects the flows whose
 * verdicts differ: "what would this change have done to that traffic?".
 *
 * <p>Both worlds judge every frame in lockstep, each with its own evaluator and so its own connection
 * tracking: a reply the old world let through as part of a tracked connection may meet the rules in the
 * new world, because the new world never let the request through. Each frame is decoded once. Only the
 * changed packets are attributed to a rule, once per changed flow and direction.
 */
public final class WorldDiff {

    private final World before;
    private final World after;
    private final EvaluatorSettings settings;

    /**
     * @param before the world as it is (the report's "old")
     * @param after  the world as it would be (the report's "new")
     */
    public WorldDiff(World before, World after, EvaluatorSettings settings) {
        this.before = before;
        this.after = after;
        this.settings = settings == null ? EvaluatorSettings.DEFAULT : settings;
    }

    /**
     * Replays the traffic to its end, or to where it breaks off ({@link DiffReport#captureError()} then says
     * why; every frame before the break is compared).
     *
     * @throws CaptureFormatException when the input is not traffic at all (nothing was compared)
     * @throws IOException            when it cannot be read
     */
    public DiffReport run(TrafficInput traffic) throws IOException {
        try (FrameSource source = traffic.open()) {
            return run(source, traffic.kind(), traffic.name());
        }
    }

    /** As {@link #run(TrafficInput)}, for a source already open (the caller closes it). */
    public DiffReport run(FrameSource source, String kind, String name) {
        ReferenceEvaluator old = new ReferenceEvaluator(before, settings);
        ReferenceEvaluator neu = new ReferenceEvaluator(after, settings);
        Map<DirectedFlow, FlowRecord> flows = new HashMap<>();
        VerdictCounts oldTotal = new VerdictCounts();
        VerdictCounts newTotal = new VerdictCounts();
        long frames = 0;
        long otherChanged = 0;
        String captureError = null;
        CapturedFrame frame = new CapturedFrame();
        DecodedPacket decoded = new DecodedPacket();
        try {
            while (source.next(frame)) {
                frames++;
                PacketDecoder.decode(frame.linkType, frame.buffer, frame.offset, frame.capturedLength,
                        frame.originalLength, frame.timeNanos, decoded);
                if (decoded.status != DecodedPacket.Status.OK) {
                    // Neither world can judge it: the same SKIP on both sides, and no flow to speak of.
                    Verdict skip = Verdict.skip(decoded.reason);
                    oldTotal.count(skip);
                    newTotal.count(skip);
                    continue;
                }
                Packet p = Packet.from(decoded);
                Fragment fragment = Fragment.of(decoded);
                Verdict vo = old.evaluate(p, fragment);
                Verdict vn = neu.evaluate(p, fragment);
                oldTotal.count(vo);
                newTotal.count(vn);
                DirectedFlow key = DirectedFlow.of(p);
                FlowRecord r = flows.get(key);
                if (r == null) {
                    boolean judged = vo.srcEniId() != null || vo.dstEniId() != null;
                    r = new FlowRecord(key, judged ? vo.srcEniId() : vn.srcEniId(), judged ? vo.dstEniId() : vn.dstEniId());
                    flows.put(key, r);
                }
                r.before.count(vo);
                r.after.count(vn);
                if (vo.accepted() && vn.rejected()) {
                    if (r.newlyRejected == null) {
                        r.newlyRejected = new FlowChange(r, FlowChange.Direction.NEWLY_REJECTED,
                                StageAttribution.of(p, old, vo, neu, vn), p.timeNanos());
                    }
                    r.newlyRejected.add(p.length(), p.timeNanos());
                } else if (vo.rejected() && vn.accepted()) {
                    if (r.newlyAccepted == null) {
                        r.newlyAccepted = new FlowChange(r, FlowChange.Direction.NEWLY_ACCEPTED,
                                StageAttribution.of(p, neu, vn, old, vo), p.timeNanos());
                    }
                    r.newlyAccepted.add(p.length(), p.timeNanos());
                } else if (vo.action() != vn.action()) {
                    // To or from SKIP: an ENI or address that only one world holds.
                    otherChanged++;
                }
            }
        } catch (CaptureFormatException e) {
            captureError = e.getMessage();
        }
        return new DiffReport(kind, name, frames, flows.size(), oldTotal, newTotal, otherChanged, captureError,
                flows.values());
    }
}
