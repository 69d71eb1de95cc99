package io.sgemu.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.control.api.Exposition;
import io.sgemu.control.cli.ServeCommandTest.Running;
import io.sgemu.control.live.Vtep;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sgemu serve --admin}: the EC2 Query API at POST / changes what the running dataplane does. */
class ServeEc2ApiTest {

    @TempDir
    Path tmp;

    static HttpResponse<String> post(int port, String form) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until the dataplane has judged {@code n} packets (the admin endpoint's metrics). */
    static void awaitJudged(int admin, double n) throws Exception {
        long deadline = System.nanoTime() + Vtep.WAIT_MILLIS * 1_000_000L;
        double judged = -1;
        while (System.nanoTime() < deadline) {
            judged = Exposition.parse(ServeWiringTest.get(admin, "/metrics").body()).value("sgemu_judged_packets_total{}");
            if (judged >= n) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("judged " + judged + " packets, expected " + n);
    }

    @Test
    void anApiCallTurnsARejectedSynIntoAnAcceptedOne() throws Exception {
        try (Vtep lb = new Vtep()) {
            Running run = Running.start("serve", "--config", ServeWiringTest.WORLD, "--listen", "vxlan://127.0.0.1:0",
                    "--admin", "127.0.0.1:0", "--duration", "6");
            int port = run.ports(1)[0];
            int admin = ServeWiringTest.printedPort(run, "admin http://");
            // load balancer to database: the load balancer's group lets only 8080 out
            lb.send(ServeWiringTest.REJECTED_SYN, port);
            awaitJudged(admin, 1);
            // the load balancer's ENI joins the app servers' group, whose rules let 5432 out to the database
            HttpResponse<String> r = post(admin, "Action=ModifyNetworkInterfaceAttribute&Version=2016-11-15"
                    + "&NetworkInterfaceId=" + ServeWiringTest.LB + "&SecurityGroupId.1=sg-0a11b22c33d44e502");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).contains("<return>true</return>");
            lb.send(ServeWiringTest.REJECTED_SYN, port); // now the database subnet's NACL: 5432 from the app subnet only
            awaitJudged(admin, 2);
            HttpResponse<String> entry = post(admin, "Action=CreateNetworkAclEntry&Version=2016-11-15"
                    + "&NetworkAclId=acl-0a1b2c3d4e5f60003&RuleNumber=110&Protocol=6&RuleAction=allow&Egress=false"
                    + "&CidrBlock=10.0.1.0%2F24&PortRange.From=5432&PortRange.To=5432");
            assertThat(entry.statusCode()).as(entry.body()).isEqualTo(200);
            lb.send(ServeWiringTest.REJECTED_SYN, port);
            assertThat(run.exit().get(30, TimeUnit.SECONDS)).as(run.err().toString()).isZero();
            assertThat(run.out().toString()).containsPattern("(?m)^accepted +1$").containsPattern("(?m)^rejected +2$")
                    .containsPattern("(?m)^rejected.sg-egress +1$").containsPattern("(?m)^rejected.nacl-ingress +1$");
        }
    }

    @Test
    void withCredentials_unsignedCallsAreRefused_andABadFileIsAUserError() throws Exception {
        Path keys = Files.writeString(tmp.resolve("keys"), "AKIDLOCAL secret\n");
        Running run = Running.start("serve", "--config", ServeWiringTest.WORLD, "--listen", "vxlan://127.0.0.1:0",
                "--admin", "127.0.0.1:0", "--credentials", keys.toString(), "--duration", "2");
        int admin = ServeWiringTest.printedPort(run, "admin http://");
        HttpResponse<String> r = post(admin, "Action=DescribeVpcs&Version=2016-11-15");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("<Code>MissingAuthenticationToken</Code>");
        assertThat(run.exit().get(30, TimeUnit.SECONDS)).isZero();

        Path bad = Files.writeString(tmp.resolve("bad"), "only-a-key\n");
        Running badRun = Running.start("serve", "--config", ServeWiringTest.WORLD, "--listen", "vxlan://127.0.0.1:0",
                "--admin", "127.0.0.1:0", "--credentials", bad.toString(), "--duration", "1");
        assertThat(badRun.exit().get(30, TimeUnit.SECONDS)).isNotZero();
        assertThat(badRun.err().toString()).contains("--credentials").contains("bad:1: expected ACCESS_KEY_ID SECRET")
                .doesNotContain("Exception");
        Running noAdmin = Running.start("serve", "--config", ServeWiringTest.WORLD, "--listen", "vxlan://127.0.0.1:0",
                "--credentials", keys.toString(), "--duration", "1");
        assertThat(noAdmin.exit().get(30, TimeUnit.SECONDS)).isNotZero();
        assertThat(noAdmin.err().toString()).contains("--credentials needs --admin");
    }
}
