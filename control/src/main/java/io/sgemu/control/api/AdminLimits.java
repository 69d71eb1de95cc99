package io.sgemu.control.api;

/**
 * What one request to the admin listener may cost: its body ({@code 413} beyond), its request line and
 * headers together ({@code 431} beyond), and how many requests a client address may make (a token bucket:
 * {@code burst} at once, {@code requestsPerSecond} after; {@code 503} beyond, 0 for no limit).
 */
public record AdminLimits(int maxBodyBytes, int maxHeaderBytes, double requestsPerSecond, int burst) {

    /** 1 MiB bodies (an EC2 call is a few kilobytes), 8 KiB of headers, 100 requests a second after 200 at once. */
    public static final AdminLimits DEFAULT = new AdminLimits(1 << 20, 8 << 10, 100, 200);

    public AdminLimits {
        if (maxBodyBytes < 0 || maxHeaderBytes < 0) {
            throw new IllegalArgumentException("size limits must not be negative");
        }
        if (!(requestsPerSecond >= 0) || Double.isInfinite(requestsPerSecond)) {
            throw new IllegalArgumentException("the rate limit must be a number of requests a second (0: none)");
        }
        if (requestsPerSecond > 0 && burst < 1) {
            throw new IllegalArgumentException("the burst must be at least 1");
        }
    }

    /** The same limits with another rate and burst. */
    public AdminLimits withRate(double perSecond, int burst) {
        return new AdminLimits(maxBodyBytes, maxHeaderBytes, perSecond, burst);
    }
}
