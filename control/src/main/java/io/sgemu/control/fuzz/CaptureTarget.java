package io.sgemu.control.fuzz;

import io.sgemu.dataplane.capture.CaptureFormatException;
import io.sgemu.dataplane.capture.CaptureReader;
import io.sgemu.dataplane.capture.CapturedFrame;
import io.sgemu.dataplane.capture.PcapWriter;
import io.sgemu.dataplane.capture.PcapngWriter;
import io.sgemu.dataplane.packet.DecodedPacket;
import io.sgemu.dataplane.packet.LinkType;
import io.sgemu.dataplane.packet.PacketBuilder;
import io.sgemu.dataplane.packet.PacketDecoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * Capture files: {@link CaptureReader#open} then {@link CaptureReader#next} to the end (each frame also
 * decoded). Bad input is a {@link CaptureFormatException}, from either.
 *
 * <p>Three targets: pcap, pcapng, and gzip. The gzip one reads an input that starts with the gzip magic
 * as it is (mutated compressed bytes), and compresses any other input first (a mutated capture inside a
 * sound gzip stream).
 */
final class CaptureTarget implements FuzzTarget {

    /** Frames read per input at most (a mutated length can make many tiny frames). */
    static final int MAX_FRAMES = 100_000;

    enum Format { PCAP, PCAPNG, GZIP }

    private final Format format;
    private final Path dir;
    private final Path file;
    private final CapturedFrame frame = new CapturedFrame();
    private final DecodedPacket packet = new DecodedPacket();
    private final PacketDecoder decoder = new PacketDecoder();

    CaptureTarget(Format format) {
        this.format = format;
        try {
            this.dir = Files.createTempDirectory("sgemu-fuzz-capture");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.file = dir.resolve(switch (format) {
            case PCAP -> "fuzz.pcap";
            case PCAPNG -> "fuzz.pcapng";
            case GZIP -> "fuzz.pcap.gz";
        });
    }

    @Override
    public String name() {
        return switch (format) {
            case PCAP -> "pcap";
            case PCAPNG -> "pcapng";
            case GZIP -> "capture-gzip";
        };
    }

    @Override
    public String entryPoint() {
        return "CaptureReader.open(Path) + next(CapturedFrame)" + (format == Format.GZIP ? " on gzip files" : "");
    }

    @Override
    public boolean isText() {
        return false;
    }

    @Override
    public boolean accepts(Path f) {
        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return switch (format) {
            case PCAP -> n.endsWith(".pcap") || n.endsWith(".cap");
            case PCAPNG -> n.endsWith(".pcapng");
            case GZIP -> n.endsWith(".gz") && (n.contains(".pcap") || n.contains(".cap"));
        };
    }

    @Override
    public void run(byte[] input) throws IOException {
        byte[] bytes = input;
        if (format == Format.GZIP && !(input.length >= 2 && (input[0] & 0xFF) == 0x1f && (input[1] & 0xFF) == 0x8b)) {
            bytes = gzip(input);
        }
        Files.write(file, bytes);
        try (CaptureReader reader = CaptureReader.open(file)) {
            for (int i = 0; i < MAX_FRAMES && reader.next(frame); i++) {
                decoder.decodeFrame(frame.linkType, frame.buffer, frame.offset, frame.capturedLength,
                        frame.originalLength, frame.timeNanos, packet);
                reader.progress();
            }
            reader.warnings();
        }
    }

    @Override
    public boolean isBadInput(Throwable t) {
        return t instanceof CaptureFormatException;
    }

    @Override
    public List<byte[]> seeds() {
        try {
            List<byte[]> out = new ArrayList<>();
            if (format == Format.PCAPNG) {
                out.add(pcapng(ByteOrder.LITTLE_ENDIAN, false));
                out.add(pcapng(ByteOrder.BIG_ENDIAN, true));
                return out;
            }
            List<byte[]> plain = new ArrayList<>();
            plain.add(pcap(LinkType.ETHERNET, PcapWriter.Precision.MICROSECONDS, ByteOrder.LITTLE_ENDIAN));
            plain.add(pcap(LinkType.RAW, PcapWriter.Precision.NANOSECONDS, ByteOrder.BIG_ENDIAN));
            plain.add(pcap(LinkType.LINUX_SLL2, PcapWriter.Precision.MICROSECONDS, ByteOrder.BIG_ENDIAN));
            plain.add(pcap(LinkType.NFLOG, PcapWriter.Precision.NANOSECONDS, ByteOrder.LITTLE_ENDIAN));
            if (format == Format.PCAP) {
                return plain;
            }
            for (byte[] p : plain) {
                out.add(gzip(p));
            }
            out.add(gzip(pcapng(ByteOrder.LITTLE_ENDIAN, true)));
            out.add(plain.get(0));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<byte[]> frames(int linkType) {
        List<byte[]> f = new ArrayList<>();
        f.add(PacketBuilder.ip("10.0.1.10", "10.0.2.20").tcp(40000, 443, PacketBuilder.SYN, 0).link(linkType).build());
        f.add(PacketBuilder.ip("10.0.2.20", "10.0.1.10").tcp(443, 40000, PacketBuilder.SYN | PacketBuilder.ACK, 0)
                .link(linkType).build());
        f.add(PacketBuilder.ip("2600:1f18::1", "2600:1f18::2").udp(5353, 53, 20).link(linkType).build());
        return f;
    }

    private static byte[] pcap(int linkType, PcapWriter.Precision precision, ByteOrder order) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(out, linkType, precision, order, 65535)) {
            long t = 1_767_225_600_000_000_000L;
            for (byte[] f : frames(linkType)) {
                w.write(t, f);
                t += 1_500_000;
            }
            byte[] big = frames(linkType).get(2);
            w.write(t, big, 0, Math.min(40, big.length), big.length); // a snapped frame
        }
        return out.toByteArray();
    }

    private static byte[] pcapng(ByteOrder order, boolean twoSections) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapngWriter w = new PcapngWriter(out, order)) {
            int eth = w.addInterface(LinkType.ETHERNET);
            int raw = w.addInterface(LinkType.RAW, 128, PcapngWriter.TSRESOL_NANOS, 0);
            long t = 1_767_225_600_000_000_000L;
            for (byte[] f : frames(LinkType.ETHERNET)) {
                w.writePacket(eth, t, f);
                t += 1000;
            }
            byte[] ip = frames(LinkType.RAW).get(0);
            w.writePacket(raw, t, ip);
            w.writeObsoletePacket(eth, t + 1, frames(LinkType.ETHERNET).get(1));
            if (twoSections) {
                w.newSection(order == ByteOrder.BIG_ENDIAN ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
                int sll = w.addInterface(LinkType.LINUX_SLL, 65535, PcapngWriter.TSRESOL_MICROS, 10);
                w.writePacket(sll, t + 5, frames(LinkType.LINUX_SLL).get(2));
                w.writeSimplePacket(frames(LinkType.LINUX_SLL).get(0), 60);
            }
        }
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(b);
        }
        return out.toByteArray();
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }
}
