package io.sgemu.control.api;

import io.sgemu.dataplane.conntrack.ConnTrackTable;
import io.sgemu.dataplane.conntrack.ConnTrackWorker;
import io.sgemu.dataplane.flowlog.FlowLogFormat;
import io.sgemu.dataplane.flowlog.FlowLogStreamServer;
import io.sgemu.dataplane.pipeline.StageCounters;
import io.sgemu.dataplane.pipeline.StageCountersAccess;
import io.sgemu.dataplane.pipeline.Verdicts;
import io.sgemu.dataplane.policy.Policy;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class PipelineMetricsTest {

    /** A policy that knows only its ENIs' ids (what the metrics ask); ENI 1 was removed (no id). */
    static Policy policy(String... ids) {
        return (Policy) Proxy.newProxyInstance(Policy.class.getClassLoader(), new Class<?>[] {Policy.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "eniCount" -> ids.length;
                    case "eniId" -> ids[(Integer) args[0]];
                    case "toString" -> "test policy";
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 7, 99, 20261127})
    void perEniStageCountersSumOverWorkers_namedByThePolicy(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        String[] ids = {"eni-0aaa", null, "eni-2ccc", "eni-3\"odd\\id"};
        StageCounters w0 = new StageCounters(ids.length);
        StageCounters w1 = new StageCounters(ids.length);
        long[][][] expected = new long[ids.length][Verdicts.STAGE_COUNT][4];
        long[] allowance = new long[ids.length];
        long[] tableFull = new long[ids.length];
        for (int i = 0; i < 2000; i++) {
            StageCounters w = r.nextBoolean() ? w0 : w1;
            int eni = r.nextInt(ids.length);
            int stage = r.nextInt(Verdicts.STAGE_COUNT);
            boolean accepted = r.nextBoolean();
            int bytes = 40 + r.nextInt(1460);
            StageCountersAccess.stage(w, eni, stage, accepted, bytes);
            expected[eni][stage][accepted ? 0 : 2]++;
            expected[eni][stage][accepted ? 1 : 3] += bytes;
            if (r.nextInt(10) == 0) {
                StageCountersAccess.allowanceExceeded(w, eni);
                allowance[eni]++;
            }
            if (r.nextInt(20) == 0) {
                StageCountersAccess.tableFull(w, eni);
                tableFull[eni]++;
            }
        }
        ConnTrackTable table = new ConnTrackTable(1024, 0, 16);
        ConnTrackWorker ct = table.newWorker();
        long[] tracked = new long[ids.length];
        for (int i = 0; i < 100; i++) {
            int eni = r.nextInt(ids.length);
            if (ct.insert(eni, 17, 4, 0, 0x0A000001L + i, 1000 + i, 0, 0x0A000002L, 53, -1, 1_000_000_000L) >= 0) {
                tracked[eni]++;
            }
        }

        Policy p = policy(ids);
        Exposition e = Exposition.parse(MetricsWriter.render(new PipelineMetrics(() -> p, List.of(w0, w1), table)));
        for (int eni = 0; eni < ids.length; eni++) {
            String id = ids[eni];
            if (id == null) {
                continue; // a removed ENI: counted below, among the series that must not exist
            }
            for (int s = 0; s < Verdicts.STAGE_COUNT; s++) {
                String labels = "{eni=\"" + id + "\",stage=\"" + Verdicts.STAGES[s] + "\",verdict=";
                assertThat(e.value(PipelineMetrics.STAGE_PACKETS + labels + "\"accept\"}")).as("seed %d", seed)
                        .isEqualTo((double) expected[eni][s][0]);
                assertThat(e.value(PipelineMetrics.STAGE_BYTES + labels + "\"accept\"}")).as("seed %d", seed)
                        .isEqualTo((double) expected[eni][s][1]);
                assertThat(e.value(PipelineMetrics.STAGE_PACKETS + labels + "\"reject\"}")).as("seed %d", seed)
                        .isEqualTo((double) expected[eni][s][2]);
                assertThat(e.value(PipelineMetrics.STAGE_BYTES + labels + "\"reject\"}")).as("seed %d", seed)
                        .isEqualTo((double) expected[eni][s][3]);
            }
            String eniLabel = "{eni=\"" + id + "\"}";
            assertThat(e.value(PipelineMetrics.ALLOWANCE_EXCEEDED + eniLabel)).as("seed %d", seed).isEqualTo((double) allowance[eni]);
            assertThat(e.value(PipelineMetrics.TABLE_FULL + eniLabel)).as("seed %d", seed).isEqualTo((double) tableFull[eni]);
            assertThat(e.value(PipelineMetrics.CONNTRACK_ENTRIES + eniLabel)).as("seed %d", seed).isEqualTo((double) tracked[eni]);
        }
        long enisWithId = 3;
        assertThat(e.samples.keySet().stream().filter(k -> k.startsWith(PipelineMetrics.STAGE_PACKETS)).count())
                .as("seed %d: one series per named ENI, stage and verdict", seed)
                .isEqualTo(enisWithId * Verdicts.STAGE_COUNT * 2);
        assertThat(e.value(PipelineMetrics.CONNTRACK_TABLE_ENTRIES + "{}")).isEqualTo((double) table.size());
        assertThat(e.value(PipelineMetrics.CONNTRACK_TABLE_CAPACITY + "{}")).isEqualTo((double) table.capacity());
        assertThat(e.types.get(PipelineMetrics.STAGE_PACKETS)).isEqualTo("counter");
        assertThat(e.types.get(PipelineMetrics.CONNTRACK_ENTRIES)).isEqualTo("gauge");
    }

    @Test
    void enisBeyondTheTablesCountersHaveNoEntries() {
        ConnTrackTable table = new ConnTrackTable(1024, 0, 2);
        ConnTrackWorker ct = table.newWorker();
        assertThat(ct.insert(1, 17, 4, 0, 0x0A000001L, 1000, 0, 0x0A000002L, 53, -1, 1_000_000_000L)).isNotNegative();
        Policy p = policy("eni-a", "eni-b", "eni-c", "eni-d");
        Exposition e = Exposition.parse(MetricsWriter.render(
                new PipelineMetrics(() -> p, List.of(new StageCounters(1)), table)));
        assertThat(e.value(PipelineMetrics.CONNTRACK_ENTRIES + "{eni=\"eni-b\"}")).isEqualTo(1.0);
        assertThat(e.value(PipelineMetrics.CONNTRACK_ENTRIES + "{eni=\"eni-d\"}")).isZero();
        assertThat(e.value(PipelineMetrics.STAGE_PACKETS + "{eni=\"eni-d\",stage=\"sg-egress\",verdict=\"accept\"}")).isZero();
    }

    @Test
    void theLiveCoresOwnFamilies_dropsQueueDepthsLatency() {
        Histogram h = new Histogram(3_600_000_000_000L, 3);
        for (int i = 1; i <= 100; i++) {
            h.recordValue(i * 10_000L); // 10 µs .. 1 ms
        }
        String text = MetricsWriter.render(w -> {
            PipelineMetrics.drops(w, Verdicts.REASONS, new long[] {1, 2, 3, 4, 5, 6});
            PipelineMetrics.queueDepths(w, new long[] {7, 0});
            PipelineMetrics.latency(w, h);
        });
        Exposition e = Exposition.parse(text);
        assertThat(e.value(PipelineMetrics.DROPS + "{reason=\"malformed\"}")).isEqualTo(3.0);
        assertThat(e.value(PipelineMetrics.DROPS + "{reason=\"fragment-without-first\"}")).isEqualTo(6.0);
        assertThat(e.value(PipelineMetrics.QUEUE_DEPTH + "{worker=\"0\"}")).isEqualTo(7.0);
        assertThat(e.value(PipelineMetrics.QUEUE_DEPTH + "{worker=\"1\"}")).isEqualTo(0.0);
        assertThat(e.types.get(PipelineMetrics.LATENCY)).isEqualTo("summary");
        assertThat(e.value(PipelineMetrics.LATENCY + "{quantile=\"0.99\"}")).isBetween(0.98e-3, 1.0e-3);
        assertThat(e.value(PipelineMetrics.LATENCY + "_count{}")).isEqualTo(100.0);
    }

    @Test
    void flowLogStreamFamilies() throws Exception {
        try (FlowLogStreamServer stream = FlowLogStreamServer.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), FlowLogFormat.DEFAULT)) {
            assertThat(Exposition.parse(MetricsWriter.render(w -> PipelineMetrics.flowLogStream(w, stream)))
                    .value(PipelineMetrics.STREAM_CLIENTS + "{}")).isZero();
            try (java.net.Socket client = new java.net.Socket(InetAddress.getLoopbackAddress(), stream.port())) {
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (stream.clientCount() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(2);
                }
                assertThat(client.isConnected()).isTrue();
                assertThat(Exposition.parse(MetricsWriter.render(w -> PipelineMetrics.flowLogStream(w, stream)))
                        .value(PipelineMetrics.STREAM_CLIENTS + "{}")).isEqualTo(1.0);
            }
            Exposition e = Exposition.parse(MetricsWriter.render(w -> PipelineMetrics.flowLogStream(w, stream)));
            assertThat(e.value(PipelineMetrics.STREAM_LOST + "{}")).isZero();
            assertThat(e.types.get(PipelineMetrics.STREAM_LOST)).isEqualTo("counter");
        }
    }
}
