package io.sgemu.dataplane.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** NACL tables, scanned or through candidate tries, against first match in order (no match denies). */
class NetworkAclTableTest {

    record Entry(boolean egress, int protocol, boolean allow, long lo, int length, boolean ranged, int from, int to,
                 int type, int code) {
        boolean matches(long address, int p, int port, int t, int c) {
            long m = length == 0 ? 0 : (0xFFFF_FFFFL << (32 - length)) & 0xFFFF_FFFFL;
            if ((address & m) != (lo & m)) {
                return false;
            }
            if (protocol == -1) {
                return true;
            }
            if (protocol != p) {
                return false;
            }
            if (p == 6 || p == 17) {
                if (!ranged) {
                    return true;
                }
                int a = from < 0 ? 0 : from;
                int b = to < 0 ? 65_535 : to;
                return port < 0 ? a == 0 && b >= 65_535 : port >= a && port <= b;
            }
            if (p == 1 || p == 58) {
                return type == -1 || (t == type && (code == -1 || c == code));
            }
            return true;
        }
    }

    static LongStream seeds() {
        return LongStream.range(0, 80).map(i -> 0xAC1_0000L + i * 3_001);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void theFirstMatchingEntryDecides(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Entry> entries = new ArrayList<>();
        int count = r.nextBoolean() ? r.nextInt(NetworkAclTable.LINEAR_LIMIT) : 30 + r.nextInt(300);
        for (int i = 0; i < count; i++) {
            int[] protocols = {-1, 6, 17, 1, 47};
            int p = protocols[r.nextInt(protocols.length)];
            int length = r.nextInt(4) == 0 ? r.nextInt(33) : 16 + r.nextInt(17);
            int from = r.nextInt(2000) - 1;
            entries.add(new Entry(false, p, r.nextBoolean(), (0x0A00_0000L | r.nextInt(1 << 20)) & 0xFFFF_FFFFL, length,
                    r.nextBoolean(), from, from + r.nextInt(70000), r.nextInt(4) - 1, r.nextInt(3) - 1));
        }
        NetworkAclTable.Builder b = new NetworkAclTable.Builder().trieThreshold(r.nextBoolean() ? 0 : 1 << 20);
        for (Entry e : entries) {
            b.add(false, e.protocol(), e.allow(), 4, 0, e.lo(), e.length(), e.ranged(), e.from(), e.to(), e.type(),
                    e.code());
        }
        NetworkAclTable table = b.build();
        assertThat(table.usesTries(false)).isEqualTo(count > NetworkAclTable.LINEAR_LIMIT);
        for (int k = 0; k < 3000; k++) {
            long address = r.nextBoolean() && !entries.isEmpty()
                    ? entries.get(r.nextInt(entries.size())).lo() + r.nextInt(3) - 1 & 0xFFFF_FFFFL
                    : (0x0A00_0000L | r.nextInt(1 << 20)) & 0xFFFF_FFFFL;
            int p = new int[] {6, 17, 1, 47, 50}[r.nextInt(5)];
            int port = r.nextInt(5) == 0 ? -1 : r.nextInt(3000);
            int t = r.nextInt(4) - 1;
            int c = r.nextInt(3) - 1;
            boolean expected = false;
            for (Entry e : entries) {
                if (e.matches(address, p, port, t, c)) {
                    expected = e.allow();
                    break;
                }
            }
            assertThat(table.allows(false, 4, 0, address, p, port, t, c))
                    .as("seed %d, %s %d/%d from %x", seed, table.usesTries(false) ? "tries" : "scan", p, port, address)
                    .isEqualTo(expected);
            assertThat(table.allows(true, 4, 0, address, p, port, t, c)).as("no egress entries: deny").isFalse();
            assertThat(table.allows(false, 6, 0, address, p, port, t, c)).as("IPv4 entries never match IPv6").isFalse();
        }
    }
}
