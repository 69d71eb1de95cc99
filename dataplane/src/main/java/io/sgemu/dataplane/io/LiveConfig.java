package io.sgemu.dataplane.io;

import io.sgemu.dataplane.flowlog.FlowLogAggregator;
import io.sgemu.dataplane.flowlog.FlowLogSink;
import io.sgemu.dataplane.policy.Policy;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What {@link LiveDataplane#start} needs: listeners, the first policy, threads, forwarding, flow logs and
 * table sizes. A mutable builder; {@link LiveDataplane#start} checks it.
 *
 * <pre>{@code
 * LiveConfig c = new LiveConfig(policy)
 *         .listen(ListenerUri.parse("vxlan://0.0.0.0"))
 *         .workers(2).eventLoops(2)
 *         .forward(true).externalEndpoint(new InetSocketAddress("192.0.2.1", 4789));
 * }</pre>
 */
public final class LiveConfig {

    /** Which Netty transport: epoll where available (else NIO, with a warning), or NIO always. */
    public enum Transport { AUTO, NIO }

    final Policy policy;
    final List<ListenerUri> listeners = new ArrayList<>();
    int workers = 1;
    int eventLoops = 1;
    int[] vnis;
    boolean forward;
    InetSocketAddress externalEndpoint;
    FlowLogSink flowLogSink;
    int aggregationIntervalSeconds = FlowLogAggregator.TEN_MINUTES;
    boolean anyAggregationInterval;
    int conntrackCapacity = 1 << 20;
    int flowLogMaxRecords = io.sgemu.dataplane.flowlog.FlowLogAggregator.DEFAULT_MAX_RECORDS_PER_INTERVAL;
    long tcpCloseLingerNanos = 5_000_000_000L;
    int ringBytes = 1 << 22;
    int maxDatagramBytes = 9216;
    int datagramsPerRead = 16;
    int maxEndpoints = 1 << 16;
    Transport transport = Transport.AUTO;
    boolean discard;
    int vtepPort;
    Consumer<String> warnings = w -> { };
    VerdictTap verdictTap;

    public LiveConfig(Policy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    public LiveConfig listen(ListenerUri uri) {
        listeners.add(Objects.requireNonNull(uri));
        return this;
    }

    /** Worker threads that judge (1..64); flows are steered among them by a symmetric hash. */
    public LiveConfig workers(int n) {
        workers = n;
        return this;
    }

    /** Netty event loops that receive; with epoll each listener gets one SO_REUSEPORT socket per loop. */
    public LiveConfig eventLoops(int n) {
        eventLoops = n;
        return this;
    }

    /** The VNIs accepted on VXLAN and GENEVE listeners; null (the default) accepts every VNI. */
    public LiveConfig vnis(int[] accepted) {
        vnis = accepted == null ? null : accepted.clone();
        return this;
    }

    /** Send accepted packets on to the destination's learned endpoint. */
    public LiveConfig forward(boolean on) {
        forward = on;
        return this;
    }

    /**
     * Forward to each learned endpoint's IP at this fixed UDP port (1..65535) instead of the source port its
     * datagrams came from: a Linux VXLAN device sends from a port hashed from the inner flow but listens on its
     * {@code dstport}. 0 (the default): the source port.
     */
    public LiveConfig vtepPort(int port) {
        vtepPort = port;
        return this;
    }

    /**
     * Receive and drop every datagram unread (counted as received and {@code discarded}): the baseline of an
     * ingest benchmark, what the sockets and event loops alone reach.
     */
    public LiveConfig discard(boolean on) {
        discard = on;
        return this;
    }

    /** Where accepted packets to addresses of no ENI go (only with {@link #forward}); null: nowhere. */
    public LiveConfig externalEndpoint(InetSocketAddress endpoint) {
        externalEndpoint = endpoint;
        return this;
    }

    /** Flow-log records go to {@code sink} (called on the writer's thread), each interval of wall-clock time. */
    public LiveConfig flowLogs(FlowLogSink sink, int aggregationIntervalSeconds) {
        this.flowLogSink = sink;
        this.aggregationIntervalSeconds = aggregationIntervalSeconds;
        return this;
    }

    /**
     * Flow-log intervals of any length of at least one second, instead of AWS's 60 or 600: for tests and
     * demos that want to see records come out while serving.
     */
    public LiveConfig flowLogs(FlowLogSink sink, int intervalSeconds, boolean anyLength) {
        flowLogs(sink, intervalSeconds);
        anyAggregationInterval = anyLength;
        return this;
    }

    /**
     * Flow-log records (distinct flows) kept per aggregation interval over all workers, each worker holding its
     * share ({@link io.sgemu.dataplane.flowlog.FastFlowLogAggregator#perWorkerCapacity}); the observations of
     * further flows are counted as lost and shown by SKIPDATA records.
     */
    public LiveConfig flowLogMaxRecords(int records) {
        flowLogMaxRecords = records;
        return this;
    }

    public LiveConfig conntrackCapacity(int slots) {
        conntrackCapacity = slots;
        return this;
    }

    public LiveConfig tcpCloseLingerNanos(long nanos) {
        tcpCloseLingerNanos = nanos;
        return this;
    }

    /** Bytes of each worker's ring (a power of two); a full ring drops datagrams ({@code dropped.queue-full}). */
    public LiveConfig ringBytes(int bytes) {
        ringBytes = bytes;
        return this;
    }

    /** The largest datagram payload read whole (default 9216, jumbo frames); larger ones are cut by the socket. */
    public LiveConfig maxDatagramBytes(int bytes) {
        maxDatagramBytes = bytes;
        return this;
    }

    /** Datagrams read per system call with epoll's recvmmsg (default 16). */
    public LiveConfig datagramsPerRead(int n) {
        datagramsPerRead = n;
        return this;
    }

    /** Distinct tunnel endpoints remembered at most (default 65536). */
    public LiveConfig maxEndpoints(int n) {
        maxEndpoints = n;
        return this;
    }

    public LiveConfig transport(Transport t) {
        transport = Objects.requireNonNull(t);
        return this;
    }

    /** Where warnings go (e.g. "epoll is not available: using NIO"); by default nowhere. */
    public LiveConfig warnings(Consumer<String> sink) {
        warnings = Objects.requireNonNull(sink);
        return this;
    }

    /**
     * Every verdict, on its worker's thread, with the policy it was judged by (for tests: see
     * {@link VerdictTap}); null (the default): none.
     */
    public LiveConfig verdictTap(VerdictTap tap) {
        verdictTap = tap;
        return this;
    }

    void check() {
        if (listeners.isEmpty()) {
            throw new IllegalArgumentException("at least one listener is needed");
        }
        if (workers < 1 || workers > 64) {
            throw new IllegalArgumentException("workers must be 1..64, not " + workers);
        }
        if (eventLoops < 1 || eventLoops > 64) {
            throw new IllegalArgumentException("event loops must be 1..64, not " + eventLoops);
        }
        if (Integer.bitCount(ringBytes) != 1 || ringBytes < (1 << 16)) {
            throw new IllegalArgumentException("ring bytes must be a power of two of at least 65536, not " + ringBytes);
        }
        if (maxDatagramBytes < 128 || maxDatagramBytes > 65535) {
            throw new IllegalArgumentException("max datagram bytes must be 128..65535, not " + maxDatagramBytes);
        }
        if (anyAggregationInterval ? aggregationIntervalSeconds < 1
                : aggregationIntervalSeconds != 60 && aggregationIntervalSeconds != 600) {
            throw new IllegalArgumentException("the aggregation interval is 60 or 600 seconds, not " + aggregationIntervalSeconds);
        }
        if (vtepPort < 0 || vtepPort > 65535) {
            throw new IllegalArgumentException("the VTEP port must be 1..65535 (0: the source port), not " + vtepPort);
        }
        if (conntrackCapacity < 1024) {
            throw new IllegalArgumentException("the conntrack capacity must be at least 1024, not " + conntrackCapacity);
        }
        if (flowLogMaxRecords < 1) {
            throw new IllegalArgumentException("the flow-log records per interval must be at least 1, not " + flowLogMaxRecords);
        }
    }
}
