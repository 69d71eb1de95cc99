package io.sgemu.control.cli;

import io.sgemu.control.ec2.ControlPlane;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** {@code serve --watch}: reload the world when its files change (see {@link WorldWatcher}). */
final class WatchOptions {

    @Option(names = "--watch",
            description = {"Watch the --config files and folders (polled every second) and, once a change has settled, "
                + "reload and validate the whole world: a valid world becomes the next snapshot (tracked connections "
                + "survive); an invalid one is rejected whole with a warning naming the file and JSON path, and the "
                + "running snapshot stays. Reloading replaces changes made through the EC2 API."})
    boolean watch;

    @Option(names = "--watch-interval-millis", paramLabel = "MILLIS", defaultValue = "1000", hidden = true,
            description = "How often --watch polls the files (tests).")
    long intervalMillis;

    /** Starts watching {@code world}'s files when --watch was given, else answers null. */
    WorldWatcher start(WorldOptions world, ControlPlane controlPlane, PrintWriter err) {
        if (!watch) {
            return null;
        }
        if (intervalMillis < 10) {
            throw new UserInputException("--watch-interval-millis must be at least 10");
        }
        return WorldWatcher.start(world.config, world.strictQuotas, controlPlane, err, intervalMillis);
    }
}
