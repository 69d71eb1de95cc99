package io.sgemu.control.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.control.api.AdminLimits;
import io.sgemu.control.api.AdminServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The admin listener under hostile or broken requests: sizes and rates are limited, malformed EC2 calls get
 * EC2's error codes (never a 500 with a Java message), and path-like ids are opaque ids, never file names.
 */
@Timeout(60)
class AdminHardeningTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private final HttpClient http = HttpClient.newHttpClient();

    private static AdminServer server(AdminLimits limits) throws Exception {
        ControlPlane plane = new ControlPlane(Ec2TestWorld.build(), null, p -> { });
        return AdminServer.start(LOOPBACK, w -> { }, () -> true, new Ec2Endpoint(new Ec2Api(plane, null), null), null,
                limits);
    }

    private HttpResponse<String> post(AdminServer s, byte[] form) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofByteArray(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(AdminServer s, String form) throws Exception {
        return post(s, form.getBytes(StandardCharsets.UTF_8));
    }

    /** An EC2 error document with {@code code}, and nothing of Java in it. */
    private static void assertEc2Error(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.body()).as(r.body()).contains("<Code>" + code + "</Code>").contains("<RequestID>")
                .doesNotContain("Exception").doesNotContain("java.").doesNotContain("\tat ");
    }

    @Test
    void malformedCalls_getEc2sErrorCodes() throws Exception {
        try (AdminServer s = server(AdminLimits.DEFAULT)) {
            assertEc2Error(post(s, "Version=2016-11-15"), 400, "MissingAction");
            assertEc2Error(post(s, "Action=&Version=2016-11-15"), 400, "MissingAction");
            assertEc2Error(post(s, "Action=LaunchTheMissiles&Version=2016-11-15"), 400, "InvalidAction");
            assertEc2Error(post(s, "Action=DescribeVpcs&Version=1999-01-01"), 400, "NoSuchVersion");
            assertEc2Error(post(s, "Action=DescribeVpcs&Version=2016-11-15&VpcId.1=%zz"), 400, "MalformedQueryString");
            assertEc2Error(post(s, "Action=DescribeVpcs&Version=2016-11-15&VpcId.1=%4"), 400, "MalformedQueryString");
            // %FF is a byte but not UTF-8; raw bytes that are not UTF-8 likewise
            assertEc2Error(post(s, "Action=DescribeVpcs&Version=2016-11-15&VpcId.1=%FF"), 400, "MalformedQueryString");
            byte[] raw = "Action=DescribeVpcs&Version=2016-11-15&VpcId.1=x".getBytes(StandardCharsets.US_ASCII);
            raw[raw.length - 1] = (byte) 0xC3;
            assertEc2Error(post(s, raw), 400, "MalformedQueryString");
            HttpResponse<String> json = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEc2Error(json, 400, "InvalidParameterValue");
            HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/"))
                    .PUT(HttpRequest.BodyPublishers.ofString("Action=DescribeVpcs")).build(), HttpResponse.BodyHandlers.ofString());
            assertEc2Error(put, 405, "UnsupportedHttpVerb");
            assertThat(put.headers().firstValue("Allow")).hasValue("POST");
            // the server goes on
            assertThat(post(s, "Action=DescribeVpcs&Version=2016-11-15").statusCode()).isEqualTo(200);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void hugeParameterCountsAndDeepNames_areRefusedAsMalformed(long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        try (AdminServer s = server(AdminLimits.DEFAULT)) {
            int count = QueryRequest.MAX_PARAMETERS + 1 + random.nextInt(5000);
            StringBuilder many = new StringBuilder("Action=DescribeVpcs&Version=2016-11-15");
            for (int i = 1; many.length() < 1_000_000 && i <= count; i++) {
                many.append("&VpcId.").append(i).append("=v");
            }
            assertEc2Error(post(s, many.toString()), 400, "MalformedQueryString");
            int depth = QueryRequest.MAX_NAME_SEGMENTS + 1 + random.nextInt(50_000);
            StringBuilder deep = new StringBuilder("Action=DescribeVpcs&Version=2016-11-15&Filter");
            for (int i = 0; i < depth && deep.length() < 1_000_000; i++) {
                deep.append(".1");
            }
            assertEc2Error(post(s, deep.append("=x").toString()), 400, "MalformedQueryString");
        }
    }

    @Test
    void aBodyOverTheLimitIs413_andHeadersOverTheirs431_asEc2Xml() throws Exception {
        try (AdminServer s = server(new AdminLimits(4096, 2048, 0, 0))) {
            assertEc2Error(post(s, "Action=DescribeVpcs&Version=2016-11-15&VpcId.1=" + "v".repeat(5000)), 413,
                    "RequestEntityTooLarge");
            HttpResponse<String> big = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/"))
                    .header("Content-Type", "application/x-www-form-urlencoded").header("X-Padding", "p".repeat(3000))
                    .POST(HttpRequest.BodyPublishers.ofString("Action=DescribeVpcs")).build(), HttpResponse.BodyHandlers.ofString());
            assertEc2Error(big, 431, "RequestHeaderFieldsTooLarge");
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port()
                    + "/metrics?" + "q".repeat(3000))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(431);
            assertThat(post(s, "Action=DescribeVpcs&Version=2016-11-15").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aClientOverItsRate_getsRequestLimitExceeded() throws Exception {
        // one request a minute after a burst of 3: the fourth at once is refused
        try (AdminServer s = server(AdminLimits.DEFAULT.withRate(1.0 / 60, 3))) {
            for (int i = 0; i < 3; i++) {
                assertThat(post(s, "Action=DescribeVpcs&Version=2016-11-15").statusCode()).as("request " + i).isEqualTo(200);
            }
            HttpResponse<String> refused = post(s, "Action=DescribeVpcs&Version=2016-11-15");
            assertEc2Error(refused, 503, "RequestLimitExceeded");
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port()
                    + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).as("the bucket is the address's, whatever the path").isEqualTo(503);
        }
    }

    @Test
    void pathLikeIds_areOpaqueIds_neverFileNames() throws Exception {
        try (AdminServer s = server(AdminLimits.DEFAULT)) {
            HttpResponse<String> byId = post(s, "Action=DescribeSecurityGroups&Version=2016-11-15"
                    + "&GroupId.1=..%2F..%2F..%2Fetc%2Fpasswd");
            assertThat(byId.statusCode()).as(byId.body()).isEqualTo(400);
            assertThat(byId.body()).contains("../../../etc/passwd").doesNotContain("root:");
            HttpResponse<String> filtered = post(s, "Action=DescribeSecurityGroups&Version=2016-11-15"
                    + "&Filter.1.Name=group-id&Filter.1.Value.1=%2Fetc%2Fpasswd");
            assertThat(filtered.statusCode()).as(filtered.body()).isEqualTo(200);
            assertThat(filtered.body()).doesNotContain("<item>").doesNotContain("root:");
            HttpResponse<String> vpc = post(s, "Action=DescribeVpcs&Version=2016-11-15&VpcId.1=file%3A%2F%2F%2Fetc%2Fpasswd");
            assertThat(vpc.statusCode()).isEqualTo(400);
            assertThat(vpc.body()).doesNotContain("root:");
            for (String path : new String[] {"/../../etc/passwd", "/metrics/../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd"}) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(path).isIn(400, 404);
                assertThat(r.body()).as(path).doesNotContain("root:");
            }
        }
    }
}
