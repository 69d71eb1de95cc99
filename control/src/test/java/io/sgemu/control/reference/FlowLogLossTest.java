package io.sgemu.control.reference;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.control.model.World;
import io.sgemu.control.replay.FastReplayer;
import io.sgemu.control.replay.ReplayProgress;
import io.sgemu.control.replay.Replayer;
import io.sgemu.dataplane.capture.PcapWriter;
import io.sgemu.dataplane.flowlog.FlowLogAggregator;
import io.sgemu.dataplane.flowlog.FlowLogRecord;
import io.sgemu.dataplane.flowlog.FlowLogSink;
import io.sgemu.dataplane.packet.LinkType;
import io.sgemu.dataplane.packet.PacketBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SEMANTICS.md section 6, "never lose records silently": flow-log records lost to a stalled sink (the fast
 * engine's hand-off ring fills while the sink blocks) or to the per-interval capacity
 * ({@code --flow-log-max-records}) appear as SKIPDATA records of their ENI, and the summary counts them:
 * the packets in OK records plus the packets counted lost are the packets the reference logs, and every
 * frame is still accounted for.
 */
class FlowLogLossTest extends EvaluatorTestSupport {

    private static final int FLOWS_PER_INTERVAL = 3_000;

    @TempDir
    Path dir;

    static LongStream seeds() {
        return LongStream.range(0, 3).map(i -> 0x10575L + i * 977);
    }

    /** Collects records; with a gate, blocks in its first accept until the gate opens (a stalled file or stream). */
    private static final class Sink implements FlowLogSink {
        final List<FlowLogRecord> records = new CopyOnWriteArrayList<>();
        final CountDownLatch gate;

        Sink(CountDownLatch gate) {
            this.gate = gate;
        }

        @Override
        public void accept(FlowLogRecord r) {
            if (gate != null) {
                try {
                    if (!gate.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the gate never opened");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            records.add(r);
        }

        long okPackets() {
            return records.stream().filter(r -> r.logStatus() == FlowLogRecord.LogStatus.OK).mapToLong(FlowLogRecord::packets).sum();
        }

        long skipData(String eni) {
            return records.stream().filter(r -> r.logStatus() == FlowLogRecord.LogStatus.SKIPDATA)
                    .filter(r -> r.eni().interfaceId().equals(eni)).count();
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void aStalledSinkLosesRecordsOnlyAsCountedSkipData(long seed) throws IOException {
        World world = t.build();
        Path pcap = capture(new SplittableRandom(seed));
        Sink reference = new Sink(null);
        Replayer.ReplayResult ref = new Replayer(world, List.of(), EvaluatorSettings.DEFAULT,
                new FlowLogAggregator(60, reference), null).run(pcap);
        assertThat(ref.flowLogs.skipDataRecords()).as("seed %d: the reference loses nothing", seed).isZero();
        long logged = reference.okPackets();
        assertThat(logged).as("seed %d: packets logged", seed).isEqualTo(ref.account.total().frames());

        for (int workers : new int[] {1, 3}) {
            String what = "seed " + seed + ", " + workers + " worker(s)";
            CountDownLatch gate = new CountDownLatch(1);
            Sink stalled = new Sink(gate);
            // The sink blocks until every frame has been read and judged: the ring (64 KiB) fills meanwhile.
            ReplayProgress opensAtTheEnd = new ReplayProgress() {
                @Override
                public void update(long frames, double fraction) {
                }

                @Override
                public void done(long frames) {
                    gate.countDown();
                }
            };
            Replayer.ReplayResult r = new FastReplayer(world, List.of(), EvaluatorSettings.DEFAULT, workers, stalled, 60,
                    null, 1 << 14).flowLogRingBytes(1 << 16).progress(opensAtTheEnd).run(pcap);
            assertThat(r.accountingProblems).as(what + ": accounting").isEmpty();
            assertThat(r.account.total().frames()).as(what + ": frames").isEqualTo(ref.account.total().frames());
            assertThat(r.flowLogs.ringLostRecords()).as(what + ": records lost to the stalled sink").isPositive();
            assertThat(r.flowLogs.skipDataRecords()).as(what + ": SKIPDATA records counted").isPositive()
                    .isEqualTo(stalled.records.stream().filter(x -> x.logStatus() == FlowLogRecord.LogStatus.SKIPDATA).count());
            assertThat(stalled.skipData("eni-a")).as(what + ": eni-a's losses shown").isPositive();
            assertThat(stalled.okPackets() + r.flowLogs.lostPackets()).as(what + ": logged + counted lost = all packets")
                    .isEqualTo(logged);
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void flowsBeyondTheIntervalCapacityAreCountedSkipData(long seed) throws IOException {
        World world = t.build();
        Path pcap = capture(new SplittableRandom(seed));
        int capacity = 1_000;
        Sink reference = new Sink(null);
        Replayer.ReplayResult ref = new Replayer(world, List.of(), EvaluatorSettings.DEFAULT,
                FlowLogAggregator.builder(reference).intervalSeconds(60).maxRecordsPerInterval(capacity).build(), null).run(pcap);
        long packets = ref.account.total().frames();
        assertThat(ref.flowLogs.lostObservations()).as("seed %d: reference, lost beyond the capacity", seed).isPositive();
        assertThat(reference.okPackets() + ref.flowLogs.lostPackets()).as("seed %d: reference, all packets", seed).isEqualTo(packets);
        assertThat(reference.skipData("eni-a")).as("seed %d: reference SKIPDATA", seed).isPositive();
        for (int workers : new int[] {1, 3}) {
            String what = "seed " + seed + ", " + workers + " worker(s)";
            Sink sink = new Sink(null);
            Replayer.ReplayResult r = new FastReplayer(world, List.of(), EvaluatorSettings.DEFAULT, workers, sink, 60,
                    null, 1 << 14).flowLogMaxRecords(capacity).run(pcap);
            assertThat(r.flowLogs.lostObservations()).as(what + ": lost beyond the capacity").isPositive();
            assertThat(sink.records.stream().filter(x -> x.logStatus() == FlowLogRecord.LogStatus.OK).count())
                    .as(what + ": OK records per interval within the capacity").isLessThanOrEqualTo(3L * capacity);
            assertThat(sink.okPackets() + r.flowLogs.lostPackets()).as(what + ": logged + counted lost = all packets")
                    .isEqualTo(packets);
            assertThat(sink.skipData("eni-a")).as(what + ": SKIPDATA").isPositive();
        }
    }

    /** New flows to eni-a:22 from random hosts and ports in two intervals, and one packet in a third. */
    private Path capture(SplittableRandom r) throws IOException {
        Path pcap = dir.resolve("flows.pcap");
        try (PcapWriter w = PcapWriter.create(pcap, LinkType.ETHERNET, PcapWriter.Precision.NANOSECONDS)) {
            for (int interval = 1; interval <= 2; interval++) {
                for (int i = 0; i < FLOWS_PER_INTERVAL; i++) {
                    String src = "203.0.113." + (1 + r.nextInt(254));
                    w.write(s(interval * 60 + 1 + i * 0.001), PacketBuilder.ip(src, A)
                            .tcp(1024 + r.nextInt(60_000), 22, PacketBuilder.SYN, 0).ethernet().build());
                }
            }
            w.write(s(190), PacketBuilder.ip(EXT, A).tcp(40000, 22, PacketBuilder.SYN, 0).ethernet().build());
        }
        return pcap;
    }
}
