package io.sgemu.dataplane.io;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import org.agrona.collections.Long2LongHashMap;

/**
 * Where each ENI lives: behind which tunnel endpoint (the outer IP and UDP port it sends from), learned
 * from the packets the emulator receives, for forwarding accepted packets to their destination.
 *
 * <h2>What is learned</h2>
 * A packet whose inner source is an address of an ENI teaches "that ENI is behind this datagram's outer
 * source". The table is kept per ENI (by its number in the compiled policy, stable across policy
 * snapshots), not per address: an ENI's addresses (primary, secondary, public) are one interface on one
 * host, so learning one teaches all. It is bounded twice: by the ENIs of the policy, and by
 * {@code maxEndpoints} distinct endpoints (beyond, a new endpoint is not learned and the caller counts it).
 *
 * <h2>When an ENI moves</h2>
 * The latest packet wins: when an ENI's packets arrive from another endpoint, the table points at the new
 * one from that packet on (the caller counts a move). Packets already handed to other workers may still be
 * sent to the old endpoint; nothing else remembers it. Endpoints themselves are never forgotten (they are
 * few: the hosts of a fleet), which keeps their ids stable.
 *
 * <h2>Threading</h2>
 * <ul>
 *   <li>ENI to endpoint: one {@code int} per ENI in an array, read with an acquire load and written with a
 *       release store only when it changes (so steady traffic writes nothing shared). Any worker may write
 *       (learning) and read (forwarding); two workers learning different endpoints for one ENI at once
 *       leave either one, as packets racing on the wire would. The array grows (copy, volatile publish)
 *       when a policy with more ENIs comes; a learn racing with a growth may be lost and is made again by
 *       the ENI's next packet.</li>
 *   <li>Endpoint registry (id to {@link InetSocketAddress}): registration is rare and synchronized; the
 *       address is stored before the id is handed out, and an id reaches another worker only through the
 *       release store above (or the lock), so a reader that loads an id sees its address.</li>
 *   <li>{@link Cache}: a worker's own map from IPv4 endpoint to id, so that steady traffic finds its
 *       endpoint id without the lock and without allocation. IPv6 endpoints take the lock each time.</li>
 * </ul>
 */
public final class EndpointTable {

    /** No endpoint known. */
    public static final int NONE = -1;

    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);

    private final int maxEndpoints;
    /** id -> address; element {@code id} written (under the lock) before {@code id} is published. */
    private final InetSocketAddress[] addresses;
    /** Guarded by {@code this}. */
    private final Map<InetSocketAddress, Integer> ids = new HashMap<>();
    /** Guarded by {@code this}. */
    private int endpointCount;
    /** ENI number -> endpoint id + 1 (0: none). Elements: acquire/release; the reference: volatile. */
    private volatile int[] eniEndpoints;

    public EndpointTable(int maxEndpoints, int eniCapacity) {
        if (maxEndpoints < 1) {
            throw new IllegalArgumentException("maxEndpoints must be at least 1");
        }
        this.maxEndpoints = maxEndpoints;
        this.addresses = new InetSocketAddress[maxEndpoints];
        this.eniEndpoints = new int[Math.max(16, eniCapacity)];
    }

    /** The id of endpoint {@code address}, registering it; {@link #NONE} when the table is full. */
    public synchronized int register(InetSocketAddress address) {
        Integer id = ids.get(address);
        if (id != null) {
            return id;
        }
        if (endpointCount == maxEndpoints) {
            return NONE;
        }
        int next = endpointCount++;
        addresses[next] = address;
        ids.put(address, next);
        return next;
    }

    /** The endpoint of an IPv4 address (in the low 32 bits of {@code ipv4}) and port, registering it. */
    public int registerIpv4(int ipv4, int port) {
        byte[] b = {(byte) (ipv4 >>> 24), (byte) (ipv4 >>> 16), (byte) (ipv4 >>> 8), (byte) ipv4};
        try {
            return register(new InetSocketAddress(InetAddress.getByAddress(b), port));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }

    /** The address of endpoint {@code id} (an id this table handed out). */
    public InetSocketAddress address(int id) {
        return addresses[id];
    }

    /** Endpoints registered so far. */
    public synchronized int endpointCount() {
        return endpointCount;
    }

    /**
     * Learns that ENI {@code eni} is behind endpoint {@code id}. Answers whether it was known behind
     * another endpoint before (a move).
     */
    public boolean learn(int eni, int id) {
        int[] table = eniEndpoints;
        if (eni >= table.length) {
            table = grow(eni + 1);
        }
        int old = (int) INTS.getAcquire(table, eni);
        if (old == id + 1) {
            return false;
        }
        INTS.setRelease(table, eni, id + 1);
        return old != 0;
    }

    /** The endpoint id of ENI {@code eni}, or {@link #NONE}. */
    public int endpointOf(int eni) {
        int[] table = eniEndpoints;
        if (eni < 0 || eni >= table.length) {
            return NONE;
        }
        return (int) INTS.getAcquire(table, eni) - 1;
    }

    private synchronized int[] grow(int needed) {
        int[] table = eniEndpoints;
        if (needed > table.length) {
            int[] bigger = new int[Math.max(needed, table.length * 2)];
            for (int i = 0; i < table.length; i++) {
                bigger[i] = (int) INTS.getAcquire(table, i);
            }
            eniEndpoints = bigger;
            table = bigger;
        }
        return table;
    }

    /**
     * One worker's map from IPv4 endpoint (address and port) to endpoint id: lock-free and allocation-free
     * once an endpoint has been seen (Agrona's open-addressing map of primitives). Not thread-safe: one per
     * worker.
     */
    public static final class Cache {
        private final EndpointTable table;
        private final Long2LongHashMap ids = new Long2LongHashMap(64, 0.6f, NONE);

        public Cache(EndpointTable table) {
            this.table = table;
        }

        /** The id of IPv4 endpoint {@code ipv4:port}, registering it the first time; {@link #NONE} when full. */
        public int ipv4(int ipv4, int port) {
            long key = ((ipv4 & 0xFFFF_FFFFL) << 16) | (port & 0xFFFF);
            long id = ids.get(key);
            if (id == NONE) {
                id = table.registerIpv4(ipv4, port);
                if (id != NONE) {
                    ids.put(key, id);
                }
            }
            return (int) id;
        }
    }
}
