package io.sgemu.control.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.control.api.AdminServer;
import io.sgemu.control.api.LiveMetrics;
import io.sgemu.control.aws.LoaderOptions;
import io.sgemu.control.aws.WorldLoader;
import io.sgemu.control.ec2.ControlPlane;
import io.sgemu.control.ec2.DataplaneHandOver;
import io.sgemu.control.ec2.Ec2Api;
import io.sgemu.control.ec2.Ec2Endpoint;
import io.sgemu.dataplane.conntrack.TrackedEntry;
import io.sgemu.dataplane.flowlog.FlowLogRecord;
import io.sgemu.dataplane.io.EndpointTable;
import io.sgemu.dataplane.io.ListenerUri;
import io.sgemu.dataplane.io.LiveConfig;
import io.sgemu.dataplane.io.LiveDataplane;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * SEMANTICS.md section 3, "Rule changes", with real kernels: two long-lived TCP connections between network
 * namespaces (the fixtures of {@link NamespaceTrafficTest}) stay open while their inbound rules are revoked through
 * the EC2 API (the AWS SDK against the admin endpoint, wired as {@code sgemu serve --admin} wires it); afterwards
 * the tracked one goes on exchanging lines, the untracked one is cut at once, and a new connection to the tracked
 * one's port fails.
 *
 * <p>The world is AWS's own example of an untracked flow: the server's group lets in TCP 2222 from 0.0.0.0/0 and
 * lets everything out to 0.0.0.0/0, so a connection to 2222 is untracked on the server's ENI (condition (a)), and
 * revoking the inbound rule cuts a live session. Port 8080 is let in from client A's /32 only: not all addresses,
 * so that connection is tracked (and its replies, though an all-addresses outbound rule admits them, do not make
 * it untracked by (b): the inbound side has no all-ports TCP rule).
 *
 * <p>Skipped where namespaces cannot be made (see {@link NamespaceTrafficTest#missingPrerequisite()}), unless
 * {@code SGEMU_REQUIRE_NETNS=1}: then it fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NamespaceRuleRemovalTest {

    static final int VNI = 4243;
    static final String SERVER = "10.0.2.20";
    static final String CLIENT_A = "10.0.1.10";
    static final int TRACKED_PORT = 8080;
    static final int UNTRACKED_PORT = 2222;
    static final String SERVER_ENI = "eni-server";
    static final int TCP = 6;
    /** How long an answer that should come may take (a loaded machine must not fail the test). */
    static final Duration WAIT = NamespaceTrafficTest.WAIT;
    /** How long a line that should get no answer is waited for: its first send and several retransmissions. */
    static final int NO_REPLY_MILLIS = 3_000;

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
              sg-server:
                vpc: vpc-netns
                name: server
                ingress:
                  - "tcp 8080 10.0.1.10/32"   # one client: tracked
                  - "tcp 2222 0.0.0.0/0"      # all addresses, and all traffic out: untracked
                egress: ["-1 all 0.0.0.0/0"]
            enis:
              eni-server:   {subnet: subnet-servers, ips: [10.0.2.20], groups: [sg-server]}
              eni-client-a: {subnet: subnet-clients, ips: [10.0.1.10], groups: [sg-client]}
            """;

    private final NamespaceTrafficTest.FlowLogs flowLogs = new NamespaceTrafficTest.FlowLogs();
    private final List<NamespaceHost> hosts = new ArrayList<>();
    private final List<Session> sessions = new ArrayList<>();
    private ControlPlane plane;
    private LiveDataplane live;
    private AdminServer admin;
    private Ec2Client ec2;
    private int port;
    private NamespaceHost server;
    private NamespaceHost clientA;
    private Thread cleanupOnExit;

    @BeforeAll
    void setUp(@TempDir Path dir) throws Exception {
        String missing = NamespaceTrafficTest.missingPrerequisite();
        if (missing != null) {
            String reason = "network-namespace rule-removal test skipped: " + missing;
            if ("1".equals(System.getenv("SGEMU_REQUIRE_NETNS"))) {
                Assertions.fail(reason.replace("skipped", "cannot run") + " (SGEMU_REQUIRE_NETNS=1 requires it)");
            }
            System.err.println(reason);
            Assumptions.assumeTrue(false, reason);
        }
        Path file = Files.writeString(dir.resolve("world.yaml"), WORLD);
        DataplaneHandOver handOver = new DataplaneHandOver(); // as ServeCommand: a call answers once in force
        plane = new ControlPlane(new WorldLoader(new LoaderOptions(false)).load(List.of(file)).world(), null, handOver);
        live = LiveDataplane.start(new LiveConfig(plane.current().policy()).workers(2).forward(true)
                .listen(ListenerUri.parse("vxlan://0.0.0.0:0")).flowLogs(flowLogs, 1, true));
        handOver.attach(live);
        port = live.boundPorts().get(0);
        admin = AdminServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), new LiveMetrics(live, null),
                () -> true, new Ec2Endpoint(new Ec2Api(plane, null), null));
        ec2 = Ec2Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + admin.port())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        cleanupOnExit = new Thread(this::cleanUp, "namespace-rule-removal-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanupOnExit); // a killed test run leaves no namespaces behind

        SplittableRandom random = new SplittableRandom();
        String run = String.format("%04x", random.nextInt(1 << 16));
        int octet = NamespaceTrafficTest.freeOuterOctet(random);
        server = host(run, 1, octet, SERVER);
        clientA = host(run, 2, octet, CLIENT_A);
        server.neighbour(clientA);
        clientA.neighbour(server);
        server.start("ready", WAIT, NamespaceTrafficTest.peer("echo", Integer.toString(TRACKED_PORT),
                Integer.toString(UNTRACKED_PORT)));
        // The server only answers: its endpoint must be learned before a client's SYN arrives. Its ping to client
        // A leaves it (all traffic may go out) and is rejected at client A's sg-ingress: it teaches the endpoint.
        server.ping(CLIENT_A, 1);
        assertThat(await(() -> live.endpoints().endpointOf(plane.current().policy().eniNumber(SERVER_ENI)) + 1, 1))
                .as("the server's endpoint learned").isNotEqualTo(EndpointTable.NONE + 1);
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
        for (Session s : sessions) {
            s.process.destroyForcibly();
        }
        for (int i = hosts.size() - 1; i >= 0; i--) {
            hosts.get(i).close();
        }
        if (ec2 != null) {
            ec2.close();
        }
        if (admin != null) {
            admin.close();
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
    @DisplayName("SEMANTICS 3 rule changes, real TCP: after the revoke the tracked connection goes on, the untracked "
            + "one (AWS's example: tcp from 0.0.0.0/0, all traffic out) is cut at once, a new connection fails")
    void revokingTheInboundRules_keepsTheTrackedSessionAlive_cutsTheUntrackedOne_andRefusesANewConnection()
            throws Exception {
        Session tracked = open(TRACKED_PORT);
        Session untracked = open(UNTRACKED_PORT);
        assertThat(tracked.exchange("before-revoke", WAIT)).isEqualTo("reply server:8080 got before-revoke");
        assertThat(untracked.exchange("before-revoke", WAIT)).isEqualTo("reply server:2222 got before-revoke");

        // Only the tracked connection has an entry on the server's ENI: the other is judged by the rules every time.
        int serverEni = plane.current().policy().eniNumber(SERVER_ENI);
        List<String> entries = entries(serverEni);
        assertThat(entries).as("the server's tracked connections")
                .contains(CLIENT_A + ":" + tracked.localPort + " > " + SERVER + ":" + TRACKED_PORT)
                .noneMatch(e -> e.endsWith(":" + UNTRACKED_PORT));

        long sgIngressRejectedBefore = live.counters().get("rejected.sg-ingress");
        ec2.revokeSecurityGroupIngress(r -> r.groupId("sg-server").ipPermissions(
                p -> p.ipProtocol("tcp").fromPort(TRACKED_PORT).toPort(TRACKED_PORT).ipRanges(i -> i.cidrIp(CLIENT_A + "/32")),
                p -> p.ipProtocol("tcp").fromPort(UNTRACKED_PORT).toPort(UNTRACKED_PORT).ipRanges(i -> i.cidrIp("0.0.0.0/0"))));
        assertThat(plane.world().securityGroups().get("sg-server").ingress()).as("no inbound rule left").isEmpty();
        assertThat(live.policy()).as("answered once the dataplane judges by the new rules").isSameAs(plane.current().policy());
        assertThat(live.counters().get("rejected.sg-ingress")).as("nothing rejected before the sessions speak again")
                .isEqualTo(sgIngressRejectedBefore);

        // The untracked session's next line is rejected at the server's sg-ingress, and so is every retransmission.
        assertThat(untracked.exchange("after-revoke", Duration.ofMillis(NO_REPLY_MILLIS))).isEqualTo("no-reply");
        long untrackedRejected = live.counters().get("rejected.sg-ingress") - sgIngressRejectedBefore;
        assertThat(untrackedRejected).as("the line and its retransmissions, rejected").isGreaterThanOrEqualTo(2);
        assertThat(awaitPackets(SERVER_ENI, CLIENT_A, untracked.localPort, UNTRACKED_PORT, FlowLogRecord.Action.REJECT,
                untrackedRejected)).as("%s", flowLogs.dump()).isGreaterThanOrEqualTo(untrackedRejected);

        // The tracked session goes on, both ways, by its entry alone.
        long trackedAcceptedBefore = awaitPackets(SERVER_ENI, CLIENT_A, tracked.localPort, TRACKED_PORT,
                FlowLogRecord.Action.ACCEPT, 1);
        assertThat(tracked.exchange("after-revoke", WAIT)).isEqualTo("reply server:8080 got after-revoke");
        // A new connection to the same port needs the removed rule.
        Session refused = open(TRACKED_PORT);
        assertThat(refused.connected).as("a new connection to 8080 after the revoke\n%s", refused.output()).isFalse();
        assertThat(awaitPackets(SERVER_ENI, CLIENT_A, refused.localPort, TRACKED_PORT, FlowLogRecord.Action.REJECT, 1))
                .as("its SYNs rejected on the server's ENI\n%s", flowLogs.dump()).isPositive();
        // And the tracked one still answers after all that.
        assertThat(tracked.exchange("still-open", WAIT)).isEqualTo("reply server:8080 got still-open");

        assertThat(awaitPackets(SERVER_ENI, CLIENT_A, tracked.localPort, TRACKED_PORT, FlowLogRecord.Action.ACCEPT,
                trackedAcceptedBefore + 2)).as("the tracked session's lines after the revoke, accepted\n%s", flowLogs.dump())
                .isGreaterThanOrEqualTo(trackedAcceptedBefore + 2);
        assertThat(flowLogs.packets(SERVER_ENI, TCP, CLIENT_A, tracked.localPort, SERVER, TRACKED_PORT,
                FlowLogRecord.Action.REJECT)).as("nothing of the tracked session rejected\n%s", flowLogs.dump()).isZero();
        assertThat(flowLogs.packets(SERVER_ENI, TCP, SERVER, TRACKED_PORT, CLIENT_A, tracked.localPort,
                FlowLogRecord.Action.REJECT)).isZero();
        assertThat(flowLogs.packets(SERVER_ENI, TCP, CLIENT_A, untracked.localPort, SERVER, UNTRACKED_PORT,
                FlowLogRecord.Action.ACCEPT)).as("the untracked session was accepted before the revoke\n%s", flowLogs.dump())
                .isPositive();
    }

    // ---------------------------------------------------------------------------------------------------

    /** The ENI's tracked connections as "origin > reply" of TCP entries. */
    private List<String> entries(int eni) throws Exception {
        List<String> out = new ArrayList<>();
        for (TrackedEntry e : live.trackedConnections(eni, 100, 10, TimeUnit.SECONDS)) {
            if (e.protocol() == TCP) {
                out.add(e.originAddress() + ":" + e.originPort() + " > " + e.replyAddress() + ":" + e.replyPort());
            }
        }
        return out;
    }

    /** A session from client A to the server's {@code port}: connected, or not within a few seconds. */
    private Session open(int port) throws Exception {
        Process p = clientA.spawn(NamespaceTrafficTest.peer("session", SERVER, Integer.toString(port),
                Integer.toString(NamespaceTrafficTest.FAILING_CONNECT_MILLIS)));
        Session s = new Session(p);
        sessions.add(s);
        String first = s.next(WAIT);
        assertThat(first).as("the client printed its port\n%s", s.output()).startsWith("local-port ");
        s.localPort = Integer.parseInt(first.substring("local-port ".length()).trim());
        String second = s.next(WAIT.plusMillis(NamespaceTrafficTest.FAILING_CONNECT_MILLIS));
        assertThat(second).as("connected, or failed to connect; nothing else\n%s", s.output())
                .matches("connected|connect-failed .*");
        s.connected = second.equals("connected");
        return s;
    }

    private long awaitPackets(String eni, String src, int sport, int dport, FlowLogRecord.Action action, long expected)
            throws InterruptedException {
        return await(() -> flowLogs.packets(eni, TCP, src, sport, SERVER, dport, action), expected);
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

    /** An {@link EchoPeer} session in client A's namespace: lines to its input, its output line by line. */
    static final class Session {
        final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuilder seen = new StringBuilder();
        private final OutputStream in;
        int localPort;
        boolean connected;

        Session(Process process) {
            this.process = process;
            this.in = process.getOutputStream();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            Thread.ofVirtual().start(() -> {
                try {
                    for (String l; (l = out.readLine()) != null; ) {
                        synchronized (seen) {
                            seen.append(l).append('\n');
                        }
                        lines.add(l);
                    }
                } catch (IOException e) {
                    // the process ended
                }
            });
        }

        /** Sends {@code text} and answers what the session printed: "reply ...", or "no-reply" after {@code wait}. */
        String exchange(String text, Duration wait) throws Exception {
            in.write((wait.toMillis() + " " + text + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            String answer = next(wait.plus(WAIT));
            assertThat(answer).as("the session answered\n%s", output()).isNotNull();
            return answer;
        }

        /** The next line the session prints, or null when none comes within {@code wait}. */
        String next(Duration wait) throws InterruptedException {
            return lines.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        }

        String output() {
            synchronized (seen) {
                return "session output so far:\n" + seen + (process.isAlive() ? "" : "(ended, exit " + process.exitValue() + ")");
            }
        }
    }
}
