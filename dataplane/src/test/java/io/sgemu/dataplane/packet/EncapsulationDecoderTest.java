package io.sgemu.dataplane.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.dataplane.net.IpAddress;
import java.nio.ByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** IP carried under MPLS labels or in PPPoE sessions is decoded like any other IP packet. */
class EncapsulationDecoderTest {

    private static DecodedPacket decodeEthernet(int etherType, byte[] shim, byte[] ip) {
        ByteBuffer b = ByteBuffer.allocate(14 + shim.length + ip.length);
        b.put(new byte[12]).putShort((short) etherType).put(shim).put(ip);
        byte[] frame = b.array();
        DecodedPacket out = new DecodedPacket();
        PacketDecoder.decode(LinkType.ETHERNET, new UnsafeBuffer(frame), 0, frame.length, frame.length, 0, out);
        return out;
    }

    @Test
    void ipv4UnderTwoMplsLabels() {
        byte[] ip = PacketBuilder.ip("10.0.2.11", "10.0.3.20").tcp(43210, 5432, PacketBuilder.SYN, 0).buildIp();
        byte[] labels = {0x00, 0x01, 0x00, 0x40, 0x00, 0x02, 0x01, 0x40}; // label 16, then label 32 bottom-of-stack
        DecodedPacket d = decodeEthernet(0x8847, labels, ip);
        assertThat(d.status).isEqualTo(DecodedPacket.Status.OK);
        assertThat(d.src()).isEqualTo(IpAddress.parse("10.0.2.11"));
        assertThat(d.dstPort).isEqualTo(5432);
    }

    @Test
    void ipv6UnderOneMplsLabel() {
        byte[] ip = PacketBuilder.ip("2600:1f18::5", "2600:1f18::6").udp(5353, 53, 10).buildIp();
        DecodedPacket d = decodeEthernet(0x8847, new byte[] {0x00, 0x01, 0x01, 0x40}, ip);
        assertThat(d.status).isEqualTo(DecodedPacket.Status.OK);
        assertThat(d.dst()).isEqualTo(IpAddress.parse("2600:1f18::6"));
        assertThat(d.protocol).isEqualTo(17);
    }

    @Test
    void mplsWithoutBottomOfStackIsMalformed() {
        DecodedPacket d = decodeEthernet(0x8847, new byte[] {0x00, 0x01, 0x00, 0x40}, new byte[0]);
        assertThat(d.status).isEqualTo(DecodedPacket.Status.MALFORMED);
    }

    @Test
    void ethernetPseudowireWithControlWordCarriesItsFrame() {
        byte[] inner = PacketBuilder.ip("192.168.1.1", "192.168.1.2").icmpEcho(true, 7).ethernet().vlan(0x8100, 1).build();
        byte[] shim = ByteBuffer.allocate(8 + inner.length).put(new byte[] {0x00, 0x01, 0x01, 0x40, 0, 0, 0, 0}).put(inner).array();
        DecodedPacket d = decodeEthernet(0x8847, shim, new byte[0]);
        assertThat(d.status).isEqualTo(DecodedPacket.Status.OK);
        assertThat(d.src()).isEqualTo(IpAddress.parse("192.168.1.1"));
        assertThat(d.icmpId).isEqualTo(7);
    }

    @Test
    void mplsOverSomethingElseIsNotIp() {
        DecodedPacket d = decodeEthernet(0x8847, new byte[] {0x00, 0x01, 0x01, 0x40}, new byte[] {0x20, 0x00, 0x00, 0x00});
        assertThat(d.status).isEqualTo(DecodedPacket.Status.NOT_IP);
    }

    @Test
    void ipv4InPppoeSession() {
        byte[] ip = PacketBuilder.ip("198.51.100.7", "54.210.16.10").tcp(50123, 443, PacketBuilder.SYN, 0).buildIp();
        byte[] pppoe = {0x11, 0x00, 0x12, 0x34, (byte) ((ip.length + 2) >> 8), (byte) (ip.length + 2), 0x00, 0x21};
        DecodedPacket d = decodeEthernet(0x8864, pppoe, ip);
        assertThat(d.status).isEqualTo(DecodedPacket.Status.OK);
        assertThat(d.dst()).isEqualTo(IpAddress.parse("54.210.16.10"));
        assertThat(d.dstPort).isEqualTo(443);
    }

    @Test
    void pppoeControlProtocolIsNotIp() {
        byte[] pppoe = {0x11, 0x00, 0x12, 0x34, 0x00, 0x06, (byte) 0xC0, 0x21, 0x01, 0x01, 0x00, 0x04}; // LCP
        DecodedPacket d = decodeEthernet(0x8864, pppoe, new byte[0]);
        assertThat(d.status).isEqualTo(DecodedPacket.Status.NOT_IP);
    }
}
