package io.sgemu.dataplane.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The TCP, UDP and ICMP flyweights against known bytes; cut short they are invalid, never an exception. */
class TransportHeadersTest {

    /** 443 to 51234, SYN+ACK, data offset 8 words (12 bytes of options), window 65535. */
    private static final String TCP = "01bb c822 | 01020304 | a0b0c0d0 | 80 12 ffff | beef 0007"
            + " | 020405b4 0103030801010402";

    @Test
    void tcpFields() {
        TcpHeader h = new TcpHeader().wrap(Hex.buffer(TCP), 0, 32);
        assertThat(h.valid()).isTrue();
        assertThat(h.sourcePort()).isEqualTo(443);
        assertThat(h.destinationPort()).isEqualTo(51234);
        assertThat(h.sequenceNumber()).isEqualTo(0x01020304L);
        assertThat(h.acknowledgmentNumber()).isEqualTo(0xa0b0c0d0L);
        assertThat(h.headerLength()).isEqualTo(32);
        assertThat(h.flags()).isEqualTo(TcpHeader.SYN | TcpHeader.ACK);
        assertThat(h.window()).isEqualTo(65535);
        assertThat(h.checksum()).isEqualTo(0xbeef);
        assertThat(h.urgentPointer()).isEqualTo(7);
    }

    @Test
    void tcpCutShortOrWithABadDataOffsetIsInvalid() {
        byte[] bytes = Hex.bytes(TCP);
        TcpHeader h = new TcpHeader();
        for (int cut = 0; cut < 32; cut++) {
            int length = cut;
            assertThatCode(() -> h.wrap(Hex.cut(bytes, length), 0, length)).doesNotThrowAnyException();
            assertThat(h.valid()).as("cut at %d (options included)", cut).isFalse();
            assertThat(h.has(TcpHeader.FLAGS_OFFSET + 1)).as("cut at %d", cut).isEqualTo(cut >= 14);
        }
        byte[] small = bytes.clone();
        small[TcpHeader.DATA_OFFSET_OFFSET] = 0x40; // 4 words
        assertThat(h.wrap(new UnsafeBuffer(small), 0, small.length).valid()).isFalse();
    }

    @Test
    void tcpFlagsAreTheBitsOfTheFlagsByte() {
        assertThat(new int[] {TcpHeader.FIN, TcpHeader.SYN, TcpHeader.RST, TcpHeader.PSH, TcpHeader.ACK,
            TcpHeader.URG, TcpHeader.ECE, TcpHeader.CWR}).containsExactly(1, 2, 4, 8, 16, 32, 64, 128);
        assertThat(TcpHeader.SYN).isEqualTo(PacketBuilder.SYN);
        assertThat(TcpHeader.ACK).isEqualTo(PacketBuilder.ACK);
    }

    private static final String UDP = "0035 80e8 | 0014 | 1234 | 000102030405060708090a0b";

    @Test
    void udpFields() {
        UdpHeader h = new UdpHeader().wrap(Hex.buffer(UDP), 0, 20);
        assertThat(h.valid()).isTrue();
        assertThat(h.complete()).isTrue();
        assertThat(h.sourcePort()).isEqualTo(53);
        assertThat(h.destinationPort()).isEqualTo(33000);
        assertThat(h.datagramLength()).isEqualTo(20);
        assertThat(h.checksum()).isEqualTo(0x1234);
        assertThat(h.payloadIndex()).isEqualTo(8);
        assertThat(h.payloadLength()).isEqualTo(12);
    }

    @Test
    void udpCutShortIsInvalidAndIncompleteDatagramsAreSaidSo() {
        byte[] bytes = Hex.bytes(UDP);
        UdpHeader h = new UdpHeader();
        for (int cut = 0; cut < 20; cut++) {
            int length = cut;
            assertThatCode(() -> h.wrap(Hex.cut(bytes, length), 0, length)).doesNotThrowAnyException();
            assertThat(h.valid()).as("cut at %d", cut).isEqualTo(cut >= 8);
            assertThat(h.complete()).as("cut at %d", cut).isFalse();
        }
        assertThat(h.wrap(Hex.buffer("0035 80e8 0007 0000"), 0, 8).valid()).as("length 7").isFalse();
    }

    @Test
    void udpSettersWriteWhatGettersRead() {
        UnsafeBuffer b = new UnsafeBuffer(new byte[8]);
        new UdpHeader().wrap(b, 0, 8).sourcePort(50000).destinationPort(4789).datagramLength(58).checksum(0xabcd);
        assertThat(b.byteArray()).isEqualTo(Hex.bytes("c350 12b5 003a abcd"));
    }

    @Test
    void icmpEchoRequest() {
        IcmpHeader h = new IcmpHeader().wrap(Hex.buffer("08 00 f7ff | 1234 0001"), 0, 8);
        assertThat(h.valid()).isTrue();
        assertThat(h.hasEchoFields()).isTrue();
        assertThat(h.type()).isEqualTo(IcmpHeader.ECHO_REQUEST);
        assertThat(h.code()).isZero();
        assertThat(h.checksum()).isEqualTo(0xf7ff);
        assertThat(h.isEcho(false)).isTrue();
        assertThat(h.isEcho(true)).as("type 8 is no ICMPv6 echo").isFalse();
        assertThat(h.echoIdentifier()).isEqualTo(0x1234);
        assertThat(h.echoSequence()).isEqualTo(1);
    }

    @Test
    void icmpv6EchoReplyAndAnErrorMessage() {
        IcmpHeader h = new IcmpHeader().wrap(Hex.buffer("81 00 0000 | abcd 0002"), 0, 8);
        assertThat(h.isEcho(true)).isTrue();
        assertThat(h.isEcho(false)).isFalse();
        assertThat(h.echoIdentifier()).isEqualTo(0xabcd);
        h.wrap(Hex.buffer("03 03 1234"), 0, 4); // port unreachable, header only
        assertThat(h.valid()).isTrue();
        assertThat(h.hasEchoFields()).isFalse();
        assertThat(h.type()).isEqualTo(3);
        assertThat(h.code()).isEqualTo(3);
        assertThat(IcmpHeader.isEcho(false, 0)).isTrue();
        assertThat(IcmpHeader.isEcho(true, 128)).isTrue();
    }

    @Test
    void icmpCutShort() {
        byte[] bytes = Hex.bytes("0800f7ff12340001");
        IcmpHeader h = new IcmpHeader();
        for (int cut = 0; cut < 8; cut++) {
            int length = cut;
            assertThatCode(() -> h.wrap(Hex.cut(bytes, length), 0, length)).doesNotThrowAnyException();
            assertThat(h.valid()).as("cut at %d", cut).isEqualTo(cut >= 4);
            assertThat(h.hasEchoFields()).as("cut at %d", cut).isFalse();
        }
    }
}
