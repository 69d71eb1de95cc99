package io.sgemu.control.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sgemu.control.ec2.ControlPlane;
import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.conntrack.ConnTrackTable;
import io.sgemu.dataplane.conntrack.TrackedEntry;
import io.sgemu.dataplane.io.LiveDataplane;
import io.sgemu.dataplane.policy.PolicySnapshot;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator's JSON view of a running dataplane, under {@code /admin/} on the admin address:
 * <ul>
 *   <li>{@code GET /admin/snapshot}: the snapshot number and the sizes of the world, policy and conntrack table;</li>
 *   <li>{@code GET /admin/enis/{eni-id}/connections[?limit=N]}: the ENI's tracked connections;</li>
 *   <li>{@code POST /admin/enis/{eni-id}/flush}: drops them, as if they had timed out;</li>
 *   <li>{@code GET /admin/top[?n=10]}: the busiest accepted and rejected flows of the last flow-log intervals.</li>
 * </ul>
 * Errors are {@code {"error": "..."}} with a 4xx status (5xx when the workers do not answer).
 *
 * <p>Threading: the snapshot is one volatile read of the published world; counts are atomic counters; a
 * listing or a flush is run by every worker on its own thread at its next batch (only the owner touches an
 * entry), and answered once all have done so.
 */
public final class AdminJson {

    /** A JSON answer. */
    public record Answer(int status, String body) {
    }

    private static final Pattern ENI_PATH = Pattern.compile("^/admin/enis/([^/]+)/(connections|flush)$");
    private static final long WORKER_TIMEOUT_SECONDS = 5;
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 10_000;

    private final ObjectMapper json = new ObjectMapper();
    private final Supplier<ControlPlane.Published> snapshot;
    private final LiveDataplane live;
    private final TopTalkers top;

    /**
     * @param snapshot the published world in force (e.g. {@link ControlPlane#current})
     * @param top      the flow-log view of the busiest flows, or null when flow logs are not built
     */
    public AdminJson(Supplier<ControlPlane.Published> snapshot, LiveDataplane live, TopTalkers top) {
        this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
        this.live = Objects.requireNonNull(live, "live");
        this.top = top;
    }

    /** Whether {@code path} is one of this view's (the server answers others itself). */
    public static boolean handles(String path) {
        return path.startsWith("/admin/");
    }

    /** The answer to {@code method path?query}. */
    public Answer answer(String method, String path, String query) {
        try {
            if (path.equals("/admin/snapshot")) {
                return get(method) ? ok(snapshot()) : notAllowed(method, "GET");
            }
            if (path.equals("/admin/top")) {
                return get(method) ? ok(top(intParam(query, "n", 10, 1, 1000))) : notAllowed(method, "GET");
            }
            Matcher m = ENI_PATH.matcher(path);
            if (m.matches()) {
                String eniId = m.group(1);
                boolean flush = m.group(2).equals("flush");
                if (flush ? !method.equals("POST") : !get(method)) {
                    return notAllowed(method, flush ? "POST" : "GET");
                }
                int eni = snapshot.get().policy().eniNumber(eniId);
                if (eni < 0) {
                    return error(404, "no ENI " + eniId + " in the world");
                }
                return ok(flush ? flush(eniId, eni) : connections(eniId, eni, intParam(query, "limit", DEFAULT_LIMIT, 0, MAX_LIMIT)));
            }
            return error(404, "not found: " + path);
        } catch (BadRequest e) {
            return error(400, e.getMessage());
        } catch (TimeoutException e) {
            return error(503, "the workers did not answer within " + WORKER_TIMEOUT_SECONDS + " s (stopping?)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(503, "interrupted");
        }
    }

    private Map<String, Object> snapshot() {
        ControlPlane.Published p = snapshot.get();
        World w = p.world();
        PolicySnapshot policy = p.policy();
        ConnTrackTable ct = live.conntrack();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("snapshot", p.version());
        m.put("vpcs", w.vpcs().size());
        m.put("subnets", w.subnets().size());
        m.put("enis", w.networkInterfaces().size());
        m.put("securityGroups", w.securityGroups().size());
        m.put("securityGroupRules", w.securityGroups().values().stream()
                .mapToLong((SecurityGroup g) -> g.ingress().size() + g.egress().size()).sum());
        m.put("networkAcls", w.networkAcls().size());
        m.put("networkAclEntries", w.networkAcls().values().stream().mapToLong((NetworkAcl a) -> a.entries().size()).sum());
        m.put("prefixLists", w.prefixLists().size());
        m.put("compiledPolicies", policy.policyCount());
        m.put("policyBytes", policy.bytes());
        m.put("conntrack", Map.of("entries", ct.size(), "capacity", ct.capacity()));
        return m;
    }

    private Map<String, Object> connections(String eniId, int eni, int limit) throws InterruptedException, TimeoutException {
        List<TrackedEntry> entries = live.trackedConnections(eni, limit, WORKER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("eni", eniId);
        // live, or expired and not yet swept by its worker: the sweep is incremental
        m.put("count", live.conntrack().entries(eni));
        m.put("limit", limit);
        m.put("connections", entries.stream().map(AdminJson::entry).toList());
        return m;
    }

    private static Map<String, Object> entry(TrackedEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("protocol", e.protocol());
        m.put("origin", endpoint(e.originAddress().toString(), e.originPort()));
        m.put("reply", endpoint(e.replyAddress().toString(), e.replyPort()));
        m.put("state", e.state());
        m.put("lastSeen", Instant.ofEpochSecond(0, e.lastSeenNanos()).toString());
        m.put("worker", e.worker());
        return m;
    }

    private static Map<String, Object> endpoint(String address, int port) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("address", address);
        if (port >= 0) {
            m.put("port", port);
        }
        return m;
    }

    private Map<String, Object> flush(String eniId, int eni) throws InterruptedException, TimeoutException {
        long flushed = live.flushConnections(eni, WORKER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("eni", eniId);
        m.put("flushed", flushed);
        m.put("remaining", live.conntrack().entries(eni)); // new connections may have come since
        return m;
    }

    private Map<String, Object> top(int n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", "flow-log records (packets and bytes per flow as logged, per logging ENI)");
        if (top == null) {
            m.put("accepted", List.of());
            m.put("rejected", List.of());
            m.put("note", "no flow-log records are built: serve with --flow-logs, --flow-log-stream or S3 delivery");
            return m;
        }
        TopTalkers.Top t = top.top(n);
        m.put("intervals", t.intervals());
        m.put("untrackedRecords", t.untracked());
        m.put("accepted", t.accepted().stream().map(AdminJson::talker).toList());
        m.put("rejected", t.rejected().stream().map(AdminJson::talker).toList());
        return m;
    }

    private static Map<String, Object> talker(TopTalkers.Talker t) {
        TopTalkers.Flow f = t.flow();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("eni", f.eni());
        m.put("srcaddr", f.srcaddr());
        m.put("srcport", f.srcport());
        m.put("dstaddr", f.dstaddr());
        m.put("dstport", f.dstport());
        m.put("protocol", f.protocol());
        m.put("packets", t.packets());
        m.put("bytes", t.bytes());
        return m;
    }

    private static boolean get(String method) {
        return method.equals("GET") || method.equals("HEAD");
    }

    private static int intParam(String query, String name, int dflt, int min, int max) {
        if (query == null) {
            return dflt;
        }
        for (String kv : query.split("&")) {
            int eq = kv.indexOf('=');
            String k = eq < 0 ? kv : kv.substring(0, eq);
            if (k.equals(name)) {
                String v = eq < 0 ? "" : kv.substring(eq + 1);
                try {
                    int x = Integer.parseInt(v);
                    if (x >= min && x <= max) {
                        return x;
                    }
                } catch (NumberFormatException e) {
                    // below
                }
                throw new BadRequest(name + " must be a number " + min + ".." + max + ", not '" + v + "'");
            }
        }
        return dflt;
    }

    private Answer ok(Object body) {
        return new Answer(200, write(body));
    }

    private Answer error(int status, String message) {
        return new Answer(status, write(Map.of("error", message)));
    }

    private Answer notAllowed(String method, String allowed) {
        return error(405, "method not allowed: " + method + " (use " + allowed + ")");
    }

    private String write(Object body) {
        try {
            return json.writeValueAsString(body) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }
}
