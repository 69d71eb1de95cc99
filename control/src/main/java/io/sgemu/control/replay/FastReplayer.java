package io.sgemu.control.replay;

import io.sgemu.control.changes.Change;
import io.sgemu.control.compile.PolicyCompiler;
import io.sgemu.control.model.World;
import io.sgemu.control.reference.EniCounters;
import io.sgemu.control.reference.EvaluatorSettings;
import io.sgemu.control.reference.Stage;
import io.sgemu.control.replay.Replayer.ReplayResult;
import io.sgemu.dataplane.capture.CaptureFormatException;
import io.sgemu.dataplane.capture.CaptureReader;
import io.sgemu.dataplane.capture.FrameSource;
import io.sgemu.dataplane.capture.CapturedFrame;
import io.sgemu.dataplane.conntrack.ConnTrackTable;
import io.sgemu.dataplane.flowlog.FastFlowLogAggregator;
import io.sgemu.dataplane.flowlog.FlowLogSink;
import io.sgemu.dataplane.flowlog.FlowLogWriterAgent;
import io.sgemu.dataplane.packet.DecodedPacket;
import io.sgemu.dataplane.packet.PacketDecoder;
import io.sgemu.dataplane.pipeline.FastVerdict;
import io.sgemu.dataplane.pipeline.FragmentTable;
import io.sgemu.dataplane.pipeline.Pipeline;
import io.sgemu.dataplane.pipeline.StageCounters;
import io.sgemu.dataplane.pipeline.VerdictConsumer;
import io.sgemu.dataplane.pipeline.Verdicts;
import io.sgemu.dataplane.policy.Policy;
import io.sgemu.dataplane.policy.PolicySnapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * Replays a capture through the fast dataplane: the world compiled into a {@link PolicySnapshot}, N
 * workers with flows steered by a symmetric hash, one lock-free connection-tracking table, flow-log
 * aggregation per worker handed to one writer through a ring buffer. It gives the same verdicts, flow
 * logs and counters as {@link Replayer} (the reference), which the differential tests hold it to.
 *
 * <p>Changes are compiled into a new snapshot (reusing the previous one's ENI numbers and compiled
 * rules) and take effect before the first packet whose timestamp reaches them. The clock is the
 * capture's: the latest timestamp read so far.
 */
public final class FastReplayer {

    /** Packets per dispatch window (and per worker batch). */
    static final int BATCH = 256;
    private static final int RING_BYTES = 1 << 22;

    private final World world;
    private final List<Change> changes;
    private final EvaluatorSettings settings;
    private final int workers;
    private final int conntrackCapacity;
    private final FlowLogSink flowLogSink;
    private final int aggregationInterval;
    private final VerdictWriter verdicts;
    private Pacer pacer = Pacer.topSpeed();
    private ReplayProgress progress = ReplayProgress.NONE;
    private FrameOutputs frameOutputs = FrameOutputs.NONE;
    private int flowLogMaxRecords = io.sgemu.dataplane.flowlog.FlowLogAggregator.DEFAULT_MAX_RECORDS_PER_INTERVAL;
    private int flowRingBytes = RING_BYTES;
    /** Copies of the frames in flight, when frames are written (null otherwise). */
    private FrameRing ring;

    /**
     * @param flowLogSink         where flow-log records go, or null for none
     * @param aggregationInterval 60 or 600
     * @param verdicts            the verdict writer, or null
     * @param conntrackCapacity   slots of the connection-tracking table
     */
    public FastReplayer(World world, List<Change> changes, EvaluatorSettings settings, int workers, FlowLogSink flowLogSink,
                        int aggregationInterval, VerdictWriter verdicts, int conntrackCapacity) {
        this.world = world;
        this.changes = List.copyOf(changes);
        this.settings = settings;
        this.workers = workers;
        this.flowLogSink = flowLogSink;
        this.aggregationInterval = aggregationInterval;
        this.verdicts = verdicts;
        this.conntrackCapacity = conntrackCapacity;
    }

    /** Flow-log records kept per aggregation interval, over all workers (each gets its share); beyond: SKIPDATA. */
    public FastReplayer flowLogMaxRecords(int records) {
        this.flowLogMaxRecords = records;
        return this;
    }

    /** The bytes of the ring that carries flow-log records to the writer (a power of two; for tests of a slow sink). */
    public FastReplayer flowLogRingBytes(int bytes) {
        this.flowRingBytes = bytes;
        return this;
    }

    /** Copies accepted and rejected frames to these outputs (the caller closes them). */
    public FastReplayer writeFrames(FrameOutputs outputs) {
        this.frameOutputs = outputs;
        return this;
    }

    /** Reports progress to {@code p} while the frames are read. */
    public FastReplayer progress(ReplayProgress p) {
        this.progress = p;
        return this;
    }

    /** Feeds the frames at the pace {@code p} sets (top speed by default); verdicts never depend on it. */
    public FastReplayer pace(Pacer p) {
        this.pacer = p;
        return this;
    }

    /**
     * Replays the capture to its end, or to the point where it breaks off (then
     * {@link ReplayResult#captureError} says why, and every frame before is judged and written).
     *
     * @throws CaptureFormatException when the file is no capture at all (nothing was judged)
     */
    public ReplayResult run(Path capture) throws IOException {
        try (CaptureReader reader = CaptureReader.open(capture)) {
            return run(reader);
        }
    }

    /** As {@link #run(Path)}, for frames from any source (the caller closes it). */
    public ReplayResult run(FrameSource reader) throws IOException {
        ring = frameOutputs.any() ? new FrameRing(BATCH * 4) : null;
        PolicyCompiler compiler = new PolicyCompiler();
        PolicySnapshot snapshot = compiler.compile(world, settings.region(), null);
        ReplayResult result = new ReplayResult();
        CurrentPolicy current = new CurrentPolicy(snapshot);
        long lingerNanos = TimeUnit.SECONDS.toNanos(settings.tcpCloseLingerSeconds());
        ConnTrackTable table = new ConnTrackTable(conntrackCapacity, lingerNanos, Math.max(16, snapshot.eniCount() * 2));
        WriterFailure writerFailure = new WriterFailure();
        FastFlowLogAggregator[] aggregators = null;
        FlowLogWriterAgent writer = null;
        AgentRunner writerRunner = null;
        if (flowLogSink != null) {
            ManyToOneRingBuffer flowRing = new ManyToOneRingBuffer(new UnsafeBuffer(
                    ByteBuffer.allocateDirect(flowRingBytes + RingBufferDescriptor.TRAILER_LENGTH)));
            aggregators = new FastFlowLogAggregator[workers];
            for (int w = 0; w < workers; w++) {
                aggregators[w] = FastFlowLogAggregator.builder(flowRing, w).intervalSeconds(aggregationInterval)
                        .maxRecordsPerInterval(FastFlowLogAggregator.perWorkerCapacity(flowLogMaxRecords, workers)).build();
            }
            writer = FlowLogWriterAgent.builder(flowRing, workers, flowLogSink).intervalSeconds(aggregationInterval)
                    .enis(current::flowLogEni).build();
            writerRunner = new AgentRunner(new BackoffIdleStrategy(1, 10, 1_000, 1_000_000), writerFailure, null, writer);
            AgentRunner.startOnThread(writerRunner);
        }
        Ordered ordered = new Ordered(result, current);
        Pipeline pipeline = new Pipeline(workers, BATCH, snapshot, table, aggregators, ordered,
                new FragmentTable(settings.fragmentTableSize(), settings.fragmentTimeoutNanos()));
        int nextChange = 0;
        World now = world;
        CapturedFrame frame = new CapturedFrame();
        DecodedPacket packet = new DecodedPacket();
        long clock = Long.MIN_VALUE;
        try {
            try {
                while (reader.next(frame)) {
                    pacer.pace(frame.timeNanos);
                if ((frame.frameNumber & (ReplayProgress.EVERY_FRAMES - 1)) == 0) {
                    progress.update(frame.frameNumber, reader.progress());
                }
                    PacketDecoder.decode(frame.linkType, frame.buffer, frame.offset, frame.capturedLength,
                            frame.originalLength, frame.timeNanos, packet);
                    while (nextChange < changes.size() && changes.get(nextChange).atNanos() <= frame.timeNanos) {
                        now = changes.get(nextChange++).apply(now);
                        snapshot = compiler.compile(now, settings.region(), snapshot);
                        current.policy = snapshot;
                        pipeline.policy(snapshot);
                    }
                    if (ring != null) {
                        ring.keep(frame);
                        frameOutputs.linkTypeSeen(frame.linkType);
                    }
                    if (frame.timeNanos > clock) {
                        clock = frame.timeNanos;
                    }
                    result.framesRead++;
                    pipeline.submit(packet, frame.frameNumber, clock);
                }
            } catch (CaptureFormatException e) {
                result.captureError = e.getMessage();
            }
            progress.done(frame.frameNumber);
        } finally {
            pipeline.finish();
            if (writerRunner != null) {
                while (!writer.isDone() && writerFailure.error == null) {
                    Thread.onSpinWait();
                }
                writerRunner.close();
                result.flowLogs = new Replayer.FlowLogLoss(writer.okRecords(), writer.skipDataRecords(),
                        writer.ringLostRecords(), writer.ringLostPackets(), writer.capacityLostObservations());
            }
        }
        if (ordered.failure != null) {
            throw ordered.failure;
        }
        if (writerFailure.error != null) {
            throw new IOException("flow-log writer failed: " + writerFailure.error, writerFailure.error);
        }
        if (verdicts != null) {
            verdicts.close();
        }
        result.captureWarnings = reader.warnings();
        result.changesApplied = nextChange;
        result.changesPending = changes.size() - nextChange;
        // The reference counts the connections live at the last packet's time: so do we.
        if (pipeline.clock() != Long.MIN_VALUE) {
            pipeline.expireAll(pipeline.clock());
        }
        StageCounters stageCounters = pipeline.counters();
        result.counters = counters(stageCounters, snapshot, table);
        for (int eni = 0; eni < snapshot.eniCount(); eni++) {
            String id = snapshot.eniId(eni);
            if (id != null && stageCounters.tableFull(eni) > 0) {
                result.conntrackTableFull.put(id, stageCounters.tableFull(eni));
            }
        }
        result.checkAccount();
        // The judges count each frame on its ENIs too, at the judge's one exit: the two counts must agree.
        java.util.List<String> problems = new java.util.ArrayList<>(result.accountingProblems);
        for (int eni = 0; eni < snapshot.eniCount(); eni++) {
            String id = snapshot.eniId(eni);
            FrameAccount.Tally t = id == null ? null : result.account.enis().get(id);
            long verdicts = t == null ? 0 : t.frames();
            if (id != null && verdicts != stageCounters.eniFrames(eni)) {
                problems.add(id + ": " + verdicts + " frames in the verdicts but the judges counted "
                        + stageCounters.eniFrames(eni));
            }
        }
        result.accountingProblems = problems;
        return result;
    }

    /** The per-ENI counters in the summary's terms. */
    private static Map<String, EniCounters> counters(StageCounters c, Policy p, ConnTrackTable table) {
        Map<String, EniCounters> out = new TreeMap<>();
        Stage[] stages = Stage.values();
        for (int eni = 0; eni < p.eniCount(); eni++) {
            String id = p.eniId(eni);
            if (id == null) {
                continue;
            }
            Map<Stage, EniCounters.StageCounts> m = new EnumMap<>(Stage.class);
            for (int s = 0; s < Verdicts.STAGE_COUNT; s++) {
                m.put(stages[s], new EniCounters.StageCounts(c.acceptedPackets(eni, s), c.acceptedBytes(eni, s),
                        c.rejectedPackets(eni, s), c.rejectedBytes(eni, s)));
            }
            long tracked = table.entries(eni);
            long max = p.maxTrackedConnections(eni);
            out.put(id, new EniCounters(id, m, c.allowanceExceeded(eni), max > 0 ? Math.max(0, max - tracked) : -1,
                    (int) tracked));
        }
        return out;
    }

    /** Keeps the flow-log writer's first error, for the replay to report (volatile: set on the writer's thread). */
    private static final class WriterFailure implements org.agrona.ErrorHandler {
        volatile Throwable error;

        @Override
        public void onError(Throwable t) {
            if (error == null) {
                error = t;
            }
        }
    }

    /** The policy in force, for the flow-log writer's thread (volatile: it reads what the dispatcher set). */
    private static final class CurrentPolicy {
        volatile Policy policy;

        CurrentPolicy(Policy p) {
            policy = p;
        }

        io.sgemu.dataplane.flowlog.FlowLogEni flowLogEni(int eni) {
            return policy.flowLogEni(eni);
        }
    }

    /** Receives verdicts in capture order: counts them and writes them. */
    private final class Ordered implements VerdictConsumer {
        final ReplayResult result;
        final CurrentPolicy current;
        IOException failure;

        Ordered(ReplayResult result, CurrentPolicy current) {
            this.result = result;
            this.current = current;
        }

        @Override
        public void verdict(long sequence, DecodedPacket packet, FastVerdict v) {
            Policy p = current.policy;
            result.count(v.action, v.stage == Verdicts.NO_STAGE ? null : Verdicts.STAGES[v.stage],
                    v.reason == Verdicts.NO_REASON ? null : Verdicts.REASONS[v.reason],
                    v.srcEni == Policy.NONE ? null : p.eniId(v.srcEni), v.dstEni == Policy.NONE ? null : p.eniId(v.dstEni));
            if (ring != null) {
                ring.delivered(sequence);
                CaptureOutput out = frameOutputs.forAction(v.action);
                if (out != null && failure == null) {
                    try {
                        ring.writeTo(sequence, out);
                    } catch (IOException e) {
                        failure = e;
                    }
                }
            }
            if (verdicts == null || failure != null) {
                return;
            }
            try {
                verdicts.write(sequence, Verdicts.ACTIONS[v.action],
                        v.stage == Verdicts.NO_STAGE ? null : Verdicts.STAGES[v.stage],
                        v.reason == Verdicts.NO_REASON ? null : Verdicts.REASONS[v.reason],
                        v.srcEni == Policy.NONE ? null : p.eniId(v.srcEni),
                        v.dstEni == Policy.NONE ? null : p.eniId(v.dstEni), packet);
            } catch (IOException e) {
                failure = e;
            }
        }
    }
}
