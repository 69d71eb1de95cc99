package io.sgemu.dataplane.flowlog;

import io.sgemu.dataplane.flowlog.FlowLogRecord.LogStatus;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client of the {@link FlowLogStreamServer}: a bounded queue of encoded lines from the flow-log writer's
 * thread (the single producer) to the selector thread (the single consumer), and the records this client lost.
 *
 * <p>The queue is bounded twice: in lines (the array queue's capacity) and in bytes ({@link #queuedBytes}, added
 * by the producer before it offers, subtracted by the consumer after it polls: an atomic counter, so the
 * producer's view is never below what is really queued). The loss accounting ({@link #losses}) is the
 * producer's alone.
 */
final class StreamClient {

    /** The most bytes the selector thread writes to the socket per attempt; also the longest line a client takes. */
    static final int WRITE_CHUNK = 64 * 1024;
    static final int QUEUED = 1;
    static final int LOST = 2;

    private final SocketChannel channel;
    private final int bufferBytes;
    private final OneToOneConcurrentArrayQueue<byte[]> queue;
    private final AtomicLong queuedBytes = new AtomicLong();
    /** Selector thread only: the bytes being written, in read mode (position..limit pending). */
    private final ByteBuffer out = ByteBuffer.allocateDirect(WRITE_CHUNK);
    private final ByteBuffer in = ByteBuffer.allocate(512);
    SelectionKey key;

    /** Producer only: per ENI (null for records without one), what this client lost since its last SKIPDATA. */
    private final Map<FlowLogEni, Loss> losses = new LinkedHashMap<>();

    StreamClient(SocketChannel channel, int bufferBytes, byte[] headerLine) {
        this.channel = channel;
        this.bufferBytes = bufferBytes;
        this.queue = new OneToOneConcurrentArrayQueue<>(Math.max(64, bufferBytes / 32));
        out.clear();
        out.put(headerLine, 0, Math.min(headerLine.length, out.capacity()));
        out.flip();
    }

    // ---------------------------------------------------------------- producer (the flow-log writer's thread)

    /**
     * Queues the record's line, after the SKIPDATA lines of earlier losses once the client has caught up;
     * counts the record as lost when it does not fit.
     *
     * @return {@link #QUEUED} when anything was queued (the selector should look), plus {@link #LOST} when the
     *         record was lost
     */
    int offerAfterLosses(byte[] line, FlowLogRecord r, FlowLogFormat format, StringBuilder scratch) {
        int result = 0;
        if (!losses.isEmpty()) {
            result = reportLossesIfCaughtUp(format, scratch) ? QUEUED : 0;
            if (!losses.isEmpty()) { // still behind: newer records would jump ahead of the loss report
                lose(r);
                return result | LOST;
            }
        }
        if (offer(line)) {
            return QUEUED;
        }
        lose(r);
        return result | LOST;
    }

    /**
     * When losses are pending and the queue has drained below half its bound, queues one SKIPDATA line per ENI
     * that lost records (as many as fit).
     */
    boolean reportLossesIfCaughtUp(FlowLogFormat format, StringBuilder scratch) {
        if (losses.isEmpty() || queuedBytes.get() > bufferBytes / 2) { // volatile read (acquire)
            return false;
        }
        boolean queued = false;
        for (Iterator<Map.Entry<FlowLogEni, Loss>> it = losses.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<FlowLogEni, Loss> e = it.next();
            Loss l = e.getValue();
            FlowLogRecord skip = FlowLogRecord.status(e.getKey(), LogStatus.SKIPDATA,
                            l.start == Long.MAX_VALUE ? FlowLogRecord.ABSENT : l.start,
                            l.end == Long.MIN_VALUE ? FlowLogRecord.ABSENT : l.end)
                    .toBuilder().packets(l.packets).bytes(l.bytes).build();
            scratch.setLength(0);
            format.formatTo(skip, scratch);
            scratch.append('\n');
            if (!offer(scratch.toString().getBytes(StandardCharsets.UTF_8))) {
                break;
            }
            queued = true;
            it.remove();
        }
        return queued;
    }

    private boolean offer(byte[] line) {
        if (line.length > WRITE_CHUNK) {
            return false;
        }
        long before = queuedBytes.getAndAdd(line.length); // atomic add: consumer subtracts concurrently
        if (before + line.length > bufferBytes || !queue.offer(line)) { // offer: release store of the element
            queuedBytes.getAndAdd(-line.length);
            return false;
        }
        return true;
    }

    private void lose(FlowLogRecord r) {
        Loss l = losses.computeIfAbsent(r.eni(), k -> new Loss());
        if (r.start() != FlowLogRecord.ABSENT) {
            l.start = Math.min(l.start, r.start());
        }
        if (r.end() != FlowLogRecord.ABSENT) {
            l.end = Math.max(l.end, r.end());
        }
        if (r.logStatus() == LogStatus.OK) {
            l.packets += Math.max(0, r.packets());
            l.bytes += Math.max(0, r.bytes());
        }
    }

    // ---------------------------------------------------------------- consumer (the selector thread)

    /**
     * Writes what is pending and queued as far as the socket takes it, and asks for OP_WRITE when the socket
     * is full.
     *
     * @return false when the socket failed (the client is to be dropped)
     */
    boolean pump() {
        try {
            while (true) {
                if (out.hasRemaining()) {
                    channel.write(out);
                    if (out.hasRemaining()) {
                        interest(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                        return true;
                    }
                }
                out.clear();
                byte[] line;
                long taken = 0;
                while ((line = queue.peek()) != null && line.length <= out.remaining()) { // acquire load
                    queue.poll();
                    out.put(line);
                    taken += line.length;
                }
                if (taken > 0) {
                    queuedBytes.getAndAdd(-taken);
                }
                out.flip();
                if (!out.hasRemaining()) {
                    interest(SelectionKey.OP_READ);
                    return true;
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private void interest(int ops) {
        if (key != null && key.isValid() && key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    /** Reads and discards what the client sent; false when it closed its end or the socket failed. */
    boolean drainInput() {
        try {
            int n;
            do {
                in.clear();
                n = channel.read(in);
            } while (n > 0);
            return n == 0;
        } catch (IOException e) {
            return false;
        }
    }

    void closeQuietly() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // dropping the client: nothing left to tell it
        }
    }

    /** The lost records of one ENI since the last report. */
    private static final class Loss {
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        long packets;
        long bytes;
    }
}
