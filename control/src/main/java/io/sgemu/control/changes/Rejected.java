package io.sgemu.control.changes;

/**
 * EC2 would refuse the request: {@code code} is the error code EC2 returns (e.g. {@code InvalidPermission.NotFound}).
 * Public so that the EC2 Query API can answer with the same code the change log reports.
 */
public final class Rejected extends RuntimeException {
    private final String code;
    private final String detail;

    public Rejected(String code, String message) {
        super(code + ": " + message);
        this.code = code;
        this.detail = message;
    }

    /** EC2's error code. */
    public String code() {
        return code;
    }

    /** What is wrong, without the code. */
    public String detail() {
        return detail;
    }
}
