package io.sgemu.control.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The campaign tells crashes, hangs and unbounded allocation from bad input, on a target made to show each. */
class FuzzCampaignTest {

    /** Text inputs; "crash" throws a NullPointerException, "hang" sleeps, "hog" allocates, others are bad input. */
    private static final class Planted implements FuzzTarget {
        private final String seed;

        Planted(String seed) {
            this.seed = seed;
        }

        @Override
        public String name() {
            return "planted";
        }

        @Override
        public String entryPoint() {
            return "test";
        }

        @Override
        public List<byte[]> seeds() {
            return List.of(seed.getBytes(StandardCharsets.UTF_8), "fine".getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public boolean isText() {
            return true;
        }

        @Override
        public boolean accepts(Path file) {
            return false;
        }

        @Override
        public void run(byte[] input) throws Exception {
            String s = new String(input, StandardCharsets.UTF_8);
            if (s.contains("crash")) {
                Object o = null;
                o.hashCode();
            } else if (s.equals("hang")) {
                Thread.sleep(60_000);
            } else if (s.equals("hog")) {
                long kept = 0;
                for (int i = 0; i < 100; i++) {
                    kept += new byte[1 << 20].length; // 100 MiB, one at a time
                }
                assertThat(kept).isPositive();
            } else if (!s.equals("fine")) {
                throw new IllegalArgumentException("bad input");
            }
        }

        @Override
        public boolean isBadInput(Throwable t) {
            return t instanceof IllegalArgumentException;
        }
    }

    @Test
    void aCrashIsFoundWithItsSignatureAndShrunkInput(@TempDir Path out) throws Exception {
        FuzzCampaign c = new FuzzCampaign(() -> new Planted("xxcrashxx"), 1, List.of());
        FuzzCampaign.Result r = c.run(2, Long.MAX_VALUE);
        assertThat(r.inputs()).isEqualTo(2);
        assertThat(r.findings()).hasSize(1);
        Finding f = r.findings().values().iterator().next();
        assertThat(f.kind()).isEqualTo(Finding.Kind.CRASH);
        assertThat(f.signature()).startsWith("java.lang.NullPointerException");
        assertThat(new String(f.input(), StandardCharsets.UTF_8)).isEqualTo("crash");
        Path txt = FuzzCampaign.save(out, f, 1);
        assertThat(txt).content().contains("seed: 1", "NullPointerException");
        assertThat(txt.resolveSibling(txt.getFileName().toString().replace(".txt", ".bin"))).hasBinaryContent(f.input());
    }

    @Test
    void anInputRunningOverTheBoundIsAHangAndTheRunGoesOn() throws Exception {
        FuzzCampaign c = new FuzzCampaign(() -> new Planted("hang"), 1, List.of());
        FuzzCampaign.Result r = c.run(2, Long.MAX_VALUE);
        assertThat(r.count(Finding.Kind.HANG)).isEqualTo(1);
        assertThat(r.findings().values().iterator().next().detail()).contains("Thread.sleep");
        assertThat(r.inputs()).as("the input after the hang ran too").isEqualTo(2);
    }

    @Test
    void anInputAllocatingBeyondTheBoundIsAFinding() throws Exception {
        FuzzCampaign c = new FuzzCampaign(() -> new Planted("hog"), 1, List.of());
        FuzzCampaign.Result r = c.run(2, Long.MAX_VALUE);
        assertThat(r.count(Finding.Kind.ALLOCATION)).isEqualTo(1);
        assertThat(r.count(Finding.Kind.CRASH)).isZero();
    }

    @Test
    void badInputIsNoFinding() throws Exception {
        FuzzCampaign c = new FuzzCampaign(() -> new Planted("not good"), 1, List.of());
        FuzzCampaign.Result r = c.run(500, Long.MAX_VALUE);
        assertThat(r.inputs()).isEqualTo(500);
        assertThat(r.findings()).as("mutants of 'not good' and 'fine' never spell crash, hang or hog").isEmpty();
    }
}
