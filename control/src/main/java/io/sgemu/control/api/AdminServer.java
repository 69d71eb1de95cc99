package io.sgemu.control.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sgemu.control.ec2.Ec2Endpoint;
import io.sgemu.control.ec2.SigV4Verifier;
import io.sgemu.dataplane.net.HostPort;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The admin endpoint of a live dataplane ({@code --admin HOST:PORT}, default {@value #DEFAULT_ADDRESS}: loopback
 * only, since metrics name the world's ENIs; 9464 is the port Prometheus exporters of OpenTelemetry use):
 * <ul>
 *   <li>{@code GET /metrics}: the {@link MetricsSource}'s metrics in the Prometheus text format 0.0.4;</li>
 *   <li>{@code GET /healthz}: {@code 200 ok} while the health check says so, else {@code 503 unhealthy};</li>
 *   <li>{@code POST /}: the EC2 Query API, when the server was started with an {@link Ec2Endpoint};</li>
 *   <li>{@code /admin/...}: the operator's JSON view ({@link AdminJson}), when the server was started with one;</li>
 *   <li>anything else: 404; other methods than GET and HEAD: 405.</li>
 * </ul>
 * A small pool answers requests; scrapes are serialized (a lock), so a source is never asked twice at once.
 * A source that fails answers 500 with the error's message, and the server goes on.
 */
public final class AdminServer implements AutoCloseable {

    public static final String DEFAULT_ADDRESS = "127.0.0.1:9464";

    private final HttpServer http;
    private final ExecutorService pool;
    private final MetricsSource metrics;
    private final BooleanSupplier healthy;
    private final ReentrantLock scrapeLock = new ReentrantLock();
    private final Ec2Endpoint ec2;
    private final AdminJson adminJson;

    private AdminServer(InetSocketAddress bind, MetricsSource metrics, BooleanSupplier healthy, Ec2Endpoint ec2,
                        AdminJson adminJson) throws IOException {
        this.adminJson = adminJson;
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.healthy = Objects.requireNonNull(healthy, "healthy");
        this.ec2 = ec2;
        if (ec2 != null && !ec2.allows(bind)) {
            throw new IllegalArgumentException("the EC2 API on " + bind + " needs --credentials: without them it"
                    + " only serves on a loopback address");
        }
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "admin-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.http = HttpServer.create(bind, 16);
        http.createContext("/", this::handle);
        http.setExecutor(pool);
        http.start();
    }

    /** Serves on {@code bind} (port 0: any free port, see {@link #port()}), always healthy. */
    public static AdminServer start(InetSocketAddress bind, MetricsSource metrics) throws IOException {
        return new AdminServer(bind, metrics, () -> true, null, null);
    }

    /** Serves on {@code bind}; {@code /healthz} answers 503 while {@code healthy} is false. */
    public static AdminServer start(InetSocketAddress bind, MetricsSource metrics, BooleanSupplier healthy)
            throws IOException {
        return new AdminServer(bind, metrics, healthy, null, null);
    }

    /**
     * Serves on {@code bind}, with the EC2 Query API at {@code POST /} when {@code ec2} is not null.
     *
     * @throws IllegalArgumentException when the endpoint has no credentials and {@code bind} is not loopback
     */
    public static AdminServer start(InetSocketAddress bind, MetricsSource metrics, BooleanSupplier healthy,
                                    Ec2Endpoint ec2) throws IOException {
        return new AdminServer(bind, metrics, healthy, ec2, null);
    }

    /** Serves as {@link #start(InetSocketAddress, MetricsSource, BooleanSupplier, Ec2Endpoint)}, with {@code /admin/} when {@code json} is not null. */
    public static AdminServer start(InetSocketAddress bind, MetricsSource metrics, BooleanSupplier healthy,
                                    Ec2Endpoint ec2, AdminJson json) throws IOException {
        return new AdminServer(bind, metrics, healthy, ec2, json);
    }

    /**
     * The address of {@code HOST:PORT} (the {@code --admin} option); IPv6 hosts in brackets.
     *
     * @throws IllegalArgumentException with a message for the user when it is not of that form
     */
    public static InetSocketAddress parseAddress(String hostPort) {
        return HostPort.parse(hostPort, "admin address '" + hostPort + "'");
    }

    public int port() {
        return http.getAddress().getPort();
    }

    public InetSocketAddress address() {
        return http.getAddress();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getPath();
            boolean head = method.equals("HEAD");
            if (ec2 != null && path.equals("/") && method.equals("POST")) {
                byte[] body = ex.getRequestBody().readAllBytes();
                Ec2Endpoint.Answer a = ec2.answer(http.getAddress(), new SigV4Verifier.SignedRequest(method,
                        ex.getRequestURI().getRawPath(), ex.getRequestURI().getRawQuery(), ex.getRequestHeaders(), body));
                respond(ex, a.status(), "text/xml;charset=UTF-8", a.body(), false);
                return;
            }
            if (adminJson != null && AdminJson.handles(path)) {
                ex.getRequestBody().readAllBytes();
                AdminJson.Answer a = adminJson.answer(method, path, ex.getRequestURI().getRawQuery());
                if (a.status() == 405) {
                    ex.getResponseHeaders().set("Allow", path.endsWith("/flush") ? "POST" : "GET, HEAD");
                }
                respond(ex, a.status(), "application/json", a.body(), head);
                return;
            }
            if (!path.equals("/metrics") && !path.equals("/healthz")) {
                respond(ex, 404, "text/plain; charset=utf-8", "not found: " + path + "\n", head);
            } else if (!head && !method.equals("GET")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(ex, 405, "text/plain; charset=utf-8", "method not allowed: " + method + "\n", false);
            } else if (path.equals("/healthz")) {
                boolean ok = healthy.getAsBoolean();
                respond(ex, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : "unhealthy\n", head);
            } else {
                String body;
                scrapeLock.lock();
                try {
                    body = MetricsWriter.render(metrics);
                } catch (RuntimeException e) {
                    respond(ex, 500, "text/plain; charset=utf-8", "metrics failed: " + e.getMessage() + "\n", head);
                    return;
                } finally {
                    scrapeLock.unlock();
                }
                respond(ex, 200, MetricsWriter.CONTENT_TYPE, body, head);
            }
        }
    }

    private static void respond(HttpExchange ex, int status, String contentType, String body, boolean head)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        if (head) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }

    /** Stops serving at once (a scrape in flight is cut short: the scraper retries). */
    @Override
    public void close() {
        http.stop(0);
        pool.shutdown();
        try {
            pool.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
