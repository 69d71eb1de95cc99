package io.sgemu.dataplane.io;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.nio.ByteBuffer;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Sends one worker's accepted packets on to their endpoints, in the encapsulation they arrived in (the
 * datagram's UDP payload unchanged: same tunnel header, same VNI, byte-identical inner packet), from the
 * listener they arrived on, so the endpoint sees the emulator's listening port as the source.
 *
 * <p>Allocation per forwarded packet: one pooled direct {@link ByteBuf} (from the channel's allocator,
 * recycled when sent) and Netty's {@link DatagramPacket} envelope; the destination
 * {@code InetSocketAddress} is the endpoint table's, made once per endpoint, and writes use the channel's
 * void promise (no future). Writes are queued and flushed once per batch ({@link #flush()}); a channel
 * whose outbound buffer is over its high-water mark takes no more ({@code dropped.send-backlog} is then
 * counted by the caller).
 *
 * <p>Threading: one per worker, called on the worker's thread. {@link Channel#write} from a thread that is
 * not the channel's event loop hands the write to the event loop as a task (Netty's ordering: writes from
 * one thread stay in order); the buffer is not touched by the worker after the write.
 */
final class Forwarder {

    private final int worker;
    /** [listener][channel]: the listener's channels, one per event loop (one with NIO). */
    private final Channel[][] channels;
    private final boolean[][] pending;
    private final EndpointTable endpoints;
    private final UnsafeBuffer target = new UnsafeBuffer(0, 0);

    Forwarder(int worker, Channel[][] channels, EndpointTable endpoints) {
        this.worker = worker;
        this.channels = channels;
        this.endpoints = endpoints;
        this.pending = new boolean[channels.length][];
        for (int l = 0; l < channels.length; l++) {
            pending[l] = new boolean[channels[l].length];
        }
    }

    /**
     * Queues {@code [offset, offset + length)} of {@code payload} for endpoint {@code endpoint} on listener
     * {@code listener}; false when the channel is backlogged (nothing queued).
     */
    boolean send(int listener, int endpoint, DirectBuffer payload, int offset, int length) {
        Channel[] cs = channels[listener];
        int c = worker % cs.length;
        Channel ch = cs[c];
        if (!ch.isWritable()) {
            return false;
        }
        ByteBuf out = ch.alloc().directBuffer(length);
        int at = out.writerIndex();
        if (out.hasMemoryAddress()) {
            target.wrap(out.memoryAddress() + at, length);
            target.putBytes(0, payload, offset, length);
        } else {
            ByteBuffer nio = out.internalNioBuffer(at, length);
            target.wrap(nio, nio.position(), length);
            target.putBytes(0, payload, offset, length);
        }
        out.writerIndex(at + length);
        ch.write(new DatagramPacket(out, endpoints.address(endpoint)), ch.voidPromise());
        pending[listener][c] = true;
        return true;
    }

    /** Flushes every channel written since the last flush. */
    void flush() {
        for (int l = 0; l < pending.length; l++) {
            boolean[] p = pending[l];
            for (int c = 0; c < p.length; c++) {
                if (p[c]) {
                    p[c] = false;
                    channels[l][c].flush();
                }
            }
        }
    }
}
