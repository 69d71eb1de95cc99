package io.sgemu.bench;

import io.sgemu.dataplane.conntrack.ConnTrackTable;
import io.sgemu.dataplane.conntrack.ConnTrackTimeouts;
import io.sgemu.dataplane.conntrack.ConnTrackWorker;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The connection-tracking table at 1M and 10M live entries, IPv4 and IPv6 keys, random flows:
 * <ul>
 *   <li>{@code hit}: lookup of a live flow (either direction) and its update, as a packet of a tracked
 *       connection costs;</li>
 *   <li>{@code miss}: lookup of a flow that is not there, as every new flow costs first;</li>
 *   <li>{@code insert}: a new flow's entry (after the miss that precedes it in the pipeline, so no second
 *       probe), and the removal of the entry made {@value #RING} inserts
 *       earlier, so that the table stays at its size (a steady state with churn: the removal also unlinks
 *       the entry from its expiry list, touching its neighbours);</li>
 *   <li>{@code randomRead}: one read at a random place of a block as large as the table, to calibrate: a hit
 *       cannot cost less than one such memory access.</li>
 * </ul>
 * 10k entries fit the caches and show the cost of the code itself.
 * The table holds its entries off the heap, 64 bytes each, at a load of 2/3 (capacity = 1.5 x live
 * entries: 15M slots, 960 MB, for 10M entries), so the forked JVM gets a small heap and enough direct
 * memory. Run: {@code java -jar bench/target/benchmarks.jar ConnTrack -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.ADD_EXPORTS, "-Xms256m", "-Xmx256m", "-XX:MaxDirectMemorySize=2400m"})
public class ConnTrackBenchmark {

    private static final long S = 1_000_000_000L;
    private static final int ACK = 16;
    private static final int RING = 4096;
    private static final long V6_PREFIX = 0x2001_0db8_0000_0000L;

    @Param({"10000", "1000000", "10000000"})
    public int liveEntries;

    @Param({"4", "6"})
    public int family;

    private ConnTrackTable table;
    private ConnTrackWorker worker;
    private final ConnTrackTimeouts timeouts = new FixedTimeouts();
    private long now = 1_700_000_000L * S;
    private long random = 0x9E37_79B9_7F4A_7C15L;
    private long nextFresh;
    private final int[] ring = new int[RING];
    private int ringAt;

    /** Default AWS timeouts: nothing expires during a run (the conntrack sweep uses them too). */
    public static final class FixedTimeouts implements ConnTrackTimeouts {
        @Override
        public int tcpEstablishedTimeoutSeconds(int eni) {
            return 432_000;
        }

        @Override
        public int udpTimeoutSeconds(int eni) {
            return 30;
        }

        @Override
        public int udpStreamTimeoutSeconds(int eni) {
            return 180;
        }
    }

    @Setup(Level.Trial)
    public void fill() {
        int capacity = (int) (liveEntries * 3L / 2);
        table = new ConnTrackTable(capacity, 5 * S, 16);
        worker = table.newWorker();
        // The last RING entries are the ones insert() removes in turn: the table holds liveEntries throughout.
        for (int i = 0; i < liveEntries; i++) {
            int slot = insertFlow(i);
            if (slot < 0) {
                throw new IllegalStateException("table full at " + i);
            }
            if (i >= liveEntries - RING) {
                ring[i - (liveEntries - RING)] = slot;
            }
        }
        nextFresh = liveEntries;
        System.out.printf("%ntable: %d live entries, capacity %d slots, %d bytes per slot, %d bytes off-heap"
                        + " (%.1f bytes per live entry), longest probe %d%n", table.size(), table.capacity(),
                ConnTrackTable.bytesPerEntry(), table.memoryBytes(), table.memoryBytes() / (double) table.size(),
                table.maxProbeDistance() + 1);
    }

    @Benchmark
    public int hit() {
        long i = Long.remainderUnsigned(nextRandom(), liveEntries - RING);
        int eni = (int) (i & 15);
        long clientHi = family == 6 ? V6_PREFIX : 0;
        long clientLo = clientLo(i);
        long serverHi = family == 6 ? V6_PREFIX | 1 : 0;
        long serverLo = family == 6 ? 1 : 0x0A00_0001L;
        int clientPort = clientPort(i);
        long t = ++now;
        int slot;
        if ((i & 16) == 0) {
            slot = worker.lookup(eni, 6, family, clientHi, clientLo, clientPort, serverHi, serverLo, 443, t, timeouts);
            worker.update(slot, family, clientHi, clientLo, clientPort, ACK, t);
        } else {
            slot = worker.lookup(eni, 6, family, serverHi, serverLo, 443, clientHi, clientLo, clientPort, t, timeouts);
            worker.update(slot, family, serverHi, serverLo, 443, ACK, t);
        }
        return slot;
    }

    @Benchmark
    public int miss() {
        long i = nextFresh + (nextRandom() >>> 40);
        long clientHi = family == 6 ? V6_PREFIX : 0;
        long serverHi = family == 6 ? V6_PREFIX | 1 : 0;
        long serverLo = family == 6 ? 1 : 0x0A00_0001L;
        return worker.lookup((int) (i & 15), 6, family, clientHi, clientLo(i), clientPort(i), serverHi, serverLo, 443,
                ++now, timeouts);
    }

    @Benchmark
    public int insert() {
        long i = nextFresh++;
        long clientHi = family == 6 ? V6_PREFIX : 0;
        long serverHi = family == 6 ? V6_PREFIX | 1 : 0;
        long serverLo = family == 6 ? 1 : 0x0A00_0001L;
        long t = ++now;
        // As the pipeline does: the miss, then the insert (which reuses the miss's proof of absence).
        worker.lookup((int) (i & 15), 6, family, clientHi, clientLo(i), clientPort(i), serverHi, serverLo, 443, t,
                timeouts);
        int slot = worker.insert((int) (i & 15), 6, family, clientHi, clientLo(i), clientPort(i), serverHi, serverLo,
                443, ACK, t);
        int old = ring[ringAt];
        if (old >= 0) {
            worker.remove(old);
        }
        ring[ringAt] = slot;
        ringAt = (ringAt + 1) & (RING - 1);
        return slot;
    }

    /** A block as large as the table, for {@code randomRead}. */
    @State(Scope.Thread)
    public static class Block {
        @Param({"10000", "1000000", "10000000"})
        public int liveEntries;

        UnsafeBuffer bytes;
        int slots;

        @Setup(Level.Trial)
        public void allocate() {
            slots = (int) (liveEntries * 3L / 2);
            bytes = new UnsafeBuffer(ByteBuffer.allocateDirect(slots * ConnTrackTable.bytesPerEntry()));
            for (int i = 0; i < slots; i++) {
                bytes.putLong(i * 64, i);
            }
        }
    }

    @Benchmark
    public long randomRead(Block block) {
        long slot = Long.remainderUnsigned(nextRandom(), block.slots);
        return block.bytes.getLong((int) slot * 64);
    }

    private int insertFlow(long i) {
        long clientHi = family == 6 ? V6_PREFIX : 0;
        long serverHi = family == 6 ? V6_PREFIX | 1 : 0;
        long serverLo = family == 6 ? 1 : 0x0A00_0001L;
        return worker.insert((int) (i & 15), 6, family, clientHi, clientLo(i), clientPort(i), serverHi, serverLo, 443,
                ACK, ++now);
    }

    /** Distinct clients per flow number: an odd multiplier is a bijection (of 32 bits for IPv4). */
    private long clientLo(long i) {
        return family == 6 ? i * 0x9E37_79B9_7F4A_7C15L : (i * 0x9E37_79B1L) & 0xFFFF_FFFFL;
    }

    private static int clientPort(long i) {
        return 1024 + (int) ((i >>> 5) & 0x3FFF);
    }

    private long nextRandom() {
        long x = random;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        random = x;
        return x;
    }
}
