package io.sgemu.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Puts a run's {@code summary.md} into the README, between the lines {@code <!-- bench:begin -->} and
 * {@code <!-- bench:end -->}; nothing outside them changes.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.sgemu.bench.report.ReadmeTable README.md bench/results/&lt;timestamp&gt;
 * </pre>
 */
public final class ReadmeTable {

    public static final String BEGIN = "<!-- bench:begin -->";
    public static final String END = "<!-- bench:end -->";

    private ReadmeTable() {
    }

    /** {@code readme} with what lies between the markers replaced by {@code table}. */
    public static String replace(String readme, String table) {
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        if (begin < 0 || end < 0) {
            throw new IllegalArgumentException("the README has no " + (begin < 0 ? BEGIN : END)
                    + " marker: put the lines " + BEGIN + " and " + END + " where the benchmark table goes");
        }
        if (end < begin) {
            throw new IllegalArgumentException(END + " comes before " + BEGIN + " in the README");
        }
        if (readme.indexOf(BEGIN, begin + 1) >= 0 || readme.indexOf(END, end + 1) >= 0) {
            throw new IllegalArgumentException("the README has more than one " + BEGIN + " / " + END + " pair");
        }
        String body = table.strip();
        return readme.substring(0, begin + BEGIN.length()) + "\n" + body + "\n" + readme.substring(end);
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: ReadmeTable README.md RESULTS_DIR   (puts RESULTS_DIR/summary.md between "
                    + BEGIN + " and " + END + ")");
            System.exit(2);
        }
        Path readme = Path.of(args[0]);
        Path summary = Path.of(args[1]).resolve("summary.md");
        try {
            if (!Files.isRegularFile(summary)) {
                throw new IllegalArgumentException("no " + summary + ": run io.sgemu.bench.report.Report " + args[1] + " first");
            }
            String text = Files.readString(readme, StandardCharsets.UTF_8);
            String updated = replace(text, Files.readString(summary, StandardCharsets.UTF_8));
            Files.writeString(readme, updated, StandardCharsets.UTF_8);
            System.out.println("updated " + readme + " from " + summary);
        } catch (IllegalArgumentException e) {
            System.err.println("ReadmeTable: " + readme + ": " + e.getMessage());
            System.exit(1);
        } catch (IOException e) {
            System.err.println("ReadmeTable: cannot read or write " + e.getMessage() + " (" + e.getClass().getSimpleName() + ")");
            System.exit(1);
        }
    }
}
