package io.sgemu.bench;

import io.sgemu.control.compile.PolicyCompiler;
import io.sgemu.dataplane.policy.Policy;
import io.sgemu.dataplane.policy.PolicySnapshot;
import io.sgemu.dataplane.policy.PrefixMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link Policy#securityGroupAllows} over classification rule sets compiled into one security group: the
 * ClassBench sets acl1, fw1, ipc1 (1k filters, read from {@code -Dsgemu.classbench=<dir>} or
 * {@code $SGEMU_SHARED_DATA/classbench}) and generated sets of 10k and 100k rules, with their header
 * traces. One operation is one packet (a batch of {@value #BATCH} per call, cycling through the trace);
 * Mpps per core = 1000 / (ns/op).
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar ClassificationBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.ADD_EXPORTS, "-Xmx4g"})
public class ClassificationBenchmark {

    static final int BATCH = 1024;

    /** acl1, fw1, ipc1 (ClassBench 1k files) or gen10k, gen100k (generated). */
    @Param({"acl1", "fw1", "ipc1", "gen10k", "gen100k"})
    public String ruleSet;

    /** Leaf count above which prefix maps are tries (the layout under test). */
    @Param({"512"})
    public int trieThreshold;

    private PolicySnapshot policy;
    private int eni;
    private long[] src;
    private int[] protocol;
    private int[] dstPort;
    private int[] icmpType;
    private int[] icmpCode;
    private int mask;
    private int cursor;

    @Setup(Level.Trial)
    public void setUp() {
        ClassificationRuleSet set = switch (ruleSet) {
            case "gen10k" -> ClassificationRuleSet.generate(10_000, 100_000, 10);
            case "gen100k" -> ClassificationRuleSet.generate(100_000, 1_000_000, 100);
            default -> ClassificationRuleSet.read(ClassificationRuleSet.directory(), ruleSet + "_1k");
        };
        policy = new PolicyCompiler(PolicyCompiler.DEFAULT_MERGE_BUDGET_BYTES, trieThreshold).compile(set.world(), null, null);
        eni = policy.eniNumber("eni-bench");
        // The trace, repeated up to a power of two so that the cursor wraps with a mask.
        int n = Integer.highestOneBit(set.headers() - 1) << 1;
        src = new long[n];
        protocol = new int[n];
        dstPort = new int[n];
        icmpType = new int[n];
        icmpCode = new int[n];
        for (int i = 0; i < n; i++) {
            int k = i % set.headers();
            src[i] = set.src[k];
            protocol[i] = set.protocol[k];
            dstPort[i] = set.dstPort[k];
            icmpType[i] = set.icmpType[k];
            icmpCode[i] = set.icmpCode[k];
        }
        mask = n - 1;
        System.out.printf("%n%s: %d rules, %d headers, layout %s, %d bytes of policy%n", ruleSet, set.size(),
                set.headers(), policy.ruleTables(eni)[0].prefixMap(false, 4).layout(), policy.bytes());
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int securityGroupAllows() {
        PolicySnapshot p = policy;
        int e = eni;
        int c = cursor;
        int allowed = 0;
        for (int k = 0; k < BATCH; k++) {
            int i = (c + k) & mask;
            if (p.securityGroupAllows(e, false, 4, 0, src[i], Policy.NONE, protocol[i], dstPort[i], icmpType[i],
                    icmpCode[i])) {
                allowed++;
            }
        }
        cursor = (c + BATCH) & mask;
        return allowed;
    }

    /** The default trie threshold, for reference in reports. */
    public static int defaultTrieThreshold() {
        return PrefixMap.DEFAULT_TRIE_THRESHOLD;
    }
}
