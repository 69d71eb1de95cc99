package io.sgemu.control.cli;

import io.sgemu.control.aws.WorldJsonWriter;
import io.sgemu.control.gen.GeneratedWorld;
import io.sgemu.control.gen.WorldSize;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/** The options every {@code sgemu gen world} generator shares: where to write, and the seed. */
final class WorldOutputOptions {

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Folder to write the describe-*.json files into (created; must be empty or new). "
                + "Load it with --config DIR.")
    Path out;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S",
            description = "Random seed (default ${DEFAULT-VALUE}): the same options and seed give byte-identical files.")
    long seed;

    @Option(names = "--items-per-file", defaultValue = "" + WorldJsonWriter.DEFAULT_ITEMS_PER_FILE, paramLabel = "N",
            description = "Groups or ENIs per describe file; bigger worlds are split into numbered files "
                + "(default ${DEFAULT-VALUE}).")
    int itemsPerFile;

    /** Checks the output folder before anything is generated, so a mistake costs no time. */
    void checkOut() {
        if (itemsPerFile < 1) {
            throw new UserInputException("--items-per-file must be at least 1, not " + itemsPerFile);
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new UserInputException("--out " + out + " is a file, not a folder");
        }
        if (Files.isDirectory(out)) {
            try (Stream<Path> s = Files.list(out)) {
                if (s.findAny().isPresent()) {
                    throw new UserInputException("--out " + out + " is not empty: the loader would read its other files "
                            + "as part of the world; give a new or empty folder");
                }
            } catch (IOException e) {
                throw new UserInputException("--out " + out + ": cannot be read (" + e.getMessage() + ")", e);
            }
        }
    }

    /** Writes the world, prints its warnings and the one-line summary. */
    void write(GeneratedWorld g, long startNanos, PrintWriter out, PrintWriter err) {
        g.warnings().forEach(w -> err.println("warning: " + w));
        WorldJsonWriter writer = new WorldJsonWriter(itemsPerFile);
        try {
            writer.write(g.world(), this.out);
        } catch (IOException e) {
            throw new UserInputException(this.out + ": cannot write: " + e.getMessage(), e);
        }
        WorldSize s = g.size();
        out.printf(Locale.ROOT, "%s: %d VPCs, %d subnets, %d groups, %d rules (%d inbound, %d outbound), %d ENIs, "
                        + "%d NACL entries, %d prefix lists (%d entries); %d bytes in %d files, %.3f s%n",
                this.out, s.vpcs(), s.subnets(), s.groups(), s.rules(), s.ingressRules(), s.egressRules(), s.enis(),
                s.naclEntries(), s.prefixLists(), s.prefixListEntries(), writer.bytesWritten(), writer.files().size(),
                (System.nanoTime() - startNanos) / 1e9);
    }
}
