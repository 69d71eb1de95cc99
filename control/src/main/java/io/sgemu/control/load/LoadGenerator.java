package io.sgemu.control.load;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Sends a load of IP packets to an emulator and counts what comes back ({@code sgemu load}).
 *
 * <p>Each thread gets a socket connected to the target and a share of the packets (packet {@code i} goes to
 * thread {@code i mod threads}; a thread without a share when there are fewer packets than threads repeats
 * packet {@code thread mod packets}), encapsulated once before sending starts. The threads keep one schedule
 * ({@link Schedule}); with a listen address a receiver thread counts returns and measures round trips
 * ({@link PacketTags}). After the last send, the generator waits for returns until all came back or the wait
 * is over.
 *
 * <p>Sockets are plain {@code DatagramChannel}s, one {@code write} per datagram: on loopback that sent as many
 * packets per second per thread as Netty's epoll transport batching 32 datagrams per {@code sendmmsg}, so the
 * simpler transport stays. More threads is the way to more packets per second.
 */
public final class LoadGenerator {

    private final LoadOptions options;
    private final LoadPackets packets;
    private volatile InetSocketAddress listening;
    private int malformedPerPacket;
    private long malformedSent;

    public LoadGenerator(LoadOptions options, LoadPackets packets) {
        if (packets.packets().isEmpty()) {
            throw new IllegalArgumentException("there is nothing to send: the source holds no IP packets ("
                    + packets.frames() + " frames, skipped: " + packets.skipped() + ")");
        }
        this.options = options;
        this.packets = packets;
    }

    /**
     * Mixes a flood of invalid datagrams into the load: after each packet, {@code n} datagrams the emulator must
     * drop as malformed (for VXLAN a header without its I flag, for GENEVE an unknown version, for UDP a payload
     * that is no IP packet). They are not in the schedule: at a fixed rate the packets keep their times and the
     * flood comes on top.
     */
    public LoadGenerator malformedPerPacket(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("malformed datagrams per packet cannot be negative: " + n);
        }
        malformedPerPacket = n;
        return this;
    }

    /** The last run's times (System.nanoTime): when its senders were built, and when its schedule began. */
    long sendersBuiltNanos;
    long scheduleStartNanos;

    /** Invalid datagrams sent by the last {@link #run()}. */
    public long malformedSent() {
        return malformedSent;
    }

    /** A 50-byte datagram that {@code encap} cannot carry a packet in. */
    static byte[] malformed(Encapsulation encap) {
        byte[] b = new byte[50];
        if (encap == Encapsulation.GENEVE) {
            b[0] = (byte) 0xC0; // version 3: no such GENEVE version
        }
        return b; // VXLAN: flags 0, no I flag; UDP: IP version 0
    }

    /** The address the receiver is bound to (its port when listening on port 0); null before {@link #run()} binds it. */
    public InetSocketAddress listening() {
        return listening;
    }

    public LoadReport run() throws IOException, InterruptedException {
        int threads = options.threads();
        Encapsulation encap = options.target().encapsulation();
        List<byte[]> all = packets.packets();
        PacketTags tags = options.listen() != null ? new PacketTags() : null;

        DatagramChannel receiveChannel = null;
        ReturnReceiver receiver = null;
        Thread receiverThread = null;
        List<DatagramChannel> channels = new ArrayList<>();
        try {
            if (options.listen() != null) {
                receiveChannel = DatagramChannel.open();
                receiveChannel.setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20);
                receiveChannel.bind(options.listen());
                listening = (InetSocketAddress) receiveChannel.getLocalAddress();
                receiver = new ReturnReceiver(receiveChannel, options.returned(), tags);
                receiverThread = new Thread(receiver, "load-receiver");
                receiverThread.setDaemon(true);
                receiverThread.start();
            }
            long limit = options.scheduled(all.size());
            List<LoadSender> senders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<byte[]> share = new ArrayList<>();
                for (int i = t; i < all.size(); i += threads) {
                    share.add(encap.encode(all.get(i), options.vni()));
                }
                if (share.isEmpty()) {
                    share.add(encap.encode(all.get(t % all.size()), options.vni()));
                }
                DatagramChannel ch = DatagramChannel.open();
                channels.add(ch);
                ch.connect(options.target().address());
                LoadSender sender = new LoadSender(t, threads, ch, share, encap.headerLength(), limit, tags);
                if (malformedPerPacket > 0) {
                    sender.flood(malformedPerPacket, malformed(encap));
                }
                senders.add(sender);
            }
            // the schedule starts once every sender's datagrams are built (that takes a while for 100,000s of
            // them: a start fixed before would find the senders late, and they would catch up in a burst)
            long lead = TimeUnit.MILLISECONDS.toNanos(20); // every thread started before the first packet is due
            sendersBuiltNanos = System.nanoTime();
            long start = sendersBuiltNanos + lead;
            scheduleStartNanos = start;
            Schedule schedule = new Schedule(start, options.ratePps(), options.rampNanos());
            long deadline = options.durationNanos() > 0 ? start + options.durationNanos() : Long.MAX_VALUE;
            for (LoadSender s : senders) {
                s.schedule(schedule, deadline);
            }
            List<Thread> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread th = new Thread(senders.get(t), "load-sender-" + t);
                th.setDaemon(true);
                running.add(th);
                th.start();
            }
            for (Thread th : running) {
                th.join();
            }
            long sent = 0;
            long errors = 0;
            long late = 0;
            long maxLate = 0;
            long last = start;
            String firstError = null;
            for (LoadSender s : senders) {
                sent += s.sent;
                malformedSent += s.malformedSent;
                errors += s.sendErrors;
                late += s.late;
                maxLate = Math.max(maxLate, s.maxLateNanos);
                last = Math.max(last, s.lastSendNanos);
                if (firstError == null) {
                    firstError = s.firstError;
                }
            }
            double seconds = Math.max(1, last - start) / 1e9;
            if (receiver != null) {
                long waitUntil = System.nanoTime() + options.waitNanos();
                while (receiver.returned < sent && System.nanoTime() - waitUntil < 0) {
                    Thread.sleep(1);
                }
                receiveChannel.close();
                receiverThread.join();
                if (receiver.failure != null) {
                    throw new IOException("receiving returned packets failed: " + receiver.failure);
                }
            }
            long returned = receiver == null ? 0 : receiver.returned;
            Histogram h = receiver == null ? null : receiver.latency;
            Map<String, Double> micros = new LinkedHashMap<>();
            if (h != null && h.getTotalCount() > 0) {
                micros.put("p50", h.getValueAtPercentile(50) / 1e3);
                micros.put("p90", h.getValueAtPercentile(90) / 1e3);
                micros.put("p99", h.getValueAtPercentile(99) / 1e3);
                micros.put("p99.9", h.getValueAtPercentile(99.9) / 1e3);
                micros.put("max", h.getMaxValue() / 1e3);
            }
            return new LoadReport(options.target().toString(), all.size(), packets.frames(), packets.skipped(),
                    limit, sent, errors, seconds, options.paced() ? late : -1, maxLate / 1e3, receiver != null,
                    returned, Math.max(0, sent - returned),
                    receiver == null ? 0 : receiver.unmatched, receiver == null ? 0 : receiver.foreign,
                    h == null ? 0 : h.getTotalCount(), micros, firstError);
        } finally {
            for (DatagramChannel ch : channels) {
                ch.close();
            }
            if (receiveChannel != null) {
                receiveChannel.close();
            }
        }
    }
}
