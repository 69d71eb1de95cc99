package io.sgemu.bench.sweep;

import java.util.ArrayList;
import java.util.List;

/**
 * The three classifiers of a policy sweep (compiled policy, reference evaluator, linear scan) measured
 * point by point, then written as a latency CSV (p50, p99, p99.9 of each), a throughput CSV, histograms of
 * the largest point and the ratios at the largest point.
 */
final class PolicySeries {

    static final String[] NAMES = {"sgemu", "reference", "linear scan"};
    static final String[] FILES = {"sgemu", "reference", "linear"};

    private final String name;
    private final String title;
    private final String xAxis;
    private final String xUnit;
    private final List<Double> xs = new ArrayList<>();
    private final List<BatchTimer.Result[]> points = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    PolicySeries(String name, String title, String xAxis, String xUnit) {
        this.name = name;
        this.title = title;
        this.xAxis = xAxis;
        this.xUnit = xUnit;
    }

    PolicySeries note(String text) {
        notes.add(text);
        return this;
    }

    /** One point: the results of the three classifiers (null where not measured). */
    void add(double x, BatchTimer.Result... results) {
        xs.add(x);
        points.add(results);
        StringBuilder b = new StringBuilder(String.format("%s %s=%.0f:", name, xAxis, x));
        for (int s = 0; s < results.length; s++) {
            if (results[s] != null) {
                b.append(String.format("  %s p50 %.1f ns p99 %.1f ns %.3f Mpps", NAMES[s], results[s].quantile(0.5),
                        results[s].quantile(0.99), results[s].mpps()));
            }
        }
        System.out.println(b);
    }

    void write(SweepOptions o, String timing) {
        List<String> series = new ArrayList<>();
        for (String n : NAMES) {
            series.add(n + " p50");
            series.add(n + " p99");
            series.add(n + " p99.9");
        }
        SweepCsv latency = new SweepCsv(title + ": latency per packet", xAxis + " (" + xUnit + ") log", "latency (ns) log",
                series.toArray(String[]::new));
        SweepCsv throughput = new SweepCsv(title + ": throughput", xAxis + " (" + xUnit + ") log", "throughput (Mpps) log", NAMES);
        for (String n : notes) {
            latency.note(n);
            throughput.note(n);
        }
        latency.note(timing);
        throughput.note("throughput: packets judged over wall time in batches of about 1 ms, one thread, after a warm-up");
        for (int i = 0; i < xs.size(); i++) {
            BatchTimer.Result[] r = points.get(i);
            double[] l = new double[9];
            double[] t = new double[3];
            for (int s = 0; s < 3; s++) {
                BatchTimer.Result x = s < r.length ? r[s] : null;
                l[3 * s] = x == null ? Double.NaN : x.quantile(0.5);
                l[3 * s + 1] = x == null ? Double.NaN : x.quantile(0.99);
                l[3 * s + 2] = x == null ? Double.NaN : x.quantile(0.999);
                t[s] = x == null ? Double.NaN : x.mpps();
            }
            latency.row(xs.get(i), l);
            throughput.row(xs.get(i), t);
        }
        latency.write(o.file(name + "-latency.csv"));
        throughput.write(o.file(name + "-throughput.csv"));
        if (xs.isEmpty()) {
            return;
        }
        int last = xs.size() - 1;
        BatchTimer.Result[] r = points.get(last);
        double x = xs.get(last);
        for (int s = 0; s < r.length; s++) {
            if (r[s] != null) {
                BatchTimer.writeHistogram(o.file(name + "-" + FILES[s] + ".hgrm"),
                        String.format("%s: %s latency per packet at %s = %.0f", title, NAMES[s], xAxis, x), r[s].histogram());
            }
        }
        RatioTable ratios = new RatioTable(title + ": sgemu against its baselines at " + xAxis + " = " + (long) x);
        ratios.note("measured at the largest point of the sweep (" + xAxis + " = " + (long) x + "), one thread");
        for (int s = 1; s < 3; s++) {
            if (r[0] != null && s < r.length && r[s] != null) {
                ratios.rate("throughput vs " + NAMES[s], r[0].mpps(), r[s].mpps(), "Mpps");
                ratios.time("p50 latency vs " + NAMES[s], r[0].quantile(0.5), r[s].quantile(0.5), "ns");
                ratios.time("p99 latency vs " + NAMES[s], r[0].quantile(0.99), r[s].quantile(0.99), "ns");
            }
        }
        ratios.write(o.file(name + "-ratios.csv"));
    }
}
