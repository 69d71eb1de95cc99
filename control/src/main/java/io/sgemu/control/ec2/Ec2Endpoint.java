package io.sgemu.control.ec2;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The EC2 Query API over HTTP ({@code POST /} on the admin port): checks the request's signature, decodes
 * the form and answers with the {@link Ec2Api}'s XML, or with EC2's error document (HTTP 400, 401 for
 * authentication, 500 for a fault of the emulator).
 *
 * <p>Signatures: with credentials, every request must be signed by one of their keys. Without
 * credentials, a listener bound to loopback only accepts any request (signed or not: the local user is
 * trusted); a listener reachable from elsewhere refuses every request, so that the API is never open to
 * the network by accident.
 */
public final class Ec2Endpoint {

    /** An answer: HTTP status and XML body. */
    public record Answer(int status, String body) {
    }

    private final Ec2Api api;
    private final SigV4Verifier verifier;

    /** @param credentials the accepted keys, or null to trust loopback callers only */
    public Ec2Endpoint(Ec2Api api, Credentials credentials) {
        this.api = api;
        this.verifier = credentials == null ? null : new SigV4Verifier(credentials);
    }

    public Ec2Api api() {
        return api;
    }

    /** Whether this endpoint may serve on {@code bind}: without credentials, only on loopback. */
    public boolean allows(InetSocketAddress bind) {
        InetAddress a = bind.getAddress();
        return verifier != null || (a != null && a.isLoopbackAddress());
    }

    /**
     * Answers one HTTP request.
     *
     * @param bind the listener's address (decides whether an unsigned request is acceptable)
     */
    public Answer answer(InetSocketAddress bind, SigV4Verifier.SignedRequest req) {
        String requestId = UUID.randomUUID().toString();
        try {
            if (verifier != null) {
                verifier.verify(req);
            } else if (!allows(bind)) {
                throw new Ec2Exception("AuthFailure", "this listener is not loopback-only and has no --credentials", 401);
            }
            String contentType = header(req.headers(), "content-type");
            String body = new String(req.body(), StandardCharsets.UTF_8);
            if (contentType != null && !contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
                throw new Ec2Exception("InvalidParameterValue", "expected a form (application/x-www-form-urlencoded), got "
                        + contentType);
            }
            QueryRequest q = QueryRequest.decode(req.rawQuery(), body);
            return new Answer(200, api.handle(q, requestId));
        } catch (Ec2Exception e) {
            return new Answer(e.status(), Xml.error(e.code(), e.getMessage(), requestId));
        } catch (RuntimeException e) {
            return new Answer(500, Xml.error("InternalError", "An internal error has occurred: " + e, requestId));
        }
    }

    private static String header(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }
}
