package io.sgemu.control.cli;

import io.sgemu.control.api.AdminLimits;
import io.sgemu.control.api.AdminServer;
import io.sgemu.dataplane.flowlog.FlowLogFormat;
import io.sgemu.dataplane.flowlog.FlowLogStreamServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import picocli.CommandLine.Option;

/**
 * What {@code sgemu serve} offers besides its verdicts: the admin endpoint (Prometheus metrics and a health
 * check) and the flow-log stream to TCP clients. (The flow-log file and S3 layout options are
 * {@code --flow-logs} and {@link FlowLogDeliveryOptions}.)
 */
final class ServeOutputOptions {

    @Option(names = "--admin", paramLabel = "HOST:PORT", arity = "0..1", fallbackValue = AdminServer.DEFAULT_ADDRESS,
            description = {"Serve GET /metrics (Prometheus text format: per-ENI stage counters, tracked connections, "
                + "drops by reason, queue depths, ingest-to-verdict latency) and GET /healthz (200 while serving) "
                + "over HTTP on HOST:PORT; '--admin' alone: " + AdminServer.DEFAULT_ADDRESS + ". Port 0: any free port. "
                + "Off by default. Prints 'admin http://HOST:PORT' on stderr once bound.",
                "An address other hosts can reach (not loopback) needs --credentials or --admin-insecure-metrics-only."})
    String admin;

    @Option(names = "--admin-insecure-metrics-only",
            description = {"Allow an --admin address that is not loopback without --credentials, serving only GET "
                + "/metrics and /healthz there, to anyone who can reach it (no EC2 API, no /admin/). Without this "
                + "flag such an address is an error: metrics name the world's ENIs and addresses."})
    boolean adminInsecureMetricsOnly;

    @Option(names = "--admin-rate-limit", paramLabel = "REQUESTS_PER_SECOND", defaultValue = "100",
            description = {"Requests a second each client address may make to --admin once its burst is spent "
                + "(default ${DEFAULT-VALUE}; 0: no limit). Beyond: 503 (RequestLimitExceeded for the EC2 API)."})
    double adminRateLimit;

    @Option(names = "--admin-rate-burst", paramLabel = "REQUESTS", defaultValue = "200",
            description = "Requests a client address may make to --admin at once (default ${DEFAULT-VALUE}).")
    int adminRateBurst;

    @Option(names = "--flow-log-stream", paramLabel = "tcp://HOST:PORT",
            description = {"Also stream the flow-log records to TCP clients: each gets the header line, then every "
                + "record emitted after it connected (a client that reads too slowly gets SKIPDATA records for what "
                + "it lost). Port 0: any free port. Prints 'flow-log stream tcp://HOST:PORT' on stderr once bound."})
    String flowLogStream;

    /** The admin address, or null without {@code --admin}. */
    InetSocketAddress adminAddress() {
        if (admin == null) {
            return null;
        }
        try {
            return AdminServer.parseAddress(admin);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--admin: " + e.getMessage(), e);
        }
    }

    /** The limits of the admin listener: the default sizes, the rate the options ask for. */
    AdminLimits adminLimits() {
        try {
            return AdminLimits.DEFAULT.withRate(adminRateLimit, adminRateBurst);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--admin-rate-limit/--admin-rate-burst: " + e.getMessage(), e);
        }
    }

    /** The stream's address, or null without {@code --flow-log-stream}. */
    InetSocketAddress streamAddress() {
        if (flowLogStream == null) {
            return null;
        }
        try {
            return FlowLogStreamServer.parseAddress(flowLogStream);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--flow-log-stream: " + e.getMessage(), e);
        }
    }

    /** Starts the stream server, or answers null without {@code --flow-log-stream}. */
    FlowLogStreamServer startStream(InetSocketAddress bind, FlowLogFormat format) {
        if (bind == null) {
            return null;
        }
        try {
            return FlowLogStreamServer.start(bind, format);
        } catch (IOException e) {
            throw new UserInputException("--flow-log-stream: cannot listen on " + flowLogStream + ": " + e.getMessage(), e);
        }
    }

    /** "HOST:PORT" of a bound address, IPv6 in brackets. */
    static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
