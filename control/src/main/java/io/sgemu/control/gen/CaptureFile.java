package io.sgemu.control.gen;

import io.sgemu.dataplane.capture.PcapWriter;
import io.sgemu.dataplane.capture.PcapngWriter;
import io.sgemu.dataplane.io.PartialFile;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * A capture file being written: pcapng when the name ends in {@code .pcapng} (or {@code .pcapng.gz}),
 * else pcap with nanosecond timestamps; gzip-compressed when it ends in {@code .gz}.
 */
public final class CaptureFile implements Closeable {

    private static final int BUFFER = 1 << 20;

    private final PcapWriter pcap;
    private final PcapngWriter pcapng;
    private final int iface;

    private CaptureFile(PcapWriter pcap, PcapngWriter pcapng, int iface) {
        this.pcap = pcap;
        this.pcapng = pcapng;
        this.iface = iface;
    }

    /** True when {@code file}'s name asks for pcapng. */
    public static boolean isPcapng(Path file) {
        return plainName(file).endsWith(".pcapng");
    }

    /** True when {@code file}'s name asks for gzip compression. */
    public static boolean isGzip(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz");
    }

    private static String plainName(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
    }

    /** Creates (or replaces) {@code file} for frames of {@code linkType}. */
    public static CaptureFile create(Path file, int linkType) throws IOException {
        OutputStream out = new BufferedOutputStream(PartialFile.create(file), BUFFER); // renamed into place at close
        try {
            if (isGzip(file)) {
                // GZIPOutputStream writes no time or name in its header: the same frames give the same bytes.
                out = new BufferedOutputStream(new GZIPOutputStream(out, BUFFER), BUFFER);
            }
            if (isPcapng(file)) {
                PcapngWriter w = new PcapngWriter(out, ByteOrder.LITTLE_ENDIAN);
                int iface = w.addInterface(linkType, PcapWriter.DEFAULT_SNAP_LENGTH, PcapngWriter.TSRESOL_NANOS, 0);
                return new CaptureFile(null, w, iface);
            }
            return new CaptureFile(new PcapWriter(out, linkType, PcapWriter.Precision.NANOSECONDS, ByteOrder.LITTLE_ENDIAN,
                    PcapWriter.DEFAULT_SNAP_LENGTH), null, -1);
        } catch (IOException | RuntimeException e) {
            out.close();
            throw e;
        }
    }

    public void write(long timeNanos, byte[] frame) throws IOException {
        if (pcap != null) {
            pcap.write(timeNanos, frame);
        } else {
            pcapng.writePacket(iface, timeNanos, frame);
        }
    }

    @Override
    public void close() throws IOException {
        if (pcap != null) {
            pcap.close();
        } else {
            pcapng.close();
        }
    }
}
