package io.sgemu.dataplane.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** {@link PacketBuilder#tcpSequence}: the numbers land in the TCP header; the acknowledgement only with ACK. */
class PacketBuilderSequenceTest {

    @Test
    void sequenceAndAcknowledgementAreWrittenWhereTcpReadsThem() {
        byte[] withAck = PacketBuilder.ip("10.0.0.1", "10.0.0.2").tcp(40000, 443, PacketBuilder.PSH | PacketBuilder.ACK, 10)
                .tcpSequence(0xFFFF_FFF0L, 7).raw().build();
        ByteBuffer b = ByteBuffer.wrap(withAck);
        assertThat(b.getInt(20 + 4) & 0xFFFF_FFFFL).isEqualTo(0xFFFF_FFF0L);
        assertThat(b.getInt(20 + 8)).isEqualTo(7);

        byte[] syn = PacketBuilder.ip("10.0.0.1", "10.0.0.2").tcp(40000, 443, PacketBuilder.SYN, 0)
                .tcpSequence(123, 456).raw().build();
        assertThat(ByteBuffer.wrap(syn).getInt(20 + 4)).isEqualTo(123);
        assertThat(ByteBuffer.wrap(syn).getInt(20 + 8)).as("no ACK flag, no acknowledgement").isZero();

        byte[] plain = PacketBuilder.ip("10.0.0.1", "10.0.0.2").tcp(40000, 443, PacketBuilder.ACK, 0).raw().build();
        assertThat(ByteBuffer.wrap(plain).getInt(20 + 4)).as("the default stays").isEqualTo(1000);
        assertThat(ByteBuffer.wrap(plain).getInt(20 + 8)).isEqualTo(2000);
    }
}
