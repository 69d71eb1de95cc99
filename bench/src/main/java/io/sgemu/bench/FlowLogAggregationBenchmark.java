package io.sgemu.bench;

import io.sgemu.dataplane.flowlog.FastFlowLogAggregator;
import io.sgemu.dataplane.flowlog.FlowLogMessages;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link FastFlowLogAggregator#observe} on 100k (and, for comparison, 1k) flow keys over 10k ENIs, packets drawn from a Zipf distribution
 * over the keys (a few elephants, a long tail of mice), 10% of the keys IPv6.
 *
 * <ul>
 *   <li>{@code observe}: the hot path inside one interval (the clock moves 10 ns a packet, a 600 s interval never
 *       ends): find or insert the key, add the packet.</li>
 *   <li>{@code observeWithIntervalCloses}: the clock moves 1 ms a packet with 60 s intervals, so every 60k packets
 *       an interval closes and its records are written to the ring; this thread drains the ring (reading only)
 *       every 4096 packets, so the figure includes the encoding and the ring's cost on both sides but not the
 *       writer's building of records.</li>
 * </ul>
 * Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is the allocation per packet.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.ADD_EXPORTS})
public class FlowLogAggregationBenchmark {

    private static final int ENIS = 10_000;
    private static final int DRAWS = 1 << 20;
    private static final double ZIPF_EXPONENT = 1.0;
    private static final int STRIDE = 8;
    private static final long T0 = 1_700_000_000L * 1_000_000_000L;

    /**
     * The keys' fields, one cache line per key (so that drawing a packet costs the harness one miss at most):
     * [0] ENI | ingress << 32 | accept << 33 | family << 36 | protocol << 40 | tcp flags << 48,
     * [1..4] srcaddr and dstaddr hi/lo, [5] srcport << 16 | dstport, [6] bytes.
     */
    private long[] keys;

    /** Flow keys; 100k is the figure asked for, 1k shows the cost when every key is in cache. */
    @Param({"100000", "1000"})
    public int keyCount;
    private int[] draws;

    private ManyToOneRingBuffer ring;
    private FastFlowLogAggregator aggregator;
    private final MessageHandler discard = (type, buffer, index, length) -> { };
    private int cursor;
    private long sequence;
    private long timeNanos;
    private long timeStep;

    @Setup
    public void setUp(org.openjdk.jmh.infra.BenchmarkParams params) {
        SplittableRandom rnd = new SplittableRandom(0x5EED);
        keys = new long[keyCount * STRIDE];
        for (int k = 0; k < keyCount; k++) {
            int b = k * STRIDE;
            boolean v6 = rnd.nextInt(10) == 0;
            long eni = rnd.nextInt(ENIS);
            long ingress = rnd.nextBoolean() ? 1 : 0;
            long accept = rnd.nextInt(10) != 0 ? 1 : 0;
            long protocol = rnd.nextInt(10) == 0 ? 17 : 6;
            long flags = rnd.nextInt(20) == 0 ? 0x02 : 0x10;
            keys[b] = eni | ingress << 32 | accept << 33 | (v6 ? 6L : 4L) << 36 | protocol << 40 | flags << 48;
            keys[b + 1] = v6 ? 0x2600_1f18_0000_0000L | rnd.nextInt(1 << 16) : 0;
            keys[b + 2] = v6 ? rnd.nextLong() : 0x0A00_0000L | rnd.nextInt(1 << 16);
            keys[b + 3] = v6 ? 0x2600_1f18_0000_0000L | rnd.nextInt(1 << 16) : 0;
            keys[b + 4] = v6 ? rnd.nextLong() : (rnd.nextLong() & 0xFFFF_FFFFL);
            keys[b + 5] = (long) (1024 + rnd.nextInt(64_000)) << 16 | (rnd.nextBoolean() ? 443 : rnd.nextInt(65_536));
            keys[b + 6] = 40 + rnd.nextInt(1461);
        }
        draws = zipfDraws(rnd, keyCount);
        ring = FlowLogMessages.newRing(1 << 25);
        boolean closes = params.getBenchmark().endsWith("observeWithIntervalCloses");
        timeStep = closes ? 1_000_000L : 10L;
        aggregator = FastFlowLogAggregator.builder(ring, 0).intervalSeconds(closes ? 60 : 600)
                .expectedFlows(keyCount).build();
        timeNanos = T0;
    }

    /** Key indices drawn from Zipf(s) over {@code n} keys by inverting the cumulative distribution. */
    private static int[] zipfDraws(SplittableRandom rnd, int n) {
        Zipf zipf = new Zipf(n, ZIPF_EXPONENT);
        int[] out = new int[DRAWS];
        for (int i = 0; i < DRAWS; i++) {
            // scatter the ranks so that hot keys are not neighbours in the arrays
            out[i] = (int) ((zipf.next(rnd) * 48_271L) % n);
        }
        return out;
    }

    private void observeNext() {
        int b = draws[cursor] * STRIDE;
        cursor = (cursor + 1) & (DRAWS - 1);
        timeNanos += timeStep;
        long[] k = keys;
        long meta = k[b];
        long ports = k[b + 5];
        aggregator.observe((int) meta, (meta & (1L << 32)) != 0, (meta & (1L << 33)) != 0, (int) (meta >>> 36) & 0xF,
                k[b + 1], k[b + 2], k[b + 3], k[b + 4], k[b + 1], k[b + 2], k[b + 3], k[b + 4],
                (int) (ports >>> 16), (int) ports & 0xFFFF, (int) (meta >>> 40) & 0xFF, (int) (meta >>> 48) & 0xFF,
                (int) k[b + 6], timeNanos, sequence++);
    }

    @Benchmark
    public void observe() {
        observeNext();
    }

    @Benchmark
    public void observeWithIntervalCloses() {
        observeNext();
        if ((sequence & 4095) == 0) {
            ring.read(discard, Integer.MAX_VALUE);
        }
    }

    /** Says whether the drain kept up: records lost to a full ring would make the figure too good. */
    @TearDown
    public void report() {
        System.out.println("flow keys held " + aggregator.openRecords() + ", records written " + aggregator.sentRecords()
                + ", lost to a full ring " + aggregator.ringLostRecords());
    }
}
