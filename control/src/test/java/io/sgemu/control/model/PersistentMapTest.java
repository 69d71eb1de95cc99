package io.sgemu.control.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link PersistentMap} against {@link LinkedHashMap}, the behaviour it promises to copy. */
class PersistentMapTest {

    static LongStream seeds() {
        return LongStream.range(0, 40);
    }

    /** A key whose hash is chosen, so that collisions and shared hash digits are exercised. */
    record Key(int hash, int id) {
        @Override
        public int hashCode() {
            return hash;
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void behavesAsAnInsertionOrderedMapAndOldVersionsStayAsTheyWere(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        // few distinct hashes for some seeds: collision lists; many for others: deep tries
        int hashes = seed % 4 == 0 ? 3 : 1 << (4 + r.nextInt(20));
        int keys = 20 + r.nextInt(seed % 5 == 0 ? 5000 : 300);
        PersistentMap<Key, Integer> p = PersistentMap.empty();
        LinkedHashMap<Key, Integer> m = new LinkedHashMap<>();
        List<PersistentMap<Key, Integer>> versions = new ArrayList<>();
        List<Map<Key, Integer>> expected = new ArrayList<>();
        int steps = 200 + r.nextInt(3000);
        for (int step = 0; step < steps; step++) {
            Key k = new Key(r.nextInt(hashes) * 0x9E3779B1, r.nextInt(keys));
            if (r.nextInt(3) == 0) {
                p = p.minus(k);
                m.remove(k);
            } else {
                int v = r.nextInt(100);
                p = p.plus(k, v);
                m.put(k, v);
            }
            if (r.nextInt(50) == 0) {
                versions.add(p);
                expected.add(new LinkedHashMap<>(m));
            }
            Key probe = new Key(r.nextInt(hashes) * 0x9E3779B1, r.nextInt(keys));
            assertThat(p.get(probe)).as("seed %d step %d get %s", seed, step, probe).isEqualTo(m.get(probe));
            assertThat(p.containsKey(probe)).as("seed %d step %d", seed, step).isEqualTo(m.containsKey(probe));
            assertThat(p.size()).as("seed %d step %d", seed, step).isEqualTo(m.size());
        }
        assertThat(new ArrayList<>(p.entrySet())).as("seed %d: entries in insertion order", seed)
                .containsExactlyElementsOf(new ArrayList<>(m.entrySet()));
        assertThat(p).as("seed %d", seed).isEqualTo(m);
        assertThat(p.hashCode()).as("seed %d", seed).isEqualTo(m.hashCode());
        for (int i = 0; i < versions.size(); i++) {
            assertThat(new ArrayList<>(versions.get(i).entrySet())).as("seed %d version %d unchanged", seed, i)
                    .containsExactlyElementsOf(new ArrayList<>(expected.get(i).entrySet()));
        }
    }

    @Test
    void replacingAValueKeepsItsPlaceAndTheSameValueIsTheSameMap() {
        PersistentMap<String, Integer> p = PersistentMap.<String, Integer>empty().plus("a", 1).plus("b", 2).plus("c", 3);
        assertThat(p.plus("a", 9).keySet()).containsExactly("a", "b", "c");
        assertThat(p.minus("b").plus("b", 5).keySet()).containsExactly("a", "c", "b");
        Integer two = p.get("b");
        assertThat(p.plus("b", two)).isSameAs(p);
        assertThat(p.minus("zz")).isSameAs(p);
    }

    @Test
    void manyRemovalsCompactTheOrderButKeepIt() {
        PersistentMap<Integer, Integer> p = PersistentMap.empty();
        for (int i = 0; i < 10_000; i++) {
            p = p.plus(i, i);
        }
        for (int i = 0; i < 10_000; i++) {
            if (i % 7 != 0) {
                p = p.minus(i);
            }
        }
        List<Integer> keys = new ArrayList<>(p.keySet());
        assertThat(keys).hasSize(1429).isSorted();
        assertThat(keys.get(1)).isEqualTo(7);
    }

    @Test
    void refusesNullsAndMutation() {
        PersistentMap<String, Integer> p = PersistentMap.<String, Integer>empty().plus("a", 1);
        assertThatThrownBy(() -> p.plus(null, 1)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> p.plus("b", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> p.put("b", 2)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(p.get(null)).isNull();
    }

    @Test
    void copyOfKeepsTheSourceOrderAndReturnsAPersistentMapAsItIs() {
        LinkedHashMap<String, Integer> m = new LinkedHashMap<>();
        for (String k : List.of("z", "a", "m", "b")) {
            m.put(k, k.length());
        }
        PersistentMap<String, Integer> p = PersistentMap.copyOf(m);
        assertThat(p.keySet()).containsExactly("z", "a", "m", "b");
        assertThat(PersistentMap.copyOf(p)).isSameAs(p);
    }
}
