package io.sgemu.control.cli;

import io.sgemu.control.synth.SynthPacket;
import io.sgemu.control.synth.TrafficScript;
import io.sgemu.control.synth.TrafficSynthesizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sgemu synth}: turns a traffic script into a capture. */
@Command(name = "synth", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a capture of the conversations in a traffic script, one per line:",
            "  AT(seconds)  PROTOCOL  FROM -> TO  SHAPE  [COUNT]",
            "  0    tcp   198.51.100.7:50123 -> 54.210.16.10:443  session 3",
            "  4    tcp   198.51.100.66:51515 -> 54.210.16.10:22  syn 2",
            "  5    icmp  10.0.2.11 -> 10.0.2.12                  ping 2",
            "Shapes: session, session-rst (TCP handshake, COUNT exchanges, FIN or RST close), syn (unanswered "
                + "SYNs), retry (SYNs answered by SYN-ACKs), exchange (request/response pairs), oneway (ICMP: unanswered echo requests), ping.",
            "Both ends send what they would send; the network's verdicts are for 'sgemu replay' to find."})
final class SynthCommand implements Callable<Integer> {

    @Option(names = "--flows", required = true, paramLabel = "FILE", description = "The traffic script.")
    Path flows;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The capture to write.")
    Path out;

    @Option(names = "--format", defaultValue = "pcap", paramLabel = "pcap|pcapng",
            description = "Capture format (default ${DEFAULT-VALUE}); pcap is written with nanosecond timestamps.")
    String format;

    @Option(names = "--start", defaultValue = "2026-01-01T00:00:00Z", paramLabel = "INSTANT",
            description = "The time of AT 0, ISO-8601 (default ${DEFAULT-VALUE}).")
    String start;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        TrafficSynthesizer.Format f;
        try {
            f = TrafficSynthesizer.Format.valueOf(format.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--format must be pcap or pcapng, not '" + format + "'");
        }
        Instant t0;
        try {
            t0 = Instant.parse(start);
        } catch (DateTimeParseException e) {
            throw new UserInputException("--start: '" + start + "' is not an ISO-8601 instant like 2026-01-01T00:00:00Z");
        }
        TrafficScript script;
        try {
            script = TrafficScript.read(flows);
        } catch (NoSuchFileException e) {
            throw new UserInputException(flows + ": no such file");
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage(), e);
        }
        List<SynthPacket> packets = TrafficSynthesizer.expand(script, t0.getEpochSecond() * 1_000_000_000L + t0.getNano());
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        TrafficSynthesizer.write(packets, out, f);
        spec.commandLine().getOut().printf(Locale.ROOT, "%s: %d packets from %d conversations%n", out, packets.size(),
                script.conversations().size());
        return 0;
    }
}
