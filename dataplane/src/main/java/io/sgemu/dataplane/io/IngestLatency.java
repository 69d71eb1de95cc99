package io.sgemu.dataplane.io;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The live dataplane's ingest-to-verdict latency: for every judged datagram, the time from its receipt on an
 * event loop (the receive time the ring carries) to its verdict on a worker, in nanoseconds.
 *
 * <p>Each worker records into its own HdrHistogram {@link Recorder} (single writer; {@code recordValue} is
 * wait-free and, the range being fixed, allocation-free). {@link #cumulative()} swaps out every recorder's
 * interval histogram (the recorder's phaser makes the swap safe against a writer in the middle of a record)
 * and adds it to a cumulative histogram holding every packet since start, of which it answers a copy.
 * Values beyond {@link #MAX_NANOS} (a minute) are recorded as that.
 *
 * <p>Threading: {@link #cumulative()} is synchronized: any thread, one at a time. After
 * {@link LiveDataplane#close()} it counts every judged packet.
 */
public final class IngestLatency {

    /** The largest latency told apart: a minute. */
    public static final long MAX_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final LiveWorker[] workers;
    private final Histogram total = new Histogram(1, MAX_NANOS, 2);
    private final Histogram[] recycled;

    IngestLatency(LiveWorker[] workers) {
        this.workers = workers;
        this.recycled = new Histogram[workers.length];
    }

    static Recorder newRecorder() {
        return new Recorder(1, MAX_NANOS, 2);
    }

    /** A latency clamped into the recorders' range (a clock read on two threads may differ by a hair). */
    static long clamp(long nanos) {
        return nanos < 1 ? 1 : Math.min(nanos, MAX_NANOS);
    }

    /** Every latency recorded since start, in nanoseconds (a copy the caller owns). */
    public synchronized Histogram cumulative() {
        for (int w = 0; w < workers.length; w++) {
            if (workers[w] != null) {
                Histogram interval = workers[w].latency.getIntervalHistogram(recycled[w]);
                total.add(interval);
                recycled[w] = interval;
            }
        }
        return total.copy();
    }
}
