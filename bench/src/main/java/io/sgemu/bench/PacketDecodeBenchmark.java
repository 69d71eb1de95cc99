package io.sgemu.bench;

import io.sgemu.dataplane.packet.DecodedPacket;
import io.sgemu.dataplane.packet.EthernetHeader;
import io.sgemu.dataplane.packet.Ipv4Header;
import io.sgemu.dataplane.packet.LinkType;
import io.sgemu.dataplane.packet.PacketBuilder;
import io.sgemu.dataplane.packet.PacketDecoder;
import io.sgemu.dataplane.packet.UdpHeader;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoding one frame into a reused {@link DecodedPacket}: the cost per packet of the first stage of the
 * fast path, which must allocate nothing (check with {@code -prof gc}: gc.alloc.rate.norm ~0 B/op).
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar PacketDecodeBenchmark -prof gc -wi 3 -i 5 -w 1 -r 1
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.ADD_EXPORTS})
public class PacketDecodeBenchmark {

    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket out = new DecodedPacket();

    private UnsafeBuffer tcpIpv4;
    private UnsafeBuffer udpIpv6Vlan;
    private UnsafeBuffer vxlan;
    private int vxlanPayloadOffset;
    private int vxlanPayloadLength;

    @Setup
    public void setUp() {
        tcpIpv4 = new UnsafeBuffer(PacketBuilder.ip("10.0.1.25", "10.0.2.40")
                .tcp(49152, 443, PacketBuilder.ACK | PacketBuilder.PSH, 64).ethernet().build());
        udpIpv6Vlan = new UnsafeBuffer(PacketBuilder.ip("2600:1f18:aaaa:bb01::10", "2600:1f18:aaaa:bb02::20")
                .udp(5353, 53, 48).vlan(0x8100, 120).build());
        vxlan = new UnsafeBuffer(PacketBuilder.ip("10.0.1.25", "10.0.2.40")
                .tcp(49152, 443, PacketBuilder.SYN, 0).vxlan(7001).build());
        // The VXLAN payload, as a tunnel endpoint's socket would hand it over.
        EthernetHeader eth = new EthernetHeader().wrap(vxlan, 0, vxlan.capacity());
        Ipv4Header ip = new Ipv4Header().wrap(vxlan, eth.headerLength(), vxlan.capacity() - eth.headerLength());
        int udpAt = eth.headerLength() + ip.headerLength();
        UdpHeader udp = new UdpHeader().wrap(vxlan, udpAt, vxlan.capacity() - udpAt);
        vxlanPayloadOffset = udp.payloadIndex();
        vxlanPayloadLength = udp.payloadLength();
        checkDecodes();
    }

    /** The frames decode as meant, so the benchmark measures the whole path and not an early exit. */
    private void checkDecodes() {
        ethernetIpv4Tcp();
        require(out.status == DecodedPacket.Status.OK && out.dstPort == 443, "Ethernet/IPv4/TCP");
        ethernetVlanIpv6Udp();
        require(out.status == DecodedPacket.Status.OK && out.dstPort == 53 && out.ipVersion == 6, "Ethernet/VLAN/IPv6/UDP");
        require(decoder.decodeVxlan(vxlan, vxlanPayloadOffset, vxlanPayloadLength, 1L, out) == 7001 && out.status == DecodedPacket.Status.OK && out.dstPort == 443, "VXLAN");
    }

    private static void require(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException(what + " frame did not decode");
        }
    }

    @Benchmark
    public int ethernetIpv4Tcp() {
        decoder.decodeFrame(LinkType.ETHERNET, tcpIpv4, 0, tcpIpv4.capacity(), tcpIpv4.capacity(), 1L, out);
        return out.dstPort;
    }

    /** The static API, whose decoder travels with the packet. */
    @Benchmark
    public int ethernetIpv4TcpStatic() {
        PacketDecoder.decode(LinkType.ETHERNET, tcpIpv4, 0, tcpIpv4.capacity(), tcpIpv4.capacity(), 1L, out);
        return out.dstPort;
    }

    @Benchmark
    public int ethernetVlanIpv6Udp() {
        decoder.decodeFrame(LinkType.ETHERNET, udpIpv6Vlan, 0, udpIpv6Vlan.capacity(), udpIpv6Vlan.capacity(), 1L, out);
        return out.dstPort;
    }

    /** A VXLAN payload opened down to its inner Ethernet/IPv4/TCP packet. */
    @Benchmark
    public int vxlanEthernetIpv4Tcp() {
        return decoder.decodeVxlan(vxlan, vxlanPayloadOffset, vxlanPayloadLength, 1L, out) + out.dstPort;
    }
}
