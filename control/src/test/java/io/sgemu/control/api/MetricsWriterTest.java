package io.sgemu.control.api;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class MetricsWriterTest {

    @Test
    void familiesHaveHelpAndTypeBeforeTheirSamples_countersEndInTotal() {
        String text = MetricsWriter.render(w -> {
            w.counter("sgemu_packets_total", "Packets.\nAll of them, C:\\ too.");
            w.sample(3L, "eni", "eni-1");
            w.sample(5L, "eni", "eni-2");
            w.gauge("sgemu_depth", "Depth.");
            w.sample(2.5);
        });
        assertThat(text).isEqualTo("""
                # HELP sgemu_packets_total Packets.\\nAll of them, C:\\\\ too.
                # TYPE sgemu_packets_total counter
                sgemu_packets_total{eni="eni-1"} 3
                sgemu_packets_total{eni="eni-2"} 5
                # HELP sgemu_depth Depth.
                # TYPE sgemu_depth gauge
                sgemu_depth 2.5
                """);
        Exposition e = Exposition.parse(text);
        assertThat(e.help.get("sgemu_packets_total")).isEqualTo("Packets.\nAll of them, C:\\ too.");
        assertThat(e.value("sgemu_packets_total{eni=\"eni-2\"}")).isEqualTo(5.0);
    }

    @Test
    void labelValuesAreEscaped_backslashQuoteLineFeed() {
        String text = MetricsWriter.render(w -> {
            w.gauge("g", "h");
            w.sample(1L, "path", "a\\b\"c\nd");
        });
        assertThat(text).contains("g{path=\"a\\\\b\\\"c\\nd\"} 1\n");
        assertThat(Exposition.parse(text).labelSets.get(0).get("path")).isEqualTo("a\\b\"c\nd");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 20261127})
    void anyLabelValueSurvivesTheRoundTrip(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        String alphabet = "ab\\\"\n \t{}=,éß€#";
        List<String> values = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            StringBuilder sb = new StringBuilder();
            int len = r.nextInt(12);
            for (int k = 0; k < len; k++) {
                sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            sb.append(i); // distinct series
            values.add(sb.toString());
        }
        String text = MetricsWriter.render(w -> {
            w.counter("x_total", "help with \\ and \n");
            for (int i = 0; i < values.size(); i++) {
                w.sample((long) i, "v", values.get(i), "k", "const");
            }
        });
        Exposition e = Exposition.parse(text);
        assertThat(e.labelSets).as("seed %d", seed).hasSize(values.size());
        for (int i = 0; i < values.size(); i++) {
            assertThat(e.labelSets.get(i).get("v")).as("seed %d, value %d", seed, i).isEqualTo(values.get(i));
        }
    }

    @Test
    void summaryFromAHistogram_quantilesSumAndCount() {
        Histogram h = new Histogram(3_600_000_000_000L, 3);
        for (long v = 1; v <= 1000; v++) {
            h.recordValue(v * 1000); // 1 .. 1000 microseconds, in nanoseconds
        }
        String text = MetricsWriter.render(w -> {
            w.summary("lat_seconds", "Latency.");
            w.summary(h, 1e-9, "path", "udp");
        });
        Exposition e = Exposition.parse(text);
        assertThat(e.types.get("lat_seconds")).isEqualTo("summary");
        assertThat(e.value("lat_seconds{path=\"udp\",quantile=\"0.5\"}")).isCloseTo(500e-6, within(1e-6));
        assertThat(e.value("lat_seconds{path=\"udp\",quantile=\"0.9\"}")).isCloseTo(900e-6, within(1e-6));
        assertThat(e.value("lat_seconds{path=\"udp\",quantile=\"0.99\"}")).isCloseTo(990e-6, within(1e-6));
        assertThat(e.value("lat_seconds{path=\"udp\",quantile=\"0.999\"}")).isCloseTo(999e-6, within(1e-6));
        assertThat(e.value("lat_seconds_count{path=\"udp\"}")).isEqualTo(1000.0);
        assertThat(e.value("lat_seconds_sum{path=\"udp\"}")).isCloseTo(500.5e-3, within(1e-3));
    }

    @Test
    void emptySummaryHasNaNQuantilesAndZeroCount() {
        Exposition e = Exposition.parse(MetricsWriter.render(w -> {
            w.summary("lat_seconds", "Latency.");
            w.summary(new Histogram(3), 1e-9);
        }));
        assertThat(e.value("lat_seconds{quantile=\"0.5\"}")).isNaN();
        assertThat(e.value("lat_seconds_count{}")).isZero();
    }

    @Test
    void mistakesOfASourceAreRefused() {
        assertThatThrownBy(() -> MetricsWriter.render(w -> w.counter("packets", "h")))
                .hasMessageContaining("_total");
        assertThatThrownBy(() -> MetricsWriter.render(w -> w.gauge("1bad", "h"))).hasMessageContaining("metric name");
        assertThatThrownBy(() -> MetricsWriter.render(w -> w.sample(1L))).hasMessageContaining("before any metric family");
        assertThatThrownBy(() -> MetricsWriter.render(w -> {
            w.gauge("g", "h");
            w.gauge("g", "h");
        })).hasMessageContaining("declared twice");
        assertThatThrownBy(() -> MetricsWriter.render(w -> {
            w.gauge("g", "h");
            w.sample(1L, "a", "x");
            w.sample(2L, "a", "x");
        })).hasMessageContaining("twice");
        assertThatThrownBy(() -> MetricsWriter.render(w -> {
            w.gauge("g", "h");
            w.sample(1L, "bad-label", "x");
        })).hasMessageContaining("label name");
        assertThatThrownBy(() -> MetricsWriter.render(w -> {
            w.gauge("g", "h");
            w.sample(1L, "__reserved", "x");
        })).hasMessageContaining("label name");
        assertThatThrownBy(() -> MetricsWriter.render(w -> {
            w.gauge("g", "h");
            w.sample(1L, "a");
        })).hasMessageContaining("pairs");
        assertThatThrownBy(() -> MetricsWriter.render(w -> {
            w.gauge("g", "h");
            w.summary(new Histogram(3), 1.0);
        })).hasMessageContaining("summary");
    }

    @Test
    void specialValuesAreSpelledAsTheFormatWants() {
        String text = MetricsWriter.render(w -> {
            w.gauge("g", "h");
            w.sample(Double.NaN, "k", "nan");
            w.sample(Double.POSITIVE_INFINITY, "k", "inf");
            w.sample(Double.NEGATIVE_INFINITY, "k", "ninf");
            w.sample(3.0, "k", "int");
            w.sample(1.5e-7, "k", "small");
        });
        assertThat(text).contains("g{k=\"nan\"} NaN\n", "g{k=\"inf\"} +Inf\n", "g{k=\"ninf\"} -Inf\n",
                "g{k=\"int\"} 3\n");
        assertThat(Exposition.parse(text).value("g{k=\"small\"}")).isEqualTo(1.5e-7);
    }

    @Test
    void composedSourcesWriteOneAfterTheOther() {
        MetricsSource a = w -> w.gauge("a", "A").sample(1L);
        MetricsSource b = w -> w.gauge("b", "B").sample(2L);
        Exposition e = Exposition.parse(MetricsWriter.render(MetricsSource.of(a, b)));
        assertThat(e.types.keySet()).containsExactly("a", "b");
    }
}
