package io.sgemu.bench.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/** Number formatting shared by axis labels, tables and the summary. */
final class Numbers {

    private static final String[] SUFFIXES = {"", "k", "M", "G", "T"};

    private Numbers() {
    }

    /** {@code v} rounded to {@code digits} significant digits, without exponent or trailing zeros. */
    static String significant(double v, int digits) {
        if (v == 0 || !Double.isFinite(v)) {
            return v == 0 ? "0" : Double.toString(v);
        }
        BigDecimal d = new BigDecimal(v).round(new MathContext(digits, RoundingMode.HALF_EVEN)).stripTrailingZeros();
        if (d.scale() < 0) {
            d = d.setScale(0);
        }
        return d.toPlainString();
    }

    /** An axis label: 1, 10, 100, 1k, 10k, 100k, 1M, 2.5M, 0.1, 0.01 ... */
    static String compact(double v) {
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        int k = 0;
        while (a >= 1000 && k < SUFFIXES.length - 1) {
            a /= 1000;
            k++;
        }
        String digits = significant(a, 4);
        return (v < 0 ? "-" : "") + digits + SUFFIXES[k];
    }

    /** A figure for a table: grouped integers from 100 up, else three significant digits. */
    static String figure(double v) {
        if (!Double.isFinite(v)) {
            return "-";
        }
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return significant(v, 3);
    }

    /**
     * Bytes per operation: below 0.01 it is JMH's own bookkeeping spread over millions of operations, not
     * an allocation of the code measured, so it shows as {@code ~0}.
     */
    static String allocation(double bytes) {
        return Math.abs(bytes) < 0.01 ? "~0" : figure(bytes);
    }
}
