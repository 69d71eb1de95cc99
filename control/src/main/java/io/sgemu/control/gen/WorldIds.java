package io.sgemu.control.gen;

import java.util.Locale;

/**
 * Resource ids in EC2's shape ({@code sg-} and 17 hex digits), numbered from a counter so that the same
 * options always give the same ids; the seed goes into the digits so worlds of two seeds do not share ids.
 */
final class WorldIds {
    static final String ACCOUNT = "123456789012";

    private final long salt;

    WorldIds(long seed) {
        // 17 hex digits: 5 from the seed, 12 for the counter
        this.salt = (seed * 0x9E3779B97F4A7C15L) >>> 44;
    }

    String id(String prefix, long n) {
        return String.format(Locale.ROOT, "%s-%05x%012x", prefix, salt, n);
    }
}
