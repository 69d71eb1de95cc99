package io.sgemu.bench.sweep;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.HdrHistogram.Histogram;

/**
 * Latency and throughput of a lookup, measured by timing batches, outside JMH (a sweep has dozens of
 * points and each needs its own world; one JVM and a time budget per point keep a sweep short).
 *
 * <p>Latency: {@code System.nanoTime()} around a small batch of lookups (on distinct packets), the batch's
 * time divided by its size recorded as one sample (so a sample is the mean of a few lookups, and the timer's
 * own cost, some 20 ns a batch, is spread over them). Throughput: lookups over wall time in large batches,
 * after a warm-up of the same code.
 */
public final class BatchTimer {

    /** Lookups {@code from}, {@code from + 1}, ... ({@code count} of them, the callee wraps); returns a checksum. */
    @FunctionalInterface
    public interface Lookups {
        long run(long from, int count);
    }

    /** Samples (ns per lookup, as batch means) and the throughput. */
    public record Result(Histogram histogram, double[] sorted, double lookupsPerSecond, long lookups) {

        /** The {@code q} quantile (0..1) of the per-lookup samples, in nanoseconds. */
        public double quantile(double q) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.ceil(q * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
        }

        public double mpps() {
            return lookupsPerSecond / 1e6;
        }
    }

    /** Keeps results alive so that the JIT cannot drop the lookups. */
    static volatile long sink;

    private BatchTimer() {
    }

    /**
     * @param batch        lookups per latency sample
     * @param bigBatch     lookups per timed call of the warm-up and throughput phases
     * @param budgetNanos  the whole time: a fifth warm-up, two fifths latency, two fifths throughput
     * @param maxSamples   the most latency samples kept
     */
    public static Result measure(Lookups lookups, int batch, int bigBatch, long budgetNanos, int maxSamples) {
        long cursor = 0;
        long check = 0;
        long end = System.nanoTime() + budgetNanos / 5;
        do {
            check += lookups.run(cursor, bigBatch);
            cursor += bigBatch;
        } while (System.nanoTime() < end);

        Histogram h = new Histogram(3_600_000_000_000L, 3);
        double[] samples = new double[Math.min(maxSamples, 1 << 16)];
        int n = 0;
        end = System.nanoTime() + budgetNanos * 2 / 5;
        long now;
        do {
            long t0 = System.nanoTime();
            check += lookups.run(cursor, batch);
            now = System.nanoTime();
            cursor += batch;
            double each = (now - t0) / (double) batch;
            h.recordValue(Math.max(1, Math.round(each)));
            if (n == samples.length && n < maxSamples) {
                samples = Arrays.copyOf(samples, Math.min(maxSamples, n * 2));
            }
            if (n < samples.length) {
                samples[n++] = each;
            }
        } while (now < end);

        long count = 0;
        long t0 = System.nanoTime();
        end = t0 + budgetNanos * 2 / 5;
        do {
            check += lookups.run(cursor, bigBatch);
            cursor += bigBatch;
            count += bigBatch;
            now = System.nanoTime();
        } while (now < end);
        sink += check;
        double[] sorted = Arrays.copyOf(samples, n);
        Arrays.sort(sorted);
        return new Result(h, sorted, count * 1e9 / (now - t0), count);
    }

    /**
     * {@link #measure} with batch sizes from a calibration (a few lookups timed first): latency batches of
     * about 2 us (1 to 16 lookups), throughput batches of about 1 ms.
     */
    public static Result measure(Lookups lookups, long budgetNanos) {
        long t0 = System.nanoTime();
        long check = lookups.run(0, 4);
        double each = Math.max(1, (System.nanoTime() - t0) / 4.0);
        sink += check;
        int batch = (int) Math.max(1, Math.min(16, 2_000 / each));
        int big = (int) Math.max(1, Math.min(4096, 1_000_000 / each));
        return measure(lookups, batch, big, budgetNanos, 1 << 20);
    }

    /** {@code h} as HdrHistogram's percentile distribution in microseconds (values recorded in ns). */
    public static void writeHistogram(Path file, String title, Histogram h) {
        try (OutputStream o = Files.newOutputStream(file); PrintStream p = new PrintStream(o, false, "UTF-8")) {
            p.println("# title: " + title);
            p.println("# unit: us");
            h.outputPercentileDistribution(p, 1000.0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
