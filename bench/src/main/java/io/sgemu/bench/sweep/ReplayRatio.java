package io.sgemu.bench.sweep;

import io.sgemu.control.cli.SgemuCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sweep 7, a ratio table: {@code sgemu replay} of a generated capture of the three-tier example (written by
 * {@code sgemu gen capture}) against {@code tcpdump -r FILE -w /dev/null FILTER} with the BPF filter of
 * {@code scripts/bench-capture-replay} (it keeps the conversations and drops the blocked attempts, about the
 * replay's accepted share). The replay runs in this JVM (through the CLI, outputs off; one unmeasured run
 * first, so that its code is compiled), tcpdump as a process; each is timed with {@code System.nanoTime()}
 * around the whole run, median of three. Without tcpdump on the PATH its rows are left out and a note says so.
 * Writes {@code replay-ratios.csv}.
 *
 * <p>Takes {@code --world DIR} (default {@code examples/three-tier/aws}) besides the common options.
 */
public final class ReplayRatio {

    /** The filter of scripts/bench-capture-replay. */
    static final String FILTER = "tcp port 443 or tcp port 80 or tcp port 8080 or (tcp port 5432 and net 10.0.2.0/24 "
            + "and net 10.0.3.0/24) or (icmp and src net 10.0.2.0/24 and dst net 10.0.2.0/24)";
    private static final Pattern SUMMARY = Pattern.compile("frames: (\\d+)\\s+accepted: (\\d+)");

    private ReplayRatio() {
    }

    public static void main(String[] args) {
        Path[] world = {Path.of("examples", "three-tier", "aws")};
        Sweeps.run("ReplayRatio", Sweeps.worldOption(args, world), o -> run(o, world[0]));
    }

    static void run(SweepOptions o, Path world) throws Exception {
        int packets = o.pick(2_000_000, 100_000, 2_000);
        int flows = Math.max(10, packets / 100);
        int runs = o.pick(3, 3, 1);
        Path dir = Files.createTempDirectory("sgemu-replay-ratio");
        Path capture = dir.resolve("three-tier-" + packets + ".pcap");
        try {
            cli("gen", "capture", "--config", world.toString(), "--flows", Integer.toString(flows), "--packets",
                    Integer.toString(packets), "--seed", "1", "--out", capture.toString());
            Files.readAllBytes(capture); // into the page cache, as tcpdump will read it
            RatioTable ratios = new RatioTable("Replay of a capture: sgemu against tcpdump with a BPF filter");
            ratios.note(String.format(Locale.ROOT, "a capture of %d packets (%d flows) of the three-tier example by sgemu "
                    + "gen capture (seed 1), %.0f MB, read from the page cache", packets, flows, Files.size(capture) / 1e6));
            ratios.note("sgemu: sgemu replay --config WORLD --pcap FILE --workers N (outputs off) in the measuring JVM, "
                    + "after one unmeasured run; tcpdump: tcpdump -r FILE -w /dev/null FILTER as a process; median of "
                    + runs + " runs timed around the whole command; rates in packets per second");
            ratios.note("FILTER: " + FILTER);
            long[] counted = new long[2];
            replay(world, capture, 1, counted); // unmeasured: the JIT compiles the replay
            double sgemu1 = packets / median(runs, () -> replay(world, capture, 1, counted));
            double sgemu2 = packets / median(runs, () -> replay(world, capture, 2, counted));
            ratios.note(String.format(Locale.ROOT, "sgemu accepted %d of %d frames (share %.4f)", counted[1], counted[0],
                    counted[1] / (double) counted[0]));
            if (tcpdumpPresent()) {
                double tcpdump = packets / median(runs, () -> tcpdump(capture, FILTER));
                ratios.rate("replay rate (1 worker) vs tcpdump with the filter", sgemu1, tcpdump, "packets/s");
                ratios.rate("replay rate (2 workers) vs tcpdump with the filter", sgemu2, tcpdump, "packets/s");
                System.out.printf(Locale.ROOT, "replay: sgemu %.0f/s (1 worker), %.0f/s (2 workers); tcpdump %.0f/s%n",
                        sgemu1, sgemu2, tcpdump);
            } else {
                ratios.note("tcpdump is not installed: no tcpdump rows (sgemu replayed at " + Math.round(sgemu1)
                        + " packets/s with 1 worker, " + Math.round(sgemu2) + " with 2)");
                System.out.printf(Locale.ROOT, "replay: sgemu %.0f/s (1 worker), %.0f/s (2 workers); no tcpdump%n",
                        sgemu1, sgemu2);
            }
            ratios.rate("replay rate 2 workers vs 1 worker", sgemu2, sgemu1, "packets/s");
            ratios.write(o.file("replay-ratios.csv"));
        } finally {
            Files.deleteIfExists(capture);
            Files.deleteIfExists(dir);
        }
    }

    /** A timed action, in seconds. */
    @FunctionalInterface
    interface Timed {
        double seconds() throws Exception;
    }

    private static double median(int runs, Timed t) throws Exception {
        double[] s = new double[runs];
        for (int i = 0; i < runs; i++) {
            s[i] = t.seconds();
        }
        Arrays.sort(s);
        return s[runs / 2];
    }

    /** One replay through the CLI; its frames and accepted counts go to {@code counted}. */
    private static double replay(Path world, Path capture, int workers, long[] counted) {
        long t0 = System.nanoTime();
        String out = cli("replay", "--config", world.toString(), "--pcap", capture.toString(), "--workers",
                Integer.toString(workers));
        double seconds = (System.nanoTime() - t0) / 1e9;
        Matcher m = SUMMARY.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no summary in the replay's output:\n" + out);
        }
        counted[0] = Long.parseLong(m.group(1));
        counted[1] = Long.parseLong(m.group(2));
        return seconds;
    }

    private static String cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SgemuCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        if (code != 0) {
            throw new IllegalStateException("sgemu " + String.join(" ", args) + " failed (" + code + "): " + err);
        }
        return out + "\n" + err;
    }

    static boolean tcpdumpPresent() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "tcpdump"))) {
                return true;
            }
        }
        return false;
    }

    private static double tcpdump(Path capture, String filter) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tcpdump", "-r", capture.toString(), "-w", "/dev/null", filter));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        int code = p.waitFor();
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (code != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (" + code + ")");
        }
        return seconds;
    }
}
