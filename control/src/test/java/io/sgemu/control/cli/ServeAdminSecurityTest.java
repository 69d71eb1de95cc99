package io.sgemu.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sgemu.control.cli.ServeCommandTest.Running;
import io.sgemu.control.live.Vtep;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sgemu serve --admin} exposed: an address other hosts can reach needs --credentials (or the explicit
 * --admin-insecure-metrics-only), /admin/ refuses unsigned requests there, and /admin/ errors (size, rate,
 * path-like ids) are JSON.
 */
@Timeout(120)
class ServeAdminSecurityTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** The port of the admin listener, whatever address it is bound to (the wildcard prints as IPv4 or IPv6). */
    private static int adminPort(Running run) throws InterruptedException {
        Pattern p = Pattern.compile("admin http://\\S+:(\\d+)");
        long deadline = System.nanoTime() + 6 * Vtep.WAIT_MILLIS * 1_000_000L; // a cold JVM on a busy machine
        while (System.nanoTime() < deadline && !run.exit().isDone()) {
            Matcher m = p.matcher(run.err().toString());
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no admin line; stderr: " + run.err());
    }

    private static HttpResponse<String> send(int port, String method, String path, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aNonLoopbackAdminWithoutCredentials_isAnErrorUnlessMetricsOnlyIsSaid() throws Exception {
        CliRun refused = CliRun.of("serve", "--config", ServeWiringTest.WORLD, "--listen", "vxlan://127.0.0.1:0",
                "--admin", "0.0.0.0:0", "--duration", "1");
        assertThat(refused.exitCode()).isEqualTo(SgemuCommand.EXIT_BAD_INPUT);
        assertThat(refused.err()).contains("--credentials").contains("--admin-insecure-metrics-only")
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(refused.err()).doesNotContain("listening");

        CliRun flagAlone = CliRun.of("serve", "--config", ServeWiringTest.WORLD, "--listen", "vxlan://127.0.0.1:0",
                "--admin-insecure-metrics-only", "--duration", "1");
        assertThat(flagAlone.exitCode()).isEqualTo(SgemuCommand.EXIT_BAD_INPUT);
        assertThat(flagAlone.err()).contains("needs --admin");

        Running run = Running.start("serve", "--config", ServeWiringTest.WORLD, "--listen", "vxlan://127.0.0.1:0",
                "--admin", "0.0.0.0:0", "--admin-insecure-metrics-only", "--duration", "3");
        int admin = adminPort(run);
        assertThat(send(admin, "GET", "/metrics", null).statusCode()).isEqualTo(200);
        assertThat(send(admin, "GET", "/healthz", null).statusCode()).isEqualTo(200);
        assertThat(send(admin, "POST", "/", "Action=DescribeVpcs&Version=2016-11-15").statusCode())
                .as("no EC2 API").isEqualTo(404);
        assertThat(send(admin, "GET", "/admin/snapshot", null).statusCode()).as("no operator's view").isEqualTo(404);
        assertThat(run.exit().get(30, TimeUnit.SECONDS)).as(run.err().toString()).isZero();
    }

    @Test
    void onANonLoopbackListenerWithCredentials_adminRequestsMustBeSigned() throws Exception {
        Path keys = Files.writeString(tmp.resolve("keys"), "AKIDLOCAL secret\n");
        Running run = Running.start("serve", "--config", ServeWiringTest.WORLD, "--listen", "vxlan://127.0.0.1:0",
                "--admin", "0.0.0.0:0", "--credentials", keys.toString(), "--duration", "3");
        int admin = adminPort(run);
        HttpResponse<String> snapshot = send(admin, "GET", "/admin/snapshot", null);
        assertThat(snapshot.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(snapshot.body()).get("error").asText()).contains("Authentication");
        HttpResponse<String> flush = send(admin, "POST", "/admin/enis/" + ServeWiringTest.LB + "/flush", "");
        assertThat(flush.statusCode()).isEqualTo(401);
        HttpResponse<String> api = send(admin, "POST", "/", "Action=DescribeVpcs&Version=2016-11-15");
        assertThat(api.statusCode()).isEqualTo(401);
        assertThat(api.body()).contains("<Code>MissingAuthenticationToken</Code>");
        assertThat(send(admin, "GET", "/metrics", null).statusCode()).isEqualTo(200);
        assertThat(run.exit().get(30, TimeUnit.SECONDS)).as(run.err().toString()).isZero();
    }

    @Test
    void adminJsonRefusals_areJson_andPathLikeEnisAreOpaque() throws Exception {
        Running run = Running.start("serve", "--config", ServeWiringTest.WORLD, "--listen", "vxlan://127.0.0.1:0",
                "--admin", "127.0.0.1:0", "--admin-rate-limit", "0.01", "--admin-rate-burst", "5", "--duration", "4");
        int admin = adminPort(run);
        for (String path : new String[] {"/admin/enis/..%2F..%2Fetc%2Fpasswd/connections", "/admin/enis/../../etc/passwd",
            "/admin/enis/%2Fetc%2Fpasswd/flush"}) {
            HttpResponse<String> r = send(admin, path.endsWith("flush") ? "POST" : "GET", path, "");
            assertThat(r.statusCode()).as(path + " " + r.body()).isIn(404, 400);
            assertThat(r.body()).as(path).doesNotContain("root:");
        }
        HttpResponse<String> big = send(admin, "POST", "/admin/enis/" + ServeWiringTest.LB + "/flush", "x".repeat(2 << 20));
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(big.body()).get("error").asText()).contains("body");
        HttpResponse<String> ok = send(admin, "GET", "/admin/snapshot", null);
        assertThat(ok.statusCode()).isEqualTo(200);
        // five requests so far: the burst is spent, and the next token comes in 100 s
        HttpResponse<String> limited = send(admin, "GET", "/admin/snapshot", null);
        assertThat(limited.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(limited.body()).get("error").asText()).contains("limit");
        assertThat(run.exit().get(30, TimeUnit.SECONDS)).as(run.err().toString()).isZero();

        CliRun badRate = CliRun.of("serve", "--config", ServeWiringTest.WORLD, "--listen", "vxlan://127.0.0.1:0",
                "--admin", "127.0.0.1:0", "--admin-rate-limit", "-1", "--duration", "1");
        assertThat(badRate.exitCode()).isEqualTo(SgemuCommand.EXIT_BAD_INPUT);
        assertThat(badRate.err()).contains("--admin-rate-limit");
    }
}
