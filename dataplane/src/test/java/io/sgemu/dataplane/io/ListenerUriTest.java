package io.sgemu.dataplane.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ListenerUriTest {

    @ParameterizedTest
    @CsvSource({
        "vxlan://0.0.0.0, VXLAN, 0.0.0.0, 4789",
        "geneve://10.1.2.3, GENEVE, 10.1.2.3, 6081",
        "udp://127.0.0.1:0, UDP, 127.0.0.1, 0",
        "VXLAN://localhost:14789, VXLAN, localhost, 14789",
        "geneve://[::1]:16081, GENEVE, ::1, 16081",
        "vxlan://[fe80::1], VXLAN, fe80::1, 4789",
        "udp://host:65535/, UDP, host, 65535",
    })
    void parsesWithDefaults(String text, TunnelKind kind, String host, int port) {
        assertThat(ListenerUri.parse(text)).isEqualTo(new ListenerUri(kind, host, port));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "udp://127.0.0.1| needs a port",
        "tcp://127.0.0.1:5| unknown scheme 'tcp'",
        "127.0.0.1:4789| expected SCHEME://HOST[:PORT]",
        "vxlan://:4789| no host",
        "vxlan://h:70000| port 70000 is not 0..65535",
        "vxlan://h:x| port 'x' is not a number",
        "vxlan://::1| write an IPv6 address in brackets",
        "vxlan://[::1| unclosed '['",
        "vxlan://h/path| only HOST[:PORT]",
    })
    void badUrisSayWhatIsWrong(String text, String message) {
        assertThatThrownBy(() -> ListenerUri.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message.trim());
    }

    @Test
    void printsTheBoundPort() {
        assertThat(ListenerUri.parse("vxlan://127.0.0.1:0").toString(40123)).isEqualTo("vxlan://127.0.0.1:40123");
        assertThat(ListenerUri.parse("geneve://[::1]").toString()).isEqualTo("geneve://[::1]:6081");
    }
}
