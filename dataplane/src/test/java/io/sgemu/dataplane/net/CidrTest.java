package io.sgemu.dataplane.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    @Test
    void containsByPrefix() {
        Cidr c = Cidr.parse("10.0.2.0/24");
        assertThat(c.contains(IpAddress.parse("10.0.2.0"))).isTrue();
        assertThat(c.contains(IpAddress.parse("10.0.2.255"))).isTrue();
        assertThat(c.contains(IpAddress.parse("10.0.3.0"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(IpAddress.parse("203.0.113.9"))).isTrue();
        assertThat(Cidr.parse("2600:1f18::/56").contains(IpAddress.parse("2600:1f18:0:ff::1"))).isTrue();
        assertThat(Cidr.parse("2600:1f18::/56").contains(IpAddress.parse("2600:1f18:0:100::1"))).isFalse();
        assertThat(Cidr.parse("::/0").contains(IpAddress.parse("10.0.0.1"))).as("IPv6 block never holds IPv4").isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(IpAddress.parse("::1"))).as("IPv4 block never holds IPv6").isFalse();
    }

    @Test
    void hostBitsAreClearedSoEqualBlocksAreEqual() {
        assertThat(Cidr.parse("10.0.2.77/24")).isEqualTo(Cidr.parse("10.0.2.0/24"));
        assertThat(Cidr.parse("10.0.2.77/24").toString()).isEqualTo("10.0.2.0/24");
        assertThat(Cidr.parse("2600:1f18::1/64").toString()).isEqualTo("2600:1f18::/64");
    }

    @Test
    void lastAddress() {
        assertThat(Cidr.parse("10.0.2.0/24").last()).isEqualTo(IpAddress.parse("10.0.2.255"));
        assertThat(Cidr.parse("2600:1f18::/64").last()).isEqualTo(IpAddress.parse("2600:1f18::ffff:ffff:ffff:ffff"));
        assertThat(Cidr.parse("2600:1f18::/72").last()).isEqualTo(IpAddress.parse("2600:1f18:0:0:ff:ffff:ffff:ffff"));
        assertThat(Cidr.parse("0.0.0.0/0").last()).isEqualTo(IpAddress.parse("255.255.255.255"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0", "10.0.0.0/33", "10.0.0/8", "::/129", "x/1", "10.0.0.0/-1", "10.0.0.0/a"})
    void rejectsBadBlocksWithAReason(String text) {
        assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a CIDR block");
    }

    /** Property: an address is in a block exactly when its first prefixLength bits equal the block's. */
    @ParameterizedTest
    @ValueSource(longs = {7L, 99L, 2024L})
    void containsAgreesWithBitComparison(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 5000; i++) {
            boolean v4 = r.nextBoolean();
            IpAddress base = v4 ? IpAddress.v4(r.nextInt()) : IpAddress.v6(r.nextLong(), r.nextLong());
            int len = r.nextInt(base.bits() + 1);
            Cidr c = new Cidr(base, len);
            IpAddress probe = r.nextBoolean() ? base.plus(r.nextInt(1 << 10)) : (v4 ? IpAddress.v4(r.nextInt()) : IpAddress.v6(r.nextLong(), r.nextLong()));
            boolean expected = samePrefix(base, probe, len);
            assertThat(c.contains(probe)).as("seed %d: %s contains %s", seed, c, probe).isEqualTo(expected);
        }
    }

    private static boolean samePrefix(IpAddress a, IpAddress b, int len) {
        for (int bit = 0; bit < len; bit++) {
            if (bitAt(a, bit) != bitAt(b, bit)) {
                return false;
            }
        }
        return true;
    }

    private static long bitAt(IpAddress a, int bit) {
        if (a.isV4()) {
            return (a.lo() >>> (31 - bit)) & 1;
        }
        return bit < 64 ? (a.hi() >>> (63 - bit)) & 1 : (a.lo() >>> (127 - bit)) & 1;
    }
}
