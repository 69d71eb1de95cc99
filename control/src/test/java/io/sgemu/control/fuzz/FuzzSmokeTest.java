package io.sgemu.control.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A short fuzzing run of every parser (a fixed seed, under 3 seconds each): no crash, no hang, no unbounded
 * allocation. A failure names the seed, the target and the head of each input found, which the command-line
 * fuzzer regenerates and saves in full.
 */
class FuzzSmokeTest {

    private static final long SEED = 20_261_127L;
    private static final long NANOS_PER_TARGET = TimeUnit.MILLISECONDS.toNanos(2_500);
    private static final long MAX_INPUTS = 200_000;

    static List<String> targets() {
        return FuzzTargets.names();
    }

    @ParameterizedTest
    @MethodSource("targets")
    void aShortRunFindsNothing(String target) throws InterruptedException {
        FuzzCampaign campaign = new FuzzCampaign(FuzzTargets.factory(target), SEED, List.of());
        FuzzCampaign.Result r = campaign.run(MAX_INPUTS, NANOS_PER_TARGET);
        String found = r.findings().values().stream()
                .map(f -> f.kind() + " " + f.signature() + " at input " + f.index() + ": " + Mutator.hexHead(f.input(), 48)
                        + "\n" + f.detail())
                .collect(Collectors.joining("\n"));
        assertThat(r.findings()).as("seed %d, target %s:%n%s", SEED, target, found).isEmpty();
        assertThat(r.inputs()).as("seed %d, target %s: inputs run", SEED, target).isGreaterThan(campaign.corpus().size());
    }
}
