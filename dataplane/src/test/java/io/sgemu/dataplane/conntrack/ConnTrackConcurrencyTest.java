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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Several workers insert, update, look up and expire their own flows (as steering guarantees) at once in one
 * small shared table, on the same ENIs. Each worker's answers must be those of its own single-threaded
 * reference; afterwards the shared per-ENI counts are the sums, and every entry sits in exactly one slot.
 */
class ConnTrackConcurrencyTest {

    private static final long S = 1_000_000_000L;
    private static final int THREADS = 4;
    private static final int ENIS = 4;
    private static final long LINGER = 2 * S;
    private static final int[] TCP_FLAGS = {2, 2 | 16, 16, 16 | 8, 1 | 16, 4, 4 | 16};

    static LongStream seeds() {
        return LongStream.of(0xA11CEL, 0xB0B5L, 0xCAFEL);
    }

    /** One worker thread's flows, clock and reference. */
    private static final class Runner implements Runnable {
        final ConnTrackWorker worker;
        final SplittableRandom rnd;
        final List<Flow> flows;
        final ReferenceConnTrackModel model = new ReferenceConnTrackModel(LINGER);
        final MutableTimeouts timeouts;
        final CountDownLatch start;
        final long stopAtMillis;
        final AtomicReference<Throwable> failure;
        final String ctx;
        long now;
        int steps;
        int refused;

        Runner(ConnTrackWorker worker, long seed, int index, MutableTimeouts timeouts, CountDownLatch start,
               long stopAtMillis, AtomicReference<Throwable> failure) {
            this.worker = worker;
            this.rnd = new SplittableRandom(seed * 31 + index);
            this.flows = flows(rnd, index);
            this.timeouts = timeouts;
            this.start = start;
            this.stopAtMillis = stopAtMillis;
            this.failure = failure;
            this.ctx = "seed=" + seed + " thread=" + index;
            this.now = 1_700_000_000L * S + rnd.nextLong(1000 * S);
        }

        @Override
        public void run() {
            try {
                start.await();
                while (steps < 150_000 && failure.get() == null
                        && (steps % 256 != 0 || System.currentTimeMillis() < stopAtMillis)) {
                    step();
                    steps++;
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }

        private void step() {
            int r = rnd.nextInt(100);
            now += r < 60 ? rnd.nextLong(S / 10) : r < 90 ? rnd.nextLong(5 * S) : rnd.nextLong(200 * S);
            int op = rnd.nextInt(100);
            int eni = rnd.nextInt(ENIS);
            if (op < 85) {
                Flow f = flows.get(rnd.nextInt(flows.size()));
                if (rnd.nextBoolean()) {
                    f = f.reverse();
                }
                int flags = f.protocol() == ConnTrackWorker.TCP ? TCP_FLAGS[rnd.nextInt(TCP_FLAGS.length)] : -1;
                Key key = f.key(eni);
                Conn c = model.lookup(key, now, timeouts);
                int slot = f.lookup(worker, eni, now, timeouts);
                if ((slot >= 0) != (c != null)) {
                    fail(f, eni, flags, "found " + (slot >= 0) + ", the reference " + (c != null));
                }
                if (c != null) {
                    c.update(flags, c.isFromOrigin(f.src(), f.srcPort()), now);
                    f.update(worker, slot, flags, now);
                    if (worker.closing(slot) != c.closing()
                            || worker.established(slot) != (c.protocol == 6 && c.established)
                            || worker.stream(slot) != (c.protocol == 17 && c.stream)) {
                        fail(f, eni, flags, "state differs: closing " + worker.closing(slot) + " established "
                                + worker.established(slot) + " stream " + worker.stream(slot));
                    }
                } else if (!(f.protocol() == ConnTrackWorker.TCP && (flags & ConnTrackWorker.RST) != 0)) {
                    slot = f.insert(worker, eni, flags, now);
                    if (slot < 0) {
                        refused++; // the table is full near this key: a drop, as the pipeline counts it
                    } else {
                        model.put(key, new Conn(eni, f.protocol(), f.src(), f.srcPort(), flags, now));
                    }
                }
            } else if (op < 95) {
                worker.expireDue(now, timeouts, 1 + rnd.nextInt(32));
            } else {
                // Other workers' entries count too, so the shared count is at least this worker's own.
                assertThat(worker.liveEntries(eni, now, timeouts)).as(ctx + " step=" + steps + " allowance")
                        .isGreaterThanOrEqualTo(model.size(eni, now, timeouts));
            }
        }

        private void fail(Flow f, int eni, int flags, String what) {
            throw new AssertionError(ctx + " step=" + steps + " now=" + now + " " + f + " eni=" + eni + " flags=" + flags
                    + ": " + what);
        }

        private static List<Flow> flows(SplittableRandom rnd, int index) {
            IpAddress[] v4 = {IpAddress.parse("10." + index + ".0.1"), IpAddress.parse("10." + index + ".0.2"),
                    IpAddress.parse("198.51.100." + index)};
            IpAddress[] v6 = {IpAddress.parse("2001:db8:" + index + "::1"), IpAddress.parse("2001:db8:" + index + "::2")};
            List<Flow> out = new ArrayList<>();
            Set<Key> keys = new HashSet<>();
            while (out.size() < 24) {
                boolean six = rnd.nextInt(3) == 0;
                IpAddress[] pool = six ? v6 : v4;
                IpAddress src = pool[rnd.nextInt(pool.length)];
                IpAddress dst = pool[rnd.nextInt(pool.length)];
                int sp = 1000 + rnd.nextInt(4);
                int dp = 80 + rnd.nextInt(3);
                Flow f = switch (rnd.nextInt(4)) {
                    case 0, 1 -> new Flow(6, src, sp, dst, dp);
                    case 2 -> new Flow(17, src, sp, dst, dp);
                    default -> new Flow(six ? 58 : 1, src, sp, dst, sp);
                };
                if (keys.add(f.key(0))) {
                    out.add(f);
                }
            }
            return out;
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void workersSharingOneTableEachAnswerAsTheirOwnReference(long seed) throws InterruptedException {
        ConnTrackTable table = new ConnTrackTable(200, LINGER, ENIS);
        MutableTimeouts timeouts = new MutableTimeouts(ENIS);
        timeouts.tcpEstablished[1] = 120;
        timeouts.udp[2] = 10;
        timeouts.udpStream[2] = 20;
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long stopAt = System.currentTimeMillis() + 2500;
        Runner[] runners = new Runner[THREADS];
        Thread[] threads = new Thread[THREADS];
        for (int i = 0; i < THREADS; i++) {
            runners[i] = new Runner(table.newWorker(), seed, i, timeouts, start, stopAt, failure);
            threads[i] = new Thread(runners[i], "conntrack-worker-" + i);
            threads[i].start();
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(30_000);
            assertThat(t.isAlive()).as("seed=" + seed + " " + t.getName() + " finished").isFalse();
        }
        if (failure.get() != null) {
            throw new AssertionError("seed=" + seed + ": a worker failed", failure.get());
        }
        String ctx = "seed=" + seed;

        // Each worker expires its own entries by its own clock; then the shared counts are exact.
        long[] expected = new long[ENIS];
        int[] perOwner = new int[THREADS];
        for (int i = 0; i < THREADS; i++) {
            Runner r = runners[i];
            assertThat(r.steps).as(ctx + " thread " + i + " did work").isGreaterThan(1000);
            assertThat(r.refused).as(ctx + " thread " + i + " met a full window, sometimes").isLessThan(r.steps / 2);
            r.worker.expireAll(r.now, timeouts);
            for (int eni = 0; eni < ENIS; eni++) {
                int n = r.model.size(eni, r.now, timeouts);
                expected[eni] += n;
                perOwner[i] += n;
            }
        }
        for (int eni = 0; eni < ENIS; eni++) {
            assertThat(table.entries(eni)).as(ctx + " count of eni " + eni).isEqualTo(expected[eni]);
        }

        // Every slot: no slot left claimed, no key twice, as many live slots per worker as its reference holds.
        int[] liveSlots = new int[THREADS];
        Set<String> seen = new HashSet<>();
        for (int slot = 0; slot < table.capacity(); slot++) {
            int c = table.control(slot);
            int state = ConnTrackSlotLayout.state(c);
            assertThat(state).as(ctx + " slot " + slot + " not left claimed").isNotEqualTo(ConnTrackSlotLayout.CLAIMED);
            if (state == ConnTrackSlotLayout.LIVE) {
                int owner = ConnTrackSlotLayout.owner(c);
                liveSlots[owner]++;
                assertThat(seen.add(owner + ":" + (c & ConnTrackSlotLayout.KEY_MASK) + ":" + slotKey(table, slot)))
                        .as(ctx + " slot " + slot + " holds a key no other slot holds").isTrue();
            }
        }
        for (int i = 0; i < THREADS; i++) {
            Runner r = runners[i];
            assertThat(liveSlots[i]).as(ctx + " live slots of worker " + i).isEqualTo(perOwner[i]);
            assertThat(r.worker.listedEntries()).as(ctx + " scheduled entries of worker " + i).isEqualTo(perOwner[i]);
            for (Map.Entry<Key, Conn> e : r.model.all()) {
                Key k = e.getKey();
                Flow f = new Flow(k.protocol(), k.low(), k.lowPort(), k.high(), k.highPort());
                int slot = f.lookup(r.worker, k.eni(), r.now, timeouts);
                assertThat(slot).as(ctx + " worker " + i + " finds " + k).isNotNegative();
                assertThat(r.worker.lastSeenNanos(slot)).isEqualTo(e.getValue().lastSeenNanos);
            }
        }
        assertThat((long) table.size()).isEqualTo(LongStream.of(expected).sum());
    }

    private static String slotKey(ConnTrackTable table, int slot) {
        UnsafeBuffer b = table.block(slot);
        int o = table.offset(slot);
        return b.getInt(o + ConnTrackSlotLayout.PORTS_OFFSET) + ":"
                + ConnTrackSlotLayout.eni(b.getLong(o + ConnTrackSlotLayout.ENI_CLOSING_OFFSET)) + ":"
                + b.getLong(o + ConnTrackSlotLayout.LOW_HI_OFFSET) + ":" + b.getLong(o + ConnTrackSlotLayout.LOW_LO_OFFSET)
                + ":" + b.getLong(o + ConnTrackSlotLayout.HIGH_HI_OFFSET) + ":"
                + b.getLong(o + ConnTrackSlotLayout.HIGH_LO_OFFSET);
    }
}
