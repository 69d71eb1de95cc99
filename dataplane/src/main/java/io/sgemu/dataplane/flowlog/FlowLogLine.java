package io.sgemu.dataplane.flowlog;

import io.sgemu.dataplane.flowlog.FlowLogRecord.Action;
import io.sgemu.dataplane.flowlog.FlowLogRecord.FlowDirection;
import io.sgemu.dataplane.flowlog.FlowLogRecord.LogStatus;
import io.sgemu.dataplane.flowlog.FlowLogRecord.TrafficType;
import io.sgemu.dataplane.net.IpAddress;

import java.util.Arrays;
import java.util.List;

/**
 * One parsed flow-log line: the text of each field of its format, {@code -} included.
 *
 * @param format the fields, in the order of {@code values}
 * @param values the field texts
 */
public record FlowLogLine(FlowLogFormat format, List<String> values) {

    public FlowLogLine {
        values = List.copyOf(values);
        if (values.size() != format.fields().size()) {
            throw new IllegalArgumentException("a flow-log line of this format has " + format.fields().size()
                    + " fields, not " + values.size());
        }
    }

    /** The text of that field, or null when the format does not have it. */
    public String get(FlowLogField field) {
        int i = format.fields().indexOf(field);
        return i < 0 ? null : values.get(i);
    }

    /** True when the format has the field and its text is not {@code -}. */
    public boolean has(FlowLogField field) {
        String v = get(field);
        return v != null && !v.equals("-");
    }

    /**
     * The record this line describes; fields the format lacks, and {@code -}, become absent. The
     * {@code version} field is not kept: a format derives it from its fields.
     *
     * @throws IllegalArgumentException naming the field and its text when a value does not parse
     */
    public FlowLogRecord toRecord() {
        FlowLogEni eni = null;
        if (has(FlowLogField.ACCOUNT_ID) || has(FlowLogField.INTERFACE_ID) || has(FlowLogField.VPC_ID)
                || has(FlowLogField.SUBNET_ID) || has(FlowLogField.INSTANCE_ID) || has(FlowLogField.REGION)
                || has(FlowLogField.AZ_ID)) {
            eni = new FlowLogEni(text(FlowLogField.INTERFACE_ID), text(FlowLogField.ACCOUNT_ID),
                    text(FlowLogField.VPC_ID), text(FlowLogField.SUBNET_ID), text(FlowLogField.INSTANCE_ID),
                    text(FlowLogField.REGION), text(FlowLogField.AZ_ID));
        }
        String action = text(FlowLogField.ACTION);
        String status = get(FlowLogField.LOG_STATUS);
        String type = text(FlowLogField.TYPE);
        String direction = text(FlowLogField.FLOW_DIRECTION);
        return FlowLogRecord.builder()
                .eni(eni)
                .srcaddr(address(FlowLogField.SRCADDR))
                .dstaddr(address(FlowLogField.DSTADDR))
                .srcport((int) number(FlowLogField.SRCPORT, 65535))
                .dstport((int) number(FlowLogField.DSTPORT, 65535))
                .protocol((int) number(FlowLogField.PROTOCOL, 255))
                .packets(number(FlowLogField.PACKETS, Long.MAX_VALUE))
                .bytes(number(FlowLogField.BYTES, Long.MAX_VALUE))
                .start(number(FlowLogField.START, Long.MAX_VALUE))
                .end(number(FlowLogField.END, Long.MAX_VALUE))
                .action(action == null ? null : parse(FlowLogField.ACTION, action, Action.class))
                .logStatus(status == null ? LogStatus.OK : parse(FlowLogField.LOG_STATUS, status, LogStatus.class))
                .tcpFlags((int) number(FlowLogField.TCP_FLAGS, 255))
                .type(type == null ? null : TrafficType.parse(type))
                .pktSrcaddr(address(FlowLogField.PKT_SRCADDR))
                .pktDstaddr(address(FlowLogField.PKT_DSTADDR))
                .sublocationType(text(FlowLogField.SUBLOCATION_TYPE))
                .sublocationId(text(FlowLogField.SUBLOCATION_ID))
                .pktSrcAwsService(text(FlowLogField.PKT_SRC_AWS_SERVICE))
                .pktDstAwsService(text(FlowLogField.PKT_DST_AWS_SERVICE))
                .flowDirection(direction == null ? null : FlowDirection.parse(direction))
                .trafficPath((int) number(FlowLogField.TRAFFIC_PATH, 255))
                .build();
    }

    private String text(FlowLogField f) {
        return has(f) ? get(f) : null;
    }

    private IpAddress address(FlowLogField f) {
        String v = text(f);
        if (v == null) {
            return null;
        }
        IpAddress a = IpAddress.tryParse(v);
        if (a == null) {
            throw new IllegalArgumentException(f.awsName() + " '" + v + "' is not an IP address");
        }
        return a;
    }

    private long number(FlowLogField f, long max) {
        String v = text(f);
        if (v == null) {
            return FlowLogRecord.ABSENT;
        }
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 0 || n > max) {
            throw new IllegalArgumentException(f.awsName() + " '" + v + "' is not a number from 0 to " + max);
        }
        return n;
    }

    private static <E extends Enum<E>> E parse(FlowLogField f, String v, Class<E> type) {
        try {
            return Enum.valueOf(type, v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(f.awsName() + " '" + v + "' is not one of "
                    + Arrays.toString(type.getEnumConstants()), e);
        }
    }
}
