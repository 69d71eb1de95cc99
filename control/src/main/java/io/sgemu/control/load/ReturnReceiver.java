package io.sgemu.control.load;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;

/**
 * Receives what the emulator returns, on its own thread: counts the datagrams, opens each to its IP packet, reads
 * the packet's tag and records the round trip (from the packet's due time) in a histogram of nanoseconds.
 * Stopped by closing its channel.
 *
 * <p>{@link #returned} is a volatile field written by this thread only (the generator polls it to stop waiting
 * early); the other counters and the histogram are read after {@code join()}.
 */
final class ReturnReceiver implements Runnable {

    /** Round trips beyond this (an hour) are recorded as this. */
    static final long HIGHEST_NANOS = 3_600_000_000_000L;

    private final DatagramChannel channel;
    private final Encapsulation encapsulation;
    private final PacketTags tags;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(65_536);
    final Histogram latency = new Histogram(HIGHEST_NANOS, 3);

    volatile long returned;
    /** Datagrams that did not open to an IP packet of the expected encapsulation. */
    long foreign;
    /** Returned packets without a tag (IPv4 fragments). */
    long untagged;
    /** Returned packets whose tag had no packet outstanding (a duplicate, or a slot reused). */
    long unmatched;
    String failure;

    ReturnReceiver(DatagramChannel channel, Encapsulation encapsulation, PacketTags tags) {
        this.channel = channel;
        this.encapsulation = encapsulation;
        this.tags = tags;
    }

    @Override
    public void run() {
        try {
            while (true) {
                buffer.clear();
                channel.receive(buffer);
                long now = System.nanoTime();
                int length = buffer.position();
                int ip = encapsulation.innerIpOffset(buffer, length);
                if (ip < 0) {
                    foreign++;
                    continue;
                }
                returned = returned + 1; // volatile write, single writer
                int tag = PacketTags.read(buffer, ip, length);
                if (tag < 0) {
                    untagged++;
                    continue;
                }
                long due = tags.take(tag);
                if (due == PacketTags.EMPTY) {
                    unmatched++;
                    continue;
                }
                latency.recordValue(Math.min(HIGHEST_NANOS, Math.max(0, now - due)));
            }
        } catch (ClosedChannelException e) {
            // stopped (AsynchronousCloseException is one)
        } catch (IOException e) {
            failure = e.toString();
        }
    }
}
