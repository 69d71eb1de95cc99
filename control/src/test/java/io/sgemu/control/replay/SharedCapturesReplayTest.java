package io.sgemu.control.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sgemu.control.model.ConnTrackConfig;
import io.sgemu.control.model.NaclEntry;
import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.Subnet;
import io.sgemu.control.model.Vpc;
import io.sgemu.control.model.World;
import io.sgemu.control.reference.EvaluatorSettings;
import io.sgemu.dataplane.capture.CaptureReader;
import io.sgemu.dataplane.capture.CapturedFrame;
import io.sgemu.dataplane.flowlog.FlowLogAggregator;
import io.sgemu.dataplane.flowlog.FlowLogFormat;
import io.sgemu.dataplane.flowlog.FlowLogTextWriter;
import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;
import io.sgemu.dataplane.packet.DecodedPacket;
import io.sgemu.dataplane.packet.PacketDecoder;
import io.sgemu.dataplane.testdata.SharedData;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Second layer: every shared capture replays to its end with exactly one verdict per frame, in frame
 * order, and each verdict's outer addresses, protocol and ports are the decoder's (which the dataplane's
 * differential test holds to tshark's, frame by frame); the fast dataplane, with one worker and two,
 * writes the same verdicts, flow logs and counters as the reference. The world puts an ENI on the first addresses of
 * the capture, in two subnets with a web security group, so that accepts, rejects and skips all occur.
 */
class SharedCapturesReplayTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> everySharedCaptureReplaysWithOneVerdictPerFrame() {
        return SharedData.captures().stream().map(f -> dynamicTest(SharedData.relative(f), () -> replay(f)));
    }

    private static void replay(Path file) throws IOException {
        List<DecodedPacket> decoded = decodeAll(file);
        World world = worldAround(decoded);
        StringWriter verdictText = new StringWriter();
        StringWriter flowText = new StringWriter();
        FlowLogTextWriter flowWriter = new FlowLogTextWriter(flowText, FlowLogFormat.DEFAULT);
        Replayer.ReplayResult result = new Replayer(world, List.of(), EvaluatorSettings.DEFAULT,
                new FlowLogAggregator(60, flowWriter), new VerdictWriter(verdictText)).run(file);
        flowWriter.flush();

        assertThat(result.captureError).as("%s breaks off", file).isNull();
        List<String> lines = verdictText.toString().lines().toList();
        assertThat(lines).as("one verdict per frame of %s", file).hasSize(decoded.size());
        assertThat(result.frames).isEqualTo(decoded.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonNode v = JSON.readTree(lines.get(i));
            DecodedPacket d = decoded.get(i);
            String at = file.getFileName() + " frame " + (i + 1);
            assertThat(v.get("packet").asLong()).as(at).isEqualTo(i + 1);
            assertThat(v.get("action").asText()).as(at).isIn("ACCEPT", "REJECT", "SKIP");
            if (d.status != DecodedPacket.Status.OK) {
                assertThat(v.get("action").asText()).as(at).isEqualTo("SKIP");
                assertThat(v.get("reason").asText()).as(at).isEqualTo(d.reason);
            }
            assertThat(text(v, "src")).as(at + " src").isEqualTo(d.hasAddresses() ? d.src().toString() : null);
            assertThat(text(v, "dst")).as(at + " dst").isEqualTo(d.hasAddresses() ? d.dst().toString() : null);
            assertThat(number(v, "proto")).as(at + " proto").isEqualTo(d.protocol);
            assertThat(number(v, "sport")).as(at + " sport").isEqualTo(d.srcPort);
            assertThat(number(v, "dport")).as(at + " dport").isEqualTo(d.dstPort);
        }
        assertThat(flowText.toString()).startsWith(FlowLogFormat.DEFAULT.header());

        // The fast dataplane, with one worker and with two, writes exactly what the reference wrote.
        for (int workers : new int[] {1, 2}) {
            StringWriter fastVerdicts = new StringWriter();
            StringWriter fastFlows = new StringWriter();
            FlowLogTextWriter fastFlowWriter = new FlowLogTextWriter(fastFlows, FlowLogFormat.DEFAULT);
            Replayer.ReplayResult fast = new FastReplayer(world, List.of(), EvaluatorSettings.DEFAULT, workers, fastFlowWriter, 60,
                    new VerdictWriter(fastVerdicts), 1 << 12).run(file);
            fastFlowWriter.flush();
            assertThat(fastVerdicts.toString()).as("%s: fast path with %d worker(s), verdicts", file, workers)
                    .isEqualTo(verdictText.toString());
            assertThat(fastFlows.toString()).as("%s: fast path with %d worker(s), flow logs", file, workers)
                    .isEqualTo(flowText.toString());
            assertThat(fast.counters).as("%s: counters", file).isEqualTo(result.counters);
        }
        TOTALS.merge("ACCEPT", result.accepted, Long::sum);
        TOTALS.merge("REJECT", result.rejected, Long::sum);
        TOTALS.merge("SKIP", result.skipped, Long::sum);
    }

    /** Verdicts over every capture, so the last test can show that every action occurred. */
    private static final Map<String, Long> TOTALS = new java.util.concurrent.ConcurrentHashMap<>();

    @org.junit.jupiter.api.AfterAll
    static void everyActionOccurred() {
        if (!TOTALS.isEmpty()) {
            assertThat(TOTALS).as("verdicts over all shared captures").containsKeys("ACCEPT", "REJECT", "SKIP")
                    .allSatisfy((action, count) -> assertThat(count).as(action).isPositive());
        }
    }

    /** Up to 64 of the capture's addresses as ENIs, alternately in two subnets; the second subnet's NACL denies UDP in. */
    static World worldAround(List<DecodedPacket> packets) {
        Set<IpAddress> addresses = new LinkedHashSet<>();
        for (DecodedPacket d : packets) {
            if (d.hasAddresses() && addresses.size() < 64) {
                addresses.add(d.src());
                addresses.add(d.dst());
            }
        }
        Peer anyV4 = new Peer.CidrPeer(Cidr.ALL_V4);
        Peer anyV6 = new Peer.CidrPeer(Cidr.ALL_V6);
        List<SgRule> in = new ArrayList<>();
        List<SgRule> out = new ArrayList<>();
        for (Peer any : List.of(anyV4, anyV6)) {
            in.add(new SgRule(null, false, Protocols.TCP, 80, 80, any, null, in.size()));
            in.add(new SgRule(null, false, Protocols.TCP, 443, 443, any, null, in.size()));
            in.add(new SgRule(null, false, Protocols.UDP, 53, 53, any, null, in.size()));
            out.add(new SgRule(null, true, Protocols.ALL, -1, -1, any, null, out.size()));
        }
        SecurityGroup web = new SecurityGroup("sg-web", "web", "vpc-1", "111122223333", in, out);
        Map<String, NetworkInterface> enis = new LinkedHashMap<>();
        int n = 0;
        for (IpAddress a : addresses) {
            String id = String.format("eni-%02d", n);
            String subnet = n++ % 2 == 0 ? "subnet-a" : "subnet-b";
            enis.put(id, new NetworkInterface(id, subnet, "vpc-1", "111122223333", "us-east-1a", "interface", null,
                    a.isV4() ? a : null, List.of(), a.isV4() ? List.of() : List.of(a), Map.of(), List.of("sg-web"),
                    ConnTrackConfig.DEFAULT));
        }
        List<NaclEntry> bEntries = List.of(
                new NaclEntry(90, false, Protocols.UDP, false, Cidr.ALL_V4, null, -1, -1),
                new NaclEntry(100, false, Protocols.ALL, true, Cidr.ALL_V4, null, -1, -1),
                new NaclEntry(101, false, Protocols.ALL, true, Cidr.ALL_V6, null, -1, -1),
                new NaclEntry(100, true, Protocols.ALL, true, Cidr.ALL_V4, null, -1, -1),
                new NaclEntry(101, true, Protocols.ALL, true, Cidr.ALL_V6, null, -1, -1));
        return new World(
                Map.of("vpc-1", new Vpc("vpc-1", "111122223333", List.of(Cidr.parse("10.0.0.0/16")), List.of())),
                Map.of("subnet-a", new Subnet("subnet-a", "vpc-1", null, null, "us-east-1a", "use1-az1", "111122223333"),
                        "subnet-b", new Subnet("subnet-b", "vpc-1", null, null, "us-east-1a", "use1-az1", "111122223333")),
                Map.of("acl-b", new NetworkAcl("acl-b", "vpc-1", false, bEntries, List.of("subnet-b"))),
                Map.of("sg-web", web), enis, Map.of());
    }

    private static List<DecodedPacket> decodeAll(Path file) throws IOException {
        List<DecodedPacket> all = new ArrayList<>();
        CapturedFrame f = new CapturedFrame();
        try (CaptureReader r = CaptureReader.open(file)) {
            while (r.next(f)) {
                DecodedPacket d = new DecodedPacket();
                PacketDecoder.decode(f.linkType, f.buffer, f.offset, f.capturedLength, f.originalLength, f.timeNanos, d);
                all.add(d);
            }
        }
        return all;
    }

    private static String text(JsonNode v, String field) {
        return v.has(field) ? v.get(field).asText() : null;
    }

    private static int number(JsonNode v, String field) {
        return v.has(field) ? v.get(field).asInt() : -1;
    }
}
