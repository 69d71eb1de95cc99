package io.sgemu.control.fuzz;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Fuzzes one target for a number of inputs or a time: input {@code i} is the corpus entry {@code i} as it
 * is (for the first ones), then a mutant drawn from a random source seeded by {@code (seed, i)} alone, so
 * any input of a run is regenerated from its seed and number ({@link #input}).
 *
 * <p>Inputs run on one worker thread. A watchdog (the calling thread) reports an input that runs longer
 * than {@link #HANG_NANOS} as a hang with the worker's stack, abandons that worker (interrupted, a daemon)
 * and goes on with a new worker and a new target from the factory. The bytes each input allocates on
 * the worker's thread are measured ({@code ThreadMXBean.getThreadAllocatedBytes}); more than
 * {@link #ALLOCATION_BOUND} for one input (inputs are at most {@link Mutator#MAX_LENGTH}) is a finding.
 * A crash's input is then shrunk (ranges deleted while the same signature comes back).
 */
public final class FuzzCampaign {

    /** One input longer than this is a hang. */
    public static final long HANG_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** One input allocating more than this (64 MiB, for inputs of at most 256 KiB) is unbounded allocation. */
    public static final long ALLOCATION_BOUND = 64L << 20;
    private static final long GOLDEN = 0x9E37_79B9_7F4A_7C15L;

    /** What a run did: inputs, time, the first finding of each signature and how often each came. */
    public record Result(String target, String entryPoint, long inputs, long nanos, Map<String, Finding> findings,
                         Map<String, Long> counts) {

        public double inputsPerSecond() {
            return nanos == 0 ? 0 : inputs * 1e9 / nanos;
        }

        public long count(Finding.Kind kind) {
            return findings.values().stream().filter(f -> f.kind() == kind)
                    .mapToLong(f -> counts.get(f.signature())).sum();
        }
    }

    private final Supplier<FuzzTarget> factory;
    private final long seed;
    private final List<byte[]> corpus;
    private final boolean text;
    private final String name;
    private final String entryPoint;

    private final AtomicLong nextIndex = new AtomicLong();
    private final AtomicLong done = new AtomicLong();
    private final Map<String, Finding> findings = new LinkedHashMap<>();
    private final Map<String, Long> counts = new LinkedHashMap<>();

    /**
     * @param factory makes the target (called again after a hang: the hung worker keeps its own)
     * @param extra   corpus inputs besides the target's seeds (files of corpus folders)
     */
    public FuzzCampaign(Supplier<FuzzTarget> factory, long seed, List<byte[]> extra) {
        this.factory = factory;
        this.seed = seed;
        FuzzTarget probe = factory.get();
        this.name = probe.name();
        this.entryPoint = probe.entryPoint();
        this.text = probe.isText();
        List<byte[]> c = new ArrayList<>(probe.seeds());
        for (byte[] e : extra) {
            c.add(e.length > Mutator.MAX_LENGTH ? Arrays.copyOf(e, Mutator.MAX_LENGTH) : e);
        }
        if (c.isEmpty()) {
            throw new IllegalStateException(name + ": no corpus (no seeds and no corpus files)");
        }
        this.corpus = List.copyOf(c);
        try {
            probe.close();
        } catch (Exception e) {
            throw new IllegalStateException(name + ": " + e, e);
        }
    }

    public List<byte[]> corpus() {
        return corpus;
    }

    /** Input {@code i} of a run with this seed and corpus. */
    public byte[] input(long i) {
        if (i < corpus.size()) {
            return corpus.get((int) i);
        }
        SplittableRandom r = new SplittableRandom(seed * GOLDEN + i);
        byte[] base = corpus.get(r.nextInt(corpus.size()));
        return Mutator.mutate(base, corpus, text, r);
    }

    /** Runs inputs until {@code maxInputs} have run or {@code maxNanos} have passed, whichever is first. */
    public Result run(long maxInputs, long maxNanos) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + Math.min(maxNanos, Long.MAX_VALUE / 4); // no time bound: a century or so
        Worker worker = startWorker(maxInputs, deadline);
        while (true) {
            worker.thread.join(50);
            if (!worker.thread.isAlive()) {
                break;
            }
            long at = worker.current;
            long began = worker.startedAt;
            if (at >= 0 && System.nanoTime() - began > HANG_NANOS && worker.current == at) {
                StringBuilder st = new StringBuilder("no answer after " + HANG_NANOS / 1_000_000 + " ms; worker stack:\n");
                StackTraceElement[] stack = worker.thread.getStackTrace();
                for (StackTraceElement e : stack) {
                    st.append("\tat ").append(e).append('\n');
                }
                worker.abandoned = true;
                worker.thread.interrupt();
                record(new Finding(Finding.Kind.HANG, name, "HANG " + frames(stack, null), at, input(at), st.toString()));
                done.incrementAndGet();
                worker = startWorker(maxInputs, deadline);
            }
        }
        long nanos = System.nanoTime() - start;
        minimizeCrashes();
        synchronized (this) {
            return new Result(name, entryPoint, done.get(), nanos, new LinkedHashMap<>(findings), new LinkedHashMap<>(counts));
        }
    }

    private final class Worker implements Runnable {
        final Thread thread;
        final long maxInputs;
        final long deadline;
        volatile long current = -1; // written by the worker, read by the watchdog (volatile)
        volatile long startedAt;
        volatile boolean abandoned; // written by the watchdog, read by the worker (volatile)

        Worker(long maxInputs, long deadline) {
            this.maxInputs = maxInputs;
            this.deadline = deadline;
            this.thread = new Thread(this, "fuzz-" + name);
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long tid = Thread.currentThread().threadId();
            try (FuzzTarget target = factory.get()) {
                while (!abandoned) {
                    long i = nextIndex.getAndIncrement();
                    if (i >= maxInputs || System.nanoTime() - deadline > 0) {
                        return;
                    }
                    byte[] in = input(i);
                    startedAt = System.nanoTime();
                    current = i;
                    long before = mx.getThreadAllocatedBytes(tid);
                    Throwable thrown = null;
                    try {
                        target.run(in);
                    } catch (Throwable t) {
                        thrown = t;
                    }
                    long allocated = mx.getThreadAllocatedBytes(tid) - before;
                    current = -1;
                    if (abandoned) {
                        return;
                    }
                    done.incrementAndGet();
                    if (thrown != null && (thrown instanceof Error || !target.isBadInput(thrown))) {
                        record(crash(i, in, thrown));
                    } else if (allocated > ALLOCATION_BOUND) {
                        record(new Finding(Finding.Kind.ALLOCATION, name, "ALLOCATION " + name, i, in,
                                allocated + " bytes allocated for an input of " + in.length + " bytes (bound "
                                        + ALLOCATION_BOUND + ")"));
                    }
                }
            } catch (Exception e) {
                record(crash(-1, new byte[0], e));
            }
        }
    }

    private Worker startWorker(long maxInputs, long deadline) {
        Worker w = new Worker(maxInputs, deadline);
        w.thread.start();
        return w;
    }

    private Finding crash(long index, byte[] in, Throwable t) {
        return new Finding(Finding.Kind.CRASH, name, signature(t), index, in, stackTrace(t));
    }

    private synchronized void record(Finding f) {
        findings.putIfAbsent(f.signature(), f);
        counts.merge(f.signature(), 1L, Long::sum);
    }

    /** The exception's class, its top three frames and its first frame in the project. */
    public static String signature(Throwable t) {
        return t.getClass().getName() + " " + frames(t.getStackTrace(), t);
    }

    private static String frames(StackTraceElement[] full, Throwable t) {
        // the frames above the campaign's own: the worker and the shrinker call the target differently
        int depth = 0;
        while (depth < full.length && !full[depth].getClassName().startsWith(FuzzCampaign.class.getName())) {
            depth++;
        }
        StackTraceElement[] stack = Arrays.copyOf(full, depth);
        StringBuilder sb = new StringBuilder();
        int shown = Math.min(3, stack.length);
        for (int i = 0; i < shown; i++) {
            sb.append(i == 0 ? "" : " < ").append(frame(stack[i]));
        }
        for (int i = shown; i < stack.length; i++) {
            if (stack[i].getClassName().startsWith("io.sgemu.") && !stack[i].getClassName().startsWith("io.sgemu.control.fuzz")) {
                sb.append(" .. ").append(frame(stack[i]));
                break;
            }
        }
        return sb.toString();
    }

    private static String frame(StackTraceElement e) {
        String c = e.getClassName();
        return c.substring(c.lastIndexOf('.') + 1) + "." + e.getMethodName() + ":" + e.getLineNumber();
    }

    public static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    /** Shrinks each crash's input: ranges deleted, halving their size, while the same signature comes back. */
    private void minimizeCrashes() {
        List<Finding> crashes;
        synchronized (this) {
            crashes = findings.values().stream().filter(f -> f.kind() == Finding.Kind.CRASH && f.index() >= 0).toList();
        }
        if (crashes.isEmpty()) {
            return;
        }
        ExecutorService exec = Executors.newSingleThreadExecutor(r -> {
            Thread th = new Thread(r, "fuzz-shrink-" + name);
            th.setDaemon(true);
            return th;
        });
        FuzzTarget target = factory.get();
        try {
            for (Finding f : crashes) {
                byte[] best = shrink(exec, target, f);
                if (best.length < f.input().length) {
                    synchronized (this) {
                        findings.put(f.signature(), new Finding(f.kind(), f.target(), f.signature(), f.index(), best,
                                f.detail() + "\n(input shrunk from " + f.input().length + " to " + best.length
                                        + " bytes; the signature is the same)"));
                    }
                }
            }
        } finally {
            exec.shutdownNow();
            try {
                target.close();
            } catch (Exception ignored) {
                // a target's temporary files: nothing to report
            }
        }
    }

    private byte[] shrink(ExecutorService exec, FuzzTarget target, Finding f) {
        byte[] best = f.input();
        int attempts = 0;
        for (int chunk = Math.max(1, best.length / 2); chunk >= 1 && attempts < 2000; chunk /= 2) {
            for (int at = 0; at + chunk <= best.length && attempts < 2000; ) {
                byte[] cand = new byte[best.length - chunk];
                System.arraycopy(best, 0, cand, 0, at);
                System.arraycopy(best, at + chunk, cand, at, best.length - at - chunk);
                attempts++;
                String sig = signatureOf(exec, target, cand);
                if (sig == null && Thread.currentThread().isInterrupted()) {
                    return best;
                }
                if (f.signature().equals(sig)) {
                    best = cand;
                } else {
                    at += chunk;
                }
            }
        }
        return best;
    }

    /** The crash signature of one input, null when it passes, is bad input, or runs too long. */
    private String signatureOf(ExecutorService exec, FuzzTarget target, byte[] in) {
        Future<String> r = exec.submit(() -> {
            try {
                target.run(in);
                return null;
            } catch (Throwable t) {
                return t instanceof Error || !target.isBadInput(t) ? signature(t) : null;
            }
        });
        try {
            return r.get(HANG_NANOS, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            r.cancel(true);
            return "timeout";
        } catch (Exception e) {
            return null;
        }
    }

    /** Writes a finding as {@code NAME.bin} (the input) and {@code NAME.txt} (what happened); returns NAME.txt. */
    public static Path save(Path dir, Finding f, long seed) throws IOException {
        Files.createDirectories(dir);
        String base = f.target() + "-" + f.kind().name().toLowerCase() + "-"
                + String.format("%08x", f.signature().hashCode());
        Files.write(dir.resolve(base + ".bin"), f.input());
        Path txt = dir.resolve(base + ".txt");
        Files.writeString(txt, "target: " + f.target() + "\nkind: " + f.kind() + "\nsignature: " + f.signature()
                + "\nseed: " + seed + "\ninput number: " + f.index() + "\ninput (" + f.input().length + " bytes): "
                + Mutator.hexHead(f.input(), 64) + "\n\n" + f.detail() + "\n");
        return txt;
    }
}
