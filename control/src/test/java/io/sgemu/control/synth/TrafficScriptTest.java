package io.sgemu.control.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sgemu.dataplane.net.IpAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrafficScriptTest {

    @Test
    void parsesConversationsSkippingCommentsAndBlankLines() {
        TrafficScript s = TrafficScript.parse("t.flows", List.of(
                "# a comment",
                "",
                "0   tcp 198.51.100.7:50123 -> 54.210.16.10:443 session 3  # trailing comment",
                "2.5 udp [2600:1f18::5]:5353 -> [2600:1f18::6]:53 exchange",
                "3   icmp 10.0.2.11 -> 10.0.2.12",
                "4   47 10.0.2.11 -> 10.0.2.12 oneway 2"));
        assertThat(s.conversations()).hasSize(4);
        TrafficScript.Conversation c = s.conversations().get(0);
        assertThat(c.line()).isEqualTo(3);
        assertThat(c.protocol()).isEqualTo(6);
        assertThat(c.client()).isEqualTo(IpAddress.parse("198.51.100.7"));
        assertThat(c.serverPort()).isEqualTo(443);
        assertThat(c.shape()).isEqualTo("session");
        assertThat(c.count()).isEqualTo(3);
        assertThat(s.conversations().get(1).server()).isEqualTo(IpAddress.parse("2600:1f18::6"));
        assertThat(s.conversations().get(1).count()).isEqualTo(1);
        assertThat(s.conversations().get(2).shape()).as("icmp defaults to ping").isEqualTo("ping");
        assertThat(s.conversations().get(2).clientPort()).isEqualTo(-1);
        assertThat(s.conversations().get(3).protocol()).isEqualTo(47);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0 tcp 10.0.0.1:1 10.0.0.2:2 session | expected 'AT PROTOCOL FROM -> TO SHAPE [COUNT]'",
        "x tcp 10.0.0.1:1 -> 10.0.0.2:2      | 'x' is not a time in seconds",
        "0 tcp 10.0.0.1 -> 10.0.0.2:2        | needs a port",
        "0 tcp 10.0.0.1:99999 -> 10.0.0.2:2  | 99999 is not a port",
        "0 icmp 10.0.0.1:5 -> 10.0.0.2       | this protocol has no ports",
        "0 tcp 10.0.0.1:1 -> 10.0.0.300:2    | is not an IP address",
        "0 tcp 10.0.0.1:1 -> [::1]:2         | both ends must be of one IP family",
        "0 udp 10.0.0.1:1 -> 10.0.0.2:2 syn  | shape syn is for tcp",
        "0 tcp 10.0.0.1:1 -> 10.0.0.2:2 dance| unknown shape 'dance'",
        "0 bogus 10.0.0.1 -> 10.0.0.2        | 'bogus' is not a protocol",
    })
    void badLinesNameFileAndLine(String line, String message) {
        assertThatThrownBy(() -> TrafficScript.parse("t.flows", List.of("# first", line)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("t.flows:2: ")
                .hasMessageContaining(message);
    }

    @Test
    void sessionIsHandshakeExchangesAndClose() {
        TrafficScript s = TrafficScript.parse("t", List.of("1 tcp 10.0.0.1:1000 -> 10.0.0.2:80 session 2"));
        List<SynthPacket> p = TrafficSynthesizer.expand(s, 0);
        // 3 handshake + 2 x 3 exchange + 3 close
        assertThat(p).hasSize(12);
        assertThat(p.get(0).tcpFlags()).isEqualTo(TrafficSynthesizer.SYN);
        assertThat(p.get(0).timeNanos()).isEqualTo(1_000_000_000L);
        assertThat(p.get(1).tcpFlags()).isEqualTo(TrafficSynthesizer.SYN | TrafficSynthesizer.ACK);
        assertThat(p.get(1).src()).isEqualTo(IpAddress.parse("10.0.0.2"));
        assertThat(p.get(1).srcPort()).isEqualTo(80);
        assertThat(p.get(1).dstPort()).isEqualTo(1000);
        assertThat(p.get(9).tcpFlags()).isEqualTo(TrafficSynthesizer.FIN | TrafficSynthesizer.ACK);
        assertThat(p).isSortedAccordingTo(java.util.Comparator.comparingLong(SynthPacket::timeNanos));
    }

    @Test
    void pingUsesEchoTypesAndOneIdentifierPerConversation() {
        TrafficScript s = TrafficScript.parse("t", List.of("0 icmpv6 2600::1 -> 2600::2 ping 2"));
        List<SynthPacket> p = TrafficSynthesizer.expand(s, 0);
        assertThat(p).extracting(SynthPacket::icmpType).containsExactly(128, 129, 128, 129);
        assertThat(p).extracting(SynthPacket::icmpId).containsOnly(1);
    }

    @Test
    void conversationsInterleaveByTime() {
        TrafficScript s = TrafficScript.parse("t", List.of(
                "0.0005 udp 10.0.0.1:5 -> 10.0.0.2:6 oneway 1",
                "0 tcp 10.0.0.1:1000 -> 10.0.0.2:80 syn 1"));
        List<SynthPacket> p = TrafficSynthesizer.expand(s, 0);
        assertThat(p).extracting(SynthPacket::protocol).containsExactly(6, 17);
    }
}
