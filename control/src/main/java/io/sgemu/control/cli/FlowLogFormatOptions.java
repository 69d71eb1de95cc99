package io.sgemu.control.cli;

import io.sgemu.dataplane.flowlog.FlowLogFormat;
import picocli.CommandLine.Option;

/** The flow-log record format and aggregation interval, as {@code replay} and {@code serve} take them. */
final class FlowLogFormatOptions {

    @Option(names = "--flow-log-format", paramLabel = "FORMAT",
            description = "AWS custom format, e.g. '$${version} $${interface-id} $${srcaddr} $${dstaddr} $${action} "
                + "$${tcp-flags} $${flow-direction}'. Default: the version 2 default format.")
    String flowLogFormat;

    @Option(names = "--aggregation-interval", paramLabel = "SECONDS", defaultValue = "600",
            description = "Flow-log aggregation interval: 60 or 600 (default ${DEFAULT-VALUE}).")
    int aggregationInterval;

    /** The format asked for; a bad one is the user's error, naming the option. */
    FlowLogFormat format() {
        try {
            return flowLogFormat == null ? FlowLogFormat.DEFAULT : FlowLogFormat.parse(flowLogFormat);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--flow-log-format: " + e.getMessage(), e);
        }
    }

    /** The aggregation interval, checked to be one AWS offers. */
    int intervalSeconds() {
        if (aggregationInterval != 60 && aggregationInterval != 600) {
            throw new UserInputException("--aggregation-interval must be 60 or 600, not " + aggregationInterval);
        }
        return aggregationInterval;
    }
}
