package io.sgemu.control.reference;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.World;
import io.sgemu.control.replay.FastReplayer;
import io.sgemu.control.replay.FrameAccount;
import io.sgemu.control.replay.Replayer;
import io.sgemu.control.replay.ReplaySummary;
import io.sgemu.control.replay.ReplaySummaryJson;
import io.sgemu.dataplane.capture.PcapWriter;
import io.sgemu.dataplane.flowlog.FlowLogAggregator;
import io.sgemu.dataplane.flowlog.FlowLogFormat;
import io.sgemu.dataplane.flowlog.FlowLogTextWriter;
import io.sgemu.dataplane.net.IpAddress;
import io.sgemu.dataplane.packet.LinkType;
import io.sgemu.dataplane.packet.PacketBuilder;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Accounting of a replay: packets in = accepted + rejected (by stage) + skipped (by reason), in total and
 * per ENI, for both engines, with one and three workers. Captures are seeded random traffic over random
 * worlds, mixed with malformed frames (cut short), non-IP frames (ARP), reserved traffic (the instance
 * metadata address, DHCP), traffic between unknown hosts, first fragments and later fragments with and
 * without their first.
 */
class ReplayAccountingTest {

    private static final int PACKETS = 1_500;

    @TempDir
    Path dir;

    static LongStream seeds() {
        return LongStream.range(0, 24).map(i -> 0xACC0_0000L + i * 104_729);
    }

    /** What the capture holds, by kind, as written. */
    private static final class Written {
        int malformed;
        int notIp;
        int frames;
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void everyFrameIsAccountedForInTotalAndPerEni(long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        boolean allowances = r.nextInt(3) == 0;
        World world = ReferencePropertiesTest.RandomWorlds.world(r, allowances);
        Written written = new Written();
        Path pcap = capture(r, world, written);

        Replayer.ReplayResult reference = new Replayer(world, List.of(), EvaluatorSettings.DEFAULT,
                new FlowLogAggregator(60, new FlowLogTextWriter(new StringWriter(), FlowLogFormat.DEFAULT)), null).run(pcap);
        check("seed " + seed + ", reference", reference, written);
        for (int workers : new int[] {1, 3}) {
            Replayer.ReplayResult fast = new FastReplayer(world, List.of(), EvaluatorSettings.DEFAULT, workers,
                    new FlowLogTextWriter(new StringWriter(), FlowLogFormat.DEFAULT), 60, null, 1 << 14).run(pcap);
            String what = "seed " + seed + ", fast, " + workers + " worker(s)";
            check(what, fast, written);
            if (!allowances || workers == 1) {
                // The same frames, the same classes: the engines agree on the whole account.
                assertThat(render(fast.account)).as(what + ": account equals the reference's").isEqualTo(render(reference.account));
            }
        }
    }

    private static void check(String what, Replayer.ReplayResult r, Written written) throws IOException {
        assertThat(r.accountingProblems).as(what + ": accounting problems").isEmpty();
        FrameAccount.Tally total = r.account.total();
        assertThat(r.framesRead).as(what + ": frames read").isEqualTo(written.frames);
        assertThat(total.frames()).as(what + ": frames counted").isEqualTo(written.frames);
        assertThat(total.accepted() + total.rejected() + total.skipped()).as(what + ": total identity").isEqualTo(written.frames);
        assertThat(total.skippedBy().getOrDefault("not-ip", 0L)).as(what + ": non-IP frames").isEqualTo(written.notIp);
        long malformed = total.skippedBy().entrySet().stream().filter(e -> e.getKey().startsWith("malformed"))
                .mapToLong(Map.Entry::getValue).sum();
        assertThat(malformed).as(what + ": malformed frames").isEqualTo(written.malformed);
        assertThat(total.skippedBy()).as(what + ": the mix reaches every skip").containsKeys("no-eni", "reserved-address");
        assertThat(total.rejectedBy()).as(what + ": orphan fragments").containsKey("fragment-without-first");
        long perEniFrames = 0;
        for (Map.Entry<String, FrameAccount.Tally> e : r.account.enis().entrySet()) {
            FrameAccount.Tally t = e.getValue();
            assertThat(t.accepted() + t.rejected() + t.skipped()).as(what + ": identity of " + e.getKey()).isEqualTo(t.frames());
            perEniFrames += t.frames();
        }
        // Every judged frame has an ENI at one end at least, two at most.
        long judged = total.accepted() + total.rejected();
        assertThat(perEniFrames).as(what + ": frames per ENI cover the judged frames").isGreaterThanOrEqualTo(judged);
        // The summaries show it: the JSON's numbers add up, the table says so.
        Map<String, Object> json = ReplaySummaryJson.toMap(r);
        assertThat(json.get("accounting")).as(what + ": JSON accounting").isEqualTo(Map.of("ok", true, "problems", List.of()));
        long rejectedByStage = ((Map<?, ?>) json.get("rejected_by_stage")).values().stream().mapToLong(v -> (Long) v).sum();
        long skippedByReason = ((Map<?, ?>) json.get("skipped_by_reason")).values().stream().mapToLong(v -> (Long) v).sum();
        assertThat((Long) json.get("accepted") + rejectedByStage + skippedByReason).as(what + ": JSON identity")
                .isEqualTo((Long) json.get("frames"));
        String table = ReplaySummary.render(r);
        assertThat(table).as(what + ": table").contains("total frames " + written.frames + " = accepted ")
                .doesNotContain("ACCOUNTING ERROR");
    }

    private static String render(FrameAccount a) {
        StringBuilder sb = new StringBuilder();
        sb.append("total ").append(line(a.total())).append('\n');
        a.enis().forEach((id, t) -> sb.append(id).append(' ').append(line(t)).append('\n'));
        return sb.toString();
    }

    private static String line(FrameAccount.Tally t) {
        return t.frames() + " " + t.accepted() + " " + t.rejectedBy() + " " + t.skippedBy();
    }

    @Test
    void theCheckSpeaksWhenStageCountersDisagreeWithTheVerdicts() {
        FrameAccount a = new FrameAccount();
        a.count(FrameAccount.ACCEPT, null, null, "eni-a", "eni-b");
        a.count(FrameAccount.REJECT, "sg-ingress", "no rule", "eni-a", "eni-b");
        a.count(FrameAccount.SKIP, null, "malformed", null, null);
        Map<String, EniCounters> counters = new TreeMap<>();
        counters.put("eni-a", counters("eni-a", Map.of(Stage.SG_EGRESS, new long[] {2, 0})));
        counters.put("eni-b", counters("eni-b", Map.of(Stage.SG_INGRESS, new long[] {1, 1})));
        assertThat(a.check(3, counters)).as("consistent").isEmpty();

        assertThat(a.check(4, counters)).as("a frame read but never counted").singleElement().asString()
                .contains("frames read 4 but frames counted 3");
        counters.put("eni-b", counters("eni-b", Map.of(Stage.SG_INGRESS, new long[] {2, 0})));
        assertThat(a.check(3, counters)).as("a rejection the stage did not count").singleElement().asString()
                .contains("eni-b").contains("sg-ingress");
        counters.put("eni-b", counters("eni-b", Map.of(Stage.SG_INGRESS, new long[] {1, 1})));
        counters.put("eni-a", counters("eni-a", Map.of(Stage.SG_EGRESS, new long[] {1, 0})));
        assertThat(a.check(3, counters)).as("a judged frame that never met sg-egress").singleElement().asString()
                .contains("eni-a").contains("sg-egress counted 1");
    }

    private static EniCounters counters(String id, Map<Stage, long[]> packets) {
        Map<Stage, EniCounters.StageCounts> m = new EnumMap<>(Stage.class);
        packets.forEach((s, n) -> m.put(s, new EniCounters.StageCounts(n[0], n[0] * 100, n[1], n[1] * 100)));
        return new EniCounters(id, m, 0, -1, 0);
    }

    // ---- the capture

    private Path capture(SplittableRandom r, World world, Written written) throws IOException {
        List<Packet> packets = ReferencePropertiesTest.RandomWorlds.packets(r, world, PACKETS, false);
        List<IpAddress> enis = new ArrayList<>();
        for (NetworkInterface e : world.networkInterfaces().values()) {
            enis.addAll(e.privateAddresses().stream().filter(IpAddress::isV4).toList());
        }
        Path pcap = dir.resolve("mixed.pcap");
        try (PcapWriter w = PcapWriter.create(pcap, LinkType.ETHERNET, PcapWriter.Precision.NANOSECONDS)) {
            int id = 1;
            for (Packet p : packets) {
                long t = p.timeNanos();
                int roll = r.nextInt(100);
                if (roll < 4) {
                    byte[] whole = frame(p, 0, -1);
                    w.write(t, Arrays.copyOf(whole, 14 + r.nextInt(20))); // cut inside the IP header
                    written.malformed++;
                } else if (roll < 7) {
                    w.write(t, arp());
                    written.notIp++;
                } else if (roll < 10 && !enis.isEmpty()) {
                    IpAddress eni = enis.get(r.nextInt(enis.size()));
                    w.write(t, PacketBuilder.ip(eni, IpAddress.parse("169.254.169.254")).tcp(40000, 80, 2, 0).ethernet().build());
                } else if (roll < 12) {
                    w.write(t, PacketBuilder.ip("198.51.100.7", "203.0.113.9").udp(1000, 2000, 10).ethernet().build());
                } else if (roll < 15 && p.src().isV4() && p.dst().isV4()) {
                    int datagram = id++;
                    w.write(t, frame(p, datagram, 0));
                    w.write(t, frame(p, datagram, 1));
                    written.frames++;
                } else if (roll < 17 && p.src().isV4() && p.dst().isV4()) {
                    w.write(t, frame(p, 60_000 + r.nextInt(5_000), 1)); // a later fragment of no datagram seen
                } else {
                    w.write(t, frame(p, 0, -1));
                }
                written.frames++;
            }
        }
        return pcap;
    }

    /** {@code fragment} -1 whole, 0 first fragment, 1 later fragment. */
    private static byte[] frame(Packet p, int id, int fragment) {
        PacketBuilder b = PacketBuilder.ip(p.src(), p.dst());
        int payload = Math.max(0, p.length() - 60);
        if (fragment == 1) {
            b.protocol(p.protocol(), payload);
        } else {
            switch (p.protocol()) {
                case Protocols.TCP -> b.tcp(Math.max(0, p.srcPort()), Math.max(0, p.dstPort()), Math.max(0, p.tcpFlags()), payload);
                case Protocols.UDP -> b.udp(Math.max(0, p.srcPort()), Math.max(0, p.dstPort()), payload);
                case Protocols.ICMP, Protocols.ICMPV6 -> b.icmp(Math.max(0, p.icmpType()), Math.max(0, p.icmpCode()),
                        Math.max(0, p.icmpId())).payload(payload);
                default -> b.protocol(p.protocol(), payload);
            }
        }
        b.identification(id);
        if (fragment == 0) {
            b.fragment(0, true);
        } else if (fragment == 1) {
            b.fragment(185, false);
        }
        return b.ethernet().build();
    }

    /** An ARP request: an Ethernet frame that is not IP. */
    private static byte[] arp() {
        byte[] f = new byte[42];
        Arrays.fill(f, 0, 6, (byte) 0xFF);
        f[12] = 0x08;
        f[13] = 0x06;
        return f;
    }
}
