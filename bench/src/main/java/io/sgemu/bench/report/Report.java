package io.sgemu.bench.report;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Turns a results directory into its plots, {@code report.html} and {@code summary.md}, and prints the path
 * of the report. Files that break the contract are named (file:line: problem) on the standard error and in
 * the report; the exit status is then 1, though the report is still written.
 *
 * <pre>
 * java -Djava.awt.headless=true -cp bench/target/benchmarks.jar io.sgemu.bench.report.Report bench/results/&lt;timestamp&gt;
 * </pre>
 */
public final class Report {

    private Report() {
    }

    public static void main(String[] args) {
        // The plots are drawn off screen; without this a machine with no display may refuse to load AWT.
        System.setProperty("java.awt.headless", "true");
        if (args.length != 1) {
            System.err.println("usage: Report RESULTS_DIR   (writes RESULTS_DIR/report.html, summary.md and the plots)");
            System.exit(2);
        }
        try {
            Results results = ResultsDirectory.read(Path.of(args[0]));
            Path html = new ReportWriter(results).write();
            for (String problem : results.problems()) {
                System.err.println("Report: " + problem);
            }
            System.out.println(html.toAbsolutePath());
            if (!results.problems().isEmpty()) {
                System.exit(1);
            }
        } catch (IOException e) {
            System.err.println("Report: " + e.getMessage());
            System.exit(2);
        }
    }
}
