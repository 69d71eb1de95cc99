package io.sgemu.control.gen;

import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;

/**
 * One filter of a ClassBench filter set: source and destination prefixes, source and destination port
 * ranges (inclusive) and a protocol ({@code -1}: any). Priority is the filter's position in its set.
 *
 * @param line the line of the file it was read from (1-based), or 0 for a filter derived from another
 */
public record ClassBenchRule(Cidr src, Cidr dst, int srcPortLo, int srcPortHi, int dstPortLo, int dstPortHi,
                             int protocol, int line) {

    public static final int ANY_PROTOCOL = -1;

    public ClassBenchRule {
        if (src.family() != IpAddress.V4 || dst.family() != IpAddress.V4) {
            throw new IllegalArgumentException("ClassBench filters are IPv4");
        }
        checkRange(srcPortLo, srcPortHi, "source");
        checkRange(dstPortLo, dstPortHi, "destination");
        if (protocol < ANY_PROTOCOL || protocol > 255) {
            throw new IllegalArgumentException(protocol + " is not a protocol");
        }
    }

    private static void checkRange(int lo, int hi, String what) {
        if (lo < 0 || hi > 65535 || lo > hi) {
            throw new IllegalArgumentException(what + " port range " + lo + " : " + hi + " is not within 0 : 65535");
        }
    }

    /** The 5-tuple match of ClassBench: every field of the header within the filter's. */
    public boolean matches(int srcAddress, int dstAddress, int srcPort, int dstPort, int proto) {
        return src.contains(IpAddress.v4(srcAddress)) && dst.contains(IpAddress.v4(dstAddress))
                && srcPort >= srcPortLo && srcPort <= srcPortHi && dstPort >= dstPortLo && dstPort <= dstPortHi
                && (protocol == ANY_PROTOCOL || protocol == proto);
    }

    public boolean allSourcePorts() {
        return srcPortLo == 0 && srcPortHi == 65535;
    }

    public boolean allDestinationPorts() {
        return dstPortLo == 0 && dstPortHi == 65535;
    }
}
