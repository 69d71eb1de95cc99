package io.sgemu.dataplane.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressTest {

    @ParameterizedTest
    @CsvSource({
        "10.0.2.11, 10.0.2.11",
        "0.0.0.0, 0.0.0.0",
        "255.255.255.255, 255.255.255.255",
        "2600:1F18:0:0:0:0:0:10, 2600:1f18::10",
        "::, ::",
        "::1, ::1",
        "fe80::1:0:0:1, fe80::1:0:0:1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "::ffff:10.1.2.3, ::ffff:a01:203",
        "1:0:0:2:0:0:0:3, 1:0:0:2::3",
        "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8",
    })
    void parsesAndPrintsCanonicalText(String text, String canonical) {
        assertThat(IpAddress.parse(text).toString()).isEqualTo(canonical);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.0.0", "10.0.0.256", "10.0.0.1.2", "1.2.3.04x", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9",
        "12345::", "g::1", "1.2.3.-4", ":1:2", "1:2:"})
    void rejectsWhatIsNotAnAddress(String text) {
        assertThat(IpAddress.tryParse(text)).isNull();
        assertThatThrownBy(() -> IpAddress.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not an IP address");
    }

    @ParameterizedTest
    @ValueSource(longs = {1L, 2L, 3L, 42L, 0xC0FFEEL})
    void textRoundTripsForRandomAddresses(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 2000; i++) {
            IpAddress a = r.nextBoolean() ? IpAddress.v4(r.nextInt())
                    : IpAddress.v6(r.nextInt(4) == 0 ? 0 : r.nextLong(), r.nextInt(4) == 0 ? 0 : r.nextLong() & (r.nextBoolean() ? -1L : 0xFFFFL));
            assertThat(IpAddress.parse(a.toString())).as("seed %d address %s", seed, a).isEqualTo(a);
        }
    }

    @Test
    void ipv4AndIpv6AreNeverEqual() {
        assertThat(IpAddress.parse("0.0.0.1")).isNotEqualTo(IpAddress.parse("::1"));
    }

    @Test
    void plusCarriesAcrossTheLowHalf() {
        assertThat(IpAddress.parse("10.0.0.0").plus(2)).isEqualTo(IpAddress.parse("10.0.0.2"));
        assertThat(IpAddress.parse("::ffff:ffff:ffff:ffff").plus(1)).isEqualTo(IpAddress.parse("0:0:0:1::"));
    }
}
