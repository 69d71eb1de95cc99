package io.sgemu.control.cli;

import io.sgemu.control.aws.LoadedWorld;
import io.sgemu.control.diff.DiffJson;
import io.sgemu.control.diff.DiffReport;
import io.sgemu.control.diff.DiffTable;
import io.sgemu.control.diff.TrafficInput;
import io.sgemu.dataplane.capture.FrameSource;
import io.sgemu.control.diff.WorldDiff;
import io.sgemu.control.reference.EvaluatorSettings;
import io.sgemu.dataplane.capture.CaptureFormatException;
import io.sgemu.dataplane.io.PartialFile;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sgemu diff}: what a change of the world would have done to recorded traffic. */
@Command(name = "diff", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"What-if report: replay the same traffic against the world as it is (--config) and as it "
            + "would be (--against), and list the flows whose verdicts change: NEWLY REJECTED (a packet the old "
            + "world accepts, the new one rejects) and NEWLY ACCEPTED (the reverse).",
            "Flows are directed (protocol, source, destination, ports). Changes are grouped by the ENI where the "
                + "rejecting world rejects, then by the stage and the rules responsible: the security-group rule "
                + "or NACL entry that lets the packets through in one world, and the NACL entry (or 'no "
                + "security-group rule matches') that stops them in the other. Both worlds are judged by the "
                + "reference engine, each with its own connection tracking.",
            "Example: sgemu diff --config aws --against aws-proposed --pcap week.pcap --json report.json",
            "Exit code 0 when the report is written, changes or not (1 with --fail-on-change when a verdict "
                + "changed); 1 when the traffic broke off (the frames before the break are compared and "
                + "reported); 2 for bad input."})
final class DiffCommand implements Callable<Integer> {

    @Mixin
    WorldOptions world;

    @Option(names = "--against", required = true, arity = "1..*", paramLabel = "FILE|DIR",
            description = "The world as it would be after the change, given as --config is (AWS CLI describe-* JSON, "
                + "sgemu YAML, or folders of them; all are merged).")
    List<Path> against;

    // Not required by the parser: the traffic comes from --pcap or from --flow-log-input (see traffic()).
    @Option(names = "--pcap", paramLabel = "FILE",
            description = "The traffic: a capture, pcap or pcapng, either gzip-compressed (or --flow-log-input).")
    Path pcap;

    @Mixin
    FlowLogInputOptions flowLogInput;

    @Option(names = "--json", paramLabel = "FILE|-",
            description = {"Also write the whole report as one JSON document to FILE, or '-' for stdout (the table "
                + "then goes to stderr):",
                "{\"traffic\": {\"kind\": \"pcap\", \"name\": FILE}, \"old_config\": [FILE], \"new_config\": [FILE], "
                    + "\"frames\": N, \"flows\": N, \"capture_error\": MESSAGE (only when the traffic broke off), "
                    + "\"old\": COUNTS, \"new\": COUNTS, \"other_changed_packets\": N, \"changed\": true|false, "
                    + "\"newly_rejected\": CHANGES, \"newly_accepted\": CHANGES}",
                "COUNTS: {\"accepted\", \"rejected\", \"skipped\": N}.",
                "CHANGES: {\"flows\", \"packets\", \"bytes\": N, \"enis\": [{\"eni\": ENI, \"flows\", \"packets\", "
                    + "\"bytes\": N, \"rules\": [{\"stage\": STAGE, \"accepted_by\": RULE, \"rejected_by\": RULE, "
                    + "\"flows\", \"packets\", \"bytes\": N, \"flow_list\": [FLOW]}]}]}; packets and bytes count "
                    + "the changed packets only.",
                "accepted_by: what lets the packets through STAGE in the world that accepts them (the old world "
                    + "for newly_rejected, the new for newly_accepted); rejected_by: what stops them in the other.",
                "RULE: {\"kind\": sg-rule, no-sg-rule, nacl-entry, nacl-default-deny, no-nacl, same-subnet, conntrack or "
                    + "allowance, \"id\": group or ACL id, \"rule\": rule id or entry number, \"description\", "
                    + "\"text\", \"summary\"}, or null when the accepting world did not meet that stage.",
                "FLOW: {\"protocol\", \"protocol_number\", \"src\", \"dst\", \"src_port\", \"dst_port\" (when the "
                    + "protocol has ports), \"src_eni\", \"dst_eni\", \"packets\", \"bytes\", \"first\", \"last\" "
                    + "(ISO-8601), \"first_nanos\", \"last_nanos\", \"old\": COUNTS, \"new\": COUNTS} (COUNTS "
                    + "of all the flow's packets).",
                "STAGE is sg-egress, nacl-egress, nacl-ingress, sg-ingress or conntrack-allowance."})
    String json;

    @Option(names = "--top", paramLabel = "N", defaultValue = "10",
            description = "Flows listed per rule in the table (default ${DEFAULT-VALUE}; the JSON lists all).")
    int top;

    @Option(names = "--fail-on-change",
            description = "Exit with 1 when any verdict changed (for CI pipelines that guard a rule change).")
    boolean failOnChange;

    @Option(names = "--tcp-close-linger", paramLabel = "SECONDS", defaultValue = "5",
            description = "How long a tracked TCP connection lingers after RST, or FIN both ways "
                + "(default ${DEFAULT-VALUE}).")
    int tcpCloseLinger;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (top < 0) {
            throw new UserInputException("--top must not be negative");
        }
        if (tcpCloseLinger < 0) {
            throw new UserInputException("--tcp-close-linger must not be negative");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TrafficInput traffic = traffic(err);
        LoadedWorld before = world.load();
        LoadedWorld after = WorldOptions.load(against, world.strictQuotas);
        before.warnings().forEach(w -> err.println("warning: --config: " + w));
        after.warnings().forEach(w -> err.println("warning: --against: " + w));

        Writer jsonOut = openJson(out);
        DiffReport report;
        try {
            report = new WorldDiff(before.world(), after.world(),
                    EvaluatorSettings.DEFAULT.withTcpCloseLingerSeconds(tcpCloseLinger)).run(traffic);
        } catch (CaptureFormatException e) {
            closeQuietly(jsonOut, out);
            throw new UserInputException(e.getMessage(), e);
        }
        if (jsonOut != null) {
            try {
                DiffJson.write(report, names(world.config), names(against), jsonOut);
            } finally {
                out.flush();
                closeQuietly(jsonOut, out);
            }
        }
        PrintWriter tableOut = "-".equals(json) ? err : out;
        tableOut.print(DiffTable.render(report, top));
        tableOut.flush();
        if (report.captureError() != null) {
            err.println("sgemu: " + report.captureError());
            err.println("sgemu: the frames before this point were compared and reported.");
            return SgemuCommand.EXIT_INCOMPLETE;
        }
        return failOnChange && report.anythingChanged() ? SgemuCommand.EXIT_INCOMPLETE : 0;
    }

    /** The traffic to replay, from exactly one input option: a capture, or packets made from flow-log records. */
    private TrafficInput traffic(PrintWriter err) {
        if ((pcap != null) == flowLogInput.given()) {
            throw new UserInputException("diff needs traffic from exactly one input: --pcap FILE or --flow-log-input FILE...");
        }
        if (pcap == null) {
            return new TrafficInput() {
                @Override
                public String kind() {
                    return "flow-log";
                }

                @Override
                public String name() {
                    return String.join(",", flowLogInput.files.stream().map(Path::toString).toList());
                }

                @Override
                public FrameSource open() {
                    return flowLogInput.open(err);
                }
            };
        }
        if (!Files.isRegularFile(pcap)) {
            throw new UserInputException(pcap + ": no such capture file");
        }
        return TrafficInput.capture(pcap);
    }

    /** The JSON target, created before the replay so a bad path fails early; stdout for '-'; null for none. */
    private Writer openJson(PrintWriter out) {
        if (json == null) {
            return null;
        }
        if ("-".equals(json)) {
            return out;
        }
        try {
            Path p = Path.of(json);
            // written as .NAME.partial and renamed at close: a crash never leaves a torn file under NAME
            return new BufferedWriter(new OutputStreamWriter(PartialFile.create(p), StandardCharsets.UTF_8), 1 << 16);
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw new UserInputException(json + ": cannot write: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(Writer w, Writer stdout) {
        if (w == null || w == stdout) {
            return;
        }
        try {
            w.close();
        } catch (IOException ignored) {
            // Only after a failure that is reported instead, or after the report was flushed.
        }
    }

    private static List<String> names(List<Path> paths) {
        return paths.stream().map(Path::toString).toList();
    }
}
