package io.sgemu.control.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pacing asks the clock to wait until each frame is due; a fake clock records the waits. */
class PacerTest {

    /** A clock that only moves when asked to sleep, and records until when. */
    static final class FakeClock implements Pacer.Clock {
        long now = 1_000_000;
        final List<Long> sleptUntil = new ArrayList<>();

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleepUntil(long deadline) {
            sleptUntil.add(deadline);
            now = deadline;
        }
    }

    @Test
    void realTimeWaitsForEachFrameAtTheCapturesOwnOffsets() {
        FakeClock c = new FakeClock();
        Pacer p = Pacer.speed(1, c);
        p.pace(50_000_000_000L);
        p.pace(50_500_000_000L);
        p.pace(52_000_000_000L);
        assertThat(c.sleptUntil).containsExactly(1_000_000 + 500_000_000L, 1_000_000 + 2_000_000_000L);
    }

    @Test
    void aMultiplierShortensTheWaits() {
        FakeClock c = new FakeClock();
        Pacer p = Pacer.speed(4, c);
        p.pace(0);
        p.pace(2_000_000_000L);
        assertThat(c.sleptUntil).containsExactly(1_000_000 + 500_000_000L);
    }

    @Test
    void aRateSpacesPacketsEvenlyWhateverTheirTimestamps() {
        FakeClock c = new FakeClock();
        Pacer p = Pacer.packetsPerSecond(1000, c);
        p.pace(9);
        p.pace(5);
        p.pace(1);
        assertThat(c.sleptUntil).containsExactly(1_000_000 + 1_000_000L, 1_000_000 + 2_000_000L);
    }

    @Test
    void noWaitWhenAFrameIsAlreadyDueOrStampedEarlier() {
        FakeClock c = new FakeClock();
        Pacer p = Pacer.speed(1, c);
        p.pace(10_000_000_000L);
        c.now += 5_000_000_000L; // judging took longer than the capture's gap
        p.pace(11_000_000_000L);
        p.pace(9_000_000_000L);
        assertThat(c.sleptUntil).isEmpty();
    }

    @Test
    void topSpeedNeverWaitsAndBadRatesAreRefused() {
        assertThat(Pacer.topSpeed().paced()).isFalse();
        assertThatThrownBy(() -> Pacer.speed(0, new FakeClock())).hasMessageContaining("positive");
        assertThatThrownBy(() -> Pacer.packetsPerSecond(-5, new FakeClock())).hasMessageContaining("positive");
        assertThatThrownBy(() -> Pacer.speed(Double.NaN, new FakeClock())).hasMessageContaining("positive");
    }
}
