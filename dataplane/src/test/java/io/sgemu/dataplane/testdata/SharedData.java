package io.sgemu.dataplane.testdata;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The shared test material of the second test layer, found through the environment variable
 * {@code SGEMU_SHARED_DATA}. Tests that need it are skipped when the variable is unset (or left as
 * the build's unexpanded placeholder), and must run when it is set.
 */
public final class SharedData {

    public static final String VARIABLE = "SGEMU_SHARED_DATA";

    private SharedData() {
    }

    /** The shared data directory; skips the calling test when the variable is unset. */
    public static Path directory() {
        String value = System.getenv(VARIABLE);
        boolean set = value != null && !value.isBlank() && !value.startsWith("${");
        assumeTrue(set, VARIABLE + " is not set: second-layer test skipped");
        Path dir = Path.of(value);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException(VARIABLE + "=" + value + " is not a directory");
        }
        return dir;
    }

    /** Every *.pcap and *.pcapng file under {@code pcap/}, sorted. */
    public static List<Path> captures() {
        Path root = directory().resolve("pcap");
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String relative(Path file) {
        return directory().relativize(file).toString();
    }
}
