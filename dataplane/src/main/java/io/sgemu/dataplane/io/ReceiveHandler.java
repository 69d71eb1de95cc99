package io.sgemu.dataplane.io;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.sgemu.dataplane.packet.DecodedPacket;
import io.sgemu.dataplane.packet.LinkType;
import io.sgemu.dataplane.packet.PacketDecoder;
import io.sgemu.dataplane.pipeline.FlowSteering;
import io.sgemu.dataplane.policy.Policy;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.IntHashSet;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;

/**
 * The receive path of one listener channel, on its event loop: reads each datagram in place, checks that
 * it is a valid tunnel datagram carrying an IP packet, picks the worker by the inner packet's symmetric
 * flow hash ({@link FlowSteering}: both directions of a flow meet the same worker, whichever event loop
 * received them) and copies the datagram into that worker's ring. Invalid datagrams are counted by reason
 * and dropped here; a full ring drops the datagram ({@code dropped.queue-full}): the event loop never waits.
 *
 * <p>No allocation on our side per datagram: the direct {@link ByteBuf} Netty filled is wrapped by an
 * Agrona {@link UnsafeBuffer} at its memory address (or through its reused internal NIO view when Netty runs
 * without {@code Unsafe}); the decoder, the decoded packet and the view are this handler's. What Netty
 * allocates per datagram (the {@link DatagramPacket}, the sender's {@link InetSocketAddress}, the pooled
 * buffer slice) is outside our control. An IPv4 sender's address is read through
 * {@link Inet4Address#hashCode()} (which is the address) rather than {@code getAddress()} (which copies);
 * an IPv6 sender costs one small array.
 *
 * <p>Threading: one instance per channel, called on the channel's event loop only. It shares with other
 * threads the worker rings ({@code tryClaim} claims space by CAS on the ring's tail, {@code commit}
 * publishes the message with a release store of its length, read by the worker with an acquire load), its
 * counter block (single writer) and the dataplane's current policy (a volatile load per datagram, for the
 * steering hash only: a policy swap between steering and judging may steer a flow's packet by the old
 * policy's view of public addresses once).
 */
final class ReceiveHandler extends ChannelInboundHandlerAdapter {

    private final LiveContext dataplane;
    private final int listener;
    private final TunnelKind kind;
    private final ManyToOneRingBuffer[] rings;
    private final IntHashSet vnis;
    private final LiveCounters.Block counters;
    private final LiveClock clock;
    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket packet = new DecodedPacket();
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    /** For a buffer that offers neither a memory address nor a single NIO view (a composite): copied here. */
    private final UnsafeBuffer scratch;
    /** Drop every datagram unread (set before the channel is bound; the bind orders it). */
    private boolean discard;

    ReceiveHandler(LiveContext dataplane, int listener, TunnelKind kind, ManyToOneRingBuffer[] rings, IntHashSet vnis,
                   LiveCounters.Block counters, LiveClock clock, int maxDatagramBytes) {
        this.dataplane = dataplane;
        this.listener = listener;
        this.kind = kind;
        this.rings = rings;
        this.vnis = vnis;
        this.counters = counters;
        this.clock = clock;
        this.scratch = new UnsafeBuffer(new byte[maxDatagramBytes]);
    }

    /** Receive and count only: every datagram is dropped unread ({@link LiveConfig#discard}). */
    ReceiveHandler discard(boolean on) {
        discard = on;
        return this;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket datagram)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            received(datagram);
        } finally {
            datagram.release();
        }
    }

    private void received(DatagramPacket datagram) {
        if (discard) {
            counters.increment(LiveCounters.RECEIVED);
            counters.increment(LiveCounters.DISCARDED);
            return;
        }
        ByteBuf content = datagram.content();
        int length = content.readableBytes();
        UnsafeBuffer bytes = wrap(content, length);
        if (bytes == null) {
            counters.increment(LiveCounters.RECEIVED);
            counters.increment(LiveCounters.DROPPED_TOO_LARGE);
            return;
        }
        offer(bytes, length, datagram.sender());
    }

    /**
     * One datagram's payload, {@code [0, length)} of {@code bytes}, from {@code sender}: checked, steered and
     * copied into its worker's ring (or counted and dropped).
     */
    void offer(org.agrona.DirectBuffer bytes, int length, InetSocketAddress sender) {
        counters.increment(LiveCounters.RECEIVED);
        long now = clock.epochNanos();
        int vni = decode(kind, decoder, bytes, length, now, packet);
        if (packet.status != DecodedPacket.Status.OK) {
            counters.increment(dropReason(packet.reason));
            return;
        }
        if (kind.hasVni() && vnis != null && !vnis.contains(vni)) {
            counters.increment(LiveCounters.DROPPED_UNKNOWN_VNI);
            return;
        }
        Policy policy = dataplane.policy(); // volatile load
        int worker = rings.length == 1 ? 0 : FlowSteering.worker(policy, packet, rings.length);
        ManyToOneRingBuffer ring = rings[worker];
        int messageLength = DatagramMessage.HEADER_LENGTH + length;
        if (messageLength > ring.maxMsgLength()) {
            counters.increment(LiveCounters.DROPPED_TOO_LARGE);
            return;
        }
        int index = ring.tryClaim(DatagramMessage.TYPE, messageLength);
        if (index <= 0) {
            counters.increment(LiveCounters.DROPPED_QUEUE_FULL);
            return;
        }
        MutableDirectBuffer out = ring.buffer();
        InetAddress address = sender.getAddress();
        long hi = 0;
        long lo;
        int family;
        if (address instanceof Inet4Address) {
            lo = address.hashCode() & 0xFFFF_FFFFL; // Inet4Address.hashCode() is the address, without a copy
            family = 4;
        } else {
            byte[] b = address.getAddress();
            hi = ByteBuffer.wrap(b, 0, 8).getLong();
            lo = ByteBuffer.wrap(b, 8, 8).getLong();
            family = 6;
        }
        out.putLong(index + DatagramMessage.TIME_OFFSET, now);
        out.putLong(index + DatagramMessage.SOURCE_HI_OFFSET, hi);
        out.putLong(index + DatagramMessage.SOURCE_LO_OFFSET, lo);
        out.putInt(index + DatagramMessage.SOURCE_PORT_OFFSET, sender.getPort());
        out.putInt(index + DatagramMessage.LISTENER_OFFSET, listener);
        out.putInt(index + DatagramMessage.FAMILY_OFFSET, family);
        out.putBytes(index + DatagramMessage.HEADER_LENGTH, bytes, 0, length);
        ring.commit(index);
    }

    /** The datagram's bytes as an Agrona buffer at index 0, without a copy where Netty allows; null when too large. */
    private UnsafeBuffer wrap(ByteBuf content, int length) {
        int from = content.readerIndex();
        if (content.hasMemoryAddress()) {
            view.wrap(content.memoryAddress() + from, length);
            return view;
        }
        if (content.nioBufferCount() == 1) {
            ByteBuffer nio = content.internalNioBuffer(from, length); // reused by the buffer: no allocation
            view.wrap(nio, nio.position(), length);
            return view;
        }
        if (length > scratch.capacity()) {
            return null;
        }
        content.getBytes(from, scratch.byteArray(), 0, length);
        return scratch;
    }

    /**
     * Decodes one datagram payload {@code [0, length)} of {@code bytes} as {@code kind} carries it; answers the
     * VNI (-1 for {@code udp://} or a bad tunnel header). Shared with the worker, which decodes again.
     */
    static int decode(TunnelKind kind, PacketDecoder decoder, org.agrona.DirectBuffer bytes, int length, long now,
                      DecodedPacket packet) {
        return decode(kind, decoder, bytes, 0, length, now, packet);
    }

    static int decode(TunnelKind kind, PacketDecoder decoder, org.agrona.DirectBuffer bytes, int offset, int length,
                      long now, DecodedPacket packet) {
        return switch (kind) {
            case VXLAN -> decoder.decodeVxlan(bytes, offset, length, now, packet);
            case GENEVE -> decoder.decodeGeneve(bytes, offset, length, now, packet);
            case UDP -> {
                decoder.decodeFrame(LinkType.RAW, bytes, offset, length, now, packet);
                yield -1;
            }
        };
    }

    /** The drop counter of a decoder's reason (constant strings: the switch hashes nothing new). */
    static int dropReason(String reason) {
        if (reason == null) {
            return LiveCounters.DROPPED_MALFORMED;
        }
        return switch (reason) {
            case PacketDecoder.REASON_MALFORMED_VXLAN -> LiveCounters.DROPPED_MALFORMED_VXLAN;
            case PacketDecoder.REASON_MALFORMED_GENEVE -> LiveCounters.DROPPED_MALFORMED_GENEVE;
            case PacketDecoder.REASON_NOT_IP -> LiveCounters.DROPPED_NOT_IP;
            default -> LiveCounters.DROPPED_MALFORMED;
        };
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A read error on a datagram socket, or a failed forward (written with the void promise, so its failure
        // comes here, on this event loop): not fatal, the channel keeps receiving. Counted, not logged per packet.
        counters.increment(LiveCounters.IO_ERRORS);
    }
}
