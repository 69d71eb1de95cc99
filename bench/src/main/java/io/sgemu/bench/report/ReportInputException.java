package io.sgemu.bench.report;

import java.nio.file.Path;

/** A results file that does not follow the contract of this package; the message names file and line. */
public final class ReportInputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ReportInputException(Path file, int line, String problem) {
        super(file.getFileName() + (line > 0 ? ":" + line : "") + ": " + problem);
    }

    public ReportInputException(Path file, String problem) {
        this(file, 0, problem);
    }
}
