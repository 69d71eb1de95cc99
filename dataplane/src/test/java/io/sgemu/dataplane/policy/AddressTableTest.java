package io.sgemu.dataplane.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The exact-match address hash: first claim wins, families never mix, unknown addresses miss. */
class AddressTableTest {

    @Test
    void findsEveryAddedAddressAndNothingElse() {
        long seed = 0xADD0;
        SplittableRandom r = new SplittableRandom(seed);
        AddressTable.Builder b = new AddressTable.Builder();
        Map<String, Integer> first = new HashMap<>();
        for (int i = 0; i < 5000; i++) {
            int family = r.nextInt(3) == 0 ? 6 : 4;
            long lo = r.nextInt(4000) & 0xFFFF_FFFFL; // small: IPv4 a.b.c.d and IPv6 ::a.b.c.d collide in bits
            long hi = family == 6 && r.nextBoolean() ? r.nextInt(3) : 0;
            int entry = b.add(family, hi, lo, i, false, hi, lo, hi, lo, 0);
            first.putIfAbsent(family + ":" + hi + ":" + lo, i);
            assertThat(b.entryOf(family, hi, lo)).isEqualTo(entry);
        }
        AddressTable t = b.build();
        assertThat(t.size()).isEqualTo(first.size());
        for (int family : new int[] {4, 6}) {
            for (long hi = 0; hi < 3; hi++) {
                for (long lo = 0; lo < 4100; lo++) {
                    Integer eni = first.get(family + ":" + hi + ":" + lo);
                    int entry = t.find(family, hi, lo);
                    if (eni == null) {
                        assertThat(entry).as("seed %d: %d %d:%d", seed, family, hi, lo).isEqualTo(Policy.NONE);
                    } else {
                        assertThat(t.eni(entry)).as("seed %d: the first claim of %d %d:%d", seed, family, hi, lo)
                                .isEqualTo(eni);
                    }
                }
            }
        }
    }
}
