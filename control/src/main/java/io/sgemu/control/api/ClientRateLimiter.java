package io.sgemu.control.api;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per client address: each address may make {@code burst} requests at once and
 * {@code perSecond} a second after that, so that one busy or hostile client cannot starve the admin
 * listener's small pool (and the metrics scrapes and API calls of others). A rate of 0 turns the limit off.
 *
 * <p>Buckets are kept per address, not per connection (a client opening many connections shares one bucket).
 * Full buckets are forgotten when many addresses were seen, so the table cannot grow without bound.
 */
public final class ClientRateLimiter {

    /** Addresses kept before full (idle) buckets are forgotten. */
    static final int MAX_CLIENTS = 4096;

    private final double perSecond;
    private final double burst;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();

    /**
     * @param perSecond requests a second each address may make once its burst is spent (0: no limit)
     * @param burst     requests an address may make at once
     */
    public ClientRateLimiter(double perSecond, int burst) {
        this(perSecond, burst, System::nanoTime);
    }

    ClientRateLimiter(double perSecond, int burst, LongSupplier nanoTime) {
        if (!(perSecond >= 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("the rate limit must be a number of requests a second, 0 for none");
        }
        if (perSecond > 0 && burst < 1) {
            throw new IllegalArgumentException("the burst must be at least 1");
        }
        this.perSecond = perSecond;
        this.burst = burst;
        this.nanoTime = nanoTime;
    }

    /** Takes a token of {@code client}'s bucket: false when it has none left (the request is to be refused). */
    public boolean tryAcquire(InetAddress client) {
        if (perSecond == 0) {
            return true;
        }
        long now = nanoTime.getAsLong();
        if (buckets.size() > MAX_CLIENTS) {
            buckets.values().removeIf(b -> b.isFull(now));
        }
        Bucket b = buckets.computeIfAbsent(client, c -> new Bucket(burst, now));
        return b.take(now);
    }

    private final class Bucket {
        private double tokens;
        private long last;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.last = now;
        }

        synchronized boolean take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }

        synchronized boolean isFull(long now) {
            refill(now);
            return tokens >= burst;
        }

        private void refill(long now) {
            if (now > last) {
                tokens = Math.min(burst, tokens + (now - last) * perSecond / 1e9);
                last = now;
            }
        }
    }
}
