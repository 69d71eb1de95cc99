package io.sgemu.control.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The paced schedule: due times without and with a ramp, and the count of packets due before a time. */
class ScheduleTest {

    @Test
    void withoutARamp_packetGIsDueAtGOverTheRate() {
        Schedule s = new Schedule(1_000, 2_000);
        assertThat(s.dueNanos(0)).isEqualTo(1_000);
        assertThat(s.dueNanos(1)).isEqualTo(1_000 + 500_000);
        assertThat(s.dueNanos(2_000)).isEqualTo(1_000 + 1_000_000_000L);
        assertThat(Schedule.dueBefore(2_000, 0, 250_000_000L)).isEqualTo(500);
        assertThat(new Schedule(7, 0).dueNanos(123)).as("flat out: all due at the start").isEqualTo(7);
    }

    @Test
    void aRamp_halvesThePacketsOfItsTime_thenTheFullRate() {
        // 10,000/s ramped over 2 s: 10,000 packets in the ramp (half of 20,000), then 10,000 a second
        Schedule s = new Schedule(0, 10_000, 2_000_000_000L);
        assertThat(s.dueNanos(10_000)).isEqualTo(2_000_000_000L);
        assertThat(s.dueNanos(20_000)).isEqualTo(3_000_000_000L);
        assertThat(s.dueNanos(2_500)).as("a quarter of the ramp's packets at half its time").isEqualTo(1_000_000_000L);
        assertThat(Schedule.dueBefore(10_000, 2_000_000_000L, 3_000_000_000L)).isEqualTo(20_000);
        // the rate at the end of the ramp is the full rate: the gap between packets there is 1/rate
        long gap = s.dueNanos(10_001) - s.dueNanos(10_000);
        assertThat(gap).isBetween(99_000L, 101_000L);
        assertThatThrownBy(() -> new Schedule(0, 1, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Due times never go back, and dueBefore(t) counts exactly the packets due before t. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void dueTimesGrow_andDueBeforeCountsThem(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double rate = 1 + r.nextInt(50_000);
        long ramp = r.nextBoolean() ? 0 : r.nextLong(1, 3_000_000_000L);
        long at = r.nextLong(1, 4_000_000_000L);
        Schedule s = new Schedule(0, rate, ramp);
        long n = Schedule.dueBefore(rate, ramp, at);
        String why = "seed " + seed + ": rate " + rate + ", ramp " + ramp + " ns, before " + at + " ns";
        assertThat(n).as(why).isNotNegative();
        if (n > 0) {
            assertThat(s.dueNanos(n - 1)).as(why).isLessThan(at);
        }
        // rounding to whole nanoseconds: the next one is due at the time or after (within 1 ns)
        assertThat(s.dueNanos(n)).as(why).isGreaterThanOrEqualTo(at - 1);
        long previous = Long.MIN_VALUE;
        for (long g = Math.max(0, n - 500); g < n + 500; g++) {
            long due = s.dueNanos(g);
            assertThat(due).as(why + ", packet " + g).isGreaterThanOrEqualTo(previous);
            previous = due;
        }
    }
}
