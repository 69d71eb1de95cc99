package io.sgemu.dataplane.flowlog;

import io.sgemu.dataplane.net.IpAddress;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static io.sgemu.dataplane.flowlog.Observations.NANOS;
import static io.sgemu.dataplane.flowlog.Observations.eni;
import static io.sgemu.dataplane.flowlog.Observations.ip;

/**
 * Random observation streams for differential tests of the fast flow-log path against {@link FlowLogAggregator},
 * and the drivers that feed one stream to both.
 */
final class FlowStreams {

    static final long T0 = 1_699_999_800L;
    /** ENIs by number; numbers deliberately not in interface-id order. */
    static final FlowLogEni[] ENIS = {eni("eni-0c000000000000000"), eni("eni-0a000000000000000"),
            eni("eni-0e000000000000000"), eni("eni-0b000000000000000"), eni("eni-0d000000000000000")};
    static final FlowLogEnis ENI_LOOKUP = n -> ENIS[n];
    private static final IpAddress[] V4 = {ip("10.0.0.5"), ip("10.0.0.6"), ip("10.0.1.9"), ip("203.0.113.12"),
            ip("255.255.255.254")};
    private static final IpAddress[] V6 = {ip("2001:db8::5"), ip("2001:db8::1:9"), ip("fe80::ffff:ffff:ffff:fffe"),
            ip("ff02::1")};
    private static final int[] PORTS = {22, 80, 443, 40000, 40001, 65535};
    private static final int[] PROTOCOLS = {1, 6, 6, 17, 58, 255};
    private static final int[] TCP_FLAG_MIXES = {0x02, 0x12, 0x10, 0x11, 0x04, 0x18, 0x01, 0x14};

    /** Resolvers that answer from their arguments alone, as real ones do. */
    static final TrafficPathResolver TRAFFIC_PATHS = (e, src, dst) ->
            (dst.lo() & 1) == 0 ? FlowLogRecord.ABSENT : 1 + (int) ((dst.lo() ^ e.interfaceId().hashCode()) & 7);
    static final AwsServiceResolver AWS_SERVICES = a -> (a.lo() & 3) == 1 ? "S3" : null;

    private FlowStreams() {
    }

    /** One observation as the fast path is given it; {@code eni} is a number into {@link #ENIS}. */
    record Obs(int eni, boolean ingress, boolean accept, IpAddress src, IpAddress dst, IpAddress pktSrc,
               IpAddress pktDst, int srcPort, int dstPort, int protocol, int tcpFlags, int bytes, long timeNanos,
               long sequence) {

        FlowObservation reference() {
            return new FlowObservation(ENIS[eni], ingress, accept, src, dst, pktSrc, pktDst, srcPort, dstPort,
                    protocol, tcpFlags, bytes, timeNanos);
        }

        void feed(FastFlowLogAggregator a) {
            a.observe(eni, ingress, accept, src.family(), src.hi(), src.lo(), dst.hi(), dst.lo(), pktSrc.hi(),
                    pktSrc.lo(), pktDst.hi(), pktDst.lo(), srcPort, dstPort, protocol, tcpFlags, bytes, timeNanos,
                    sequence);
        }

        /**
         * The worker a pipeline would steer this packet to: a hash of the packet's 5-tuple that is the same for
         * both directions, and the same for the ENIs at either end.
         */
        int workerOf(int workers) {
            long a = pktSrc.hi() * 31 + pktSrc.lo();
            long b = pktDst.hi() * 31 + pktDst.lo();
            long h = (Math.min(a, b) * 0x9E3779B97F4A7C15L) ^ (Math.max(a, b) * 0xC2B2AE3D27D4EB4FL)
                    ^ ((long) Math.min(srcPort, dstPort) << 40) ^ ((long) Math.max(srcPort, dstPort) << 20) ^ protocol;
            h ^= h >>> 31;
            return (int) Math.floorMod(h, (long) workers);
        }
    }

    /** One step of a stream: an observation, or a bare clock advance (observation null). */
    record Step(Obs obs, long advanceNanos) {
        long time() {
            return obs == null ? advanceNanos : obs.timeNanos();
        }
    }

    /** A stream of {@code n} steps; with {@code late}, some go back in time a little. */
    static List<Step> stream(SplittableRandom rnd, int n, boolean late) {
        List<Step> steps = new ArrayList<>(n);
        long t = (T0 + rnd.nextInt(600)) * NANOS + rnd.nextLong(NANOS);
        long sequence = rnd.nextInt(1000);
        for (int i = 0; i < n; i++) {
            int gap = rnd.nextInt(100);
            if (gap < 60) {
                t += rnd.nextLong(2 * NANOS);
            } else if (gap < 90) {
                t += rnd.nextLong(90 * NANOS);
            } else if (gap < 94 || !late) {
                t += rnd.nextLong(2000 * NANOS);
            } else {
                t -= rnd.nextLong(5 * NANOS); // out of order
            }
            if (rnd.nextInt(20) == 0) {
                steps.add(new Step(null, t));
                continue;
            }
            sequence += 1 + rnd.nextInt(3); // a global frame number: increasing, not necessarily dense
            boolean v6 = rnd.nextInt(4) == 0;
            IpAddress[] pool = v6 ? V6 : V4;
            IpAddress pktSrc = pool[rnd.nextInt(pool.length)];
            IpAddress pktDst = pool[rnd.nextInt(pool.length)];
            // the logged address differs from the packet's now and then (a secondary shown as the primary)
            IpAddress src = rnd.nextInt(6) == 0 ? pool[rnd.nextInt(pool.length)] : pktSrc;
            IpAddress dst = rnd.nextInt(6) == 0 ? pool[rnd.nextInt(pool.length)] : pktDst;
            int protocol = PROTOCOLS[rnd.nextInt(PROTOCOLS.length)];
            boolean ports = protocol == 6 || protocol == 17;
            int sport = ports ? PORTS[rnd.nextInt(PORTS.length)] : 0;
            int dport = ports ? PORTS[rnd.nextInt(PORTS.length)] : 0;
            int flags = protocol != 6 ? 0 : rnd.nextBoolean() ? TCP_FLAG_MIXES[rnd.nextInt(TCP_FLAG_MIXES.length)]
                    : rnd.nextInt(256);
            steps.add(new Step(new Obs(rnd.nextInt(ENIS.length), rnd.nextBoolean(), rnd.nextInt(4) != 0, src, dst,
                    pktSrc, pktDst, sport, dport, protocol, flags, 20 + rnd.nextInt(1481), t, sequence), 0));
        }
        return steps;
    }

    static int[] allEniNumbers() {
        int[] n = new int[ENIS.length];
        for (int i = 0; i < n.length; i++) {
            n[i] = i;
        }
        return n;
    }

    /** The reference's output for the stream. */
    static CollectingFlowLogSink reference(List<Step> steps, int interval, int capacity, boolean noData) {
        CollectingFlowLogSink sink = new CollectingFlowLogSink();
        FlowLogAggregator agg = FlowLogAggregator.builder(sink).intervalSeconds(interval)
                .maxRecordsPerInterval(capacity).trafficPaths(TRAFFIC_PATHS).awsServices(AWS_SERVICES)
                .noDataFor(noData ? List.of(ENIS) : List.of()).build();
        for (Step s : steps) {
            if (s.obs() == null) {
                agg.advanceTo(s.advanceNanos());
            } else {
                agg.observe(s.obs().reference());
            }
        }
        agg.finish();
        return sink;
    }

    /** A writer for the streams' ENIs and resolvers. */
    static FlowLogWriterAgent writer(RingBuffer ring, int workers, FlowLogSink sink, int interval, boolean noData) {
        return FlowLogWriterAgent.builder(ring, workers, sink).intervalSeconds(interval).enis(ENI_LOOKUP)
                .trafficPaths(TRAFFIC_PATHS).awsServices(AWS_SERVICES)
                .noDataFor(noData ? allEniNumbers() : new int[0]).build();
    }

    /** The fast path's workers on one ring. */
    static FastFlowLogAggregator[] workers(RingBuffer ring, int workers, int interval, int capacityPerWorker) {
        FastFlowLogAggregator[] w = new FastFlowLogAggregator[workers];
        for (int i = 0; i < workers; i++) {
            // a small start so that the tables grow under test
            w[i] = FastFlowLogAggregator.builder(ring, i).intervalSeconds(interval)
                    .maxRecordsPerInterval(capacityPerWorker).expectedFlows(4).build();
        }
        return w;
    }

    /**
     * Feeds the stream on one thread: each observation to the worker its 5-tuple steers it to, every time to
     * every worker (the pipeline's shared capture clock); the writer works now and then ({@code drainOneIn}; 0
     * never while feeding).
     */
    static void feed(List<Step> steps, FastFlowLogAggregator[] workers, FlowLogWriterAgent writer,
                     SplittableRandom rnd, int drainOneIn) {
        for (Step s : steps) {
            for (FastFlowLogAggregator w : workers) {
                w.advanceTo(s.time());
            }
            if (s.obs() != null) {
                s.obs().feed(workers[s.obs().workerOf(workers.length)]);
            }
            if (drainOneIn > 0 && rnd.nextInt(drainOneIn) == 0) {
                writer.doWork();
            }
        }
    }

    /** Finishes every worker and drains the writer until it is done (bounded). */
    static void finishAll(FastFlowLogAggregator[] workers, FlowLogWriterAgent writer) {
        for (int round = 0; round < 1_000_000; round++) {
            boolean all = true;
            for (FastFlowLogAggregator w : workers) {
                all &= w.finish();
            }
            writer.doWork();
            if (all && writer.isDone()) {
                return;
            }
        }
        throw new AssertionError("the writer did not finish");
    }

    /** Each record of the sink with the end of the interval it was given in. */
    record Placed(long intervalEnd, FlowLogRecord record) {
    }

    static List<Placed> placed(CollectingFlowLogSink sink) {
        List<Placed> out = new ArrayList<>();
        for (int i = 0; i < sink.records.size(); i++) {
            out.add(new Placed(sink.intervalEnds.get(sink.closedBefore.get(i)), sink.records.get(i)));
        }
        return out;
    }

    static long observations(List<Step> steps) {
        return steps.stream().filter(s -> s.obs() != null).count();
    }
}
