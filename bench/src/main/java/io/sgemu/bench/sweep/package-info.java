/**
 * Sweep measurements: how sgemu's figures change with the size of what it holds, against baselines, written
 * as files a report plots. One main per sweep, each taking {@code --out DIR} (created if missing),
 * {@code --quick} (fewer points, shorter runs) or {@code --tiny} (for tests: tiny sizes, milliseconds per
 * point, meaningless figures):
 * <ul>
 *   <li>{@link io.sgemu.bench.sweep.RulesSweep}: an inbound packet's verdict vs rules per ENI (10 to 100k),
 *       compiled policy vs reference evaluator vs {@link io.sgemu.bench.sweep.LinearScanClassifier};</li>
 *   <li>{@link io.sgemu.bench.sweep.EnisSweep}: the same vs ENIs in the world (1 to 100k);</li>
 *   <li>{@link io.sgemu.bench.sweep.ConnTrackSweep}: connection-tracking hit and the whole path vs live tracked
 *       connections (1k to 10M; points that would not fit in direct memory are skipped and noted), against a
 *       {@code HashMap};</li>
 *   <li>{@link io.sgemu.bench.sweep.CompileSweep}: compile time (from scratch, one rule changed), compiled bytes
 *       and retained heap vs ENIs (1k to 100k) and rules (10k to 1M);</li>
 *   <li>{@link io.sgemu.bench.sweep.HotSwapSweep}: from the start of {@code ControlPlane.apply} until every
 *       live worker judges by the change, vs ENIs;</li>
 *   <li>{@link io.sgemu.bench.sweep.LiveIngestSweep}: live ingest rate and ingest-to-verdict latency at 10, 50,
 *       90% of the discarding receiver's maximum (also takes {@code --world DIR});</li>
 *   <li>{@link io.sgemu.bench.sweep.ReplayRatio}: replay of a generated capture vs {@code tcpdump} with a BPF
 *       filter (also takes {@code --world DIR}).</li>
 * </ul>
 * {@code scripts/bench-sweeps [--quick] [--out DIR] [--only NAME]} builds the bench jar once and runs them all.
 *
 * <p>Files (the report's contract):
 * <ul>
 *   <li>a sweep: {@code <name>.csv}, comment lines {@code # title: text}, {@code # x: label (unit) [log]},
 *       {@code # y: label (unit) [log]}, {@code # note: text} lines (what was measured, how, on how many
 *       threads), then {@code x,<series>...} and numeric rows, an empty cell where a series has no point
 *       ({@link io.sgemu.bench.sweep.SweepCsv});</li>
 *   <li>a latency distribution: {@code <name>.hgrm}, {@code # title:} and {@code # unit: us} lines, then
 *       HdrHistogram's percentile distribution of nanosecond recordings scaled to microseconds;</li>
 *   <li>a ratio table: {@code <name>-ratios.csv}, {@code # kind: ratio}, {@code # title:}, notes, then
 *       {@code measure,sgemu,baseline,ratio,unit} rows, the ratio a speed-up where higher is better
 *       ({@link io.sgemu.bench.sweep.RatioTable}).</li>
 * </ul>
 * Latency of a lookup is measured by timing small batches ({@link io.sgemu.bench.sweep.BatchTimer}); the notes
 * of each file say how.
 */
package io.sgemu.bench.sweep;
