package io.sgemu.control.ec2;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
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
 *
 * <p>Malformed requests get EC2's error codes, never a Java message: a form that is not
 * {@code application/x-www-form-urlencoded} UTF-8 or has a bad escape or too many parameters is
 * {@code MalformedQueryString}; a missing action {@code MissingAction}; an unknown one {@code InvalidAction};
 * a {@code Version} other than {@value #API_VERSION} {@code NoSuchVersion}. A fault of the emulator is
 * {@code InternalError} (500) with a fixed message.
 */
public final class Ec2Endpoint {

    /** An answer: HTTP status and XML body. */
    public record Answer(int status, String body) {
    }

    /** The API version the emulated actions follow (what the AWS CLI and SDKs send). */
    public static final String API_VERSION = "2016-11-15";

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
            if (contentType != null && !contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
                throw new Ec2Exception("InvalidParameterValue", "expected a form (application/x-www-form-urlencoded), got "
                        + (contentType.length() > 80 ? contentType.substring(0, 80) + "..." : contentType));
            }
            String body = utf8(req.body());
            QueryRequest q = QueryRequest.decode(req.rawQuery() == null ? null : utf8(req.rawQuery().getBytes(
                    StandardCharsets.ISO_8859_1)), body);
            String action = q.get("Action");
            if (action == null || action.isEmpty()) {
                throw new Ec2Exception("MissingAction", "The request must contain the parameter Action");
            }
            String version = q.get("Version");
            if (version != null && !version.equals(API_VERSION)) {
                throw new Ec2Exception("NoSuchVersion", "The requested version (" + shorten(version)
                        + ") of service AmazonEC2 does not exist");
            }
            return new Answer(200, api.handle(q, requestId));
        } catch (Ec2Exception e) {
            return new Answer(e.status(), Xml.error(e.code(), e.getMessage(), requestId));
        } catch (RuntimeException | StackOverflowError e) {
            // the emulator's fault: the Java message stays inside (it may name classes or internal state)
            return new Answer(500, Xml.error("InternalError", "An internal error has occurred", requestId));
        }
    }

    /**
     * Checks that a request to another part of the admin listener ({@code /admin/...}) may be answered: on a
     * loopback listener always; elsewhere only when signed by one of the credentials' keys.
     *
     * @throws Ec2Exception the authentication error otherwise
     */
    public void authorize(InetSocketAddress bind, SigV4Verifier.SignedRequest req) {
        InetAddress a = bind.getAddress();
        if (a != null && a.isLoopbackAddress()) {
            return;
        }
        if (verifier == null) {
            throw new Ec2Exception("AuthFailure", "this listener is not loopback-only and has no --credentials", 401);
        }
        verifier.verify(req);
    }

    /** An EC2 error document for a request refused before it reached the API (size, rate, method). */
    public static Answer error(int status, String code, String message) {
        return new Answer(status, Xml.error(code, message, UUID.randomUUID().toString()));
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new Ec2Exception("MalformedQueryString", "The request is not valid UTF-8.");
        }
    }

    private static String shorten(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
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
