package io.sgemu.control.cli;

import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.World;
import io.sgemu.control.reference.FlowLogEnis;
import io.sgemu.dataplane.flowlog.FlowLogEni;
import io.sgemu.dataplane.flowlog.FlowLogFormat;
import io.sgemu.dataplane.flowlog.FlowLogRecord;
import io.sgemu.dataplane.flowlog.FlowLogSink;
import io.sgemu.dataplane.flowlog.S3LayoutWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import picocli.CommandLine.Option;

/** {@code replay --flow-logs-dir}: flow logs laid out as VPC Flow Logs delivers them to an S3 bucket. */
public final class FlowLogDeliveryOptions {

    /** The flow-log id in object names unless one is given: the shape of AWS's ids (fl- and 17 hex digits). */
    public static final String DEFAULT_FLOW_LOG_ID = "fl-00000000000000000";
    /** For records of an ENI without an account when the world names none at all. */
    static final String FALLBACK_ACCOUNT = "000000000000";
    /** For records of an ENI without a region when no subnet of the world has an availability zone. */
    static final String FALLBACK_REGION = "us-east-1";

    @Option(names = "--flow-logs-dir", paramLabel = "DIR",
            description = {"Also write the flow-log records as VPC Flow Logs delivers them to S3 (DIR plays the bucket): "
                + "gzip text with a header line, one file per account, region and 5-minute window of the records' "
                + "end time, at AWSLogs/ACCOUNT/vpcflowlogs/REGION/YYYY/MM/DD/"
                + "ACCOUNT_vpcflowlogs_REGION_FLOWLOGID_YYYYMMDDTHHmmZ_HASH.log.gz.",
                "ACCOUNT and REGION are the logging ENI's (owner id; region of its subnet's zone). HASH is the CRC-32 "
                    + "of the file's text. Works with --flow-logs: both get the same records."})
    Path flowLogsDir;

    @Option(names = "--flow-log-id", paramLabel = "ID", defaultValue = DEFAULT_FLOW_LOG_ID,
            description = "The flow-log id in --flow-logs-dir file names (default ${DEFAULT-VALUE}).")
    String flowLogId;

    /**
     * The S3-style sink the options ask for, or null without {@code --flow-logs-dir}. The folder is created
     * now, so that a path that cannot be written fails before the replay starts.
     *
     * @param region the region the replay prints in flow logs (null: each ENI's own)
     */
    S3Delivery open(FlowLogFormat format, World world, String region) {
        if (flowLogsDir == null) {
            return null;
        }
        try {
            Files.createDirectories(flowLogsDir);
        } catch (IOException | RuntimeException e) {
            throw new UserInputException("--flow-logs-dir " + flowLogsDir + ": cannot create: " + e.getMessage(), e);
        }
        if (!Files.isWritable(flowLogsDir)) {
            throw new UserInputException("--flow-logs-dir " + flowLogsDir + ": not writable");
        }
        List<FlowLogEni> enis = world.networkInterfaces().values().stream()
                .sorted(Comparator.comparing(NetworkInterface::id))
                .map(eni -> FlowLogEnis.of(world, eni, region)).toList();
        String account = mostCommon(enis, FlowLogEni::accountId, FALLBACK_ACCOUNT);
        String defaultRegion = region != null ? region : mostCommon(enis, FlowLogEni::region, FALLBACK_REGION);
        try {
            return new S3Delivery(new S3LayoutWriter(flowLogsDir, format, flowLogId, account, defaultRegion));
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--flow-logs-dir: " + e.getMessage(), e);
        }
    }

    /** The value most ENIs share (the smallest on a tie), or {@code fallback} when none has one. */
    private static String mostCommon(List<FlowLogEni> enis, Function<FlowLogEni, String> field, String fallback) {
        Map<String, Integer> counts = new TreeMap<>();
        enis.stream().map(field).filter(Objects::nonNull).forEach(v -> counts.merge(v, 1, Integer::sum));
        return counts.entrySet().stream().max(Map.Entry.<String, Integer>comparingByValue()
                        .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())))
                .map(Map.Entry::getKey).orElse(fallback);
    }

    /**
     * The S3 layout writer behind a guard: the first failure (a file that cannot be written, an account that
     * cannot be part of a path) is kept and later records are dropped, so the replay and its other outputs
     * finish; the command then reports the failure.
     */
    static final class S3Delivery implements FlowLogSink, AutoCloseable {
        private final S3LayoutWriter writer;
        private volatile RuntimeException failure;

        S3Delivery(S3LayoutWriter writer) {
            this.writer = writer;
        }

        @Override
        public void accept(FlowLogRecord r) {
            if (failure == null) {
                try {
                    writer.accept(r);
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
        }

        @Override
        public void intervalClosed(long intervalEndSeconds) {
            if (failure == null) {
                try {
                    writer.intervalClosed(intervalEndSeconds);
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
        }

        /**
         * Writes the windows still open (the last one is never lost) and answers the first write failure as a
         * user error to report, or null when every file was written.
         */
        UserInputException finish() {
            close();
            return failure == null ? null : new UserInputException("--flow-logs-dir: " + failure.getMessage(), failure);
        }

        /** Leaves nothing behind when the replay failed before {@link #finish}. */
        @Override
        public void close() {
            if (failure == null) {
                try {
                    writer.close();
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
        }
    }
}
