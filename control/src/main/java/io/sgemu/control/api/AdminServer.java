package io.sgemu.control.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.sgemu.control.ec2.Ec2Endpoint;
import io.sgemu.control.ec2.Ec2Exception;
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
 *
 * <p>Hardening ({@link AdminLimits}): a client address that exceeds its rate gets 503 ({@code RequestLimitExceeded}
 * for the EC2 API, as AWS throttles), a body over the limit 413, a request line and headers over theirs 431;
 * each in the shape of the part asked (EC2 error XML at {@code /}, {@code {"error": ...}} under {@code /admin/},
 * text elsewhere). {@code /admin/} changes state ({@code flush}), so on a listener that is not loopback it
 * needs a request signed as for the EC2 API. A fault of the emulator answers 500 without its Java message, and
 * the server goes on. No request reads or writes a file: the listener answers from memory only.
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
    private final AdminLimits limits;
    private final ClientRateLimiter limiter;

    private static final String XML = "text/xml;charset=UTF-8";
    private static final String JSON = "application/json";
    private static final String TEXT = "text/plain; charset=utf-8";
    /** Guards /admin without an EC2 endpoint: no keys, so loopback listeners only. */
    private static final Ec2Endpoint LOOPBACK_ONLY = new Ec2Endpoint(null, null);

    private AdminServer(InetSocketAddress bind, MetricsSource metrics, BooleanSupplier healthy, Ec2Endpoint ec2,
                        AdminJson adminJson, AdminLimits limits) throws IOException {
        this.adminJson = adminJson;
        this.limits = Objects.requireNonNull(limits, "limits");
        this.limiter = new ClientRateLimiter(limits.requestsPerSecond(), limits.burst());
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
        return new AdminServer(bind, metrics, () -> true, null, null, AdminLimits.DEFAULT);
    }

    /** Serves on {@code bind}; {@code /healthz} answers 503 while {@code healthy} is false. */
    public static AdminServer start(InetSocketAddress bind, MetricsSource metrics, BooleanSupplier healthy)
            throws IOException {
        return new AdminServer(bind, metrics, healthy, null, null, AdminLimits.DEFAULT);
    }

    /**
     * Serves on {@code bind}, with the EC2 Query API at {@code POST /} when {@code ec2} is not null.
     *
     * @throws IllegalArgumentException when the endpoint has no credentials and {@code bind} is not loopback
     */
    public static AdminServer start(InetSocketAddress bind, MetricsSource metrics, BooleanSupplier healthy,
                                    Ec2Endpoint ec2) throws IOException {
        return new AdminServer(bind, metrics, healthy, ec2, null, AdminLimits.DEFAULT);
    }

    /** Serves as {@link #start(InetSocketAddress, MetricsSource, BooleanSupplier, Ec2Endpoint)}, with {@code /admin/} when {@code json} is not null. */
    public static AdminServer start(InetSocketAddress bind, MetricsSource metrics, BooleanSupplier healthy,
                                    Ec2Endpoint ec2, AdminJson json) throws IOException {
        return new AdminServer(bind, metrics, healthy, ec2, json, AdminLimits.DEFAULT);
    }

    /** Serves as {@link #start(InetSocketAddress, MetricsSource, BooleanSupplier, Ec2Endpoint, AdminJson)}, within {@code limits}. */
    public static AdminServer start(InetSocketAddress bind, MetricsSource metrics, BooleanSupplier healthy,
                                    Ec2Endpoint ec2, AdminJson json, AdminLimits limits) throws IOException {
        return new AdminServer(bind, metrics, healthy, ec2, json, limits);
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

    /** Which part of the listener a path belongs to: it decides the shape of error answers. */
    private enum Surface { EC2, ADMIN_JSON, PLAIN }

    private Surface surfaceOf(String path) {
        if (ec2 != null && "/".equals(path)) {
            return Surface.EC2;
        }
        if (adminJson != null && path != null && AdminJson.handles(path)) {
            return Surface.ADMIN_JSON;
        }
        return Surface.PLAIN;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            try {
                answer(ex);
            } catch (RuntimeException | StackOverflowError e) {
                // a fault of the emulator: answered without its Java message (that stays inside), the server goes on
                try {
                    refuse(ex, surfaceOf(ex.getRequestURI().getPath()), 500, "InternalError",
                            "An internal error has occurred");
                } catch (IOException | RuntimeException ignored) {
                    // the answer had begun: the client sees the connection end
                }
            }
        }
    }

    private void answer(HttpExchange ex) throws IOException {
        {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getPath();
            Surface surface = surfaceOf(path);
            InetSocketAddress remote = ex.getRemoteAddress();
            if (remote != null && !limiter.tryAcquire(remote.getAddress())) {
                ex.getResponseHeaders().set("Retry-After", "1");
                refuse(ex, surface, 503, "RequestLimitExceeded", "Request limit exceeded.");
                return;
            }
            if (headerBytes(ex) > limits.maxHeaderBytes()) {
                refuse(ex, surface, 431, "RequestHeaderFieldsTooLarge", "The request line and headers exceed "
                        + limits.maxHeaderBytes() + " bytes.");
                return;
            }
            byte[] body = readBody(ex);
            if (body == null) {
                refuse(ex, surface, 413, "RequestEntityTooLarge", "The request body exceeds "
                        + limits.maxBodyBytes() + " bytes.");
                return;
            }
            boolean head = method.equals("HEAD");
            if (surface == Surface.EC2 && (method.equals("GET") || head)) {
                surface = Surface.PLAIN; // nothing to GET at /: 404 as any other path
            }
            if (surface == Surface.EC2) {
                if (!method.equals("POST")) {
                    ex.getResponseHeaders().set("Allow", "POST");
                    refuse(ex, surface, 405, "UnsupportedHttpVerb", "The EC2 Query API takes POST, not "
                            + shorten(method) + ".");
                    return;
                }
                Ec2Endpoint.Answer a = ec2.answer(http.getAddress(), signed(ex, body));
                respond(ex, a.status(), XML, a.body(), false);
                return;
            }
            if (surface == Surface.ADMIN_JSON) {
                try {
                    ec2Guard().authorize(http.getAddress(), signed(ex, body));
                } catch (Ec2Exception e) {
                    respond(ex, e.status(), JSON, errorJson(e.getMessage()), head);
                    return;
                }
                AdminJson.Answer a = adminJson.answer(method, path, ex.getRequestURI().getRawQuery());
                if (a.status() == 405) {
                    ex.getResponseHeaders().set("Allow", path.endsWith("/flush") ? "POST" : "GET, HEAD");
                }
                respond(ex, a.status(), JSON, a.body(), head);
                return;
            }
            if (!"/metrics".equals(path) && !"/healthz".equals(path)) {
                respond(ex, 404, TEXT, "not found: " + shorten(path) + "\n", head);
            } else if (!head && !method.equals("GET")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(ex, 405, TEXT, "method not allowed: " + shorten(method) + "\n", false);
            } else if (path.equals("/healthz")) {
                boolean ok = healthy.getAsBoolean();
                respond(ex, ok ? 200 : 503, TEXT, ok ? "ok\n" : "unhealthy\n", head);
            } else {
                String text;
                scrapeLock.lock();
                try {
                    text = MetricsWriter.render(metrics);
                } catch (RuntimeException e) {
                    // the metrics source's own message (ours, not a request's): what the operator needs to see
                    respond(ex, 500, TEXT, "metrics failed: " + e.getMessage() + "\n", head);
                    return;
                } finally {
                    scrapeLock.unlock();
                }
                respond(ex, 200, MetricsWriter.CONTENT_TYPE, text, head);
            }
        }
    }

    /** Authorizes /admin requests: with an EC2 endpoint, as it says; without one only loopback listeners serve them. */
    private Ec2Endpoint ec2Guard() {
        return ec2 != null ? ec2 : LOOPBACK_ONLY;
    }

    private static SigV4Verifier.SignedRequest signed(HttpExchange ex, byte[] body) {
        return new SigV4Verifier.SignedRequest(ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
                ex.getRequestURI().getRawQuery(), ex.getRequestHeaders(), body);
    }

    /** The bytes of the request line and headers, as sent (near enough: separators counted as 4 bytes). */
    private static long headerBytes(HttpExchange ex) {
        long n = ex.getRequestMethod().length() + String.valueOf(ex.getRequestURI().getRawPath()).length()
                + (ex.getRequestURI().getRawQuery() == null ? 0 : ex.getRequestURI().getRawQuery().length() + 1) + 12;
        for (var e : ex.getRequestHeaders().entrySet()) {
            for (String v : e.getValue()) {
                n += e.getKey().length() + v.length() + 4;
            }
        }
        return n;
    }

    /** The body, or null when it is larger than allowed (by its Content-Length, or as it arrives). */
    private byte[] readBody(HttpExchange ex) throws IOException {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > limits.maxBodyBytes()) {
                    return null;
                }
            } catch (NumberFormatException e) {
                return null; // the server itself refuses such requests first
            }
        }
        byte[] body = ex.getRequestBody().readNBytes(limits.maxBodyBytes() + 1);
        return body.length > limits.maxBodyBytes() ? null : body;
    }

    /** A refusal in the shape of the part of the listener asked: EC2 XML, JSON, or text. */
    private static void refuse(HttpExchange ex, Surface surface, int status, String code, String message)
            throws IOException {
        if (status == 413 || status == 431) {
            ex.getResponseHeaders().set("Connection", "close"); // the rest of the request is not read
        }
        boolean head = ex.getRequestMethod().equals("HEAD");
        switch (surface) {
            case EC2 -> respond(ex, status, XML, Ec2Endpoint.error(status, code, message).body(), false);
            case ADMIN_JSON -> respond(ex, status, JSON, errorJson(message), head);
            case PLAIN -> respond(ex, status, TEXT, message + "\n", head);
        }
    }

    private static String errorJson(String message) {
        StringBuilder sb = new StringBuilder("{\"error\":\"");
        JsonStringEncoder.getInstance().quoteAsString(message, sb);
        return sb.append("\"}").toString();
    }

    private static String shorten(String s) {
        return s.length() <= 32 ? s : s.substring(0, 32) + "...";
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
