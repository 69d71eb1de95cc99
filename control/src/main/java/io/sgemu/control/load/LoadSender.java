package io.sgemu.control.load;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * One sending thread: its own connected socket and its own copies of its share of the datagrams, built before
 * the first send (direct buffers; sending rewrites only the tag in place, so nothing is allocated per packet).
 *
 * <p>It sends the packets {@code g = thread, thread + threads, ...} of the load's schedule: up to {@code limit}
 * (exclusive) when the schedule is fixed, or until the deadline when sending flat out for a duration; packet
 * {@code g} is datagram {@code (g / threads) mod share} of its share. Paced, it waits for each packet's due time
 * (parking when far, spinning when near) and, when late, sends at once without skipping: the lateness shows in
 * the latency measured from the due time.
 *
 * <p>Its counters are plain fields, read by the generator after {@code join()} (which orders them).
 */
final class LoadSender implements Runnable {

    private static final long SPIN_NANOS = 50_000;
    /** Paced, a packet sent more than this after its due time counts as late (a burst follows to catch up). */
    static final long LATE_NANOS = 1_000_000;

    private final int thread;
    private final int threads;
    private final DatagramChannel channel;
    private final ByteBuffer[] datagrams;
    private final int[] ipOffsets;
    private final boolean[] taggable;
    private final long limit;
    private final PacketTags tags;
    /** Set by {@link #schedule} once the buffers are built (100,000s of them take a while), before the start. */
    private Schedule schedule;
    private long deadlineNanos;

    /** Invalid datagrams sent after each packet (a flood of junk mixed with the load), and the one sent. */
    private int malformedPerPacket;
    private ByteBuffer malformed;

    long sent;
    long malformedSent;
    long sendErrors;
    long lastSendNanos;
    /** Paced: packets sent more than {@link #LATE_NANOS} after their due time, and the most any was late. */
    long late;
    long maxLateNanos;
    String firstError;

    /**
     * @param share         the IP packets of this thread, already encapsulated, with where each IP header starts
     * @param limit         packets of the whole schedule ({@code g < limit}), or -1 to send until the deadline
     * @param tags          where due times go, or null when nobody listens for returns
     */
    LoadSender(int thread, int threads, DatagramChannel channel, List<byte[]> share, int headerLength,
               long limit, PacketTags tags) throws IOException {
        this.thread = thread;
        this.threads = threads;
        this.channel = channel;
        this.datagrams = new ByteBuffer[share.size()];
        this.ipOffsets = new int[share.size()];
        this.taggable = new boolean[share.size()];
        for (int i = 0; i < datagrams.length; i++) {
            byte[] d = share.get(i);
            ByteBuffer b = ByteBuffer.allocateDirect(d.length);
            b.put(d).flip();
            datagrams[i] = b;
            ipOffsets[i] = headerLength;
            taggable[i] = tags != null && d.length > headerLength && PacketTags.taggable(b, headerLength);
        }
        this.limit = limit;
        this.tags = tags;
        channel.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
    }

    /**
     * When to send: the schedule, and when {@code limit} is -1 the time to stop. Called before the thread that runs
     * this sender starts (its start orders these writes before the run's reads).
     */
    LoadSender schedule(Schedule s, long deadline) {
        this.schedule = s;
        this.deadlineNanos = deadline;
        return this;
    }

    /** After each packet, {@code n} copies of {@code datagram} (invalid for the target's encapsulation). */
    void flood(int n, byte[] datagram) {
        malformedPerPacket = n;
        malformed = ByteBuffer.allocateDirect(datagram.length);
        malformed.put(datagram).flip();
    }

    @Override
    public void run() {
        boolean paced = schedule.ratePps() > 0;
        int share = datagrams.length;
        int next = 0;
        for (long g = thread; limit < 0 || g < limit; g += threads) {
            long due = schedule.dueNanos(g);
            long now = System.nanoTime();
            if (paced) {
                while (now < due) {
                    long wait = due - now;
                    if (wait > SPIN_NANOS) {
                        LockSupport.parkNanos(wait - SPIN_NANOS);
                    } else {
                        Thread.onSpinWait();
                    }
                    now = System.nanoTime();
                }
            }
            if (limit < 0 && now - deadlineNanos >= 0) {
                break;
            }
            if (paced) {
                long lateBy = now - due;
                if (lateBy > LATE_NANOS) {
                    late++;
                }
                if (lateBy > maxLateNanos) {
                    maxLateNanos = lateBy;
                }
            }
            ByteBuffer b = datagrams[next];
            if (taggable[next]) {
                int tag = (int) (g & (PacketTags.TAGS - 1));
                PacketTags.stamp(b, ipOffsets[next], tag);
                tags.sent(tag, paced ? due : now);
            }
            b.position(0);
            try {
                channel.write(b);
                sent++;
            } catch (IOException e) {
                // e.g. ICMP port unreachable from an earlier datagram: counted, the load goes on
                if (firstError == null) {
                    firstError = e.toString();
                }
                sendErrors++;
            }
            for (int m = 0; m < malformedPerPacket; m++) {
                malformed.position(0);
                try {
                    channel.write(malformed);
                    malformedSent++;
                } catch (IOException e) {
                    sendErrors++;
                }
            }
            lastSendNanos = now;
            if (++next == share) {
                next = 0;
            }
        }
    }
}
