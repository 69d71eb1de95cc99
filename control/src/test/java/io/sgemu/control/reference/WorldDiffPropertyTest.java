package io.sgemu.control.reference;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sgemu.control.diff.DiffReport;
import io.sgemu.control.diff.FlowChange;
import io.sgemu.control.diff.FlowChange.Direction;
import io.sgemu.control.diff.TrafficFiles;
import io.sgemu.control.diff.TrafficInput;
import io.sgemu.control.diff.WorldDiff;
import io.sgemu.control.model.NaclEntry;
import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.World;
import io.sgemu.control.replay.Replayer;
import io.sgemu.control.replay.VerdictWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The what-if report against an independent reading: replay the traffic against each world on its own
 * (two plain replays, two verdict streams) and compare the streams frame by frame. The flows the report
 * calls newly rejected (and newly accepted) are exactly those with a frame whose verdict flips that way,
 * with as many changed packets.
 */
class WorldDiffPropertyTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static LongStream seeds() {
        return LongStream.range(0, 40).map(i -> 0x5EED_D1FFL * 31 + i);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void removingRulesFlipsExactlyTheFlowsTwoSeparateReplaysDisagreeOn(long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        World before = ReferencePropertiesTest.RandomWorlds.world(r, r.nextInt(4) == 0);
        World after = removeRandomRules(before, r);
        List<Packet> packets = ReferencePropertiesTest.RandomWorlds.packets(r, before, 400, r.nextBoolean());
        Path capture = TrafficFiles.pcap(tmp.resolve("t.pcap"), packets);

        List<JsonNode> old = verdicts(before, capture);
        List<JsonNode> neu = verdicts(after, capture);
        assertThat(neu).as("seed %d", seed).hasSameSizeAs(old);
        Map<String, Long> wantRejected = new TreeMap<>();
        Map<String, Long> wantAccepted = new TreeMap<>();
        for (int i = 0; i < old.size(); i++) {
            String a = old.get(i).get("action").asText();
            String b = neu.get(i).get("action").asText();
            if (a.equals("ACCEPT") && b.equals("REJECT")) {
                wantRejected.merge(key(old.get(i)), 1L, Long::sum);
            } else if (a.equals("REJECT") && b.equals("ACCEPT")) {
                wantAccepted.merge(key(old.get(i)), 1L, Long::sum);
            }
        }

        DiffReport report = new WorldDiff(before, after, EvaluatorSettings.DEFAULT).run(TrafficInput.capture(capture));
        assertThat(report.frames()).as("seed %d", seed).isEqualTo(packets.size());
        assertThat(changed(report, Direction.NEWLY_REJECTED)).as("newly rejected, seed %d", seed).isEqualTo(wantRejected);
        assertThat(changed(report, Direction.NEWLY_ACCEPTED)).as("newly accepted, seed %d", seed).isEqualTo(wantAccepted);
        for (Direction d : Direction.values()) {
            for (FlowChange c : report.changes(d)) {
                assertAttributionFitsItsStage(c, seed);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void randomRemovalsReachBothKindsOfChange() throws IOException {
        int withRejected = 0;
        int withAccepted = 0;
        for (long seed : seeds().toArray()) {
            SplittableRandom r = new SplittableRandom(seed);
            World before = ReferencePropertiesTest.RandomWorlds.world(r, r.nextInt(4) == 0);
            World after = removeRandomRules(before, r);
            List<Packet> packets = ReferencePropertiesTest.RandomWorlds.packets(r, before, 400, r.nextBoolean());
            DiffReport report = new WorldDiff(before, after, EvaluatorSettings.DEFAULT)
                    .run(TrafficInput.capture(TrafficFiles.pcap(tmp.resolve(seed + ".pcap"), packets)));
            withRejected += report.changes(Direction.NEWLY_REJECTED).isEmpty() ? 0 : 1;
            withAccepted += report.changes(Direction.NEWLY_ACCEPTED).isEmpty() ? 0 : 1;
        }
        // Removing allow rules mostly rejects; removing a NACL deny, or a rule that made a flow untracked,
        // can accept. The property above is only worth something if the seeds reach both.
        assertThat(withRejected).isGreaterThan((int) seeds().count() / 2);
        assertThat(withAccepted).isPositive();
    }

    /** Whatever changed, the attribution names the kind of thing that decides at its stage. */
    private static void assertAttributionFitsItsStage(FlowChange c, long seed) {
        var a = c.attribution();
        String what = c.flow().flow().text() + " at " + a.stage().label() + ", seed " + seed;
        switch (a.stage()) {
            case SG_EGRESS, SG_INGRESS -> {
                assertThat(a.rejectedBy().kind()).as(what).isEqualTo(DecidingRule.Kind.NO_SG_RULE);
                if (a.acceptedBy() != null) {
                    assertThat(a.acceptedBy().kind()).as(what).isIn(DecidingRule.Kind.SG_RULE, DecidingRule.Kind.CONNTRACK);
                }
            }
            case NACL_EGRESS, NACL_INGRESS -> {
                assertThat(a.rejectedBy().kind()).as(what).isIn(DecidingRule.Kind.NACL_ENTRY, DecidingRule.Kind.NACL_DEFAULT_DENY);
                if (a.acceptedBy() != null) {
                    assertThat(a.acceptedBy().kind()).as(what).isIn(DecidingRule.Kind.NACL_ENTRY, DecidingRule.Kind.NO_NACL);
                }
            }
            case CONNTRACK_ALLOWANCE -> assertThat(a.rejectedBy().kind()).as(what).isEqualTo(DecidingRule.Kind.ALLOWANCE);
        }
        assertThat(a.eniId()).as(what).isIn(c.flow().srcEniId(), c.flow().dstEniId());
    }

    /** Each SG rule and NACL entry goes with probability 1/4 (at least one thing goes when there is one). */
    static World removeRandomRules(World w, SplittableRandom r) {
        World out = w;
        boolean removed = false;
        for (SecurityGroup g : w.securityGroups().values()) {
            List<SgRule> in = keep(g.ingress(), r);
            List<SgRule> eg = keep(g.egress(), r);
            removed |= in.size() < g.ingress().size() || eg.size() < g.egress().size();
            out = out.withSecurityGroup(new SecurityGroup(g.id(), g.name(), g.vpcId(), g.ownerId(), in, eg));
        }
        for (NetworkAcl acl : w.networkAcls().values()) {
            List<NaclEntry> entries = keep(acl.entries(), r);
            removed |= entries.size() < acl.entries().size();
            out = out.withNetworkAcl(acl.withEntries(entries));
        }
        if (!removed) {
            SecurityGroup g = w.securityGroups().values().iterator().next();
            out = out.withSecurityGroup(new SecurityGroup(g.id(), g.name(), g.vpcId(), g.ownerId(), g.ingress(), List.of()));
        }
        return out;
    }

    private static <T> List<T> keep(List<T> items, SplittableRandom r) {
        List<T> out = new ArrayList<>();
        for (T t : items) {
            if (r.nextInt(4) != 0) {
                out.add(t);
            }
        }
        return out;
    }

    private static List<JsonNode> verdicts(World w, Path capture) throws IOException {
        StringWriter text = new StringWriter();
        new Replayer(w, List.of(), EvaluatorSettings.DEFAULT, null, new VerdictWriter(text)).run(capture);
        List<JsonNode> out = new ArrayList<>();
        for (String line : text.toString().split("\n")) {
            if (!line.isEmpty()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    /** The directed flow of one verdict line: protocol, addresses, ports (-1 when the protocol has none). */
    private static String key(JsonNode v) {
        return v.get("proto").asInt() + " " + v.get("src").asText() + " " + v.path("sport").asInt(-1) + " "
                + v.get("dst").asText() + " " + v.path("dport").asInt(-1);
    }

    private static Map<String, Long> changed(DiffReport report, Direction d) {
        Map<String, Long> out = new TreeMap<>();
        for (FlowChange c : report.changes(d)) {
            var f = c.flow().flow();
            out.put(f.protocol() + " " + f.src() + " " + f.srcPort() + " " + f.dst() + " " + f.dstPort(), c.packets());
        }
        return out;
    }
}
