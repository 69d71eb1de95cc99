package io.sgemu.dataplane.packet;

import java.util.SplittableRandom;
import java.util.stream.LongStream;

/**
 * Seeds of the property tests: a fixed list, so a run is repeatable, or the one seed given by the system
 * property {@code sgemu.seed} to replay a failure (the seed is in every assertion message).
 */
public final class LongStreamSeeds {

    private LongStreamSeeds() {
    }

    public static LongStream of(int count) {
        String fixed = System.getProperty("sgemu.seed");
        if (fixed != null && !fixed.isBlank()) {
            return LongStream.of(Long.parseLong(fixed.trim()));
        }
        SplittableRandom seeds = new SplittableRandom(0x5EED_CAFEL);
        return LongStream.generate(seeds::nextLong).limit(count);
    }
}
