package io.sgemu.control.gen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.World;
import io.sgemu.control.reference.EvaluatorSettings;
import io.sgemu.control.replay.Replayer;
import io.sgemu.control.replay.VerdictWriter;
import io.sgemu.dataplane.capture.CaptureReader;
import io.sgemu.dataplane.capture.CapturedFrame;
import io.sgemu.dataplane.net.IpAddress;
import io.sgemu.dataplane.packet.DecodedPacket;
import io.sgemu.dataplane.packet.LinkType;
import io.sgemu.dataplane.packet.PacketBuilder;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Properties of generated captures, on the three-tier example and a dual-stack world, over random settings. */
class CaptureGeneratorTest {

    static final World THREE_TIER = GenWorlds.threeTier();
    static final World DUAL_STACK = GenWorlds.dualStack();
    static final long START = GenSettings.DEFAULT_START_SECONDS * 1_000_000_000L;

    @TempDir
    Path tmp;

    static LongStream seeds() {
        return new SplittableRandom(20261127L).longs(8);
    }

    /** Random but modest settings for one seed. */
    static GenSettings settings(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int flows = 1 + r.nextInt(300);
        long packets = flows * 8L + r.nextInt(6000);
        double zipf = r.nextInt(4) == 0 ? 0 : r.nextDouble(0.3, 2.0);
        double share = r.nextDouble(0, 0.3);
        double rate = r.nextBoolean() ? 100_000 : 1_000 + r.nextInt(50_000);
        int link = r.nextBoolean() ? LinkType.ETHERNET : LinkType.RAW;
        return new GenSettings(flows, packets, zipf, seed, share, START + r.nextLong(1_000_000_000L), rate, link);
    }

    static String extension(long seed) {
        return switch ((int) Math.floorMod(seed, 4)) {
            case 0 -> ".pcap";
            case 1 -> ".pcapng";
            case 2 -> ".pcap.gz";
            default -> ".pcapng.gz";
        };
    }

    static World world(long seed) {
        return Math.floorMod(seed >>> 8, 3) == 0 ? DUAL_STACK : THREE_TIER;
    }

    Path generate(World world, GenSettings s, Path file) throws IOException {
        FlowPlan plan = FlowPlanner.plan(world, s);
        try (CaptureFile out = CaptureFile.create(file, s.linkType())) {
            assertThat(CaptureGenerator.write(plan, out::write)).as("seed %d", s.seed()).isEqualTo(s.packets());
        }
        return file;
    }

    /** One decoded frame, as plain values. */
    record Frame(long time, int linkType, int protocol, IpAddress src, IpAddress dst, int srcPort, int dstPort, int flags,
                 int icmpType, int icmpId, long seq, long ack, int tcpPayload) {
        /** The flow's key: protocol and the two ends, the same both ways. */
        String flowKey() {
            String a = src + "/" + (icmpId >= 0 ? icmpId : srcPort);
            String b = dst + "/" + (icmpId >= 0 ? icmpId : dstPort);
            return protocol + " " + (a.compareTo(b) < 0 ? a + " " + b : b + " " + a);
        }
    }

    static List<Frame> read(Path file, long seed) throws IOException {
        List<Frame> frames = new ArrayList<>();
        try (CaptureReader reader = CaptureReader.open(file)) {
            CapturedFrame f = new CapturedFrame();
            DecodedPacket d = new DecodedPacket();
            while (reader.next(f)) {
                io.sgemu.dataplane.packet.PacketDecoder.decode(f.linkType, f.buffer, f.offset, f.capturedLength,
                        f.originalLength, f.timeNanos, d);
                assertThat(d.status).as("seed %d frame %d: %s", seed, f.frameNumber, d.reason).isEqualTo(DecodedPacket.Status.OK);
                long seq = -1;
                long ack = -1;
                int payload = -1;
                if (d.protocol == Protocols.TCP) {
                    // The generator writes no VLAN tags, IP options or extension headers: fixed offsets.
                    int ip = f.offset + (f.linkType == LinkType.ETHERNET ? 14 : 0);
                    int tcp = ip + (d.ipVersion == 4 ? 20 : 40);
                    seq = f.buffer.getInt(tcp + 4, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL;
                    ack = f.buffer.getInt(tcp + 8, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL;
                    payload = d.ipLength - (tcp - ip) - ((f.buffer.getByte(tcp + 12) & 0xF0) >>> 2);
                }
                frames.add(new Frame(f.timeNanos, f.linkType, d.protocol, d.src(), d.dst(), d.srcPort, d.dstPort, d.tcpFlags,
                        d.icmpType, Protocols.isIcmp(d.protocol) ? d.icmpId : -1, seq, ack, payload));
            }
        }
        return frames;
    }

    static String key(FlowPlan.Flow f) {
        boolean icmp = Protocols.isIcmp(f.protocol());
        String a = f.client() + "/" + f.clientPort();
        String b = f.server() + "/" + (icmp ? f.clientPort() : f.serverPort());
        return f.protocol() + " " + (a.compareTo(b) < 0 ? a + " " + b : b + " " + a);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void writesExactlyTheFramesAskedForAndEveryOneDecodes(long seed) throws IOException {
        GenSettings s = settings(seed);
        Path file = generate(world(seed), s, tmp.resolve("g" + extension(seed)));
        List<Frame> frames = read(file, seed);
        assertThat(frames).as("seed %d", seed).hasSize((int) s.packets());
        for (int i = 0; i < frames.size(); i++) {
            Frame f = frames.get(i);
            assertThat(f.linkType()).as("seed %d frame %d", seed, i).isEqualTo(s.linkType());
            assertThat(f.time()).as("seed %d frame %d: times increase", seed, i)
                    .isGreaterThan(i == 0 ? s.startNanos() - 1 : frames.get(i - 1).time());
        }
        // The capture lasts about packets / rate: no packet later than that (plus nanosecond bumps).
        long duration = Math.round(s.packets() / s.rate() * 1e9);
        assertThat(frames.get(frames.size() - 1).time() - s.startNanos()).as("seed %d", seed)
                .isLessThanOrEqualTo(duration + s.packets());
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void everyFlowIsDistinctAndEveryConversationStartsWithAHandshake(long seed) throws IOException {
        GenSettings s = settings(seed);
        World world = world(seed);
        FlowPlan plan = FlowPlanner.plan(world, s);
        Map<String, FlowPlan.Flow> byKey = new HashMap<>();
        for (int i = 0; i < plan.flows(); i++) {
            FlowPlan.Flow f = plan.flow(i);
            assertThat(byKey.put(key(f), f)).as("seed %d: flow %s twice", seed, f).isNull();
        }
        Path file = generate(world, s, tmp.resolve("h.pcap"));
        Map<String, List<Frame>> frames = new HashMap<>();
        for (Frame f : read(file, seed)) {
            frames.computeIfAbsent(f.flowKey(), k -> new ArrayList<>()).add(f);
        }
        assertThat(frames.keySet()).as("seed %d", seed).isEqualTo(byKey.keySet());
        for (Map.Entry<String, List<Frame>> e : frames.entrySet()) {
            FlowPlan.Flow flow = byKey.get(e.getKey());
            List<Frame> fs = e.getValue();
            String what = "seed " + seed + " flow " + flow;
            assertThat(fs).as(what).hasSize(flow.packets());
            if (flow.blocked()) {
                // An attempt: the client alone, over and over.
                assertThat(fs).as(what).allMatch(f -> f.src().equals(flow.client()));
                if (flow.protocol() == Protocols.TCP) {
                    assertThat(fs).as(what).allMatch(f -> f.flags() == PacketBuilder.SYN);
                }
                continue;
            }
            if (flow.protocol() == Protocols.TCP) {
                assertThat(flow.tcpHandshake()).as(what).isTrue();
                assertThat(fs.get(0)).as(what).matches(f -> f.src().equals(flow.client()) && f.flags() == PacketBuilder.SYN);
                assertThat(fs.get(1)).as(what).matches(f -> f.src().equals(flow.server())
                        && f.flags() == (PacketBuilder.SYN | PacketBuilder.ACK));
                assertThat(fs.get(2)).as(what).matches(f -> f.src().equals(flow.client()) && f.flags() == PacketBuilder.ACK);
                Frame last = fs.get(fs.size() - 1);
                boolean rst = (last.flags() & PacketBuilder.RST) != 0;
                if (!rst) {
                    assertThat(fs.get(fs.size() - 3).flags()).as(what).isEqualTo(PacketBuilder.FIN | PacketBuilder.ACK);
                    assertThat(fs.get(fs.size() - 2).flags()).as(what).isEqualTo(PacketBuilder.FIN | PacketBuilder.ACK);
                    assertThat(last.flags()).as(what).isEqualTo(PacketBuilder.ACK);
                }
                assertThat(fs.subList(3, fs.size())).as(what).noneMatch(f -> (f.flags() & PacketBuilder.SYN) != 0);
                // Sequence numbers count what each side sent (SYN and FIN count one); ACKs acknowledge it all.
                long[] next = {-1, -1};
                for (int i = 0; i < fs.size(); i++) {
                    Frame f = fs.get(i);
                    int side = f.src().equals(flow.client()) ? 0 : 1;
                    if (next[side] >= 0) {
                        assertThat(f.seq()).as(what + " packet " + i + " seq").isEqualTo(next[side]);
                    }
                    if ((f.flags() & PacketBuilder.ACK) != 0) {
                        assertThat(f.ack()).as(what + " packet " + i + " ack").isEqualTo(next[1 - side]);
                    }
                    int flagged = ((f.flags() & PacketBuilder.SYN) != 0 ? 1 : 0) + ((f.flags() & PacketBuilder.FIN) != 0 ? 1 : 0);
                    next[side] = (f.seq() + f.tcpPayload() + flagged) & 0xFFFF_FFFFL;
                }
            } else {
                // Requests and answers take turns, the client first.
                for (int i = 0; i < fs.size(); i++) {
                    assertThat(fs.get(i).src()).as(what + " packet " + i).isEqualTo(i % 2 == 0 ? flow.client() : flow.server());
                }
            }
        }
    }

    private static final Pattern VERDICT = Pattern.compile(
            "\"action\": \"(\\w+)\".*\"proto\": (\\d+), \"src\": \"([^\"]+)\", \"dst\": \"([^\"]+)\""
                + "(?:, \"sport\": (\\d+), \"dport\": (\\d+))?(?:, \"icmp_type\": \\d+, \"icmp_code\": \\d+)?");

    @ParameterizedTest
    @MethodSource("seeds")
    void aReplayAcceptsTheConversationsAndRejectsTheBlockedAttempts(long seed) throws IOException {
        GenSettings s = settings(seed);
        World world = world(seed);
        FlowPlan plan = FlowPlanner.plan(world, s);
        Map<String, FlowPlan.Flow> byKey = new HashMap<>();
        for (int i = 0; i < plan.flows(); i++) {
            byKey.put(key(plan.flow(i)), plan.flow(i));
        }
        Path file = generate(world, s, tmp.resolve("r.pcap"));
        List<Frame> frames = read(file, seed);
        StringWriter out = new StringWriter();
        Replayer.ReplayResult result;
        try (VerdictWriter verdicts = new VerdictWriter(out)) {
            result = new Replayer(world, List.of(), EvaluatorSettings.DEFAULT, null, verdicts).run(file);
        }
        assertThat(result.frames).as("seed %d", seed).isEqualTo(s.packets());
        assertThat(result.skipped).as("seed %d", seed).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).as("seed %d", seed).hasSize(frames.size());
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = VERDICT.matcher(lines.get(i));
            assertThat(m.find()).as("seed %d verdict %s", seed, lines.get(i)).isTrue();
            FlowPlan.Flow flow = byKey.get(frames.get(i).flowKey());
            assertThat(m.group(3)).as("seed %d line %d", seed, i).isEqualTo(frames.get(i).src().toString());
            assertThat(m.group(1)).as("seed %d: packet %d of %s", seed, i + 1, flow).isEqualTo(flow.blocked() ? "REJECT" : "ACCEPT");
        }
        double rejected = (double) result.rejected / result.frames;
        assertThat(rejected).as("seed %d: rejected share against --blocked-share %s", seed, s.blockedShare())
                .isCloseTo(s.blockedShare(), org.assertj.core.data.Offset.offset(1.0 / s.packets() + 1e-9));
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void theSameSeedGivesTheSameBytesAndAnotherSeedOthers(long seed) throws IOException {
        GenSettings s = settings(seed);
        World world = world(seed);
        String ext = extension(seed);
        byte[] first = Files.readAllBytes(generate(world, s, tmp.resolve("a" + ext)));
        byte[] again = Files.readAllBytes(generate(world, s, tmp.resolve("b" + ext)));
        assertThat(again).as("seed %d", seed).isEqualTo(first);
        GenSettings other = new GenSettings(s.flows(), s.packets(), s.zipf(), seed + 1, s.blockedShare(), s.startNanos(),
                s.rate(), s.linkType());
        assertThat(Files.readAllBytes(generate(world, other, tmp.resolve("c" + ext)))).as("seed %d", seed).isNotEqualTo(first);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void theMostPopularFlowsShareGrowsWithTheExponent(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int flows = 50 + r.nextInt(500);
        long packets = flows * 20L + r.nextInt(100_000);
        double previous = -1;
        for (double zipf : new double[] {0, 0.5, 1.0, 1.5, 2.5}) {
            FlowPlan plan = FlowPlanner.plan(THREE_TIER, new GenSettings(flows, packets, zipf, seed, 0.1, START, 100_000,
                    LinkType.ETHERNET));
            long total = 0;
            int top = 0;
            for (int i = 0; i < plan.flows(); i++) {
                total += plan.flow(i).packets();
                top = Math.max(top, plan.flow(i).packets());
            }
            assertThat(total).as("seed %d zipf %s", seed, zipf).isEqualTo(packets);
            double share = (double) top / packets;
            assertThat(share).as("seed %d zipf %s", seed, zipf).isGreaterThan(previous);
            previous = share;
            if (zipf == 0) {
                // Uniform: beyond their kinds' minimums, flows of one group differ by at most one packet.
                assertThat(share).as("seed %d", seed).isLessThan(4.0 / flows);
            }
        }
    }

    @Test
    void tooFewPacketsForTheFlowsIsSaidPlainly() {
        assertThatThrownBy(() -> FlowPlanner.plan(THREE_TIER, new GenSettings(100, 150, 1.1, 1, 0.1, START, 100_000,
                LinkType.ETHERNET))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too few");
    }

    @Test
    void aWorldThatAcceptsNothingIsSaidPlainly() {
        assertThatThrownBy(() -> FlowPlanner.plan(GenWorlds.closed(), new GenSettings(10, 1000, 1.1, 1, 0.1, START, 100_000,
                LinkType.ETHERNET))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nothing to accept");
        // Blocked attempts alone need no open port.
        FlowPlan plan = FlowPlanner.plan(GenWorlds.closed(), new GenSettings(10, 1000, 1.1, 1, 1.0, START, 100_000,
                LinkType.ETHERNET));
        assertThat(plan.blockedFlows()).isEqualTo(10);
        assertThat(plan.blockedPackets()).isEqualTo(1000);
    }

    @Test
    void theDualStackWorldGetsIpv6ConversationsAndEchoes() {
        FlowPlan plan = FlowPlanner.plan(DUAL_STACK, new GenSettings(400, 10_000, 1.1, 7, 0.1, START, 100_000,
                LinkType.ETHERNET));
        List<FlowPlan.Flow> flows = new ArrayList<>();
        for (int i = 0; i < plan.flows(); i++) {
            flows.add(plan.flow(i));
        }
        assertThat(flows).anyMatch(f -> !f.blocked() && f.protocol() == Protocols.ICMPV6);
        assertThat(flows).anyMatch(f -> !f.blocked() && f.protocol() == Protocols.TCP && !f.client().isV4());
        // Outside clients reach the web ENI on its public IPv4 address, never on its private one.
        assertThat(flows).filteredOn(f -> !f.blocked() && f.client().isV4() && !f.client().toString().startsWith("10."))
                .isNotEmpty().allMatch(f -> f.server().equals(IpAddress.parse("3.80.0.10")));
        // The worker admits everything from the web group: some web-to-worker flows use its secondary address.
        assertThat(flows).anyMatch(f -> !f.blocked() && f.server().equals(IpAddress.parse("10.1.1.21")));
    }
}
