package io.sgemu.control.gen;

import io.sgemu.dataplane.net.IpAddress;
import io.sgemu.dataplane.packet.LinkType;
import io.sgemu.dataplane.packet.PacketBuilder;
import java.io.IOException;
import java.util.Arrays;

/**
 * Writes the packets of a {@link FlowPlan} in time order, one at a time: the flows wait in a heap keyed
 * by the time of their next packet, and enter it when their start comes. Memory is the plan's (a few
 * dozen bytes per flow) whatever the number of packets.
 *
 * <p>Timestamps strictly increase: two packets planned for the same nanosecond are written one
 * nanosecond apart.
 */
public final class CaptureGenerator {

    /** Receives the frames in capture order. */
    @FunctionalInterface
    public interface FrameSink {
        void write(long timeNanos, byte[] frame) throws IOException;
    }

    private static final int ICMP_PAYLOAD = 56;
    private static final int INDEX_BITS = 24;
    private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;

    private final FlowPlan plan;
    private final int[] heap;
    private final long[] next;
    private final int[] emitted;
    private int heapSize;

    private CaptureGenerator(FlowPlan plan) {
        this.plan = plan;
        this.heap = new int[plan.size];
        this.next = new long[plan.size];
        this.emitted = new int[plan.size];
    }

    /** Writes every packet of the plan to {@code sink}; answers how many were written. */
    public static long write(FlowPlan plan, FrameSink sink) throws IOException {
        return new CaptureGenerator(plan).run(sink);
    }

    private long run(FrameSink sink) throws IOException {
        long[] byStart = startOrder();
        int pending = 0;
        long written = 0;
        long last = Long.MIN_VALUE;
        long t0 = plan.settings.startNanos();
        boolean ethernet = plan.settings.linkType() == LinkType.ETHERNET;
        while (heapSize > 0 || pending < byStart.length) {
            while (pending < byStart.length) {
                int f = (int) (byStart[pending] & INDEX_MASK);
                if (heapSize > 0 && before(heap[0], plan.start[f], f)) {
                    break;
                }
                next[f] = plan.start[f];
                push(f);
                pending++;
            }
            int f = heap[0];
            long t = Math.max(next[f], last + 1);
            last = t;
            sink.write(t0 + t, frame(f, emitted[f], ethernet));
            written++;
            if (++emitted[f] < plan.count[f]) {
                next[f] += plan.gap[f];
                siftDown(0);
            } else {
                heap[0] = heap[--heapSize];
                siftDown(0);
            }
        }
        return written;
    }

    /** Flow indices sorted by start time (ties by index), packed as (start scaled to 39 bits, index). */
    private long[] startOrder() {
        long[] keys = new long[plan.size];
        double scale = (double) (1L << 39) / (plan.durationNanos + 1);
        for (int i = 0; i < plan.size; i++) {
            keys[i] = ((long) (plan.start[i] * scale) << INDEX_BITS) | i;
        }
        Arrays.sort(keys);
        return keys;
    }

    private byte[] frame(int f, int j, boolean ethernet) {
        byte kind = plan.kind[f];
        int p = FlowShape.packet(kind, j, plan.count[f]);
        boolean fwd = FlowShape.fromClient(p);
        IpAddress c = plan.addresses.get(plan.client[f]);
        IpAddress s = plan.addresses.get(plan.server[f]);
        PacketBuilder b = PacketBuilder.ip(fwd ? c : s, fwd ? s : c).identification(j & 0xFFFF);
        int payload = switch (FlowShape.payload(p)) {
            case FlowShape.REQUEST -> plan.request[f];
            case FlowShape.RESPONSE -> plan.response[f];
            default -> 0;
        };
        int cport = plan.clientPort[f];
        int sport = plan.serverPort[f];
        switch (kind) {
            case FlowShape.TCP_FIN, FlowShape.TCP_RST, FlowShape.BLOCKED_TCP -> {
                long clientIsn = initialSequence(f, 0);
                long serverIsn = initialSequence(f, 1);
                long clientSeq = clientIsn + FlowShape.clientSequence(kind, j, plan.count[f], plan.request[f]);
                long serverSeq = serverIsn + FlowShape.serverSequence(kind, j, plan.count[f], plan.response[f]);
                b.tcp(fwd ? cport : sport, fwd ? sport : cport, FlowShape.tcpFlags(p), payload)
                        .tcpSequence(fwd ? clientSeq : serverSeq, fwd ? serverSeq : clientSeq);
            }
            case FlowShape.UDP, FlowShape.BLOCKED_UDP -> b.udp(fwd ? cport : sport, fwd ? sport : cport, payload);
            default -> b.icmpEcho(fwd, cport).payload(ICMP_PAYLOAD);
        }
        return (ethernet ? b.ethernet() : b.raw()).build();
    }

    /** A flow's initial sequence number on one side (0 client, 1 server): random-looking, the same for a seed. */
    private long initialSequence(int f, int side) {
        long z = plan.settings.seed() * 0x9E3779B97F4A7C15L + (2L * f + side);
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return (z ^ (z >>> 33)) & 0xFFFF_FFFFL;
    }

    /** True when flow a's next packet comes before flow b's, whose next packet is at {@code bTime}. */
    private boolean before(int a, long bTime, int b) {
        return next[a] < bTime || (next[a] == bTime && a < b);
    }

    private void push(int f) {
        int i = heapSize++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(f, next[heap[parent]], heap[parent])) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = f;
    }

    private void siftDown(int i) {
        if (heapSize == 0) {
            return;
        }
        int f = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= heapSize) {
                break;
            }
            if (child + 1 < heapSize && before(heap[child + 1], next[heap[child]], heap[child])) {
                child++;
            }
            if (!before(heap[child], next[f], f)) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = f;
    }
}
