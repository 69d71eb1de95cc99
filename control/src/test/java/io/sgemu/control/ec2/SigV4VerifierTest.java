package io.sgemu.control.ec2;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The verifier against AWS's published Signature Version 4 test vectors, and what it refuses. */
class SigV4VerifierTest {
    private static final String KEY = "AKIDEXAMPLE";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final String SCOPE = "Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            + "SignedHeaders=host;x-amz-date, Signature=";
    /** get-vanilla: GET / with host and x-amz-date signed. */
    private static final String GET_VANILLA = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
    /** get-vanilla-query-order-key-case: the query is sorted before signing. */
    private static final String QUERY_ORDER = "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500";

    private final SigV4Verifier verifier = new SigV4Verifier(Credentials.of(Map.of(KEY, SECRET)), "service");

    private static SigV4Verifier.SignedRequest get(String query, String authorization, String host) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        h.put("Host", List.of(host));
        h.put("X-Amz-Date", List.of("20150830T123600Z"));
        if (authorization != null) {
            h.put("Authorization", List.of(authorization));
        }
        return new SigV4Verifier.SignedRequest("GET", "/", query, h, new byte[0]);
    }

    private static String code(Throwable e) {
        return ((Ec2Exception) e).code();
    }

    @Test
    void acceptsThePublishedVectors() {
        assertThat(verifier.verify(get(null, "AWS4-HMAC-SHA256 " + SCOPE + GET_VANILLA, "example.amazonaws.com")))
                .isEqualTo(KEY);
        assertThat(verifier.verify(get("Param2=value2&Param1=value1", "AWS4-HMAC-SHA256 " + SCOPE + QUERY_ORDER,
                "example.amazonaws.com"))).isEqualTo(KEY);
    }

    @Test
    void derivesTheDocumentedSigningKey() {
        // the key derivation example of AWS's SigV4 documentation (IAM, 2012-02-15)
        assertThat(SigV4Verifier.hex(SigV4Verifier.signingKey(SECRET, "20120215", "us-east-1", "iam")))
                .isEqualTo("f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
    }

    @Test
    void refusesATamperedRequestOrSignature() {
        String bad = GET_VANILLA.substring(0, 63) + (GET_VANILLA.endsWith("1") ? "2" : "1");
        assertThatThrownBy(() -> verifier.verify(get(null, "AWS4-HMAC-SHA256 " + SCOPE + bad, "example.amazonaws.com")))
                .satisfies(e -> assertThat(code(e)).isEqualTo("AuthFailure"))
                .satisfies(e -> assertThat(((Ec2Exception) e).status()).isEqualTo(401));
        assertThatThrownBy(() -> verifier.verify(get(null, "AWS4-HMAC-SHA256 " + SCOPE + GET_VANILLA, "other.example.com")))
                .as("a signed header changed").satisfies(e -> assertThat(code(e)).isEqualTo("AuthFailure"));
        assertThatThrownBy(() -> verifier.verify(get("Param1=value2", "AWS4-HMAC-SHA256 " + SCOPE + QUERY_ORDER,
                "example.amazonaws.com"))).as("the query changed").satisfies(e -> assertThat(code(e)).isEqualTo("AuthFailure"));
    }

    @Test
    void refusesUnknownKeysMissingAndMalformedHeaders() {
        assertThatThrownBy(() -> verifier.verify(get(null, "AWS4-HMAC-SHA256 " + SCOPE.replace(KEY, "AKIDOTHER") + GET_VANILLA,
                "example.amazonaws.com"))).satisfies(e -> assertThat(code(e)).isEqualTo("AuthFailure"));
        assertThatThrownBy(() -> verifier.verify(get(null, null, "example.amazonaws.com")))
                .satisfies(e -> assertThat(code(e)).isEqualTo("MissingAuthenticationToken"));
        assertThatThrownBy(() -> verifier.verify(get(null, "AWS4-HMAC-SHA256 Credential=x", "example.amazonaws.com")))
                .satisfies(e -> assertThat(code(e)).isEqualTo("IncompleteSignature"));
        assertThatThrownBy(() -> new SigV4Verifier(Credentials.of(Map.of(KEY, SECRET))).verify(
                get(null, "AWS4-HMAC-SHA256 " + SCOPE + GET_VANILLA, "example.amazonaws.com")))
                .as("the EC2 endpoint wants the ec2 scope").satisfies(e -> assertThat(code(e)).isEqualTo("SignatureDoesNotMatch"));
    }

    @Test
    void signsTheBodyWhenNoPayloadHashHeaderIsGiven() {
        byte[] body = "Action=DescribeVpcs&Version=2016-11-15".getBytes(StandardCharsets.UTF_8);
        Map<String, List<String>> h = Map.of("host", List.of("h"), "x-amz-date", List.of("20150830T123600Z"));
        String canonical = SigV4Verifier.canonicalRequest(new SigV4Verifier.SignedRequest("POST", "/", null, h, body),
                "host;x-amz-date");
        assertThat(canonical).isEqualTo("POST\n/\n\nhost:h\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
                + SigV4Verifier.hex(SigV4Verifier.sha256(body)));
    }
}
