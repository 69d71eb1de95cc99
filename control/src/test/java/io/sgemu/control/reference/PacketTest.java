package io.sgemu.control.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sgemu.dataplane.net.IpAddress;
import io.sgemu.dataplane.packet.DecodedPacket;
import org.junit.jupiter.api.Test;

class PacketTest {

    private static DecodedPacket decoded(int protocol) {
        DecodedPacket d = new DecodedPacket();
        d.reset();
        d.timeNanos = 1_700_000_000_123_000_000L;
        d.ipVersion = 4;
        d.protocol = protocol;
        d.srcLo = IpAddress.parse("10.0.1.10").lo();
        d.dstLo = IpAddress.parse("203.0.113.5").lo();
        d.ipLength = 1500;
        return d;
    }

    @Test
    void fromDecodedTcpKeepsPortsAndFlags() {
        DecodedPacket d = decoded(6);
        d.srcPort = 40000;
        d.dstPort = 443;
        d.tcpFlags = 18;

        Packet p = Packet.from(d);
        assertThat(p).isEqualTo(new Packet(1_700_000_000_123_000_000L, 6, IpAddress.parse("10.0.1.10"),
                IpAddress.parse("203.0.113.5"), 40000, 443, -1, -1, -1, 18, 1500));
    }

    @Test
    void fromDecodedIcmpKeepsTypeCodeAndIdentifier() {
        DecodedPacket d = decoded(1);
        d.icmpType = 8;
        d.icmpCode = 0;
        d.icmpId = 77;

        Packet p = Packet.from(d);
        assertThat(p.icmpType()).isEqualTo(8);
        assertThat(p.icmpId()).isEqualTo(77);
        assertThat(p.srcPort()).isEqualTo(-1);
        assertThat(p.tcpFlags()).isEqualTo(-1);
        assertThat(p.isIcmpEcho()).isTrue();
    }

    @Test
    void fromDecodedIpv6Addresses() {
        DecodedPacket d = decoded(17);
        IpAddress src = IpAddress.parse("2600:1f18::10");
        IpAddress dst = IpAddress.parse("2001:db8::5");
        d.ipVersion = 6;
        d.srcHi = src.hi();
        d.srcLo = src.lo();
        d.dstHi = dst.hi();
        d.dstLo = dst.lo();
        d.srcPort = 1;
        d.dstPort = 2;

        Packet p = Packet.from(d);
        assertThat(p.src()).isEqualTo(src);
        assertThat(p.dst()).isEqualTo(dst);
    }

    @Test
    void laterFragmentHasNoPorts() {
        DecodedPacket d = decoded(17);
        d.laterFragment = true;
        d.srcPort = 1234; // whatever the decoder left there, a later fragment has no transport header

        assertThat(Packet.from(d).srcPort()).isEqualTo(-1);
        assertThat(Packet.from(d).dstPort()).isEqualTo(-1);
    }

    @Test
    void frameWithoutAddressesIsRefusedWithItsReason() {
        DecodedPacket d = new DecodedPacket();
        d.reset();
        d.status = DecodedPacket.Status.NOT_IP;
        d.reason = "not-ip";
        assertThatThrownBy(() -> Packet.from(d)).hasMessageContaining("not-ip");
        assertThat(Verdict.skip(d.reason).reason()).isEqualTo("not-ip");
        assertThat(Verdict.skip(d.reason).action()).isEqualTo(Action.SKIP);
    }

    @Test
    void echoFactoryUsesTheFamilysTypes() {
        assertThat(Packet.icmpEcho(0, "10.0.0.1", "10.0.0.2", true, 1, 84).icmpType()).isEqualTo(8);
        assertThat(Packet.icmpEcho(0, "10.0.0.1", "10.0.0.2", false, 1, 84).icmpType()).isEqualTo(0);
        assertThat(Packet.icmpEcho(0, "::1", "::2", true, 1, 84).icmpType()).isEqualTo(128);
        assertThat(Packet.icmpEcho(0, "::1", "::2", false, 1, 84).protocol()).isEqualTo(58);
    }
}
