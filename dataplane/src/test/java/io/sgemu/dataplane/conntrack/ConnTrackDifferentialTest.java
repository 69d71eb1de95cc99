package io.sgemu.dataplane.conntrack;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.dataplane.conntrack.ReferenceConnTrackModel.Conn;
import io.sgemu.dataplane.conntrack.ReferenceConnTrackModel.Key;
import io.sgemu.dataplane.net.IpAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random packet sequences through the fast table and through the reference's semantics
 * ({@link ReferenceConnTrackModel}): every lookup finds an entry exactly when the reference does, with the
 * same TCP/UDP state, and the allowance count is the reference's size, to the nanosecond. Flows cover IPv4
 * and IPv6, TCP with every flag mix (and later fragments), UDP both ways, ICMP echo and other ICMP, other
 * protocols; the clock jumps to and across every timeout, the linger and the deadlines of live entries;
 * per-ENI timeouts change during the run. Tables are small, so probes are long and tombstones reused, and a
 * second worker with its own ENI and flows shares the table.
 */
class ConnTrackDifferentialTest {

    private static final long S = 1_000_000_000L;
    private static final int[] TIMEOUT_CHOICES = {1, 2, 5, 30, 45, 60, 100, 180, 432_000};
    private static final int[] TCP_FLAGS = {2, 2 | 16, 16, 16 | 8, 1 | 16, 1, 4, 4 | 16, 0, 1 | 2, 2 | 4};
    private static final long[] LINGERS = {5 * S, S, 0, 7_300_000_001L, (1L << 30) + 7};

    static LongStream seeds() {
        return LongStream.range(0, 32).map(i -> 0xC0_7AC4L + i * 104_729);
    }

    /** One worker's share of the run: its ENIs, flows, clock and reference. */
    private static final class Side {
        final ConnTrackWorker worker;
        final int[] enis;
        final List<Flow> flows;
        final ReferenceConnTrackModel model;
        long now;

        Side(ConnTrackWorker worker, int[] enis, List<Flow> flows, long linger, long now) {
            this.worker = worker;
            this.enis = enis;
            this.flows = flows;
            this.model = new ReferenceConnTrackModel(linger);
            this.now = now;
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void fastTableAnswersAsTheReference(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        long linger = LINGERS[rnd.nextInt(LINGERS.length)];
        int capacity = 72 + rnd.nextInt(20);
        ConnTrackTable table = new ConnTrackTable(capacity, linger, 4);
        MutableTimeouts timeouts = new MutableTimeouts(4);
        long t0 = 1_700_000_000L * S + rnd.nextLong(1_000_000 * S);
        // Worker a serves ENIs 0-2, worker b ENI 3, each with flows of its own (the pipeline steers flows).
        Side a = new Side(table.newWorker(), new int[] {0, 1, 2}, flows(rnd, 20, 0), linger, t0);
        Side b = new Side(table.newWorker(), new int[] {3}, flows(rnd, 8, 1), linger, t0 + rnd.nextLong(100 * S));
        String run = "seed=" + seed + " linger=" + linger + " capacity=" + capacity;

        int steps = 2500;
        for (int step = 0; step < steps; step++) {
            Side side = rnd.nextInt(4) == 0 ? b : a;
            advanceClock(rnd, side, timeouts, linger);
            String ctx = run + " step=" + step + " worker=" + side.worker.owner() + " now=" + side.now + " " + timeouts;
            int op = rnd.nextInt(100);
            if (op < 72) {
                packet(rnd, side, timeouts, ctx);
            } else if (op < 84) {
                int eni = side.enis[rnd.nextInt(side.enis.length)];
                assertThat(side.worker.liveEntries(eni, side.now, timeouts)).as(ctx + " liveEntries eni=" + eni)
                        .isEqualTo(side.model.size(eni, side.now, timeouts));
            } else if (op < 92) {
                side.worker.expireDue(side.now, timeouts, 1 + rnd.nextInt(20));
                for (int eni : side.enis) {
                    assertThat(table.entries(eni)).as(ctx + " expireDue removes no live entry, eni=" + eni)
                            .isGreaterThanOrEqualTo(side.model.size(eni, side.now, timeouts));
                }
            } else if (op < 95) {
                // Everything due under the old timeouts goes first, in both, so that nothing expired comes back.
                for (Side x : List.of(a, b)) {
                    x.worker.expireAll(x.now, timeouts);
                    for (int e : x.enis) {
                        x.model.size(e, x.now, timeouts);
                    }
                }
                int eni = rnd.nextInt(4);
                int value = TIMEOUT_CHOICES[rnd.nextInt(TIMEOUT_CHOICES.length)];
                switch (rnd.nextInt(3)) {
                    case 0 -> timeouts.tcpEstablished[eni] = value;
                    case 1 -> timeouts.udp[eni] = value;
                    default -> timeouts.udpStream[eni] = value;
                }
                a.worker.timeoutsChanged();
                b.worker.timeoutsChanged();
            } else {
                checkEveryEntry(side, timeouts, ctx);
            }
            if (step % 50 == 0) {
                long owned = 0;
                for (int eni : side.enis) {
                    owned += table.entries(eni);
                }
                assertThat((long) side.worker.listedEntries()).as(ctx + " every entry is scheduled once").isEqualTo(owned);
            }
        }
        for (Side side : List.of(a, b)) {
            for (int eni : side.enis) {
                assertThat(side.worker.liveEntries(eni, side.now, timeouts)).as(run + " final eni=" + eni)
                        .isEqualTo(side.model.size(eni, side.now, timeouts));
            }
            checkEveryEntry(side, timeouts, run + " final");
        }
    }

    private static void packet(SplittableRandom rnd, Side side, MutableTimeouts timeouts, String ctx) {
        Flow f = side.flows.get(rnd.nextInt(side.flows.size()));
        if (rnd.nextBoolean()) {
            f = f.reverse();
        }
        int eni = side.enis[rnd.nextInt(side.enis.length)];
        int flags = -1;
        if (f.protocol() == ConnTrackWorker.TCP && f.srcPort() >= 0) {
            flags = TCP_FLAGS[rnd.nextInt(TCP_FLAGS.length)];
        }
        String where = ctx + " packet " + f + " eni=" + eni + " flags=" + flags;
        Key key = f.key(eni);
        Conn c = side.model.lookup(key, side.now, timeouts);
        int slot = f.lookup(side.worker, eni, side.now, timeouts);
        assertThat(slot >= 0).as(where + " found").isEqualTo(c != null);
        if (c != null) {
            c.update(flags, c.isFromOrigin(f.src(), f.srcPort()), side.now);
            f.update(side.worker, slot, flags, side.now);
            sameState(side.worker, slot, c, where);
            return;
        }
        boolean rst = f.protocol() == ConnTrackWorker.TCP && ReferenceConnTrackModel.has(flags, ConnTrackWorker.RST);
        if (rst || rnd.nextInt(10) == 0) {
            return; // no entry: an RST, or a packet the rules reject or leave untracked
        }
        if (rnd.nextInt(3) == 0) {
            assertThat(side.worker.liveEntries(eni, side.now, timeouts)).as(where + " allowance")
                    .isEqualTo(side.model.size(eni, side.now, timeouts));
        }
        slot = f.insert(side.worker, eni, flags, side.now);
        assertThat(slot).as(where + " insert").isNotNegative();
        Conn created = new Conn(eni, f.protocol(), f.src(), f.srcPort(), flags, side.now);
        side.model.put(key, created);
        sameState(side.worker, slot, created, where);
    }

    /** Every entry of the reference is found, with its state, and every other key is not. */
    private static void checkEveryEntry(Side side, MutableTimeouts timeouts, String ctx) {
        for (Map.Entry<Key, Conn> e : side.model.all()) {
            Key k = e.getKey();
            Flow f = new Flow(k.protocol(), k.low(), k.lowPort(), k.high(), k.highPort());
            Conn c = side.model.lookup(k, side.now, timeouts);
            int slot = f.lookup(side.worker, k.eni(), side.now, timeouts);
            assertThat(slot >= 0).as(ctx + " check " + k).isEqualTo(c != null);
            if (c != null) {
                sameState(side.worker, slot, c, ctx + " check " + k);
                assertThat(side.worker.lastSeenNanos(slot)).isEqualTo(c.lastSeenNanos);
                assertThat(side.worker.eni(slot)).isEqualTo(k.eni());
            }
        }
        for (Flow f : side.flows) {
            for (int eni : side.enis) {
                if (side.model.lookup(f.key(eni), side.now, timeouts) == null) {
                    assertThat(f.lookup(side.worker, eni, side.now, timeouts)).as(ctx + " absent " + f + " eni=" + eni)
                            .isEqualTo(-1);
                }
            }
        }
    }

    private static void sameState(ConnTrackWorker w, int slot, Conn c, String ctx) {
        assertThat(w.established(slot)).as(ctx + " established").isEqualTo(c.protocol == 6 && c.established);
        assertThat(w.stream(slot)).as(ctx + " stream").isEqualTo(c.protocol == 17 && c.stream);
        assertThat(w.closing(slot)).as(ctx + " closing").isEqualTo(c.closing());
    }

    private static void advanceClock(SplittableRandom rnd, Side side, MutableTimeouts timeouts, long linger) {
        int r = rnd.nextInt(100);
        long off = rnd.nextInt(3) - 1;
        if (r < 30) {
            side.now += rnd.nextLong(1L << 17);
        } else if (r < 50) {
            side.now += rnd.nextLong(2 * S);
        } else if (r < 62) {
            int[] fixed = {1, 2, 5, 30, 45, 60, 100, 180, 600};
            side.now += fixed[rnd.nextInt(fixed.length)] * S + off;
        } else if (r < 70) {
            side.now += Math.max(0, linger + off);
        } else if (r < 80) {
            List<Map.Entry<Key, Conn>> all = side.model.all();
            if (!all.isEmpty()) {
                Conn c = all.get(rnd.nextInt(all.size())).getValue();
                long d = c.deadline(timeouts, linger) + (rnd.nextBoolean() ? 0 : -1);
                side.now = Math.max(side.now, d);
            }
        } else if (r < 85) {
            side.now += rnd.nextBoolean() ? (1L << 30) + off : (1L << 44) + off;
        } else if (r < 88) {
            side.now += rnd.nextLong(3 * 86_400 * S);
        } else if (r < 90) {
            side.now += 432_000 * S + off;
        }
        side.now = Math.max(side.now, 0);
    }

    /** Distinct flows (by key): TCP, UDP, ICMP echo, other ICMP, other protocols, TCP later fragments. */
    private static List<Flow> flows(SplittableRandom rnd, int n, int side) {
        IpAddress[] v4 = {IpAddress.parse("10.0." + side + ".1"), IpAddress.parse("10.0." + side + ".2"),
                IpAddress.parse("10.0." + side + ".200"), IpAddress.parse("203.0.113." + (side + 7))};
        IpAddress[] v6 = {IpAddress.parse("2001:db8:" + side + "::1"), IpAddress.parse("2001:db8:" + side + "::2"),
                IpAddress.parse("2001:db8:" + side + ":8000::1"), IpAddress.parse("::10.0." + side + ".1")};
        int[] ports = {22, 53, 443, 40000, 40001};
        List<Flow> out = new ArrayList<>();
        Set<Key> keys = new HashSet<>();
        while (out.size() < n) {
            boolean six = rnd.nextInt(3) == 0;
            IpAddress[] pool = six ? v6 : v4;
            IpAddress src = pool[rnd.nextInt(pool.length)];
            IpAddress dst = pool[rnd.nextInt(pool.length)];
            Flow f = switch (rnd.nextInt(7)) {
                case 0, 1 -> new Flow(6, src, ports[rnd.nextInt(ports.length)], dst, ports[rnd.nextInt(ports.length)]);
                case 2 -> new Flow(17, src, ports[rnd.nextInt(ports.length)], dst, ports[rnd.nextInt(ports.length)]);
                case 3 -> {
                    int id = rnd.nextInt(3);
                    yield new Flow(six ? 58 : 1, src, id, dst, id);
                }
                case 4 -> new Flow(six ? 58 : 1, src, -1, dst, -1);
                case 5 -> new Flow(new int[] {47, 50, 132}[rnd.nextInt(3)], src, -1, dst, -1);
                default -> new Flow(6, src, -1, dst, -1);
            };
            if (keys.add(f.key(0))) {
                out.add(f);
            }
        }
        return out;
    }
}
