package io.sgemu.control.gen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sgemu.control.model.NaclEntry;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.World;
import io.sgemu.control.reference.Packet;
import io.sgemu.dataplane.net.Cidr;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ClassBenchWorldTest {

    /** Filters that security groups express exactly: all source ports, any destination, ports only for tcp/udp. */
    static final String EXACT = String.join("\n",
            "@192.0.2.0/24\t0.0.0.0/0\t0 : 65535\t443 : 443\t0x06/0xFF\t0x0000/0x0000\t",
            "@198.51.100.7/32\t0.0.0.0/0\t0 : 65535\t1024 : 65535\t0x06/0xFF\t0x0000/0x0000\t",
            "@203.0.113.0/25\t0.0.0.0/0\t0 : 65535\t53 : 53\t0x11/0xFF\t0x0000/0x0000\t",
            "@172.16.0.0/12\t0.0.0.0/0\t0 : 65535\t0 : 65535\t0x01/0xFF\t0x0000/0x0000\t",
            "@100.64.0.0/10\t0.0.0.0/0\t0 : 65535\t0 : 65535\t0x00/0x00\t0x0000/0x0000\t",
            "@45.0.0.0/8\t0.0.0.0/0\t0 : 65535\t0 : 65535\t0x2f/0xFF\t0x0000/0x0000\t",
            "@192.0.2.128/25\t0.0.0.0/0\t0 : 65535\t22 : 22\t0x06/0xFF\t0x0000/0x0000\t",
            "@60.1.2.3/32\t0.0.0.0/0\t0 : 65535\t0 : 1023\t0x11/0xFF\t0x0000/0x0000\t") + "\n";

    /** Filters with destination prefixes and source ports, which the conversion widens. */
    static final String WIDE = String.join("\n",
            "@192.0.2.0/24\t67.236.63.210/32\t0 : 65535\t1711 : 1711\t0x06/0xFF\t0x0000/0x0200\t",
            "@192.0.2.0/24\t67.236.63.0/24\t1024 : 65535\t80 : 80\t0x06/0xFF\t0x1000/0x1000\t",
            "@91.89.244.16/29\t245.66.202.32/28\t88 : 88\t69 : 69\t0x11/0xFF\t0x0000/0x0000\t",
            "@0.0.0.0/0\t96.205.89.192/29\t123 : 123\t53 : 53\t0x11/0xFF\t0x0000/0x0000\t",
            "@145.2.0.0/16\t0.0.0.0/0\t0 : 65535\t0 : 65535\t0x00/0x00\t0x0000/0x0000\t",
            "@33.44.55.0/24\t10.20.0.0/16\t0 : 65535\t0 : 65535\t0x01/0xFF\t0x0000/0x0000\t");

    static LongStream seeds() {
        return LongStream.of(1, 2, 3, 42, 4711, 20261127);
    }

    static World world(List<ClassBenchRule> rules, int rulesPerGroup, long seed) {
        int groups = (rules.size() + rulesPerGroup - 1) / rulesPerGroup;
        return ClassBenchWorldGenerator.generate(rules,
                new ClassBenchWorldSettings(rules.size(), rulesPerGroup, 1, groups, 0.3, seed)).world();
    }

    @Test
    void readsTheFilterFormat() {
        List<ClassBenchRule> r = ClassBenchFile.parse("t", WIDE);
        assertThat(r).hasSize(6);
        ClassBenchRule second = r.get(1);
        assertThat(second.src()).isEqualTo(Cidr.parse("192.0.2.0/24"));
        assertThat(second.dst()).isEqualTo(Cidr.parse("67.236.63.0/24"));
        assertThat(List.of(second.srcPortLo(), second.srcPortHi(), second.dstPortLo(), second.dstPortHi(), second.protocol()))
                .containsExactly(1024, 65535, 80, 80, 6);
        assertThat(r.get(4).protocol()).isEqualTo(ClassBenchRule.ANY_PROTOCOL);
        assertThat(second.line()).isEqualTo(2);
    }

    @Test
    void aBadLineIsNamedByItsNumber() {
        String bad = EXACT.replace("@203.0.113.0/25\t0.0.0.0/0\t0 : 65535\t53 : 53", "@203.0.113.0/25\t0.0.0.0/0\t0 : 65535\t53 : 99999");
        assertThatThrownBy(() -> ClassBenchFile.parse("set.txt", bad))
                .isInstanceOf(ClassBenchFormatException.class).hasMessageContaining("set.txt: line 3:")
                .hasMessageContaining("99999");
        assertThatThrownBy(() -> ClassBenchFile.parse("set.txt", "\n\n@1.2.3.4/33\t0.0.0.0/0\t0 : 1\t0 : 1\t0x06/0xFF\t0/0\n"))
                .hasMessageContaining("line 3:");
        assertThatThrownBy(() -> ClassBenchFile.parse("set.txt", "1.2.3.4/32\t0.0.0.0/0\t0 : 1\t0 : 1\t0x06/0xFF\n"))
                .hasMessageContaining("line 1:").hasMessageContaining("'@'");
        assertThatThrownBy(() -> ClassBenchFile.parse("set.txt", "@1.2.3.4/32\t0.0.0.0/0\t0 : 1\t0 : 1\t0x06/0x0F\n"))
                .hasMessageContaining("mask");
        assertThatThrownBy(() -> ClassBenchFile.parse("set.txt", "\n")).hasMessageContaining("no filter");
    }

    /** A header: mostly inside a random filter's fields (so most match something), else anywhere. */
    static int[] header(List<ClassBenchRule> rules, SplittableRandom rnd) {
        if (rnd.nextInt(10) < 7) {
            ClassBenchRule r = rules.get(rnd.nextInt(rules.size()));
            int src = inside(r.src(), rnd);
            int dst = inside(r.dst(), rnd);
            int sport = rnd.nextInt(r.srcPortLo(), r.srcPortHi() + 1);
            int dport = rnd.nextInt(r.dstPortLo(), r.dstPortHi() + 1);
            int[] protos = {6, 17, 1, 47, 50};
            int proto = r.protocol() == ClassBenchRule.ANY_PROTOCOL ? protos[rnd.nextInt(protos.length)] : r.protocol();
            if (rnd.nextInt(5) == 0) {
                dport = rnd.nextInt(65536); // near misses
            }
            return new int[] {src, dst, sport, dport, proto};
        }
        int[] protos = {6, 17, 1, 47, 132};
        return new int[] {rnd.nextInt(), rnd.nextInt(), rnd.nextInt(65536), rnd.nextInt(65536), protos[rnd.nextInt(protos.length)]};
    }

    static int inside(Cidr c, SplittableRandom rnd) {
        int host = c.prefixLength() == 32 ? 0 : rnd.nextInt() >>> c.prefixLength();
        return c.network().v4Bits() | host;
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void exactFiltersAllowWhatTheyMatchAndNothingElse(long seed) {
        List<ClassBenchRule> rules = ClassBenchFile.parse("exact", EXACT);
        ClassBenchJudge judge = new ClassBenchJudge(world(rules, 3, seed));
        SplittableRandom rnd = new SplittableRandom(seed);
        int matched = 0;
        int unmatched = 0;
        for (int i = 0; i < 400; i++) {
            int[] h = header(rules, rnd);
            if (!judge.judgeable(h[0], h[2], h[3], h[4])) {
                continue;
            }
            boolean match = ClassBenchJudge.firstMatch(rules, h[0], h[1], h[2], h[3], h[4]) >= 0;
            Packet p = judge.packet(h[0], h[2], h[3], h[4]);
            assertThat(judge.groupsAllow(p)).as("seed %d, header %s", seed, java.util.Arrays.toString(h)).isEqualTo(match);
            if (match) {
                matched++;
            } else {
                unmatched++;
            }
        }
        assertThat(matched).as("seed %d: headers that match", seed).isGreaterThan(50);
        assertThat(unmatched).as("seed %d: headers that match nothing", seed).isGreaterThan(50);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void widenedFiltersStillAllowEverythingTheyMatch(long seed) {
        List<ClassBenchRule> rules = ClassBenchFile.parse("wide", WIDE);
        ClassBenchJudge judge = new ClassBenchJudge(world(rules, 4, seed));
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < 300; i++) {
            int[] h = header(rules, rnd);
            if (!judge.judgeable(h[0], h[2], h[3], h[4])) {
                continue;
            }
            Packet p = judge.packet(h[0], h[2], h[3], h[4]);
            String what = "seed " + seed + ", header " + java.util.Arrays.toString(h);
            if (ClassBenchJudge.firstMatch(rules, h[0], h[1], h[2], h[3], h[4]) >= 0) {
                assertThat(judge.groupsAllow(p)).as(what).isTrue();
            }
            if (ClassBenchJudge.firstVisibleMatch(rules, h[0], h[3], h[4]) < 0) {
                assertThat(judge.groupsAllow(p)).as(what).isFalse();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void naclOrderIsClassBenchPriority(long seed) {
        List<ClassBenchRule> rules = ClassBenchFile.parse("exact", EXACT + WIDE);
        World w = world(rules, 5, seed);
        List<NaclEntry> entries = ClassBenchJudge.inboundEntries(w);
        assertThat(entries).as("seed %d", seed).hasSize(rules.size());
        Set<Boolean> actions = new HashSet<>();
        for (int i = 0; i < rules.size(); i++) {
            NaclEntry e = entries.get(i);
            ClassBenchRule r = rules.get(i);
            assertThat(e.cidr()).as("seed %d, entry %d", seed, i).isEqualTo(r.src());
            assertThat(e.protocol()).isEqualTo(r.protocol() == ClassBenchRule.ANY_PROTOCOL ? Protocols.ALL : r.protocol());
            if (Protocols.hasPorts(e.protocol())) {
                assertThat(List.of(e.portRange().from(), e.portRange().to())).containsExactly(r.dstPortLo(), r.dstPortHi());
            }
            actions.add(e.allow());
        }
        // and the evaluator, which sorts by rule number, decides by the first filter in priority order
        ClassBenchJudge judge = new ClassBenchJudge(w);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < 300; i++) {
            int[] h = header(rules, rnd);
            if (!judge.judgeable(h[0], h[2], h[3], h[4])) {
                continue;
            }
            int first = ClassBenchJudge.firstVisibleMatch(rules, h[0], h[3], h[4]);
            assertThat(judge.naclRuleNumber(judge.packet(h[0], h[2], h[3], h[4])))
                    .as("seed %d, header %s", seed, java.util.Arrays.toString(h))
                    .isEqualTo(first < 0 ? -1 : entries.get(first).ruleNumber());
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void scalingKeepsThePrefixAndTheShapes(long seed) {
        List<ClassBenchRule> set = ClassBenchFile.parse("both", EXACT + WIDE);
        SplittableRandom rnd = new SplittableRandom(seed);
        assertThat(ClassBenchScaler.scale(set, 5, rnd)).containsExactlyElementsOf(set.subList(0, 5));
        List<ClassBenchRule> big = ClassBenchScaler.scale(set, 500, new SplittableRandom(seed));
        assertThat(big).hasSize(500);
        assertThat(big.subList(0, set.size())).containsExactlyElementsOf(set);
        Set<List<Object>> shapes = new HashSet<>();
        set.forEach(r -> shapes.add(shape(r)));
        Set<Cidr> derivedSources = new HashSet<>();
        for (ClassBenchRule r : big.subList(set.size(), big.size())) {
            assertThat(shapes).as("seed %d: %s keeps the shape of a filter of the set", seed, r).contains(shape(r));
            derivedSources.add(r.src());
        }
        // perturbed, not copied: many new source prefixes
        assertThat(derivedSources).as("seed %d", seed).hasSizeGreaterThan(100);
        assertThat(ClassBenchScaler.scale(set, 500, new SplittableRandom(seed))).as("seed %d", seed).isEqualTo(big);
    }

    /** Prefix lengths, protocol and the kinds of the port ranges. */
    static List<Object> shape(ClassBenchRule r) {
        return List.of(r.src().prefixLength(), r.dst().prefixLength(), r.protocol(),
                kind(r.srcPortLo(), r.srcPortHi()), kind(r.dstPortLo(), r.dstPortHi()));
    }

    static String kind(int lo, int hi) {
        if (lo == hi) {
            return "one";
        }
        if ((lo == 0 || lo == 1024) && hi == 65535 || lo == 0 && hi == 1023) {
            return lo + "-" + hi;
        }
        return "range of " + (hi - lo);
    }

    @Test
    void rulesFillGroupsInPriorityOrderAndEnisGetTheirGroups() {
        List<ClassBenchRule> set = ClassBenchFile.parse("both", EXACT + WIDE);
        GeneratedWorld g = ClassBenchWorldGenerator.generate(set, new ClassBenchWorldSettings(100, 7, 9000, 3, 0.2, 5));
        World w = g.world();
        List<SecurityGroup> groups = List.copyOf(w.securityGroups().values());
        assertThat(groups).hasSize(15); // 100 rules at 7 a group
        for (int i = 0; i < groups.size(); i++) {
            assertThat(groups.get(i).ingress()).hasSize(i < 14 ? 7 : 2);
            assertThat(groups.get(i).egress()).hasSize(1);
            assertThat(groups.get(i).ingress().get(0).description()).isEqualTo("classbench " + (i * 7));
        }
        assertThat(w.networkInterfaces()).hasSize(9000);
        assertThat(w.subnets()).hasSize(3); // 4091 ENIs a /20
        assertThat(w.networkInterfaces().values()).allSatisfy(e -> assertThat(e.groupIds()).hasSize(3).doesNotHaveDuplicates());
        assertThat(g.warnings()).anySatisfy(t -> assertThat(t).contains("100 inbound entries"));
        assertThatThrownBy(() -> ClassBenchWorldGenerator.generate(set, new ClassBenchWorldSettings(10, 5, 1, 3, 0.2, 5)))
                .hasMessageContaining("--groups-per-eni 3");
    }
}
