package io.sgemu.dataplane.flowlog;

import io.sgemu.dataplane.net.IpAddress;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A flow-log record format: the chosen fields in their order (SEMANTICS.md section 6).
 *
 * <p>Formats are written in AWS's {@code --log-format} syntax, {@code ${field}} tokens separated by spaces
 * ({@link #parse}), or as the header line that S3 delivery writes at the top of each object, the bare field
 * names separated by spaces ({@link #fromHeader}). A record is printed as one line, its fields separated by
 * single spaces, {@code -} for every field that does not apply to it.
 *
 * <p>Immutable and thread-safe.
 */
public final class FlowLogFormat {

    /** AWS's default format: the version 2 fields in table order. */
    public static final FlowLogFormat DEFAULT = parse("${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr}"
            + " ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}");

    private static final String DASH = "-";

    private final List<FlowLogField> fields;
    private final int version;

    private FlowLogFormat(List<FlowLogField> fields) {
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("a flow-log format needs at least one field; known fields: "
                    + FlowLogField.knownNames());
        }
        Set<FlowLogField> seen = EnumSet.noneOf(FlowLogField.class);
        for (FlowLogField f : fields) {
            if (!seen.add(f)) {
                throw new IllegalArgumentException("flow-log field '" + f.awsName() + "' appears twice in the format");
            }
        }
        this.fields = List.copyOf(fields);
        this.version = fields.stream().mapToInt(FlowLogField::version).max().orElseThrow();
    }

    /**
     * Parses AWS's {@code ${field} ${field} ...} syntax.
     *
     * @throws IllegalArgumentException for a token that is not {@code ${...}}, an unknown field (naming it and
     *                                  listing the known fields), a repeated field or an empty format
     */
    public static FlowLogFormat parse(String format) {
        List<FlowLogField> fields = new ArrayList<>();
        for (String token : tokens(format)) {
            if (!token.startsWith("${") || !token.endsWith("}") || token.length() < 4) {
                throw new IllegalArgumentException("flow-log format token '" + token + "' is not of the form ${field}");
            }
            fields.add(FlowLogField.byName(token.substring(2, token.length() - 1)));
        }
        return new FlowLogFormat(fields);
    }

    /**
     * Reads a header line: the bare field names separated by spaces, as {@link #header()} writes them.
     *
     * @throws IllegalArgumentException as {@link #parse}
     */
    public static FlowLogFormat fromHeader(String headerLine) {
        List<FlowLogField> fields = new ArrayList<>();
        for (String token : tokens(headerLine)) {
            fields.add(FlowLogField.byName(token));
        }
        return new FlowLogFormat(fields);
    }

    /** A format of the given fields in the given order. */
    public static FlowLogFormat of(FlowLogField... fields) {
        return new FlowLogFormat(List.of(fields));
    }

    private static String[] tokens(String text) {
        String t = text == null ? "" : text.strip();
        return t.isEmpty() ? new String[0] : t.split("\\s+");
    }

    public List<FlowLogField> fields() {
        return fields;
    }

    /** The highest version among the chosen fields (AWS: "the version is the highest version among the specified fields"). */
    public int version() {
        return version;
    }

    /** The field names separated by single spaces, as S3 delivery writes the first line of each object. */
    public String header() {
        return fields.stream().map(FlowLogField::awsName).collect(Collectors.joining(" "));
    }

    /** The format in AWS's {@code ${field}} syntax; {@code parse(f.awsSyntax())} equals {@code f}. */
    public String awsSyntax() {
        return fields.stream().map(f -> "${" + f.awsName() + "}").collect(Collectors.joining(" "));
    }

    /** One record as one line, without a line terminator. */
    public String format(FlowLogRecord r) {
        StringBuilder sb = new StringBuilder(16 * fields.size());
        formatTo(r, sb);
        return sb.toString();
    }

    /** Appends one record as one line, without a line terminator, to {@code sb}. */
    public void formatTo(FlowLogRecord r, StringBuilder sb) {
        boolean first = true;
        for (FlowLogField f : fields) {
            if (!first) {
                sb.append(' ');
            }
            first = false;
            appendField(f, r, sb);
        }
    }

    private void appendField(FlowLogField f, FlowLogRecord r, StringBuilder sb) {
        FlowLogEni eni = r.eni();
        switch (f) {
            case VERSION -> sb.append(version);
            case ACCOUNT_ID -> text(sb, eni == null ? null : eni.accountId());
            case INTERFACE_ID -> text(sb, eni == null ? null : eni.interfaceId());
            case SRCADDR -> address(sb, r.srcaddr());
            case DSTADDR -> address(sb, r.dstaddr());
            case SRCPORT -> number(sb, r.srcport());
            case DSTPORT -> number(sb, r.dstport());
            case PROTOCOL -> number(sb, r.protocol());
            case PACKETS -> number(sb, r.packets());
            case BYTES -> number(sb, r.bytes());
            case START -> number(sb, r.start());
            case END -> number(sb, r.end());
            case ACTION -> text(sb, r.action() == null ? null : r.action().name());
            case LOG_STATUS -> sb.append(r.logStatus().name());
            case VPC_ID -> text(sb, eni == null ? null : eni.vpcId());
            case SUBNET_ID -> text(sb, eni == null ? null : eni.subnetId());
            case INSTANCE_ID -> text(sb, eni == null ? null : eni.instanceId());
            case TCP_FLAGS -> number(sb, r.tcpFlags());
            case TYPE -> text(sb, r.type() == null ? null : r.type().text());
            case PKT_SRCADDR -> address(sb, r.pktSrcaddr());
            case PKT_DSTADDR -> address(sb, r.pktDstaddr());
            case REGION -> text(sb, eni == null ? null : eni.region());
            case AZ_ID -> text(sb, eni == null ? null : eni.azId());
            case SUBLOCATION_TYPE -> text(sb, r.sublocationType());
            case SUBLOCATION_ID -> text(sb, r.sublocationId());
            case PKT_SRC_AWS_SERVICE -> text(sb, r.pktSrcAwsService());
            case PKT_DST_AWS_SERVICE -> text(sb, r.pktDstAwsService());
            case FLOW_DIRECTION -> text(sb, r.flowDirection() == null ? null : r.flowDirection().text());
            case TRAFFIC_PATH -> number(sb, r.trafficPath());
        }
    }

    private static void text(StringBuilder sb, String s) {
        sb.append(s == null || s.isEmpty() ? DASH : s);
    }

    private static void address(StringBuilder sb, IpAddress a) {
        if (a == null) {
            sb.append(DASH);
        } else {
            sb.append(a);
        }
    }

    private static void number(StringBuilder sb, long v) {
        if (v < 0) {
            sb.append(DASH);
        } else {
            sb.append(v);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlowLogFormat other && fields.equals(other.fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    @Override
    public String toString() {
        return awsSyntax();
    }
}
