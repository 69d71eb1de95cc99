package io.sgemu.control.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.dataplane.io.ListenerUri;
import io.sgemu.dataplane.io.LiveConfig;
import io.sgemu.dataplane.io.LiveCounters;
import io.sgemu.dataplane.io.LiveDataplane;
import io.sgemu.dataplane.packet.PacketBuilder;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The worker's side of the live path (ring read, decode, judge, connection tracking, flow-log aggregation)
 * allocates nothing per packet: measured on the running worker thread with the JVM's per-thread allocation
 * counter, over packets of a fixed set of flows after a warm-up. (The event loop's side is printed, not
 * asserted: Netty allocates a {@code DatagramPacket} and the sender's address per datagram.)
 */
class LiveAllocationTest {

    @Test
    void theWorkerAllocatesNothingPerPacket() throws Exception {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemorySupported());
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) mx;
        io.sgemu.dataplane.flowlog.FlowLogSink discard = r -> { };
        byte[][] packets = new byte[64][];
        for (int i = 0; i < packets.length; i++) {
            packets[i] = Vtep.vxlan(LiveDataplaneTest.VNI, LiveDataplaneTest.tcp(LiveDataplaneTest.LB, 40000 + i,
                    LiveDataplaneTest.APP, 8080, PacketBuilder.ACK));
        }
        try (Vtep lb = new Vtep();
             LiveDataplane live = LiveDataplane.start(LiveDataplaneTest.config(LiveConfig.Transport.AUTO)
                     .listen(ListenerUri.parse("vxlan://127.0.0.1:0")).flowLogs(discard, 60))) {
            int port = live.boundPorts().get(0);
            Thread worker = find("sgemu-live-worker-0");
            Thread loop = find("sgemu-io");
            send(lb, port, packets, 30_000, live); // warm-up: the JIT compiles the path, tables reach their size
            long judged0 = live.counters().get(LiveCounters.JUDGED);
            long workerBytes0 = threads.getThreadAllocatedBytes(worker.threadId());
            long loopBytes0 = threads.getThreadAllocatedBytes(loop.threadId());
            send(lb, port, packets, 30_000, live);
            long judged = live.counters().get(LiveCounters.JUDGED) - judged0;
            long workerBytes = threads.getThreadAllocatedBytes(worker.threadId()) - workerBytes0;
            long loopBytes = threads.getThreadAllocatedBytes(loop.threadId()) - loopBytes0;
            System.out.printf("live path: %d packets judged; worker %.2f B/packet, event loop %.1f B/datagram (%s)%n",
                    judged, (double) workerBytes / judged, (double) loopBytes / judged, live.transport());
            assertThat(judged).isGreaterThan(10_000);
            assertThat((double) workerBytes / judged).as("worker bytes per packet").isLessThan(1.0);
        }
    }

    /** Sends {@code count} datagrams, pausing when the emulator falls behind, and waits until they are judged. */
    private static void send(Vtep vtep, int port, byte[][] packets, int count, LiveDataplane live) throws Exception {
        long start = live.counters().get(LiveCounters.RECEIVED);
        for (int i = 0; i < count; i++) {
            vtep.send(packets[i % packets.length], port);
            if ((i & 255) == 255) {
                while (live.counters().get(LiveCounters.RECEIVED) < start + i - 2048) {
                    Thread.onSpinWait(); // stay within the socket buffer, so few datagrams are lost
                }
            }
        }
        long deadline = System.nanoTime() + Vtep.WAIT_MILLIS * 1_000_000L;
        long last = -1;
        while (System.nanoTime() < deadline) {
            long judged = live.counters().get(LiveCounters.JUDGED);
            long received = live.counters().get(LiveCounters.RECEIVED);
            if (judged == received && judged == last) {
                break;
            }
            last = judged;
            Thread.sleep(50);
        }
    }

    private static Thread find(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no thread " + prefix));
    }
}
