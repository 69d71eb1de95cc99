package io.sgemu.dataplane.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Decoding allocates nothing per packet, on the instance path and on the static path (whose decoder is
 * made once per {@link DecodedPacket}), for plain, tagged, tunnelled and broken frames alike. The JMH
 * benchmark measures the same with {@code -prof gc}; this test keeps it true in every build.
 */
class DecoderAllocationTest {

    private static final int ROUNDS = 20_000;

    @Test
    void decodingAllocatesNothingPerPacket() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "per-thread allocation counter not available");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "per-thread allocation counter not enabled");

        SplittableRandom r = new SplittableRandom(LongStreamSeeds.of(1).findFirst().orElseThrow());
        UnsafeBuffer[] frames = new UnsafeBuffer[64];
        int[] linkTypes = new int[frames.length];
        for (int i = 0; i < frames.length; i++) {
            linkTypes[i] = RandomPackets.LINK_TYPES[i % RandomPackets.LINK_TYPES.length];
            byte[] frame = RandomPackets.next(r, linkTypes[i]).frame();
            if (i % 5 == 0) {
                frame = java.util.Arrays.copyOf(frame, frame.length / 2); // malformed ones too
            }
            frames[i] = new UnsafeBuffer(frame);
        }
        byte[] vxlanFrame = PacketBuilder.ip("10.0.1.5", "10.0.2.6").tcp(40000, 443, PacketBuilder.SYN, 0).vlan(0x8100, 3)
                .vxlan(7001).build();
        TunnelDecoderTest.Payload vxlan = TunnelDecoderTest.udpPayload(new UnsafeBuffer(vxlanFrame), 0, vxlanFrame.length);
        byte[] geneveFrame = PacketBuilder.ip("2001:db8::1", "2001:db8::2").udp(5000, 53, 20)
                .geneve(9, PacketBuilder.geneveOption(0x0108, 1, new byte[8])).build();
        TunnelDecoderTest.Payload geneve = TunnelDecoderTest.udpPayload(new UnsafeBuffer(geneveFrame), 0, geneveFrame.length);
        UnsafeBuffer vxlanBuf = new UnsafeBuffer(vxlanFrame);
        UnsafeBuffer geneveBuf = new UnsafeBuffer(geneveFrame);

        PacketDecoder decoder = new PacketDecoder();
        DecodedPacket out = new DecodedPacket();
        long sink = 0;
        // Warm up (and make the static path's decoder), then count.
        sink += run(decoder, out, frames, linkTypes, vxlanBuf, vxlan, geneveBuf, geneve, ROUNDS);
        long before = threads.getCurrentThreadAllocatedBytes();
        sink += run(decoder, out, frames, linkTypes, vxlanBuf, vxlan, geneveBuf, geneve, ROUNDS);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        long decodes = (long) ROUNDS * (2L * frames.length + 2);
        // Less than a byte per decode on average: the smallest object is 16 bytes, so any per-packet
        // allocation would show as many megabytes; the slack is for the counter's own noise.
        assertThat(allocated).as("bytes allocated over %d decodes (checksum %d)", decodes, sink).isLessThan(decodes);
    }

    private static long run(PacketDecoder decoder, DecodedPacket out, UnsafeBuffer[] frames, int[] linkTypes,
                            UnsafeBuffer vxlanBuf, TunnelDecoderTest.Payload vxlan, UnsafeBuffer geneveBuf,
                            TunnelDecoderTest.Payload geneve, int rounds) {
        long sink = 0;
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < frames.length; i++) {
                UnsafeBuffer f = frames[i];
                decoder.decodeFrame(linkTypes[i], f, 0, f.capacity(), f.capacity(), round, out);
                sink += out.srcLo + out.dstPort;
                PacketDecoder.decode(linkTypes[i], f, 0, f.capacity(), round, out);
                sink += out.status.ordinal();
            }
            sink += decoder.decodeVxlan(vxlanBuf, vxlan.offset(), vxlan.length(), round, out);
            sink += decoder.decodeGeneve(geneveBuf, geneve.offset(), geneve.length(), round, out);
        }
        return sink;
    }
}
