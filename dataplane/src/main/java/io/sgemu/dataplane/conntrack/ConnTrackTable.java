package io.sgemu.dataplane.conntrack;

import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.CLAIMED;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.CONTROL_OFFSET;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.EMPTY;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.ENI_CLOSING_OFFSET;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.HIGH_HI_OFFSET;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.HIGH_LO_OFFSET;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.HIGH_NO_PORT;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.IPV6;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.KEY_MASK;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.LOW_HI_OFFSET;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.LOW_LO_OFFSET;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.LOW_NO_PORT;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.OWNER_MASK;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.OWNER_SHIFT;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.PORTS_OFFSET;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.PROTOCOL_MASK;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.SLOT_LENGTH;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.SLOT_SHIFT;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.STATE_MASK;
import static io.sgemu.dataplane.conntrack.ConnTrackSlotLayout.TOMBSTONE;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The tracked connections of every ENI (SEMANTICS.md section 3), shared by all workers of the fast
 * dataplane: one open-addressing hash table of fixed 64-byte slots off the heap
 * ({@link ConnTrackSlotLayout}), plus per-ENI counts of entries. The operations are on each worker's
 * {@link ConnTrackWorker} ({@link #newWorker()}).
 *
 * <h2>Assumptions</h2>
 * <ul>
 *   <li>Flows are steered: every packet of one flow (both directions) is handled by one worker, so the entry
 *       of a flow is only ever looked up, written and removed by the worker that created it (its owner,
 *       recorded in the slot). Many workers share the table and its counters.</li>
 *   <li>Each worker's clock (its packets' capture time) never goes backwards; workers' clocks are unrelated.</li>
 *   <li>The capacity is fixed at construction: there is no resizing. An insert that finds no free slot
 *       within its probe window fails and the caller counts a drop.</li>
 * </ul>
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>A lookup is wait-free: at most {@link #probeWindow()} slots, no retries, no locks. It reads only the
 *       control word of slots it does not own (acquire), so it never reads a key another worker is writing;
 *       keys in slots it owns can only change by its own hand. A probe ends at the first empty slot, or at
 *       the largest distance from its first slot at which any key was ever placed
 *       ({@link #maxProbeDistance()}, raised by CAS, never lowered): no key lies beyond either.</li>
 *   <li>An insert is wait-free too: one probe proves the key absent, then it claims the first free slot
 *       (empty, or a tombstone) with a CAS of the control word (EMPTY or TOMBSTONE to CLAIMED). A failed CAS
 *       means another worker took the slot; the insert moves on to the next free slot, still inside the
 *       window. Fields are written plainly, then the control word is set to LIVE with a release store.</li>
 *   <li>A removal (expiry) sets the control word to TOMBSTONE with a release store, after the owner's last
 *       use of the slot; a slot never becomes EMPTY again, so a probe's proof of absence stays valid.</li>
 *   <li>The per-ENI counters ({@link #entries(int)}) are atomic (one add per insert and per removal); they
 *       count entries that are live or expired but not yet removed.</li>
 * </ul>
 *
 * <h2>What a concurrent reader may see</h2>
 * A worker probing for its own flow may see another worker's slot as CLAIMED (an insert in progress) or
 * LIVE, or see it become a TOMBSTONE or be reclaimed between two of its reads; every such slot is simply
 * not its flow, so the probe goes on. A counter read by another thread (metrics, allowance) is a value the
 * counter had; it moves with each worker's own clock (see {@link ConnTrackWorker} on the allowance).
 *
 * <h2>Example</h2>
 * Workers 0 and 1 insert flows A and B whose probes both start at slot 7, which is empty. Both CAS slot 7;
 * worker 0 wins, worker 1 sees the CAS fail and claims slot 8. A later lookup of B by worker 1 passes slot 7
 * (LIVE, not owned by 1) and finds B at 8. When A expires, slot 7 becomes a TOMBSTONE: a lookup of B still
 * passes it, and the next insert (by anyone) whose probe crosses slot 7 and proves its key absent reuses it.
 *
 * <h2>Tombstones</h2>
 * Tombstones are only ever reused, never turned back into empty slots (that would need two slots changed
 * atomically, and a concurrent insert could place a key beyond the new empty slot). Under long churn the
 * empty slots may all become tombstones; probes then stop at the largest placement distance instead, which
 * stays small because inserts take the first free slot, tombstone or not.
 */
public final class ConnTrackTable {

    /** Slots per off-heap block: 2^24 slots of 64 bytes, 1 GiB, below the 2 GiB limit of one ByteBuffer. */
    static final int DEFAULT_BLOCK_SHIFT = 24;
    /** How far a probe goes at most. */
    public static final int DEFAULT_PROBE_WINDOW = 256;

    private final int capacity;
    private final int probeWindow;
    private final long tcpCloseLingerNanos;
    private final int maxEnis;
    final UnsafeBuffer[] blocks;
    final int blockShift;
    final int blockMask;
    /** Entries per ENI (live or not yet removed); atomic adds, volatile reads. */
    private final AtomicLongArray entriesPerEni;
    private final AtomicInteger workers = new AtomicInteger();
    /**
     * The largest distance from its first slot at which any key has been placed; only grows (CAS). Probes stop
     * there, so tombstones, which never turn back into empty slots, do not lengthen them without bound.
     */
    private final AtomicInteger maxDistance = new AtomicInteger();

    /**
     * @param capacity            the number of slots (any positive int); 64 bytes each, off the heap
     * @param tcpCloseLingerNanos how long a TCP entry lingers after RST, or FIN both ways
     * @param maxEnis             ENI numbers run from 0 to {@code maxEnis - 1}
     */
    public ConnTrackTable(int capacity, long tcpCloseLingerNanos, int maxEnis) {
        this(capacity, tcpCloseLingerNanos, maxEnis, DEFAULT_PROBE_WINDOW, DEFAULT_BLOCK_SHIFT);
    }

    /** As above, with the probe window and the block size (2^{@code blockShift} slots) chosen, for tests. */
    ConnTrackTable(int capacity, long tcpCloseLingerNanos, int maxEnis, int probeWindow, int blockShift) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        if (tcpCloseLingerNanos < 0 || tcpCloseLingerNanos >= ConnTrackSlotLayout.MAX_LINGER_NANOS) {
            throw new IllegalArgumentException("TCP close linger must be 0 to " + ConnTrackSlotLayout.MAX_LINGER_NANOS
                    + " ns: " + tcpCloseLingerNanos);
        }
        if (maxEnis <= 0 || maxEnis > ConnTrackSlotLayout.MAX_ENIS) {
            throw new IllegalArgumentException("maxEnis must be 1 to " + ConnTrackSlotLayout.MAX_ENIS + ": " + maxEnis);
        }
        if (probeWindow <= 0) {
            throw new IllegalArgumentException("probe window must be positive: " + probeWindow);
        }
        if (blockShift < 1 || blockShift > DEFAULT_BLOCK_SHIFT) {
            throw new IllegalArgumentException("block shift must be 1 to " + DEFAULT_BLOCK_SHIFT + ": " + blockShift);
        }
        this.capacity = capacity;
        this.probeWindow = Math.min(probeWindow, capacity);
        this.tcpCloseLingerNanos = tcpCloseLingerNanos;
        this.maxEnis = maxEnis;
        this.blockShift = blockShift;
        this.blockMask = (1 << blockShift) - 1;
        int blockCount = (int) ((capacity + (long) blockMask) >>> blockShift);
        this.blocks = new UnsafeBuffer[blockCount];
        for (int i = 0; i < blockCount; i++) {
            int slots = Math.min(1 << blockShift, capacity - (i << blockShift));
            // allocateDirect zeroes the memory: every control word starts EMPTY.
            ByteBuffer bytes = ByteBuffer.allocateDirect(slots * SLOT_LENGTH);
            blocks[i] = new UnsafeBuffer(bytes);
        }
        this.entriesPerEni = new AtomicLongArray(maxEnis);
    }

    /** A worker's handle on the table; one per worker thread, never shared. */
    public ConnTrackWorker newWorker() {
        int id = workers.getAndIncrement();
        if (id >= ConnTrackSlotLayout.MAX_WORKERS) {
            throw new IllegalStateException("at most " + ConnTrackSlotLayout.MAX_WORKERS + " workers per table");
        }
        return new ConnTrackWorker(this, id);
    }

    public int capacity() {
        return capacity;
    }

    public int probeWindow() {
        return probeWindow;
    }

    public long tcpCloseLingerNanos() {
        return tcpCloseLingerNanos;
    }

    public int maxEnis() {
        return maxEnis;
    }

    /** Bytes per entry: one slot. */
    public static int bytesPerEntry() {
        return SLOT_LENGTH;
    }

    /** Off-heap bytes held by the slots. */
    public long memoryBytes() {
        return (long) capacity * SLOT_LENGTH;
    }

    /** The ENI's entries: live, or expired and not yet removed by their worker (volatile read). */
    public long entries(int eni) {
        return entriesPerEni.get(eni);
    }

    /** All entries, live or not yet removed: the sum of the per-ENI counters (not one atomic snapshot). */
    public int size() {
        long sum = 0;
        for (int i = 0; i < maxEnis; i++) {
            sum += entriesPerEni.get(i);
        }
        return (int) sum;
    }

    // ------------------------------------------------------------------ for the workers

    void countInsert(int eni) {
        entriesPerEni.getAndIncrement(eni);
    }

    void countRemoval(int eni) {
        entriesPerEni.getAndDecrement(eni);
    }

    UnsafeBuffer block(int slot) {
        return blocks[slot >>> blockShift];
    }

    int offset(int slot) {
        return (slot & blockMask) << SLOT_SHIFT;
    }

    /** The control word (acquire): what any thread may read of any slot. */
    int control(int slot) {
        return blocks[slot >>> blockShift].getIntAcquire(((slot & blockMask) << SLOT_SHIFT) + CONTROL_OFFSET);
    }

    private int nextSlot(int slot) {
        int n = slot + 1;
        return n == capacity ? 0 : n;
    }

    /** The first slot of a key's probe. */
    int home(int eni, int keyBits, int ports, long lowHi, long lowLo, long highHi, long highLo) {
        long h = hash(eni, keyBits, ports, lowHi, lowLo, highHi, highLo);
        // Lemire's multiply-shift range reduction: any capacity, no division.
        return (int) (((h >>> 32) * capacity) >>> 32);
    }

    /**
     * The hash of a key. Decision: the ENI is left out, so the two entries of a flow between two ENIs (one
     * on each, SEMANTICS.md section 3) start their probes at the same slot and lie side by side: the second
     * lookup of a packet finds its entry in the cache line next to the first. Keys still compare the ENI.
     */
    static long hash(int eni, int keyBits, int ports, long lowHi, long lowLo, long highHi, long highLo) {
        long h = (ports & 0xFFFF_FFFFL)
                ^ ((long) (keyBits & (PROTOCOL_MASK | IPV6 | LOW_NO_PORT | HIGH_NO_PORT)) << 24);
        h *= 0x9E37_79B9_7F4A_7C15L;
        h = Long.rotateLeft(h ^ lowLo, 31) * 0xC2B2_AE3D_27D4_EB4FL;
        h = Long.rotateLeft(h ^ highLo, 27) * 0x9E37_79B9_7F4A_7C15L;
        h = Long.rotateLeft(h ^ lowHi, 31) * 0xC2B2_AE3D_27D4_EB4FL;
        h = Long.rotateLeft(h ^ highHi, 27) * 0x1656_67B1_9E37_79F9L;
        h ^= h >>> 33;
        h *= 0xFF51_AFD7_ED55_8CCDL;
        return h ^ (h >>> 29);
    }

    /**
     * The live slot of the calling worker that holds the key, or -1. {@code keyBits} carries the owner, so
     * only the caller's own slots are compared field by field.
     */
    int find(int keyBits, int eni, int ports, long lowHi, long lowLo, long highHi, long highLo, int home) {
        int slot = home;
        int limit = probeLimit();
        for (int i = 0; i < limit; i++) {
            UnsafeBuffer b = blocks[slot >>> blockShift];
            int o = (slot & blockMask) << SLOT_SHIFT;
            int c = b.getIntAcquire(o + CONTROL_OFFSET);
            if ((c & STATE_MASK) == EMPTY) {
                return -1;
            }
            if ((c & KEY_MASK) == keyBits && sameKey(b, o, eni, ports, lowHi, lowLo, highHi, highLo)) {
                return slot;
            }
            slot = nextSlot(slot);
        }
        return -1;
    }

    /**
     * How far a probe for a key must go: no key lies further from its first slot than the largest distance
     * any insert has used (volatile read; the worker that placed a key raised it before, in its own order).
     */
    private int probeLimit() {
        return Math.min(probeWindow, maxDistance.get() + 1);
    }

    /**
     * Proves the key absent and claims a free slot for it (control word CLAIMED, owner set), or finds it live.
     *
     * @return the claimed slot; {@code -2 - slot} when the caller already holds the key live in {@code slot};
     *         -1 when no slot of the window is free
     */
    int claim(int keyBits, int eni, int ports, long lowHi, long lowLo, long highHi, long highLo, int home) {
        int slot = home;
        int limit = probeLimit();
        int free = -1;
        int freeAt = 0;
        for (int i = 0; i < probeWindow; i++) {
            UnsafeBuffer b = blocks[slot >>> blockShift];
            int o = (slot & blockMask) << SLOT_SHIFT;
            int c = b.getIntAcquire(o + CONTROL_OFFSET);
            int state = c & STATE_MASK;
            if (state == EMPTY) {
                if (free < 0) {
                    free = slot;
                    freeAt = i;
                }
                break;
            }
            if (state == TOMBSTONE) {
                if (free < 0) {
                    free = slot;
                    freeAt = i;
                }
            } else if ((c & KEY_MASK) == keyBits && sameKey(b, o, eni, ports, lowHi, lowLo, highHi, highLo)) {
                return -2 - slot;
            }
            if (free >= 0 && i + 1 >= limit) {
                break; // absent (no key lies further), and a free slot is known
            }
            slot = nextSlot(slot);
        }
        if (free < 0) {
            return -1;
        }
        int claimed = CLAIMED | (keyBits & OWNER_MASK);
        slot = free;
        for (int i = freeAt; i < probeWindow; i++) {
            UnsafeBuffer b = blocks[slot >>> blockShift];
            int o = (slot & blockMask) << SLOT_SHIFT;
            int c = b.getIntAcquire(o + CONTROL_OFFSET);
            // A tombstone's control word is exactly TOMBSTONE, an empty one exactly EMPTY.
            if ((c == EMPTY || c == TOMBSTONE) && b.compareAndSetInt(o + CONTROL_OFFSET, c, claimed)) {
                raiseMaxDistance(i);
                return slot;
            }
            // Taken by another worker since the probe (or never free): every slot before the next free one is
            // occupied, so the key may go there and still be found.
            slot = nextSlot(slot);
        }
        return -1;
    }

    /**
     * Claims the first free slot from {@code home} for a key the caller has just proved absent (a lookup that
     * found nothing, with no insert of its own since): no second probe for the key.
     *
     * @return the claimed slot, or -1 when no slot of the window is free
     */
    int claimFree(int keyBits, int home) {
        int claimed = CLAIMED | (keyBits & OWNER_MASK);
        int slot = home;
        for (int i = 0; i < probeWindow; i++) {
            UnsafeBuffer b = blocks[slot >>> blockShift];
            int o = (slot & blockMask) << SLOT_SHIFT;
            int c = b.getIntAcquire(o + CONTROL_OFFSET);
            if ((c == EMPTY || c == TOMBSTONE) && b.compareAndSetInt(o + CONTROL_OFFSET, c, claimed)) {
                raiseMaxDistance(i);
                return slot;
            }
            slot = nextSlot(slot);
        }
        return -1;
    }

    private void raiseMaxDistance(int distance) {
        int max;
        while (distance > (max = maxDistance.get())) {
            if (maxDistance.compareAndSet(max, distance)) {
                return;
            }
        }
    }

    /** The largest distance from its first slot at which an insert has placed a key (volatile read). */
    public int maxProbeDistance() {
        return maxDistance.get();
    }

    private static boolean sameKey(UnsafeBuffer b, int o, int eni, int ports, long lowHi, long lowLo, long highHi,
                                   long highLo) {
        // Plain reads: the caller owns this live slot, and only the owner writes it.
        return b.getInt(o + PORTS_OFFSET) == ports
                && b.getLong(o + LOW_LO_OFFSET) == lowLo
                && b.getLong(o + HIGH_LO_OFFSET) == highLo
                && b.getLong(o + LOW_HI_OFFSET) == lowHi
                && b.getLong(o + HIGH_HI_OFFSET) == highHi
                && ConnTrackSlotLayout.eni(b.getLong(o + ENI_CLOSING_OFFSET)) == eni;
    }

    static int ownerBits(int owner) {
        return owner << OWNER_SHIFT;
    }
}
