package io.sgemu.control.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** Runs the sgemu command in-process and keeps what it printed. */
record CliRun(int exitCode, String out, String err) {

    /** The project's example folder, seen from the control module where tests run. */
    static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SgemuCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRun(code, out.toString(), err.toString());
    }
}
