package io.sgemu.dataplane.flowlog;

import io.sgemu.dataplane.flowlog.FlowStreams.Step;
import io.sgemu.dataplane.net.IpAddress;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

import static io.sgemu.dataplane.flowlog.Observations.NANOS;
import static io.sgemu.dataplane.flowlog.Observations.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fast flow-log path's own rules: watermarks, merged SKIPDATA, back-pressure, allocation, errors. */
@Timeout(60)
class FastFlowLogAggregatorTest {

    private static final long T0 = FlowStreams.T0;
    private static final IpAddress A = ip("10.0.0.5");
    private static final IpAddress B = ip("10.0.1.9");

    private final CollectingFlowLogSink sink = new CollectingFlowLogSink();

    private static void tcp(FastFlowLogAggregator w, int eni, int srcPort, int flags, long timeNanos, long sequence) {
        w.observe(eni, false, true, 4, A.hi(), A.lo(), B.hi(), B.lo(), A.hi(), A.lo(), B.hi(), B.lo(), srcPort, 80, 6,
                flags, 60, timeNanos, sequence);
    }

    /** Works until the ring is empty (one read stops at the ring's end, where it wraps, and may read only padding). */
    private static void drain(FlowLogWriterAgent writer, ManyToOneRingBuffer ring) {
        do {
            writer.doWork();
        } while (ring.consumerPosition() != ring.producerPosition());
    }

    static LongStream seeds() {
        return LongStream.range(0, 20).map(i -> 0xF011_F10L + i * 7_919);
    }

    /** The ring is full and nobody reads it: workers carry on, count what is lost, report it when room returns. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void ringFull_workersNeverBlock_lostRecordsShownAsSkipData(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int interval = rnd.nextBoolean() ? 60 : 600;
        int n = 1 + rnd.nextInt(3);
        int drainOneIn = rnd.nextBoolean() ? 0 : 200; // never, or rarely
        List<Step> steps = FlowStreams.stream(rnd, 500 + rnd.nextInt(1500), true);
        CollectingFlowLogSink unlimited = FlowStreams.reference(steps, interval,
                FlowLogAggregator.DEFAULT_MAX_RECORDS_PER_INTERVAL, false);

        ManyToOneRingBuffer ring = FlowLogMessages.newRing(1024);
        FlowLogWriterAgent writer = FlowStreams.writer(ring, n, sink, interval, false);
        FastFlowLogAggregator[] workers = FlowStreams.workers(ring, n, interval,
                FlowLogAggregator.DEFAULT_MAX_RECORDS_PER_INTERVAL);
        FlowStreams.feed(steps, workers, writer, rnd, drainOneIn);
        String what = "seed " + seed + ", interval " + interval + ", workers " + n + ", drain 1/" + drainOneIn;
        if (drainOneIn == 0) {
            assertThat(workers[0].finish()).as("%s: the ring is full, finish() says so and returns", what).isFalse();
            assertThat(workers[0].hasPending()).as(what).isTrue();
            assertThat(sink.records).as("%s: the writer has not run", what).isEmpty();
        }
        FlowStreams.finishAll(workers, writer);

        long lostRecords = Arrays.stream(workers).mapToLong(FastFlowLogAggregator::ringLostRecords).sum();
        long lostPackets = Arrays.stream(workers).mapToLong(FastFlowLogAggregator::ringLostPackets).sum();
        assertThat(lostRecords).as("%s: the tiny ring lost records", what).isPositive();
        assertThat(writer.ringLostRecords()).as(what).isEqualTo(lostRecords);
        assertThat(writer.ringLostPackets()).as(what).isEqualTo(lostPackets);
        assertThat(writer.okRecords() + writer.ringLostRecords()).as("%s: every record sent or counted", what)
                .isEqualTo(unlimited.records.size());
        FastFlowLogDifferentialTest.assertLossesAccountedFor(what, interval, steps, unlimited, sink, lostPackets);
        assertThat(sink.intervalEnds).as(what).isEqualTo(unlimited.intervalEnds);
    }

    @Test
    void writerHoldsAnIntervalUntilEveryWorkerHasPassedIt() {
        ManyToOneRingBuffer ring = FlowLogMessages.newRing(1 << 16);
        FlowLogWriterAgent writer = FlowStreams.writer(ring, 2, sink, 60, false);
        FastFlowLogAggregator[] w = FlowStreams.workers(ring, 2, 60, 100);
        tcp(w[0], 0, 1000, 0x02, (T0 + 1) * NANOS, 1);
        w[0].advanceTo((T0 + 61) * NANOS);
        drain(writer, ring);
        assertThat(sink.records).as("worker 1 has said nothing yet").isEmpty();
        w[1].advanceTo((T0 + 59) * NANOS);
        drain(writer, ring);
        assertThat(sink.records).as("worker 1 is still in the interval").isEmpty();
        w[1].advanceTo((T0 + 60) * NANOS);
        drain(writer, ring);
        assertThat(sink.records).extracting(FlowLogRecord::srcport).containsExactly(1000);
        assertThat(sink.intervalEnds).containsExactly(T0 + 60);
        assertThat(writer.isDone()).isFalse();
        FlowStreams.finishAll(w, writer);
        assertThat(writer.isDone()).isTrue();
        assertThat(sink.intervalEnds).containsExactly(T0 + 60);
    }

    @Test
    void skipDataSharesOfSeveralWorkersMergeIntoOneRecordPerEniAndInterval() {
        ManyToOneRingBuffer ring = FlowLogMessages.newRing(1 << 16);
        FlowLogWriterAgent writer = FlowStreams.writer(ring, 2, sink, 60, false);
        FastFlowLogAggregator[] w = FlowStreams.workers(ring, 2, 60, 1);
        tcp(w[0], 1, 1, 0x02, (T0 + 1) * NANOS, 10);
        tcp(w[1], 1, 3, 0x02, (T0 + 2) * NANOS, 11);
        tcp(w[1], 1, 4, 0x02, (T0 + 3) * NANOS, 12); // lost
        tcp(w[0], 1, 2, 0x02, (T0 + 5) * NANOS, 13); // lost
        tcp(w[1], 1, 5, 0x02, (T0 + 8) * NANOS, 14); // lost
        tcp(w[0], 1, 1, 0x12, (T0 + 9) * NANOS, 15); // held key: counted
        FlowStreams.finishAll(w, writer);
        FlowLogFormat f = FlowLogFormat.parse("${interface-id} ${srcport} ${packets} ${start} ${end} ${tcp-flags} ${log-status}");
        assertThat(sink.records).extracting(f::format).containsExactly(
                "eni-0a000000000000000 1 2 " + (T0 + 1) + " " + (T0 + 9) + " 18 OK",
                "eni-0a000000000000000 3 1 " + (T0 + 2) + " " + (T0 + 2) + " 2 OK",
                "eni-0a000000000000000 - - " + (T0 + 3) + " " + (T0 + 8) + " - SKIPDATA");
        assertThat(writer.capacityLostObservations()).isEqualTo(3);
        assertThat(writer.skipDataRecords()).isEqualTo(1);
    }

    @Test
    void finishAnswersFalseWhileTheRingIsFull_thenTrueOnceItHasRoom() {
        ManyToOneRingBuffer ring = FlowLogMessages.newRing(1024);
        FlowLogWriterAgent writer = FlowStreams.writer(ring, 1, sink, 60, false);
        FastFlowLogAggregator w = FlowStreams.workers(ring, 1, 60, 1000)[0];
        for (int port = 1; port <= 20; port++) {
            tcp(w, 2, port, 0x10, (T0 + 1) * NANOS, port);
        }
        assertThat(w.finish()).isFalse();
        assertThat(w.finish()).as("still full: asking again does not wait").isFalse();
        assertThat(w.sentRecords() + w.ringLostRecords()).isEqualTo(20);
        assertThat(w.ringLostRecords()).isPositive();
        drain(writer, ring);
        assertThat(w.finish()).isTrue();
        drain(writer, ring);
        assertThat(writer.isDone()).isTrue();
        assertThat(sink.records).hasSize((int) w.sentRecords() + 1);
        FlowLogRecord skip = sink.records.stream().filter(r -> r.logStatus() == FlowLogRecord.LogStatus.SKIPDATA)
                .findFirst().orElseThrow();
        assertThat(skip.eni()).isEqualTo(FlowStreams.ENIS[2]);
        assertThat(writer.ringLostPackets()).isEqualTo(w.ringLostRecords());
        assertThatThrownBy(() -> tcp(w, 2, 1, 0x10, (T0 + 2) * NANOS, 99))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("finished");
        assertThatThrownBy(() -> w.advanceTo((T0 + 2) * NANOS))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("finished");
    }

    @Test
    void steadyStateObserveAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled())
                .as("this JVM measures a thread's allocation").isTrue();
        ManyToOneRingBuffer ring = FlowLogMessages.newRing(1 << 20);
        FastFlowLogAggregator w = FastFlowLogAggregator.builder(ring, 0).intervalSeconds(60).expectedFlows(4096).build();
        org.agrona.concurrent.MessageHandler discard = (type, buffer, index, length) -> { };
        long sequence = 0;
        long allocated = 0;
        for (int minute = 0; minute < 12; minute++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 50_000; i++) {
                int key = (i * 7919) & 2047;
                long t = (T0 + minute * 60L) * NANOS + i * 1_000_000L;
                w.observe(key & 63, (key & 1) == 0, true, 6, 0x2001_0db8_0000_0000L, key, 0x2001_0db8_0000_0000L,
                        key + 1, 0x2001_0db8_0000_0000L, key, 0x2001_0db8_0000_0000L, key + 1, 40000 + key, 443, 6,
                        0x10, 1500, t, sequence++);
            }
            long after = threads.getCurrentThreadAllocatedBytes();
            if (minute >= 4) {
                allocated += after - before; // after warm-up (tables grown, code compiled)
            }
            while (ring.read(discard) > 0) {
                // the writer's side, outside the measurement
            }
        }
        assertThat(w.ringLostRecords()).isZero();
        assertThat(w.sentRecords()).isEqualTo(11 * 2048);
        assertThat(allocated).as("bytes allocated by 400k observations (interval closes included)").isLessThan(1024);
    }

    @Test
    void perWorkerCapacityDividesTheBudgetRoundingUp() {
        assertThat(FastFlowLogAggregator.perWorkerCapacity(10, 3)).isEqualTo(4);
        assertThat(FastFlowLogAggregator.perWorkerCapacity(9, 3)).isEqualTo(3);
        assertThat(FastFlowLogAggregator.perWorkerCapacity(1, 4)).isEqualTo(1);
        assertThat(FastFlowLogAggregator.perWorkerCapacity(Integer.MAX_VALUE, 1)).isEqualTo(Integer.MAX_VALUE);
        assertThatThrownBy(() -> FastFlowLogAggregator.perWorkerCapacity(10, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("worker count");
    }

    @Test
    void configurationErrorsAreNamed() {
        ManyToOneRingBuffer ring = FlowLogMessages.newRing(1024);
        assertThatThrownBy(() -> FastFlowLogAggregator.builder(ring, 0).intervalSeconds(300).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("60 or 600").hasMessageContaining("300");
        assertThatThrownBy(() -> FastFlowLogAggregator.builder(ring, 0).maxRecordsPerInterval(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxRecordsPerInterval");
        assertThatThrownBy(() -> FastFlowLogAggregator.builder(ring, -1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("worker");
        ManyToOneRingBuffer small = new ManyToOneRingBuffer(new UnsafeBuffer(
                ByteBuffer.allocateDirect(512 + RingBufferDescriptor.TRAILER_LENGTH)));
        assertThatThrownBy(() -> FastFlowLogAggregator.builder(small, 0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too small");
        assertThatThrownBy(() -> FlowLogMessages.newRing(1000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("power of two");
        assertThatThrownBy(() -> FlowLogWriterAgent.builder(ring, 0, sink).enis(FlowStreams.ENI_LOOKUP).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one worker");
        assertThatThrownBy(() -> FlowLogWriterAgent.builder(ring, 1, sink).build())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("ENIs");
        assertThatThrownBy(() -> FlowLogWriterAgent.builder(ring, 1, sink).enis(FlowStreams.ENI_LOOKUP)
                .intervalSeconds(120).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("60 or 600");
    }

    @Test
    void writerRefusesMessagesOfWorkersItDoesNotKnow() {
        ManyToOneRingBuffer ring = FlowLogMessages.newRing(1 << 12);
        FlowLogWriterAgent writer = FlowStreams.writer(ring, 2, sink, 60, false);
        FastFlowLogAggregator stranger = FastFlowLogAggregator.builder(ring, 5).intervalSeconds(60).build();
        stranger.advanceTo(T0 * NANOS);
        assertThatThrownBy(writer::doWork).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("worker 5").hasMessageContaining("0..1");
    }

    @Test
    void recordFieldsSurviveTheRing_wideValues() {
        ManyToOneRingBuffer ring = FlowLogMessages.newRing(1 << 12);
        FlowLogWriterAgent writer = FlowStreams.writer(ring, 1, sink, 600, false);
        FastFlowLogAggregator w = FlowStreams.workers(ring, 1, 600, 10)[0];
        IpAddress s = ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe");
        IpAddress d = ip("fe80::1");
        IpAddress ps = ip("ff02::ffff");
        IpAddress pd = ip("8000::8000");
        w.observe(4, true, false, 6, s.hi(), s.lo(), d.hi(), d.lo(), ps.hi(), ps.lo(), pd.hi(), pd.lo(), 65535, 65534,
                255, 0xFF, 65535, (T0 + 7) * NANOS, Long.MAX_VALUE - 1);
        w.observe(4, true, false, 6, s.hi(), s.lo(), d.hi(), d.lo(), ps.hi(), ps.lo(), pd.hi(), pd.lo(), 65535, 65534,
                255, 0xFF, 65535, (T0 + 8) * NANOS, Long.MAX_VALUE);
        FlowStreams.finishAll(new FastFlowLogAggregator[]{w}, writer);
        FlowLogRecord r = sink.records.get(0);
        assertThat(r).isEqualTo(FlowLogRecord.builder().eni(FlowStreams.ENIS[4]).srcaddr(s).dstaddr(d).srcport(65535)
                .dstport(65534).protocol(255).packets(2).bytes(2 * 65535L).start(T0 + 7).end(T0 + 8)
                .action(FlowLogRecord.Action.REJECT).tcpFlags(0).type(FlowLogRecord.TrafficType.IPV6).pktSrcaddr(ps)
                .pktDstaddr(pd).pktSrcAwsService(FlowStreams.AWS_SERVICES.serviceOf(ps))
                .pktDstAwsService(FlowStreams.AWS_SERVICES.serviceOf(pd))
                .flowDirection(FlowLogRecord.FlowDirection.INGRESS).build());
    }
}
