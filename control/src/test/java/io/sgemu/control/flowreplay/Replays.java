package io.sgemu.control.flowreplay;

import io.sgemu.control.model.World;
import io.sgemu.control.reference.EvaluatorSettings;
import io.sgemu.control.replay.FastReplayer;
import io.sgemu.control.replay.Replayer;
import io.sgemu.control.replay.Replayer.ReplayResult;
import io.sgemu.dataplane.capture.FrameSource;
import io.sgemu.dataplane.flowlog.FlowLogAggregator;
import io.sgemu.dataplane.flowlog.FlowLogFormat;
import io.sgemu.dataplane.flowlog.FlowLogTextWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.util.List;

/** Runs a replay of any frame source with either engine and keeps the flow-log text it writes. */
final class Replays {

    /** What a replay gave: its counts and its flow logs (with a header line). */
    record Outcome(ReplayResult result, String flowLogs) {
    }

    /** An engine: "reference", or "fast" with a number of workers. */
    record Engine(String name, int workers) {
        @Override
        public String toString() {
            return name.equals("reference") ? name : name + "/" + workers;
        }
    }

    static final List<Engine> ENGINES = List.of(new Engine("reference", 1), new Engine("fast", 1),
            new Engine("fast", 2));

    private Replays() {
    }

    static Outcome run(Engine engine, World world, FrameSource source, FlowLogFormat format, int interval)
            throws IOException {
        StringWriter text = new StringWriter();
        FlowLogTextWriter writer = new FlowLogTextWriter(text, format, true);
        ReplayResult r;
        if (engine.name().equals("reference")) {
            r = new Replayer(world, List.of(), EvaluatorSettings.DEFAULT, new FlowLogAggregator(interval, writer), null)
                    .run(source);
        } else {
            r = new FastReplayer(world, List.of(), EvaluatorSettings.DEFAULT, engine.workers(), writer, interval, null,
                    1 << 16).run(source);
        }
        writer.flush();
        return new Outcome(r, text.toString());
    }
}
