package io.sgemu.control.replay;

import io.sgemu.control.reference.Verdict;
import io.sgemu.dataplane.packet.DecodedPacket;
import java.io.IOException;
import java.io.Writer;

/**
 * Writes the {@code --verdicts} contract: JSON Lines, one object per frame in capture order.
 *
 * <pre>{"packet": 1, "action": "ACCEPT", "src_eni": "eni-1", "dst_eni": "eni-2", "proto": 6,
 *  "src": "10.0.2.11", "dst": "10.0.3.20", "sport": 43210, "dport": 5432}</pre>
 *
 * {@code stage} is present when the action is REJECT, {@code reason} when it is SKIP, and for a REJECT
 * before any stage (a later IP fragment whose first fragment was not seen: {@code "reason":
 * "fragment-without-first"}, no stage); an end that is
 * no ENI is {@code null}; address, protocol and port fields are absent where the packet has none;
 * ICMP adds {@code icmp_type} and {@code icmp_code}.
 */
public final class VerdictWriter implements AutoCloseable {

    private final Writer out;
    private final StringBuilder line = new StringBuilder(256);

    public VerdictWriter(Writer out) {
        this.out = out;
    }

    /** A verdict of the reference evaluator. */
    public void write(long packetNumber, Verdict v, DecodedPacket d) throws IOException {
        // A REJECT's reason is the rejecting rule's text for the reference; the contract carries the stage
        // only, and the reason when no stage rejected.
        write(packetNumber, v.action().name(), v.stage() == null ? null : v.stage().label(),
                v.action() == io.sgemu.control.reference.Action.SKIP || v.stage() == null ? v.reason() : null,
                v.srcEniId(), v.dstEniId(), d);
    }

    /**
     * One line of the contract. {@code stage} is written when not null (REJECT), {@code reason} when not
     * null (SKIP); the ENIs are written as null where an end is no ENI.
     */
    public void write(long packetNumber, String action, String stage, String reason, String srcEni, String dstEni,
                      DecodedPacket d) throws IOException {
        StringBuilder b = line;
        b.setLength(0);
        b.append("{\"packet\": ").append(packetNumber);
        b.append(", \"action\": \"").append(action).append('"');
        if (stage != null) {
            b.append(", \"stage\": \"").append(stage).append('"');
        }
        if (reason != null) {
            b.append(", \"reason\": ");
            string(b, reason);
        }
        b.append(", \"src_eni\": ");
        string(b, srcEni);
        b.append(", \"dst_eni\": ");
        string(b, dstEni);
        if (d.protocol >= 0) {
            b.append(", \"proto\": ").append(d.protocol);
        }
        if (d.hasAddresses()) {
            b.append(", \"src\": \"").append(d.src()).append('"');
            b.append(", \"dst\": \"").append(d.dst()).append('"');
        }
        if (d.srcPort >= 0) {
            b.append(", \"sport\": ").append(d.srcPort);
        }
        if (d.dstPort >= 0) {
            b.append(", \"dport\": ").append(d.dstPort);
        }
        if (d.icmpType >= 0) {
            b.append(", \"icmp_type\": ").append(d.icmpType).append(", \"icmp_code\": ").append(d.icmpCode);
        }
        b.append("}\n");
        out.append(b);
    }

    private static void string(StringBuilder b, String s) {
        if (s == null) {
            b.append("null");
            return;
        }
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    @Override
    public void close() throws IOException {
        out.flush();
    }
}
