package io.sgemu.bench.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.bench.ClassificationRuleSet;
import io.sgemu.bench.PolicyScaleWorld;
import io.sgemu.control.compile.PolicyCompiler;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.policy.Policy;
import io.sgemu.dataplane.policy.PolicySnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The linear-scan baseline answers as the compiled policy's security-group stage does. */
class LinearScanClassifierTest {

    static LongStream seeds() {
        return LongStream.range(0, 12).map(i -> 0x5EED_0000L + i * 7919);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void agreesWithTheCompiledPolicyOnOneEniRuleSets(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        ClassificationRuleSet set = ClassificationRuleSet.generate(1 + r.nextInt(400), 1024, seed);
        World world = set.world();
        PolicySnapshot policy = new PolicyCompiler().compile(world, null, null);
        LinearScanClassifier linear = LinearScanClassifier.of(world);
        int eni = policy.eniNumber("eni-bench");
        int allowed = 0;
        for (int i = 0; i < set.headers() + 1000; i++) {
            int src;
            int protocol;
            int port;
            int type;
            int code;
            if (i < set.headers()) {
                src = (int) set.src[i];
                protocol = set.protocol[i];
                port = set.dstPort[i];
                type = set.icmpType[i];
                code = set.icmpCode[i];
            } else { // random packets, odd protocols and ICMP messages included
                src = r.nextInt();
                protocol = new int[] {6, 17, 1, 47, 50}[r.nextInt(5)];
                port = protocol == 6 || protocol == 17 ? r.nextInt(65536) : -1;
                type = protocol == 1 ? r.nextInt(20) : -1;
                code = protocol == 1 ? r.nextInt(4) : -1;
            }
            boolean compiled = policy.securityGroupAllows(eni, false, 4, 0, src & 0xFFFF_FFFFL, Policy.NONE, protocol,
                    port, type, code);
            boolean scanned = linear.firstMatch(0, src, protocol, port, type, code) >= 0;
            assertThat(scanned).as("seed %d, packet %d: src %08x protocol %d port %d icmp %d/%d", seed, i, src, protocol,
                    port, type, code).isEqualTo(compiled);
            allowed += compiled ? 1 : 0;
        }
        assertThat(allowed).as("seed %d: the trace allows some packets, so agreement is not vacuous", seed).isPositive();
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void agreesWithTheCompiledPolicyOnWorldsOfManyEnis(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int enis = 1 + r.nextInt(300);
        World world = PolicyScaleWorld.build(5 + r.nextInt(30), 1 + r.nextInt(30), enis, 0, seed);
        PolicySnapshot policy = new PolicyCompiler().compile(world, null, null);
        LinearScanClassifier linear = LinearScanClassifier.of(world);
        InboundTrace trace = InboundTrace.of(world, 2048, seed);
        List<NetworkInterface> all = new ArrayList<>(world.networkInterfaces().values());
        int allowed = 0;
        for (int i = 0; i < trace.size(); i++) {
            int entry = policy.findAddress(4, 0, trace.dst[i] & 0xFFFF_FFFFL);
            assertThat(entry).as("seed %d: packet %d's destination is an ENI", seed, i).isNotNegative();
            int eni = policy.addressEni(entry);
            int scannedEni = linear.eniOf(trace.dst[i]);
            assertThat(all.get(scannedEni).id()).as("seed %d, packet %d: the ENI found", seed, i)
                    .isEqualTo(policy.eniId(eni));
            boolean compiled = policy.securityGroupAllows(eni, false, 4, 0, trace.src[i] & 0xFFFF_FFFFL, Policy.NONE,
                    trace.protocol[i], trace.dstPort[i], trace.icmpType[i], trace.icmpCode[i]);
            boolean scanned = linear.allows(trace.dst[i], trace.src[i], trace.protocol[i], trace.dstPort[i],
                    trace.icmpType[i], trace.icmpCode[i]);
            assertThat(scanned).as("seed %d, packet %d: %08x -> %08x protocol %d port %d", seed, i, trace.src[i],
                    trace.dst[i], trace.protocol[i], trace.dstPort[i]).isEqualTo(compiled);
            allowed += compiled ? 1 : 0;
        }
        assertThat(allowed).as("seed %d: some packets are allowed", seed).isPositive();
        assertThat(linear.eniOf(0x0B00_0001)).as("seed %d: an address of no ENI", seed).isEqualTo(-1);
    }
}
