package io.sgemu.control.cli;

import io.sgemu.control.gen.CaptureFile;
import io.sgemu.control.gen.CaptureGenerator;
import io.sgemu.control.gen.FlowPlan;
import io.sgemu.control.gen.FlowPlanner;
import io.sgemu.control.gen.GenSettings;
import io.sgemu.control.aws.LoadedWorld;
import io.sgemu.dataplane.packet.LinkType;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sgemu gen capture}: realistic traffic for a world, streamed to a capture file. */
@Command(name = "capture", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a capture of realistic traffic for a world: TCP conversations (handshake, data both "
            + "ways, FIN or RST), UDP requests and responses and ICMP echoes between the world's ENIs (private and "
            + "secondary addresses) and with outside hosts (to and from public addresses), on the ports the "
            + "security groups open; plus blocked attempts (SYNs, datagrams, pings to what nothing opens, retried).",
            "Every flow is checked against the reference evaluator first: a replay accepts the conversations and "
                + "rejects the blocked attempts, so it rejects about --blocked-share of the packets.",
            "Flow sizes follow a Zipf law; the same world, options and --seed give the same bytes.",
            "Output by the file name: .pcapng for pcapng, else pcap (nanosecond timestamps); .gz compresses."})
final class GenCaptureCommand implements Callable<Integer> {

    @Mixin
    WorldOptions world;

    @Option(names = "--flows", required = true, paramLabel = "N", description = "Distinct flows.")
    int flows;

    @Option(names = "--packets", required = true, paramLabel = "N", description = "Frames to write (exactly).")
    long packets;

    @Option(names = "--zipf", defaultValue = "1.1", paramLabel = "S",
            description = "Zipf exponent of flow popularity (default ${DEFAULT-VALUE}; 0: every flow equally big).")
    double zipf;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--blocked-share", defaultValue = "0.1", paramLabel = "X",
            description = "Share of the packets that are blocked attempts, 0..1 (default ${DEFAULT-VALUE}).")
    double blockedShare;

    @Option(names = "--start", defaultValue = "1767225600", paramLabel = "EPOCH_SECONDS|INSTANT",
            description = "When the capture starts: Unix seconds or ISO-8601 (default ${DEFAULT-VALUE}, 2026-01-01T00:00:00Z).")
    String start;

    @Option(names = "--rate", defaultValue = "100000", paramLabel = "PPS",
            description = "Packets per second of capture time, on average (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--link", defaultValue = "ethernet", paramLabel = "ethernet|raw",
            description = "Link layer of the frames (default ${DEFAULT-VALUE}).")
    String link;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The capture to write.")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        int linkType = switch (link.toLowerCase(Locale.ROOT)) {
            case "ethernet" -> LinkType.ETHERNET;
            case "raw" -> LinkType.RAW;
            default -> throw new UserInputException("--link must be ethernet or raw, not '" + link + "'");
        };
        GenSettings settings;
        try {
            settings = new GenSettings(flows, packets, zipf, seed, blockedShare, startNanos(), rate, linkType);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage(), e);
        }
        if (packets > 2_000_000_000L) {
            throw new UserInputException("--packets must be at most 2000000000");
        }
        LoadedWorld loaded = world.load();
        PrintWriter err = spec.commandLine().getErr();
        loaded.warnings().forEach(w -> err.println("warning: " + w));
        FlowPlan plan;
        try {
            plan = FlowPlanner.plan(loaded.world(), settings);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage(), e);
        }
        if ((settings.startNanos() + plan.durationNanos() + settings.packets()) / 1_000_000_000L > 0xFFFF_FFFFL) {
            throw new UserInputException("--start: the capture would end after 2106, which pcap cannot hold");
        }
        CaptureFile file;
        try {
            if (out.getParent() != null) {
                Files.createDirectories(out.getParent());
            }
            file = CaptureFile.create(out, linkType);
        } catch (IOException e) {
            throw new UserInputException(out + ": cannot write: " + e, e);
        }
        long written;
        try (file) {
            written = CaptureGenerator.write(plan, file::write);
        }
        spec.commandLine().getOut().printf(Locale.ROOT,
                "%s: %d packets, %d flows (%d blocked attempts, %d packets = %.4f), %.3f s of capture time%n",
                out, written, plan.flows(), plan.blockedFlows(), plan.blockedPackets(),
                (double) plan.blockedPackets() / written, plan.durationNanos() / 1e9);
        return 0;
    }

    private long startNanos() {
        String s = start.trim();
        if (s.matches("\\d+")) {
            try {
                return Math.multiplyExact(Long.parseLong(s), 1_000_000_000L);
            } catch (ArithmeticException | NumberFormatException e) {
                throw new UserInputException("--start: " + s + " seconds is too far away");
            }
        }
        try {
            Instant t = Instant.parse(s);
            return t.getEpochSecond() * 1_000_000_000L + t.getNano();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new UserInputException("--start: '" + start + "' is neither Unix seconds nor an ISO-8601 instant "
                    + "like 2026-01-01T00:00:00Z");
        }
    }
}
