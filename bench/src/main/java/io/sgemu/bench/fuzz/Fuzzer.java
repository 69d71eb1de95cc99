package io.sgemu.bench.fuzz;

import io.sgemu.control.fuzz.Finding;
import io.sgemu.control.fuzz.FuzzCampaign;
import io.sgemu.control.fuzz.FuzzTarget;
import io.sgemu.control.fuzz.FuzzTargets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Command-line fuzzer of the project's parsers:
 * <pre>
 *   Fuzzer [--target NAME|all] [--seconds N | --inputs N] [--seed S] [--corpus DIR]... [--out DIR]
 * </pre>
 * {@code --seconds} and {@code --inputs} are per target. Corpus folders (and {@code $SGEMU_SHARED_DATA} when
 * set) add the files each target accepts to its generated seeds. Every finding is written to the output
 * folder (the input, and a .txt with what happened); prints per target the inputs run, inputs per second,
 * distinct crash signatures and hangs. Exits with 1 when anything was found, 2 on a usage error.
 */
public final class Fuzzer {

    private Fuzzer() {
    }

    public static void main(String[] args) throws Exception {
        String target = "all";
        long seconds = -1;
        long inputs = -1;
        long seed = 1;
        List<Path> corpusDirs = new ArrayList<>();
        Path out = Path.of("fuzz-findings");
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--target" -> target = args[++i];
                    case "--seconds" -> seconds = Long.parseLong(args[++i]);
                    case "--inputs" -> inputs = Long.parseLong(args[++i]);
                    case "--seed" -> seed = Long.parseLong(args[++i]);
                    case "--corpus" -> corpusDirs.add(Path.of(args[++i]));
                    case "--out" -> out = Path.of(args[++i]);
                    case "-h", "--help" -> {
                        usage(null);
                        return;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (seconds < 0 && inputs < 0) {
                seconds = 10;
            }
        } catch (ArrayIndexOutOfBoundsException | IllegalArgumentException e) {
            usage(e instanceof ArrayIndexOutOfBoundsException ? "an option lacks its value" : e.getMessage());
            System.exit(2);
            return;
        }
        String shared = System.getenv("SGEMU_SHARED_DATA");
        if (shared != null && !shared.isBlank()) {
            corpusDirs.add(Path.of(shared));
        }
        List<String> names = target.equals("all") ? FuzzTargets.names() : List.of(target.split(","));
        List<Supplier<FuzzTarget>> factories = new ArrayList<>();
        try {
            for (String n : names) {
                factories.add(FuzzTargets.factory(n));
            }
        } catch (IllegalArgumentException e) {
            usage(e.getMessage());
            System.exit(2);
            return;
        }
        long maxInputs = inputs < 0 ? Long.MAX_VALUE : inputs;
        long maxNanos = seconds < 0 ? Long.MAX_VALUE : seconds * 1_000_000_000L;
        long findings = 0;
        System.out.printf(Locale.ROOT, "seed %d, per target: %s%n", seed,
                (inputs < 0 ? "" : inputs + " inputs ") + (seconds < 0 ? "" : seconds + " s"));
        for (int t = 0; t < names.size(); t++) {
            Supplier<FuzzTarget> factory = factories.get(t);
            List<byte[]> extra;
            int rejected = 0;
            String firstRejection = null;
            try (FuzzTarget probe = factory.get()) {
                extra = corpusFiles(corpusDirs, probe);
                // seeds that the parser rejects as a whole mutate into little but more rejections: say so
                for (byte[] s : probe.seeds()) {
                    try {
                        probe.run(s);
                    } catch (Exception e) {
                        rejected++;
                        firstRejection = firstRejection == null ? e.getMessage() : firstRejection;
                    }
                }
            }
            if (rejected > 0) {
                System.out.printf(Locale.ROOT, "%s: %d generated seeds rejected, first: %s%n", names.get(t), rejected,
                        firstRejection);
            }
            FuzzCampaign campaign = new FuzzCampaign(factory, seed, extra);
            FuzzCampaign.Result r = campaign.run(maxInputs, maxNanos);
            long crashes = r.findings().values().stream().filter(f -> f.kind() == Finding.Kind.CRASH).count();
            long hangs = r.count(Finding.Kind.HANG);
            long allocations = r.count(Finding.Kind.ALLOCATION);
            System.out.printf(Locale.ROOT, "%-13s %11d inputs %10.0f inputs/s  corpus %4d  crash signatures %d  hangs %d  "
                            + "allocation %d   [%s]%n", r.target(), r.inputs(), r.inputsPerSecond(), campaign.corpus().size(),
                    crashes, hangs, allocations, r.entryPoint());
            for (Map.Entry<String, Finding> e : r.findings().entrySet()) {
                Path txt = FuzzCampaign.save(out, e.getValue(), seed);
                System.out.printf(Locale.ROOT, "    %dx %s%n       -> %s%n", r.counts().get(e.getKey()), e.getKey(), txt);
                findings++;
            }
        }
        System.exit(findings == 0 ? 0 : 1);
    }

    /** The files below the folders that the target takes as inputs. */
    private static List<byte[]> corpusFiles(List<Path> dirs, FuzzTarget target) throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (Path d : dirs) {
            if (!Files.isDirectory(d)) {
                throw new IOException(d + ": no such folder");
            }
            try (Stream<Path> walk = Files.walk(d)) {
                for (Path f : walk.filter(Files::isRegularFile).filter(target::accepts).sorted().toList()) {
                    out.add(Files.readAllBytes(f));
                }
            }
        }
        return out;
    }

    private static void usage(String problem) {
        if (problem != null) {
            System.err.println("fuzz: " + problem);
        }
        System.err.println("usage: Fuzzer [--target NAME|all] [--seconds N | --inputs N] [--seed S] [--corpus DIR]... [--out DIR]");
        System.err.println("targets: " + String.join(", ", FuzzTargets.names()));
    }
}
