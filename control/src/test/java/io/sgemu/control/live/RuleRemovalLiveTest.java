package io.sgemu.control.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sgemu.control.api.AdminJson;
import io.sgemu.control.api.AdminServer;
import io.sgemu.control.api.Exposition;
import io.sgemu.control.api.LiveMetrics;
import io.sgemu.control.aws.LoaderOptions;
import io.sgemu.control.aws.WorldLoader;
import io.sgemu.control.ec2.ControlPlane;
import io.sgemu.control.ec2.DataplaneHandOver;
import io.sgemu.control.ec2.Ec2Api;
import io.sgemu.control.ec2.Ec2Endpoint;
import io.sgemu.dataplane.flowlog.FlowLogRecord;
import io.sgemu.dataplane.io.ListenerUri;
import io.sgemu.dataplane.io.LiveConfig;
import io.sgemu.dataplane.io.LiveDataplane;
import io.sgemu.dataplane.packet.PacketBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SEMANTICS.md section 3, "Rule changes", live: the dataplane, the control plane and the admin endpoint wired as
 * {@code sgemu serve --forward --admin} wires them (the control plane hands each snapshot to the running dataplane
 * and answers an EC2 call once every worker judges by it), crafted packets in VXLAN datagrams over loopback, the
 * rules revoked through the EC2 Query API at {@code POST /}, the outcome read from what is forwarded, the metrics,
 * the flow-log records and {@code /admin/enis/ID/connections}.
 *
 * <p>The world: the server's group lets in TCP 443 from the client's /32 only, and UDP on all ports from
 * 0.0.0.0/0, and lets out UDP on all ports to 0.0.0.0/0; it has no outbound TCP rule, so the TCP replies pass by
 * connection tracking alone. So on the server's ENI
 * <ul>
 *   <li>the TCP connection to 443 is <em>tracked</em>: its rule's peer is not all addresses (condition (a) fails)
 *       and no outbound rule admits its replies (condition (b) fails);</li>
 *   <li>the UDP flow to 7000 is <em>untracked</em>: an all-addresses rule admits it and the other direction has an
 *       all-addresses, all-ports UDP rule (condition (a)); its replies by (b).</li>
 * </ul>
 * The client's group allows everything both ways: its stages never reject, every verdict below is the server's.
 */
@Timeout(120)
class RuleRemovalLiveTest {

    static final int VNI = 4242;
    static final String SERVER = "10.0.1.10";
    static final String CLIENT = "10.0.1.20";
    static final String SERVER_ENI = "eni-server";
    static final int HTTPS = 443;
    static final int TCP_CLIENT_PORT = 40001;
    static final int UDP_PORT = 7000;
    static final int UDP_CLIENT_PORT = 40002;
    static final int TCP = 6;
    static final int UDP = 17;
    /** How long a packet that should not arrive is waited for (it was judged before: this only catches a stray send). */
    static final long NOT_FORWARDED_MILLIS = 200;

    static final String WORLD = """
            account: "111122223333"
            vpcs:
              vpc-track: {cidrs: [10.0.0.0/16]}
            subnets:
              subnet-a: {vpc: vpc-track, cidr: 10.0.1.0/24, az: us-east-1a}
            groups:
              sg-client:
                vpc: vpc-track
                name: client
                ingress: ["-1 all 0.0.0.0/0"]
                egress: ["-1 all 0.0.0.0/0"]
              sg-server:
                vpc: vpc-track
                name: server
                ingress:
                  - "tcp 443 10.0.1.20/32"    # a specific CIDR: the connection is tracked
                  - "udp all 0.0.0.0/0"       # all addresses, and all UDP ports out: the flow is untracked
                egress:
                  - "udp all 0.0.0.0/0"       # no TCP rule out: the TCP replies pass by connection tracking alone
            enis:
              eni-server: {subnet: subnet-a, ips: [10.0.1.10], groups: [sg-server]}
              eni-client: {subnet: subnet-a, ips: [10.0.1.20], groups: [sg-client]}
            """;

    /** Both inbound rules of the server's group, by their permissions (as {@code aws ec2 revoke-...} sends them). */
    static final String REVOKE_INGRESS = "Action=RevokeSecurityGroupIngress&Version=2016-11-15&GroupId=sg-server"
            + "&IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=443&IpPermissions.1.ToPort=443"
            + "&IpPermissions.1.IpRanges.1.CidrIp=10.0.1.20%2F32"
            + "&IpPermissions.2.IpProtocol=udp&IpPermissions.2.FromPort=0&IpPermissions.2.ToPort=65535"
            + "&IpPermissions.2.IpRanges.1.CidrIp=0.0.0.0%2F0";
    static final String REVOKE_EGRESS = "Action=RevokeSecurityGroupEgress&Version=2016-11-15&GroupId=sg-server"
            + "&IpPermissions.1.IpProtocol=udp&IpPermissions.1.FromPort=0&IpPermissions.1.ToPort=65535"
            + "&IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0%2F0";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private int admin;
    private int port;

    @Test
    @DisplayName("SEMANTICS 3 rule changes: after the revoke a tracked TCP connection flows on both ways, an untracked "
            + "UDP flow is rejected at its next packet, a new SYN is refused; a flush ends the tracked one too")
    void revokingRules_keepsTheTrackedConnection_stopsTheUntrackedFlow_andAFlushEndsTheTrackedOne() throws Exception {
        Path file = Files.writeString(dir.resolve("world.yaml"), WORLD);
        NamespaceTrafficTest.FlowLogs flowLogs = new NamespaceTrafficTest.FlowLogs();
        // as ServeCommand: the listener hands each snapshot over and waits until every worker judges by it
        DataplaneHandOver handOver = new DataplaneHandOver();
        ControlPlane plane = new ControlPlane(new WorldLoader(new LoaderOptions(false)).load(List.of(file)).world(), null, handOver);
        try (Vtep server = new Vtep(); Vtep client = new Vtep();
             LiveDataplane live = LiveDataplane.start(new LiveConfig(plane.current().policy()).workers(2).forward(true)
                     .listen(ListenerUri.parse("vxlan://127.0.0.1:0")).conntrackCapacity(1 << 12)
                     .flowLogs(flowLogs, 1, true));
             AdminServer adminServer = AdminServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                     new LiveMetrics(live, null), () -> true, new Ec2Endpoint(new Ec2Api(plane, null), null),
                     new AdminJson(plane::current, live, null))) {
            handOver.attach(live);
            port = live.boundPorts().get(0);
            admin = adminServer.port();

            // The server speaks first so that its endpoint is learned: an echo request no outbound rule allows.
            rejected(server, client, datagram(PacketBuilder.ip(SERVER, CLIENT).icmpEcho(true, 1)), "sg-egress");

            // --- before the revoke: both flows accepted, and only the TCP connection has an entry on the server
            long seq = 1000;
            long ack = 5000;
            forwarded(client, server, tcp(true, PacketBuilder.SYN, 0, seq, 0), "sg-ingress");
            forwarded(server, client, tcp(false, PacketBuilder.SYN | PacketBuilder.ACK, 0, ack, seq + 1), "sg-egress");
            forwarded(client, server, tcp(true, PacketBuilder.ACK, 0, seq + 1, ack + 1), "sg-ingress");
            forwarded(client, server, tcp(true, PacketBuilder.PSH | PacketBuilder.ACK, 20, seq + 1, ack + 1), "sg-ingress");
            forwarded(server, client, tcp(false, PacketBuilder.PSH | PacketBuilder.ACK, 30, ack + 1, seq + 21), "sg-egress");
            forwarded(client, server, udp(true, 16), "sg-ingress");
            forwarded(server, client, udp(false, 24), "sg-egress");
            forwarded(client, server, udp(true, 16), "sg-ingress");

            List<String> tracked = connections();
            assertThat(tracked).as("the server's tracked connections before the revoke")
                    .containsExactly("6 " + CLIENT + ":" + TCP_CLIENT_PORT + " > " + SERVER + ":" + HTTPS);
            long versionBefore = plane.current().version();

            // --- the revoke, through the EC2 API: answered once every worker judges by the new snapshot
            for (String call : List.of(REVOKE_INGRESS, REVOKE_EGRESS)) {
                HttpResponse<String> r = post("/", call);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(r.body()).contains("<return>true</return>");
            }
            assertThat(plane.current().version()).isEqualTo(versionBefore + 2);
            assertThat(plane.world().securityGroups().get("sg-server").ingress()).as("no inbound rule left").isEmpty();
            assertThat(plane.world().securityGroups().get("sg-server").egress()).as("no outbound rule left").isEmpty();
            assertThat(live.policy()).as("the dataplane judges by the latest snapshot").isSameAs(plane.current().policy());

            // --- after: the tracked connection flows on both ways, by its entry alone
            forwarded(client, server, tcp(true, PacketBuilder.PSH | PacketBuilder.ACK, 20, seq + 21, ack + 31), "sg-ingress");
            forwarded(server, client, tcp(false, PacketBuilder.PSH | PacketBuilder.ACK, 30, ack + 31, seq + 41), "sg-egress");
            forwarded(client, server, tcp(true, PacketBuilder.ACK, 0, seq + 41, ack + 61), "sg-ingress");
            // the untracked flow meets the new rules at its next packet, both ways
            rejected(client, server, udp(true, 16), "sg-ingress");
            rejected(server, client, udp(false, 24), "sg-egress");
            // a new connection to the same port needs the removed rule
            rejected(client, server, datagram(PacketBuilder.ip(CLIENT, SERVER).tcp(TCP_CLIENT_PORT + 10, HTTPS,
                    PacketBuilder.SYN, 0)), "sg-ingress");
            assertThat(connections()).as("the entry outlived its rule").isEqualTo(tracked);

            // --- a flush drops the entry: nothing admits the connection any more
            HttpResponse<String> flush = post("/admin/enis/" + SERVER_ENI + "/flush", "");
            assertThat(flush.statusCode()).as(flush.body()).isEqualTo(200);
            assertThat(json.readTree(flush.body()).path("flushed").asLong()).as(flush.body()).isEqualTo(1);
            assertThat(connections()).isEmpty();
            rejected(client, server, tcp(true, PacketBuilder.PSH | PacketBuilder.ACK, 20, seq + 41, ack + 61), "sg-ingress");
            rejected(server, client, tcp(false, PacketBuilder.PSH | PacketBuilder.ACK, 30, ack + 61, seq + 61), "sg-egress");
        }

        // Closing the dataplane flushed the flow logs: the server's records, per flow and action.
        assertThat(flowLogs.packets(SERVER_ENI, TCP, CLIENT, TCP_CLIENT_PORT, SERVER, HTTPS, FlowLogRecord.Action.ACCEPT))
                .as("the client's SYN, ACK, data; data and ACK after the revoke\n%s", flowLogs.dump()).isEqualTo(5);
        assertThat(flowLogs.packets(SERVER_ENI, TCP, SERVER, HTTPS, CLIENT, TCP_CLIENT_PORT, FlowLogRecord.Action.ACCEPT))
                .as("the server's SYN-ACK and data; data after the revoke\n%s", flowLogs.dump()).isEqualTo(3);
        assertThat(flowLogs.packets(SERVER_ENI, TCP, CLIENT, TCP_CLIENT_PORT, SERVER, HTTPS, FlowLogRecord.Action.REJECT)
                + flowLogs.packets(SERVER_ENI, TCP, SERVER, HTTPS, CLIENT, TCP_CLIENT_PORT, FlowLogRecord.Action.REJECT))
                .as("the tracked connection: rejected only after the flush, one packet each way\n%s", flowLogs.dump())
                .isEqualTo(2);
        assertThat(flowLogs.packets(SERVER_ENI, UDP, CLIENT, UDP_CLIENT_PORT, SERVER, UDP_PORT, FlowLogRecord.Action.ACCEPT))
                .as("the untracked flow's requests before the revoke\n%s", flowLogs.dump()).isEqualTo(2);
        assertThat(flowLogs.packets(SERVER_ENI, UDP, CLIENT, UDP_CLIENT_PORT, SERVER, UDP_PORT, FlowLogRecord.Action.REJECT))
                .as("and after it\n%s", flowLogs.dump()).isEqualTo(1);
        assertThat(flowLogs.packets(SERVER_ENI, UDP, SERVER, UDP_PORT, CLIENT, UDP_CLIENT_PORT, FlowLogRecord.Action.ACCEPT))
                .isEqualTo(1);
        assertThat(flowLogs.packets(SERVER_ENI, UDP, SERVER, UDP_PORT, CLIENT, UDP_CLIENT_PORT, FlowLogRecord.Action.REJECT))
                .isEqualTo(1);
        assertThat(flowLogs.packets(SERVER_ENI, TCP, CLIENT, TCP_CLIENT_PORT + 10, SERVER, HTTPS, FlowLogRecord.Action.REJECT))
                .as("the new SYN\n%s", flowLogs.dump()).isEqualTo(1);
    }

    // ---------------------------------------------------------------------------------------------------

    private static byte[] datagram(PacketBuilder packet) {
        return Vtep.vxlan(VNI, packet.ethernet().build());
    }

    /** A segment of the TCP connection, from the client ({@code fromClient}) or from the server. */
    private static byte[] tcp(boolean fromClient, int flags, int payload, long seq, long ack) {
        PacketBuilder b = fromClient ? PacketBuilder.ip(CLIENT, SERVER).tcp(TCP_CLIENT_PORT, HTTPS, flags, payload)
                : PacketBuilder.ip(SERVER, CLIENT).tcp(HTTPS, TCP_CLIENT_PORT, flags, payload);
        return datagram(b.tcpSequence(seq, ack));
    }

    /** A datagram of the UDP flow, from the client or from the server. */
    private static byte[] udp(boolean fromClient, int payload) {
        return datagram(fromClient ? PacketBuilder.ip(CLIENT, SERVER).udp(UDP_CLIENT_PORT, UDP_PORT, payload)
                : PacketBuilder.ip(SERVER, CLIENT).udp(UDP_PORT, UDP_CLIENT_PORT, payload));
    }

    /**
     * Sends {@code datagram} and expects it at {@code to}, byte for byte, counted accepted at the server's
     * {@code stage} and nowhere rejected.
     */
    private void forwarded(Vtep from, Vtep to, byte[] datagram, String stage) throws Exception {
        Exposition before = metrics();
        from.send(datagram, port);
        assertThat(to.receive()).as("forwarded as it came (%s)", stage).isEqualTo(datagram);
        Exposition after = awaitJudged(before);
        assertThat(delta(before, after, stage, "accept")).as("counted accepted at the server's %s", stage).isEqualTo(1);
        assertThat(delta(before, after, "sg-ingress", "reject") + delta(before, after, "sg-egress", "reject"))
                .as("rejected nowhere").isZero();
        assertThat(value(after, "sgemu_verdicts_total{verdict=\"accept\"}")
                - value(before, "sgemu_verdicts_total{verdict=\"accept\"}")).isEqualTo(1);
    }

    /** Sends {@code datagram} and expects it rejected at the server's {@code stage}, and not at {@code to}. */
    private void rejected(Vtep from, Vtep to, byte[] datagram, String stage) throws Exception {
        Exposition before = metrics();
        from.send(datagram, port);
        Exposition after = awaitJudged(before);
        assertThat(delta(before, after, stage, "reject")).as("rejected at the server's %s", stage).isEqualTo(1);
        assertThat(delta(before, after, stage, "accept")).isZero();
        assertThat(value(after, "sgemu_verdicts_total{verdict=\"reject\"}")
                - value(before, "sgemu_verdicts_total{verdict=\"reject\"}")).isEqualTo(1);
        assertThat(to.receive(NOT_FORWARDED_MILLIS)).as("not forwarded").isNull();
    }

    private static double delta(Exposition before, Exposition after, String stage, String verdict) {
        String series = "sgemu_stage_packets_total{eni=\"" + SERVER_ENI + "\",stage=\"" + stage + "\",verdict=\"" + verdict + "\"}";
        return value(after, series) - value(before, series);
    }

    /** A series' value, 0 while it has not appeared yet (a stage with no packets is not listed). */
    private static double value(Exposition e, String series) {
        return e.samples.getOrDefault(series, 0.0);
    }

    private Exposition metrics() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return Exposition.parse(r.body());
    }

    /** The metrics once exactly one more packet than in {@code before} was judged. */
    private Exposition awaitJudged(Exposition before) throws Exception {
        double want = value(before, "sgemu_judged_packets_total{}") + 1;
        long deadline = System.nanoTime() + Vtep.WAIT_MILLIS * 1_000_000L;
        Exposition e = metrics();
        while (value(e, "sgemu_judged_packets_total{}") < want && System.nanoTime() < deadline) {
            Thread.sleep(5);
            e = metrics();
        }
        assertThat(value(e, "sgemu_judged_packets_total{}")).as("judged").isEqualTo(want);
        // One scrape more: a scrape reads the stage counters before the judged total, so the one that saw the
        // packet judged may show its stage counts from before; the next one reads them after, and sees them.
        e = metrics();
        assertThat(value(e, "sgemu_judged_packets_total{}")).as("judged, and nothing more").isEqualTo(want);
        return e;
    }

    /** The server ENI's tracked connections, as {@code GET /admin/enis/ID/connections} lists them. */
    private List<String> connections() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/admin/enis/" + SERVER_ENI + "/connections")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        for (JsonNode c : json.readTree(r.body()).path("connections")) {
            out.add(c.path("protocol").asInt() + " " + c.path("origin").path("address").asText() + ":"
                    + c.path("origin").path("port").asInt() + " > " + c.path("reply").path("address").asText() + ":"
                    + c.path("reply").path("port").asInt());
        }
        return out;
    }

    private HttpResponse<String> post(String path, String form) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + admin + path);
    }
}
