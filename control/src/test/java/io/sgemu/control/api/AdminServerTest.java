package io.sgemu.control.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class AdminServerTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private final HttpClient client = HttpClient.newHttpClient();

    private HttpResponse<String> get(AdminServer s, String path) throws Exception {
        return send(s, path, "GET");
    }

    private HttpResponse<String> send(AdminServer s, String path, String method) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return client.send(req, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesMetricsAndHealth_onAChosenPort_404Elsewhere() throws Exception {
        AtomicLong packets = new AtomicLong(41);
        MetricsSource source = w -> w.counter("sgemu_test_packets_total", "Test packets.")
                .sample(packets.incrementAndGet(), "eni", "eni-1");
        try (AdminServer s = AdminServer.start(ANY_PORT, source)) {
            assertThat(s.port()).isPositive();
            HttpResponse<String> m = get(s, "/metrics");
            assertThat(m.statusCode()).isEqualTo(200);
            assertThat(m.headers().firstValue("Content-Type")).contains(MetricsWriter.CONTENT_TYPE);
            assertThat(Exposition.parse(m.body()).value("sgemu_test_packets_total{eni=\"eni-1\"}")).isEqualTo(42.0);
            assertThat(Exposition.parse(get(s, "/metrics").body()).value("sgemu_test_packets_total{eni=\"eni-1\"}"))
                    .as("each scrape asks the source afresh").isEqualTo(43.0);

            HttpResponse<String> h = get(s, "/healthz");
            assertThat(h.statusCode()).isEqualTo(200);
            assertThat(h.body()).isEqualTo("ok\n");

            assertThat(get(s, "/").statusCode()).isEqualTo(404);
            assertThat(get(s, "/metrics/more").statusCode()).isEqualTo(404);
            assertThat(get(s, "/favicon.ico").statusCode()).isEqualTo(404);
            assertThat(send(s, "/metrics", "POST").statusCode()).isEqualTo(405);
            HttpResponse<String> head = send(s, "/metrics", "HEAD");
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
        }
    }

    @Test
    void healthFollowsTheCheck_andAFailingSourceAnswers500() throws Exception {
        AtomicBoolean healthy = new AtomicBoolean(false);
        try (AdminServer s = AdminServer.start(ANY_PORT, w -> {
            throw new IllegalStateException("counters gone");
        }, healthy::get)) {
            assertThat(get(s, "/healthz").statusCode()).isEqualTo(503);
            healthy.set(true);
            assertThat(get(s, "/healthz").statusCode()).isEqualTo(200);
            HttpResponse<String> m = get(s, "/metrics");
            assertThat(m.statusCode()).isEqualTo(500);
            assertThat(m.body()).contains("counters gone");
            assertThat(get(s, "/healthz").statusCode()).as("the server goes on").isEqualTo(200);
        }
    }

    @Test
    void concurrentScrapes_eachGetsAWholeExposition_andTheSourceIsNeverAskedTwiceAtOnce() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicLong scrapes = new AtomicLong();
        MetricsSource source = w -> {
            if (inside.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            try {
                long n = scrapes.incrementAndGet();
                w.counter("sgemu_scrapes_total", "Scrapes.");
                for (int eni = 0; eni < 200; eni++) {
                    w.sample(n, "eni", "eni-" + eni);
                }
                Thread.onSpinWait();
            } finally {
                inside.decrementAndGet();
            }
        };
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try (AdminServer s = AdminServer.start(ANY_PORT, source)) {
            List<Callable<Exposition>> calls = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                calls.add(() -> {
                    HttpResponse<String> r = get(s, "/metrics");
                    assertThat(r.statusCode()).isEqualTo(200);
                    return Exposition.parse(r.body());
                });
            }
            for (Future<Exposition> f : pool.invokeAll(calls)) {
                Exposition e = f.get();
                assertThat(e.samples).hasSize(200);
                assertThat(e.samples.values()).as("one scrape's values, not a mix").containsOnly(e.value("sgemu_scrapes_total{eni=\"eni-0\"}"));
            }
            assertThat(scrapes.get()).isEqualTo(30);
            assertThat(overlaps.get()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void adminAddressIsHostPort() {
        assertThat(AdminServer.parseAddress(AdminServer.DEFAULT_ADDRESS).getPort()).isEqualTo(9464);
        assertThat(AdminServer.parseAddress("[::1]:0").getAddress().getHostAddress()).contains(":");
        assertThatThrownBy(() -> AdminServer.parseAddress("localhost")).hasMessageContaining("HOST:PORT");
        assertThatThrownBy(() -> AdminServer.parseAddress("localhost:http")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> AdminServer.parseAddress("localhost:65536")).hasMessageContaining("0..65535");
    }
}
