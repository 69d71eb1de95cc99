package io.sgemu.dataplane.flowlog;

import io.sgemu.dataplane.flowlog.FlowLogRecord.LogStatus;
import io.sgemu.dataplane.net.IpAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

import static io.sgemu.dataplane.flowlog.Observations.NANOS;
import static io.sgemu.dataplane.flowlog.Observations.eni;
import static io.sgemu.dataplane.flowlog.Observations.ip;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random observation streams against a plain re-reading of SEMANTICS.md section 6: sums are kept, records lie
 * in their intervals, no key repeats within an interval, capacity losses show as SKIPDATA, output is repeatable.
 */
class FlowLogAggregatorPropertyTest {

    private static final long T0 = 1_699_999_800L;
    private static final FlowLogEni[] ENIS = {eni("eni-0000000000000000a"), eni("eni-0000000000000000b"),
            eni("eni-0000000000000000c")};
    private static final IpAddress[] V4 = {ip("10.0.0.5"), ip("10.0.0.6"), ip("10.0.1.9"), ip("203.0.113.12")};
    private static final IpAddress[] V6 = {ip("2001:db8::5"), ip("2001:db8::1:9")};
    private static final int[] PORTS = {22, 80, 443, 40000, 40001};
    private static final int[] PROTOCOLS = {1, 6, 17};

    static LongStream seeds() {
        return LongStream.range(0, 40).map(i -> 0x5EED_F10L + i * 7919);
    }

    /** One step of a stream: an observation, or a bare clock advance (observation null). */
    private record Step(FlowObservation observation, long advanceNanos) {
    }

    private record Key(long intervalStart, FlowLogEni eni, boolean ingress, boolean accept, IpAddress src,
                       IpAddress dst, int srcport, int dstport, int protocol, IpAddress pktSrc, IpAddress pktDst) {
    }

    private static final class Sums {
        long packets;
        long bytes;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        int flags;
    }

    private static List<Step> stream(SplittableRandom rnd) {
        int n = 100 + rnd.nextInt(900);
        List<Step> steps = new ArrayList<>(n);
        long t = (T0 + rnd.nextInt(600)) * NANOS + rnd.nextLong(NANOS);
        for (int i = 0; i < n; i++) {
            int gap = rnd.nextInt(100);
            if (gap < 60) {
                t += rnd.nextLong(2 * NANOS);
            } else if (gap < 90) {
                t += rnd.nextLong(90 * NANOS);
            } else if (gap < 94) {
                t += rnd.nextLong(2000 * NANOS);
            } else {
                t -= rnd.nextLong(5 * NANOS); // out of order
            }
            if (rnd.nextInt(20) == 0) {
                steps.add(new Step(null, t));
                continue;
            }
            boolean v6 = rnd.nextInt(5) == 0;
            IpAddress[] pool = v6 ? V6 : V4;
            IpAddress src = pool[rnd.nextInt(pool.length)];
            IpAddress dst = pool[rnd.nextInt(pool.length)];
            IpAddress pktSrc = rnd.nextInt(6) == 0 ? pool[rnd.nextInt(pool.length)] : src;
            IpAddress pktDst = rnd.nextInt(6) == 0 ? pool[rnd.nextInt(pool.length)] : dst;
            int protocol = PROTOCOLS[rnd.nextInt(PROTOCOLS.length)];
            int sport = protocol == 1 ? 0 : PORTS[rnd.nextInt(PORTS.length)];
            int dport = protocol == 1 ? 0 : PORTS[rnd.nextInt(PORTS.length)];
            steps.add(new Step(new FlowObservation(ENIS[rnd.nextInt(ENIS.length)], rnd.nextBoolean(),
                    rnd.nextInt(4) != 0, src, dst, pktSrc, pktDst, sport, dport, protocol, rnd.nextInt(256),
                    20 + rnd.nextInt(1481), t), 0));
        }
        return steps;
    }

    private static CollectingFlowLogSink run(List<Step> steps, int interval, int capacity, FlowLogAggregator[] out) {
        CollectingFlowLogSink sink = new CollectingFlowLogSink();
        FlowLogAggregator agg = FlowLogAggregator.builder(sink).intervalSeconds(interval)
                .maxRecordsPerInterval(capacity).build();
        for (Step s : steps) {
            if (s.observation() == null) {
                agg.advanceTo(s.advanceNanos());
            } else {
                agg.observe(s.observation());
            }
        }
        agg.finish();
        out[0] = agg;
        return sink;
    }

    /** Reads section 6 plainly: the monotonic clock, aligned intervals, first keys held up to the capacity. */
    private static Map<Key, Sums> expected(List<Step> steps, int interval, int capacity, Set<List<Object>> lostOut) {
        Map<Key, Sums> sums = new HashMap<>();
        Map<Long, Set<Key>> held = new HashMap<>();
        long clock = Long.MIN_VALUE;
        for (Step s : steps) {
            long t = s.observation() == null ? s.advanceNanos() : s.observation().timeNanos();
            clock = Math.max(clock, t);
            FlowObservation o = s.observation();
            if (o == null) {
                continue;
            }
            long second = Math.floorDiv(clock, NANOS);
            long start = Math.floorDiv(second, interval) * interval;
            Key k = new Key(start, o.eni(), o.ingress(), o.accept(), o.srcaddr(), o.dstaddr(), o.srcport(),
                    o.dstport(), o.protocol(), o.pktSrcaddr(), o.pktDstaddr());
            Set<Key> keys = held.computeIfAbsent(start, x -> new LinkedHashSet<>());
            if (!keys.contains(k)) {
                if (keys.size() >= capacity) {
                    lostOut.add(List.of(start, o.eni()));
                    continue;
                }
                keys.add(k);
            }
            Sums x = sums.computeIfAbsent(k, y -> new Sums());
            x.packets++;
            x.bytes += o.bytes();
            x.first = Math.min(x.first, second);
            x.last = Math.max(x.last, second);
            if (o.protocol() == 6) {
                int f = o.tcpFlags();
                x.flags |= (f & 0x07) | ((f & 0x12) == 0x12 ? 0x10 : 0);
            }
        }
        return sums;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void fl6_randomStreams_sumsKept_recordsWithinIntervals_keysUnique(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int interval = rnd.nextBoolean() ? 60 : 600;
        List<Step> steps = stream(rnd);
        FlowLogAggregator[] agg = new FlowLogAggregator[1];
        CollectingFlowLogSink sink = run(steps, interval, FlowLogAggregator.DEFAULT_MAX_RECORDS_PER_INTERVAL, agg);

        // sums of packets and bytes per (ENI, action) equal the input's
        Map<List<Object>, long[]> in = new HashMap<>();
        for (Step s : steps) {
            if (s.observation() != null) {
                long[] v = in.computeIfAbsent(List.of(s.observation().eni(), s.observation().accept()), k -> new long[2]);
                v[0]++;
                v[1] += s.observation().bytes();
            }
        }
        Map<List<Object>, long[]> outSums = new HashMap<>();
        for (FlowLogRecord r : sink.records) {
            long[] v = outSums.computeIfAbsent(List.of(r.eni(), r.action() == FlowLogRecord.Action.ACCEPT), k -> new long[2]);
            v[0] += r.packets();
            v[1] += r.bytes();
        }
        assertThat(outSums.keySet()).as("seed %d", seed).isEqualTo(in.keySet());
        for (var e : in.entrySet()) {
            assertThat(outSums.get(e.getKey())).as("seed %d, %s", seed, e.getKey()).containsExactly(e.getValue());
        }

        // every record lies in its interval; no key twice in one interval
        Map<Key, Sums> actual = new HashMap<>();
        for (int i = 0; i < sink.records.size(); i++) {
            FlowLogRecord r = sink.records.get(i);
            long end = sink.intervalEnds.get(sink.closedBefore.get(i));
            long start = end - interval;
            assertThat(end % interval).as("seed %d: interval end %d aligned", seed, end).isZero();
            assertThat(r.logStatus()).as("seed %d", seed).isEqualTo(LogStatus.OK);
            assertThat(r.start()).as("seed %d: record %s", seed, r).isBetween(start, end - 1);
            assertThat(r.end()).as("seed %d: record %s", seed, r).isBetween(r.start(), end - 1);
            Key k = new Key(start, r.eni(), r.flowDirection() == FlowLogRecord.FlowDirection.INGRESS,
                    r.action() == FlowLogRecord.Action.ACCEPT, r.srcaddr(), r.dstaddr(), r.srcport(), r.dstport(),
                    r.protocol(), r.pktSrcaddr(), r.pktDstaddr());
            Sums x = new Sums();
            x.packets = r.packets();
            x.bytes = r.bytes();
            x.first = r.start();
            x.last = r.end();
            x.flags = r.tcpFlags();
            assertThat(actual.put(k, x)).as("seed %d: key twice in one interval: %s", seed, k).isNull();
        }
        assertThat(sink.intervalEnds).as("seed %d: intervals close in order", seed).isSorted().doesNotHaveDuplicates();

        // and the records are exactly those of the plain reading
        Map<Key, Sums> want = expected(steps, interval, Integer.MAX_VALUE, new HashSet<>());
        assertThat(actual.keySet()).as("seed %d", seed).isEqualTo(want.keySet());
        for (var e : want.entrySet()) {
            Sums a = actual.get(e.getKey());
            Sums w = e.getValue();
            assertThat(new long[]{a.packets, a.bytes, a.first, a.last, a.flags})
                    .as("seed %d: %s", seed, e.getKey())
                    .containsExactly(w.packets, w.bytes, w.first, w.last, w.flags);
        }
        assertThat(agg[0].lostObservations()).as("seed %d", seed).isZero();

        // the same input gives the same output, in the same order
        CollectingFlowLogSink again = run(steps, interval, FlowLogAggregator.DEFAULT_MAX_RECORDS_PER_INTERVAL, agg);
        assertThat(again.records).as("seed %d", seed).isEqualTo(sink.records);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void fl6_randomStreamsOverCapacity_lossesCountedAndShownAsSkipData(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int interval = rnd.nextBoolean() ? 60 : 600;
        int capacity = 1 + rnd.nextInt(12);
        List<Step> steps = stream(rnd);
        FlowLogAggregator[] agg = new FlowLogAggregator[1];
        CollectingFlowLogSink sink = run(steps, interval, capacity, agg);

        long observations = steps.stream().filter(s -> s.observation() != null).count();
        long okPackets = sink.records.stream().filter(r -> r.logStatus() == LogStatus.OK)
                .mapToLong(FlowLogRecord::packets).sum();
        assertThat(okPackets + agg[0].lostObservations()).as("seed %d: nothing lost silently", seed)
                .isEqualTo(observations);

        Set<List<Object>> lost = new HashSet<>();
        Map<Key, Sums> want = expected(steps, interval, capacity, lost);
        Set<List<Object>> skipData = new HashSet<>();
        Map<Long, Integer> okPerInterval = new HashMap<>();
        for (int i = 0; i < sink.records.size(); i++) {
            FlowLogRecord r = sink.records.get(i);
            long start = sink.intervalEnds.get(sink.closedBefore.get(i)) - interval;
            if (r.logStatus() == LogStatus.SKIPDATA) {
                assertThat(skipData.add(List.of(start, r.eni()))).as("seed %d: one SKIPDATA per ENI and interval", seed)
                        .isTrue();
                assertThat(r.start()).as("seed %d", seed).isBetween(start, start + interval - 1);
                assertThat(r.end()).as("seed %d", seed).isBetween(r.start(), start + interval - 1);
                assertThat(r.packets()).as("seed %d", seed).isEqualTo(FlowLogRecord.ABSENT);
            } else {
                okPerInterval.merge(start, 1, Integer::sum);
            }
        }
        assertThat(skipData).as("seed %d", seed).isEqualTo(lost);
        assertThat(okPerInterval.values()).as("seed %d", seed).allMatch(c -> c <= capacity);
        assertThat(sink.records.stream().filter(r -> r.logStatus() == LogStatus.OK).count())
                .as("seed %d", seed).isEqualTo(want.size());
    }
}
