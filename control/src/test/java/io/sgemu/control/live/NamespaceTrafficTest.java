package io.sgemu.control.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.control.aws.LoaderOptions;
import io.sgemu.control.aws.WorldLoader;
import io.sgemu.control.compile.PolicyCompiler;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.flowlog.FlowLogRecord;
import io.sgemu.dataplane.flowlog.FlowLogSink;
import io.sgemu.dataplane.io.EndpointTable;
import io.sgemu.dataplane.io.ListenerUri;
import io.sgemu.dataplane.io.LiveConfig;
import io.sgemu.dataplane.io.LiveDataplane;
import io.sgemu.dataplane.policy.PolicySnapshot;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real traffic through the live dataplane: Linux network namespaces are the test hosts, their kernels' own
 * TCP and ICMP the traffic, the emulator (in this JVM, in the root namespace) the only path between them.
 *
 * <pre>
 *                    root namespace: LiveDataplane, vxlan://0.0.0.0:P, forwarding, 1 s flow-log intervals
 *                      |                           |                           |
 *                  veth 10.254.R.4/30          veth 10.254.R.8/30          veth 10.254.R.12/30
 *                      |                           |                           |
 *   server  (netns)  vx0 10.0.2.20   client A (netns) vx0 10.0.1.10   client B (netns) vx0 10.0.1.11
 *   eni-server, sg-server            eni-client-a, sg-client          eni-client-b, sg-client
 *   listens on 8080 and 9090
 * </pre>
 * Each host's VXLAN device sends everything to the emulator and receives from it what it forwards; see
 * {@link NamespaceHost} for the settings that make that work (pinned source port, static neighbours).
 *
 * <p>The world: sg-server allows TCP 8080 from sg-client and ICMP echo from client A only, and has no
 * outbound rule at all; sg-client allows nothing in. Every reply (SYN-ACK, data back, echo reply) therefore
 * passes by connection tracking alone. A second policy gives the server subnet a NACL whose outbound entries
 * allow only TCP to ports 0-1023: the replies to a client's ephemeral port are denied on the way out.
 *
 * <p>Needs root (namespaces, veth, VXLAN), {@code ip} (iproute2), {@code ping} (iputils), {@code ethtool}
 * and the vxlan module. Without them it says why and is skipped; with {@code SGEMU_REQUIRE_NETNS=1} (set by the CI
 * script) it fails instead.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NamespaceTrafficTest {

    static final int VNI = 4242;
    static final String SERVER = "10.0.2.20";
    static final String CLIENT_A = "10.0.1.10";
    static final String CLIENT_B = "10.0.1.11";
    static final int ALLOWED_PORT = 8080;
    static final int BLOCKED_PORT = 9090;
    static final String SERVER_ENI = "eni-server";
    static final String CLIENT_A_ENI = "eni-client-a";
    static final String CLIENT_B_ENI = "eni-client-b";
    static final int TCP = 6;
    static final int ICMP = 1;
    /** How long a client waits for a connection that should fail: the SYN and two retransmissions. */
    static final int FAILING_CONNECT_MILLIS = 3_500;
    /** How long anything that should happen may take (a loaded machine must not fail the test). */
    static final Duration WAIT = Duration.ofSeconds(15);

    static final String WORLD = """
            account: "111122223333"
            vpcs:
              vpc-netns: {cidrs: [10.0.0.0/16]}
            subnets:
              subnet-clients: {vpc: vpc-netns, cidr: 10.0.1.0/24, az: us-east-1a}
              subnet-servers: {vpc: vpc-netns, cidr: 10.0.2.0/24, az: us-east-1a}
            groups:
              sg-client:
                vpc: vpc-netns
                name: client
                ingress: []                   # nothing comes in but replies
                                              # no egress key: everything may go out
              sg-server:
                vpc: vpc-netns
                name: server
                ingress:
                  - "tcp 8080 sg-client"
                  - "icmp 8:-1 10.0.1.10/32"  # echo requests from client A only
                egress: []                    # no outbound rule: replies pass by connection tracking alone
            enis:
              eni-server:   {subnet: subnet-servers, ips: [10.0.2.20], groups: [sg-server]}
              eni-client-a: {subnet: subnet-clients, ips: [10.0.1.10], groups: [sg-client]}
              eni-client-b: {subnet: subnet-clients, ips: [10.0.1.11], groups: [sg-client]}
            """;

    /** The world plus a NACL on the server subnet that denies the replies' ephemeral destination ports. */
    static final String NACL_ON_THE_REPLY_PATH = WORLD + """
            nacls:
              acl-servers:
                vpc: vpc-netns
                subnets: [subnet-servers]
                ingress: ["100 allow -1 all 0.0.0.0/0"]
                egress:
                  - "100 allow tcp 0-1023 0.0.0.0/0"   # replies go to ephemeral ports: denied by the implicit deny
                  - "110 allow icmp all 0.0.0.0/0"
            """;

    private final FlowLogs flowLogs = new FlowLogs();
    private final List<NamespaceHost> hosts = new ArrayList<>();
    private World world;
    private PolicySnapshot policy;
    private PolicySnapshot naclPolicy;
    private LiveDataplane live;
    private int port;
    private NamespaceHost server;
    private NamespaceHost clientA;
    private NamespaceHost clientB;
    private HostCommand.Result serverFirstPing;
    private Thread cleanupOnExit;

    @BeforeAll
    void setUp(@TempDir Path dir) throws Exception {
        String missing = missingPrerequisite();
        if (missing != null) {
            String reason = "network-namespace traffic test skipped: " + missing;
            if ("1".equals(System.getenv("SGEMU_REQUIRE_NETNS"))) {
                Assertions.fail(reason.replace("skipped", "cannot run") + " (SGEMU_REQUIRE_NETNS=1 requires it)");
            }
            System.err.println(reason);
            Assumptions.assumeTrue(false, reason);
        }
        Path plain = Files.writeString(dir.resolve("world.yaml"), WORLD);
        Path withNacl = Files.createDirectories(dir.resolve("nacl")).resolve("world.yaml");
        Files.writeString(withNacl, NACL_ON_THE_REPLY_PATH);
        world = new WorldLoader(new LoaderOptions(false)).load(List.of(plain)).world();
        policy = new PolicyCompiler().compile(world, null, null);
        // Compiled against the first snapshot: ENI numbers stay the same, as setPolicy requires.
        naclPolicy = new PolicyCompiler().compile(new WorldLoader(new LoaderOptions(false)).load(List.of(withNacl)).world(),
                null, policy);

        live = LiveDataplane.start(new LiveConfig(policy).workers(2).forward(true)
                .listen(ListenerUri.parse("vxlan://0.0.0.0:0")).flowLogs(flowLogs, 1, true));
        port = live.boundPorts().get(0);
        cleanupOnExit = new Thread(this::cleanUp, "namespace-test-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanupOnExit); // a killed test run leaves no namespaces behind

        SplittableRandom random = new SplittableRandom();
        String run = String.format("%04x", random.nextInt(1 << 16)); // parallel runs get other names
        int octet = freeOuterOctet(random);
        server = host(run, 1, octet, SERVER);
        clientA = host(run, 2, octet, CLIENT_A);
        clientB = host(run, 3, octet, CLIENT_B);
        for (NamespaceHost h : hosts) {
            for (NamespaceHost other : hosts) {
                if (h != other) {
                    h.neighbour(other);
                }
            }
        }
        server.start("ready", WAIT, peer("serve", Integer.toString(ALLOWED_PORT), Integer.toString(BLOCKED_PORT)));

        // The emulator forwards to an ENI only once it has seen a packet from it. Clients speak first in every
        // conversation, but the server only answers: it must be learned before a client's SYN arrives. Its ping
        // to client A is rejected at its own sg-egress (no outbound rule), and still teaches its endpoint.
        serverFirstPing = server.ping(CLIENT_A, 1);
        await(() -> live.endpoints().endpointOf(policy.eniNumber(SERVER_ENI)) + 1, 1);
    }

    private NamespaceHost host(String run, int n, int octet, String inner) {
        NamespaceHost h = NamespaceHost.create(run, n, octet, inner, VNI, port);
        hosts.add(h);
        return h;
    }

    @AfterAll
    void tearDown() {
        cleanUp();
        if (cleanupOnExit != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs anyway (and finds nothing left)
            }
        }
    }

    private synchronized void cleanUp() {
        for (int i = hosts.size() - 1; i >= 0; i--) {
            hosts.get(i).close();
        }
        if (live != null) {
            try {
                live.close();
            } catch (RuntimeException e) {
                System.err.println("closing the dataplane: " + e);
            }
        }
    }

    @Test
    void aRejectedPacketStillTeachesTheEndpointFromThePinnedSourcePort() {
        assertThat(serverFirstPing.ok()).as("the server's ping to client A: no outbound rule allows it\n%s",
                serverFirstPing.describe()).isFalse();
        assertThat(live.counters().get("rejected.sg-egress")).isPositive();
        int endpoint = live.endpoints().endpointOf(policy.eniNumber(SERVER_ENI));
        assertThat(endpoint).as("the server's endpoint, learned from its rejected ping").isNotEqualTo(EndpointTable.NONE);
        // The learned endpoint is the host's VXLAN socket: its veth address and the pinned port (srcport P P+1).
        assertThat(live.endpoints().address(endpoint)).isEqualTo(new InetSocketAddress(server.outerHost, port));
        assertThat(live.counters().get("dropped.not-ip")).as("no ARP reached the emulator: static neighbours").isZero();
    }

    @Test
    void anAllowedPortConnectsAndDataFlowsBothWaysWithNoRuleForTheReplies() throws Exception {
        assertThat(world.securityGroups().get("sg-server").egress()).as("the server has no outbound rule").isEmpty();
        assertThat(world.securityGroups().get("sg-client").ingress()).as("the clients have no inbound rule").isEmpty();
        long rejectedBefore = live.counters().get("rejected");
        long forwardedBefore = live.counters().get("forwarded");

        Attempt a = connect(clientA, SERVER, ALLOWED_PORT, "hello-from-a", 10_000);

        assertThat(a.connected()).as("client A to the server's port 8080\n%s\n%s", a.result().describe(), diagnostics())
                .isTrue();
        assertThat(a.reply()).as("the server got the client's line and answered it")
                .isEqualTo("server:" + ALLOWED_PORT + " got hello-from-a");
        assertThat(live.counters().get("rejected") - rejectedBefore).as("nothing of the conversation rejected").isZero();
        assertThat(live.counters().get("forwarded") - forwardedBefore)
                .as("SYN, SYN-ACK, ACK, data both ways, FINs: all through the emulator").isGreaterThanOrEqualTo(6);
        assertThat(live.endpoints().address(live.endpoints().endpointOf(policy.eniNumber(CLIENT_A_ENI))))
                .isEqualTo(new InetSocketAddress(clientA.outerHost, port));

        int p = a.localPort();
        for (String eni : List.of(CLIENT_A_ENI, SERVER_ENI)) {
            assertThat(awaitPackets(eni, TCP, CLIENT_A, p, SERVER, ALLOWED_PORT, FlowLogRecord.Action.ACCEPT, 3))
                    .as("%s: the client's packets accepted\n%s", eni, flowLogs.dump()).isGreaterThanOrEqualTo(3);
            assertThat(awaitPackets(eni, TCP, SERVER, ALLOWED_PORT, CLIENT_A, p, FlowLogRecord.Action.ACCEPT, 3))
                    .as("%s: the server's replies accepted (no rule: tracked)\n%s", eni, flowLogs.dump())
                    .isGreaterThanOrEqualTo(3);
        }
        assertThat(flowLogs.packets(null, TCP, CLIENT_A, p, SERVER, ALLOWED_PORT, FlowLogRecord.Action.REJECT)
                + flowLogs.packets(null, TCP, SERVER, ALLOWED_PORT, CLIENT_A, p, FlowLogRecord.Action.REJECT))
                .as("no REJECT record for the conversation").isZero();
    }

    @Test
    void aBlockedPortFailsThoughTheServerListensThere() throws Exception {
        long sgIngressBefore = live.counters().get("rejected.sg-ingress");

        Attempt a = connect(clientA, SERVER, BLOCKED_PORT, "hello-9090", FAILING_CONNECT_MILLIS);

        assertThat(a.connected()).as("client A to the server's port 9090\n%s", a.result().describe()).isFalse();
        long rejected = live.counters().get("rejected.sg-ingress") - sgIngressBefore;
        assertThat(rejected).as("the SYN and its retransmissions, rejected at the server's sg-ingress")
                .isGreaterThanOrEqualTo(2);
        int p = a.localPort();
        assertThat(awaitPackets(SERVER_ENI, TCP, CLIENT_A, p, SERVER, BLOCKED_PORT, FlowLogRecord.Action.REJECT, rejected))
                .as("every rejected SYN in a REJECT record on the server's ENI\n%s", flowLogs.dump()).isEqualTo(rejected);
        assertThat(awaitPackets(CLIENT_A_ENI, TCP, CLIENT_A, p, SERVER, BLOCKED_PORT, FlowLogRecord.Action.ACCEPT, rejected))
                .as("client A logs them ACCEPT: they left it (SEMANTICS 6)\n%s", flowLogs.dump()).isEqualTo(rejected);
        assertThat(flowLogs.packets(SERVER_ENI, TCP, CLIENT_A, p, SERVER, BLOCKED_PORT, FlowLogRecord.Action.ACCEPT))
                .isZero();
        assertThat(flowLogs.packets(null, TCP, SERVER, BLOCKED_PORT, CLIENT_A, p, null))
                .as("the server never answered: nothing reached it").isZero();

        // The port is open: from inside the server's namespace (loopback, not through the emulator) it answers.
        Attempt local = connect(server, "127.0.0.1", BLOCKED_PORT, "local", 10_000);
        assertThat(local.reply()).as("%s", local.result().describe()).isEqualTo("server:" + BLOCKED_PORT + " got local");
    }

    @Test
    void pingWorksOnlyFromTheClientIcmpIsAllowedFrom() throws Exception {
        HostCommand.Result fromA = clientA.ping(SERVER, 3);
        HostCommand.Result fromB = clientB.ping(SERVER, 1);

        assertThat(fromA.ok()).as("client A's ping: echo requests from 10.0.1.10 allowed, the reply tracked\n%s",
                fromA.describe()).isTrue();
        assertThat(fromA.output()).contains("1 received");
        assertThat(fromB.ok()).as("client B's ping: no ICMP rule for it\n%s", fromB.describe()).isFalse();
        assertThat(awaitPackets(SERVER_ENI, ICMP, CLIENT_A, 0, SERVER, 0, FlowLogRecord.Action.ACCEPT, 1))
                .as("%s", flowLogs.dump()).isPositive();
        assertThat(awaitPackets(SERVER_ENI, ICMP, SERVER, 0, CLIENT_A, 0, FlowLogRecord.Action.ACCEPT, 1))
                .as("the echo reply, with no outbound rule\n%s", flowLogs.dump()).isPositive();
        assertThat(awaitPackets(SERVER_ENI, ICMP, CLIENT_B, 0, SERVER, 0, FlowLogRecord.Action.REJECT, 1))
                .as("%s", flowLogs.dump()).isPositive();
        assertThat(flowLogs.packets(SERVER_ENI, ICMP, CLIENT_B, 0, SERVER, 0, FlowLogRecord.Action.ACCEPT)).isZero();
        assertThat(awaitPackets(CLIENT_B_ENI, ICMP, CLIENT_B, 0, SERVER, 0, FlowLogRecord.Action.ACCEPT, 1))
                .as("client B's echo request left it: ACCEPT on its own ENI\n%s", flowLogs.dump()).isPositive();
        assertThat(flowLogs.packets(null, ICMP, SERVER, 0, CLIENT_B, 0, null)).as("no reply to client B").isZero();
    }

    @Test
    void aNaclOnTheReplyPathBreaksTheConnection() throws Exception {
        long naclEgressBefore = live.counters().get("rejected.nacl-egress");
        long sgIngressBefore = live.counters().get("rejected.sg-ingress");
        long naclIngressBefore = live.counters().get("rejected.nacl-ingress");
        live.setPolicy(naclPolicy);
        try {
            assertThat(live.awaitPolicy(naclPolicy, WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

            Attempt a = connect(clientA, SERVER, ALLOWED_PORT, "hello-through-the-nacl", FAILING_CONNECT_MILLIS);

            assertThat(a.connected()).as("the SYN-ACK never comes back\n%s", a.result().describe()).isFalse();
            assertThat(live.counters().get("rejected.nacl-egress") - naclEgressBefore)
                    .as("the SYN-ACKs, denied leaving the server subnet").isPositive();
            assertThat(live.counters().get("rejected.sg-ingress") - sgIngressBefore).as("the SYNs passed").isZero();
            assertThat(live.counters().get("rejected.nacl-ingress") - naclIngressBefore).isZero();
            int p = a.localPort();
            assertThat(awaitPackets(SERVER_ENI, TCP, CLIENT_A, p, SERVER, ALLOWED_PORT, FlowLogRecord.Action.ACCEPT, 1))
                    .as("the SYN reached the server\n%s", flowLogs.dump()).isPositive();
            assertThat(awaitPackets(SERVER_ENI, TCP, SERVER, ALLOWED_PORT, CLIENT_A, p, FlowLogRecord.Action.REJECT, 1))
                    .as("the SYN-ACK rejected on the server's ENI\n%s", flowLogs.dump()).isPositive();
            assertThat(flowLogs.packets(CLIENT_A_ENI, TCP, SERVER, ALLOWED_PORT, CLIENT_A, p, null))
                    .as("nothing of the reply reached client A").isZero();
        } finally {
            live.setPolicy(policy);
            live.awaitPolicy(policy, WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    // ---------------------------------------------------------------------------------------------------

    /** The emulator's counters and each host's kernel counters: what a failure message needs to be understood. */
    private String diagnostics() {
        StringBuilder b = new StringBuilder("emulator counters: ");
        live.counters().snapshot().forEach((k, v) -> {
            if (v != 0) {
                b.append(k).append('=').append(v).append(' ');
            }
        });
        for (NamespaceHost h : hosts) {
            b.append('\n').append(h).append(":\n").append(h.exec(Duration.ofSeconds(10), "cat", "/proc/net/snmp").output());
        }
        return b.toString();
    }

    /** One TCP connection attempt from a host: the client's port, whether it connected, the server's answer. */
    record Attempt(int localPort, boolean connected, String reply, HostCommand.Result result) {
    }

    /** Runs {@link EchoPeer} {@code connect} in {@code from}'s namespace. */
    private static Attempt connect(NamespaceHost from, String host, int port, String message, int timeoutMillis) {
        HostCommand.Result r = from.exec(Duration.ofMillis(timeoutMillis).plus(WAIT),
                peer("connect", host, Integer.toString(port), message, Integer.toString(timeoutMillis)));
        int localPort = -1;
        String reply = null;
        for (String line : r.output().lines().toList()) {
            if (line.startsWith("local-port ")) {
                localPort = Integer.parseInt(line.substring("local-port ".length()).trim());
            } else if (line.startsWith("reply ")) {
                reply = line.substring("reply ".length());
            }
        }
        assertThat(localPort).as("the client printed its port\n%s", r.describe()).isPositive();
        assertThat(r.exit()).as("connected, or failed to connect; nothing else\n%s", r.describe())
                .isIn(0, EchoPeer.CONNECT_FAILED);
        return new Attempt(localPort, r.exit() == 0, reply, r);
    }

    /** The command line of an {@link EchoPeer}: this JVM's java, the test classes, small and quick to start. */
    static String[] peer(String... args) {
        String classes;
        try {
            classes = Path.of(EchoPeer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx64m", "-cp", classes, EchoPeer.class.getName()));
        cmd.addAll(List.of(args));
        return cmd.toArray(new String[0]);
    }

    private long awaitPackets(String eni, int protocol, String src, int sport, String dst, int dport,
                              FlowLogRecord.Action action, long expected) throws InterruptedException {
        return await(() -> flowLogs.packets(eni, protocol, src, sport, dst, dport, action), expected);
    }

    /** Polls {@code value} until it reaches {@code expected} or {@link #WAIT} passes; answers the last value. */
    private static long await(LongSupplier value, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        long v = value.getAsLong();
        while (v < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
            v = value.getAsLong();
        }
        return v;
    }

    /**
     * Why the test cannot run here, or null when it can: Linux, root, {@code ip} and {@code ping}, a network
     * namespace can be made and a VXLAN device in it.
     */
    static String missingPrerequisite() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return "network namespaces are a Linux feature, this is " + System.getProperty("os.name");
        }
        if (!isRoot()) {
            return "not running as root (creating network namespaces, veth pairs and VXLAN devices needs root)";
        }
        if (!HostCommand.installed("ip")) {
            return "the 'ip' command (iproute2) is not installed";
        }
        if (!HostCommand.installed("ping")) {
            return "the 'ping' command (iputils-ping) is not installed";
        }
        if (!HostCommand.installed("ethtool")) {
            return "the 'ethtool' command is not installed (the hosts' VXLAN devices must compute checksums themselves)";
        }
        String probe = "sgemu-nt-probe-" + ProcessHandle.current().pid();
        HostCommand.Result add = HostCommand.ip("netns", "add", probe);
        if (!add.ok()) {
            return "'ip netns add' fails: " + add.output().strip();
        }
        try {
            HostCommand.Result vxlan = HostCommand.ip("-n", probe, "link", "add", "vxprobe", "type", "vxlan", "id", "1",
                    "dstport", "4789", "srcport", "4789", "4790", "nolearning");
            if (!vxlan.ok()) {
                return "cannot create a VXLAN device (is the vxlan kernel module available?): " + vxlan.output().strip();
            }
        } finally {
            HostCommand.ip("netns", "del", probe);
        }
        return null;
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0"); // the effective uid
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /**
     * A third octet R for this run's outer addresses 10.254.R.0/24 that no address or route of the root
     * namespace uses yet (a parallel run, a crashed one, the machine's own network).
     */
    static int freeOuterOctet(SplittableRandom random) {
        for (int attempt = 0; attempt < 32; attempt++) {
            int octet = random.nextInt(256);
            String block = "10.254." + octet + ".0/24";
            HostCommand.Result addrs = HostCommand.mustIp("-4", "-o", "addr", "show", "to", block);
            HostCommand.Result routes = HostCommand.mustIp("-4", "route", "show", "root", block);
            if (addrs.output().isBlank() && routes.output().isBlank()) {
                return octet;
            }
        }
        throw new IllegalStateException("no free 10.254.R.0/24 block for the test hosts' outer addresses");
    }

    /** Flow-log records as the writer thread hands them over; the test thread queries while they arrive. */
    static final class FlowLogs implements FlowLogSink {
        private final List<FlowLogRecord> records = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void accept(FlowLogRecord r) {
            records.add(r);
        }

        /** Packets of the records matching (null {@code eni} or {@code action}: any). */
        long packets(String eni, int protocol, String src, int sport, String dst, int dport, FlowLogRecord.Action action) {
            synchronized (records) {
                return records.stream()
                        .filter(r -> eni == null || r.eni().interfaceId().equals(eni))
                        .filter(r -> action == null || r.action() == action)
                        .filter(r -> r.protocol() == protocol && r.srcport() == sport && r.dstport() == dport)
                        .filter(r -> r.srcaddr().toString().equals(src) && r.dstaddr().toString().equals(dst))
                        .mapToLong(FlowLogRecord::packets).sum();
            }
        }

        String dump() {
            StringBuilder b = new StringBuilder("flow-log records so far:\n");
            synchronized (records) {
                for (FlowLogRecord r : records) {
                    b.append("  ").append(r.eni().interfaceId()).append(' ').append(r.protocol()).append(' ')
                            .append(r.srcaddr()).append(':').append(r.srcport()).append(" > ")
                            .append(r.dstaddr()).append(':').append(r.dstport()).append(' ')
                            .append(r.packets()).append(' ').append(r.action()).append('\n');
                }
            }
            return b.toString();
        }
    }
}
