package io.sgemu.control.synth;

import io.sgemu.dataplane.net.IpAddress;

/** One packet of a synthesized conversation, before it is turned into bytes. Absent fields are -1. */
public record SynthPacket(long timeNanos, int protocol, IpAddress src, IpAddress dst, int srcPort, int dstPort,
                          int tcpFlags, int payloadLength, int icmpType, int icmpCode, int icmpId) {
}
