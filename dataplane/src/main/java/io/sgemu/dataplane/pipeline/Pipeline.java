package io.sgemu.dataplane.pipeline;

import io.sgemu.dataplane.conntrack.ConnTrackTable;
import io.sgemu.dataplane.flowlog.FastFlowLogAggregator;
import io.sgemu.dataplane.packet.DecodedPacket;
import io.sgemu.dataplane.policy.Policy;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

/**
 * Packets in, verdicts out, through N workers (SEMANTICS.md section 5 on the fast path).
 *
 * <p>One thread, the dispatcher, {@link #submit}s decoded packets in input order. Each packet is
 * steered to a worker by a hash of its flow that is the same in both directions
 * ({@link FlowSteering}), so a flow and its replies always meet the same worker
 * and its connection-tracking entries are only ever written by that worker. Packets travel in
 * {@link PacketBatch}es through single-producer single-consumer queues (Agrona's
 * {@code OneToOneConcurrentArrayQueue}: offer is a release, poll an acquire), are judged by the
 * worker's {@link PacketJudge} against the batch's one policy, and come back; the dispatcher hands the
 * verdicts to the {@link VerdictConsumer} in input order.
 *
 * <p>Ordering: the dispatcher cuts its input into windows of at most {@code batchSize} packets; a
 * window sends one batch to every worker (empty for a worker none of its packets went to, so that every
 * worker's clock, and with it its flow-log intervals and connection expiry, follows the input's clock),
 * and the verdicts of a window are delivered, in sequence order, once all its batches are back. A policy
 * change ends the current window, so every packet is judged against the policy in force when it was
 * submitted.
 *
 * <p>IP fragments: the dispatcher keeps the {@link FragmentTable}. A first fragment is steered like any
 * packet and its datagram gets a slot; a later fragment (which has no ports to hash) goes to the worker
 * that judged its first fragment, which gives it that fragment's verdict, kept in the slot.
 *
 * <p>With one worker the dispatcher judges inline, on its own thread: no queues, no hand-off.
 *
 * <p>Not thread-safe: {@link #submit}, {@link #policy}, {@link #finish} are for the dispatcher thread.
 */
public final class Pipeline implements AutoCloseable {

    /** Batches each worker may have in flight: bounds how far the dispatcher runs ahead. */
    private static final int BATCHES_PER_WORKER = 16;
    public static final int MAX_WORKERS = 64;

    private final int workerCount;
    private final int batchSize;
    private final VerdictConsumer consumer;
    private final FastFlowLogAggregator[] flowLogs;
    private final PacketJudge[] judges;
    private final Worker[] workers;
    private final Thread[] threads;
    private final PacketBatch[] current;
    private final PacketBatch[] head;
    private final FragmentTable fragments;
    private final FastVerdict verdict = new FastVerdict();
    private final IdleStrategy idle = new BackoffIdleStrategy(1, 10, TimeUnit.MICROSECONDS.toNanos(1),
            TimeUnit.MICROSECONDS.toNanos(100));

    private Policy policy;
    private long window;
    private int windowFill;
    /** The oldest window published but not yet delivered. */
    private long oldestWindow;
    private long lastClock = Long.MIN_VALUE;
    private boolean finished;

    /**
     * @param flowLogs one aggregator per worker, or null for no flow logs
     * @param consumer receives verdicts in input order, or null when only counters and flow logs matter
     */
    public Pipeline(int workerCount, int batchSize, Policy policy, ConnTrackTable conntrack,
                    FastFlowLogAggregator[] flowLogs, VerdictConsumer consumer) {
        this(workerCount, batchSize, policy, conntrack, flowLogs, consumer,
                new FragmentTable(FragmentTable.DEFAULT_CAPACITY, FragmentTable.DEFAULT_TIMEOUT_NANOS));
    }

    /** As the constructor above, tracking IP fragments in {@code fragments} (owned by the pipeline from now on). */
    public Pipeline(int workerCount, int batchSize, Policy policy, ConnTrackTable conntrack,
                    FastFlowLogAggregator[] flowLogs, VerdictConsumer consumer, FragmentTable fragments) {
        if (workerCount < 1 || workerCount > MAX_WORKERS) {
            throw new IllegalArgumentException("1 to " + MAX_WORKERS + " workers, not " + workerCount);
        }
        if (flowLogs != null && flowLogs.length != workerCount) {
            throw new IllegalArgumentException("one flow-log aggregator per worker");
        }
        this.workerCount = workerCount;
        this.batchSize = batchSize;
        this.consumer = consumer;
        this.flowLogs = flowLogs;
        this.policy = policy;
        this.fragments = fragments;
        judges = new PacketJudge[workerCount];
        for (int w = 0; w < workerCount; w++) {
            judges[w] = new PacketJudge(policy, conntrack.newWorker(), new StageCounters(policy.eniCount()),
                    flowLogs == null ? null : flowLogs[w]);
            judges[w].trackFragments(fragments.capacity());
        }
        current = new PacketBatch[workerCount];
        head = new PacketBatch[workerCount];
        if (workerCount == 1) {
            workers = null;
            threads = null;
            return;
        }
        workers = new Worker[workerCount];
        threads = new Thread[workerCount];
        for (int w = 0; w < workerCount; w++) {
            workers[w] = new Worker(w, judges[w], flowLogs == null ? null : flowLogs[w], batchSize);
            threads[w] = new Thread(workers[w], "sgemu-worker-" + w);
            threads[w].setDaemon(true);
            threads[w].start();
        }
    }

    public int workerCount() {
        return workerCount;
    }

    /**
     * Judges {@code d} (copied: the caller may reuse it at once). {@code sequence} increases with every
     * packet; {@code clockNanos} is the input's clock (never decreasing), the time at which the packet
     * is judged.
     */
    public void submit(DecodedPacket d, long sequence, long clockNanos) {
        lastClock = clockNanos;
        if (workers == null) {
            PacketJudge judge = judges[0];
            int fragment = d.isFragment() && d.status == DecodedPacket.Status.OK
                    ? (d.firstFragment ? fragments.first(d, clockNanos, 0) : fragments.later(d, clockNanos))
                    : FragmentTable.UNTRACKED;
            judge.judge(d, sequence, clockNanos, fragment, verdict);
            if (consumer != null) {
                consumer.verdict(sequence, d, verdict);
            }
            if (++windowFill == batchSize) {
                windowFill = 0;
                if (flowLogs != null) {
                    flowLogs[0].advanceTo(clockNanos);
                }
                judge.conntrack().expireDue(judge.nowNanos(), judge.policy());
            }
            return;
        }
        int w;
        int fragment = FragmentTable.UNTRACKED;
        if (d.isFragment() && d.status == DecodedPacket.Status.OK) {
            if (d.firstFragment) {
                w = FlowSteering.worker(policy, d, workerCount);
                fragment = fragments.first(d, clockNanos, w);
            } else {
                fragment = fragments.later(d, clockNanos);
                w = fragment >= 0 ? fragments.worker(fragment) : FlowSteering.worker(policy, d, workerCount);
            }
        } else {
            w = FlowSteering.worker(policy, d, workerCount);
        }
        PacketBatch b = current[w];
        if (b == null) {
            b = takeFree(w);
            b.size = 0;
            b.window = window;
            b.policy = policy;
            current[w] = b;
        }
        b.add(d, sequence, clockNanos, fragment);
        if (++windowFill == batchSize || b.full()) {
            endWindow();
        }
    }

    /** Later packets are judged against {@code next}; packets submitted before, against the policy before. */
    public void policy(Policy next) {
        if (workers == null) {
            judges[0].policy(next);
        } else {
            endWindow();
        }
        policy = next;
    }

    public Policy policy() {
        return policy;
    }

    /** Publishes what was submitted so far and delivers every verdict that is ready (does not wait). */
    public void flush() {
        if (workers != null) {
            endWindow();
            deliver(false);
        }
    }

    /**
     * Judges everything submitted, delivers every verdict, stops the workers and closes the flow-log
     * intervals (each worker's aggregator finishes on its own thread). Counters are final afterwards.
     */
    public void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (workers == null) {
            if (flowLogs != null) {
                if (lastClock != Long.MIN_VALUE) {
                    flowLogs[0].advanceTo(lastClock);
                }
                while (!flowLogs[0].finish()) {
                    idle.idle(); // the ring is full: the flow-log writer, on its own thread, makes room
                }
            }
            return;
        }
        endWindow();
        deliver(true);
        for (Worker worker : workers) {
            worker.stop = true;
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping the workers", e);
            }
        }
        for (Worker worker : workers) {
            if (worker.failure != null) {
                throw new IllegalStateException("worker " + worker.index + " failed: " + worker.failure, worker.failure);
            }
        }
    }

    /**
     * Expires every worker's connections that are due at {@code nowNanos}, so that the table's per-ENI
     * counts are the live connections at that time (call after {@link #finish}: the workers have stopped,
     * and joining them made their state visible here).
     */
    public void expireAll(long nowNanos) {
        if (!finished) {
            throw new IllegalStateException("expireAll is for after finish()");
        }
        for (PacketJudge j : judges) {
            j.conntrack().expireAll(Math.max(nowNanos, j.nowNanos()), policy);
        }
    }

    /** The latest clock submitted. */
    public long clock() {
        return lastClock;
    }

    /** The counters of every worker, summed (call after {@link #finish}). */
    public StageCounters counters() {
        StageCounters total = new StageCounters(policy.eniCount());
        for (PacketJudge j : judges) {
            total.addAll(j.counters());
        }
        return total;
    }

    /** The judge of one worker (for tests and metrics; its state belongs to the worker's thread). */
    public PacketJudge judge(int worker) {
        return judges[worker];
    }

    @Override
    public void close() {
        finish();
    }

    private PacketBatch takeFree(int w) {
        PacketBatch b;
        while ((b = workers[w].free.poll()) == null) {
            checkWorkers();
            if (!deliver(false)) {
                idle.idle();
            }
        }
        idle.reset();
        return b;
    }

    private void endWindow() {
        if (windowFill == 0) {
            return;
        }
        for (int w = 0; w < workerCount; w++) {
            PacketBatch b = current[w];
            if (b == null) {
                b = takeFree(w);
                b.size = 0;
                b.window = window;
                b.policy = policy;
            }
            b.windowClock = lastClock;
            while (!workers[w].inbox.offer(b)) {
                checkWorkers();
                idle.idle();
            }
            current[w] = null;
        }
        window++;
        windowFill = 0;
    }

    /**
     * Delivers the verdicts of completed windows in order; with {@code all}, waits until every
     * published window is delivered. Answers whether anything was delivered.
     */
    private boolean deliver(boolean all) {
        boolean progress = false;
        while (oldestWindow < window) {
            int need = workerCount;
            int have = 0;
            for (int w = 0; w < workerCount; w++) {
                if (head[w] == null) {
                    head[w] = workers[w].done.poll();
                }
                if (head[w] != null && head[w].window == oldestWindow) {
                    have++;
                }
            }
            if (have < need) {
                if (!all) {
                    return progress;
                }
                checkWorkers();
                idle.idle();
                continue;
            }
            idle.reset();
            emitWindow();
            oldestWindow++;
            progress = true;
        }
        return progress;
    }

    /** Hands the verdicts of the oldest window to the consumer in sequence order, then recycles its batches. */
    private void emitWindow() {
        if (consumer != null) {
            int[] next = cursor;
            for (int w = 0; w < workerCount; w++) {
                next[w] = 0;
            }
            while (true) {
                int best = -1;
                long bestSeq = Long.MAX_VALUE;
                for (int w = 0; w < workerCount; w++) {
                    PacketBatch b = head[w];
                    if (b != null && b.window == oldestWindow && next[w] < b.size && b.sequence[next[w]] < bestSeq) {
                        bestSeq = b.sequence[next[w]];
                        best = w;
                    }
                }
                if (best < 0) {
                    break;
                }
                PacketBatch b = head[best];
                int i = next[best]++;
                b.load(i, verdict);
                consumer.verdict(b.sequence[i], b.packets[i], verdict);
            }
        }
        for (int w = 0; w < workerCount; w++) {
            PacketBatch b = head[w];
            if (b != null && b.window == oldestWindow) {
                head[w] = null;
                b.policy = null;
                workers[w].free.offer(b);
            }
        }
    }

    private final int[] cursor = new int[64];

    private void checkWorkers() {
        for (Worker worker : workers) {
            if (worker.failure != null) {
                throw new IllegalStateException("worker " + worker.index + " failed: " + worker.failure, worker.failure);
            }
        }
    }

    /** A worker thread: judges the batches of its inbox in order and returns them. */
    private static final class Worker implements Runnable {
        final int index;
        final PacketJudge judge;
        final FastFlowLogAggregator flowLog;
        final OneToOneConcurrentArrayQueue<PacketBatch> inbox = new OneToOneConcurrentArrayQueue<>(BATCHES_PER_WORKER);
        final OneToOneConcurrentArrayQueue<PacketBatch> done = new OneToOneConcurrentArrayQueue<>(BATCHES_PER_WORKER);
        final OneToOneConcurrentArrayQueue<PacketBatch> free = new OneToOneConcurrentArrayQueue<>(BATCHES_PER_WORKER);
        final FastVerdict verdict = new FastVerdict();
        /** Set by the dispatcher once everything is submitted (volatile: the worker must see it). */
        volatile boolean stop;
        /** Written by the worker when it dies, read by the dispatcher (volatile). */
        volatile Throwable failure;

        Worker(int index, PacketJudge judge, FastFlowLogAggregator flowLog, int batchSize) {
            this.index = index;
            this.judge = judge;
            this.flowLog = flowLog;
            for (int i = 0; i < BATCHES_PER_WORKER; i++) {
                free.offer(new PacketBatch(index, batchSize));
            }
        }

        @Override
        public void run() {
            IdleStrategy idle = new BackoffIdleStrategy(1, 10, TimeUnit.MICROSECONDS.toNanos(1),
                    TimeUnit.MICROSECONDS.toNanos(100));
            long clock = Long.MIN_VALUE;
            try {
                while (true) {
                    PacketBatch b = inbox.poll();
                    if (b == null) {
                        if (stop && inbox.isEmpty()) {
                            break;
                        }
                        idle.idle();
                        continue;
                    }
                    idle.reset();
                    if (b.policy != judge.policy()) {
                        judge.policy(b.policy);
                    }
                    for (int i = 0; i < b.size; i++) {
                        judge.judge(b.packets[i], b.sequence[i], b.clock[i], b.fragmentSlot[i], verdict);
                        b.record(i, verdict);
                    }
                    clock = b.windowClock;
                    if (flowLog != null) {
                        flowLog.advanceTo(clock);
                    }
                    judge.conntrack().expireDue(Math.max(clock, judge.nowNanos()), judge.policy());
                    while (!done.offer(b)) {
                        idle.idle();
                    }
                }
                if (flowLog != null) {
                    if (clock != Long.MIN_VALUE) {
                        flowLog.advanceTo(clock);
                    }
                    while (!flowLog.finish()) {
                        idle.idle(); // the ring is full: the flow-log writer, on its own thread, makes room
                    }
                }
            } catch (Throwable t) {
                failure = t;
            }
        }
    }
}
