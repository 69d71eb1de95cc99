package io.sgemu.control.flowreplay;

import io.sgemu.dataplane.capture.CaptureFormatException;
import io.sgemu.dataplane.capture.CapturedFrame;
import io.sgemu.dataplane.capture.FrameSource;
import io.sgemu.dataplane.packet.LinkType;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Frames synthesized from VPC flow-log records, for replaying recorded traffic against a world: every record
 * (ACCEPT and REJECT alike: the world being tested decides) becomes its {@code packets} packets, raw IP
 * frames (link type RAW) as {@link RecordPackets} describes, and the frames of all records of all files come
 * out in time order.
 *
 * <p>All files are read when the source opens (records must be sorted by start before the first packet can
 * go out): lines that do not parse are skipped and counted, NODATA and SKIPDATA records are counted and make
 * no packets, and by default a record that repeats another one in everything but the interface-id (the same
 * packets logged by the sender's and the receiver's ENI) is dropped, so traffic is not doubled. Then records
 * are merged: a priority queue holds the records whose time has come, keyed by the time of their next packet.
 * Memory grows with the number of records, never with the number of packets.
 *
 * <p>Not thread-safe.
 */
public final class FlowLogFrameSource implements FrameSource {

    private final FlowRecordTable table;
    private final FlowLogInputStats stats;
    private final String readError;
    private final Path readErrorFile;
    private final RecordPackets packets = RecordPackets.create();
    private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);

    /** Next packet number and time of each record, by record index. */
    private final long[] nextPacket;
    private final long[] nextTime;
    /** Min-heap of record indices by (next time, rank). */
    private final int[] heap;
    private final int[] rank;
    private int heapSize;
    /** Rank (start order) of the next record not yet in the heap. */
    private int pending;
    private long recordsDone;
    private long frameNumber;

    private FlowLogFrameSource(FlowRecordTable table, FlowLogInputStats stats, String readError, Path readErrorFile) {
        this.table = table;
        this.stats = stats;
        this.readError = readError;
        this.readErrorFile = readErrorFile;
        int n = table.size();
        nextPacket = new long[n];
        nextTime = new long[n];
        heap = new int[table.sortedSize()];
        rank = new int[n];
        for (int r = 0; r < table.sortedSize(); r++) {
            int i = table.order(r);
            rank[i] = r;
            nextTime[i] = RecordPackets.timeNanos(table, i, 0);
        }
    }

    /**
     * Reads the files, in order, and prepares the replay.
     *
     * @param deduplicate drop a record that equals another in addresses, ports, protocol, start, end, packets
     *                    and bytes but was logged by a different interface
     * @throws FlowLogInputException when a file does not exist or cannot be read, its first line is neither a
     *                               header nor a version 2 default-format record, or its format lacks a field
     *                               that packets are made of
     */
    public static FlowLogFrameSource open(List<Path> files, boolean deduplicate) throws FlowLogInputException {
        FlowRecordTable table = new FlowRecordTable();
        FlowLogInputStats stats = new FlowLogInputStats();
        FlowLogFileReader reader = new FlowLogFileReader(table, stats);
        String error = null;
        Path errorFile = null;
        for (Path f : files) {
            String e = reader.read(f);
            if (e != null && error == null) {
                error = e;
                errorFile = f;
            }
        }
        stats.duplicates = table.sortAndDeduplicate(deduplicate);
        markEchoReplies(table);
        for (int r = 0; r < table.sortedSize(); r++) {
            int i = table.order(r);
            stats.packets += table.packets(i);
            if (!RecordPackets.bytesFit(table, i)) {
                stats.bytesAdjusted++;
            }
        }
        return new FlowLogFrameSource(table, stats, error, errorFile);
    }

    /**
     * Flow-log records carry ICMP with ports 0, so request and reply are told apart by order: of the two
     * directions of an address pair, the one logged first (by start) is the request.
     */
    private static void markEchoReplies(FlowRecordTable table) {
        Map<PairKey, Boolean> firstDirection = new HashMap<>();
        for (int r = 0; r < table.sortedSize(); r++) {
            int i = table.order(r);
            int p = table.protocol(i);
            if (p != 1 && p != 58) {
                continue;
            }
            PairKey forward = new PairKey(table.src(i), table.dst(i));
            PairKey reverse = new PairKey(table.dst(i), table.src(i));
            if (firstDirection.containsKey(reverse)) {
                table.markEchoReply(i);
            } else {
                firstDirection.putIfAbsent(forward, Boolean.TRUE);
            }
        }
    }

    private record PairKey(io.sgemu.dataplane.net.IpAddress src, io.sgemu.dataplane.net.IpAddress dst) {
    }

    /** What reading the input found; complete once {@link #open} returns. */
    public FlowLogInputStats stats() {
        return stats;
    }

    @Override
    public boolean next(CapturedFrame frame) throws CaptureFormatException {
        int i = nextRecord();
        if (i < 0) {
            if (readError != null) {
                throw new InputBroken(readErrorFile, readError);
            }
            return false;
        }
        long k = nextPacket[i];
        byte[] bytes = packets.build(table, i, k);
        view.wrap(bytes);
        frame.frameNumber = ++frameNumber;
        frame.timeNanos = nextTime[i];
        frame.linkType = LinkType.RAW;
        frame.interfaceId = 0;
        frame.capturedLength = bytes.length;
        frame.originalLength = bytes.length;
        frame.buffer = view;
        frame.offset = 0;
        frame.fileOffset = 0;
        if (k + 1 < table.packets(i)) {
            nextPacket[i] = k + 1;
            nextTime[i] = RecordPackets.timeNanos(table, i, k + 1);
            siftDown(0);
        } else {
            recordsDone++;
            heap[0] = heap[--heapSize];
            siftDown(0);
        }
        return true;
    }

    /** The record whose next packet is due first (at the heap's top), or -1 when all are done. */
    private int nextRecord() {
        while (pending < table.sortedSize()) {
            int i = table.order(pending);
            if (table.packets(i) == 0) {
                pending++;
                recordsDone++;
                continue;
            }
            if (heapSize > 0 && nextTime[i] > nextTime[heap[0]]) {
                break;
            }
            heap[heapSize] = i;
            siftUp(heapSize++);
            pending++;
        }
        return heapSize == 0 ? -1 : heap[0];
    }

    private boolean before(int a, int b) {
        return nextTime[a] < nextTime[b] || (nextTime[a] == nextTime[b] && rank[a] < rank[b]);
    }

    private void siftUp(int pos) {
        int x = heap[pos];
        while (pos > 0) {
            int parent = (pos - 1) >>> 1;
            if (!before(x, heap[parent])) {
                break;
            }
            heap[pos] = heap[parent];
            pos = parent;
        }
        heap[pos] = x;
    }

    private void siftDown(int pos) {
        if (heapSize == 0) {
            return;
        }
        int x = heap[pos];
        int half = heapSize >>> 1;
        while (pos < half) {
            int child = 2 * pos + 1;
            int right = child + 1;
            if (right < heapSize && before(heap[right], heap[child])) {
                child = right;
            }
            if (!before(heap[child], x)) {
                break;
            }
            heap[pos] = heap[child];
            pos = child;
        }
        heap[pos] = x;
    }

    @Override
    public double progress() {
        int total = table.sortedSize();
        return total == 0 ? 1.0 : (double) recordsDone / total;
    }

    @Override
    public void close() {
        // Everything was read when the source opened.
    }

    /** A file that broke off while being read: reported after the frames of the records read before. */
    static final class InputBroken extends CaptureFormatException {
        private static final long serialVersionUID = 1L;
        private final String message;

        InputBroken(Path file, String message) {
            super(file, 0, "broken flow-log input", null);
            this.message = message;
        }

        @Override
        public String getMessage() {
            return message;
        }
    }
}
