package io.sgemu.bench;

import io.sgemu.dataplane.io.LiveCounters;
import io.sgemu.dataplane.io.LivePath;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The VXLAN datagrams of the live-path benchmarks, built once off-heap: {@code PACKETS} datagrams (VNI 7001)
 * over the {@link PipelineWorld}'s flows drawn Zipf-distributed, and the measured step over them: a batch
 * received into a {@link LivePath}, then judged. Not thread-safe: one per benchmark state.
 */
final class LiveDatagrams {

    static final int BATCH = 256;
    static final int PACKETS = 1 << 18;
    static final int FLOWS = 100_000;

    private final UnsafeBuffer datagrams;
    private final int[] offsets = new int[PACKETS];
    private final int[] lengths = new int[PACKETS];
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final InetSocketAddress sender = new InetSocketAddress("192.0.2.10", 4789);
    private int next;

    LiveDatagrams() {
        List<PipelineWorld.Flow> flows = PipelineWorld.flows(FLOWS, 7);
        Zipf zipf = new Zipf(FLOWS, 1.0);
        SplittableRandom r = new SplittableRandom(11);
        boolean[] opened = new boolean[FLOWS];
        byte[][] built = new byte[PACKETS][];
        long total = 0;
        for (int p = 0; p < PACKETS; p++) {
            int flow = zipf.next(r);
            boolean first = !opened[flow];
            opened[flow] = true;
            byte[] frame = PipelineWorld.frame(flows.get(flow), first, !first && r.nextBoolean());
            built[p] = ByteBuffer.allocate(8 + frame.length).put((byte) 0x08).put(new byte[3]).putInt(7001 << 8)
                    .put(frame).array();
            total += built[p].length;
        }
        datagrams = new UnsafeBuffer(ByteBuffer.allocateDirect((int) total));
        int at = 0;
        for (int p = 0; p < PACKETS; p++) {
            datagrams.putBytes(at, built[p]);
            offsets[p] = at;
            lengths[p] = built[p].length;
            at += built[p].length;
        }
    }

    /** The next {@link #BATCH} datagrams received by {@code path}, then judged; answers how many were judged. */
    int receiveAndJudge(LivePath path) {
        int p = next;
        for (int i = 0; i < BATCH; i++) {
            view.wrap(datagrams, offsets[p], lengths[p]);
            path.receive(view, lengths[p], sender);
            p = (p + 1) & (PACKETS - 1);
        }
        next = p;
        int judged = 0;
        while (judged < BATCH) {
            int n = path.judge();
            if (n == 0) {
                break;
            }
            judged += n;
        }
        return judged;
    }

    /** Datagrams lost to a full ring would make the scores lie: none may be. */
    static void checkNoOverflow(LivePath path) {
        if (path.counters().get(LiveCounters.DROPPED_QUEUE_FULL) != 0) {
            throw new IllegalStateException("the ring overflowed: the benchmark must judge what it receives");
        }
    }
}
