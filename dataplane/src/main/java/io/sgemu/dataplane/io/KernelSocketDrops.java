package io.sgemu.dataplane.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Datagrams the kernel dropped on this process's UDP sockets bound to some ports before anyone read them (a full
 * receive buffer): the {@code drops} column of {@code /proc/net/udp} and {@code /proc/net/udp6}, summed over the
 * sockets this process holds open (matched by inode through {@code /proc/self/fd}) whose local port is one of
 * them. These datagrams never reach the dataplane, so its own counters cannot hold them; with them, what a sender
 * sent is accounted for: sent = received + these.
 *
 * <p>Linux only: {@link #read} answers -1 elsewhere or when {@code /proc} cannot be read. Both files are read:
 * a socket bound to an IPv4 address can be an IPv6 socket holding a mapped address, listed in {@code udp6} only.
 * Read on a metrics scrape (a few file reads), never on the packet path.
 */
public final class KernelSocketDrops {

    private static final Path PROC = Path.of("/proc");

    private KernelSocketDrops() {
    }

    /** The drops on this process's sockets bound to {@code ports}, or -1 when {@code /proc} does not tell. */
    public static long read(Set<Integer> ports) {
        Path udp = PROC.resolve("net/udp");
        if (!Files.isReadable(udp)) {
            return -1;
        }
        try {
            Set<Long> inodes = ownSocketInodes(PROC.resolve("self/fd"));
            long drops = sum(Files.readAllLines(udp, StandardCharsets.US_ASCII), inodes, ports);
            Path udp6 = PROC.resolve("net/udp6");
            if (Files.isReadable(udp6)) {
                drops += sum(Files.readAllLines(udp6, StandardCharsets.US_ASCII), inodes, ports);
            }
            return drops;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * The drops of the lines of a {@code /proc/net/udp} or {@code udp6} table (header first) whose socket is one
     * of {@code inodes} and whose local port is one of {@code ports}. Columns (whitespace-separated): sl,
     * local_address (ADDRESS:PORT, port in hex), rem_address, st, tx_queue:rx_queue, tr:tm->when, retrnsmt, uid,
     * timeout, inode, ref, pointer, drops.
     */
    static long sum(List<String> table, Set<Long> inodes, Set<Integer> ports) {
        long drops = 0;
        for (int i = 1; i < table.size(); i++) {
            String[] f = table.get(i).trim().split("\\s+");
            if (f.length < 13) {
                continue;
            }
            int colon = f[1].lastIndexOf(':');
            if (colon < 0) {
                continue;
            }
            int port = Integer.parseInt(f[1].substring(colon + 1), 16);
            long inode = Long.parseLong(f[9]);
            if (ports.contains(port) && inodes.contains(inode)) {
                drops += Long.parseLong(f[12]);
            }
        }
        return drops;
    }

    /** The inodes of the sockets among a process's open files ({@code fd} links reading {@code socket:[INODE]}). */
    static Set<Long> ownSocketInodes(Path fdDirectory) throws IOException {
        Set<Long> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDirectory)) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    continue; // closed meanwhile (the directory's own descriptor, for one)
                }
                if (target.startsWith("socket:[") && target.endsWith("]")) {
                    inodes.add(Long.parseLong(target, "socket:[".length(), target.length() - 1, 10));
                }
            }
        }
        return inodes;
    }
}
