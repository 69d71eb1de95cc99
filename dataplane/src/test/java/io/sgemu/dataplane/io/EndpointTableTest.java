package io.sgemu.dataplane.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointTableTest {

    @Test
    void learnsMovesAndForgetsNothing() {
        EndpointTable t = new EndpointTable(8, 4);
        EndpointTable.Cache cache = new EndpointTable.Cache(t);
        int a = cache.ipv4(0x7F000001, 4789);
        int b = cache.ipv4(0x7F000002, 4789);
        assertThat(a).isNotEqualTo(b);
        assertThat(cache.ipv4(0x7F000001, 4789)).isEqualTo(a);
        assertThat(t.address(a)).isEqualTo(new InetSocketAddress("127.0.0.1", 4789));
        assertThat(t.endpointOf(3)).isEqualTo(EndpointTable.NONE);
        assertThat(t.learn(3, a)).as("first sight is no move").isFalse();
        assertThat(t.learn(3, a)).isFalse();
        assertThat(t.endpointOf(3)).isEqualTo(a);
        assertThat(t.learn(3, b)).as("the ENI moved").isTrue();
        assertThat(t.endpointOf(3)).isEqualTo(b);
        assertThat(t.learn(100, a)).as("ENI numbers beyond the first capacity grow the table").isFalse();
        assertThat(t.endpointOf(100)).isEqualTo(a);
        assertThat(t.endpointOf(3)).as("kept across growth").isEqualTo(b);
    }

    @Test
    void boundedEndpoints() {
        EndpointTable t = new EndpointTable(2, 4);
        EndpointTable.Cache cache = new EndpointTable.Cache(t);
        assertThat(cache.ipv4(1, 1)).isNotNegative();
        assertThat(cache.ipv4(1, 2)).isNotNegative();
        assertThat(cache.ipv4(1, 3)).isEqualTo(EndpointTable.NONE);
        assertThat(cache.ipv4(1, 1)).as("known endpoints still resolve").isNotNegative();
        assertThat(t.endpointCount()).isEqualTo(2);
    }

    /** Two caches (two workers) agree on ids: the registry is shared. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void cachesAgree(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        EndpointTable t = new EndpointTable(1000, 4);
        EndpointTable.Cache c1 = new EndpointTable.Cache(t);
        EndpointTable.Cache c2 = new EndpointTable.Cache(t);
        for (int i = 0; i < 500; i++) {
            int ip = r.nextInt(20);
            int port = r.nextInt(3);
            int id = (r.nextBoolean() ? c1 : c2).ipv4(ip, port);
            assertThat((r.nextBoolean() ? c1 : c2).ipv4(ip, port)).as("seed " + seed).isEqualTo(id);
            assertThat(t.address(id).getPort()).as("seed " + seed).isEqualTo(port);
        }
        assertThat(t.endpointCount()).as("seed " + seed).isLessThanOrEqualTo(60);
    }
}
