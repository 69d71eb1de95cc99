package io.sgemu.dataplane.flowlog;

import io.sgemu.dataplane.net.IpAddress;

/**
 * Tells the {@code traffic-path} of egress traffic, which the observation alone cannot: it depends on the
 * route the packet takes out of the VPC. AWS's codes: 1 through another resource in the same VPC, 2 through
 * an internet gateway or a gateway VPC endpoint, 3 a virtual private gateway, 4 an intra-region VPC peering
 * connection, 5 an inter-region VPC peering connection, 6 a local gateway, 7 a gateway VPC endpoint and
 * 8 an internet gateway (the last two on Nitro-based instances).
 *
 * <p>Asked once per egress record (when its key is first seen in an interval), never for ingress records,
 * whose traffic-path AWS prints as {@code -}.
 */
@FunctionalInterface
public interface TrafficPathResolver {

    /** Knows no route: every record prints {@code -}. */
    TrafficPathResolver UNKNOWN = (eni, pktSrc, pktDst) -> FlowLogRecord.ABSENT;

    /** The traffic-path code (1-8), or {@link FlowLogRecord#ABSENT} when it cannot be told. */
    int trafficPath(FlowLogEni eni, IpAddress pktSrcaddr, IpAddress pktDstaddr);
}
