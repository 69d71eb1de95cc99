package io.sgemu.control.flowreplay;

import io.sgemu.dataplane.net.IpAddress;
import java.util.Arrays;

/**
 * The flow-log records to replay, kept column by column in primitive arrays: a few dozen bytes per record
 * and no object per record, because a day of flow logs can hold millions of them and the replay keeps them
 * all (they must be sorted by start before the first packet can go out).
 *
 * <p>Records are appended as read, then {@link #sortAndDeduplicate} puts them in start order and drops the
 * second logging of a flow; {@link #order(int)} is then the i-th record in start order.
 */
final class FlowRecordTable {

    /** No interface-id in the record (the format lacks it, or '-'): such a record is never a duplicate. */
    static final int NO_INTERFACE = -1;

    private static final int FLAGS_KNOWN = 1;
    private static final int ECHO_REPLY = 2;

    private int size;
    private int[] family = new int[0];
    private long[] srcHi = new long[0];
    private long[] srcLo = new long[0];
    private long[] dstHi = new long[0];
    private long[] dstLo = new long[0];
    /** srcport << 16 | dstport. */
    private int[] ports = new int[0];
    /** protocol << 16 | (tcp flags & 0xFF) << 8 | {@link #FLAGS_KNOWN} | {@link #ECHO_REPLY}. */
    private int[] protoFlags = new int[0];
    private long[] packets = new long[0];
    private long[] bytes = new long[0];
    private long[] start = new long[0];
    private long[] end = new long[0];
    private int[] iface = new int[0];
    private int[] sorted = new int[0];
    private int sortedSize;

    int size() {
        return size;
    }

    /** Appends a record; {@code tcpFlags} is -1 when unknown. Returns its index. */
    int add(IpAddress src, IpAddress dst, int srcport, int dstport, int protocol, int tcpFlags, long packetCount,
            long byteCount, long startSeconds, long endSeconds, int interfaceIndex) {
        if (size == family.length) {
            grow();
        }
        int i = size++;
        family[i] = src.family();
        srcHi[i] = src.hi();
        srcLo[i] = src.lo();
        dstHi[i] = dst.hi();
        dstLo[i] = dst.lo();
        ports[i] = (srcport << 16) | dstport;
        protoFlags[i] = (protocol << 16) | (tcpFlags < 0 ? 0 : ((tcpFlags & 0xFF) << 8) | 1);
        packets[i] = packetCount;
        bytes[i] = byteCount;
        start[i] = startSeconds;
        end[i] = endSeconds;
        iface[i] = interfaceIndex;
        return i;
    }

    private void grow() {
        int n = Math.max(1024, family.length * 2);
        family = Arrays.copyOf(family, n);
        srcHi = Arrays.copyOf(srcHi, n);
        srcLo = Arrays.copyOf(srcLo, n);
        dstHi = Arrays.copyOf(dstHi, n);
        dstLo = Arrays.copyOf(dstLo, n);
        ports = Arrays.copyOf(ports, n);
        protoFlags = Arrays.copyOf(protoFlags, n);
        packets = Arrays.copyOf(packets, n);
        bytes = Arrays.copyOf(bytes, n);
        start = Arrays.copyOf(start, n);
        end = Arrays.copyOf(end, n);
        iface = Arrays.copyOf(iface, n);
    }

    IpAddress src(int i) {
        return new IpAddress(family[i], srcHi[i], srcLo[i]);
    }

    IpAddress dst(int i) {
        return new IpAddress(family[i], dstHi[i], dstLo[i]);
    }

    boolean isV4(int i) {
        return family[i] == IpAddress.V4;
    }

    int srcport(int i) {
        return ports[i] >>> 16;
    }

    int dstport(int i) {
        return ports[i] & 0xFFFF;
    }

    int protocol(int i) {
        return protoFlags[i] >>> 16;
    }

    /** The record's tcp-flags, or -1 when the log did not say. */
    int tcpFlags(int i) {
        return (protoFlags[i] & 1) == 0 ? -1 : (protoFlags[i] >>> 8) & 0xFF;
    }

    /** True for an ICMP echo record that answers an earlier record of the reverse direction. */
    boolean isEchoReply(int i) {
        return (protoFlags[i] & ECHO_REPLY) != 0;
    }

    void markEchoReply(int i) {
        protoFlags[i] |= ECHO_REPLY;
    }

    long packets(int i) {
        return packets[i];
    }

    long bytes(int i) {
        return bytes[i];
    }

    long start(int i) {
        return start[i];
    }

    long end(int i) {
        return end[i];
    }

    /** Number of records left after {@link #sortAndDeduplicate}. */
    int sortedSize() {
        return sortedSize;
    }

    /** The index of the {@code rank}-th record in start order. */
    int order(int rank) {
        return sorted[rank];
    }

    /**
     * Sorts the records by start and, when {@code deduplicate}, drops every record that equals an earlier one
     * in (addresses, ports, protocol, start, end, packets, bytes) but was logged by a different interface:
     * the same packets seen on the sender's and the receiver's ENI. Within such a group the records of the
     * interface that comes first in input order are kept.
     *
     * @return the number of records dropped
     */
    int sortAndDeduplicate(boolean deduplicate) {
        int[] idx = new int[size];
        for (int i = 0; i < size; i++) {
            idx[i] = i;
        }
        IntSort.sort(idx, this::compare);
        int[] out = new int[size];
        int kept = 0;
        int keeperInterface = NO_INTERFACE;
        for (int r = 0; r < size; r++) {
            int i = idx[r];
            if (r == 0 || !sameFlow(idx[r - 1], i)) {
                keeperInterface = iface[i];
            } else if (deduplicate && iface[i] != NO_INTERFACE && keeperInterface != NO_INTERFACE
                    && iface[i] != keeperInterface) {
                continue;
            }
            out[kept++] = i;
        }
        sorted = out;
        sortedSize = kept;
        return size - kept;
    }

    private int compare(int a, int b) {
        int c = Long.compare(start[a], start[b]);
        if (c != 0) {
            return c;
        }
        c = Long.compare(end[a], end[b]);
        if (c != 0) {
            return c;
        }
        c = Integer.compare(family[a], family[b]);
        if (c != 0) {
            return c;
        }
        c = Long.compare(srcHi[a], srcHi[b]);
        if (c == 0) {
            c = Long.compare(srcLo[a], srcLo[b]);
        }
        if (c == 0) {
            c = Long.compare(dstHi[a], dstHi[b]);
        }
        if (c == 0) {
            c = Long.compare(dstLo[a], dstLo[b]);
        }
        if (c == 0) {
            c = Integer.compare(ports[a], ports[b]);
        }
        if (c == 0) {
            c = Integer.compare(protoFlags[a] >>> 16, protoFlags[b] >>> 16);
        }
        if (c == 0) {
            c = Long.compare(packets[a], packets[b]);
        }
        if (c == 0) {
            c = Long.compare(bytes[a], bytes[b]);
        }
        return c != 0 ? c : Integer.compare(a, b);
    }

    private boolean sameFlow(int a, int b) {
        return start[a] == start[b] && end[a] == end[b] && family[a] == family[b] && srcHi[a] == srcHi[b]
                && srcLo[a] == srcLo[b] && dstHi[a] == dstHi[b] && dstLo[a] == dstLo[b] && ports[a] == ports[b]
                && (protoFlags[a] >>> 16) == (protoFlags[b] >>> 16) && packets[a] == packets[b]
                && bytes[a] == bytes[b];
    }
}
