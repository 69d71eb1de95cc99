package io.sgemu.control.diff;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.sgemu.control.diff.DiffReport.EniGroup;
import io.sgemu.control.diff.DiffReport.RuleGroup;
import io.sgemu.control.diff.DiffReport.Totals;
import io.sgemu.control.diff.FlowChange.Direction;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.reference.DecidingRule;
import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.util.List;

/**
 * The report as one JSON document (the shape is documented in {@code sgemu diff --help}):
 * <pre>{@code
 * {"traffic": {"kind", "name"}, "old_config": [FILE], "new_config": [FILE], "frames", "flows": N,
 *  "capture_error": MESSAGE (only when the traffic broke off),
 *  "old": VERDICTS, "new": VERDICTS, "other_changed_packets": N, "changed": true|false,
 *  "newly_rejected": CHANGES, "newly_accepted": CHANGES}
 * }</pre>
 */
public final class DiffJson {

    private DiffJson() {
    }

    public static void write(DiffReport r, List<String> oldConfig, List<String> newConfig, Writer out) throws IOException {
        JsonGenerator g = new JsonFactory().createGenerator(out);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.useDefaultPrettyPrinter();
        g.writeStartObject();
        g.writeObjectFieldStart("traffic");
        g.writeStringField("kind", r.trafficKind());
        g.writeStringField("name", r.trafficName());
        g.writeEndObject();
        strings(g, "old_config", oldConfig);
        strings(g, "new_config", newConfig);
        g.writeNumberField("frames", r.frames());
        g.writeNumberField("flows", r.flows());
        if (r.captureError() != null) {
            g.writeStringField("capture_error", r.captureError());
        }
        counts(g, "old", r.before());
        counts(g, "new", r.after());
        g.writeNumberField("other_changed_packets", r.otherChangedPackets());
        g.writeBooleanField("changed", r.anythingChanged());
        for (Direction d : Direction.values()) {
            g.writeObjectFieldStart(d.label().replace('-', '_'));
            totals(g, r.totals(d));
            g.writeArrayFieldStart("enis");
            for (EniGroup e : r.groups(d)) {
                g.writeStartObject();
                g.writeStringField("eni", e.eniId());
                totals(g, e.totals());
                g.writeArrayFieldStart("rules");
                for (RuleGroup rule : e.rules()) {
                    g.writeStartObject();
                    g.writeStringField("stage", rule.stage().label());
                    rule(g, "accepted_by", rule.acceptedBy());
                    rule(g, "rejected_by", rule.rejectedBy());
                    totals(g, rule.totals());
                    g.writeArrayFieldStart("flow_list");
                    for (FlowChange c : rule.flows()) {
                        flow(g, c);
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndObject();
        g.writeRaw('\n');
        g.flush();
    }

    private static void flow(JsonGenerator g, FlowChange c) throws IOException {
        FlowRecord f = c.flow();
        DirectedFlow k = f.flow();
        g.writeStartObject();
        g.writeStringField("protocol", Protocols.name(k.protocol()));
        g.writeNumberField("protocol_number", k.protocol());
        g.writeStringField("src", k.src().toString());
        g.writeStringField("dst", k.dst().toString());
        if (k.srcPort() >= 0) {
            g.writeNumberField("src_port", k.srcPort());
            g.writeNumberField("dst_port", k.dstPort());
        }
        g.writeStringField("src_eni", f.srcEniId());
        g.writeStringField("dst_eni", f.dstEniId());
        g.writeNumberField("packets", c.packets());
        g.writeNumberField("bytes", c.bytes());
        g.writeStringField("first", Instant.ofEpochSecond(0, c.firstNanos()).toString());
        g.writeStringField("last", Instant.ofEpochSecond(0, c.lastNanos()).toString());
        g.writeNumberField("first_nanos", c.firstNanos());
        g.writeNumberField("last_nanos", c.lastNanos());
        counts(g, "old", f.before());
        counts(g, "new", f.after());
        g.writeEndObject();
    }

    private static void rule(JsonGenerator g, String field, DecidingRule r) throws IOException {
        if (r == null) {
            g.writeNullField(field);
            return;
        }
        g.writeObjectFieldStart(field);
        g.writeStringField("kind", r.kind().label());
        g.writeStringField("id", r.ownerId());
        g.writeStringField("rule", r.ruleId());
        g.writeStringField("description", r.description());
        g.writeStringField("text", r.text());
        g.writeStringField("summary", r.summary());
        g.writeEndObject();
    }

    private static void totals(JsonGenerator g, Totals t) throws IOException {
        g.writeNumberField("flows", t.flows());
        g.writeNumberField("packets", t.packets());
        g.writeNumberField("bytes", t.bytes());
    }

    private static void counts(JsonGenerator g, String field, VerdictCounts c) throws IOException {
        g.writeObjectFieldStart(field);
        g.writeNumberField("accepted", c.accepted());
        g.writeNumberField("rejected", c.rejected());
        g.writeNumberField("skipped", c.skipped());
        g.writeEndObject();
    }

    private static void strings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }
}
