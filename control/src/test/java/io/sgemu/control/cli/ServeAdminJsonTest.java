package io.sgemu.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sgemu.control.cli.ServeCommandTest.Running;
import io.sgemu.control.live.Vtep;
import io.sgemu.dataplane.packet.PacketBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code sgemu serve --admin}: the JSON view under /admin/ (snapshot, connections, flush, top talkers). */
class ServeAdminJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The app server's SYN-ACK to the load balancer: the load balancer's group admits it only as a reply. */
    static final byte[] REPLY = Vtep.vxlan(7001, PacketBuilder.ip("10.0.2.11", "10.0.1.10")
            .tcp(8080, 40001, PacketBuilder.SYN | PacketBuilder.ACK, 0).ethernet().build());

    static HttpResponse<String> post(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        return JSON.readTree(r.body());
    }

    private static int count(String file, String array) throws Exception {
        return JSON.readTree(Files.readString(Path.of(ServeWiringTest.WORLD, file))).get(array).size();
    }

    @Test
    void snapshotCountsTheWorld_andFlushDropsTheConnectionAReplyReliedOn() throws Exception {
        try (Vtep vtep = new Vtep()) {
            Running run = Running.start("serve", "--config", ServeWiringTest.WORLD, "--listen", "vxlan://127.0.0.1:0",
                    "--admin", "127.0.0.1:0", "--aggregation-interval-seconds", "1", "--duration", "8");
            int port = run.ports(1)[0];
            int admin = ServeWiringTest.printedPort(run, "admin http://");

            JsonNode snap = json(ServeWiringTest.get(admin, "/admin/snapshot"), 200);
            assertThat(snap.get("snapshot").asLong()).isEqualTo(1);
            assertThat(snap.get("enis").asInt()).isEqualTo(count("describe-network-interfaces.json", "NetworkInterfaces"));
            assertThat(snap.get("securityGroups").asInt()).isEqualTo(count("describe-security-groups.json", "SecurityGroups"));
            assertThat(snap.get("networkAcls").asInt()).isEqualTo(count("describe-network-acls.json", "NetworkAcls"));
            assertThat(snap.get("securityGroupRules").asInt()).isPositive();
            assertThat(snap.get("networkAclEntries").asInt()).isPositive();
            assertThat(snap.get("conntrack").get("entries").asInt()).isZero();
            assertThat(snap.get("conntrack").get("capacity").asInt()).isEqualTo(1048576);

            vtep.send(ServeWiringTest.ACCEPTED_SYN, port);
            ServeEc2ApiTest.awaitJudged(admin, 1);
            vtep.send(REPLY, port);
            ServeEc2ApiTest.awaitJudged(admin, 2);

            JsonNode conns = json(ServeWiringTest.get(admin, "/admin/enis/" + ServeWiringTest.LB + "/connections"), 200);
            assertThat(conns.get("count").asInt()).isEqualTo(1);
            JsonNode c = conns.get("connections").get(0);
            assertThat(c.get("protocol").asInt()).isEqualTo(6);
            assertThat(c.get("origin").get("address").asText()).isEqualTo("10.0.1.10");
            assertThat(c.get("origin").get("port").asInt()).isEqualTo(40001);
            assertThat(c.get("reply").get("address").asText()).isEqualTo("10.0.2.11");
            assertThat(c.get("reply").get("port").asInt()).isEqualTo(8080);
            assertThat(json(ServeWiringTest.get(admin, "/admin/snapshot"), 200).get("conntrack").get("entries").asInt())
                    .isEqualTo(2); // the load balancer's and the app server's

            JsonNode flushed = json(post(admin, "/admin/enis/" + ServeWiringTest.LB + "/flush"), 200);
            assertThat(flushed.get("flushed").asInt()).isEqualTo(1);
            assertThat(json(ServeWiringTest.get(admin, "/admin/enis/" + ServeWiringTest.LB + "/connections"), 200)
                    .get("count").asInt()).isZero();
            assertThat(json(ServeWiringTest.get(admin, "/admin/enis/" + ServeWiringTest.APP + "/connections"), 200)
                    .get("count").asInt()).isEqualTo(1); // another ENI's connections stay

            vtep.send(REPLY, port); // the load balancer's group admits it no longer
            ServeEc2ApiTest.awaitJudged(admin, 3);

            JsonNode top = awaitTop(admin);
            assertThat(top.get("accepted").toString()).contains("\"srcport\":40001");
            assertThat(top.get("rejected").get(0).get("eni").asText()).isEqualTo(ServeWiringTest.LB);
            assertThat(top.get("rejected").get(0).get("srcaddr").asText()).isEqualTo("10.0.2.11");
            assertThat(top.get("rejected").get(0).get("packets").asInt()).isEqualTo(1);

            assertThat(run.exit().get(30, TimeUnit.SECONDS)).as(run.err().toString()).isZero();
            assertThat(run.out().toString()).containsPattern("(?m)^accepted +2$").containsPattern("(?m)^rejected +1$")
                    .containsPattern("(?m)^rejected.sg-ingress +1$");
        }
    }

    /** Waits for the rejected reply to be logged (records come when their aggregation interval closes). */
    private static JsonNode awaitTop(int admin) throws Exception {
        long deadline = System.nanoTime() + Vtep.WAIT_MILLIS * 1_000_000L;
        JsonNode top = null;
        while (System.nanoTime() < deadline) {
            top = json(ServeWiringTest.get(admin, "/admin/top?n=5"), 200);
            if (top.get("rejected").size() > 0) {
                return top;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no rejected flow in " + top);
    }

    @Test
    void errorsAreJsonWith4xx() throws Exception {
        Running run = Running.start("serve", "--config", ServeWiringTest.WORLD, "--listen", "vxlan://127.0.0.1:0",
                "--admin", "127.0.0.1:0", "--duration", "3");
        int admin = ServeWiringTest.printedPort(run, "admin http://");
        assertThat(json(ServeWiringTest.get(admin, "/admin/enis/eni-nope/connections"), 404).get("error").asText())
                .contains("eni-nope");
        assertThat(json(post(admin, "/admin/enis/eni-nope/flush"), 404).get("error").asText()).contains("eni-nope");
        assertThat(json(ServeWiringTest.get(admin, "/admin/enis/" + ServeWiringTest.LB + "/flush"), 405)
                .get("error").asText()).contains("POST");
        assertThat(json(ServeWiringTest.get(admin, "/admin/top?n=zero"), 400).get("error").asText()).contains("n must be");
        assertThat(json(ServeWiringTest.get(admin, "/admin/nothing"), 404).has("error")).isTrue();
        assertThat(run.exit().get(30, TimeUnit.SECONDS)).isZero();
    }
}
