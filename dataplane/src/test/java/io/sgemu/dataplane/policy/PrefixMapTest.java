package io.sgemu.dataplane.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The leaf-pushed prefix map against a plain reading: the value of an address is the union of the values
 * of every prefix that contains it. Values here are bit masks united by OR, in all three layouts.
 */
class PrefixMapTest {

    /** Masks united by OR: the map's value ids are the masks themselves. */
    private static final PrefixMap.Union OR = new PrefixMap.Union() {
        @Override
        public int empty() {
            return 0;
        }

        @Override
        public int union(int a, int b) {
            return a | b;
        }
    };

    record Prefix(long hi, long lo, int length, int mask) {
        boolean contains(int width, long h, long l) {
            if (length == 0) {
                return true;
            }
            if (width == 32) {
                long m = (0xFFFF_FFFFL << (32 - length)) & 0xFFFF_FFFFL;
                return (l & m) == (lo & m);
            }
            long mh = length >= 64 ? -1L : -1L << (64 - length);
            long ml = length <= 64 ? 0 : (length == 128 ? -1L : -1L << (128 - length));
            return (h & mh) == (hi & mh) && (l & ml) == (lo & ml);
        }
    }

    static LongStream seeds() {
        return LongStream.range(0, 120).map(i -> 0x9F1C_0000L + i * 6_007);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void lookupIsTheUnionOfEveryContainingPrefixInEveryLayout(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int family = r.nextBoolean() ? 4 : 6;
        int width = family == 4 ? 32 : 128;
        List<Prefix> prefixes = new ArrayList<>();
        int count = r.nextInt(4) == 0 ? 200 + r.nextInt(800) : r.nextInt(40);
        long baseHi = r.nextLong();
        for (int i = 0; i < count; i++) {
            int length = r.nextInt(5) == 0 ? r.nextInt(width + 1) : width - r.nextInt(Math.min(width, 24));
            long hi = family == 4 ? 0 : (r.nextBoolean() ? baseHi : r.nextLong());
            long lo = family == 4 ? r.nextInt() & (r.nextBoolean() ? 0xFFFF_FFFFL : 0x0A00_FFFFL) : r.nextLong();
            prefixes.add(new Prefix(hi, lo, length, 1 << r.nextInt(31)));
        }
        for (int threshold : new int[] {0, 16, Integer.MAX_VALUE}) {
            PrefixMap.Builder b = new PrefixMap.Builder(family, OR).trieThreshold(threshold);
            for (Prefix p : prefixes) {
                b.add(p.hi(), p.lo(), p.length(), p.mask());
            }
            PrefixMap map = b.build();
            for (int k = 0; k < 3000; k++) {
                long h;
                long l;
                if (!prefixes.isEmpty() && r.nextInt(3) != 0) {
                    // near a prefix: inside it, or just past either end
                    Prefix p = prefixes.get(r.nextInt(prefixes.size()));
                    h = p.hi();
                    l = p.lo() + (r.nextInt(5) - 2);
                    if (r.nextBoolean() && p.length() < width) {
                        int free = width - p.length();
                        long noise = r.nextLong();
                        if (width == 32) {
                            l = (p.lo() & ~((1L << free) - 1)) | (noise & ((1L << free) - 1));
                        } else if (free <= 64) {
                            l = free == 64 ? noise : (p.lo() & ~((1L << free) - 1)) | (noise & ((1L << free) - 1));
                        } else {
                            l = noise;
                        }
                    }
                } else {
                    h = family == 4 ? 0 : (r.nextBoolean() ? baseHi : r.nextLong());
                    l = r.nextLong();
                }
                if (width == 32) {
                    l &= 0xFFFF_FFFFL;
                }
                int expected = 0;
                for (Prefix p : prefixes) {
                    if (p.contains(width, h, l)) {
                        expected |= p.mask();
                    }
                }
                long fh = h;
                long fl = l;
                assertThat(map.lookup(h, l)).as(() -> "seed " + seed + ", layout " + map.layout() + ", address "
                        + Long.toHexString(fh) + ":" + Long.toHexString(fl)).isEqualTo(expected);
            }
        }
    }
}
