package io.sgemu.control.ec2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One EC2 Query request: the form parameters ({@code Action=...&IpPermissions.1.FromPort=22}) and the
 * same parameters as a tree in the request's JSON shape, where a numbered segment is a list position
 * ({@code IpPermissions.1.IpRanges.2.CidrIp} is {@code IpPermissions[0].IpRanges[1].CidrIp}); list
 * positions are ordered by number, as EC2 does.
 */
public final class QueryRequest {
    private final Map<String, String> params;

    private QueryRequest(Map<String, String> params) {
        this.params = params;
    }

    /** Decodes an {@code application/x-www-form-urlencoded} body (and/or a URL's query). */
    public static QueryRequest decode(String... forms) {
        Map<String, String> p = new LinkedHashMap<>();
        for (String form : forms) {
            if (form == null || form.isEmpty()) {
                continue;
            }
            for (String pair : form.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String k = formDecode(eq < 0 ? pair : pair.substring(0, eq));
                String v = eq < 0 ? "" : formDecode(pair.substring(eq + 1));
                p.put(k, v);
            }
        }
        return new QueryRequest(p);
    }

    /** A percent-encoded name or value; a bad escape ({@code %zz}, a cut-off {@code %4}) is EC2's MalformedQueryString. */
    private static String formDecode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Ec2Exception("MalformedQueryString", "The query string contains a syntax error: "
                    + e.getMessage() + " in '" + (text.length() > 64 ? text.substring(0, 64) + "..." : text) + "'");
        }
    }

    public static QueryRequest of(Map<String, String> params) {
        return new QueryRequest(new LinkedHashMap<>(params));
    }

    public Map<String, String> params() {
        return params;
    }

    public String get(String name) {
        return params.get(name);
    }

    public String required(String name) {
        String v = params.get(name);
        if (v == null || v.isEmpty()) {
            throw new Ec2Exception("MissingParameter", "The request must contain the parameter " + name);
        }
        return v;
    }

    /** The values of a flat list parameter: {@code GroupId.1}, {@code GroupId.2}, ... in number order. */
    public List<String> list(String name) {
        List<String> out = new ArrayList<>();
        JsonNode n = tree().get(name);
        if (n != null && n.isArray()) {
            n.forEach(e -> out.add(e.asText()));
        }
        return out;
    }

    /** The parameters (without Action and Version) as a tree in the request's JSON shape. */
    public ObjectNode tree() {
        Map<String, Object> root = new TreeMap<>();
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (e.getKey().equals("Action") || e.getKey().equals("Version")) {
                continue;
            }
            // -1: empty segments stay (a name "." is two empty names, not no name at all)
            put(root, e.getKey().split("\\.", -1), 0, e.getValue());
        }
        // the top level is an object even when every name in it is a number (no action takes a list there)
        ObjectNode obj = JsonNodeFactory.instance.objectNode();
        root.forEach((k, v) -> obj.set(k, toJson(v)));
        return obj;
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> node, String[] path, int i, String value) {
        String key = path[i];
        if (i == path.length - 1) {
            node.put(key, value);
            return;
        }
        Object child = node.get(key);
        if (!(child instanceof Map)) {
            child = new TreeMap<String, Object>(QueryRequest::compareKeys);
            node.put(key, child);
        }
        put((Map<String, Object>) child, path, i + 1, value);
    }

    /** Numbers in numeric order, before names. */
    private static int compareKeys(String a, String b) {
        boolean na = isNumber(a);
        boolean nb = isNumber(b);
        if (na && nb) {
            return Long.compare(Long.parseLong(a), Long.parseLong(b));
        }
        return na != nb ? (na ? -1 : 1) : a.compareTo(b);
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.length() < 10 && s.chars().allMatch(Character::isDigit);
    }

    @SuppressWarnings("unchecked")
    private static JsonNode toJson(Object o) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (o instanceof String s) {
            return f.textNode(s);
        }
        Map<String, Object> m = (Map<String, Object>) o;
        if (!m.isEmpty() && m.keySet().stream().allMatch(QueryRequest::isNumber)) {
            ArrayNode a = f.arrayNode();
            m.values().forEach(v -> a.add(toJson(v)));
            return a;
        }
        ObjectNode obj = f.objectNode();
        m.forEach((k, v) -> obj.set(k, toJson(v)));
        return obj;
    }
}
