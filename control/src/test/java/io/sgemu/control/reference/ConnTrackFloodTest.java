package io.sgemu.control.reference;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.control.model.World;
import io.sgemu.control.replay.FastReplayer;
import io.sgemu.control.replay.FrameAccount;
import io.sgemu.control.replay.Replayer;
import io.sgemu.control.replay.VerdictWriter;
import io.sgemu.dataplane.capture.PcapWriter;
import io.sgemu.dataplane.packet.LinkType;
import io.sgemu.dataplane.packet.PacketBuilder;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SEMANTICS.md section 3, allowance, and the fast path's table capacity: a flood of new flows cannot
 * evict established connections. N connections are established to eni-a's SSH (tracked: the rule names
 * 203.0.113.0/24, and eni-a may send nothing, so its replies pass only through its entries); then M new
 * SYNs from random hosts and ports of that net, many more than there is room for; then every established
 * connection's next packet (a reply from eni-a) must still be accepted, and every flood packet refused is
 * refused at {@code conntrack-allowance} and counted (allowance exceeded, or table full), with all frames
 * accounted for.
 */
class ConnTrackFloodTest extends EvaluatorTestSupport {

    private static final int ESTABLISHED = 100;
    private static final int FLOOD = 6_000;
    /** Table slots on the fast path: well below the flood, above the established connections. */
    private static final int CAPACITY = 1_024;

    @TempDir
    Path dir;

    static LongStream seeds() {
        return LongStream.range(0, 4).map(i -> 0xF100D000L + i * 31);
    }

    /** The frames, and where the replies of the established connections start. */
    private record Capture(Path file, int frames, int firstReply) {
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void aFullTableDropsTheFloodAndKeepsEveryEstablishedConnection(long seed) throws IOException {
        t.sg("sg-a").in("tcp", 22, 22, "203.0.113.0/24");
        World world = t.build();
        Capture c = capture(new SplittableRandom(seed));
        for (int workers : new int[] {1, 3}) {
            String what = "seed " + seed + ", table full, " + workers + " worker(s)";
            StringWriter v = new StringWriter();
            Replayer.ReplayResult r = new FastReplayer(world, List.of(), EvaluatorSettings.DEFAULT, workers, null, 60,
                    new VerdictWriter(v), CAPACITY).run(c.file());
            List<String> lines = v.toString().lines().toList();
            long refused = assertFloodRefusedAndEstablishedKept(what, lines, c, r, workers == 1);
            EniCounters a = r.counters.get("eni-a");
            assertThat(refused).as(what + ": the flood overflows the table").isGreaterThan(FLOOD - CAPACITY);
            assertThat(a.rejectedPackets(Stage.CONNTRACK_ALLOWANCE)).as(what + ": refusals counted at the stage")
                    .isEqualTo(r.account.total().rejectedBy().get("conntrack-allowance")).isGreaterThanOrEqualTo(refused);
            assertThat(r.conntrackTableFull.get("eni-a")).as(what + ": counted with its reason, table full")
                    .isEqualTo(a.rejectedPackets(Stage.CONNTRACK_ALLOWANCE));
            assertThat(a.conntrackAllowanceExceeded()).as(what + ": no allowance on eni-a").isZero();
            assertThat(a.trackedConnections()).as(what + ": tracked, within the table").isLessThanOrEqualTo(CAPACITY)
                    .isGreaterThanOrEqualTo(ESTABLISHED);
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void aFullAllowanceDropsTheFloodAndKeepsEveryEstablishedConnection(long seed) throws IOException {
        t.sg("sg-a").in("tcp", 22, 22, "203.0.113.0/24");
        t.eni("eni-a").maxTracked(ESTABLISHED);
        World world = t.build();
        Capture c = capture(new SplittableRandom(seed));
        List<Replayer.ReplayResult> results = new ArrayList<>();
        List<List<String>> verdicts = new ArrayList<>();
        StringWriter v = new StringWriter();
        results.add(new Replayer(world, List.of(), EvaluatorSettings.DEFAULT, null, new VerdictWriter(v)).run(c.file()));
        verdicts.add(v.toString().lines().toList());
        v = new StringWriter();
        results.add(new FastReplayer(world, List.of(), EvaluatorSettings.DEFAULT, 1, null, 60, new VerdictWriter(v), 1 << 16)
                .run(c.file()));
        verdicts.add(v.toString().lines().toList());
        for (int i = 0; i < results.size(); i++) {
            String what = "seed " + seed + ", allowance, " + (i == 0 ? "reference" : "fast");
            Replayer.ReplayResult r = results.get(i);
            long refused = assertFloodRefusedAndEstablishedKept(what, verdicts.get(i), c, r, true);
            EniCounters a = r.counters.get("eni-a");
            assertThat(refused).as(what + ": every flood SYN refused, the allowance being used up").isEqualTo(FLOOD);
            assertThat(a.conntrackAllowanceExceeded()).as(what + ": conntrack_allowance_exceeded").isEqualTo(FLOOD);
            assertThat(a.conntrackAllowanceAvailable()).as(what + ": conntrack_allowance_available").isZero();
            assertThat(a.trackedConnections()).as(what + ": tracked").isEqualTo(ESTABLISHED);
            assertThat(r.conntrackTableFull).as(what + ": the table itself had room").isEmpty();
        }
        assertThat(verdicts.get(1)).as("seed %d: the fast path's verdicts are the reference's", seed).isEqualTo(verdicts.get(0));
    }

    /**
     * Answers how many flood SYNs were refused; asserts the rest. With {@code inOrder} (one worker, or the
     * reference) every handshake precedes the flood and must succeed. With several workers the table's
     * slots go in judging order, which across workers is not capture order (a worker may judge its flood
     * SYNs before another judges an earlier handshake): a handshake SYN may then be refused, at
     * {@code conntrack-allowance}; but every connection whose SYN was admitted keeps its entry through the
     * flood.
     */
    private static long assertFloodRefusedAndEstablishedKept(String what, List<String> lines, Capture c, Replayer.ReplayResult r,
                                                             boolean inOrder) {
        assertThat(lines).as(what + ": one verdict per frame").hasSize(c.frames());
        assertThat(r.accountingProblems).as(what + ": accounting").isEmpty();
        FrameAccount.Tally total = r.account.total();
        assertThat(total.frames()).as(what + ": frames").isEqualTo(c.frames());
        int kept = 0;
        for (int i = 0; i < ESTABLISHED; i++) {
            String syn = lines.get(3 * i);
            if (inOrder || syn.contains("ACCEPT")) {
                assertThat(syn).as(what + ": handshake SYN %d", i + 1).contains("ACCEPT");
                assertThat(lines.get(3 * i + 1)).as(what + ": handshake SYN-ACK %d", i + 1).contains("ACCEPT");
                assertThat(lines.get(c.firstReply() + i)).as(what + ": established connection %d still answers after the flood",
                        i + 1).contains("ACCEPT");
                kept++;
            } else {
                assertThat(syn).as(what + ": a refused handshake SYN says why").contains("conntrack-allowance");
            }
        }
        assertThat(kept).as(what + ": connections established before the flood filled the table").isPositive();
        long refused = 0;
        for (int i = 3 * ESTABLISHED; i < c.firstReply(); i++) {
            String line = lines.get(i);
            if (line.contains("REJECT")) {
                assertThat(line).as(what + ": a refused flood SYN says why (frame %d)", i + 1).contains("conntrack-allowance");
                refused++;
            } else {
                assertThat(line).as(what + ": flood frame %d", i + 1).contains("ACCEPT");
            }
        }
        if (inOrder) {
            assertThat(total.rejectedBy().getOrDefault("conntrack-allowance", 0L)).as(what + ": refusals in the account")
                    .isEqualTo(refused);
            assertThat(total.accepted() + refused).as(what + ": nothing else happened").isEqualTo(c.frames());
        }
        return refused;
    }

    /**
     * N handshakes from 203.0.113.1..N port 40000 to eni-a:22 at t=1 s, M SYNs from random hosts of the net
     * and random ports (distinct flows) at t=2 s, then N replies from eni-a at t=3 s.
     */
    private Capture capture(SplittableRandom r) throws IOException {
        Path pcap = dir.resolve("flood.pcap");
        int frames = 0;
        try (PcapWriter w = PcapWriter.create(pcap, LinkType.ETHERNET, PcapWriter.Precision.NANOSECONDS)) {
            for (int i = 1; i <= ESTABLISHED; i++) {
                String client = client(i);
                w.write(s(1), PacketBuilder.ip(client, A).tcp(40000, 22, PacketBuilder.SYN, 0).ethernet().build());
                w.write(s(1), PacketBuilder.ip(A, client).tcp(22, 40000, PacketBuilder.SYN | PacketBuilder.ACK, 0)
                        .ethernet().build());
                w.write(s(1), PacketBuilder.ip(client, A).tcp(40000, 22, PacketBuilder.ACK, 0).ethernet().build());
                frames += 3;
            }
            Set<Long> flows = new HashSet<>();
            while (flows.size() < FLOOD) {
                int host = 1 + r.nextInt(254);
                int port = 1024 + r.nextInt(60_000);
                if (port == 40000 || !flows.add((long) host << 16 | port)) {
                    continue;
                }
                w.write(s(2), PacketBuilder.ip(client(host), A).tcp(port, 22, PacketBuilder.SYN, 0).ethernet().build());
                frames++;
            }
            int firstReply = frames;
            for (int i = 1; i <= ESTABLISHED; i++) {
                w.write(s(3), PacketBuilder.ip(A, client(i)).tcp(22, 40000, PacketBuilder.ACK | PacketBuilder.PSH, 100)
                        .ethernet().build());
                frames++;
            }
            return new Capture(pcap, frames, firstReply);
        }
    }

    private static String client(int i) {
        return "203.0.113." + i;
    }
}
