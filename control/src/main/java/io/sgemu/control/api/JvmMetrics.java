package io.sgemu.control.api;

import com.sun.management.GcInfo;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The process's own memory and collector figures, so that a long run can show whether the server holds on to
 * memory it should have let go (a soak test reads them every few seconds):
 * <ul>
 *   <li>{@value #RSS}: resident set size, from {@code VmRSS} of {@code /proc/self/status} (Linux; left out
 *       elsewhere): what the machine actually gives the process, heap, code, thread stacks and direct buffers;</li>
 *   <li>{@value #MEMORY_USED} ({@code area} = heap|nonheap): used now;</li>
 *   <li>{@value #HEAP_AFTER_GC}: the heap used just after the last collection, summed over the heap's pools:
 *       nearer the live data than "used", which also counts the garbage made since (after a young collection
 *       it still counts what was promoted and has died since, until an old-generation cycle);</li>
 *   <li>{@value #GC_SECONDS} and {@value #GC_COUNT} ({@code gc} = the collector's name);</li>
 *   <li>{@value #BUFFER_POOL_USED} ({@code pool} = direct|mapped|...): NIO buffers the JDK counts;</li>
 *   <li>{@value #NETTY_DIRECT}: direct memory Netty allocates itself, out of the JDK's count (left out when
 *       Netty does not count it).</li>
 * </ul>
 * A scrape allocates a few small objects (the management beans' answers): nothing per packet.
 */
public final class JvmMetrics implements MetricsSource {

    public static final String RSS = "process_resident_memory_bytes";
    public static final String MEMORY_USED = "jvm_memory_used_bytes";
    public static final String HEAP_AFTER_GC = "jvm_memory_heap_used_after_gc_bytes";
    public static final String GC_SECONDS = "jvm_gc_collection_seconds_total";
    public static final String GC_COUNT = "jvm_gc_collections_total";
    public static final String BUFFER_POOL_USED = "jvm_buffer_pool_used_bytes";
    public static final String NETTY_DIRECT = "netty_direct_memory_used_bytes";

    private static final Path PROC_STATUS = Path.of("/proc/self/status");

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans();
    private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
    private final List<BufferPoolMXBean> buffers = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class);

    @Override
    public void writeMetrics(MetricsWriter out) {
        long rss = residentBytes();
        if (rss >= 0) {
            out.gauge(RSS, "Resident set size of the process (VmRSS).");
            out.sample(rss);
        }
        out.gauge(MEMORY_USED, "JVM memory used now, by area.");
        out.sample(memory.getHeapMemoryUsage().getUsed(), "area", "heap");
        out.sample(memory.getNonHeapMemoryUsage().getUsed(), "area", "nonheap");
        out.gauge(HEAP_AFTER_GC, "Heap used just after the last collection, summed over the heap's pools.");
        out.sample(heapUsedAfterGc());
        out.counter(GC_SECONDS, "Time the collectors spent collecting, per collector (as the JVM accounts it).");
        for (GarbageCollectorMXBean gc : collectors) {
            out.sample(Math.max(0, gc.getCollectionTime()) / 1000.0, "gc", gc.getName());
        }
        out.counter(GC_COUNT, "Collections, per collector.");
        for (GarbageCollectorMXBean gc : collectors) {
            out.sample(Math.max(0, gc.getCollectionCount()), "gc", gc.getName());
        }
        out.gauge(BUFFER_POOL_USED, "Memory the JDK's NIO buffer pools use, per pool (direct: ByteBuffer.allocateDirect).");
        for (BufferPoolMXBean b : buffers) {
            out.sample(Math.max(0, b.getMemoryUsed()), "pool", b.getName());
        }
        long netty = nettyDirectBytes();
        if (netty >= 0) {
            out.gauge(NETTY_DIRECT, "Direct memory Netty allocated outside the JDK's buffer pools.");
            out.sample(netty);
        }
    }

    /**
     * The heap used just after the last collection of any collector (its {@code GcInfo}: young collections
     * too), summed over the heap's pools; where the JVM gives no {@code GcInfo}, the pools' collection usage,
     * which some collectors update only on their old-generation cycles. 0 before any collection.
     */
    long heapUsedAfterGc() {
        GcInfo last = null;
        for (GarbageCollectorMXBean gc : collectors) {
            if (gc instanceof com.sun.management.GarbageCollectorMXBean hotspot) {
                GcInfo info = hotspot.getLastGcInfo();
                if (info != null && (last == null || info.getEndTime() > last.getEndTime())) {
                    last = info;
                }
            }
        }
        if (last != null) {
            long sum = 0;
            Map<String, MemoryUsage> after = last.getMemoryUsageAfterGc();
            for (MemoryPoolMXBean p : pools) {
                MemoryUsage u = p.getType() == MemoryType.HEAP ? after.get(p.getName()) : null;
                if (u != null) {
                    sum += u.getUsed();
                }
            }
            return sum;
        }
        long sum = 0;
        for (MemoryPoolMXBean p : pools) {
            if (p.getType() == MemoryType.HEAP && p.isValid()) {
                MemoryUsage u = p.getCollectionUsage();
                if (u != null) {
                    sum += u.getUsed();
                }
            }
        }
        return sum;
    }

    /** Netty's own count of its direct memory, or -1 when it keeps none (it then uses the JDK's, counted above). */
    static long nettyDirectBytes() {
        try {
            return PlatformDependent.usedDirectMemory();
        } catch (LinkageError e) {
            return -1; // Netty not on the class path of this process
        }
    }

    /** This process's resident set size in bytes, or -1 where {@code /proc/self/status} is not (not Linux). */
    static long residentBytes() {
        try {
            return parseVmRssBytes(Files.readString(PROC_STATUS, StandardCharsets.ISO_8859_1));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * The {@code VmRSS} of a {@code /proc/PID/status} text, in bytes ({@code VmRSS:	  123456 kB}).
     *
     * @throws IllegalArgumentException when the text has no such line, or not in kB
     */
    public static long parseVmRssBytes(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
                if (parts.length == 2 && parts[1].equals("kB")) {
                    return Long.parseLong(parts[0]) * 1024;
                }
                throw new IllegalArgumentException("VmRSS not in kB: '" + line + "'");
            }
        }
        throw new IllegalArgumentException("no VmRSS line");
    }
}
