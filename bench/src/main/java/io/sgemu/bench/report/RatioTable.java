package io.sgemu.bench.report;

import java.util.List;

/** A table of sgemu's figures against a baseline's, read from a CSV marked {@code # kind: ratio}. */
public record RatioTable(String name, String title, List<String> notes, List<Row> rows) implements ResultCsv {

    /** One measure; cells are text as written (units included); command may be empty. */
    public record Row(String measure, String sgemu, String baseline, String ratio, String command) {
    }
}
