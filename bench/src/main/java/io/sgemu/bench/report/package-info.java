/**
 * The benchmark report: reads a results directory that {@code scripts/bench} filled and turns it into
 * PNG plots, one self-contained {@code report.html} and a {@code summary.md} table for the README.
 *
 * <h2>The results directory (the contract between the measuring steps and this package)</h2>
 * A run writes {@code bench/results/<timestamp>/}, the timestamp in UTC as {@code yyyyMMdd-HHmmss}. Every
 * step writes its files straight into that directory; file names (without extension) are unique in it.
 *
 * <dl>
 * <dt>{@code <name>.csv}, a sweep (one plot)</dt>
 * <dd>Leading comment lines, then a header row and numeric rows:
 * <pre>
 * # title: Conntrack hit latency against live entries
 * # x: live entries (entries) log
 * # y: hit latency (ns) log
 * # note: 2 cores shared, JDK 25      (optional; several allowed)
 * x,sgemu IPv4,sgemu IPv6
 * 10000,35.1,41.0
 * 1000000,367,
 * </pre>
 * An axis line is {@code <label> (<unit>)} followed by the word {@code log} for a log10 scale. The header
 * is {@code x} then one column per series; an empty cell is no point for that series (the line has a gap
 * there). Cells may be double-quoted (for a series name with a comma). Numbers are plain Java doubles;
 * on a log axis they must be positive.</dd>
 *
 * <dt>{@code <name>.csv} with {@code # kind: ratio}, a ratio table (no plot)</dt>
 * <dd>{@code # title:}, {@code # note:} as above, and optionally {@code # command: <how to reproduce>};
 * then the header {@code measure,sgemu,baseline,ratio} (a fifth column is allowed: {@code command}, per
 * row, or {@code unit}, appended to the sgemu and baseline cells) and one row per measure. Cells are text (figures with their units, e.g. {@code 1.2 Mpps}); an
 * empty ratio is computed as sgemu / baseline when both cells are plain numbers.</dd>
 *
 * <dt>{@code <name>.hgrm}, a latency distribution</dt>
 * <dd>The text of HdrHistogram's {@code Histogram.outputPercentileDistribution(out, 1000.0)} (values
 * recorded in nanoseconds print as microseconds), optionally preceded by {@code # title: <text>} and
 * {@code # unit: <unit of the printed values>} (default {@code µs}).</dd>
 *
 * <dt>{@code <name>.jmh.json}</dt>
 * <dd>JMH's JSON result file ({@code -rf json -rff <name>.jmh.json}); {@code -prof gc} adds the
 * allocation per operation ({@code gc.alloc.rate.norm}) that the report shows.</dd>
 *
 * <dt>{@code machine.json}</dt>
 * <dd>Written by the script: one JSON object of strings and numbers (CPU model, cores, memory, OS, JDK,
 * load average at the start, git commit, {@code mode}: {@code quick} or {@code full}, ...), shown as is.</dd>
 *
 * <dt>{@code steps.tsv}</dt>
 * <dd>Written by the script, one line per step: {@code name<TAB>status<TAB>seconds<TAB>command}, status
 * {@code ok} or {@code failed (exit N)}. The step's output is in {@code <name>.log}. Failed steps are
 * shown at the top of the report.</dd>
 * </dl>
 *
 * <p>Outputs, written into the same directory: {@code <name>.png} per sweep, {@code <name>.hgrm.png} per
 * latency distribution, {@code report.html} (no network references: images are inline data URIs) and
 * {@code summary.md} (the table that {@link io.sgemu.bench.report.ReadmeTable} puts into the README between
 * {@code <!-- bench:begin -->} and {@code <!-- bench:end -->}).
 *
 * <p>A file that does not follow the contract is reported (file, line, what is wrong) in the report and
 * on the standard error; the other files are still reported.
 */
package io.sgemu.bench.report;
