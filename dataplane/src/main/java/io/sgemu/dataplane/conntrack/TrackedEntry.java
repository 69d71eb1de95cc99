package io.sgemu.dataplane.conntrack;

import io.sgemu.dataplane.net.IpAddress;

/**
 * One tracked connection as its owning worker sees it, for an operator's listing: the flow's origin (the
 * endpoint whose packet created it) and reply ends, its protocol and its state. Ports are -1 for protocols
 * without ports.
 *
 * @param state          {@code established}, {@code closing} (TCP after RST or FIN both ways), {@code stream}
 *                       (UDP replied to more than once), or {@code new}
 * @param lastSeenNanos  the time of the last packet, on the owning worker's clock (epoch nanoseconds live)
 */
public record TrackedEntry(int eni, int protocol, IpAddress originAddress, int originPort,
                           IpAddress replyAddress, int replyPort, String state, long lastSeenNanos, int worker) {
}
