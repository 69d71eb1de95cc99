package io.sgemu.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ScaleTest {

    @Test
    void logAxisPutsEachDecadeAnEqualDistanceApart() {
        Scale s = Scale.log(1, 1_000_000).mapTo(100, 700);
        assertThat(s.toPixel(1)).isCloseTo(100, offset(1e-9));
        assertThat(s.toPixel(10)).isCloseTo(200, offset(1e-9));
        assertThat(s.toPixel(1000)).isCloseTo(400, offset(1e-9));
        assertThat(s.toPixel(1_000_000)).isCloseTo(700, offset(1e-9));
        // Between decades the log: 2 is log10(2) of a decade in.
        assertThat(s.toPixel(2)).isCloseTo(100 + 100 * Math.log10(2), offset(1e-9));
    }

    @Test
    void logAxisLabelsItsDecadesOneTenHundredKM() {
        Scale s = Scale.log(3, 700_000);
        List<String> labels = s.ticks().stream().filter(t -> !t.label().isEmpty()).map(Scale.Tick::label).toList();
        assertThat(labels).containsExactly("1", "10", "100", "1k", "10k", "100k", "1M");
        assertThat(s.min()).isEqualTo(1);
        assertThat(s.max()).isEqualTo(1_000_000);
        assertThat(s.ticks().stream().filter(t -> !t.major()).count()).as("2..9 of each of six decades").isEqualTo(48);
    }

    @Test
    void aLogAxisOfOneDecadeLabelsTwoAndFive() {
        Scale s = Scale.log(12, 80);
        List<String> labels = s.ticks().stream().filter(t -> !t.label().isEmpty()).map(Scale.Tick::label).toList();
        assertThat(labels).containsExactly("10", "20", "50", "100");
    }

    @Test
    void yAxisRunsUpwards() {
        Scale s = Scale.log(1, 100).mapTo(500, 100); // pixel 500 at the bottom
        assertThat(s.toPixel(1)).isCloseTo(500, offset(1e-9));
        assertThat(s.toPixel(10)).isCloseTo(300, offset(1e-9));
        assertThat(s.toPixel(100)).isCloseTo(100, offset(1e-9));
    }

    @Test
    void percentileAxisLabelsTheNines() {
        Scale s = Scale.percentile(20_000).mapTo(0, 500);
        List<String> labels = s.ticks().stream().filter(t -> !t.label().isEmpty()).map(Scale.Tick::label).toList();
        assertThat(labels).containsExactly("50%", "90%", "99%", "99.9%", "99.99%", "99.999%");
        // x = 1/(1-p): 90% is one decade in, 99.99% four, out of five.
        assertThat(s.toPixel(1 / (1 - 0.9))).isCloseTo(100, offset(1e-6));
        assertThat(s.toPixel(1 / (1 - 0.9999))).isCloseTo(400, offset(1e-6));
        assertThat(s.toPixel(2)).isCloseTo(100 * Math.log10(2), offset(1e-9));
    }

    @Test
    void linearAxisHasNiceTicksCoveringTheData() {
        Scale s = Scale.linear(820_000, 3_280_000);
        List<String> labels = s.ticks().stream().map(Scale.Tick::label).toList();
        assertThat(labels).containsExactly("0", "1M", "2M", "3M", "4M");
        assertThat(Scale.linear(0.1, 0.7).ticks().stream().map(Scale.Tick::label).toList())
                .containsExactly("0", "0.2", "0.4", "0.6", "0.8");
        assertThat(Scale.linear(1_000_000, 1_001_000).ticks().stream().map(Scale.Tick::label).toList())
                .as("labels keep the digits that tell ticks apart")
                .containsExactly("1,000,000", "1,000,200", "1,000,400", "1,000,600", "1,000,800", "1,001,000");
        Scale m = s.mapTo(50, 450);
        assertThat(m.toPixel(2_000_000)).isCloseTo(250, offset(1e-9));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void linearTicksAreEvenlySpacedStepsOfOneTwoOrFiveAndEncloseTheData(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 200; i++) {
            double a = (random.nextDouble() - 0.3) * Math.pow(10, random.nextInt(-3, 9));
            double b = a + random.nextDouble() * Math.pow(10, random.nextInt(-3, 9));
            Scale s = Scale.linear(a, b);
            List<Scale.Tick> ticks = s.ticks();
            String why = "seed " + seed + ", data [" + a + ", " + b + "]";
            assertThat(s.min()).as(why).isLessThanOrEqualTo(a);
            assertThat(s.max()).as(why).isGreaterThanOrEqualTo(b);
            assertThat(ticks.size()).as(why).isBetween(3, 12);
            double step = s.step();
            double mantissa = step / Math.pow(10, Math.floor(Math.log10(step) + 1e-9));
            assertThat(List.of(1.0, 2.0, 5.0)).as(why + ", step " + step)
                    .anySatisfy(m -> assertThat(mantissa).isCloseTo(m, offset(1e-6)));
            double tolerance = step * 1e-6 + Math.max(Math.abs(a), Math.abs(b)) * 1e-12;
            for (int t = 0; t < ticks.size(); t++) {
                assertThat(ticks.get(t).value()).as(why).isCloseTo(s.min() + t * step, offset(tolerance));
            }
            assertThat(ticks.stream().map(Scale.Tick::label).distinct().count()).as(why + ": distinct labels " + ticks)
                    .isEqualTo(ticks.size());
        }
    }
}
