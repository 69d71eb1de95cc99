package io.sgemu.control.cli;

import io.sgemu.control.aws.LoadedWorld;
import io.sgemu.control.diff.DirectedFlow;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.reference.DecidingRule;
import io.sgemu.control.reference.EvaluatorSettings;
import io.sgemu.control.reference.Packet;
import io.sgemu.control.reference.ReferenceEvaluator;
import io.sgemu.control.reference.StageDecision;
import io.sgemu.control.reference.Verdict;
import io.sgemu.control.synth.TrafficScript;
import io.sgemu.control.synth.TrafficScript.Conversation;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sgemu explain}: the path of one packet, stage by stage, and what decided each stage. */
@Command(name = "explain", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Explain what the world does to one packet: each stage of the path "
            + "(sg-egress, nacl-egress, nacl-ingress, sg-ingress), its verdict, and the rule or NACL entry "
            + "that decided it.",
            "Example: sgemu explain --config examples/three-tier --flow 'tcp 10.0.2.11:43210 -> 10.0.3.20:5432' --reply"})
final class ExplainCommand implements Callable<Integer> {

    @Mixin
    WorldOptions world;

    @Option(names = "--flow", required = true, paramLabel = "'PROTO FROM -> TO'",
            description = {"The packet: 'tcp 10.0.2.11:43210 -> 10.0.3.20:5432', 'udp [2600:1f18::5]:5353 -> "
                + "[2600:1f18::6]:53', 'icmp 10.0.2.11 -> 10.0.2.12', or a protocol number: '47 10.0.0.5 -> 10.0.0.6'."})
    String flow;

    @Option(names = "--tcp-flags", paramLabel = "FLAGS", defaultValue = "SYN",
            description = "TCP flags of the packet, e.g. SYN, ACK, SYN,ACK, FIN,ACK, RST (default ${DEFAULT-VALUE}).")
    String tcpFlags;

    @Option(names = "--icmp", paramLabel = "TYPE[:CODE]",
            description = "ICMP type and code (default: echo request, 8 or 128 for ICMPv6).")
    String icmp;

    @Option(names = "--reply", description = "Then explain the reply, after the request went through "
        + "(so conntrack state of the request counts).")
    boolean reply;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Conversation c;
        try {
            c = TrafficScript.parseFlow(flow);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--flow: " + e.getMessage(), e);
        }
        int flags = c.protocol() == Protocols.TCP ? parseFlags(tcpFlags) : -1;
        int type = -1;
        int code = -1;
        int id = -1;
        if (Protocols.isIcmp(c.protocol())) {
            type = c.protocol() == Protocols.ICMP ? 8 : 128;
            code = 0;
            if (icmp != null) {
                String[] tc = icmp.split(":");
                try {
                    type = Integer.parseInt(tc[0]);
                    code = tc.length > 1 ? Integer.parseInt(tc[1]) : 0;
                } catch (NumberFormatException e) {
                    throw new UserInputException("--icmp: '" + icmp + "' is not TYPE[:CODE]");
                }
            }
            id = (type == 8 || type == 0 || type == 128 || type == 129) ? 1 : -1;
        }
        LoadedWorld loaded = world.load();
        ReferenceEvaluator evaluator = new ReferenceEvaluator(loaded.world(), EvaluatorSettings.DEFAULT);
        PrintWriter out = spec.commandLine().getOut();
        long t = 1_000_000_000L;
        Packet request = new Packet(t, c.protocol(), c.client(), c.server(), c.clientPort(), c.serverPort(),
                type, code, id, flags, 60);
        print(out, "packet", request, evaluator.evaluate(request), evaluator);
        if (reply) {
            int replyFlags = flags < 0 ? -1 : ((flags & 2) != 0 ? 0x12 : flags);
            int replyType = switch (type) {
                case 8 -> 0;
                case 128 -> 129;
                default -> type;
            };
            Packet back = new Packet(t + 1_000_000L, c.protocol(), c.server(), c.client(), c.serverPort(),
                    c.clientPort(), replyType, code, id, replyFlags, 60);
            out.println();
            print(out, "reply", back, evaluator.evaluate(back), evaluator);
        }
        out.flush();
        return 0;
    }

    private static void print(PrintWriter out, String what, Packet p, Verdict v, ReferenceEvaluator evaluator) {
        out.println(what + ": " + describe(p));
        out.println("  from " + (v.srcEniId() == null ? "outside (no ENI)" : v.srcEniId())
                + "  to " + (v.dstEniId() == null ? "outside (no ENI)" : v.dstEniId()));
        int n = 1;
        for (StageDecision d : v.trace()) {
            out.printf(Locale.ROOT, "  %d. %-20s %-23s %-6s %s%n", n++, d.stage().label(), d.eniId() == null ? "" : d.eniId(),
                    d.allowed() ? "allow" : "DENY", d.decidedBy() + ruleDescription(evaluator.decidingRule(d, p)));
        }
        out.println("  verdict: " + v.action() + (v.stage() != null ? " at " + v.stage().label() : "")
                + (v.reason() != null ? " (" + v.reason() + ")" : ""));
    }

    /** The description the source gave the security-group rule that decided, quoted; else nothing. */
    private static String ruleDescription(DecidingRule rule) {
        return rule.description() == null || rule.description().isEmpty() ? "" : " (\"" + rule.description() + "\")";
    }

    private static String describe(Packet p) {
        String flow = DirectedFlow.of(p).text();
        if (p.srcPort() >= 0) {
            return flow + (p.tcpFlags() >= 0 ? " [" + flagNames(p.tcpFlags()) + "]" : "");
        }
        return flow + (p.icmpType() >= 0 ? " type " + p.icmpType() + " code " + p.icmpCode() : "");
    }

    static final String[] FLAG_NAMES = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};

    static int parseFlags(String text) {
        int flags = 0;
        for (String f : text.toUpperCase(Locale.ROOT).split("[,|+ ]+")) {
            if (f.isEmpty()) {
                continue;
            }
            int bit = java.util.Arrays.asList(FLAG_NAMES).indexOf(f);
            if (bit < 0) {
                throw new UserInputException("--tcp-flags: unknown flag '" + f + "' (use " + String.join(", ", FLAG_NAMES) + ")");
            }
            flags |= 1 << bit;
        }
        return flags;
    }

    static String flagNames(int flags) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < FLAG_NAMES.length; i++) {
            if ((flags & (1 << i)) != 0) {
                sb.append(sb.length() == 0 ? "" : ",").append(FLAG_NAMES[i]);
            }
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }
}
