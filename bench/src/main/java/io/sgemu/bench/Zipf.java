package io.sgemu.bench;

import java.util.SplittableRandom;

/**
 * Ranks 0..n-1 drawn by a Zipf law of exponent {@code s} (rank k with weight 1/(k+1)^s), by inverting the
 * cumulative distribution: a few ranks take most draws, as a few flows carry most packets in real traffic.
 */
final class Zipf {

    private final double[] cdf;
    private final double total;

    Zipf(int n, double s) {
        cdf = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += 1.0 / Math.pow(k + 1, s);
            cdf[k] = sum;
        }
        total = sum;
    }

    /** The next rank. */
    int next(SplittableRandom r) {
        double u = r.nextDouble() * total;
        int lo = 0;
        int hi = cdf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
