package io.sgemu.control.cli;

import io.sgemu.control.aws.LoadedWorld;
import io.sgemu.control.compile.PolicyCompiler;
import io.sgemu.control.model.World;
import io.sgemu.control.api.AdminJson;
import io.sgemu.control.api.AdminServer;
import io.sgemu.control.api.JvmMetrics;
import io.sgemu.control.api.LatencyWindow;
import io.sgemu.control.api.LiveMetrics;
import io.sgemu.control.api.MetricsSource;
import io.sgemu.control.api.TopTalkers;
import io.sgemu.control.ec2.ControlPlane;
import io.sgemu.control.ec2.DataplaneHandOver;
import io.sgemu.control.ec2.Credentials;
import io.sgemu.control.ec2.Ec2Api;
import io.sgemu.control.ec2.Ec2Endpoint;
import io.sgemu.dataplane.flowlog.FlowLogFormat;
import io.sgemu.dataplane.flowlog.FlowLogSink;
import io.sgemu.dataplane.flowlog.FlowLogStreamServer;
import io.sgemu.dataplane.flowlog.FlowLogTee;
import io.sgemu.dataplane.flowlog.FlowLogTextWriter;
import io.sgemu.dataplane.io.ListenerUri;
import io.sgemu.dataplane.io.LiveConfig;
import io.sgemu.dataplane.io.LiveCounters;
import io.sgemu.dataplane.io.LiveDataplane;
import io.sgemu.dataplane.policy.PolicySnapshot;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sgemu serve}: the live dataplane. Listens for packets in UDP datagrams (raw IP, VXLAN, GENEVE), judges
 * them against the world as AWS would, writes flow logs on wall-clock time and, with {@code --forward}, sends
 * accepted packets on to their destination's tunnel endpoint. Runs until SIGINT/SIGTERM or {@code --duration}.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Judge live traffic: packets arrive in UDP datagrams (udp://: one IP packet per datagram; "
            + "vxlan://: RFC 7348; geneve://: RFC 8926), are judged against the world as AWS would judge them, "
            + "counted and logged in flow logs; with --forward, accepted packets go on to their destination.",
            "Prints each listener as bound on stderr ('listening vxlan://0.0.0.0:4789'). Stops on Ctrl-C, SIGTERM or "
                + "after --duration: stops receiving, judges what was received, flushes the flow logs, prints a "
                + "summary and exits 0."})
final class ServeCommand implements Callable<Integer> {

    @Mixin
    WorldOptions world;

    @Option(names = "--listen", required = true, arity = "1..*", paramLabel = "URI",
            description = {"udp://HOST:PORT, vxlan://HOST[:PORT] (default port 4789) or geneve://HOST[:PORT] "
                + "(default port 6081). IPv6 hosts in brackets. Port 0: any free port. Repeatable."})
    List<String> listen;

    @Option(names = "--credentials", paramLabel = "FILE",
            description = {"Access keys for the EC2 Query API that --admin serves at POST /: one "
                + "'ACCESS_KEY_ID SECRET' a line ('#' comments). Requests must then be signed (AWS Signature V4) by "
                + "one of them. Without it, the API is served on a loopback --admin address only, and accepts any "
                + "signature."})
    Path credentialsFile;

    /** The live world that the EC2 API changes (with --admin), and the dataplane it hands snapshots to. */
    private ControlPlane controlPlane;
    private Credentials credentials;
    private final DataplaneHandOver handOver = new DataplaneHandOver();
    /** The busiest flows for GET /admin/top (with --admin). */
    private TopTalkers topTalkers;

    @Option(names = "--vni", paramLabel = "VNI=VPC-ID",
            description = {"Which VPC a VXLAN/GENEVE network identifier carries. Repeatable. Datagrams with other "
                + "VNIs are dropped (dropped.unknown-vni). Without --vni, a world with one VPC takes every VNI."})
    List<String> vni = new ArrayList<>();

    @Option(names = "--forward",
            description = {"Send accepted packets on, encapsulated as they came, to the tunnel endpoint behind which "
                + "the destination ENI was last seen (learned from the packets' outer source). Packets to an "
                + "ENI not seen yet are dropped (dropped.no-endpoint)."})
    boolean forward;

    @Option(names = "--external-endpoint", paramLabel = "HOST:PORT",
            description = "With --forward: where accepted packets to addresses of no ENI go (the internet, on-premises).")
    String externalEndpoint;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "1",
            description = "Threads that judge (default ${DEFAULT-VALUE}); flows are steered among them, both directions together.")
    int workers;

    @Option(names = "--event-loops", paramLabel = "N", defaultValue = "1",
            description = "Threads that receive (default ${DEFAULT-VALUE}); with epoll each gets its own SO_REUSEPORT socket per listener.")
    int eventLoops;

    @Option(names = "--flow-logs", paramLabel = "FILE|-",
            description = {"Write flow-log records (AWS text format with a header line) to FILE, or '-' for stdout, "
                + "each aggregation interval of wall-clock time and at the end.",
                "An existing FILE of the same format is appended to (a torn last line, left by a killed run, is cut "
                    + "first); one of another format is an error."})
    String flowLogs;

    @Mixin
    FlowLogFormatOptions flowLogFormatOptions;


    @Option(names = "--aggregation-interval-seconds", paramLabel = "SECONDS", hidden = true,
            description = "A flow-log aggregation interval of any length (tests, demos); overrides --aggregation-interval.")
    Integer aggregationIntervalSeconds;

    @Option(names = "--duration", paramLabel = "SECONDS",
            description = "Stop after this many seconds (default: run until Ctrl-C or SIGTERM).")
    Double duration;

    @Option(names = "--conntrack-capacity", paramLabel = "SLOTS", defaultValue = "1048576",
            description = "Slots of the connection-tracking table (64 bytes each; default ${DEFAULT-VALUE}).")
    int conntrackCapacity;

    @Option(names = "--flow-log-max-records", paramLabel = "RECORDS", defaultValue = "1000000",
            description = "Flow-log records (distinct flows) kept per aggregation interval (default ${DEFAULT-VALUE}; "
                + "each worker holds its share). Packets of new flows beyond it are not logged: their ENI gets a "
                + "SKIPDATA record for the interval, and sgemu_flow_log_lost_packets_total{cause=\"capacity\"} counts them.")
    int flowLogMaxRecords;

    @Option(names = "--tcp-close-linger", paramLabel = "SECONDS", defaultValue = "5",
            description = "How long a tracked TCP connection lingers after RST, or FIN both ways (default ${DEFAULT-VALUE}).")
    int tcpCloseLinger;

    @Option(names = "--vtep-port", paramLabel = "PORT",
            description = {"With --forward: send to each learned endpoint's IP at this UDP port instead of the port its "
                + "datagrams came from (a Linux VXLAN device sends from a port hashed from the inner flow but "
                + "listens on its dstport, e.g. 4789)."})
    Integer vtepPort;

    @Option(names = "--discard",
            description = {"Receive and drop every datagram unread, counting it (received, discarded): the baseline "
                + "of an ingest benchmark, what the sockets alone reach. Nothing is judged or logged."})
    boolean discard;

    @Mixin
    FlowLogDeliveryOptions flowLogDelivery;

    @Mixin
    ServeOutputOptions outputs;

    @Mixin
    WatchOptions watchOptions;

    @Option(names = "--nio", hidden = true, description = "Use Netty's NIO transport even where epoll is available (tests).")
    boolean nio;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        List<ListenerUri> listeners = new ArrayList<>();
        for (String l : listen) {
            try {
                listeners.add(ListenerUri.parse(l));
            } catch (IllegalArgumentException e) {
                throw new UserInputException("--listen " + e.getMessage(), e);
            }
        }
        if (aggregationIntervalSeconds != null && aggregationIntervalSeconds < 1) {
            throw new UserInputException("--aggregation-interval-seconds must be at least 1");
        }
        int aggregationInterval = aggregationIntervalSeconds != null ? aggregationIntervalSeconds
                : flowLogFormatOptions.intervalSeconds();
        if (workers < 1 || workers > 64) {
            throw new UserInputException("--workers must be 1..64, not " + workers);
        }
        if (eventLoops < 1 || eventLoops > 64) {
            throw new UserInputException("--event-loops must be 1..64, not " + eventLoops);
        }
        if (flowLogMaxRecords < 1) {
            throw new UserInputException("--flow-log-max-records must be at least 1");
        }
        if (conntrackCapacity < 1024) {
            throw new UserInputException("--conntrack-capacity must be at least 1024");
        }
        if (tcpCloseLinger < 0) {
            throw new UserInputException("--tcp-close-linger must not be negative");
        }
        if (duration != null && !(duration > 0)) {
            throw new UserInputException("--duration must be a positive number of seconds");
        }
        if (externalEndpoint != null && !forward) {
            throw new UserInputException("--external-endpoint needs --forward");
        }
        if (vtepPort != null && (vtepPort < 1 || vtepPort > 65535)) {
            throw new UserInputException("--vtep-port must be 1..65535, not " + vtepPort);
        }
        if (vtepPort != null && !forward) {
            throw new UserInputException("--vtep-port needs --forward");
        }
        if (discard && forward) {
            throw new UserInputException("--discard and --forward exclude each other (--discard judges nothing)");
        }
        InetSocketAddress external = externalEndpoint == null ? null : endpoint(externalEndpoint);
        InetSocketAddress adminBind = outputs.adminAddress();
        InetSocketAddress streamBind = outputs.streamAddress();
        outputs.adminLimits(); // checked before anything starts
        checkAdminExposure(adminBind);
        FlowLogFormat format = flowLogFormatOptions.format();
        LoadedWorld loaded = world.load();
        loaded.warnings().forEach(w -> err.println("warning: " + w));
        int[] vnis = vnis(loaded.world());
        if (credentialsFile != null && adminBind == null) {
            throw new UserInputException("--credentials needs --admin (the EC2 API is served on the admin address)");
        }
        try {
            credentials = credentialsFile == null ? null : Credentials.read(credentialsFile);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--credentials: " + e.getMessage(), e);
        }
        PolicySnapshot policy;
        if (adminBind != null || watchOptions.watch) {
            // the control plane (the EC2 API's, --watch's) compiles the world and hands every later snapshot to the
            // dataplane; a call is answered once every worker judges by its snapshot
            controlPlane = new ControlPlane(loaded.world(), null, handOver);
            policy = controlPlane.current().policy();
        } else {
            policy = new PolicyCompiler().compile(loaded.world(), null, null);
        }

        try (Writer flowStream = open(flowLogs, out, format, err);
             FlowLogDeliveryOptions.S3Delivery s3 = flowLogDelivery.open(format, loaded.world(), null);
             FlowLogStreamServer stream = outputs.startStream(streamBind, format)) {
            boolean header = !(flowStream instanceof FlowLogAppendFile f) || f.needsHeader();
            FlowLogTextWriter flowWriter = flowStream == null ? null : new FlowLogTextWriter(flowStream, format, header);
            // with --admin, flow-log records are built for GET /admin/top even when no other output wants them
            topTalkers = adminBind == null || outputs.adminInsecureMetricsOnly ? null : new TopTalkers();
            FlowLogSink sink = FlowLogTee.of(flowWriter, s3, stream, topTalkers);
            LiveConfig config = new LiveConfig(policy).workers(workers).eventLoops(eventLoops).vnis(vnis)
                    .forward(forward).externalEndpoint(external).vtepPort(vtepPort == null ? 0 : vtepPort)
                    .discard(discard)
                    .conntrackCapacity(conntrackCapacity)
                    .flowLogMaxRecords(flowLogMaxRecords)
                    .tcpCloseLingerNanos(TimeUnit.SECONDS.toNanos(tcpCloseLinger))
                    .transport(nio ? LiveConfig.Transport.NIO : LiveConfig.Transport.AUTO)
                    .warnings(w -> {
                        err.println("warning: " + w);
                        err.flush();
                    });
            if (sink != null) {
                config.flowLogs(sink, aggregationInterval, aggregationIntervalSeconds != null);
            }
            listeners.forEach(config::listen);
            LiveDataplane live = serve(config, stream, adminBind, err);
            if (flowWriter != null) {
                flowWriter.flush();
            }
            UserInputException deliveryError = s3 == null ? null : s3.finish();
            PrintWriter summaryOut = "-".equals(flowLogs) ? err : out;
            summaryOut.print(summary(live.counters()));
            summaryOut.flush();
            if (deliveryError != null) {
                throw deliveryError;
            }
        }
        return 0;
    }

    /**
     * Starts the dataplane and the admin server, waits for a stop (signal or --duration), stops both and answers
     * the stopped dataplane. /healthz answers 200 from the start until the stop begins.
     */
    private LiveDataplane serve(LiveConfig config, FlowLogStreamServer stream, InetSocketAddress adminBind,
                                PrintWriter err) {
        CountDownLatch stop = new CountDownLatch(1);
        StopSignals signals = StopSignals.install(stop);
        LiveDataplane live;
        try {
            live = LiveDataplane.start(config);
        } catch (IOException e) {
            signals.uninstall();
            throw new UserInputException(e.getMessage(), e);
        }
        AtomicBoolean serving = new AtomicBoolean(true);
        AdminServer admin = null;
        WorldWatcher watcher = null;
        try {
            for (String l : live.boundListeners()) {
                err.println("listening " + l);
            }
            if (stream != null) {
                err.println("flow-log stream tcp://" + ServeOutputOptions.hostPort(stream.localAddress()));
            }
            handOver.attach(live);
            watcher = watchOptions.start(world, controlPlane, err);
            if (adminBind != null) {
                try {
                    boolean metricsOnly = outputs.adminInsecureMetricsOnly;
                    admin = AdminServer.start(adminBind, MetricsSource.of(new LiveMetrics(live, stream),
                                    new LatencyWindow(live.latency()::cumulative), new JvmMetrics()), serving::get,
                            metricsOnly ? null : ec2Endpoint(),
                            metricsOnly ? null : new AdminJson(controlPlane::current, live, topTalkers), outputs.adminLimits());
                } catch (IOException e) {
                    throw new UserInputException("--admin: cannot listen on " + outputs.admin + ": " + e.getMessage(), e);
                }
                err.println("admin http://" + ServeOutputOptions.hostPort(admin.address()));
            }
            err.flush();
            try {
                if (duration != null) {
                    stop.await((long) (duration * 1e9), TimeUnit.NANOSECONDS);
                } else {
                    stop.await();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } finally {
            serving.set(false);
            if (watcher != null) {
                watcher.close(); // before the dataplane: a reload in progress hands its snapshot to a running one
            }
            live.close();
            if (admin != null) {
                admin.close();
            }
            signals.uninstall();
        }
        return live;
    }

    /** The EC2 API for the admin listener: with --credentials, signed requests only; without, any (loopback only). */
    private Ec2Endpoint ec2Endpoint() {
        return new Ec2Endpoint(new Ec2Api(controlPlane, null), credentials);
    }

    /**
     * An admin listener that others can reach must not hand them the EC2 API (which changes the world) and the
     * operator's view unauthenticated: it needs --credentials, or --admin-insecure-metrics-only to say that
     * metrics alone, open to all, are meant.
     */
    private void checkAdminExposure(InetSocketAddress adminBind) {
        if (outputs.adminInsecureMetricsOnly) {
            if (adminBind == null) {
                throw new UserInputException("--admin-insecure-metrics-only needs --admin");
            }
            if (credentialsFile != null) {
                throw new UserInputException("--admin-insecure-metrics-only and --credentials exclude each other "
                        + "(the one serves metrics alone, the other the EC2 API to signed requests)");
            }
            return;
        }
        boolean loopback = adminBind != null && adminBind.getAddress() != null && adminBind.getAddress().isLoopbackAddress();
        if (adminBind != null && !loopback && credentialsFile == null) {
            throw new UserInputException("--admin " + outputs.admin + " is reachable from other hosts: give --credentials "
                    + "(the EC2 API and /admin/ then take signed requests only), or --admin-insecure-metrics-only to "
                    + "serve /metrics and /healthz alone, to anyone; or listen on loopback (default "
                    + AdminServer.DEFAULT_ADDRESS + ")");
        }
    }

    /** The counters that are not zero, one per line, with the totals always shown. */
    static String summary(LiveCounters c) {
        StringBuilder sb = new StringBuilder();
        Map<String, Long> all = c.snapshot();
        for (Map.Entry<String, Long> e : all.entrySet()) {
            String name = e.getKey();
            boolean total = name.equals("received") || name.equals("accepted") || name.equals("rejected")
                    || name.equals("forwarded");
            if (total || e.getValue() != 0) {
                sb.append(String.format("%-28s %d%n", name, e.getValue()));
            }
        }
        return sb.toString();
    }

    /** The accepted VNIs from --vni (checked against the world), or null for every VNI. */
    private int[] vnis(World w) {
        if (vni.isEmpty()) {
            if (w.vpcs().size() > 1) {
                throw new UserInputException("the world has " + w.vpcs().size() + " VPCs (" + String.join(", ", w.vpcs().keySet())
                        + "): say which VNI carries which with --vni VNI=VPC-ID");
            }
            return null;
        }
        Map<Integer, String> map = new LinkedHashMap<>();
        for (String v : vni) {
            int eq = v.indexOf('=');
            if (eq < 0) {
                throw new UserInputException("--vni '" + v + "': expected VNI=VPC-ID, e.g. 7001=vpc-0a1b2c3d");
            }
            int number;
            try {
                number = Integer.parseInt(v.substring(0, eq).trim());
            } catch (NumberFormatException e) {
                throw new UserInputException("--vni '" + v + "': the VNI is not a number");
            }
            if (number < 0 || number > 0xFF_FFFF) {
                throw new UserInputException("--vni '" + v + "': a VNI is 0.." + 0xFF_FFFF);
            }
            String vpc = v.substring(eq + 1).trim();
            if (!w.vpcs().containsKey(vpc)) {
                throw new UserInputException("--vni '" + v + "': no VPC " + vpc + " in the world (it has "
                        + String.join(", ", w.vpcs().keySet()) + ")");
            }
            String before = map.put(number, vpc);
            if (before != null && !before.equals(vpc)) {
                throw new UserInputException("--vni: VNI " + number + " is mapped to both " + before + " and " + vpc);
            }
        }
        return map.keySet().stream().mapToInt(Integer::intValue).toArray();
    }

    /** HOST:PORT (IPv6 in brackets). */
    static InetSocketAddress endpoint(String text) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf("]:");
            if (close < 0) {
                throw new UserInputException("--external-endpoint '" + text + "': expected [IPV6]:PORT");
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || text.indexOf(':') != colon) {
                throw new UserInputException("--external-endpoint '" + text + "': expected HOST:PORT");
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new UserInputException("--external-endpoint '" + text + "': the port is not a number");
        }
        if (p < 1 || p > 65535) {
            throw new UserInputException("--external-endpoint '" + text + "': the port must be 1..65535");
        }
        InetSocketAddress a = new InetSocketAddress(host, p);
        if (a.isUnresolved()) {
            throw new UserInputException("--external-endpoint '" + text + "': cannot resolve " + host);
        }
        return a;
    }

    /** stdout for '-', else the file, appended to (see {@link FlowLogAppendFile} for why and how). */
    private static Writer open(String target, Writer stdout, FlowLogFormat format, PrintWriter err) {
        if (target == null) {
            return null;
        }
        if ("-".equals(target)) {
            return new FilterWriter(stdout) {
                @Override
                public void close() throws IOException {
                    flush();
                }
            };
        }
        try {
            FlowLogAppendFile f = FlowLogAppendFile.open(Path.of(target), format.header());
            if (f.cutBytes() > 0) {
                err.println("warning: --flow-logs " + target + ": cut a torn last line of " + f.cutBytes()
                        + " bytes (an earlier run was killed while writing)");
            }
            if (f.keptBytes() > 0) {
                err.println("--flow-logs " + target + ": appending to the " + f.keptBytes() + " bytes of earlier runs");
            }
            return f;
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw new UserInputException(target + ": cannot write: " + e.getMessage(), e);
        }
    }
}
