package io.sgemu.dataplane.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The builder's frames are well-formed: checksums verify, lengths agree. */
class PacketBuilderTest {

    static Stream<Long> seeds() {
        return LongStreamSeeds.of(3).boxed();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void checksumsVerifyAndLengthsAgree(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 500; i++) {
            RandomPackets.Sample s = RandomPackets.next(r, LinkType.RAW);
            byte[] ip = s.frame();
            String ctx = "seed " + seed + " packet " + i;
            assertThat(ip.length).as(ctx).isEqualTo(s.expected().ipLength());
            if (s.expected().ipVersion() == 4) {
                int headerLength = (ip[0] & 0x0F) * 4;
                assertThat(onesComplementSum(ip, 0, headerLength, 0)).as("%s: IPv4 header checksum", ctx)
                        .isEqualTo(0xFFFF);
                assertThat(((ip[2] & 0xFF) << 8) | (ip[3] & 0xFF)).as(ctx).isEqualTo(ip.length);
                int protocol = ip[9] & 0xFF;
                if (protocol == 6 || protocol == 17 || protocol == 1) {
                    long pseudo = protocol == 1 ? 0 : sumWords(ip, 12, 20) + protocol + (ip.length - headerLength);
                    assertThat(onesComplementSum(ip, headerLength, ip.length, pseudo))
                            .as("%s: protocol %d checksum", ctx, protocol).isEqualTo(0xFFFF);
                }
            } else {
                assertThat(((ip[4] & 0xFF) << 8) | (ip[5] & 0xFF)).as(ctx).isEqualTo(ip.length - 40);
                int protocol = s.expected().protocol();
                int l4Start = ip.length - l4Length(s.expected(), ip.length);
                if (ip[6] == protocol && (protocol == 6 || protocol == 17 || protocol == 58)) {
                    long pseudo = sumWords(ip, 8, 40) + protocol + (ip.length - l4Start);
                    assertThat(onesComplementSum(ip, l4Start, ip.length, pseudo))
                            .as("%s: protocol %d checksum", ctx, protocol).isEqualTo(0xFFFF);
                }
            }
        }
    }

    /** Without extension headers the transport starts right after the fixed header. */
    private static int l4Length(RandomPackets.Expected e, int ipLength) {
        return ipLength - 40;
    }

    private static long sumWords(byte[] b, int from, int to) {
        long sum = 0;
        for (int i = from; i < to; i += 2) {
            sum += ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
        }
        return sum;
    }

    private static int onesComplementSum(byte[] b, int from, int to, long initial) {
        long sum = initial;
        for (int i = from; i < to; i += 2) {
            sum += ((b[i] & 0xFF) << 8) | (i + 1 < to ? b[i + 1] & 0xFF : 0);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }
}
