package io.sgemu.control.model;

/**
 * Per-ENI connection-tracking timeouts in seconds (EC2's {@code ConnectionTrackingConfiguration}) and
 * the emulator's per-ENI tracked-connection allowance (SEMANTICS.md section 3).
 *
 * @param maxTrackedConnections the allowance; {@code 0} means unlimited
 */
public record ConnTrackConfig(int tcpEstablishedTimeout, int udpTimeout, int udpStreamTimeout, long maxTrackedConnections) {

    public static final int DEFAULT_TCP_ESTABLISHED = 432_000;
    public static final int DEFAULT_UDP = 30;
    public static final int DEFAULT_UDP_STREAM = 180;
    /** Other protocols (not TCP/UDP/ICMP): fixed by AWS. */
    public static final int OTHER_PROTOCOL_TIMEOUT = 600;
    /** Decision: ICMP entries. */
    public static final int ICMP_TIMEOUT = 60;
    /** Decision: a TCP entry that has not completed its handshake. */
    public static final int TCP_UNESTABLISHED_TIMEOUT = 60;
    /** Decision: default linger after RST, or FIN both ways (configurable per run). */
    public static final int DEFAULT_TCP_CLOSE_LINGER = 5;

    public static final ConnTrackConfig DEFAULT =
            new ConnTrackConfig(DEFAULT_TCP_ESTABLISHED, DEFAULT_UDP, DEFAULT_UDP_STREAM, 0);

    public ConnTrackConfig withMaxTrackedConnections(long max) {
        return new ConnTrackConfig(tcpEstablishedTimeout, udpTimeout, udpStreamTimeout, max);
    }
}
