package io.sgemu.dataplane.flowlog;

import io.sgemu.dataplane.net.IpAddress;

/**
 * One packet as one ENI logs it (SEMANTICS.md section 6): the input of flow-log aggregation.
 *
 * @param ingress     true when the packet came in to the ENI (flow-direction {@code ingress})
 * @param accept      ACCEPT (true) or REJECT (false)
 * @param srcaddr     the source as logged (the ENI's primary private IPv4 in place of a secondary one)
 * @param dstaddr     the destination as logged (likewise)
 * @param pktSrcaddr  the source address in the packet
 * @param pktDstaddr  the destination address in the packet
 * @param srcport     source port, 0 for ICMP and protocols without ports
 * @param dstport     destination port, 0 likewise
 * @param tcpFlags    the packet's TCP flags byte (0 for other protocols)
 * @param bytes       the IP packet length (L3)
 * @param timeNanos   capture time, Unix epoch nanoseconds
 */
public record FlowObservation(FlowLogEni eni, boolean ingress, boolean accept, IpAddress srcaddr, IpAddress dstaddr,
                              IpAddress pktSrcaddr, IpAddress pktDstaddr, int srcport, int dstport, int protocol,
                              int tcpFlags, long bytes, long timeNanos) {
}
