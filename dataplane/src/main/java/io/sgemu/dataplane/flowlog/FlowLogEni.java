package io.sgemu.dataplane.flowlog;

/**
 * What a flow-log record says about the ENI that logs it. Strings are printed as they are; a null
 * prints as {@code -}.
 */
public record FlowLogEni(String interfaceId, String accountId, String vpcId, String subnetId, String instanceId,
                         String region, String azId) {
}
