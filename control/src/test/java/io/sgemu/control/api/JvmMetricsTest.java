package io.sgemu.control.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The process's memory gauges and the windowed latency gauges the soak run reads. */
class JvmMetricsTest {

    private static final String STATUS = """
            Name:	java
            Umask:	0022
            State:	S (sleeping)
            VmPeak:	 5123456 kB
            VmSize:	 5023456 kB
            VmHWM:	  402112 kB
            VmRSS:	  398848 kB
            RssAnon:	  350000 kB
            Threads:	42
            """;

    @Test
    void vmRssIsReadFromAStatusText_inBytes() {
        assertThat(JvmMetrics.parseVmRssBytes(STATUS)).isEqualTo(398_848L * 1024);
        assertThat(JvmMetrics.parseVmRssBytes("VmRSS:\t12 kB")).isEqualTo(12L * 1024);
    }

    @Test
    void aStatusWithoutVmRss_orInAnotherUnit_isAnError() {
        assertThatThrownBy(() -> JvmMetrics.parseVmRssBytes("Name:\tjava\nVmSize:\t10 kB\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no VmRSS");
        assertThatThrownBy(() -> JvmMetrics.parseVmRssBytes("VmRSS:\t10 MB\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kB");
    }

    @Test
    void theGaugesAreWellFormed_andTheirValuesPositive() {
        byte[][] garbage = new byte[64][];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = new byte[64 * 1024]; // some heap in use
        }
        System.gc(); // a collection, so that the heap after it is known
        Exposition e = Exposition.parse(MetricsWriter.render(new JvmMetrics()));
        assertThat(e.value("jvm_memory_used_bytes{area=\"heap\"}")).as("heap used").isGreaterThan(garbage.length * 64 * 1024);
        assertThat(e.value("jvm_memory_used_bytes{area=\"nonheap\"}")).as("non-heap used").isPositive();
        assertThat(e.value("jvm_memory_heap_used_after_gc_bytes{}")).as("heap after GC").isPositive();
        assertThat(e.types).containsEntry(JvmMetrics.GC_SECONDS, "counter").containsEntry(JvmMetrics.BUFFER_POOL_USED, "gauge");
        assertThat(e.samples.keySet()).anyMatch(k -> k.startsWith("jvm_gc_collections_total{gc="));
        double collections = e.samples.entrySet().stream().filter(s -> s.getKey().startsWith("jvm_gc_collections_total"))
                .mapToDouble(s -> s.getValue()).sum();
        assertThat(collections).as("System.gc() was counted").isPositive();
        assertThat(e.samples).containsKey("jvm_buffer_pool_used_bytes{pool=\"direct\"}");
        if (Files.isReadable(Path.of("/proc/self/status"))) {
            double rss = e.value("process_resident_memory_bytes{}");
            assertThat(rss).as("RSS").isGreaterThan(e.value("jvm_memory_heap_used_after_gc_bytes{}") / 2);
        }
        assertThat(garbage[garbage.length - 1]).hasSize(64 * 1024);
    }

    @ParameterizedTest
    @ValueSource(longs = {3, 17, 20261127})
    void theLatencyWindowHoldsThePacketsSinceThePreviousScrape(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Histogram cumulative = new Histogram(1, 60_000_000_000L, 2);
        LatencyWindow window = new LatencyWindow(cumulative::copy);
        // first scrape: everything so far is the window
        int first = 1 + r.nextInt(1000);
        for (int i = 0; i < first; i++) {
            cumulative.recordValue(1_000 + r.nextInt(1_000)); // 1-2 us
        }
        Exposition a = Exposition.parse(MetricsWriter.render(window));
        assertThat(a.value("sgemu_ingest_latency_window_count{}")).as("seed " + seed).isEqualTo(first);
        // second window: slower packets only; the cumulative summary would still mix in the fast ones
        int second = 1 + r.nextInt(1000);
        for (int i = 0; i < second; i++) {
            cumulative.recordValue(1_000_000 + r.nextInt(1_000_000)); // 1-2 ms
        }
        Exposition b = Exposition.parse(MetricsWriter.render(window));
        assertThat(b.value("sgemu_ingest_latency_window_count{}")).as("seed " + seed).isEqualTo(second);
        assertThat(b.value("sgemu_ingest_latency_window_seconds{quantile=\"0.5\"}")).as("seed " + seed)
                .isBetween(0.99e-3, 2.02e-3);
        assertThat(a.value("sgemu_ingest_latency_window_seconds{quantile=\"0.999\"}")).as("seed " + seed)
                .isBetween(0.99e-6, 2.02e-6);
        // an empty window: no packet, no quantile
        Exposition c = Exposition.parse(MetricsWriter.render(window));
        assertThat(c.value("sgemu_ingest_latency_window_count{}")).as("seed " + seed).isZero();
        assertThat(c.value("sgemu_ingest_latency_window_seconds{quantile=\"0.99\"}")).as("seed " + seed).isNaN();
    }
}
