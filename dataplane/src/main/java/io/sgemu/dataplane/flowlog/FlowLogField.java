package io.sgemu.dataplane.flowlog;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The fields of a flow-log record, in the order of the "Available fields" table of the Amazon VPC User
 * Guide ("Flow log records"), each with the flow-log version that introduced it. sgemu produces the
 * fields of versions 2 to 5; the fields AWS added later (the {@code ecs-*} fields, {@code reject-reason},
 * {@code resource-id}, {@code encryption-status}) are recognised only to say that they are not supported.
 */
public enum FlowLogField {
    VERSION("version", 2),
    ACCOUNT_ID("account-id", 2),
    INTERFACE_ID("interface-id", 2),
    SRCADDR("srcaddr", 2),
    DSTADDR("dstaddr", 2),
    SRCPORT("srcport", 2),
    DSTPORT("dstport", 2),
    PROTOCOL("protocol", 2),
    PACKETS("packets", 2),
    BYTES("bytes", 2),
    START("start", 2),
    END("end", 2),
    ACTION("action", 2),
    LOG_STATUS("log-status", 2),
    VPC_ID("vpc-id", 3),
    SUBNET_ID("subnet-id", 3),
    INSTANCE_ID("instance-id", 3),
    TCP_FLAGS("tcp-flags", 3),
    TYPE("type", 3),
    PKT_SRCADDR("pkt-srcaddr", 3),
    PKT_DSTADDR("pkt-dstaddr", 3),
    REGION("region", 4),
    AZ_ID("az-id", 4),
    SUBLOCATION_TYPE("sublocation-type", 4),
    SUBLOCATION_ID("sublocation-id", 4),
    PKT_SRC_AWS_SERVICE("pkt-src-aws-service", 5),
    PKT_DST_AWS_SERVICE("pkt-dst-aws-service", 5),
    FLOW_DIRECTION("flow-direction", 5),
    TRAFFIC_PATH("traffic-path", 5);

    /** Fields AWS documents for versions after 5: known by name, not produced. */
    static final List<String> LATER_AWS_FIELDS = List.of(
            "ecs-cluster-arn", "ecs-cluster-name", "ecs-container-instance-arn", "ecs-container-instance-id",
            "ecs-container-id", "ecs-second-container-id", "ecs-service-name", "ecs-task-definition-arn",
            "ecs-task-arn", "ecs-task-id", "reject-reason", "resource-id", "encryption-status");

    private static final Map<String, FlowLogField> BY_NAME = new HashMap<>();

    static {
        for (FlowLogField f : values()) {
            BY_NAME.put(f.awsName, f);
        }
    }

    private final String awsName;
    private final int version;

    FlowLogField(String awsName, int version) {
        this.awsName = awsName;
        this.version = version;
    }

    /** The name as AWS writes it, e.g. {@code pkt-srcaddr}. */
    public String awsName() {
        return awsName;
    }

    /** The flow-log version that introduced the field. */
    public int version() {
        return version;
    }

    /**
     * The field of that AWS name.
     *
     * @throws IllegalArgumentException naming the field and listing the known ones
     */
    public static FlowLogField byName(String name) {
        FlowLogField f = BY_NAME.get(name);
        if (f != null) {
            return f;
        }
        if (LATER_AWS_FIELDS.contains(name)) {
            throw new IllegalArgumentException("flow-log field '" + name + "' belongs to a flow-log version after 5,"
                    + " which is not supported; known fields: " + knownNames());
        }
        throw new IllegalArgumentException("unknown flow-log field '" + name + "'; known fields: " + knownNames());
    }

    /** The known field names, space separated, in table order. */
    public static String knownNames() {
        return Arrays.stream(values()).map(FlowLogField::awsName).collect(Collectors.joining(" "));
    }
}
