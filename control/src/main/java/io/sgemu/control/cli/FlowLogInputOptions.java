package io.sgemu.control.cli;

import io.sgemu.control.flowreplay.FlowLogFrameSource;
import io.sgemu.control.flowreplay.FlowLogInputException;
import io.sgemu.control.flowreplay.FlowLogInputStats;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code replay --flow-log-input}: packets synthesized from recorded VPC flow logs instead of a capture. */
final class FlowLogInputOptions {

    @Option(names = "--flow-log-input", arity = "1..*", paramLabel = "FILE",
            description = {"Instead of --pcap: replay the traffic that VPC flow-log files describe. Plain text or "
                + "gzip (told by content); the version 2 default format, or any format named by a header line "
                + "(it needs srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes and start, end; "
                + "pkt-srcaddr/pkt-dstaddr and tcp-flags are used when present).",
                "Each record, ACCEPT or REJECT alike, becomes its packets (raw IP, sizes summing to its bytes, "
                    + "spread evenly over start..end); the files are merged in time order. NODATA/SKIPDATA "
                    + "records make no packets; lines that do not parse are skipped (the first "
                    + FlowLogInputStats.BAD_LINE_EXAMPLES + " shown as warnings) and counted.",
                "A record that repeats another in addresses, ports, protocol, start, end, packets and bytes but "
                    + "was logged by another interface (the same flow seen by the sending and the receiving ENI) "
                    + "is dropped, so traffic is not doubled; see --keep-duplicate-records."})
    List<Path> files;

    @Option(names = "--keep-duplicate-records",
            description = "With --flow-log-input: replay every record, also the second logging of a flow "
                + "by another interface.")
    boolean keepDuplicates;

    private FlowLogFrameSource source;

    boolean given() {
        return files != null && !files.isEmpty();
    }

    /** Reads the files; the first bad lines become warnings on {@code err}. */
    FlowLogFrameSource open(PrintWriter err) {
        try {
            source = FlowLogFrameSource.open(files, !keepDuplicates);
        } catch (FlowLogInputException e) {
            throw new UserInputException(e.getMessage(), e);
        }
        FlowLogInputStats stats = source.stats();
        for (String bad : stats.badLineExamples()) {
            err.println("warning: " + bad + " (line skipped)");
        }
        if (stats.badLines() > stats.badLineExamples().size()) {
            err.println("warning: " + (stats.badLines() - stats.badLineExamples().size()) + " more bad lines skipped");
        }
        return source;
    }

    /** The summary line, or null when the input was no flow log. */
    String summary() {
        return source == null ? null : source.stats().render();
    }
}
