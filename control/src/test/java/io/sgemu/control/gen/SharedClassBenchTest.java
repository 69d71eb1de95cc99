package io.sgemu.control.gen;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.control.model.NaclEntry;
import io.sgemu.control.model.World;
import io.sgemu.control.reference.Packet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Second layer: converts each of the shared ClassBench sets and judges a sample of its {@code _trace} headers
 * (every one of which matches some filter of its set) with the reference evaluator. Reads the folder named by
 * {@code SGEMU_SHARED_DATA}; skipped without it.
 */
class SharedClassBenchTest {
    private static final int SAMPLE = 300;

    static Stream<String> sets() {
        return Stream.of("acl1_1k", "acl2_1k", "acl3_1k", "acl4_1k", "acl5_1k", "fw1_1k", "fw2_1k", "fw3_1k", "fw4_1k",
                "fw5_1k", "ipc1_1k", "ipc2_1k");
    }

    static Path folder() {
        String dir = System.getenv("SGEMU_SHARED_DATA");
        Assumptions.assumeTrue(dir != null && !dir.isBlank(), "SGEMU_SHARED_DATA is not set");
        return Path.of(dir, "classbench");
    }

    @ParameterizedTest
    @MethodSource("sets")
    void everyTraceHeaderIsAllowedAndTheNaclDecidesByPriority(String name) throws IOException {
        Path dir = folder();
        List<ClassBenchRule> rules = ClassBenchFile.read(dir.resolve(name));
        long seed = name.hashCode();
        World w = ClassBenchWorldGenerator.generate(rules,
                new ClassBenchWorldSettings(rules.size(), rules.size(), 1, 1, 0.3, seed)).world();
        assertThat(w.securityGroups().values().iterator().next().ingress()).as(name).hasSize(rules.size());
        List<NaclEntry> entries = ClassBenchJudge.inboundEntries(w);
        assertThat(entries).as(name).hasSize(rules.size());
        ClassBenchJudge judge = new ClassBenchJudge(w);

        List<long[]> headers = new ArrayList<>();
        try (Stream<String> lines = Files.lines(dir.resolve(name + "_trace"))) {
            lines.filter(l -> !l.isBlank()).forEach(l -> {
                String[] f = l.trim().split("\\s+");
                headers.add(new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]),
                        Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[6])});
            });
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        int judged = 0;
        for (int i = 0; i < SAMPLE; i++) {
            long[] h = headers.get(rnd.nextInt(headers.size()));
            int src = (int) h[0];
            int dst = (int) h[1];
            int sport = (int) h[2];
            int dport = (int) h[3];
            int proto = (int) h[4];
            String what = name + " (seed " + seed + "), header " + java.util.Arrays.toString(h);
            int first = ClassBenchJudge.firstMatch(rules, src, dst, sport, dport, proto);
            assertThat(first).as(what + ": the trace's own claim").isBetween(0, (int) h[5]);
            if (!judge.judgeable(src, sport, dport, proto)) {
                continue;
            }
            Packet p = judge.packet(src, sport, dport, proto);
            assertThat(judge.groupsAllow(p)).as(what).isTrue();
            int visible = ClassBenchJudge.firstVisibleMatch(rules, src, dport, proto);
            assertThat(visible).as(what).isBetween(0, first);
            assertThat(judge.naclRuleNumber(p)).as(what).isEqualTo(entries.get(visible).ruleNumber());
            judged++;
        }
        assertThat(judged).as(name).isGreaterThan(SAMPLE / 2);

        // and headers that no filter matches even on what groups see are not allowed
        int refused = 0;
        for (int i = 0; i < 2000 && refused < 50; i++) {
            int src = rnd.nextInt();
            int dport = rnd.nextInt(65536);
            int proto = new int[] {6, 17, 1, 47}[rnd.nextInt(4)];
            if (!judge.judgeable(src, 1234, dport, proto) || ClassBenchJudge.firstVisibleMatch(rules, src, dport, proto) >= 0) {
                continue;
            }
            assertThat(judge.groupsAllow(judge.packet(src, 1234, dport, proto))).as(name + " (seed " + seed + "): "
                    + src + " " + dport + " " + proto).isFalse();
            refused++;
        }
    }
}
