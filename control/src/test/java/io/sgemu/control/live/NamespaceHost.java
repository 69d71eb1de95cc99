package io.sgemu.control.live;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A test host: a Linux network namespace whose only way to the others is a VXLAN device whose remote is the
 * emulator.
 *
 * <pre>
 *   root namespace (the emulator, listening on 0.0.0.0:P)        namespace NS
 *   ROOT_VETH 10.254.R.(4n+1)/30  &lt;==== veth pair ====&gt;  veth0 10.254.R.(4n+2)/30
 *                                                              vx0   INNER/16 (the ENI's address), VNI, MTU 1400
 *                                                                    remote 10.254.R.(4n+1) dstport P srcport P P+1
 * </pre>
 *
 * Why each setting:
 * <ul>
 *   <li>{@code remote} = the emulator, {@code nolearning}: with no forwarding entries of its own, the device
 *       sends every frame (unicast; there is no broadcast, see the neighbours) to its default destination, the
 *       emulator, and learns nothing from what it receives, so no frame ever bypasses the emulator.</li>
 *   <li>{@code srcport P P+1}: the emulator learns an ENI's tunnel endpoint as the outer source address
 *       <em>and port</em> of that host's datagrams and forwards to exactly that. A VXLAN device sends from a
 *       port hashed from the inner flow (spread over the local port range) but listens only on its
 *       {@code dstport}; forwarded datagrams would reach a port where nothing listens. The kernel picks the
 *       source port in {@code [min, max)} (udp_flow_src_port: {@code min + hash * (max - min) / 2^32}; it
 *       requires {@code min < max}), so {@code srcport P P+1} pins it to P, which is also the device's
 *       {@code dstport}: the learned endpoint is the host's own VXLAN socket. The emulator listens on P too, in
 *       the root namespace, so one port serves both ends and forwarded datagrams come from P.</li>
 *   <li>Static neighbour entries ({@link #neighbour}): the emulator drops what is not IP (ARP is counted
 *       {@code dropped.not-ip}), so a host could never resolve another's MAC. Each host is told the others'
 *       vx0 MACs (set here, fixed, so they are known before the devices exist); a frame forwarded to a host
 *       then carries that host's own MAC and its kernel accepts it (a frame for another MAC is dropped as
 *       PACKET_OTHERHOST).</li>
 *   <li>The inner addresses share one /16 (the VPC's block) although the world's subnets are /24s: on the
 *       VXLAN segment every host is a direct neighbour, routing is the emulator's business.</li>
 *   <li>MTU 1400: the VXLAN header, outer UDP, IPv4 and Ethernet add 50 bytes to 1500-byte veth frames.</li>
 *   <li>Checksums computed by the host ({@code ethtool -K vx0 tx off}): by default the kernel leaves the inner
 *       TCP checksum to "the hardware" (CHECKSUM_PARTIAL: only the pseudo-header sum is in the packet) and
 *       veth never fills it in; the root namespace's UDP socket takes such a packet as valid and hands the
 *       emulator the unfinished checksum, the emulator forwards it byte for byte, and the receiving kernel
 *       drops the segment (TcpInCsumErrors). ICMP (checksummed by ping itself) would work, TCP would not.
 *       With transmit checksumming off the device's sender computes every checksum in software, as a real
 *       host's NIC would have before the wire.</li>
 *   <li>{@code addrgenmode none}: no IPv6 link-local address on vx0, so no neighbour or router solicitations
 *       reach the emulator (they would only be counted as traffic of no ENI, but the counters stay clean).</li>
 * </ul>
 */
final class NamespaceHost implements AutoCloseable {

    /** The inner (VXLAN) MTU: the veth's 1500 less VXLAN's 50 bytes, with room to spare. */
    static final int INNER_MTU = 1400;

    final String netns;
    final String rootVeth;
    final String outerRoot;
    final String outerHost;
    final String inner;
    final String mac;
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private NamespaceHost(String netns, String rootVeth, String outerRoot, String outerHost, String inner, String mac) {
        this.netns = netns;
        this.rootVeth = rootVeth;
        this.outerRoot = outerRoot;
        this.outerHost = outerHost;
        this.inner = inner;
        this.mac = mac;
    }

    /**
     * Creates host {@code n} (1..63) of run {@code run}: namespace {@code sgemu-nt-RUN-n}, root-side veth
     * {@code sgntRUNn}, outer addresses in 10.254.{@code outerOctet}.(4n)/30, inner address {@code inner}/16.
     * On any failure what was made so far is removed and the exception thrown.
     */
    static NamespaceHost create(String run, int n, int outerOctet, String inner, int vni, int emulatorPort) {
        String netns = "sgemu-nt-" + run + "-" + n;
        String rootVeth = "sgnt" + run + n; // interface names have at most 15 characters
        String outerRoot = "10.254." + outerOctet + "." + (4 * n + 1);
        String outerHost = "10.254." + outerOctet + "." + (4 * n + 2);
        String mac = String.format("02:5e:00:00:%02x:%02x", outerOctet, n); // locally administered, unicast
        NamespaceHost h = new NamespaceHost(netns, rootVeth, outerRoot, outerHost, inner, mac);
        try {
            HostCommand.mustIp("netns", "add", netns);
            HostCommand.mustIp("link", "add", rootVeth, "type", "veth", "peer", "name", "veth0", "netns", netns);
            HostCommand.mustIp("addr", "add", outerRoot + "/30", "dev", rootVeth);
            HostCommand.mustIp("link", "set", rootVeth, "up");
            HostCommand.mustIp("-n", netns, "link", "set", "lo", "up");
            HostCommand.mustIp("-n", netns, "addr", "add", outerHost + "/30", "dev", "veth0");
            HostCommand.mustIp("-n", netns, "link", "set", "veth0", "up");
            String port = Integer.toString(emulatorPort);
            HostCommand.mustIp("-n", netns, "link", "add", "vx0", "address", mac, "mtu", Integer.toString(INNER_MTU),
                    "type", "vxlan", "id", Integer.toString(vni), "remote", outerRoot, "local", outerHost, "dev", "veth0",
                    "dstport", port, "srcport", port, Integer.toString(emulatorPort + 1), "nolearning");
            HostCommand.mustIp("-n", netns, "link", "set", "vx0", "addrgenmode", "none");
            HostCommand.Result csum = h.exec(Duration.ofSeconds(20), HostCommand.executable("ethtool"), "-K", "vx0", "tx", "off");
            if (!csum.ok()) {
                throw new IllegalStateException(csum.describe());
            }
            HostCommand.mustIp("-n", netns, "addr", "add", inner + "/16", "dev", "vx0");
            HostCommand.mustIp("-n", netns, "link", "set", "vx0", "up");
            return h;
        } catch (RuntimeException e) {
            h.close();
            throw e;
        }
    }

    /** Tells this host {@code other}'s vx0 MAC (there is no ARP through the emulator). */
    void neighbour(NamespaceHost other) {
        HostCommand.mustIp("-n", netns, "neigh", "replace", other.inner, "lladdr", other.mac, "dev", "vx0", "nud", "permanent");
    }

    /** Runs {@code command} inside this host's namespace to its end (at most {@code timeout}). */
    HostCommand.Result exec(Duration timeout, String... command) {
        return HostCommand.run(timeout, inNamespace(command));
    }

    /** {@code ping -c 1 -W SECONDS ADDRESS} from this host: exit 0 when the echo reply came back. */
    HostCommand.Result ping(String address, int waitSeconds) {
        return exec(Duration.ofSeconds(waitSeconds + 10), HostCommand.executable("ping"), "-n", "-c", "1",
                "-W", Integer.toString(waitSeconds), address);
    }

    /**
     * Starts {@code command} inside this host's namespace and waits for it to print {@code readyLine}
     * (a line of its standard output); it is stopped by {@link #close()}.
     */
    Process start(String readyLine, Duration timeout, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(inNamespace(command)).redirectErrorStream(true).start();
        processes.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    synchronized (seen) {
                        seen.append(line).append('\n');
                        seen.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (seen) {
            while (!seen.toString().lines().anyMatch(readyLine::equals)) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!p.isAlive() && !reader.isAlive())) {
                    throw new IllegalStateException(String.join(" ", command) + " in " + netns + " did not print '"
                            + readyLine + "' within " + timeout.toMillis() + " ms; its output:\n" + seen);
                }
                seen.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
        return p;
    }

    /**
     * Starts {@code command} inside this host's namespace with its standard input and output left to the caller
     * (standard error joins the output); it is stopped by {@link #close()} if the caller has not stopped it.
     */
    Process spawn(String... command) throws IOException {
        Process p = new ProcessBuilder(inNamespace(command)).redirectErrorStream(true).start();
        processes.add(p);
        return p;
    }

    private List<String> inNamespace(String... command) {
        List<String> cmd = new ArrayList<>(List.of(HostCommand.executable("ip"), "netns", "exec", netns));
        cmd.addAll(List.of(command));
        return cmd;
    }

    /**
     * Stops what was started here and removes the namespace (which takes its end of the veth pair, and so the
     * pair, with it) and the root-side veth (in case the namespace could not be removed). Idempotent; never
     * throws: it runs after failures and from a shutdown hook.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(3, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(3, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // Anything still inside (a child of a started command) would keep the namespace alive: only this run's.
        HostCommand.Result pids = HostCommand.ip("netns", "pids", netns);
        if (pids.ok()) {
            for (String pid : pids.output().split("\\s+")) {
                if (pid.matches("\\d+")) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
        HostCommand.ip("netns", "del", netns);
        HostCommand.ip("link", "del", rootVeth);
    }

    @Override
    public String toString() {
        return netns + " (" + inner + " behind " + outerHost + ")";
    }
}
