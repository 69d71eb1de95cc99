package io.sgemu.control.cli;

import io.sgemu.control.aws.LoadedWorld;
import io.sgemu.control.aws.LoaderOptions;
import io.sgemu.control.aws.WorldLoadException;
import io.sgemu.control.aws.WorldLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The options that say where the world comes from; shared by every subcommand that needs a world. */
public final class WorldOptions {

    @Option(names = "--config", required = true, arity = "1..*", paramLabel = "FILE|DIR",
            description = {"AWS CLI describe-* JSON output, sgemu YAML worlds, or folders of them "
                + "(every *.json, *.yaml, *.yml below). Repeatable; all are merged."})
    List<Path> config;

    @Option(names = "--strict-quotas",
            description = "Treat AWS quota overruns (rules per group, groups per ENI, NACL entries) as errors, "
                + "not warnings.")
    boolean strictQuotas;

    /** Loads and validates the world; a problem becomes a one-line user error naming file and JSON path. */
    LoadedWorld load() {
        return load(config, strictQuotas);
    }

    /** As {@link #load()}, for files given by another option (e.g. the second world of {@code diff}). */
    static LoadedWorld load(List<Path> config, boolean strictQuotas) {
        for (Path p : config) {
            if (!Files.exists(p)) {
                throw new UserInputException(p + ": no such file or folder");
            }
        }
        try {
            return new WorldLoader(new LoaderOptions(strictQuotas)).load(config);
        } catch (WorldLoadException e) {
            throw new UserInputException(e.getMessage(), e);
        }
    }
}
