package io.sgemu.control.replay;

import io.sgemu.dataplane.capture.PcapWriter;
import io.sgemu.dataplane.capture.PcapngWriter;
import io.sgemu.dataplane.io.PartialFile;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.agrona.DirectBuffer;

/**
 * A capture file that replayed frames are copied into unchanged: same link type, timestamp, captured and
 * original length. The file name picks the format: {@code .pcapng} gives pcapng with one interface per
 * link type met (nanosecond resolution); anything else gives classic pcap with nanosecond timestamps,
 * which holds one link type only, so a frame of a second link type is refused with a
 * {@link CaptureOutputException} that says to use {@code .pcapng}.
 *
 * <p>The file is created at once (so a bad path fails before the replay starts); the pcap header, which
 * needs the link type, is written with the first frame, or at {@link #close()} when no frame came (then
 * with the link type of the capture's first frame, see {@link #linkTypeSeen}, or Ethernet).
 */
public final class CaptureOutput implements Closeable {

    private static final int LINKTYPE_ETHERNET = 1;

    private final Path path;
    private final boolean pcapng;
    private final OutputStream stream;
    private PcapWriter pcap;
    private int pcapLinkType = -1;
    private PcapngWriter ng;
    /** Link type to pcapng interface id: small link types index directly, the rest are searched. */
    private int[] ngLinkTypes = new int[4];
    private int ngInterfaces;
    private int firstLinkTypeSeen = -1;
    private byte[] scratch = new byte[2048];
    private long written;

    private CaptureOutput(Path path, OutputStream stream) {
        this.path = path;
        this.pcapng = path.getFileName() != null && path.getFileName().toString().endsWith(".pcapng");
        this.stream = stream;
    }

    /** Creates (or, once closed, replaces) the file, with its parent directories. */
    public static CaptureOutput create(Path path) throws IOException {
        // written as .NAME.partial and renamed at close: a crash never leaves a torn capture under NAME
        return new CaptureOutput(path, PartialFile.create(path));
    }

    public Path path() {
        return path;
    }

    /** "pcap" or "pcapng". */
    public String format() {
        return pcapng ? "pcapng" : "pcap";
    }

    /** Frames written so far. */
    public long frames() {
        return written;
    }

    /** Notes the link type of a frame of the capture (written or not): the header of an empty pcap uses the first. */
    public void linkTypeSeen(int linkType) {
        if (firstLinkTypeSeen < 0) {
            firstLinkTypeSeen = linkType;
        }
    }

    /** Writes a frame held in a buffer (a view of the capture being read). */
    public void write(long frameNumber, int linkType, long timeNanos, DirectBuffer buffer, int offset,
                      int capturedLength, int originalLength) throws IOException {
        if (scratch.length < capturedLength) {
            scratch = new byte[capturedLength];
        }
        buffer.getBytes(offset, scratch, 0, capturedLength);
        write(frameNumber, linkType, timeNanos, scratch, 0, capturedLength, originalLength);
    }

    /** Writes a frame held in an array. */
    public void write(long frameNumber, int linkType, long timeNanos, byte[] bytes, int offset, int capturedLength,
                      int originalLength) throws IOException {
        try {
            if (pcapng) {
                ng().writePacket(interfaceFor(linkType), timeNanos, bytes, offset, capturedLength, originalLength);
            } else {
                pcapFor(frameNumber, linkType).write(timeNanos, bytes, offset, capturedLength, originalLength);
            }
        } catch (IllegalArgumentException e) {
            // A time or length the format cannot hold.
            throw new CaptureOutputException(path + ": frame " + frameNumber + ": " + e.getMessage());
        }
        written++;
    }

    private PcapngWriter ng() throws IOException {
        if (ng == null) {
            ng = new PcapngWriter(stream, ByteOrder.LITTLE_ENDIAN);
        }
        return ng;
    }

    private int interfaceFor(int linkType) throws IOException {
        for (int i = 0; i < ngInterfaces; i++) {
            if (ngLinkTypes[i] == linkType) {
                return i;
            }
        }
        int id = ng().addInterface(linkType, 0, PcapngWriter.TSRESOL_NANOS, 0);
        if (ngInterfaces == ngLinkTypes.length) {
            ngLinkTypes = java.util.Arrays.copyOf(ngLinkTypes, ngInterfaces * 2);
        }
        ngLinkTypes[ngInterfaces++] = linkType;
        return id;
    }

    private PcapWriter pcapFor(long frameNumber, int linkType) throws IOException {
        if (pcap == null) {
            pcap = new PcapWriter(stream, linkType, PcapWriter.Precision.NANOSECONDS, ByteOrder.LITTLE_ENDIAN,
                    PcapWriter.DEFAULT_SNAP_LENGTH);
            pcapLinkType = linkType;
        } else if (linkType != pcapLinkType) {
            throw new CaptureOutputException(path + ": frame " + frameNumber + " has link type " + linkType
                    + " but a pcap file holds one link type (" + pcapLinkType + "); name the file *.pcapng to "
                    + "keep several");
        }
        return pcap;
    }

    @Override
    public void close() throws IOException {
        if (pcapng) {
            ng().close();
        } else {
            if (pcap == null) {
                pcap = new PcapWriter(stream, firstLinkTypeSeen < 0 ? LINKTYPE_ETHERNET : firstLinkTypeSeen,
                        PcapWriter.Precision.NANOSECONDS, ByteOrder.LITTLE_ENDIAN, PcapWriter.DEFAULT_SNAP_LENGTH);
            }
            pcap.close();
        }
    }

    /** A frame that the output cannot hold (a second link type in pcap, a time outside the format). */
    public static final class CaptureOutputException extends IOException {
        public CaptureOutputException(String message) {
            super(message);
        }
    }
}
