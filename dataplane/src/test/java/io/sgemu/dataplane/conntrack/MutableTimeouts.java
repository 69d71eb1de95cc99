package io.sgemu.dataplane.conntrack;

import java.util.Arrays;

/** Per-ENI timeouts a test can change (then it tells the workers, as the pipeline does on a new snapshot). */
final class MutableTimeouts implements ConnTrackTimeouts {

    static final int DEFAULT_TCP_ESTABLISHED = 432_000;
    static final int DEFAULT_UDP = 30;
    static final int DEFAULT_UDP_STREAM = 180;

    final int[] tcpEstablished;
    final int[] udp;
    final int[] udpStream;

    MutableTimeouts(int enis) {
        tcpEstablished = new int[enis];
        udp = new int[enis];
        udpStream = new int[enis];
        Arrays.fill(tcpEstablished, DEFAULT_TCP_ESTABLISHED);
        Arrays.fill(udp, DEFAULT_UDP);
        Arrays.fill(udpStream, DEFAULT_UDP_STREAM);
    }

    @Override
    public int tcpEstablishedTimeoutSeconds(int eni) {
        return tcpEstablished[eni];
    }

    @Override
    public int udpTimeoutSeconds(int eni) {
        return udp[eni];
    }

    @Override
    public int udpStreamTimeoutSeconds(int eni) {
        return udpStream[eni];
    }

    @Override
    public String toString() {
        return "tcpEstablished=" + Arrays.toString(tcpEstablished) + " udp=" + Arrays.toString(udp)
                + " udpStream=" + Arrays.toString(udpStream);
    }
}
