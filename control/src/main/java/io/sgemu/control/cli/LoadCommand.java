package io.sgemu.control.cli;

import io.sgemu.control.load.Encapsulation;
import io.sgemu.control.load.LoadGenerator;
import io.sgemu.control.load.LoadOptions;
import io.sgemu.control.load.LoadPackets;
import io.sgemu.control.load.LoadReport;
import io.sgemu.control.load.LoadTarget;
import io.sgemu.dataplane.capture.CaptureFormatException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import io.sgemu.control.aws.LoadedWorld;
import io.sgemu.control.gen.FlowPlan;
import io.sgemu.control.gen.FlowPlanner;
import io.sgemu.control.gen.GenSettings;
import io.sgemu.dataplane.packet.LinkType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sgemu load}: sends the IP packets of a capture to a live emulator and measures what comes back. */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Send packets to a live emulator (sgemu serve) over UDP, VXLAN or GENEVE, at a fixed rate or "
            + "flat out, and count the packets it returns with their round-trip latency.",
            "The packets are the IP packets of a capture's frames (frames that are not IP are skipped and counted), "
                + "or of traffic generated in memory for a world (--config, as 'sgemu gen capture' makes it).",
            "Returned packets are matched by a tag the load writes into each packet: the IPv4 identification "
                + "(checksum fixed) or the IPv6 flow label; IPv4 fragments are sent untagged. Packets the emulator "
                + "rejects do not come back: they count as lost.",
            "Exit code 0; 2 for bad input."})
final class LoadCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "TARGET",
            description = "udp://HOST:PORT (the datagram is the IP packet), vxlan://HOST:PORT (VXLAN header and an "
                + "Ethernet frame) or geneve://HOST:PORT (GENEVE header and the IP packet).")
    String target;

    @Option(names = "--pcap", paramLabel = "FILE",
            description = "The packets to send: a pcap or pcapng capture (gzip too), sent in order, looping as needed.")
    Path pcap;

    @Option(names = "--config", arity = "1..*", paramLabel = "FILE|DIR",
            description = {"Instead of --pcap: generate the packets in memory for this world, as 'sgemu gen capture' "
                + "would write them (with --flows, --packets, --zipf, --seed, --blocked-share)."})
    List<Path> config;

    @Option(names = "--flows", paramLabel = "N", description = "With --config: distinct flows (default ${DEFAULT-VALUE}).",
            defaultValue = "1000")
    int flows;

    @Option(names = "--packets", paramLabel = "N",
            description = "With --config: packets to generate, sent in order, looping as needed (default ${DEFAULT-VALUE}).",
            defaultValue = "100000")
    long packetCount;

    @Option(names = "--zipf", defaultValue = "1.1", paramLabel = "S",
            description = "With --config: Zipf exponent of flow sizes (default ${DEFAULT-VALUE}).")
    double zipf;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S",
            description = "With --config: random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--blocked-share", defaultValue = "0.1", paramLabel = "X",
            description = "With --config: share of the packets that are blocked attempts (default ${DEFAULT-VALUE}).")
    double blockedShare;

    @Option(names = "--vni", paramLabel = "N", defaultValue = "1",
            description = "VXLAN/GENEVE network identifier (default ${DEFAULT-VALUE}).")
    int vni;

    @Option(names = "--rate", paramLabel = "PPS",
            description = "Packets per second over all threads, each packet with its due time; late packets are sent "
                + "at once and their lateness counts in the latency. Default: flat out.")
    Double rate;

    @Option(names = "--ramp", paramLabel = "SECONDS",
            description = "With --rate: grow the rate from 0 to PPS in a straight line over this long, so that a cold "
                + "sender and a cold receiver reach the rate without a catch-up burst (default: full rate at once).")
    Double ramp;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "Sending threads, each with its own socket and a share of the packets (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--count", paramLabel = "N", description = "Send N packets, looping over the capture.")
    Long count;

    @Option(names = "--duration", paramLabel = "SECONDS",
            description = "Send for this long (at a fixed rate: the packets due in it). Default: the capture once.")
    Double duration;

    @Option(names = "--listen", paramLabel = "HOST:PORT",
            description = "Receive returned packets here (point the emulator's --forward at it): count them and "
                + "measure round trips.")
    String listen;

    @Option(names = "--listen-encap", paramLabel = "udp|vxlan|geneve",
            description = "How returned datagrams carry their packet (default: as the target's).")
    String listenEncap;

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "1",
            description = "After the last send, wait this long for returns (default ${DEFAULT-VALUE}).")
    double waitSeconds;

    @Option(names = "--malformed-per-packet", paramLabel = "N", defaultValue = "0",
            description = {"Flood: after each packet also send N datagrams the emulator must drop as malformed "
                + "(VXLAN without its I flag, GENEVE of an unknown version, UDP without an IP packet), on top of "
                + "--rate (default ${DEFAULT-VALUE})."})
    int malformedPerPacket;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as one JSON object to FILE.")
    Path json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LoadOptions options;
        try {
            LoadTarget t = LoadTarget.parse(target);
            options = LoadOptions.to(t).withVni(vni).withThreads(threads);
            if (rate != null) {
                if (!(rate > 0)) {
                    throw new UserInputException("--rate must be a positive number of packets per second");
                }
                options = options.withRate(rate);
            }
            if (count != null && duration != null) {
                throw new UserInputException("--count and --duration exclude each other");
            }
            if (count != null) {
                options = options.withCount(count);
            }
            if (duration != null) {
                if (!(duration > 0)) {
                    throw new UserInputException("--duration must be positive");
                }
                options = options.withDuration((long) (duration * 1e9));
            }
            if (ramp != null) {
                if (rate == null) {
                    throw new UserInputException("--ramp needs --rate (the rate it ramps up to)");
                }
                if (!(ramp >= 0) || ramp.isInfinite()) {
                    throw new UserInputException("--ramp must be a number of seconds, 0 or more");
                }
                options = options.withRamp((long) (ramp * 1e9));
            }
            if (!(waitSeconds >= 0)) {
                throw new UserInputException("--wait must not be negative");
            }
            options = options.withWait((long) (waitSeconds * 1e9));
            if (listen != null) {
                InetSocketAddress a = LoadTarget.hostPort(listen, "--listen address '" + listen + "'");
                Encapsulation how = listenEncap == null ? t.encapsulation() : Encapsulation.ofScheme(listenEncap);
                options = options.withListen(a, how);
            } else if (listenEncap != null) {
                throw new UserInputException("--listen-encap needs --listen");
            }
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage(), e);
        }
        LoadPackets packets = packets();
        if (packets.packets().isEmpty()) {
            throw new UserInputException((pcap != null ? pcap.toString() : "the generated traffic")
                    + ": no IP packets to send (" + packets.frames() + " frames; skipped " + packets.skipped() + ")");
        }
        LoadReport report;
        LoadGenerator generator;
        try {
            if (malformedPerPacket < 0 || malformedPerPacket > 1000) {
                throw new UserInputException("--malformed-per-packet must be 0..1000, not " + malformedPerPacket);
            }
            generator = new LoadGenerator(options, packets).malformedPerPacket(malformedPerPacket);
            report = generator.run();
        } catch (java.net.BindException e) {
            throw new UserInputException("--listen " + listen + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UserInputException("the load failed: " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(report.toText());
        if (malformedPerPacket > 0) {
            out.printf(java.util.Locale.ROOT, "malformed         %d (%d after each packet)%n", generator.malformedSent(),
                    malformedPerPacket);
        }
        out.flush();
        if (json != null) {
            try {
                report.writeJson(json);
            } catch (IOException e) {
                throw new UserInputException("--json " + json + ": " + e.getMessage(), e);
            }
        }
        return 0;
    }

    /** The packets of --pcap, or generated for the world of --config. */
    private LoadPackets packets() throws IOException {
        if ((pcap == null) == (config == null)) {
            throw new UserInputException("give either --pcap FILE or --config FILE... (generated flows), not "
                    + (pcap == null ? "neither" : "both"));
        }
        if (pcap != null) {
            if (!Files.isRegularFile(pcap)) {
                throw new UserInputException(pcap + ": no such capture file");
            }
            try {
                return LoadPackets.fromCapture(pcap);
            } catch (CaptureFormatException e) {
                throw new UserInputException(e.getMessage(), e);
            }
        }
        if (packetCount > 50_000_000L) {
            throw new UserInputException("--packets: at most 50000000 are held in memory");
        }
        GenSettings settings;
        FlowPlan plan;
        try {
            settings = new GenSettings(flows, packetCount, zipf, seed, blockedShare,
                    GenSettings.DEFAULT_START_SECONDS * 1_000_000_000L, 100_000, LinkType.RAW);
            LoadedWorld loaded = WorldOptions.load(config, false);
            loaded.warnings().forEach(w -> spec.commandLine().getErr().println("warning: " + w));
            plan = FlowPlanner.plan(loaded.world(), settings);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage(), e);
        }
        return LoadPackets.fromPlan(plan);
    }
}
