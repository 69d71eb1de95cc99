package io.sgemu.bench.report;

import java.util.ArrayList;
import java.util.List;

/**
 * An axis's mapping from data values to pixels, and its ticks. Linear axes get 'nice' ticks (steps of 1, 2
 * or 5 times a power of ten) and a domain rounded out to them; log10 axes span whole decades with labels
 * 1, 10, 100, 1k, ...; percentile axes are log10 axes of 1/(1-p), labelled 50%, 90%, 99%, 99.9%, ...
 * A scale is first made from its data range ({@link #linear}, {@link #log}, {@link #percentile}), then
 * placed on pixels ({@link #mapTo}); the ticks depend only on the data range.
 */
public final class Scale {

    public enum Kind { LINEAR, LOG, PERCENTILE }

    /** A tick: major ticks get a grid line and, when labelled, a label; minor ticks a faint line. */
    public record Tick(double value, String label, boolean major) {
    }

    private static final int LINEAR_TICKS = 6;

    private final Kind kind;
    private final double min;
    private final double max;
    private final double pixelMin;
    private final double pixelMax;
    private final List<Tick> ticks;
    private final double step;

    private Scale(Kind kind, double min, double max, double pixelMin, double pixelMax, List<Tick> ticks, double step) {
        this.step = step;
        this.kind = kind;
        this.min = min;
        this.max = max;
        this.pixelMin = pixelMin;
        this.pixelMax = pixelMax;
        this.ticks = ticks;
    }

    /**
     * A linear scale over at least [dataMin, dataMax]; starts at zero when all data are positive and zero is
     * not far below them (so that bars of throughput are compared from zero).
     */
    public static Scale linear(double dataMin, double dataMax) {
        double lo = dataMin;
        double hi = dataMax;
        if (!(lo <= hi)) { // no data (NaN) or reversed
            lo = 0;
            hi = 1;
        }
        if (lo >= 0 && lo <= hi / 2) {
            lo = 0;
        }
        if (hi == lo) {
            double pad = hi == 0 ? 1 : Math.abs(hi) * 0.1;
            lo -= pad;
            hi += pad;
        }
        double step = niceNumber(niceNumber(hi - lo, false) / (LINEAR_TICKS - 1), true);
        double start = Math.floor(lo / step) * step;
        double end = Math.ceil(hi / step) * step;
        List<Tick> ticks = new ArrayList<>();
        long n = Math.round((end - start) / step);
        double largest = Math.max(Math.abs(start), Math.abs(end));
        for (long i = 0; i <= n; i++) {
            double v = start + i * step;
            ticks.add(new Tick(v, linearLabel(v, step, largest), true));
        }
        return new Scale(Kind.LINEAR, start, end, 0, 1, List.copyOf(ticks), step);
    }

    /** A log10 scale over whole decades enclosing [dataMin, dataMax] (both > 0). */
    public static Scale log(double dataMin, double dataMax) {
        if (!(dataMin > 0 && dataMax >= dataMin)) {
            dataMin = 1;
            dataMax = 10;
        }
        int lo = (int) Math.floor(Math.log10(dataMin) + 1e-9);
        int hi = (int) Math.ceil(Math.log10(dataMax) - 1e-9);
        if (hi <= lo) {
            hi = lo + 1;
        }
        int decades = hi - lo;
        int labelEvery = Math.max(1, (int) Math.ceil(decades / 10.0));
        List<Tick> ticks = new ArrayList<>();
        for (int k = lo; k <= hi; k++) {
            double decade = Math.pow(10, k);
            ticks.add(new Tick(decade, (k - lo) % labelEvery == 0 ? Numbers.compact(decade) : "", true));
            if (k == hi) {
                break;
            }
            for (int m = 2; m <= 9; m++) {
                // With only a decade or two, 2 and 5 get labels too, else the axis has two numbers on it.
                boolean labelled = decades <= 2 && (m == 2 || m == 5);
                ticks.add(new Tick(m * decade, labelled ? Numbers.compact(m * decade) : "", false));
            }
        }
        return new Scale(Kind.LOG, Math.pow(10, lo), Math.pow(10, hi), 0, 1, List.copyOf(ticks), Double.NaN);
    }

    /**
     * A percentile axis: x is 1/(1-p), on a log10 scale from 1 (p = 0) to the decade at or above
     * {@code maxInverse}, at least 100 (99%).
     */
    public static Scale percentile(double maxInverse) {
        int hi = Math.max(2, (int) Math.ceil(Math.log10(Math.max(1, maxInverse)) - 1e-9));
        List<Tick> ticks = new ArrayList<>();
        ticks.add(new Tick(1, "", true));
        ticks.add(new Tick(2, "50%", true));
        for (int k = 1; k <= hi; k++) {
            ticks.add(new Tick(Math.pow(10, k), percentLabel(k), true));
        }
        return new Scale(Kind.PERCENTILE, 1, Math.pow(10, hi), 0, 1, List.copyOf(ticks), Double.NaN);
    }

    /** 90%, 99%, 99.9%, ... for 1/(1-p) = 10^k. */
    static String percentLabel(int nines) {
        if (nines == 1) {
            return "90%";
        }
        return nines == 2 ? "99%" : "99." + "9".repeat(nines - 2) + "%";
    }

    /** The same scale drawn from pixel {@code from} (at its minimum) to {@code to} (at its maximum). */
    public Scale mapTo(double from, double to) {
        return new Scale(kind, min, max, from, to, ticks, step);
    }

    /** The pixel coordinate of data value {@code v} (may fall outside the pixel range). */
    public double toPixel(double v) {
        double t = (transform(v) - transform(min)) / (transform(max) - transform(min));
        return pixelMin + t * (pixelMax - pixelMin);
    }

    private double transform(double v) {
        return kind == Kind.LINEAR ? v : Math.log10(v);
    }

    /** Whether {@code v} can be drawn on this scale (finite, and positive on log scales). */
    public boolean accepts(double v) {
        return Double.isFinite(v) && (kind == Kind.LINEAR || v > 0);
    }

    public Kind kind() {
        return kind;
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    public List<Tick> ticks() {
        return ticks;
    }

    /** The distance between a linear scale's ticks (NaN on log scales). */
    public double step() {
        return step;
    }

    /**
     * A linear tick's label: with the k/M/G suffix of the axis's largest value when the step needs at most
     * one decimal in it (0.5M, 1M, 1.5M), else in full with digit groups and the decimals the step needs
     * (1,000,200), so that neighbouring ticks never read the same.
     */
    static String linearLabel(double v, double step, double largest) {
        if (Math.abs(v) < step * 1e-6) {
            return "0"; // not 0M, and no "-0" from float noise
        }
        double[] divisors = {1e12, 1e9, 1e6, 1e3};
        String[] suffixes = {"T", "G", "M", "k"};
        for (int i = 0; i < divisors.length; i++) {
            if (largest >= divisors[i] && step >= divisors[i] / 10 - 1e-9 * divisors[i]) {
                return decimals(v / divisors[i], step / divisors[i], false) + suffixes[i];
            }
            if (largest >= divisors[i]) {
                break;
            }
        }
        return decimals(v, step, true);
    }

    private static String decimals(double v, double step, boolean grouped) {
        int places = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
        return String.format(java.util.Locale.ROOT, (grouped ? "%,." : "%.") + places + "f", v);
    }

    /** Heckbert's nice number: 1, 2, 5 or 10 times a power of ten near {@code x}. */
    static double niceNumber(double x, boolean round) {
        double exp = Math.floor(Math.log10(x));
        double f = x / Math.pow(10, exp);
        double nice;
        if (round) {
            nice = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
        } else {
            nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
        }
        return nice * Math.pow(10, exp);
    }
}
