package io.sgemu.bench.sweep;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The options every sweep main takes: {@code --out DIR} (where the files go, created if missing),
 * {@code --quick} (fewer points, shorter runs) and {@code --tiny} (a few points of tiny sizes and runs of
 * milliseconds, for tests: the figures mean nothing).
 */
public record SweepOptions(Path out, Size size) {

    /** How much to measure. */
    public enum Size { FULL, QUICK, TINY }

    public static SweepOptions parse(String name, String[] args) {
        Path out = Path.of("bench-results", "sweeps");
        Size size = Size.FULL;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> {
                    if (i + 1 >= args.length) {
                        throw usage(name, "--out needs a directory");
                    }
                    out = Path.of(args[++i]);
                }
                case "--quick" -> size = Size.QUICK;
                case "--tiny" -> size = Size.TINY;
                case "-h", "--help" -> throw usage(name, null);
                default -> throw usage(name, "unknown option " + args[i]);
            }
        }
        try {
            Files.createDirectories(out);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(name + ": cannot create " + out + ": " + e.getMessage());
        }
        return new SweepOptions(out, size);
    }

    private static IllegalArgumentException usage(String name, String problem) {
        return new IllegalArgumentException((problem == null ? "" : name + ": " + problem + "\n")
                + "usage: " + name + " [--out DIR] [--quick | --tiny]");
    }

    public boolean quick() {
        return size == Size.QUICK;
    }

    public boolean tiny() {
        return size == Size.TINY;
    }

    /** One of three values by size. */
    public int pick(int full, int quick, int tiny) {
        return switch (size) {
            case FULL -> full;
            case QUICK -> quick;
            case TINY -> tiny;
        };
    }

    public int[] pick(int[] full, int[] quick, int[] tiny) {
        return switch (size) {
            case FULL -> full;
            case QUICK -> quick;
            case TINY -> tiny;
        };
    }

    /** The time budget of one measurement, in nanoseconds. */
    public long budgetNanos(long fullMillis, long quickMillis) {
        return 1_000_000L * switch (size) {
            case FULL -> fullMillis;
            case QUICK -> quickMillis;
            case TINY -> 20;
        };
    }

    public Path file(String name) {
        return out.resolve(name);
    }
}
