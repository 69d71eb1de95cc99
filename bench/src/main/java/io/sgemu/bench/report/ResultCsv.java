package io.sgemu.bench.report;

/** What a results CSV holds: a sweep to plot or a ratio table. */
public sealed interface ResultCsv permits Sweep, RatioTable {

    /** The file name without {@code .csv}. */
    String name();

    String title();
}
