package io.sgemu.control.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Mutations are a function of the seed (a finding is regenerated from seed and number) and do mutate. */
class MutatorTest {

    private static final List<byte[]> CORPUS = List.of(
            "{\"Vpcs\": [{\"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.0.0.0/16\"}]}\n".getBytes(StandardCharsets.UTF_8),
            new byte[] {0x45, 0, 0, 20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});

    @ParameterizedTest
    @ValueSource(longs = {1, 42, 20_261_127})
    void theSameSeedGivesTheSameMutantsAndMostDiffer(long seed) {
        Set<String> distinct = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            boolean text = i % 2 == 0;
            byte[] base = CORPUS.get(i % 2);
            byte[] a = Mutator.mutate(base, CORPUS, text, new SplittableRandom(seed + i));
            byte[] b = Mutator.mutate(base, CORPUS, text, new SplittableRandom(seed + i));
            assertThat(a).as("seed %d input %d", seed, i).isEqualTo(b);
            assertThat(a.length).as("seed %d input %d", seed, i).isLessThanOrEqualTo(Mutator.MAX_LENGTH);
            distinct.add(Mutator.hexHead(a, 4096));
        }
        assertThat(distinct).as("seed %d: distinct mutants of 500", seed).hasSizeGreaterThan(400);
    }

    @ParameterizedTest
    @ValueSource(longs = {7, 8})
    void aCampaignRegeneratesItsInputsFromSeedAndNumber(long seed) {
        FuzzCampaign a = new FuzzCampaign(FuzzTargets.factory("ec2"), seed, List.of());
        FuzzCampaign b = new FuzzCampaign(FuzzTargets.factory("ec2"), seed, List.of());
        for (long i = 0; i < 200; i++) {
            assertThat(a.input(i)).as("seed %d input %d", seed, i).isEqualTo(b.input(i));
        }
        assertThat(a.input(0)).as("the first inputs are the seeds as they are").isEqualTo(a.corpus().get(0));
    }
}
