package io.sgemu.control.changes;

/** EC2 would refuse the request: {@code code} is the error code EC2 returns (e.g. {@code InvalidPermission.NotFound}). */
final class Rejected extends RuntimeException {
    Rejected(String code, String message) {
        super(code + ": " + message);
    }
}
