package io.sgemu.control.cli;

import io.sgemu.control.aws.LoadedWorld;
import io.sgemu.control.ec2.ControlPlane;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * {@code serve --watch}: polls the world's files ({@code --config} files, and every {@code *.json}, {@code *.yaml}
 * and {@code *.yml} below its folders) and, once a change has settled, loads the whole world again with the
 * same loader and validation as at start. A world that does not load is rejected whole: a warning names the
 * file and JSON path, and the running snapshot stays. One that loads is published through the
 * {@link ControlPlane} as a new snapshot (tracked connections carry over, as for an EC2 API call).
 *
 * <p>Polling rather than a file-system watch service: portable (no missed events on network or container file
 * systems, where those services fall back to polling anyway) and simple; files are compared by content (a
 * CRC-32), since modification times may be coarser than an editor's two writes. Debounce: a change is acted on
 * only when two polls in a row see the same new contents, so a file caught half-written is not loaded.
 *
 * <p>Threading: one daemon thread polls and reloads; the control plane serializes its writers, so a reload and
 * an EC2 API call never interleave (the reload replaces the whole world, API changes included).
 */
final class WorldWatcher implements AutoCloseable {

    private final List<Path> config;
    private final boolean strictQuotas;
    private final ControlPlane controlPlane;
    private final PrintWriter err;
    private final long periodMillis;
    private final Thread thread;
    private volatile boolean stop;

    private WorldWatcher(List<Path> config, boolean strictQuotas, ControlPlane controlPlane, PrintWriter err,
                         long periodMillis) {
        this.config = List.copyOf(config);
        this.strictQuotas = strictQuotas;
        this.controlPlane = Objects.requireNonNull(controlPlane, "controlPlane");
        this.err = err;
        this.periodMillis = periodMillis;
        this.thread = new Thread(this::run, "sgemu-world-watch");
        this.thread.setDaemon(true);
    }

    /** Starts watching; the files as they are now are the running world's. */
    static WorldWatcher start(List<Path> config, boolean strictQuotas, ControlPlane controlPlane, PrintWriter err,
                              long periodMillis) {
        WorldWatcher w = new WorldWatcher(config, strictQuotas, controlPlane, err, periodMillis);
        w.thread.start();
        return w;
    }

    private void run() {
        // taken on this thread before the first sleep; a change made between the start's load and this moment
        // is missed until the next edit (the window is the start-up of the dataplane)
        Map<Path, Long> applied = fingerprint();
        Map<Path, Long> seen = applied;
        while (!stop) {
            // parked, not slept: close() unparks, and an interrupt would abort a reload's file reads
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(periodMillis));
            if (stop) {
                return;
            }
            Map<Path, Long> now = fingerprint();
            if (!now.equals(applied) && now.equals(seen)) {
                reload();
                applied = now; // a rejected world is not retried until the files change again
            }
            seen = now;
        }
    }

    private void reload() {
        try {
            LoadedWorld loaded = WorldOptions.load(config, strictQuotas);
            loaded.warnings().forEach(w -> warn("warning: " + w));
            controlPlane.apply(w -> w.rebasedTo(loaded.world())); // what changed only, compiled as a change
            warn("world reloaded: snapshot " + controlPlane.current().version());
        } catch (RuntimeException e) { // a load error, or a dataplane that cannot take the world
            warn("warning: world not reloaded, the running snapshot " + controlPlane.current().version() + " stays: "
                    + e.getMessage());
        }
    }

    private void warn(String line) {
        synchronized (err) {
            err.println(line);
            err.flush();
        }
    }

    /** Each world file's CRC-32 (-1 when unreadable: a deleted file is a change too). */
    private Map<Path, Long> fingerprint() {
        Map<Path, Long> m = new TreeMap<>();
        for (Path p : config) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.filter(f -> Files.isRegularFile(f) && worldFile(f)).forEach(f -> m.put(f, crc(f)));
                } catch (IOException | UncheckedIOException e) {
                    m.put(p, -1L);
                }
            } else {
                m.put(p, crc(p));
            }
        }
        return m;
    }

    private static boolean worldFile(Path f) {
        String n = f.getFileName().toString();
        return n.endsWith(".json") || n.endsWith(".yaml") || n.endsWith(".yml");
    }

    private static long crc(Path f) {
        try {
            CRC32 c = new CRC32();
            c.update(Files.readAllBytes(f));
            return c.getValue();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Stops polling; a reload in progress finishes first. */
    @Override
    public void close() {
        stop = true;
        LockSupport.unpark(thread);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
