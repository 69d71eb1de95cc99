package io.sgemu.dataplane.flowlog;

import io.sgemu.dataplane.flowlog.FlowLogRecord.LogStatus;
import io.sgemu.dataplane.flowlog.FlowStreams.Placed;
import io.sgemu.dataplane.flowlog.FlowStreams.Step;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fast path (workers, ring, writer) against the reference {@link FlowLogAggregator} on seeded random
 * streams: IPv4 and IPv6, both directions, both actions, TCP flag mixes, ICMP with ports 0, gaps across
 * intervals, late observations. Same records, same order, same interval ends.
 */
class FastFlowLogDifferentialTest {

    static LongStream seeds() {
        return LongStream.range(0, 30).map(i -> 0xFA57_F10L + i * 104_729);
    }

    private static final int RING = 1 << 20;

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void oneWorker_sameRecordsInSameOrderAsReference(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int interval = rnd.nextBoolean() ? 60 : 600;
        boolean limited = rnd.nextBoolean();
        int capacity = limited ? 1 + rnd.nextInt(12) : FlowLogAggregator.DEFAULT_MAX_RECORDS_PER_INTERVAL;
        boolean noData = rnd.nextInt(3) == 0;
        List<Step> steps = FlowStreams.stream(rnd, 200 + rnd.nextInt(1200), true);

        CollectingFlowLogSink want = FlowStreams.reference(steps, interval, capacity, noData);
        CollectingFlowLogSink got = new CollectingFlowLogSink();
        ManyToOneRingBuffer ring = FlowLogMessages.newRing(RING);
        FlowLogWriterAgent writer = FlowStreams.writer(ring, 1, got, interval, noData);
        FastFlowLogAggregator[] workers = FlowStreams.workers(ring, 1, interval, capacity);
        FlowStreams.feed(steps, workers, writer, rnd, 1 + rnd.nextInt(50));
        FlowStreams.finishAll(workers, writer);

        String what = "seed " + seed + ", interval " + interval + ", capacity " + capacity + ", noData " + noData;
        assertThat(got.records).as(what).hasSize(want.records.size());
        for (int i = 0; i < want.records.size(); i++) {
            assertThat(got.records.get(i)).as("%s, record %d", what, i).isEqualTo(want.records.get(i));
        }
        assertThat(got.intervalEnds).as(what).isEqualTo(want.intervalEnds);
        assertThat(got.closedBefore).as(what).isEqualTo(want.closedBefore);
        assertThat(workers[0].ringLostRecords()).as(what).isZero();
        if (limited) {
            assertThat(writer.capacityLostObservations()).as(what).isEqualTo(workers[0].lostObservations());
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void severalWorkers_mergedOutputEqualsReference(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int interval = rnd.nextBoolean() ? 60 : 600;
        int n = 2 + rnd.nextInt(3);
        boolean noData = rnd.nextInt(3) == 0;
        List<Step> steps = FlowStreams.stream(rnd, 200 + rnd.nextInt(1200), true);

        CollectingFlowLogSink want = FlowStreams.reference(steps, interval,
                FlowLogAggregator.DEFAULT_MAX_RECORDS_PER_INTERVAL, noData);
        CollectingFlowLogSink got = new CollectingFlowLogSink();
        ManyToOneRingBuffer ring = FlowLogMessages.newRing(RING);
        FlowLogWriterAgent writer = FlowStreams.writer(ring, n, got, interval, noData);
        FastFlowLogAggregator[] workers = FlowStreams.workers(ring, n, interval,
                FlowLogAggregator.DEFAULT_MAX_RECORDS_PER_INTERVAL);
        FlowStreams.feed(steps, workers, writer, rnd, 1 + rnd.nextInt(50));
        FlowStreams.finishAll(workers, writer);

        String what = "seed " + seed + ", interval " + interval + ", workers " + n + ", noData " + noData;
        long busy = java.util.Arrays.stream(workers).filter(w -> w.sentRecords() > 0).count();
        assertThat(busy).as("%s: the steering spreads the flows", what).isGreaterThan(1);
        assertThat(got.records).as(what).hasSize(want.records.size());
        for (int i = 0; i < want.records.size(); i++) {
            assertThat(got.records.get(i)).as("%s, record %d", what, i).isEqualTo(want.records.get(i));
        }
        assertThat(got.intervalEnds).as(what).isEqualTo(want.intervalEnds);
        assertThat(got.closedBefore).as(what).isEqualTo(want.closedBefore);
    }

    /**
     * With per-worker capacity the workers keep different keys than one reference would, but what they keep is
     * exact, and what they lose shows as one SKIPDATA record per ENI and interval.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void severalWorkersOverCapacity_keptRecordsExact_lossesShownOncePerEniAndInterval(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int interval = rnd.nextBoolean() ? 60 : 600;
        int n = 2 + rnd.nextInt(3);
        int perWorker = 1 + rnd.nextInt(6);
        List<Step> steps = FlowStreams.stream(rnd, 200 + rnd.nextInt(1200), true);

        CollectingFlowLogSink unlimited = FlowStreams.reference(steps, interval,
                FlowLogAggregator.DEFAULT_MAX_RECORDS_PER_INTERVAL, false);
        CollectingFlowLogSink got = new CollectingFlowLogSink();
        ManyToOneRingBuffer ring = FlowLogMessages.newRing(RING);
        FlowLogWriterAgent writer = FlowStreams.writer(ring, n, got, interval, false);
        FastFlowLogAggregator[] workers = FlowStreams.workers(ring, n, interval, perWorker);
        FlowStreams.feed(steps, workers, writer, rnd, 1 + rnd.nextInt(50));
        FlowStreams.finishAll(workers, writer);

        String what = "seed " + seed + ", interval " + interval + ", workers " + n + ", capacity " + perWorker;
        assertLossesAccountedFor(what, interval, steps, unlimited, got, writer.capacityLostObservations());
        long lost = java.util.Arrays.stream(workers).mapToLong(FastFlowLogAggregator::lostObservations).sum();
        assertThat(writer.capacityLostObservations()).as(what).isEqualTo(lost).isPositive();
    }

    /**
     * Shared by the tests where records are lost: every OK record equals the unlimited reference's record of its
     * key and interval, SKIPDATA records name exactly the (interval, ENI)s of the missing ones, once each, and OK
     * packets plus lost ones account for every observation.
     */
    static void assertLossesAccountedFor(String what, int interval, List<Step> steps, CollectingFlowLogSink unlimited,
                                         CollectingFlowLogSink got, long lostPackets) {
        Set<Placed> all = new HashSet<>(FlowStreams.placed(unlimited));
        Set<List<Object>> missing = new HashSet<>();
        Set<Placed> kept = new HashSet<>();
        Set<List<Object>> skipData = new HashSet<>();
        long okPackets = 0;
        for (Placed p : FlowStreams.placed(got)) {
            FlowLogRecord r = p.record();
            if (r.logStatus() == LogStatus.SKIPDATA) {
                assertThat(skipData.add(List.of(p.intervalEnd(), r.eni())))
                        .as("%s: one SKIPDATA per ENI and interval: %s", what, p).isTrue();
                assertThat(r.start()).as(what).isBetween(p.intervalEnd() - interval, r.end());
                assertThat(r.end()).as(what).isLessThan(p.intervalEnd());
            } else {
                assertThat(all).as("%s: a kept record is exact: %s", what, p).contains(p);
                kept.add(p);
                okPackets += r.packets();
            }
        }
        for (Placed p : all) {
            if (!kept.contains(p)) {
                missing.add(List.of(p.intervalEnd(), p.record().eni()));
            }
        }
        assertThat(skipData).as("%s: SKIPDATA exactly where records are missing", what).isEqualTo(missing);
        assertThat(okPackets + lostPackets).as("%s: nothing lost silently", what)
                .isEqualTo(FlowStreams.observations(steps));
    }
}
