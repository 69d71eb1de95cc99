package io.sgemu.control.live;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A command of the host system ({@code ip ...}, {@code ping ...}) run to its end with a bounded wait, its
 * standard output and error captured together: the test's way of setting up and driving network namespaces.
 */
final class HostCommand {

    /** How a command ended: its exit status (-1 when it was killed for taking too long) and its output. */
    record Result(List<String> command, int exit, String output) {

        boolean ok() {
            return exit == 0;
        }

        /** The command, its status and its output: for failure messages. */
        String describe() {
            return String.join(" ", command) + " -> exit " + exit + (output.isBlank() ? "" : ":\n" + output.strip());
        }
    }

    private HostCommand() {
    }

    /** Runs {@code command}, waiting at most {@code timeout}; a command still running then is killed. */
    static Result run(Duration timeout, List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Result(command, 127, "cannot start: " + e.getMessage());
        }
        try {
            p.getOutputStream().close(); // no input: a command that reads it sees its end at once
        } catch (IOException e) {
            // it has ended already
        }
        // Read on another thread: a command that fills the pipe would otherwise never end.
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new Result(command, -1, "killed after " + timeout.toMillis() + " ms\n" + output.getNow(""));
            }
            return new Result(command, p.exitValue(), output.get(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(command, -1, "interrupted");
        } catch (Exception e) {
            return new Result(command, p.exitValue(), "(output lost: " + e + ")");
        }
    }

    static Result run(Duration timeout, String... command) {
        return run(timeout, List.of(command));
    }

    /** {@code ip ARGS...} with a short wait (it never blocks for long); the result, whatever it is. */
    static Result ip(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(executable("ip"));
        cmd.addAll(List.of(args));
        return run(Duration.ofSeconds(20), cmd);
    }

    /** {@code ip ARGS...}, which must succeed: otherwise an exception naming the command and its output. */
    static Result mustIp(String... args) {
        Result r = ip(args);
        if (!r.ok()) {
            throw new IllegalStateException(r.describe());
        }
        return r;
    }

    /**
     * The path of {@code name} on the PATH or in the system directories where {@code ip} lives (which an
     * ordinary user's PATH may lack); the bare name when not found (starting it then fails plainly).
     */
    static String executable(String name) {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(java.io.File.pathSeparator)));
        }
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        for (String d : dirs) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Path.of(d, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return name;
    }

    static boolean installed(String name) {
        return !executable(name).equals(name);
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
