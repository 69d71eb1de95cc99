package io.sgemu.control.ec2;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks AWS Signature Version 4 on a request ({@code Authorization: AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/SERVICE/aws4_request,
 * SignedHeaders=..., Signature=...}): rebuilds the canonical request and the string to sign, derives the
 * signing key from the secret (HMAC-SHA256 over date, region, service, {@code aws4_request}) and compares
 * signatures in constant time. Any region is accepted; the service must be {@code ec2}. The request's
 * time is not checked against the clock (an emulator may replay old requests).
 */
public final class SigV4Verifier {

    private static final Pattern AUTH = Pattern.compile(
            "AWS4-HMAC-SHA256\\s+Credential=([^/,\\s]+)/(\\d{8})/([^/,\\s]+)/([^/,\\s]+)/aws4_request\\s*,\\s*"
                    + "SignedHeaders=([^,\\s]+)\\s*,\\s*Signature=([0-9a-fA-F]{64})\\s*");

    /** A request as the signer saw it. Header names in any case; a header given twice has its values in order. */
    public record SignedRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers,
                                byte[] body) {
    }

    private final Credentials credentials;
    private final String service;

    public SigV4Verifier(Credentials credentials) {
        this(credentials, "ec2");
    }

    /** A verifier for another service's scope (the published test vectors sign for {@code service}). */
    SigV4Verifier(Credentials credentials, String service) {
        this.credentials = credentials;
        this.service = service;
    }

    /**
     * Verifies the request's signature.
     *
     * @return the access key id that signed it
     * @throws Ec2Exception {@code MissingAuthenticationToken} when unsigned, {@code IncompleteSignature} when
     *                      the header is malformed, {@code AuthFailure} for an unknown key or a wrong signature
     */
    public String verify(SignedRequest req) {
        String auth = header(req.headers(), "authorization");
        if (auth == null) {
            throw new Ec2Exception("MissingAuthenticationToken", "Request is missing Authentication Token", 401);
        }
        Matcher m = AUTH.matcher(auth);
        if (!m.matches()) {
            throw new Ec2Exception("IncompleteSignature", "Authorization header is not a valid AWS Signature Version 4 "
                    + "header (AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...)", 401);
        }
        String keyId = m.group(1);
        String date = m.group(2);
        String region = m.group(3);
        String scopedService = m.group(4);
        String signedHeaders = m.group(5);
        String signature = m.group(6).toLowerCase(Locale.ROOT);
        String secret = credentials.secretOf(keyId).orElseThrow(() -> new Ec2Exception("AuthFailure",
                "AWS was not able to validate the provided access credentials", 401));
        if (!scopedService.equals(service)) {
            throw new Ec2Exception("SignatureDoesNotMatch", "Credential should be scoped to correct service: '"
                    + service + "'.", 403);
        }
        String amzDate = header(req.headers(), "x-amz-date");
        if (amzDate == null) {
            amzDate = header(req.headers(), "date");
        }
        if (amzDate == null || !amzDate.startsWith(date)) {
            throw new Ec2Exception("AuthFailure", "AWS was not able to validate the provided access credentials", 401);
        }
        String scope = date + "/" + region + "/" + service + "/aws4_request";
        String canonical = canonicalRequest(req, signedHeaders);
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
        byte[] key = signingKey(secret, date, region, service);
        byte[] expected = HexFormat.of().formatHex(hmac(key, toSign)).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII))) {
            throw new Ec2Exception("AuthFailure", "AWS was not able to validate the provided access credentials", 401);
        }
        return keyId;
    }

    /** The canonical request of SigV4: method, path, query, the signed headers, their names, the body's hash. */
    static String canonicalRequest(SignedRequest req, String signedHeaders) {
        StringBuilder sb = new StringBuilder();
        sb.append(req.method()).append('\n');
        sb.append(canonicalPath(req.rawPath())).append('\n');
        sb.append(canonicalQuery(req.rawQuery())).append('\n');
        for (String name : signedHeaders.split(";")) {
            List<String> values = values(req.headers(), name);
            List<String> trimmed = new ArrayList<>();
            for (String v : values) {
                trimmed.add(v.strip().replaceAll("\\s+", " "));
            }
            sb.append(name.toLowerCase(Locale.ROOT)).append(':').append(String.join(",", trimmed)).append('\n');
        }
        sb.append('\n').append(signedHeaders).append('\n');
        String payloadHash = header(req.headers(), "x-amz-content-sha256");
        sb.append(payloadHash != null && !payloadHash.isEmpty() ? payloadHash : hex(sha256(req.body())));
        return sb.toString();
    }

    private static String canonicalPath(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        // EC2 signs the path URI-encoded once more, segment by segment
        StringBuilder sb = new StringBuilder();
        for (String seg : rawPath.split("/", -1)) {
            if (!sb.isEmpty() || rawPath.startsWith("/")) {
                sb.append('/');
            }
            sb.append(uriEncode(seg));
        }
        String out = sb.toString();
        return out.startsWith("//") ? out.substring(1) : out;
    }

    private static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        TreeMap<String, List<String>> sorted = new TreeMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            sorted.computeIfAbsent(uriEncode(k), x -> new ArrayList<>()).add(uriEncode(v));
        }
        List<String> parts = new ArrayList<>();
        sorted.forEach((k, vs) -> vs.stream().sorted().forEach(v -> parts.add(k + "=" + v)));
        return String.join("&", parts);
    }

    /** RFC 3986 encoding: unreserved characters as they are, every other byte as %XX. */
    static String uriEncode(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                sb.append(c);
            } else {
                sb.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return sb.toString();
    }

    static byte[] signingKey(String secret, String date, String region, String service) {
        byte[] k = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
        k = hmac(k, region);
        k = hmac(k, service);
        return hmac(k, "aws4_request");
    }

    static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static List<String> values(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return List.of();
    }

    private static String header(Map<String, List<String>> headers, String name) {
        List<String> v = values(headers, name);
        return v.isEmpty() ? null : v.get(0);
    }
}
