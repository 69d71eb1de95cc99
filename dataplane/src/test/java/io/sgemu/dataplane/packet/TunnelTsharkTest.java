package io.sgemu.dataplane.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sgemu.dataplane.capture.PcapWriter;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Second layer: VXLAN and GENEVE frames of the builder, written to a pcap by the project's writer and
 * read by tshark, an independent dissector. Its inner addresses (the second {@code ip.src} / {@code
 * ip.dst} under an IPv4 outer header, the first {@code ipv6.*}), inner ports and VNI must be what
 * the decoder opens. Runs wherever tshark is installed; skipped without tshark unless
 * {@code SGEMU_SHARED_DATA} is set, in which case a missing tshark is a failure, as in the other
 * differential tests.
 */
class TunnelTsharkTest {

    private static final String[] FIELDS = {
        "frame.number", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport", "tcp.dstport",
        "udp.srcport", "udp.dstport", "vxlan.vni", "geneve.vni",
    };
    private static final int FRAMES = 400;

    @TempDir
    Path dir;

    @Test
    void innerPacketsAndVnisAgreeWithTshark() throws IOException, InterruptedException {
        String tshark = tshark();
        long seed = LongStreamSeeds.of(1).findFirst().orElseThrow();
        SplittableRandom r = new SplittableRandom(seed);
        List<byte[]> frames = new ArrayList<>();
        List<Boolean> vxlan = new ArrayList<>();
        Path pcap = dir.resolve("tunnels.pcap");
        try (PcapWriter w = PcapWriter.create(pcap, LinkType.ETHERNET, PcapWriter.Precision.NANOSECONDS)) {
            for (int i = 0; i < FRAMES; i++) {
                boolean isVxlan = r.nextBoolean();
                RandomPackets.Built inner = RandomPackets.nextBuilder(r,
                        isVxlan || r.nextBoolean() ? LinkType.ETHERNET : LinkType.RAW);
                PacketBuilder b = inner.builder().tunnelEndpoints(RandomPackets.randomAddress(r, false),
                        RandomPackets.randomAddress(r, false));
                int vni = r.nextInt(VxlanHeader.MAX_VNI + 1);
                byte[] frame = isVxlan ? b.vxlan(vni).build() : b.geneve(vni, TunnelDecoderTest.randomOptions(r)).build();
                frames.add(frame);
                vxlan.add(isVxlan);
                w.write(1_700_000_000_000_000_000L + i * 1_000_000L, frame);
            }
        }
        List<String[]> rows = runTshark(tshark, pcap);
        assertThat(rows).as("seed %d: tshark rows", seed).hasSize(FRAMES);

        PacketDecoder decoder = new PacketDecoder();
        DecodedPacket p = new DecodedPacket();
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < FRAMES; i++) {
            byte[] frame = frames.get(i);
            UnsafeBuffer buf = new UnsafeBuffer(frame);
            TunnelDecoderTest.Payload payload = TunnelDecoderTest.udpPayload(buf, 0, frame.length);
            int vni = vxlan.get(i) ? decoder.decodeVxlan(buf, payload.offset(), payload.length(), 0, p)
                    : decoder.decodeGeneve(buf, payload.offset(), payload.length(), 0, p);
            String[] t = rows.get(i);
            String at = "seed " + seed + " frame " + (i + 1) + (vxlan.get(i) ? " VXLAN" : " GENEVE");
            if (p.status != DecodedPacket.Status.OK) {
                mismatches.add(at + ": decoder says " + p.status + "/" + p.reason);
                continue;
            }
            // tshark prints the VXLAN VNI in decimal and the GENEVE one in hex.
            String tsharkVni = col(t, vxlan.get(i) ? "vxlan.vni" : "geneve.vni");
            check(mismatches, at, "vni", tsharkVni.isEmpty() ? "" : Integer.toString(Integer.decode(tsharkVni)),
                    Integer.toString(vni));
            boolean v6 = p.ipVersion == 6;
            // Under the IPv4 outer header, an inner IPv4 address is tshark's second ip.*; an IPv6 one its first ipv6.*.
            check(mismatches, at, "inner src", value(t, v6 ? "ipv6.src" : "ip.src", v6 ? 0 : 1), p.src().toString());
            check(mismatches, at, "inner dst", value(t, v6 ? "ipv6.dst" : "ip.dst", v6 ? 0 : 1), p.dst().toString());
            if (p.protocol == PacketDecoder.PROTO_TCP) {
                // The outer transport is UDP, so tshark's first TCP ports are the inner packet's.
                check(mismatches, at, "tcp.srcport", value(t, "tcp.srcport", 0), Integer.toString(p.srcPort));
                check(mismatches, at, "tcp.dstport", value(t, "tcp.dstport", 0), Integer.toString(p.dstPort));
            } else if (p.protocol == PacketDecoder.PROTO_UDP) {
                check(mismatches, at, "udp.srcport", value(t, "udp.srcport", 1), Integer.toString(p.srcPort));
                check(mismatches, at, "udp.dstport", value(t, "udp.dstport", 1), Integer.toString(p.dstPort));
            }
        }
        System.out.printf("tshark tunnel agreement (seed %d): %d frames, %d mismatches%n", seed, FRAMES,
                mismatches.size());
        assertThat(mismatches).as("seed %d: differences from tshark", seed).isEmpty();
    }

    private static void check(List<String> bad, String at, String what, String tsharkValue, String ours) {
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

    /** The {@code index}-th occurrence of a field (0 the outermost), "" when there is none. */
    private static String value(String[] row, String field, int index) {
        String[] values = col(row, field).split(",", -1);
        return index < values.length ? values[index] : "";
    }

    /** tshark on the PATH; a skip when absent, unless the shared data says the second layer must run. */
    private static String tshark() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                Path candidate = Path.of(d, "tshark");
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        String shared = System.getenv("SGEMU_SHARED_DATA");
        boolean secondLayerRequired = shared != null && !shared.isBlank() && !shared.startsWith("${");
        if (secondLayerRequired) {
            fail("SGEMU_SHARED_DATA is set but tshark is not on the PATH: the tunnel differential test needs it "
                    + "(Debian/Ubuntu: apt-get install tshark)");
        }
        assumeTrue(false, "tshark is not on the PATH: tunnel differential test skipped");
        return null;
    }

    private List<String[]> runTshark(String tshark, Path file) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(tshark, "-n", "-r", file.toString(),
                "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
                "-T", "fields", "-E", "separator=|", "-E", "occurrence=a", "-E", "aggregator=,"));
        for (String f : FIELDS) {
            command.add("-e");
            command.add(f);
        }
        Path out = dir.resolve("tshark.out");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(dir.resolve("tshark.err").toFile()).start();
        assertThat(process.waitFor()).as("tshark exit status (%s)", Files.readString(dir.resolve("tshark.err")))
                .isZero();
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            if (!line.isEmpty()) {
                String[] row = line.split("\\|", -1);
                assertThat(row).as("tshark line %s", line).hasSize(FIELDS.length);
                rows.add(row);
            }
        }
        return rows;
    }

}
