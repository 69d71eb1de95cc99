package io.sgemu.dataplane.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sgemu.dataplane.packet.DecodedPacket;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The dispatcher's fragment table against a plain model of its rules (the reference evaluator's):
 * entries live for the timeout from their first fragment, a repeated first fragment starts its entry
 * afresh, a full table remembers no new datagram.
 */
class FragmentTableTest {

    private record Key(int family, long srcHi, long srcLo, long dstHi, long dstLo, int protocol, long id) {
    }

    private record Entry(long seen, int worker) {
    }

    static LongStream seeds() {
        return LongStream.range(0, 60).map(i -> 0xF4A6_0000L + i * 104_729);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void agreesWithTheModel(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int capacity = 1 + r.nextInt(r.nextBoolean() ? 8 : 200);
        long timeout = 1 + r.nextInt(1000);
        FragmentTable table = new FragmentTable(capacity, timeout);
        LinkedHashMap<Key, Entry> model = new LinkedHashMap<>();
        Map<Key, Integer> slots = new HashMap<>();
        DecodedPacket d = new DecodedPacket();
        long now = 0;
        int keySpace = 1 + r.nextInt(capacity * 3);
        for (int step = 0; step < 5_000; step++) {
            now += r.nextInt(4) == 0 ? r.nextInt((int) timeout * 2) : r.nextInt(3);
            Key k = key(r, keySpace);
            fill(d, k);
            expire(model, now, timeout);
            String at = "seed " + seed + ", step " + step + ", " + k;
            if (r.nextBoolean()) {
                int worker = r.nextInt(4);
                int slot = table.first(d, now, worker);
                boolean known = model.remove(k) != null;
                if (!known && model.size() >= capacity) {
                    assertThat(slot).as(at + ": full").isEqualTo(FragmentTable.UNTRACKED);
                } else {
                    model.put(k, new Entry(now, worker));
                    assertThat(slot).as(at + ": slot").isBetween(0, capacity - 1);
                    if (known) {
                        assertThat(slot).as(at + ": same datagram, same slot").isEqualTo(slots.get(k));
                    }
                    slots.put(k, slot);
                }
            } else {
                int slot = table.later(d, now);
                Entry e = model.get(k);
                if (e == null) {
                    assertThat(slot).as(at + ": orphan").isEqualTo(FragmentTable.ORPHAN);
                } else {
                    assertThat(slot).as(at + ": known").isEqualTo(slots.get(k));
                    assertThat(table.worker(slot)).as(at + ": worker").isEqualTo(e.worker());
                }
            }
            assertThat(table.size()).as(at + ": size").isEqualTo(model.size());
            // Live datagrams have distinct slots.
            assertThat(model.keySet().stream().map(slots::get).distinct().count()).as(at).isEqualTo(model.size());
        }
    }

    @Test
    void ipv4AndIpv6WithTheSameLowBitsAreDifferentDatagrams() {
        FragmentTable table = new FragmentTable(4, 1_000);
        DecodedPacket v4 = new DecodedPacket();
        fill(v4, new Key(4, 0, 1, 0, 2, 6, 9));
        DecodedPacket v6 = new DecodedPacket();
        fill(v6, new Key(6, 0, 1, 0, 2, 6, 9));
        int slot = table.first(v4, 0, 1);
        assertThat(table.later(v6, 1)).isEqualTo(FragmentTable.ORPHAN);
        assertThat(table.later(v4, 1)).isEqualTo(slot);
    }

    @Test
    void sizeAndTimeoutMustBeSane() {
        assertThatThrownBy(() -> new FragmentTable(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FragmentTable(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static Key key(SplittableRandom r, int space) {
        int k = r.nextInt(space);
        // A few families, hosts, protocols and ids, so that keys share every part but one.
        return new Key((k & 1) == 0 ? 4 : 6, (k & 1) == 0 ? 0 : 0x20010db8L << 32, 10 + (k >> 1) % 3, 0,
                20 + (k >> 3) % 2, (k >> 4) % 2 == 0 ? 6 : 17, k >> 5);
    }

    private static void fill(DecodedPacket d, Key k) {
        d.reset();
        d.ipVersion = k.family();
        d.srcHi = k.srcHi();
        d.srcLo = k.srcLo();
        d.dstHi = k.dstHi();
        d.dstLo = k.dstLo();
        d.protocol = k.protocol();
        d.fragmentId = k.id();
    }

    private static void expire(LinkedHashMap<Key, Entry> model, long now, long timeout) {
        Iterator<Entry> it = model.values().iterator();
        while (it.hasNext()) {
            if (now - it.next().seen() < timeout) {
                return;
            }
            it.remove();
        }
    }
}
