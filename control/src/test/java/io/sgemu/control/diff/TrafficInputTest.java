package io.sgemu.control.diff;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.control.aws.WorldLoader;
import io.sgemu.control.diff.FlowChange.Direction;
import io.sgemu.control.model.World;
import io.sgemu.control.reference.EvaluatorSettings;
import io.sgemu.control.reference.Packet;
import io.sgemu.dataplane.capture.CaptureFormatException;
import io.sgemu.dataplane.capture.CapturedFrame;
import io.sgemu.dataplane.capture.FrameSource;
import io.sgemu.dataplane.packet.LinkType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Traffic that is not a capture file plugs into the report through {@link TrafficInput}: frames made in
 * memory give the report the same frames written to a pcap give.
 */
class TrafficInputTest {

    @TempDir
    Path tmp;

    static final String OLD = """
            vpcs: {vpc-1: {cidrs: [10.0.0.0/16]}}
            subnets: {subnet-a: {vpc: vpc-1, cidr: 10.0.1.0/24}}
            groups: {sg-a: {vpc: vpc-1, ingress: ["tcp 443 0.0.0.0/0 sgr-web", "udp 53 0.0.0.0/0 sgr-dns"]}}
            enis: {eni-a: {subnet: subnet-a, ips: [10.0.1.10], groups: [sg-a]}}
            """;

    World world(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return new WorldLoader().load(List.of(p)).world();
    }

    /** Frames handed out from memory, as a flow-log or any other generator would. */
    record InMemory(List<Packet> packets, boolean breakAtEnd) implements TrafficInput {
        @Override
        public String kind() {
            return "memory";
        }

        @Override
        public String name() {
            return packets.size() + " packets";
        }

        @Override
        public FrameSource open() {
            return new FrameSource() {
                int next;

                @Override
                public boolean next(CapturedFrame f) throws CaptureFormatException {
                    if (next == packets.size()) {
                        if (breakAtEnd) {
                            throw new CaptureFormatException(Path.of("memory"), next, "the generator failed", null);
                        }
                        return false;
                    }
                    Packet p = packets.get(next++);
                    byte[] b = TrafficFiles.frame(p);
                    f.frameNumber = next;
                    f.timeNanos = p.timeNanos();
                    f.linkType = LinkType.ETHERNET;
                    f.buffer = new UnsafeBuffer(b);
                    f.offset = 0;
                    f.capturedLength = b.length;
                    f.originalLength = b.length;
                    return true;
                }

                @Override
                public double progress() {
                    return packets.isEmpty() ? 1 : (double) next / packets.size();
                }

                @Override
                public void close() {
                }
            };
        }
    }

    @Test
    void framesFromMemoryReportLikeTheSameFramesFromAFile() throws IOException {
        World before = world("old.yaml", OLD);
        World after = world("new.yaml", OLD.replace("\"udp 53 0.0.0.0/0 sgr-dns\"", ""));
        List<Packet> packets = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            packets.add(Packet.udp(Packet.seconds(100 + i), "203.0.113." + (i % 3 + 1), 5000 + i % 2, "10.0.1.10", 53, 80));
            packets.add(Packet.tcp(Packet.seconds(100.5 + i), "198.51.100.9", 40000, "10.0.1.10", 443, Packet.SYN, 60));
        }
        WorldDiff diff = new WorldDiff(before, after, EvaluatorSettings.DEFAULT);
        DiffReport fromMemory = diff.run(new InMemory(packets, false));
        DiffReport fromFile = diff.run(TrafficInput.capture(TrafficFiles.pcap(tmp.resolve("t.pcap"), packets)));

        assertThat(fromMemory.trafficKind()).isEqualTo("memory");
        assertThat(fromMemory.changes(Direction.NEWLY_REJECTED)).isNotEmpty();
        assertThat(summary(fromMemory)).isEqualTo(summary(fromFile));
        assertThat(fromMemory.changes(Direction.NEWLY_REJECTED)).allSatisfy(c -> {
            assertThat(c.flow().flow().dstPort()).isEqualTo(53);
            assertThat(c.attribution().acceptedBy().ruleId()).isEqualTo("sgr-dns");
        });

        DiffReport broken = diff.run(new InMemory(packets, true));
        assertThat(broken.captureError()).contains("the generator failed");
        assertThat(summary(broken)).isEqualTo(summary(fromFile));
    }

    private static List<String> summary(DiffReport r) {
        List<String> out = new ArrayList<>();
        out.add(r.frames() + " frames " + r.flows() + " flows " + r.before() + " / " + r.after());
        for (Direction d : Direction.values()) {
            for (FlowChange c : r.changes(d)) {
                out.add(d + " " + c.flow().flow().text() + " " + c.packets() + " " + c.bytes() + " " + c.firstNanos() + " "
                        + c.lastNanos() + " " + c.attribution());
            }
        }
        return out;
    }
}
