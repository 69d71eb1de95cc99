package io.sgemu.bench.sweep;

/** What the sweep mains share: option parsing, errors as messages, and the notes that say how we measured. */
final class Sweeps {

    static final String LATENCY_NOTE = "latency: System.nanoTime() around small batches of lookups (about 2 us of "
            + "work, 1 to 16 lookups on distinct packets), the batch time divided by its size recorded as one sample "
            + "(so the timer's cost of some 20 ns a batch is spread over its lookups); after a warm-up; one thread";

    private Sweeps() {
    }

    /** Takes {@code --world DIR} out of {@code args} into {@code world[0]}; returns the other arguments. */
    static String[] worldOption(String[] args, java.nio.file.Path[] world) {
        java.util.List<String> rest = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--world") && i + 1 < args.length) {
                world[0] = java.nio.file.Path.of(args[++i]);
            } else {
                rest.add(args[i]);
            }
        }
        return rest.toArray(String[]::new);
    }

    /** One sweep. */
    @FunctionalInterface
    interface Sweep {
        void run(SweepOptions o) throws Exception;
    }

    /**
     * Parses the options and runs {@code sweep}; bad options print a message and exit with status 2, a failed
     * sweep prints what failed and exits with status 1.
     */
    static void run(String name, String[] args, Sweep sweep) {
        SweepOptions o;
        try {
            o = SweepOptions.parse(name, args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        long t0 = System.nanoTime();
        try {
            sweep.run(o);
        } catch (Exception e) {
            System.err.println(name + ": failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
        System.out.printf("%s: done in %.1f s, files in %s%n", name, (System.nanoTime() - t0) / 1e9, o.out());
    }
}
