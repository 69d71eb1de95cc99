package io.sgemu.dataplane.io;

import io.sgemu.dataplane.pipeline.Verdicts;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The live dataplane's counters: datagrams received, verdicts, rejections by stage, skips and drops by
 * reason, packets forwarded. Every counter has a fixed index and a name (the summary and metrics print the
 * names).
 *
 * <h2>Threading</h2>
 * Each thread that counts (an event loop's receive handler, a worker) owns a {@link Block}: it is the only
 * writer of its block, so an increment is a plain read and a release store ({@code lazySet}) of one slot, no
 * CAS, no shared cache line between threads (each block is its own array, padded). A reader
 * ({@link #snapshot()}, any thread) sums the blocks with volatile loads: it sees every increment published
 * before its load of that slot; totals read while packets flow are a moment's values, never torn (longs
 * are read and written whole), and after {@link LiveDataplane#close()} (whose joins order everything) they
 * are final.
 *
 * <h2>The identity, and the order of writes that makes it checkable</h2>
 * <pre>
 *   received = discarded + dropped before judging (malformed-vxlan, malformed-geneve, malformed, not-ip,
 *              unknown-vni, queue-full, too-large) + judged + (in the queues)
 *   judged   = accepted + rejected + skipped
 *   rejected = sum of rejected.STAGE + rejected.fragment-without-first
 *   skipped  = skipped.no-eni + skipped.reserved-address + skipped.other
 * </pre>
 * (no-endpoint and send-backlog count accepted packets that could not be forwarded: they are not in the
 * identity.) Every counting thread increments a total <em>before</em> its parts: the receiver counts
 * {@code received} before a drop reason or the hand-off to a worker's ring (whose commit is a release, the
 * worker's read an acquire); a worker counts {@code judged} before it judges, a verdict total before its
 * stage or reason. A reader that loads the parts first and the totals after (as {@code LiveMetrics} does)
 * therefore always sees each total at least the sum of its parts; equality holds once the traffic stops.
 */
public final class LiveCounters {

    /** Datagrams read from the listeners. */
    public static final int RECEIVED = 0;
    /** Packets handed to a worker and judged. */
    public static final int JUDGED = 1;
    public static final int ACCEPTED = 2;
    public static final int REJECTED = 3;
    /** Judged but neither accepted nor rejected: traffic of no ENI or to reserved VPC addresses. */
    public static final int SKIPPED = 4;
    /** Accepted packets sent on to an endpoint. */
    public static final int FORWARDED = 5;
    /** First of the {@link Verdicts#STAGE_COUNT} rejection counters, in stage order. */
    public static final int REJECTED_AT = 6;
    /** First of the skip-reason counters ({@code no-eni}, {@code reserved-address}). */
    public static final int SKIPPED_NO_ENI = REJECTED_AT + Verdicts.STAGE_COUNT;
    public static final int SKIPPED_RESERVED = SKIPPED_NO_ENI + 1;
    /** Drops: datagrams that are not valid VXLAN / GENEVE / IP, and packets that could not be delivered. */
    public static final int DROPPED_MALFORMED_VXLAN = SKIPPED_RESERVED + 1;
    public static final int DROPPED_MALFORMED_GENEVE = DROPPED_MALFORMED_VXLAN + 1;
    public static final int DROPPED_MALFORMED = DROPPED_MALFORMED_GENEVE + 1;
    public static final int DROPPED_NOT_IP = DROPPED_MALFORMED + 1;
    /** A VNI no {@code --vni} mapping names. */
    public static final int DROPPED_UNKNOWN_VNI = DROPPED_NOT_IP + 1;
    /** The worker's ring was full: the event loop never waits. */
    public static final int DROPPED_QUEUE_FULL = DROPPED_UNKNOWN_VNI + 1;
    /** A datagram larger than a ring message may be. */
    public static final int DROPPED_TOO_LARGE = DROPPED_QUEUE_FULL + 1;
    /** Accepted, but no endpoint is known for the destination (not learned yet; external without one). */
    public static final int DROPPED_NO_ENDPOINT = DROPPED_TOO_LARGE + 1;
    /** Accepted, but the listener's channel had too much queued to send (its high-water mark). */
    public static final int DROPPED_SEND_BACKLOG = DROPPED_NO_ENDPOINT + 1;
    /** The source's endpoint could not be learned: the endpoint table is full. */
    public static final int ENDPOINT_TABLE_FULL = DROPPED_SEND_BACKLOG + 1;
    /** An ENI seen behind another endpoint than the one learned before (the newer one wins). */
    public static final int ENDPOINT_MOVES = ENDPOINT_TABLE_FULL + 1;
    /** Errors a listener's socket reported (a failed send, a read error); the listener keeps going. */
    public static final int IO_ERRORS = ENDPOINT_MOVES + 1;
    /** Datagrams received and dropped unread because the dataplane runs with {@link LiveConfig#discard}. */
    public static final int DISCARDED = IO_ERRORS + 1;
    /** Rejected before any stage: a later fragment without its first fragment. */
    public static final int REJECTED_BEFORE_STAGES = DISCARDED + 1;
    /** Judged and skipped for another reason than no-eni or reserved-address (never expected: the receiver drops those). */
    public static final int SKIPPED_OTHER = REJECTED_BEFORE_STAGES + 1;
    public static final int COUNT = SKIPPED_OTHER + 1;

    private static final String[] NAMES = names();
    /** Slots of padding after a block's counters, so two blocks never share a cache line. */
    private static final int PAD = 16;

    private final CopyOnWriteArrayList<Block> blocks = new CopyOnWriteArrayList<>();

    private static String[] names() {
        String[] n = new String[COUNT];
        n[RECEIVED] = "received";
        n[JUDGED] = "judged";
        n[ACCEPTED] = "accepted";
        n[REJECTED] = "rejected";
        n[SKIPPED] = "skipped";
        n[FORWARDED] = "forwarded";
        for (int s = 0; s < Verdicts.STAGE_COUNT; s++) {
            n[REJECTED_AT + s] = "rejected." + Verdicts.STAGES[s];
        }
        n[SKIPPED_NO_ENI] = "skipped.no-eni";
        n[SKIPPED_RESERVED] = "skipped.reserved-address";
        n[DROPPED_MALFORMED_VXLAN] = "dropped.malformed-vxlan";
        n[DROPPED_MALFORMED_GENEVE] = "dropped.malformed-geneve";
        n[DROPPED_MALFORMED] = "dropped.malformed";
        n[DROPPED_NOT_IP] = "dropped.not-ip";
        n[DROPPED_UNKNOWN_VNI] = "dropped.unknown-vni";
        n[DROPPED_QUEUE_FULL] = "dropped.queue-full";
        n[DROPPED_TOO_LARGE] = "dropped.too-large";
        n[DROPPED_NO_ENDPOINT] = "dropped.no-endpoint";
        n[DROPPED_SEND_BACKLOG] = "dropped.send-backlog";
        n[ENDPOINT_TABLE_FULL] = "endpoint-table-full";
        n[ENDPOINT_MOVES] = "endpoint-moves";
        n[IO_ERRORS] = "io-errors";
        n[DISCARDED] = "discarded";
        n[REJECTED_BEFORE_STAGES] = "rejected.fragment-without-first";
        n[SKIPPED_OTHER] = "skipped.other";
        return n;
    }

    /** The name of counter {@code index}, e.g. {@code rejected.sg-ingress} or {@code dropped.queue-full}. */
    public static String name(int index) {
        return NAMES[index];
    }

    /** The index of the counter named {@code name}, or -1. */
    public static int index(String name) {
        for (int i = 0; i < COUNT; i++) {
            if (NAMES[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** A new block for one counting thread (not on the packet path). */
    Block newBlock() {
        Block b = new Block();
        blocks.add(b);
        return b;
    }

    /** The sum over every block of counter {@code index} (volatile loads). */
    public long get(int index) {
        long sum = 0;
        for (Block b : blocks) {
            sum += b.values.get(index);
        }
        return sum;
    }

    /** The counter named {@code name} ({@link #name}); 0 for an unknown name. */
    public long get(String name) {
        int i = index(name);
        return i < 0 ? 0 : get(i);
    }

    /** Every counter by name, in index order (allocates: for summaries and metrics, not the packet path). */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < COUNT; i++) {
            m.put(NAMES[i], get(i));
        }
        return m;
    }

    /** One thread's counters: that thread alone increments them. */
    static final class Block {
        private final AtomicLongArray values = new AtomicLongArray(COUNT + PAD);

        /** Adds one: a plain load and a release store, as only the owning thread writes. */
        void increment(int index) {
            values.lazySet(index, values.getPlain(index) + 1);
        }

        long get(int index) {
            return values.get(index);
        }
    }
}
