package io.sgemu.dataplane.flowlog;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;

/**
 * The messages that carry closed flow-log records from the workers' {@link FastFlowLogAggregator}s to the one
 * {@link FlowLogWriterAgent}, through an Agrona {@link ManyToOneRingBuffer}.
 *
 * <p>Each message is fixed-length; the ring's own header (length, type) precedes it, so one record costs
 * {@code RECORD_LENGTH + 8} bytes of ring. Numbers are in the machine's byte order (producer and consumer
 * share one process). Offsets are from the start of the message body.
 *
 * <h2>{@link #RECORD} - one closed OK record ({@value #RECORD_LENGTH} bytes)</h2>
 * <pre>
 *   0  long  interval start, Unix seconds
 *   8  long  srcaddr hi        16 long srcaddr lo
 *  24  long  dstaddr hi        32 long dstaddr lo
 *  40  long  pkt-srcaddr hi    48 long pkt-srcaddr lo
 *  56  long  pkt-dstaddr hi    64 long pkt-dstaddr lo
 *  72  long  packets
 *  80  long  bytes
 *  88  long  start, Unix seconds of the first packet
 *  96  long  end, Unix seconds of the last packet
 * 104  long  first sequence: the global packet number that first showed the key in the interval
 * 112  int   ENI number
 * 116  u16   srcport           118 u16 dstport
 * 120  u8    protocol          121 u8  family (4 or 6)
 * 122  u8    bit 0 ingress, bit 1 accept
 * 123  u8    tcp-flags as reported (FIN, SYN, RST, ACK-with-SYN)
 * 124  int   worker
 * </pre>
 *
 * <h2>{@link #SKIP} - observations or records of one ENI and interval that were lost ({@value #SKIP_LENGTH} bytes)</h2>
 * Becomes (a share of) that ENI's one {@code SKIPDATA} record of the interval; the writer merges every worker's.
 * <pre>
 *   0  long  interval start     8 long first second lost    16 long last second lost
 *  24  long  first sequence lost
 *  32  long  observations lost to the aggregator's capacity (new keys beyond it)
 *  40  long  records lost because the ring was full
 *  48  long  packets of the records lost because the ring was full
 *  56  int   ENI number          60 int worker
 * </pre>
 *
 * <h2>{@link #WATERMARK} - "worker W has sent everything before T" ({@value #WATERMARK_LENGTH} bytes)</h2>
 * <pre>
 *   0  long  T, Unix seconds: the start of the interval that holds the worker's clock
 *   8  int   worker             12 int (unused)
 * </pre>
 *
 * <h2>{@link #FINISHED} - "worker W has sent everything and will send nothing more" ({@value #FINISHED_LENGTH} bytes)</h2>
 * <pre>
 *   0  long  start of the interval that held the worker's clock at the end, or Long.MIN_VALUE if it had none
 *   8  int   worker             12 int (unused)
 * </pre>
 * A worker's messages reach the writer in the order it wrote them (the ring is FIFO), which is what makes a
 * watermark mean what it says.
 */
public final class FlowLogMessages {

    public static final int RECORD = 1;
    public static final int SKIP = 2;
    public static final int WATERMARK = 3;
    public static final int FINISHED = 4;

    // RECORD
    public static final int R_INTERVAL_START = 0;
    public static final int R_SRC_HI = 8;
    public static final int R_SRC_LO = 16;
    public static final int R_DST_HI = 24;
    public static final int R_DST_LO = 32;
    public static final int R_PKT_SRC_HI = 40;
    public static final int R_PKT_SRC_LO = 48;
    public static final int R_PKT_DST_HI = 56;
    public static final int R_PKT_DST_LO = 64;
    public static final int R_PACKETS = 72;
    public static final int R_BYTES = 80;
    public static final int R_START = 88;
    public static final int R_END = 96;
    public static final int R_FIRST_SEQUENCE = 104;
    public static final int R_ENI = 112;
    public static final int R_SRC_PORT = 116;
    public static final int R_DST_PORT = 118;
    public static final int R_PROTOCOL = 120;
    public static final int R_FAMILY = 121;
    public static final int R_DIRECTION_ACTION = 122;
    public static final int R_TCP_FLAGS = 123;
    public static final int R_WORKER = 124;
    public static final int RECORD_LENGTH = 128;

    /** Bits of the byte at {@link #R_DIRECTION_ACTION}. */
    public static final int INGRESS_BIT = 1;
    public static final int ACCEPT_BIT = 2;

    // SKIP
    public static final int S_INTERVAL_START = 0;
    public static final int S_FIRST_SECOND = 8;
    public static final int S_LAST_SECOND = 16;
    public static final int S_FIRST_SEQUENCE = 24;
    public static final int S_CAPACITY_LOST_OBSERVATIONS = 32;
    public static final int S_RING_LOST_RECORDS = 40;
    public static final int S_RING_LOST_PACKETS = 48;
    public static final int S_ENI = 56;
    public static final int S_WORKER = 60;
    public static final int SKIP_LENGTH = 64;

    // WATERMARK and FINISHED
    public static final int W_TIME = 0;
    public static final int W_WORKER = 8;
    public static final int WATERMARK_LENGTH = 16;
    public static final int FINISHED_LENGTH = 16;

    private FlowLogMessages() {
    }

    /**
     * A ring of {@code capacityBytes} (a power of two, at least 1024 so that a record fits in the ring's
     * eighth-of-capacity message limit) on a direct buffer.
     */
    public static ManyToOneRingBuffer newRing(int capacityBytes) {
        if (Integer.bitCount(capacityBytes) != 1 || capacityBytes < 1024) {
            throw new IllegalArgumentException("the flow-log ring's capacity is a power of two of at least 1024 bytes: "
                    + capacityBytes);
        }
        ByteBuffer bytes = ByteBuffer.allocateDirect(capacityBytes + RingBufferDescriptor.TRAILER_LENGTH);
        return new ManyToOneRingBuffer(new UnsafeBuffer(bytes));
    }
}
