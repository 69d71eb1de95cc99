package io.sgemu.dataplane.capture;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.sgemu.dataplane.packet.DecodedPacket;
import io.sgemu.dataplane.packet.LongStreamSeeds;
import io.sgemu.dataplane.packet.PacketDecoder;
import io.sgemu.dataplane.packet.RandomPackets;
import io.sgemu.dataplane.testdata.SharedData;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Second layer: the reader and decoder against tshark, an independent implementation, frame by frame on
 * every shared capture (and on files this project's writers made). tshark must be installed when
 * {@code SGEMU_SHARED_DATA} is set: a missing tshark fails the test rather than skipping it.
 *
 * <p>Compared: frame count and order, time, addresses, protocol (after IPv6 extension headers), ports,
 * TCP flags, ICMP type/code/echo identifier, IP length. tshark prints every occurrence of a field,
 * outermost first, so the first value is the outer header's, which is the one the decoder reads.
 * Where tshark's fields mean something else than the decoder's, the comparison is normalised and the
 * case counted (each normalisation says why); every other difference is a failure.
 */
class TsharkDifferentialTest {

    /** The tshark fields, in the order of the columns of its output. */
    private static final String[] FIELDS = {
        "frame.number", "frame.encap_type", "frame.time_epoch", "frame.protocols",
        "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "ip.proto", "ipv6.nxt",
        "ipv6.hopopts.nxt", "ipv6.routing.nxt", "ipv6.fraghdr.nxt", "ipv6.dstopts.nxt", "ah.next_header",
        "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport", "tcp.flags",
        "icmp.type", "icmp.code", "icmp.ident", "icmpv6.type", "icmpv6.code", "icmpv6.echo.identifier",
        "ip.len", "ipv6.plen", "ip.frag_offset", "ipv6.fraghdr.offset",
    };

    private static String tshark;

    @TempDir
    Path dir;

    @BeforeAll
    static void needsSharedDataAndTshark() {
        SharedData.directory();
        tshark = findOnPath("tshark");
        if (tshark == null) {
            fail("SGEMU_SHARED_DATA is set but tshark is not on the PATH: the differential test needs it "
                    + "(Debian/Ubuntu: apt-get install tshark)");
        }
    }

    private static String findOnPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String d : path.split(File.pathSeparator)) {
            Path candidate = Path.of(d, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    @TestFactory
    Stream<DynamicTest> everySharedCaptureAgreesWithTshark() {
        return SharedData.captures().stream()
                .map(file -> dynamicTest(SharedData.relative(file), () -> compare(file, SharedData.relative(file))));
    }

    /** Files of this project's writers and builder, read by tshark: checks the writers as much as the reader. */
    @Test
    void generatedCapturesAgreeWithTshark() throws IOException {
        long seed = LongStreamSeeds.of(1).findFirst().orElseThrow();
        SplittableRandom r = new SplittableRandom(seed);
        Path pcapng = dir.resolve("generated.pcapng");
        try (PcapngWriter w = PcapngWriter.create(pcapng)) {
            for (int i = 0; i < RandomPackets.LINK_TYPES.length; i++) {
                w.addInterface(RandomPackets.LINK_TYPES[i], 0, i % 2 == 0 ? 9 : 6, 0);
            }
            long time = 1_700_000_000_000_000_000L;
            for (int k = 0; k < 600; k++) {
                int id = r.nextInt(RandomPackets.LINK_TYPES.length);
                time += r.nextInt(1_000_000_000);
                w.writePacket(id, time, RandomPackets.next(r, RandomPackets.LINK_TYPES[id]).frame());
            }
        }
        FileAgreement a = compare(pcapng, "generated.pcapng (seed " + seed + ")");
        assertThat(a.frames).isEqualTo(600);
    }

    /** Per-file tally, printed as the agreement report. */
    static final class FileAgreement {
        int frames;
        int comparedFields;
        final Map<String, Integer> normalised = new TreeMap<>();

        void normalise(String why) {
            normalised.merge(why, 1, Integer::sum);
        }
    }

    private FileAgreement compare(Path file, String name) throws IOException {
        List<String[]> rows = runTshark(file);
        List<String> mismatches = new ArrayList<>();
        FileAgreement agreement = new FileAgreement();
        CapturedFrame frame = new CapturedFrame();
        DecodedPacket p = new DecodedPacket();
        String readerError = null;
        int row = 0;
        int pseudoFrames = 0;
        try (CaptureReader reader = CaptureReader.open(file)) {
            while (reader.next(frame)) {
                // tshark shows pcapng custom blocks as pseudo-frames without an encapsulation: they
                // are not packets, and the reader rightly skips them.
                while (row < rows.size() && col(rows.get(row), "frame.encap_type").isEmpty()) {
                    agreement.normalise("custom block shown as a frame by tshark");
                    row++;
                    pseudoFrames++;
                }
                if (row >= rows.size()) {
                    mismatches.add("frame " + frame.frameNumber + ": tshark has no more frames");
                    break;
                }
                PacketDecoder.decode(frame.linkType, frame.buffer, frame.offset, frame.capturedLength,
                        frame.originalLength, frame.timeNanos, p);
                agreement.frames++;
                compareFrame(rows.get(row++), frame, frame.frameNumber + pseudoFrames, p, agreement, mismatches);
            }
        } catch (CaptureFormatException e) {
            readerError = e.getMessage();
        }
        while (row < rows.size() && col(rows.get(row), "frame.encap_type").isEmpty()) {
            agreement.normalise("custom block shown as a frame by tshark");
            row++;
        }
        if (row < rows.size()) {
            mismatches.add("tshark has " + (rows.size() - row) + " more frames than the reader"
                    + (readerError == null ? "" : " (reader stopped: " + readerError + ")"));
        }
        System.out.printf("tshark agreement %s: %d frames, %d fields compared, %d mismatches, normalised %s%s%n",
                name, agreement.frames, agreement.comparedFields, mismatches.size(), agreement.normalised,
                readerError == null ? "" : ", reader error: " + readerError);
        assertThat(mismatches).as("%s differs from tshark", name).isEmpty();
        return agreement;
    }

    private List<String[]> runTshark(Path file) throws IOException {
        List<String> command = new ArrayList<>(List.of(tshark, "-n", "-r", file.toString(),
                "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
                "-T", "fields", "-E", "separator=|", "-E", "occurrence=a", "-E", "aggregator=,"));
        for (String f : FIELDS) {
            command.add("-e");
            command.add(f);
        }
        Path out = dir.resolve("tshark.out");
        Path err = dir.resolve("tshark.err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for tshark", e);
        }
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            if (!line.isEmpty()) {
                rows.add(line.split("\\|", -1));
            }
        }
        for (String[] r : rows) {
            assertThat(r).as("tshark line of %s", file).hasSize(FIELDS.length);
        }
        return rows;
    }

    private void compareFrame(String[] t, CapturedFrame frame, long tsharkNumber, DecodedPacket p, FileAgreement a,
                              List<String> bad) {
        String at = "frame " + frame.frameNumber;
        check(a, bad, at, "frame.number", col(t, "frame.number"), Long.toString(tsharkNumber));
        compareTime(t, frame, a, bad, at);

        String protocols = col(t, "frame.protocols");
        String firstIp = firstIpLayer(protocols);
        if (firstIp == null && loopbackFamilyUnknownToTshark(frame) && p.hasAddresses()) {
            // The project reads the loopback family in either byte order for both NULL and LOOP, and
            // takes Linux's AF_INET6 (10) too; tshark reads LOOP in network order only and knows the
            // BSD values of AF_INET6 (24, 28, 30) only.
            a.normalise("loopback family tshark does not read");
            return;
        }
        if (firstIp == null) {
            // tshark finds no IP at all: the decoder must not have invented addresses.
            check(a, bad, at, "no IP (" + protocols + ")", "false", Boolean.toString(p.hasAddresses()));
            return;
        }
        check(a, bad, at, "status", "has addresses", p.hasAddresses() ? "has addresses" : p.status + "/" + p.reason);
        if (!p.hasAddresses()) {
            return;
        }
        boolean v6 = p.ipVersion == 6;
        check(a, bad, at, "ip version", firstIp.equals("ipv6") ? "6" : "4", Integer.toString(p.ipVersion));
        check(a, bad, at, "src", first(t, v6 ? "ipv6.src" : "ip.src"), p.src().toString());
        check(a, bad, at, "dst", first(t, v6 ? "ipv6.dst" : "ip.dst"), p.dst().toString());
        String ipLength = v6 ? plus40(first(t, "ipv6.plen")) : first(t, "ip.len");
        check(a, bad, at, "ip length", ipLength, Integer.toString(p.ipLength));
        check(a, bad, at, "protocol", v6 ? ipv6Protocol(t, a) : first(t, "ip.proto"), Integer.toString(p.protocol));

        if (p.status != DecodedPacket.Status.OK) {
            // The decoder stopped at a broken header; the fields it did read were compared above.
            a.normalise("decoder " + p.reason + " (" + protocols + ")");
            return;
        }
        boolean later = p.laterFragment;
        String fragmentOffset = v6 ? first(t, "ipv6.fraghdr.offset") : first(t, "ip.frag_offset");
        check(a, bad, at, "later fragment", Boolean.toString(!fragmentOffset.isEmpty() && !fragmentOffset.equals("0")),
                Boolean.toString(later));
        if (later) {
            return;
        }
        switch (p.protocol) {
            case PacketDecoder.PROTO_TCP -> {
                check(a, bad, at, "tcp.srcport", first(t, "tcp.srcport"), Integer.toString(p.srcPort));
                check(a, bad, at, "tcp.dstport", first(t, "tcp.dstport"), Integer.toString(p.dstPort));
                String flags = first(t, "tcp.flags");
                check(a, bad, at, "tcp.flags", flags.isEmpty() ? "" : Integer.toString(Integer.decode(flags) & 0xFF),
                        Integer.toString(p.tcpFlags));
            }
            case PacketDecoder.PROTO_UDP -> {
                check(a, bad, at, "udp.srcport", first(t, "udp.srcport"), Integer.toString(p.srcPort));
                check(a, bad, at, "udp.dstport", first(t, "udp.dstport"), Integer.toString(p.dstPort));
            }
            case PacketDecoder.PROTO_ICMP, PacketDecoder.PROTO_ICMPV6 -> {
                String prefix = p.protocol == PacketDecoder.PROTO_ICMP ? "icmp" : "icmpv6";
                check(a, bad, at, prefix + ".type", first(t, prefix + ".type"), Integer.toString(p.icmpType));
                check(a, bad, at, prefix + ".code", first(t, prefix + ".code"), Integer.toString(p.icmpCode));
                if (p.icmpId >= 0) {
                    String id = first(t, p.protocol == PacketDecoder.PROTO_ICMP ? "icmp.ident" : "icmpv6.echo.identifier");
                    check(a, bad, at, "icmp id", id.isEmpty() ? "" : Integer.toString(Integer.decode(id)),
                            Integer.toString(p.icmpId));
                }
                if (!first(t, "tcp.srcport").isEmpty() || !first(t, "udp.srcport").isEmpty()) {
                    // tshark reads the header quoted inside an ICMP error; the packet itself has no ports.
                    a.normalise("ports of the packet quoted in an ICMP error");
                }
            }
            default -> {
                if (!first(t, "tcp.srcport").isEmpty() || !first(t, "udp.srcport").isEmpty()) {
                    // A tunnel (GRE, IP-in-IP ...): tshark's ports are the inner packet's; the outer
                    // packet, the one a security group judges, has none.
                    a.normalise("ports of a tunnelled packet (outer protocol " + p.protocol + ")");
                }
                check(a, bad, at, "ports", "-1/-1", p.srcPort + "/" + p.dstPort);
            }
        }
    }

    private static void compareTime(String[] t, CapturedFrame frame, FileAgreement a, List<String> bad, String at) {
        String epoch = col(t, "frame.time_epoch");
        if (epoch.isEmpty()) {
            // tshark gives a Simple Packet Block no time; the reader gives it the previous frame's.
            a.normalise("no time from tshark (simple packet block)");
            return;
        }
        int dot = epoch.indexOf('.');
        if (epoch.startsWith("-") || dot < 0 || epoch.length() - dot - 1 != 9) {
            // A nanosecond field of a billion or more: tshark prints it raw (10 digits, or negative);
            // the reader carries it into the seconds.
            a.normalise("out-of-range fraction, printed raw by tshark: " + epoch);
            return;
        }
        long nanos = Long.parseLong(epoch.substring(0, dot)) * 1_000_000_000L + Long.parseLong(epoch.substring(dot + 1));
        check(a, bad, at, "time", Long.toString(nanos), Long.toString(frame.timeNanos));
    }

    private static boolean loopbackFamilyUnknownToTshark(CapturedFrame frame) {
        if ((frame.linkType != 0 && frame.linkType != 108) || frame.capturedLength < 4) {
            return false;
        }
        int network = frame.buffer.getInt(frame.offset, java.nio.ByteOrder.BIG_ENDIAN);
        int host = Integer.reverseBytes(network);
        boolean networkKnown = network == 2 || network == 24 || network == 28 || network == 30;
        boolean hostKnown = host == 2 || host == 24 || host == 28 || host == 30;
        return frame.linkType == 0 ? !networkKnown && !hostKnown : !networkKnown;
    }

    /** The first "ip" or "ipv6" layer of frame.protocols, or null. */
    private static String firstIpLayer(String protocols) {
        for (String layer : protocols.split(":")) {
            if (layer.equals("ip") || layer.equals("ipv6")) {
                return layer;
            }
        }
        return null;
    }

    /**
     * The transport protocol of the outer IPv6 header: ipv6.nxt names the first extension header, so
     * follow the chain through the extension headers' own next-header fields, as the decoder does.
     */
    private static String ipv6Protocol(String[] t, FileAgreement a) {
        String next = first(t, "ipv6.nxt");
        Map<String, Integer> used = new TreeMap<>();
        for (int guard = 0; guard < 16 && !next.isEmpty(); guard++) {
            String field = switch (Integer.parseInt(next)) {
                case 0 -> "ipv6.hopopts.nxt";
                case 43 -> "ipv6.routing.nxt";
                case 44 -> "ipv6.fraghdr.nxt";
                case 60 -> "ipv6.dstopts.nxt";
                case 51 -> "ah.next_header";
                default -> null;
            };
            if (field == null) {
                break;
            }
            int index = used.merge(field, 1, Integer::sum) - 1;
            String[] values = col(t, field).split(",");
            if (index >= values.length || values[index].isEmpty()) {
                break;
            }
            a.normalise("ipv6.nxt names an extension header");
            next = values[index];
            if (field.equals("ipv6.fraghdr.nxt")) {
                break; // a fragment's payload type, whether or not it is the first fragment
            }
        }
        return next;
    }

    private static String plus40(String payloadLength) {
        return payloadLength.isEmpty() ? "" : Integer.toString(40 + Integer.parseInt(payloadLength));
    }

    private static void check(FileAgreement a, List<String> bad, String at, String what, String tsharkValue,
                              String ours) {
        a.comparedFields++;
        if (!tsharkValue.equals(ours)) {
            bad.add(at + " " + what + ": tshark '" + tsharkValue + "', decoder '" + ours + "'");
        }
    }

    private static String col(String[] row, String field) {
        for (int i = 0; i < FIELDS.length; i++) {
            if (FIELDS[i].equals(field)) {
                return row[i];
            }
        }
        throw new IllegalArgumentException(field);
    }

    /** The first (outermost) value of a field tshark printed once per occurrence. */
    private static String first(String[] row, String field) {
        String v = col(row, field);
        int comma = v.indexOf(',');
        return comma < 0 ? v : v.substring(0, comma);
    }
}
