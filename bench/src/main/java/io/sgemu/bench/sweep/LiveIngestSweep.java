package io.sgemu.bench.sweep;

import io.sgemu.control.aws.LoaderOptions;
import io.sgemu.control.aws.WorldLoader;
import io.sgemu.control.compile.PolicyCompiler;
import io.sgemu.control.gen.FlowPlanner;
import io.sgemu.control.gen.GenSettings;
import io.sgemu.control.load.LoadGenerator;
import io.sgemu.control.load.LoadOptions;
import io.sgemu.control.load.LoadPackets;
import io.sgemu.control.load.LoadReport;
import io.sgemu.control.load.LoadTarget;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.io.ListenerUri;
import io.sgemu.dataplane.io.LiveConfig;
import io.sgemu.dataplane.io.LiveDataplane;
import io.sgemu.dataplane.packet.LinkType;
import io.sgemu.dataplane.policy.PolicySnapshot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * Sweep 6: the live dataplane's ingest rate and ingest-to-verdict latency at 10, 50 and 90% of the discard
 * maximum, as {@code scripts/bench-live} measures them: the server (a {@link LiveDataplane} on a loopback
 * VXLAN listener, one worker, one event loop: what {@code sgemu serve} runs) and the load (the
 * {@link LoadGenerator} of {@code sgemu load --config}, on the three-tier example, one thread), both in this
 * JVM, so that the traffic is generated once and no run pays a JVM's start. The discard maximum is
 * what the server receives per second flat out with {@code --discard} (read and dropped: sockets and
 * event loop only). Each level gets a fresh server, a warm-up at that rate, then the measured run; the
 * latency histogram is the server's own (IngestLatency), the measured run's share of it. Writes
 * {@code live-latency.csv}, {@code live-rate.csv}, {@code live-<percent>.hgrm} and {@code live-ratios.csv}.
 *
 * <p>Takes {@code --world DIR} (default {@code examples/three-tier/aws}) besides the common options.
 */
public final class LiveIngestSweep {

    private LiveIngestSweep() {
    }

    public static void main(String[] args) {
        Path[] world = {Path.of("examples", "three-tier", "aws")};
        Sweeps.run("LiveIngestSweep", Sweeps.worldOption(args, world), o -> run(o, world[0]));
    }

    /** Packets per second a run's counters show. */
    record Run(double sentPerSecond, double receivedPerSecond, double judgedPerSecond, Histogram latency) {
    }

    static void run(SweepOptions o, Path worldDir) throws Exception {
        World world = new WorldLoader(new LoaderOptions(false)).load(List.of(worldDir)).world();
        PolicySnapshot policy = new PolicyCompiler().compile(world, null, null);
        double flat = o.pick(10, 2, 1);
        double warmup = o.pick(5_000, 500, 0) / 1e3;
        int[] shares = o.pick(new int[] {10, 50, 90}, new int[] {10, 50, 90}, new int[] {10, 50});
        int flows = o.pick(10_000, 2_000, 100);
        int packets = o.pick(200_000, 50_000, 1_000);
        LoadPackets load = LoadPackets.fromPlan(FlowPlanner.plan(world, new GenSettings(flows, packets, 1.1, 1, 0.1,
                GenSettings.DEFAULT_START_SECONDS * 1_000_000_000L, 100_000, LinkType.RAW)));

        Run discard = measure(policy, true, load, null, warmup, flat, 2);
        double max = discard.receivedPerSecond();
        if (!(max >= 1) && o.tiny()) {
            max = Math.max(1, discard.sentPerSecond()); // a test's run of a second: any rate will do
        }
        if (!(max >= 1)) {
            throw new IllegalStateException("the discarding receiver received nothing in " + flat + " s (the load sent "
                    + Math.round(discard.sentPerSecond()) + "/s): no maximum to take shares of");
        }
        System.out.printf(Locale.ROOT, "live: discard maximum %.0f datagrams/s (sent %.0f/s)%n", max, discard.sentPerSecond());
        Run full = measure(policy, false, load, null, warmup, flat);
        System.out.printf(Locale.ROOT, "live: full processing flat out %.0f judged/s%n", full.judgedPerSecond());

        SweepCsv latency = new SweepCsv("Live ingest: ingest-to-verdict latency vs offered load",
                "offered load (% of the discard maximum)", "latency (us) log", "p50", "p99", "p99.9");
        SweepCsv rate = new SweepCsv("Live ingest: achieved rate vs offered load",
                "offered load (% of the discard maximum)", "rate (packets/s)", "offered", "judged", "discard maximum");
        String how = String.format(Locale.ROOT, "server: LiveDataplane (as sgemu serve), loopback VXLAN, 1 worker, 1 event "
                + "loop; load: the generator of sgemu load --config (three-tier example, %d flows, %d packets looped, 1 "
                + "thread), in the same JVM, on the same %d cores; discard maximum: datagrams/s the server received "
                + "flat out with --discard over %.0f s (after a warm-up; the better of two runs) = %.0f/s", flows, packets, Runtime.getRuntime().availableProcessors(), flat, max);
        String runs = String.format(Locale.ROOT, "each level: a fresh server, %.0f s of warm-up at the rate, then %.0f s "
                + "measured; latency: the server's ingest-to-verdict histogram (datagram read to verdict) of the measured "
                + "run only; judged: packets judged per second of the load's sending time", warmup, flat);
        latency.note(how).note(runs).note("the load generator and the server share the machine's cores (and others "
                + "use them): figures are those of the pair, a floor for the server alone");
        rate.note(how).note(runs);
        List<Run> levels = new ArrayList<>();
        for (int share : shares) {
            double pps = Math.max(1, max * share / 100);
            Run r = measure(policy, false, load, pps, warmup, flat);
            levels.add(r);
            Histogram h = r.latency();
            latency.row(share, h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
                    h.getValueAtPercentile(99.9) / 1e3);
            rate.row(share, pps, r.judgedPerSecond(), max);
            BatchTimer.writeHistogram(o.file("live-" + share + ".hgrm"), String.format(Locale.ROOT,
                    "Live ingest at %d%% of the discard maximum (%.0f packets/s): ingest-to-verdict latency", share, pps), h);
            System.out.printf(Locale.ROOT, "live %d%% (%.0f/s): judged %.0f/s, p50 %.1f us, p99 %.1f us, p99.9 %.1f us%n",
                    share, pps, r.judgedPerSecond(), h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
                    h.getValueAtPercentile(99.9) / 1e3);
        }
        latency.write(o.file("live-latency.csv"));
        rate.write(o.file("live-rate.csv"));
        RatioTable ratios = new RatioTable("Live ingest: full processing against the discarding receiver");
        double best = full.judgedPerSecond();
        for (Run r : levels) {
            best = Math.max(best, r.judgedPerSecond());
        }
        ratios.note("baseline: the discarding receiver's maximum (datagrams read and dropped per second); sgemu: "
                + "packets judged per second with full processing, flat out (a sender faster than the server loses "
                + "packets in the kernel, so this can be below a paced level) and the highest of flat out and the "
                + "paced levels; same load, same machine");
        ratios.rate("judged rate flat out vs discard maximum", full.judgedPerSecond(), max, "packets/s");
        ratios.rate("highest judged rate vs discard maximum", best, max, "packets/s");
        ratios.write(o.file("live-ratios.csv"));
    }

    /** A fresh server, an optional warm-up at the rate, then the measured run of the load. */
    private static Run measure(PolicySnapshot policy, boolean discard, LoadPackets load, Double pps, double warmup,
                               double seconds) throws Exception {
        return measure(policy, discard, load, pps, warmup, seconds, 1);
    }

    /** As above with {@code runs} measured runs on the one server; answers the one that received the most. */
    private static Run measure(PolicySnapshot policy, boolean discard, LoadPackets load, Double pps, double warmup,
                               double seconds, int runs) throws Exception {
        try (LiveDataplane live = LiveDataplane.start(new LiveConfig(policy).workers(1).eventLoops(1).discard(discard)
                .conntrackCapacity(1 << 20).listen(ListenerUri.parse("vxlan://127.0.0.1:0")))) {
            String target = "vxlan://127.0.0.1:" + live.boundPorts().get(0);
            if (warmup > 0) {
                loadRun(target, load, pps, warmup);
            }
            Run best = null;
            for (int i = 0; i < runs; i++) {
                Thread.sleep(200);
                long received0 = live.counters().get("received");
                long judged0 = live.counters().get("judged");
                Histogram before = live.latency().cumulative().copy();
                double[] sent = loadRun(target, load, pps, seconds);
                Thread.sleep(500); // what the worker still has queued is judged
                long received = live.counters().get("received") - received0;
                long judged = live.counters().get("judged") - judged0;
                Histogram h = live.latency().cumulative().copy();
                h.subtract(before);
                Run r = new Run(sent[0] / sent[1], received / sent[1], judged / sent[1], h);
                if (best == null || r.receivedPerSecond() > best.receivedPerSecond()) {
                    best = r;
                }
            }
            return best;
        }
    }

    /** Runs the load; returns the packets sent and the seconds it sent for. */
    private static double[] loadRun(String target, LoadPackets load, Double pps, double seconds) throws Exception {
        LoadOptions options = LoadOptions.to(LoadTarget.parse(target)).withThreads(1).withWait(0)
                .withDuration((long) (seconds * 1e9));
        if (pps != null) {
            options = options.withRate(pps);
        }
        LoadReport report = new LoadGenerator(options, load).run();
        return new double[] {report.sent(), report.seconds()};
    }
}
