package io.sgemu.dataplane.flowlog;

import io.sgemu.dataplane.net.IpAddress;

import java.util.Objects;

/**
 * One flow-log record (SEMANTICS.md section 6): what one ENI logged about one direction-specific flow in
 * one aggregation interval, or a {@code NODATA} / {@code SKIPDATA} status record of that ENI.
 *
 * <p>A value that does not apply is {@link #ABSENT} for numbers and null for objects; a format prints
 * either as {@code -}. The flow-log {@code version} is not part of the record: it is a property of the
 * format that prints it ({@link FlowLogFormat#version()}).
 *
 * @param eni              the logging ENI (account-id, interface-id, vpc-id, subnet-id, instance-id, region, az-id)
 * @param srcaddr          source as logged (the ENI's primary private IPv4 in place of its other addresses)
 * @param dstaddr          destination as logged
 * @param srcport          source port; 0 for ICMP and other protocols without ports
 * @param dstport          destination port; likewise
 * @param protocol         IANA protocol number
 * @param packets          packets in the record
 * @param bytes            bytes in the record (IP packet lengths, L3)
 * @param start            Unix seconds of the first packet in the interval
 * @param end              Unix seconds of the last packet in the interval
 * @param action           ACCEPT or REJECT; null for status records
 * @param logStatus        OK, NODATA or SKIPDATA
 * @param tcpFlags         OR of FIN=1, SYN=2, RST=4 over the interval, SYN-ACK adding ACK=16 (0 for other protocols)
 * @param type             IPv4, IPv6 or EFA
 * @param pktSrcaddr       source address in the packet
 * @param pktDstaddr       destination address in the packet
 * @param sublocationType  wavelength, outpost or localzone; null when the ENI is not in a sublocation
 * @param sublocationId    the sublocation's id; likewise
 * @param pktSrcAwsService AWS service range of pktSrcaddr (e.g. {@code S3}); null when none or unknown
 * @param pktDstAwsService AWS service range of pktDstaddr; likewise
 * @param flowDirection    ingress or egress with respect to the logging ENI
 * @param trafficPath      AWS traffic-path code (1-8) for egress records when known, else {@link #ABSENT}
 */
public record FlowLogRecord(FlowLogEni eni, IpAddress srcaddr, IpAddress dstaddr, int srcport, int dstport,
                            int protocol, long packets, long bytes, long start, long end, Action action,
                            LogStatus logStatus, int tcpFlags, TrafficType type, IpAddress pktSrcaddr,
                            IpAddress pktDstaddr, String sublocationType, String sublocationId,
                            String pktSrcAwsService, String pktDstAwsService, FlowDirection flowDirection,
                            int trafficPath) {

    /** The value of a number field that does not apply (printed as {@code -}). */
    public static final int ABSENT = -1;

    /** The {@code action} field. */
    public enum Action { ACCEPT, REJECT }

    /** The {@code log-status} field. */
    public enum LogStatus { OK, NODATA, SKIPDATA }

    /** The {@code flow-direction} field; {@link #text()} is the lower-case form AWS prints. */
    public enum FlowDirection {
        INGRESS("ingress"), EGRESS("egress");

        private final String text;

        FlowDirection(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }

        public static FlowDirection parse(String s) {
            for (FlowDirection d : values()) {
                if (d.text.equals(s)) {
                    return d;
                }
            }
            throw new IllegalArgumentException("flow-direction '" + s + "' is neither ingress nor egress");
        }
    }

    /** The {@code type} field; {@link #text()} is the form AWS prints. */
    public enum TrafficType {
        IPV4("IPv4"), IPV6("IPv6"), EFA("EFA");

        private final String text;

        TrafficType(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }

        public static TrafficType of(IpAddress a) {
            return a.isV4() ? IPV4 : IPV6;
        }

        public static TrafficType parse(String s) {
            for (TrafficType t : values()) {
                if (t.text.equals(s)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("type '" + s + "' is none of IPv4, IPv6, EFA");
        }
    }

    public FlowLogRecord {
        Objects.requireNonNull(logStatus, "logStatus");
    }

    /**
     * A status record ({@code NODATA} or {@code SKIPDATA}) of an ENI: AWS prints the ENI's fields, start and
     * end, and {@code -} for the flow's fields (sample: {@code 2 123456789010 eni-11111111aaaaaaaaa - - - - - - -
     * 1431280876 1431280934 - SKIPDATA}).
     */
    public static FlowLogRecord status(FlowLogEni eni, LogStatus status, long start, long end) {
        if (status == LogStatus.OK) {
            throw new IllegalArgumentException("a status record is NODATA or SKIPDATA");
        }
        return builder().eni(eni).start(start).end(end).logStatus(status).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.eni = eni;
        b.srcaddr = srcaddr;
        b.dstaddr = dstaddr;
        b.srcport = srcport;
        b.dstport = dstport;
        b.protocol = protocol;
        b.packets = packets;
        b.bytes = bytes;
        b.start = start;
        b.end = end;
        b.action = action;
        b.logStatus = logStatus;
        b.tcpFlags = tcpFlags;
        b.type = type;
        b.pktSrcaddr = pktSrcaddr;
        b.pktDstaddr = pktDstaddr;
        b.sublocationType = sublocationType;
        b.sublocationId = sublocationId;
        b.pktSrcAwsService = pktSrcAwsService;
        b.pktDstAwsService = pktDstAwsService;
        b.flowDirection = flowDirection;
        b.trafficPath = trafficPath;
        return b;
    }

    /** Builds a record; every field starts absent and log-status starts {@code OK}. */
    public static final class Builder {
        private FlowLogEni eni;
        private IpAddress srcaddr;
        private IpAddress dstaddr;
        private int srcport = ABSENT;
        private int dstport = ABSENT;
        private int protocol = ABSENT;
        private long packets = ABSENT;
        private long bytes = ABSENT;
        private long start = ABSENT;
        private long end = ABSENT;
        private Action action;
        private LogStatus logStatus = LogStatus.OK;
        private int tcpFlags = ABSENT;
        private TrafficType type;
        private IpAddress pktSrcaddr;
        private IpAddress pktDstaddr;
        private String sublocationType;
        private String sublocationId;
        private String pktSrcAwsService;
        private String pktDstAwsService;
        private FlowDirection flowDirection;
        private int trafficPath = ABSENT;

        private Builder() {
        }

        public Builder eni(FlowLogEni v) { eni = v; return this; }
        public Builder srcaddr(IpAddress v) { srcaddr = v; return this; }
        public Builder dstaddr(IpAddress v) { dstaddr = v; return this; }
        public Builder srcport(int v) { srcport = v; return this; }
        public Builder dstport(int v) { dstport = v; return this; }
        public Builder protocol(int v) { protocol = v; return this; }
        public Builder packets(long v) { packets = v; return this; }
        public Builder bytes(long v) { bytes = v; return this; }
        public Builder start(long v) { start = v; return this; }
        public Builder end(long v) { end = v; return this; }
        public Builder action(Action v) { action = v; return this; }
        public Builder logStatus(LogStatus v) { logStatus = v; return this; }
        public Builder tcpFlags(int v) { tcpFlags = v; return this; }
        public Builder type(TrafficType v) { type = v; return this; }
        public Builder pktSrcaddr(IpAddress v) { pktSrcaddr = v; return this; }
        public Builder pktDstaddr(IpAddress v) { pktDstaddr = v; return this; }
        public Builder sublocationType(String v) { sublocationType = v; return this; }
        public Builder sublocationId(String v) { sublocationId = v; return this; }
        public Builder pktSrcAwsService(String v) { pktSrcAwsService = v; return this; }
        public Builder pktDstAwsService(String v) { pktDstAwsService = v; return this; }
        public Builder flowDirection(FlowDirection v) { flowDirection = v; return this; }
        public Builder trafficPath(int v) { trafficPath = v; return this; }

        public FlowLogRecord build() {
            return new FlowLogRecord(eni, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end,
                    action, logStatus, tcpFlags, type, pktSrcaddr, pktDstaddr, sublocationType, sublocationId,
                    pktSrcAwsService, pktDstAwsService, flowDirection, trafficPath);
        }
    }
}
