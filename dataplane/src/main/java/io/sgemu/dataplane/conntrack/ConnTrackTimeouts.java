package io.sgemu.dataplane.conntrack;

/**
 * The per-ENI idle timeouts of tracked connections (EC2's {@code ConnectionTrackingConfiguration}), read
 * when an entry is looked at, so that a configuration change applies to live entries too. The fixed
 * timeouts (ICMP 60 s, unestablished TCP 60 s, other protocols 600 s) are not per ENI.
 */
public interface ConnTrackTimeouts {

    int tcpEstablishedTimeoutSeconds(int eni);

    int udpTimeoutSeconds(int eni);

    int udpStreamTimeoutSeconds(int eni);
}
