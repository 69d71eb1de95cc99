package io.sgemu.dataplane.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The kernel's drops on our own sockets: the table's columns, and a socket left unread until it overflows. */
class KernelSocketDropsTest {

    private static final String HEADER = "  sl  local_address                         remote_address                        st "
            + "tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops";

    @Test
    void sumsTheDropsOfOurSocketsOnThePorts_ipv4AndMappedIpv6Lines() {
        List<String> udp6 = List.of(HEADER,
                // 127.0.0.1:48847 as a mapped IPv6 address (port BECF), inode 590809, 17 drops
                "11987: 0000000000000000FFFF00000100007F:BECF 00000000000000000000000000000000:0000 07 "
                        + "00000000:00000000 00:00000000 00000000     0        0 590809 2 00000000e1f2aa33 17",
                // same port, another process's socket (inode not ours)
                "11988: 0000000000000000FFFF00000100007F:BECF 00000000000000000000000000000000:0000 07 "
                        + "00000000:00000000 00:00000000 00000000     0        0 111111 2 00000000e1f2aa34 1000",
                // ours, another port
                "11989: 00000000000000000000000000000000:12B5 00000000000000000000000000000000:0000 07 "
                        + "00000000:00000000 00:00000000 00000000     0        0 590810 2 00000000e1f2aa35 5");
        assertThat(KernelSocketDrops.sum(udp6, Set.of(590809L, 590810L), Set.of(48847))).isEqualTo(17);
        assertThat(KernelSocketDrops.sum(udp6, Set.of(590809L, 590810L), Set.of(48847, 4789))).isEqualTo(22);
        assertThat(KernelSocketDrops.sum(udp6, Set.of(), Set.of(48847, 4789))).isZero();
        List<String> udp = List.of(HEADER.replace("                         ", "  "),
                "  42: 0100007F:12B5 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 777 2 "
                        + "0000000000000000 3");
        assertThat(KernelSocketDrops.sum(udp, Set.of(777L), Set.of(4789))).isEqualTo(3);
        assertThat(KernelSocketDrops.sum(List.of(HEADER, "garbage"), Set.of(777L), Set.of(4789))).isZero();
    }

    /** Sent = read + dropped by the kernel, on a socket with a small buffer left unread during a burst. */
    @Test
    void anUnreadSocket_overflows_andEveryDatagramIsReadOrCountedAsDropped() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/net/udp")), "Linux /proc");
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (DatagramChannel receiver = DatagramChannel.open(); DatagramChannel sender = DatagramChannel.open()) {
            receiver.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
            receiver.bind(new InetSocketAddress(loopback, 0));
            int port = ((InetSocketAddress) receiver.getLocalAddress()).getPort();
            assertThat(KernelSocketDrops.read(Set.of(port))).isZero();
            sender.connect(new InetSocketAddress(loopback, port));
            int sent = 2_000;
            for (int i = 0; i < sent; i++) {
                sender.write(ByteBuffer.wrap(new byte[100]));
            }
            long drops = KernelSocketDrops.read(Set.of(port));
            receiver.configureBlocking(false);
            long read = 0;
            ByteBuffer b = ByteBuffer.allocate(2048);
            while (receiver.receive(b.clear()) != null) {
                read++;
            }
            assertThat(drops).as("a 4 KiB buffer holds few of 2,000 datagrams").isPositive();
            assertThat(read + drops).as("read %d + dropped %d", read, drops).isEqualTo(sent);
            assertThat(KernelSocketDrops.read(Set.of(port + 1 == 65536 ? 1 : port + 1))).isZero();
        }
    }
}
