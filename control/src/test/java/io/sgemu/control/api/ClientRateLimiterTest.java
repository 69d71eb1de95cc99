package io.sgemu.control.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A token bucket per address: a burst at once, then the rate; one address never spends another's tokens. */
class ClientRateLimiterTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void aBurstThenTheRate_perAddress(long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        int burst = 1 + random.nextInt(50);
        double perSecond = 1 + random.nextInt(100);
        AtomicLong now = new AtomicLong(random.nextLong(1L << 40));
        ClientRateLimiter limiter = new ClientRateLimiter(perSecond, burst, now::get);
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        for (int i = 0; i < burst; i++) {
            assertThat(limiter.tryAcquire(a)).as("seed " + seed + " request " + i).isTrue();
        }
        assertThat(limiter.tryAcquire(a)).as("seed " + seed + ": the burst is spent").isFalse();
        assertThat(limiter.tryAcquire(b)).as("seed " + seed + ": another address has its own bucket").isTrue();
        int seconds = 1 + random.nextInt(3);
        now.addAndGet(seconds * 1_000_000_000L);
        long expected = Math.min(burst, (long) Math.floor(seconds * perSecond));
        long granted = 0;
        while (limiter.tryAcquire(a)) {
            granted++;
        }
        assertThat(granted).as("seed " + seed).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(longs = {9})
    void aRateOfZeroLimitsNothing(long seed) throws Exception {
        ClientRateLimiter limiter = new ClientRateLimiter(0, 0, () -> seed);
        InetAddress a = InetAddress.getByName("192.0.2.9");
        for (int i = 0; i < 10_000; i++) {
            assertThat(limiter.tryAcquire(a)).isTrue();
        }
    }
}
