package io.sgemu.control.ec2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
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

    /** More parameters than any EC2 call needs: a request with more is refused before it is looked at. */
    public static final int MAX_PARAMETERS = 10_000;
    /** More dotted segments in a name than any EC2 parameter has ({@code A.1.B.2.C.3.D} is 7). */
    public static final int MAX_NAME_SEGMENTS = 16;

    /**
     * Decodes an {@code application/x-www-form-urlencoded} body (and/or a URL's query): {@code +} is a space,
     * {@code %XX} a byte, and the bytes must be UTF-8.
     *
     * @throws Ec2Exception {@code MalformedQueryString} for a bad escape, bytes that are not UTF-8, more than
     *                      {@value #MAX_PARAMETERS} parameters or a name of more than {@value #MAX_NAME_SEGMENTS} segments
     */
    public static QueryRequest decode(String... forms) {
        Map<String, String> p = new LinkedHashMap<>();
        int count = 0;
        for (String form : forms) {
            if (form == null || form.isEmpty()) {
                continue;
            }
            for (String pair : form.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                if (++count > MAX_PARAMETERS) {
                    throw new Ec2Exception("MalformedQueryString", "The request has more than " + MAX_PARAMETERS
                            + " parameters.");
                }
                int eq = pair.indexOf('=');
                String k = formDecode(eq < 0 ? pair : pair.substring(0, eq));
                String v = eq < 0 ? "" : formDecode(pair.substring(eq + 1));
                if (segments(k) > MAX_NAME_SEGMENTS) {
                    throw new Ec2Exception("MalformedQueryString", "The parameter name " + shorten(k)
                            + " has more than " + MAX_NAME_SEGMENTS + " dotted segments.");
                }
                p.put(k, v);
            }
        }
        return new QueryRequest(p);
    }

    /** One name or value of a form, strictly: a bad escape or bytes that are not UTF-8 are refused, not replaced. */
    static String formDecode(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(s.charAt(i + 2), 16);
                if (lo < 0) {
                    throw new Ec2Exception("MalformedQueryString", "Invalid percent-encoding in the query: "
                            + shorten(s.substring(i, Math.min(s.length(), i + 3))));
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    utf8 = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.writeBytes(utf8);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new Ec2Exception("MalformedQueryString", "The query string is not valid UTF-8 once decoded.");
        }
    }

    private static int segments(String name) {
        int n = 1;
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) == '.') {
                n++;
            }
        }
        return n;
    }

    /** A part of the input for a message: never a megabyte echoed back. */
    private static String shorten(String s) {
        return s.length() <= 64 ? "'" + s + "'" : "'" + s.substring(0, 64) + "...'";
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
