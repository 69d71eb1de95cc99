package io.sgemu.dataplane.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Service sets against a plain reading of security-group protocol and port matching (SEMANTICS.md
 * section 2): a union of rules matches a packet when one of the rules does.
 */
class ServiceSetsTest {

    record Rule(int protocol, int from, int to) {
        /** One rule read plainly, as the reference's PortMatch does. */
        boolean matches(int protocol, int port, int type, int code) {
            if (this.protocol == -1) {
                return true;
            }
            if (this.protocol != protocol) {
                return false;
            }
            if (protocol == 6 || protocol == 17) {
                int lo = from < 0 ? 0 : from;
                int hi = to < 0 ? 65_535 : to;
                return port < 0 ? lo == 0 && hi >= 65_535 : port >= lo && port <= hi;
            }
            if (protocol == 1 || protocol == 58) {
                if (from == -1) {
                    return to == -1;
                }
                return type == from && (to == -1 || code == to);
            }
            return true;
        }
    }

    static LongStream seeds() {
        return LongStream.range(0, 150).map(i -> 0x5E75_0000L + i * 7_001);
    }

    private static Rule randomRule(SplittableRandom r) {
        int[] protocols = {-1, 6, 6, 6, 17, 17, 1, 58, 47, 132, 0, 255};
        int p = protocols[r.nextInt(protocols.length)];
        if (p == 6 || p == 17) {
            int[][] ranges = {{-1, -1}, {0, 65535}, {0, 100}, {101, 65535}, {80, 80}, {-1, 80}, {80, -1}, {100, 50},
                {65535, 65535}, {0, 0}, {70000, 70001}};
            int[] x = r.nextInt(3) == 0 ? new int[] {r.nextInt(65536), -1} : ranges[r.nextInt(ranges.length)];
            if (x[1] == -1 && x[0] > 100 && r.nextBoolean()) {
                x = new int[] {x[0], Math.min(65535, x[0] + r.nextInt(500))};
            }
            return new Rule(p, x[0], x[1]);
        }
        if (p == 1 || p == 58) {
            int[][] tc = {{-1, -1}, {-1, 3}, {8, -1}, {3, 4}, {3, -1}, {255, 255}, {300, -1}, {8, 256}};
            int[] x = r.nextInt(3) == 0 ? new int[] {r.nextInt(20), r.nextInt(6) - 1} : tc[r.nextInt(tc.length)];
            return new Rule(p, x[0], x[1]);
        }
        return new Rule(p, r.nextInt(3) - 1, r.nextInt(3) - 1);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void aUnionMatchesWhatOneOfItsRulesMatches(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Rule> rules = new ArrayList<>();
        ServiceSets.Builder b = new ServiceSets.Builder();
        int set = b.empty();
        for (int i = r.nextInt(12); i > 0; i--) {
            Rule rule = randomRule(r);
            rules.add(rule);
            set = b.union(set, b.ofRule(rule.protocol(), rule.from(), rule.to()));
        }
        boolean[] used = new boolean[b.size()];
        used[set] = true;
        int[] offsets = new int[b.size()];
        int[] pool = b.encode(used, offsets);
        int at = offsets[set];
        int[] protocols = {6, 17, 1, 58, 47, 132, 0, 255, 50};
        for (int k = 0; k < 2000; k++) {
            int protocol = protocols[r.nextInt(protocols.length)];
            int port = r.nextInt(6) == 0 ? -1 : (r.nextBoolean() ? r.nextInt(65536) : new int[] {0, 50, 80, 100, 101, 65535}[r.nextInt(6)]);
            int type = r.nextInt(6) == 0 ? -1 : (r.nextBoolean() ? r.nextInt(256) : new int[] {3, 8, 255}[r.nextInt(3)]);
            int code = type < 0 ? -1 : (r.nextInt(5) == 0 ? -1 : r.nextInt(6));
            boolean expected = rules.stream().anyMatch(x -> x.matches(protocol, port, type, code));
            assertThat(ServiceSets.matches(pool, at, protocol, port, type, code))
                    .as("seed %d: %s against %d/%d type %d code %d, set %s", seed, rules, protocol, port, type, code,
                            ServiceSets.describe(pool, at))
                    .isEqualTo(expected);
        }
        for (int protocol : new int[] {6, 17}) {
            boolean expected = rules.stream().anyMatch(x -> x.matches(protocol, -1, -1, -1));
            assertThat(ServiceSets.allPorts(pool, at, protocol)).as("seed %d: all ports of %d in %s", seed, protocol, rules)
                    .isEqualTo(expected);
        }
    }

    @Test
    void twoRulesCoveringEveryPortTogetherDoNotAdmitAPacketWithoutPorts() {
        ServiceSets.Builder b = new ServiceSets.Builder();
        int set = b.union(b.ofRule(6, 0, 100), b.ofRule(6, 101, 65535));
        boolean[] used = new boolean[b.size()];
        used[set] = true;
        int[] offsets = new int[b.size()];
        int[] pool = b.encode(used, offsets);
        assertThat(ServiceSets.matches(pool, offsets[set], 6, 4242, -1, -1)).isTrue();
        assertThat(ServiceSets.matches(pool, offsets[set], 6, -1, -1, -1)).isFalse();
        assertThat(b.ofRule(1, -1, 3)).as("ICMP type -1 with a specific code matches nothing").isEqualTo(b.empty());
    }
}
