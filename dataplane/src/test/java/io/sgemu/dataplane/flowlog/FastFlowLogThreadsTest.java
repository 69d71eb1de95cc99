package io.sgemu.dataplane.flowlog;

import io.sgemu.dataplane.flowlog.FlowStreams.Step;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Workers on their own threads, the writer on an {@link AgentRunner}: the hand-off through the ring under real
 * concurrency, bounded in time.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FastFlowLogThreadsTest {

    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(30);

    static LongStream seeds() {
        return LongStream.of(0x7A4E_AD5L, 0x7A4E_AD5L + 1, 0x7A4E_AD5L + 2);
    }

    private record Run(CollectingFlowLogSink sink, FlowLogWriterAgent writer, FastFlowLogAggregator[] workers) {
    }

    /**
     * Each worker thread takes the observations steered to it and every bare clock advance, in stream order, then
     * finishes (asking again while the ring is full). Without late observations the workers' clocks need no
     * shared driving for the output to be the reference's.
     */
    private static Run run(List<Step> steps, int n, int interval, boolean noData, int ringBytes) throws Exception {
        ManyToOneRingBuffer ring = FlowLogMessages.newRing(ringBytes);
        CollectingFlowLogSink sink = new CollectingFlowLogSink();
        FlowLogWriterAgent writer = FlowStreams.writer(ring, n, sink, interval, noData);
        FastFlowLogAggregator[] workers = FlowStreams.workers(ring, n, interval,
                FlowLogAggregator.DEFAULT_MAX_RECORDS_PER_INTERVAL);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AgentRunner runner = new AgentRunner(new BackoffIdleStrategy(10, 20, 1_000, 100_000),
                failure::set, null, writer);
        AgentRunner.startOnThread(runner);
        List<Thread> threads = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                FastFlowLogAggregator w = workers[i];
                int me = i;
                Thread t = new Thread(() -> {
                    for (Step s : steps) {
                        if (s.obs() == null) {
                            w.advanceTo(s.advanceNanos());
                        } else if (s.obs().workerOf(n) == me) {
                            s.obs().feed(w);
                        }
                    }
                    long until = System.nanoTime() + DEADLINE_NANOS;
                    while (!w.finish() && System.nanoTime() < until) {
                        Thread.yield();
                    }
                }, "flow-log-worker-" + i);
                t.setUncaughtExceptionHandler((th, e) -> failure.set(e));
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join(TimeUnit.NANOSECONDS.toMillis(DEADLINE_NANOS));
                assertThat(t.isAlive()).as("%s ended in time", t.getName()).isFalse();
            }
            long until = System.nanoTime() + DEADLINE_NANOS;
            while (!writer.isDone() && failure.get() == null && System.nanoTime() < until) {
                Thread.sleep(1);
            }
        } finally {
            runner.close(); // joins the writer's thread: its sink and counters are safe to read afterwards
        }
        assertThat(failure.get()).as("no thread failed").isNull();
        assertThat(writer.isDone()).as("the writer finished in time").isTrue();
        return new Run(sink, writer, workers);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void workersOnThreads_writerOnAgentRunner_outputEqualsReference(long seed) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        int interval = rnd.nextBoolean() ? 60 : 600;
        int n = 2 + rnd.nextInt(3);
        boolean noData = rnd.nextBoolean();
        List<Step> steps = FlowStreams.stream(rnd, 20_000, false);
        CollectingFlowLogSink want = FlowStreams.reference(steps, interval,
                FlowLogAggregator.DEFAULT_MAX_RECORDS_PER_INTERVAL, noData);
        // room for every record at once: nothing can be lost, whatever the threads' timing
        Run got = run(steps, n, interval, noData, 1 << 22);

        String what = "seed " + seed + ", interval " + interval + ", workers " + n + ", noData " + noData;
        assertThat(Arrays.stream(got.workers()).mapToLong(FastFlowLogAggregator::ringLostRecords).sum()).as(what).isZero();
        assertThat(got.sink().records.size()).as(what).isEqualTo(want.records.size());
        for (int i = 0; i < want.records.size(); i++) {
            assertThat(got.sink().records.get(i)).as("%s, record %d", what, i).isEqualTo(want.records.get(i));
        }
        assertThat(got.sink().intervalEnds).as(what).isEqualTo(want.intervalEnds);
        assertThat(got.sink().closedBefore).as(what).isEqualTo(want.closedBefore);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void workersOnThreads_smallRing_nothingLostSilently(long seed) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        int interval = rnd.nextBoolean() ? 60 : 600;
        int n = 2 + rnd.nextInt(3);
        List<Step> steps = FlowStreams.stream(rnd, 20_000, false);
        CollectingFlowLogSink unlimited = FlowStreams.reference(steps, interval,
                FlowLogAggregator.DEFAULT_MAX_RECORDS_PER_INTERVAL, false);
        // a ring of about a hundred records: the writer falls behind and the workers lose records
        Run got = run(steps, n, interval, false, 1 << 14);

        String what = "seed " + seed + ", interval " + interval + ", workers " + n;
        long lostRecords = Arrays.stream(got.workers()).mapToLong(FastFlowLogAggregator::ringLostRecords).sum();
        long lostPackets = Arrays.stream(got.workers()).mapToLong(FastFlowLogAggregator::ringLostPackets).sum();
        assertThat(got.writer().ringLostRecords()).as(what).isEqualTo(lostRecords);
        assertThat(got.writer().ringLostPackets()).as(what).isEqualTo(lostPackets);
        assertThat(got.writer().okRecords() + lostRecords).as(what).isEqualTo(unlimited.records.size());
        FastFlowLogDifferentialTest.assertLossesAccountedFor(what, interval, steps, unlimited, got.sink(), lostPackets);
        assertThat(got.sink().intervalEnds).as(what).isEqualTo(unlimited.intervalEnds);
    }
}
