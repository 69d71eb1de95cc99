package io.sgemu.control.cli;

import io.sgemu.control.aws.LoadedWorld;
import io.sgemu.control.changes.Change;
import io.sgemu.control.changes.ChangeLog;
import io.sgemu.control.changes.ChangeLogException;
import io.sgemu.control.reference.EvaluatorSettings;
import io.sgemu.control.replay.CaptureOutput;
import io.sgemu.control.replay.FastReplayer;
import io.sgemu.control.replay.Pacer;
import io.sgemu.control.replay.FrameOutputs;
import io.sgemu.control.replay.Replayer;
import io.sgemu.control.replay.ReplayProgress;
import io.sgemu.control.replay.Replayer.ReplayResult;
import io.sgemu.control.replay.ReplaySummary;
import io.sgemu.control.replay.ReplaySummaryJson;
import io.sgemu.control.replay.VerdictWriter;
import io.sgemu.dataplane.capture.CaptureFormatException;
import io.sgemu.dataplane.capture.CaptureReader;
import io.sgemu.dataplane.capture.FrameSource;
import io.sgemu.dataplane.flowlog.FlowLogAggregator;
import io.sgemu.dataplane.flowlog.FlowLogFormat;
import io.sgemu.dataplane.flowlog.FlowLogSink;
import io.sgemu.dataplane.flowlog.FlowLogTee;
import io.sgemu.dataplane.flowlog.FlowLogTextWriter;
import io.sgemu.dataplane.io.PartialFile;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sgemu replay}: judges every frame of a capture and writes verdicts, flow logs and a summary. */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Replay a capture (pcap or pcapng), or the traffic recorded flow logs describe, against a "
            + "world: what AWS would do to each packet, and the flow logs it would write.",
            "Capture timestamps are the clock. Ends with a per-ENI summary (on stdout, or on stderr when "
                + "stdout carries verdicts or flow logs).",
            "Exit code 0; 1 when the capture broke off (everything before the break is still judged and "
                + "written); 2 for bad input."})
final class ReplayCommand implements Callable<Integer> {

    @Mixin
    WorldOptions world;

    @Option(names = "--pcap", paramLabel = "FILE",
            description = "The capture: classic pcap (µs or ns, either byte order) or pcapng. "
                + "Give --pcap or --flow-log-input.")
    Path pcap;

    @Mixin
    FlowLogInputOptions flowLogInput;

    @Option(names = "--changes", paramLabel = "FILE",
            description = {"JSON Lines of EC2 API calls to apply during the replay: "
                + "{\"at\": UNIX_SECONDS, \"action\": \"RevokeSecurityGroupIngress\", \"input\": {...}}.",
                "Each applies before the first packet whose timestamp is >= at."})
    Path changes;

    @Option(names = "--verdicts", paramLabel = "FILE|-",
            description = "Write one JSON object per frame (JSON Lines) to FILE, or '-' for stdout.")
    String verdicts;

    @Option(names = "--flow-logs", paramLabel = "FILE|-",
            description = "Write flow-log records (AWS text format with a header line) to FILE, or '-' for stdout.")
    String flowLogs;

    @Mixin
    FlowLogDeliveryOptions flowLogDelivery;

    @Option(names = "--write-accepted", paramLabel = "FILE",
            description = {"Copy the frames whose verdict is ACCEPT, unchanged (link type, timestamp, captured and "
                + "original length), to FILE: pcapng when FILE ends in .pcapng (one interface per link type), "
                + "else pcap with nanosecond timestamps.",
                "A pcap file holds one link type: a capture mixing link types needs a .pcapng output "
                    + "(else: an error, exit 2)."})
    Path writeAccepted;

    @Option(names = "--write-rejected", paramLabel = "FILE",
            description = "As --write-accepted, for the frames whose verdict is REJECT. Skipped frames go to neither.")
    Path writeRejected;

    @Option(names = "--summary", paramLabel = "FILE",
            description = {"Also write the summary as one JSON object to FILE:",
                "{\"frames\", \"accepted\", \"rejected\", \"skipped\": N, \"skipped_by_reason\": {REASON: N}, "
                    + "\"changes_applied\", \"changes_pending\": N, \"capture_error\": MESSAGE (only when the capture broke off), "
                    + "\"capture_warnings\": [MESSAGE] (only when frames had inconsistent lengths and were read whole), "
                    + "\"enis\": {ENI: {\"stages\": {STAGE: {\"accepted_packets\", \"accepted_bytes\", "
                    + "\"rejected_packets\", \"rejected_bytes\": N}}, \"conntrack_allowance_exceeded\": N, "
                    + "\"conntrack_allowance_available\": N (only for an ENI with an allowance), \"tracked_connections\": N}}}",
                "STAGE is sg-egress, nacl-egress, nacl-ingress, sg-ingress or conntrack-allowance; every stage is "
                    + "listed for every ENI."})
    Path summary;

    @Mixin
    FlowLogFormatOptions flowLogFormatOptions;


    @Option(names = "--tcp-close-linger", paramLabel = "SECONDS", defaultValue = "5",
            description = "How long a tracked TCP connection lingers after RST, or FIN both ways "
                + "(default ${DEFAULT-VALUE}).")
    int tcpCloseLinger;

    @Option(names = "--fragment-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "How long the verdict of a datagram's first IP fragment is kept for its later fragments "
                + "(default ${DEFAULT-VALUE}). A later fragment whose first fragment was not seen, or is no longer "
                + "kept, is rejected: reason fragment-without-first.")
    int fragmentTimeout;

    @Option(names = "--fragment-table-size", paramLabel = "DATAGRAMS", defaultValue = "65536",
            description = "How many fragmented datagrams are kept at once (default ${DEFAULT-VALUE}); a first fragment "
                + "that finds the table full is judged but not kept.")
    int fragmentTableSize;

    @Option(names = "--workers", paramLabel = "N",
            description = "Worker threads of the fast dataplane (default: one less than the cores, at least 1: "
                + "${DEFAULT-VALUE} here; the reading thread needs a core of its own). 1 judges every packet on the "
                + "reading thread.")
    int workers = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);

    @Option(names = "--engine", paramLabel = "fast|reference", defaultValue = "fast",
            description = "fast (default): the compiled dataplane. reference: the plain evaluator the fast one is "
                + "tested against (one thread, slower; the same verdicts and flow logs).")
    String engine;

    @Option(names = "--conntrack-capacity", paramLabel = "SLOTS", defaultValue = "1048576",
            description = "Slots of the connection-tracking table (64 bytes each; default ${DEFAULT-VALUE}). "
                + "A new connection that finds no free slot is refused at the conntrack-allowance stage.")
    int conntrackCapacity;

    @Option(names = "--flow-log-max-records", paramLabel = "RECORDS", defaultValue = "1000000",
            description = "Flow-log records (distinct flows) kept per aggregation interval (default ${DEFAULT-VALUE}; "
                + "the fast engine gives each worker its share). Packets of new flows beyond it are not logged: "
                + "their ENI gets a SKIPDATA record for the interval, and the summary counts them.")
    int flowLogMaxRecords;

    @Mixin
    ProgressOptions progressOptions;

    @Option(names = "--realtime", description = "Feed the packets at the capture's own pace (pacing never changes a verdict: "
        + "the capture's timestamps stay the clock).")
    boolean realtime;

    @Option(names = "--speed-multiplier", paramLabel = "X",
            description = "Feed the packets at X times the capture's pace (2 = twice as fast).")
    Double speedMultiplier;

    @Option(names = "--pps", paramLabel = "N", description = "Feed the packets at N packets per second. "
        + "Default, without --realtime, --speed-multiplier or --pps: as fast as they are judged.")
    Double pps;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        int aggregationInterval = flowLogFormatOptions.intervalSeconds();
        Pacer pacer = pacer();
        if (!engine.equals("fast") && !engine.equals("reference")) {
            throw new UserInputException("--engine must be fast or reference, not '" + engine + "'");
        }
        if (workers < 1 || workers > io.sgemu.dataplane.pipeline.Pipeline.MAX_WORKERS) {
            throw new UserInputException("--workers must be 1.." + io.sgemu.dataplane.pipeline.Pipeline.MAX_WORKERS);
        }
        if (conntrackCapacity < 1024) {
            throw new UserInputException("--conntrack-capacity must be at least 1024");
        }
        if (flowLogMaxRecords < 1) {
            throw new UserInputException("--flow-log-max-records must be at least 1");
        }
        if (tcpCloseLinger < 0) {
            throw new UserInputException("--tcp-close-linger must not be negative");
        }
        if (fragmentTimeout < 1) {
            throw new UserInputException("--fragment-timeout must be at least 1 second");
        }
        if (fragmentTableSize < 1 || fragmentTableSize > (1 << 28)) {
            throw new UserInputException("--fragment-table-size must be 1 to " + (1 << 28));
        }
        if ((pcap != null) == flowLogInput.given()) {
            throw new UserInputException("give exactly one input: --pcap FILE or --flow-log-input FILE...");
        }
        if (pcap != null && !Files.isRegularFile(pcap)) {
            throw new UserInputException(pcap + ": no such capture file");
        }
        if ("-".equals(verdicts) && "-".equals(flowLogs)) {
            throw new UserInputException("--verdicts and --flow-logs cannot both go to stdout");
        }
        FlowLogFormat format = flowLogFormatOptions.format();
        LoadedWorld loaded = world.load();
        PrintWriter err = spec.commandLine().getErr();
        loaded.warnings().forEach(w -> err.println("warning: " + w));

        List<Change> changeList = List.of();
        if (changes != null) {
            try {
                changeList = ChangeLog.read(changes, loaded.world());
            } catch (ChangeLogException e) {
                throw new UserInputException(e.getMessage(), e);
            }
        }

        PrintWriter out = spec.commandLine().getOut();
        boolean stdoutTaken = "-".equals(verdicts) || "-".equals(flowLogs);
        EvaluatorSettings settings = EvaluatorSettings.DEFAULT.withTcpCloseLingerSeconds(tcpCloseLinger)
                .withFragments(fragmentTimeout, fragmentTableSize);
        // SIGINT/SIGTERM end the input early: the replay then finishes as at its end and every output is complete
        CountDownLatch stop = new CountDownLatch(1);
        StopSignals signals = StopSignals.install(stop);
        try (FlowLogDeliveryOptions.S3Delivery s3 = flowLogDelivery.open(format, loaded.world(), settings.region());
             StoppableFrameSource input = new StoppableFrameSource(openInput(err), stop);
             Writer verdictStream = open(verdicts, out);
             Writer flowStream = open(flowLogs, out);
             Writer summaryStream = summary == null ? null : open(summary.toString(), out);
             CaptureOutput accepted = createOutput(writeAccepted);
             CaptureOutput rejected = createOutput(writeRejected)) {
            FrameOutputs frameOutputs = new FrameOutputs(accepted, rejected);
            VerdictWriter verdictWriter = verdictStream == null ? null : new VerdictWriter(verdictStream);
            FlowLogTextWriter flowWriter = flowStream == null ? null : new FlowLogTextWriter(flowStream, format);
            FlowLogSink flowSink = FlowLogTee.of(flowWriter, s3);
            ReplayProgress progress = progressOptions.progress(err);
            ReplayResult result;
            try {
                if (engine.equals("reference")) {
                    FlowLogAggregator aggregator = flowSink == null ? null : FlowLogAggregator.builder(flowSink)
                            .intervalSeconds(aggregationInterval).maxRecordsPerInterval(flowLogMaxRecords).build();
                    result = new Replayer(loaded.world(), changeList, settings, aggregator, verdictWriter)
                            .writeFrames(frameOutputs).pace(pacer).progress(progress).run(input);
                } else {
                    result = new FastReplayer(loaded.world(), changeList, settings, workers, flowSink, aggregationInterval,
                            verdictWriter, conntrackCapacity).flowLogMaxRecords(flowLogMaxRecords).writeFrames(frameOutputs).pace(pacer).progress(progress)
                            .run(input);
                }
            } catch (CaptureFormatException | CaptureOutput.CaptureOutputException e) {
                throw new UserInputException(e.getMessage(), e);
            }
            result.captureWarnings.forEach(w -> err.println("warning: " + w));
            if (summaryStream != null) {
                ReplaySummaryJson.write(result, summaryStream);
            }
            if (flowWriter != null) {
                flowWriter.flush();
            }
            UserInputException deliveryError = s3 == null ? null : s3.finish();
            PrintWriter summaryOut = stdoutTaken ? err : out;
            summaryOut.print(ReplaySummary.render(result));
            if (flowLogInput.summary() != null) {
                summaryOut.println(flowLogInput.summary());
            }
            summaryOut.flush();
            // Never silent: frames that do not add up are a bug worth a loud line on stderr and a failing exit.
            for (String problem : result.accountingProblems) {
                err.println("sgemu: ACCOUNTING ERROR: " + problem);
            }
            if (result.captureError != null) {
                err.println("sgemu: " + result.captureError);
                err.println("sgemu: the frames before this point were judged and written.");
            }
            if (input.stopped()) {
                err.println("sgemu: stopped by a signal after " + input.delivered()
                        + " frames: every one of them was judged and written, and every output is complete.");
            }
            if (deliveryError != null) {
                throw deliveryError;
            }
            if (result.captureError != null || input.stopped()) {
                return SgemuCommand.EXIT_INCOMPLETE;
            }
            if (!result.accountingProblems.isEmpty()) {
                err.flush();
                return SgemuCommand.EXIT_INTERNAL;
            }
        } finally {
            signals.uninstall();
        }
        return 0;
    }

    /** The frames to judge: the capture, or the packets the flow-log records describe. */
    private FrameSource openInput(PrintWriter err) throws IOException {
        if (pcap == null) {
            return flowLogInput.open(err);
        }
        try {
            return CaptureReader.open(pcap);
        } catch (CaptureFormatException e) {
            throw new UserInputException(e.getMessage(), e);
        }
    }

    /** The capture file for --write-accepted or --write-rejected, created now so a bad path fails early. */
    private static CaptureOutput createOutput(Path target) {
        if (target == null) {
            return null;
        }
        try {
            return CaptureOutput.create(target);
        } catch (IOException e) {
            throw new UserInputException(target + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** The pace the options ask for; at most one of --realtime, --speed-multiplier, --pps. */
    private Pacer pacer() {
        int given = (realtime ? 1 : 0) + (speedMultiplier != null ? 1 : 0) + (pps != null ? 1 : 0);
        if (given > 1) {
            throw new UserInputException("--realtime, --speed-multiplier and --pps choose one pace: give one of them");
        }
        try {
            if (realtime) {
                return Pacer.speed(1, Pacer.SYSTEM);
            }
            if (speedMultiplier != null) {
                return Pacer.speed(speedMultiplier, Pacer.SYSTEM);
            }
            if (pps != null) {
                return Pacer.packetsPerSecond(pps, Pacer.SYSTEM);
            }
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage(), e);
        }
        return Pacer.topSpeed();
    }

    /** A buffered writer to {@code target}, or to {@code stdout} for '-'; null when there is no target. */
    private static Writer open(String target, Writer stdout) {
        if (target == null) {
            return null;
        }
        if ("-".equals(target)) {
            return new NonClosingWriter(stdout);
        }
        try {
            Path p = Path.of(target);
            // written as .NAME.partial and renamed at close: a crash never leaves a torn file under NAME
            return new BufferedWriter(new OutputStreamWriter(PartialFile.create(p), StandardCharsets.UTF_8), 1 << 16);
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw new UserInputException(target + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** Standard output: flushed, never closed, by the replay. */
    private static final class NonClosingWriter extends FilterWriter {
        NonClosingWriter(Writer out) {
            super(out);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
