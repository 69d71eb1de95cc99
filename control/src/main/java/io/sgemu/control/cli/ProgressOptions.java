package io.sgemu.control.cli;

import io.sgemu.control.replay.ProgressBar;
import io.sgemu.control.replay.ReplayProgress;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --progress} / {@code --no-progress}: a progress bar on standard error. By default it is shown only
 * when standard error is a terminal, and only for replays that last more than two seconds.
 */
public final class ProgressOptions {

    /** True for --progress, false for --no-progress, null (decide by the terminal) without either. */
    @Option(names = "--progress", negatable = true, description = {
        "--progress: show the progress bar on stderr from the start, even when stderr is not a terminal. "
            + "--no-progress: never show it.",
        "Default: shown on stderr when stderr is a terminal and the replay lasts more than 2 s (percent of the "
            + "input read, packets so far, packets/s, ETA; replaced by a final line at the end)."})
    Boolean wanted;

    /** The progress reporter these options and this terminal ask for. */
    ReplayProgress progress(PrintWriter err) {
        return choose(err, stderrIsTerminal());
    }

    ReplayProgress choose(PrintWriter err, boolean stderrIsTerminal) {
        boolean forced = Boolean.TRUE.equals(wanted);
        if (Boolean.FALSE.equals(wanted) || !forced && !stderrIsTerminal) {
            return ReplayProgress.NONE;
        }
        return new ProgressBar(err, System::nanoTime, forced);
    }

    /**
     * Whether standard error (file descriptor 2) is a terminal. The JDK has no direct answer for stderr:
     * {@link System#console()} is non-null, up to JDK 21, only when both stdin and stdout are terminals, and
     * from JDK 22 on it may be non-null when they are redirected ({@link Console#isTerminal()} then tells).
     * So: where the system shows the process's descriptors ({@code /proc/self/fd/2} on Linux), stderr is a
     * terminal when it leads to a terminal device; elsewhere the console's answer is taken, which stays
     * quiet whenever stdout is redirected, the cautious side. {@code TERM=dumb} turns it off.
     */
    static boolean stderrIsTerminal() {
        if ("dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        Path fd2 = Path.of("/proc/self/fd/2");
        try {
            if (Files.isSymbolicLink(fd2)) {
                String target = Files.readSymbolicLink(fd2).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
            }
        } catch (IOException | RuntimeException e) {
            // no /proc answer: ask the console
        }
        return consoleIsTerminal();
    }

    /** {@code Console.isTerminal()} where it exists (JDK 22+), else whether there is a console at all. */
    static boolean consoleIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true; // JDK 21: a console exists only when stdin and stdout are terminals
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
