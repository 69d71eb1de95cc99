package io.sgemu.dataplane.flowlog;

import io.sgemu.dataplane.net.IpAddress;

/** Builds {@link FlowObservation}s for tests. */
public final class Observations {

    public static final long NANOS = 1_000_000_000L;
    public static final int ICMP = 1;
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;

    private Observations() {
    }

    public static FlowLogEni eni(String interfaceId) {
        return new FlowLogEni(interfaceId, "123456789010", "vpc-abcdefab012345678", "subnet-aaaaaaaa012345678",
                "i-01234567890123456", "us-east-1", "use1-az1");
    }

    public static IpAddress ip(String text) {
        return IpAddress.parse(text);
    }

    /** A packet whose logged addresses are the packet's addresses. */
    public static FlowObservation packet(FlowLogEni eni, boolean ingress, boolean accept, String src, String dst,
                                         int srcport, int dstport, int protocol, int tcpFlags, long bytes,
                                         long timeNanos) {
        return new FlowObservation(eni, ingress, accept, ip(src), ip(dst), ip(src), ip(dst), srcport, dstport,
                protocol, tcpFlags, bytes, timeNanos);
    }

    public static FlowObservation tcp(FlowLogEni eni, boolean ingress, String src, int srcport, String dst,
                                      int dstport, int flags, long bytes, long timeNanos) {
        return packet(eni, ingress, true, src, dst, srcport, dstport, TCP, flags, bytes, timeNanos);
    }

    public static long seconds(long s) {
        return s * NANOS;
    }
}
