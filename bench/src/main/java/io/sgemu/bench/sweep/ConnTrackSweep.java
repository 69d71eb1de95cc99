package io.sgemu.bench.sweep;

import io.sgemu.bench.ConnTrackBenchmark;

import io.sgemu.bench.PipelineWorld;
import io.sgemu.control.compile.PolicyCompiler;
import io.sgemu.dataplane.conntrack.ConnTrackTable;
import io.sgemu.dataplane.conntrack.ConnTrackTimeouts;
import io.sgemu.dataplane.conntrack.ConnTrackWorker;
import io.sgemu.dataplane.policy.PolicySnapshot;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * Sweep 3: against the number of live tracked connections (1k to 10M; quick: up to 100k):
 * <ul>
 *   <li>a connection-tracking hit (lookup of a live flow, either direction, and its update) on the table
 *       alone, as {@code ConnTrackBenchmark.hit} does;</li>
 *   <li>the baseline: the same hit in a {@code java.util.HashMap} keyed by a flow record (what plain Java
 *       would do), up to 1M entries;</li>
 *   <li>the whole fast path of one worker ({@link JudgePath}) on established packets, with that many flows
 *       opened first, up to 1M flows (quick: 100k).</li>
 * </ul>
 * Points whose table would not fit in the JVM's direct-memory limit are skipped and noted. Writes
 * {@code conntrack-latency.csv}, {@code conntrack-throughput.csv}, {@code conntrack-*.hgrm} and
 * {@code conntrack-ratios.csv}.
 */
public final class ConnTrackSweep {

    private static final long S = 1_000_000_000L;
    private static final int ACK = 16;

    private ConnTrackSweep() {
    }

    public static void main(String[] args) {
        Sweeps.run("ConnTrackSweep", args, ConnTrackSweep::run);
    }

    /** Default AWS timeouts: nothing expires during a run. */
    private static final ConnTrackTimeouts TIMEOUTS = new ConnTrackBenchmark.FixedTimeouts();

    /** One flow's key in the HashMap baseline. */
    record FlowKey(int eni, int protocol, long client, int clientPort, long server, int serverPort) {
    }

    static void run(SweepOptions o) {
        int[] sizes = o.pick(new int[] {1_000, 10_000, 100_000, 1_000_000, 10_000_000},
                new int[] {1_000, 10_000, 100_000}, new int[] {1_000, 10_000});
        int maxHashMap = 1_000_000;
        int maxPath = o.pick(1_000_000, 100_000, 0);
        long budget = o.budgetNanos(3_000, 600);
        SweepCsv latency = new SweepCsv("Connection tracking vs live connections: latency per packet",
                "live tracked connections (connections) log", "latency (ns) log",
                "conntrack hit p50", "conntrack hit p99", "conntrack hit p99.9",
                "HashMap hit p50", "HashMap hit p99", "HashMap hit p99.9",
                "whole path p50", "whole path p99", "whole path p99.9");
        SweepCsv throughput = new SweepCsv("Connection tracking vs live connections: throughput",
                "live tracked connections (connections) log", "throughput (M per second) log",
                "conntrack hit (M lookups/s)", "HashMap hit (M lookups/s)", "whole path (Mpps)");
        String common = "conntrack hit: the off-heap table alone, IPv4 TCP flows at random (either direction), lookup "
                + "and update, a load of 2/3 (capacity 1.5 x live entries, 64 bytes a slot); HashMap hit: the same in "
                + "a java.util.HashMap<record key, long[] state> (a new key object per lookup), up to "
                + maxHashMap + " entries; whole path: decode, addresses, NACLs, security groups, connection tracking "
                + "and flow-log aggregation of one worker (PacketJudge) on PipelineWorld (10k ENIs, 1k rules each), "
                + "N flows opened first (those the policy accepts are tracked), then established packets of random "
                + "opened flows, up to " + maxPath + " flows";
        latency.note(common).note(Sweeps.LATENCY_NOTE);
        throughput.note(common).note("throughput: lookups or packets over wall time in batches of about 1 ms, one thread");
        BatchTimer.Result[] largest = new BatchTimer.Result[3];
        int largestSize = 0;
        PolicySnapshot policy = null;
        for (int n : sizes) {
            long need = (long) (n * 3L / 2) * ConnTrackTable.bytesPerEntry();
            long free = directLimit() - directUsed();
            if (need > free * 9 / 10) {
                String skip = String.format("%d connections skipped: the table needs %.0f MB of direct memory, %.0f MB "
                        + "are free under this JVM's limit (raise -Xmx or -XX:MaxDirectMemorySize)", n, need / 1e6, free / 1e6);
                latency.note(skip);
                throughput.note(skip);
                System.out.println(skip);
                continue;
            }
            BatchTimer.Result hit = tableHit(n, budget);
            BatchTimer.Result map = n <= maxHashMap ? hashMapHit(n, budget) : null;
            BatchTimer.Result path = null;
            if (n <= maxPath) {
                if (policy == null) {
                    policy = new PolicyCompiler().compile(PipelineWorld.world(42), null, null);
                }
                try (JudgePath p = new JudgePath(policy, n, 7)) {
                    path = BatchTimer.measure(p::run, budget);
                    System.out.printf("  whole path: %d flows opened, %d tracked%n", n, p.tracked());
                }
            }
            System.gc(); // frees the last table's direct memory before the next is allocated
            BatchTimer.Result[] r = {hit, map, path};
            double[] l = new double[9];
            double[] t = new double[3];
            for (int s = 0; s < 3; s++) {
                l[3 * s] = r[s] == null ? Double.NaN : r[s].quantile(0.5);
                l[3 * s + 1] = r[s] == null ? Double.NaN : r[s].quantile(0.99);
                l[3 * s + 2] = r[s] == null ? Double.NaN : r[s].quantile(0.999);
                t[s] = r[s] == null ? Double.NaN : r[s].mpps();
                if (r[s] != null) {
                    largest[s] = r[s];
                }
            }
            largestSize = n;
            latency.row(n, l);
            throughput.row(n, t);
            System.out.printf("conntrack %d: hit p50 %.1f ns %.2f M/s; HashMap %s; whole path %s%n", n, hit.quantile(0.5),
                    hit.mpps(), map == null ? "-" : String.format("p50 %.1f ns %.2f M/s", map.quantile(0.5), map.mpps()),
                    path == null ? "-" : String.format("p50 %.1f ns %.2f Mpps", path.quantile(0.5), path.mpps()));
        }
        latency.write(o.file("conntrack-latency.csv"));
        throughput.write(o.file("conntrack-throughput.csv"));
        String[] files = {"conntrack-hit", "conntrack-hashmap", "conntrack-path"};
        String[] what = {"conntrack hit", "HashMap hit", "whole path"};
        for (int s = 0; s < 3; s++) {
            if (largest[s] != null) {
                BatchTimer.writeHistogram(o.file(files[s] + ".hgrm"), "Connection tracking: " + what[s]
                        + " latency per packet at the largest size measured", largest[s].histogram());
            }
        }
        RatioTable ratios = new RatioTable("Connection tracking: sgemu's table against a HashMap");
        ratios.note("conntrack hit vs HashMap hit at the largest size both measured; one thread");
        if (largest[0] != null && largest[1] != null) {
            int at = Math.min(largestSize, maxHashMap);
            ratios.note("measured at " + at + " live connections (the HashMap's largest)");
        }
        if (largest[1] != null) {
            // the table's figure at the HashMap's largest size: re-measured there for a like-for-like row
            int at = 0;
            for (int n : sizes) {
                if (n <= maxHashMap && n <= largestSize) {
                    at = n;
                }
            }
            BatchTimer.Result hit = tableHit(at, budget);
            ratios.rate("hit throughput at " + at + " connections", hit.mpps(), largest[1].mpps(), "M lookups/s");
            ratios.time("hit p50 at " + at + " connections", hit.quantile(0.5), largest[1].quantile(0.5), "ns");
            ratios.time("hit p99 at " + at + " connections", hit.quantile(0.99), largest[1].quantile(0.99), "ns");
        }
        ratios.write(o.file("conntrack-ratios.csv"));
    }

    private static BatchTimer.Result tableHit(int n, long budget) {
        ConnTrackTable table = new ConnTrackTable((int) (n * 3L / 2), 5 * S, 16);
        ConnTrackWorker worker = table.newWorker();
        long[] now = {1_700_000_000L * S};
        for (int i = 0; i < n; i++) {
            if (worker.insert(i & 15, 6, 4, 0, client(i), port(i), 0, 0x0A00_0001L, 443, ACK, ++now[0]) < 0) {
                throw new IllegalStateException("table full at " + i);
            }
        }
        return BatchTimer.measure((from, count) -> {
            long sum = 0;
            for (int k = 0; k < count; k++) {
                long i = mix(from + k) % n;
                long t = ++now[0];
                int eni = (int) (i & 15);
                int slot;
                if ((i & 16) == 0) {
                    slot = worker.lookup(eni, 6, 4, 0, client(i), port(i), 0, 0x0A00_0001L, 443, t, TIMEOUTS);
                    worker.update(slot, 4, 0, client(i), port(i), ACK, t);
                } else {
                    slot = worker.lookup(eni, 6, 4, 0, 0x0A00_0001L, 443, 0, client(i), port(i), t, TIMEOUTS);
                    worker.update(slot, 4, 0, 0x0A00_0001L, 443, ACK, t);
                }
                sum += slot;
            }
            return sum;
        }, budget);
    }

    private static BatchTimer.Result hashMapHit(int n, long budget) {
        Map<FlowKey, long[]> map = new HashMap<>();
        for (int i = 0; i < n; i++) {
            map.put(new FlowKey(i & 15, 6, client(i), port(i), 0x0A00_0001L, 443), new long[] {ACK, i});
        }
        long[] now = {0};
        return BatchTimer.measure((from, count) -> {
            long sum = 0;
            for (int k = 0; k < count; k++) {
                long i = mix(from + k) % n;
                int eni = (int) (i & 15);
                // either direction: the reverse tuple is tried after the forward one misses
                long[] state = (i & 16) == 0
                        ? map.get(new FlowKey(eni, 6, client(i), port(i), 0x0A00_0001L, 443))
                        : reverse(map, eni, i);
                state[0] |= ACK;
                state[1] = ++now[0];
                sum += state.length;
            }
            return sum;
        }, budget);
    }

    private static long[] reverse(Map<FlowKey, long[]> map, int eni, long i) {
        long[] s = map.get(new FlowKey(eni, 6, 0x0A00_0001L, 443, client(i), port(i)));
        return s != null ? s : map.get(new FlowKey(eni, 6, client(i), port(i), 0x0A00_0001L, 443));
    }

    /** Distinct clients per flow number: an odd multiplier is a bijection of 32 bits. */
    private static long client(long i) {
        return (i * 0x9E37_79B1L) & 0xFFFF_FFFFL;
    }

    private static int port(long i) {
        return 1024 + (int) ((i >>> 5) & 0x3FFF);
    }

    /** A random-looking, non-negative permutation of the counter (so lookups go all over the table). */
    private static long mix(long x) {
        x = (x ^ (x >>> 33)) * 0xff51afd7ed558ccdL;
        x = (x ^ (x >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return (x ^ (x >>> 33)) & Long.MAX_VALUE;
    }

    /** The JVM's direct-memory limit: -XX:MaxDirectMemorySize when given, else (as the JVM does) the max heap. */
    static long directLimit() {
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-XX:MaxDirectMemorySize=")) {
                return parseSize(arg.substring(arg.indexOf('=') + 1));
            }
        }
        return Runtime.getRuntime().maxMemory();
    }

    static long directUsed() {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                return pool.getMemoryUsed();
            }
        }
        return 0;
    }

    private static long parseSize(String s) {
        char unit = Character.toLowerCase(s.charAt(s.length() - 1));
        long k = switch (unit) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            case 't' -> 1L << 40;
            default -> 1;
        };
        return Long.parseLong(Character.isDigit(unit) ? s : s.substring(0, s.length() - 1)) * k;
    }
}
