package io.sgemu.dataplane.io;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.sgemu.dataplane.conntrack.ConnTrackTable;
import io.sgemu.dataplane.conntrack.ConnTrackWorker;
import io.sgemu.dataplane.conntrack.TrackedEntry;
import io.sgemu.dataplane.flowlog.FastFlowLogAggregator;
import io.sgemu.dataplane.flowlog.FlowLogWriterAgent;
import io.sgemu.dataplane.pipeline.PacketJudge;
import io.sgemu.dataplane.pipeline.StageCounters;
import io.sgemu.dataplane.policy.Policy;
import java.io.Flushable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.agrona.collections.IntHashSet;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * The live dataplane: packets arrive in UDP datagrams (raw IP, VXLAN or GENEVE) on Netty listeners, are
 * judged as AWS would judge them (SEMANTICS.md section 5, the fast path's {@link PacketJudge}), counted,
 * logged in flow logs on wall-clock time and, with forwarding on, sent on to their destination's tunnel
 * endpoint.
 *
 * <h2>Use</h2>
 * <pre>{@code
 * try (LiveDataplane live = LiveDataplane.start(new LiveConfig(policy)
 *         .listen(ListenerUri.parse("vxlan://127.0.0.1:0")).forward(true))) {
 *     int port = live.boundPorts().get(0);      // the real port, port 0 having been asked for
 *     ...                                       // send datagrams
 *     live.setPolicy(nextPolicy);               // takes effect from each worker's next batch
 *     long accepted = live.counters().get(LiveCounters.ACCEPTED);
 * }                                             // close(): stop receiving, drain, flush flow logs
 * }</pre>
 *
 * <h2>Threads and hand-off</h2>
 * <pre>
 *  event loop 0 ─┐  decode, steer by the inner flow's symmetric hash   ┌─> ring 0 ─> worker 0 ─┐ judge, learn,
 *  event loop 1 ─┼────────────────────────────────────────────────────┼─> ring 1 ─> worker 1 ─┤ forward, flow-log
 *  ...           ┘  (copy the datagram: tryClaim / putBytes / commit)  └─> ...                 └─> flow-log ring ─> writer
 * </pre>
 * With epoll each listener has one {@code SO_REUSEPORT} socket per event loop (the kernel spreads flows
 * over them) read with {@code recvmmsg}; with NIO, one socket per listener. Each worker has an Agrona
 * {@link ManyToOneRingBuffer}: every event loop may write to every ring, so a flow's two directions, which
 * may arrive on different sockets, still meet the same worker, whose connection-tracking entries only it
 * touches. A full ring drops the datagram and counts it: the event loop never blocks.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Policy: one volatile reference ({@link #setPolicy} is a volatile store; each worker loads it once
 *       per batch of at most {@link LiveWorker#BATCH} datagrams, so a batch is judged against one policy and
 *       a new policy is in force on every worker within one batch of its store; {@link #awaitPolicy} waits for
 *       that, after which no datagram is judged against an older policy).</li>
 *   <li>Counters: see {@link LiveCounters} (single writer per block, readers anywhere).</li>
 *   <li>{@link #close()}: closes the sockets and waits for the event loops to end (no datagram is read
 *       after), then tells the workers to stop; each drains its ring, finishes its flow-log intervals and
 *       ends; the flow-log writer is waited for and the sink flushed. Joining the threads orders everything
 *       they did before whatever follows {@code close()}.</li>
 *   <li>IP fragments are judged each on its own (a later fragment, without ports, as a portless packet):
 *       the capture replay's fragment tracking needs one dispatcher that sees every packet in order, which
 *       the live path does not have.</li>
 *   <li>All VPCs share one address space (the compiled policy's); VNIs only select which datagrams are
 *       accepted ({@link LiveConfig#vnis}).</li>
 * </ul>
 */
public final class LiveDataplane implements AutoCloseable, LiveContext {

    private static final int FLOW_LOG_RING_BYTES = 1 << 22;

    private final LiveConfig config;
    private final LiveCounters counters = new LiveCounters();
    private final LiveClock clock = new LiveClock();
    private final String transportName;
    private final EventLoopGroup group;
    private final List<Channel[]> channels = new ArrayList<>();
    private final List<Integer> boundPorts = new ArrayList<>();
    private final List<String> boundListeners = new ArrayList<>();
    private final LiveWorker[] workers;
    private final Thread[] threads;
    private final ConnTrackTable conntrack;
    private final EndpointTable endpoints;
    private final IngestLatency latency;
    private FlowLogWriterAgent flowLogWriter;
    private AgentRunner flowLogRunner;
    private final WriterFailure writerFailure = new WriterFailure();
    private volatile Policy policy;
    private boolean closed;

    private LiveDataplane(LiveConfig config, boolean epoll) {
        this.config = config;
        this.policy = config.policy;
        this.transportName = epoll ? "epoll" : "nio";
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(config.eventLoops, new DefaultThreadFactory("sgemu-io", true), io);
        this.conntrack = new ConnTrackTable(config.conntrackCapacity, config.tcpCloseLingerNanos,
                Math.max(1024, config.policy.eniCount() * 4));
        this.endpoints = new EndpointTable(config.maxEndpoints, config.policy.eniCount() * 2);
        this.workers = new LiveWorker[config.workers];
        this.threads = new Thread[config.workers];
        this.latency = new IngestLatency(workers);
    }

    /**
     * Binds the listeners and starts the event loops, the workers and the flow-log writer.
     *
     * @throws IllegalArgumentException for a bad configuration
     * @throws IOException when a listener cannot be bound (the message names it)
     */
    public static LiveDataplane start(LiveConfig config) throws IOException {
        config.check();
        boolean epoll = config.transport == LiveConfig.Transport.AUTO && Epoll.isAvailable();
        if (!epoll && config.transport == LiveConfig.Transport.AUTO) {
            Throwable cause = Epoll.unavailabilityCause();
            config.warnings.accept("epoll is not available (" + (cause == null ? "unknown reason" : cause.getMessage())
                    + "): using NIO, one socket per listener, no recvmmsg batching");
        }
        LiveDataplane live = new LiveDataplane(config, epoll);
        try {
            live.startAll();
        } catch (IOException | RuntimeException e) {
            live.close();
            throw e;
        }
        return live;
    }

    private void startAll() throws IOException {
        int n = config.workers;
        ManyToOneRingBuffer[] rings = new ManyToOneRingBuffer[n];
        for (int w = 0; w < n; w++) {
            rings[w] = new ManyToOneRingBuffer(new UnsafeBuffer(
                    ByteBuffer.allocateDirect(config.ringBytes + RingBufferDescriptor.TRAILER_LENGTH)));
        }
        FastFlowLogAggregator[] aggregators = null;
        if (config.flowLogSink != null) {
            ManyToOneRingBuffer flowRing = new ManyToOneRingBuffer(new UnsafeBuffer(
                    ByteBuffer.allocateDirect(FLOW_LOG_RING_BYTES + RingBufferDescriptor.TRAILER_LENGTH)));
            aggregators = new FastFlowLogAggregator[n];
            int interval = config.aggregationIntervalSeconds;
            for (int w = 0; w < n; w++) {
                FastFlowLogAggregator.Builder b = FastFlowLogAggregator.builder(flowRing, w);
                aggregators[w] = (config.anyAggregationInterval ? b.anyIntervalSeconds(interval) : b.intervalSeconds(interval))
                        .maxRecordsPerInterval(FastFlowLogAggregator.perWorkerCapacity(config.flowLogMaxRecords, n))
                        .build();
            }
            FlowLogWriterAgent.Builder b = FlowLogWriterAgent.builder(flowRing, n, config.flowLogSink);
            flowLogWriter = (config.anyAggregationInterval ? b.anyIntervalSeconds(interval) : b.intervalSeconds(interval))
                    .enis(eni -> policy.flowLogEni(eni)) // on the writer's thread, once per record
                    .build();
            flowLogRunner = new AgentRunner(new BackoffIdleStrategy(1, 10, 1_000, 1_000_000), writerFailure, null,
                    flowLogWriter);
            AgentRunner.startOnThread(flowLogRunner);
        }
        int externalId = EndpointTable.NONE;
        if (config.forward && config.externalEndpoint != null) {
            externalId = endpoints.register(config.externalEndpoint);
        }
        TunnelKind[] kinds = new TunnelKind[config.listeners.size()];
        for (int l = 0; l < kinds.length; l++) {
            kinds[l] = config.listeners.get(l).kind();
        }
        for (int w = 0; w < n; w++) {
            PacketJudge judge = new PacketJudge(policy, conntrack.newWorker(), new StageCounters(policy.eniCount()),
                    aggregators == null ? null : aggregators[w]);
            workers[w] = new LiveWorker(w, this, rings[w], kinds, judge, aggregators == null ? null : aggregators[w],
                    counters.newBlock(), endpoints, externalId, config.forward, clock);
        }
        IntHashSet vnis = null;
        if (config.vnis != null) {
            vnis = new IntHashSet();
            for (int v : config.vnis) {
                vnis.add(v);
            }
        }
        for (int l = 0; l < kinds.length; l++) {
            bind(l, config.listeners.get(l), rings, vnis);
        }
        Channel[][] all = channels.toArray(new Channel[0][]);
        for (int w = 0; w < n; w++) {
            workers[w].forwarder(new Forwarder(w, all, endpoints));
            workers[w].vtepPort(config.vtepPort);
            workers[w].tap(config.verdictTap);
            threads[w] = new Thread(workers[w], "sgemu-live-worker-" + w);
            threads[w].setDaemon(true);
            threads[w].start();
        }
    }

    /** Binds listener {@code l}: one socket per event loop with epoll (SO_REUSEPORT), one with NIO. */
    private void bind(int l, ListenerUri uri, ManyToOneRingBuffer[] rings, IntHashSet vnis) throws IOException {
        boolean epoll = transportName.equals("epoll");
        int sockets = epoll ? config.eventLoops : 1;
        Channel[] bound = new Channel[sockets];
        int port = uri.port();
        for (int s = 0; s < sockets; s++) {
            Bootstrap b = new Bootstrap().group(group)
                    .option(ChannelOption.SO_RCVBUF, 4 << 20)
                    .option(ChannelOption.SO_SNDBUF, 4 << 20)
                    // A worker queues a whole batch of forwards (up to 256 datagrams) before its flush: Netty's
                    // default high-water mark (64 KiB) made bursts count as send-backlog at moderate rates.
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 4 << 20))
                    .handler(new ReceiveHandler(this, l, uri.kind(), rings, vnis, counters.newBlock(), clock,
                            config.maxDatagramBytes).discard(config.discard));
            if (epoll) {
                b.channel(EpollDatagramChannel.class)
                        .option(EpollChannelOption.SO_REUSEPORT, true)
                        // recvmmsg: a buffer of several datagrams' room is filled by one system call.
                        .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, config.maxDatagramBytes)
                        .option(ChannelOption.RCVBUF_ALLOCATOR,
                                new FixedRecvByteBufAllocator(config.maxDatagramBytes * config.datagramsPerRead));
            } else {
                b.channel(NioDatagramChannel.class)
                        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(config.maxDatagramBytes));
            }
            Channel ch;
            try {
                ch = b.bind(uri.host(), port).syncUninterruptibly().channel();
            } catch (Exception e) {
                throw new IOException("cannot listen on " + uri.toString(port) + ": " + e.getMessage(), e);
            }
            bound[s] = ch;
            if (s == 0) {
                port = ((InetSocketAddress) ch.localAddress()).getPort(); // the real port when 0 was asked for
            }
        }
        channels.add(bound);
        boundPorts.add(port);
        boundListeners.add(uri.toString(port));
    }

    /**
     * The flow-log writer, or null without flow logs. Its counters (records written, SKIPDATA records, records and
     * packets lost to a full ring, observations beyond capacity) are plain fields of its thread: a metrics reader
     * sees a moment's values.
     */
    public FlowLogWriterAgent flowLogWriter() {
        return flowLogWriter;
    }

    /** Whether the flow-log writer has failed (volatile load); {@link #close()} then reports its error. */
    @Override
    public boolean flowLogWriterFailed() {
        return writerFailure.error != null;
    }

    /** The policy packets are judged against now (volatile load). */
    @Override
    public Policy policy() {
        return policy;
    }

    /**
     * Judges later packets against {@code next} (volatile store; each worker takes it at its next batch).
     * Tracked connections carry over; ENI numbers must be stable between the two policies (the compiler keeps
     * them when given the previous snapshot).
     */
    public void setPolicy(Policy next) {
        if (next == null) {
            throw new IllegalArgumentException("policy");
        }
        if (next.eniCount() > conntrack.maxEnis()) {
            throw new IllegalArgumentException("the policy numbers " + next.eniCount() + " ENIs; the connection-tracking "
                    + "table was sized for " + conntrack.maxEnis() + ": restart the dataplane");
        }
        policy = next;
        for (Thread t : threads) {
            if (t != null) {
                LockSupport.unpark(t); // an idle worker parked in its back-off takes the policy now, not up to 1 ms later
            }
        }
    }

    /**
     * Waits until every worker judges by {@code p} (each has begun a batch with it), or the timeout passes.
     * After a {@code true} answer, every datagram a worker reads is judged against {@code p} (or a later
     * policy): a datagram sent afterwards cannot meet the policy before. Answers false on timeout, or when
     * {@code p} is no longer the current policy and some worker never took it.
     */
    public boolean awaitPolicy(Policy p, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (LiveWorker w : workers) {
            while (w.inForce != p) { // volatile load
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                if (System.nanoTime() >= deadline || w.failure != null || (policy != p && w.inForce != p)) {
                    return false;
                }
                LockSupport.parkNanos(20_000); // a worker takes a policy within one batch: poll finely
            }
        }
        return true;
    }

    /** The port each listener is bound to, in {@link LiveConfig#listen} order (the real port when 0 was asked for). */
    public List<Integer> boundPorts() {
        return List.copyOf(boundPorts);
    }

    /**
     * Datagrams the kernel dropped on the listeners' sockets before they were read (see {@link KernelSocketDrops}):
     * not in {@link LiveCounters#RECEIVED}; -1 when the system does not tell (not Linux).
     */
    public long kernelSocketDrops() {
        return KernelSocketDrops.read(new java.util.HashSet<>(boundPorts));
    }

    /** Each listener as bound, e.g. {@code vxlan://127.0.0.1:40123}. */
    public List<String> boundListeners() {
        return List.copyOf(boundListeners);
    }

    /** {@code epoll} or {@code nio}. */
    public String transport() {
        return transportName;
    }

    public LiveCounters counters() {
        return counters;
    }

    /** The connection-tracking table (entries per ENI: {@link ConnTrackTable#entries(int)}). */
    public ConnTrackTable conntrack() {
        return conntrack;
    }

    /**
     * Runs {@code task} on every worker's own thread against its connection-tracking handle, at the start of
     * its next batch (workers poll at least every millisecond, idle or not), and answers the results in worker
     * order once all have run. This is how another thread may change or read tracked connections: only a
     * worker may touch its own entries.
     *
     * @throws TimeoutException when some worker has not run it in time (stopped, or stuck); a task that did
     *                          run on other workers stays done
     * @throws IllegalStateException when the task failed on a worker
     */
    public <R> List<R> onEachWorker(Function<ConnTrackWorker, R> task, long timeout, TimeUnit unit)
            throws InterruptedException, TimeoutException {
        List<CompletableFuture<R>> futures = new ArrayList<>(workers.length);
        for (LiveWorker w : workers) {
            CompletableFuture<R> f = new CompletableFuture<>();
            futures.add(f);
            if (w == null) {
                f.completeExceptionally(new IllegalStateException("worker not started"));
                continue;
            }
            w.requests.add(() -> {
                try {
                    f.complete(task.apply(w.judge().conntrack()));
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
        }
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        List<R> results = new ArrayList<>(futures.size());
        for (CompletableFuture<R> f : futures) {
            try {
                results.add(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
            }
        }
        return results;
    }

    /**
     * Drops every tracked connection of ENI number {@code eni}, as if each had timed out: a packet that
     * relied on one is judged afresh afterwards. Answers the number dropped once every worker has done so.
     */
    public long flushConnections(int eni, long timeout, TimeUnit unit) throws InterruptedException, TimeoutException {
        return onEachWorker(w -> w.removeEni(eni), timeout, unit).stream().mapToLong(Integer::longValue).sum();
    }

    /** The ENI's tracked connections (at most {@code limit}), read by each worker on its own thread. */
    public List<TrackedEntry> trackedConnections(int eni, int limit, long timeout, TimeUnit unit)
            throws InterruptedException, TimeoutException {
        List<TrackedEntry> all = new ArrayList<>();
        for (List<TrackedEntry> l : onEachWorker(w -> w.entriesOf(eni, limit), timeout, unit)) {
            all.addAll(l);
        }
        return all.size() > limit ? List.copyOf(all.subList(0, limit)) : List.copyOf(all);
    }

    /** The learned endpoints. */
    public EndpointTable endpoints() {
        return endpoints;
    }

    /**
     * Each worker's own per-ENI, per-stage counters, live, for a metrics scrape. Threading: each is written by
     * its worker alone, with plain stores; a reader on another thread reads plain longs racily, so it may see
     * values a moment old (never torn: a long is written whole on the 64-bit JVMs this runs on); after
     * {@link #close()} they are exact. A worker whose policy grows its ENIs swaps its counter array, which a
     * racing reader may see late (the new ENIs then read 0 for a moment).
     */
    public List<StageCounters> workerStageCounters() {
        List<StageCounters> list = new ArrayList<>();
        for (LiveWorker w : workers) {
            if (w != null) {
                list.add(w.judge().counters());
            }
        }
        return List.copyOf(list);
    }

    /**
     * Bytes waiting in each worker's ring (datagram copies with their 40-byte headers), by worker: volatile
     * loads of the ring's head and tail, so a moment's value from any thread.
     */
    public long[] queueBytes() {
        long[] bytes = new long[workers.length];
        for (int w = 0; w < workers.length; w++) {
            bytes[w] = workers[w] == null ? 0 : workers[w].queueBytes();
        }
        return bytes;
    }

    /** The ingest-to-verdict latency of judged datagrams (see {@link IngestLatency} for its threading). */
    public IngestLatency latency() {
        return latency;
    }

    /** The per-ENI, per-stage counters of every worker, summed (exact after {@link #close()}). */
    public StageCounters stageCounters() {
        StageCounters total = new StageCounters(policy.eniCount());
        for (LiveWorker w : workers) {
            if (w != null) {
                total.addAll(w.judge().counters());
            }
        }
        return total;
    }

    /**
     * Stops receiving, lets the workers judge what they have, closes the flow-log intervals, waits for the
     * flow-log writer and flushes the sink. Idempotent.
     *
     * @throws IllegalStateException when a worker or the flow-log writer failed (after everything is stopped)
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Channel[] cs : channels) {
            for (Channel c : cs) {
                c.close().awaitUninterruptibly();
            }
        }
        for (LiveWorker w : workers) {
            if (w != null) {
                w.stop = true;
            }
        }
        Throwable failure = null;
        for (int i = 0; i < threads.length; i++) {
            if (threads[i] == null) {
                continue;
            }
            try {
                threads[i].join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (workers[i].failure != null && failure == null) {
                failure = workers[i].failure;
            }
        }
        // The workers have flushed their last forwards to the channels' event loops: let those finish.
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        if (flowLogRunner != null) {
            // The writer is done once every worker has finished its intervals; workers that never started
            // (a listener failed to bind) never will, and a failed worker may not have.
            boolean allStarted = threads.length > 0 && threads[threads.length - 1] != null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (allStarted && failure == null && !flowLogWriter.isDone() && writerFailure.error == null
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            flowLogRunner.close();
            if (writerFailure.error != null && failure == null) {
                failure = writerFailure.error;
            }
            if (config.flowLogSink instanceof Flushable f) {
                try {
                    f.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        if (failure != null) {
            throw new IllegalStateException("the live dataplane failed: " + failure, failure);
        }
    }

    /** Keeps the flow-log writer's first error (volatile: set on the writer's thread). */
    private static final class WriterFailure implements org.agrona.ErrorHandler {
        volatile Throwable error;

        @Override
        public void onError(Throwable t) {
            if (error == null) {
                error = t;
            }
        }
    }
}
