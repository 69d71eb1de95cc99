package io.sgemu.control.aws;

import static io.sgemu.control.aws.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** AWS quotas (SEMANTICS.md section 2) warn by default and fail the load with strictQuotas. */
class QuotaTest {
    @TempDir
    Path dir;

    private static final String BASE = """
            account: "111122223333"
            vpcs: {vpc-1: {cidrs: [10.0.0.0/16, "2600:1f18::/56"]}}
            subnets: {subnet-a: {vpc: vpc-1, cidr: 10.0.1.0/24}}
            """;

    private static String rules(int v4, int v6) {
        List<String> r = new ArrayList<>();
        for (int i = 0; i < v4; i++) {
            r.add("\"tcp " + (1000 + i) + " 10.0.0.0/8\"");
        }
        for (int i = 0; i < v6; i++) {
            r.add("\"tcp " + (1000 + i) + " ::/0\"");
        }
        return "[" + String.join(", ", r) + "]";
    }

    private LoadedWorld load(String yaml, boolean strict) {
        Path p = write(dir, "w.yaml", yaml);
        return new WorldLoader(new LoaderOptions(strict)).load(List.of(p));
    }

    @Test
    void sg2_quota_moreThan60RulesPerDirectionPerFamilyWarns() {
        String yaml = BASE + "groups: {sg-big: {vpc: vpc-1, ingress: " + rules(61, 60) + "}}\n";
        String expected = dir.resolve("w.yaml") + ": groups.sg-big: sg-big has 61 inbound IPv4 rules, beyond the AWS quota"
                + " of 60 per direction per family";
        assertThat(load(yaml, false).warnings()).containsExactly(expected,
                "no network interface loaded: there is nothing to filter");
        assertThatThrownBy(() -> load(yaml, true)).isInstanceOf(WorldLoadException.class).hasMessage(expected);
    }

    static Stream<Long> seeds() {
        return new SplittableRandom(20240611L).longs(25).boxed();
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void sg2_quota_theRuleQuotaWarnsExactlyWhenACountExceeds60(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int inV4 = rnd.nextInt(50, 70);
        int inV6 = rnd.nextInt(50, 70);
        int outV4 = rnd.nextInt(50, 70);
        String yaml = BASE + "groups: {sg-r: {vpc: vpc-1, ingress: " + rules(inV4, inV6) + ", egress: " + rules(outV4, 0) + "}}\n";
        List<String> warnings = load(yaml, false).warnings();
        assertThat(warnings.stream().anyMatch(w -> w.contains("has " + inV4 + " inbound IPv4 rules")))
                .as("seed %d: %d inbound IPv4 rules", seed, inV4).isEqualTo(inV4 > 60);
        assertThat(warnings.stream().anyMatch(w -> w.contains("has " + inV6 + " inbound IPv6 rules")))
                .as("seed %d: %d inbound IPv6 rules", seed, inV6).isEqualTo(inV6 > 60);
        assertThat(warnings.stream().anyMatch(w -> w.contains("has " + outV4 + " outbound IPv4 rules")))
                .as("seed %d: %d outbound IPv4 rules", seed, outV4).isEqualTo(outV4 > 60);
    }

    @Test
    void sg2_quota_aGroupReferenceCountsForBothFamilies() {
        String refs = "[" + String.join(", ", IntStream.range(0, 61).mapToObj(i -> "\"tcp " + (i + 1) + " sg-r\"").toList()) + "]";
        String yaml = BASE + "groups: {sg-r: {vpc: vpc-1, ingress: " + refs + "}}\n";
        assertThat(load(yaml, false).warnings()).anyMatch(w -> w.endsWith("sg-r has 61 inbound IPv4 rules, beyond the AWS"
                + " quota of 60 per direction per family")).anyMatch(w -> w.contains("sg-r has 61 inbound IPv6 rules"));
    }

    @Test
    void sg2_quota_moreThanFiveGroupsPerInterfaceWarns() {
        StringBuilder g = new StringBuilder("groups: {");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            g.append("sg-").append(i).append(": {vpc: vpc-1}, ");
            ids.add("sg-" + i);
        }
        g.append("}\n");
        String yaml = BASE + g + "enis: {eni-1: {subnet: subnet-a, ips: [10.0.1.5], groups: " + ids + "}}\n";
        String expected = dir.resolve("w.yaml") + ": enis.eni-1: eni-1 has 6 security groups, beyond the AWS default quota of 5";
        assertThat(load(yaml, false).warnings()).containsExactly(expected);
        assertThatThrownBy(() -> load(yaml, true)).hasMessage(expected);
    }

    @Test
    void sg2_quota_moreThan1000RulesOverTheGroupsOfAnInterfaceWarns() {
        StringBuilder g = new StringBuilder("groups:\n");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            g.append("  sg-").append(i).append(": {vpc: vpc-1, ingress: ").append(rules(60, 0)).append("}\n");
            ids.add("sg-" + i);
        }
        String yaml = BASE + g + "enis: {eni-1: {subnet: subnet-a, ips: [10.0.1.5], groups: " + ids + "}}\n";
        LoadedWorld lw = load(yaml, false);
        String where = dir.resolve("w.yaml") + ": enis.eni-1: ";
        assertThat(lw.warnings()).containsExactly(
                where + "eni-1 has 17 security groups, beyond the AWS default quota of 5 and AWS's maximum of 16",
                where + "eni-1 has 1020 inbound IPv4 rules over its groups, beyond AWS's limit of 1000 (rules per group x groups per interface)");
        assertThatThrownBy(() -> load(yaml, true)).hasMessage(String.join("\n", lw.warnings()));
    }

    @Test
    void sg2_quota_moreThan20NaclEntriesPerDirectionPerFamilyWarns() {
        String entries = "[" + String.join(", ", IntStream.range(1, 22).mapToObj(i -> "\"" + i + " allow tcp " + i + " 0.0.0.0/0\"").toList()) + "]";
        String yaml = BASE + "nacls: {acl-1: {vpc: vpc-1, default: true, subnets: [subnet-a], egress: " + entries + "}}\n";
        String expected = dir.resolve("w.yaml") + ": nacls.acl-1: acl-1 has 21 outbound IPv4 entries, beyond the AWS quota"
                + " of 20 per direction per family";
        assertThat(load(yaml, false).warnings()).contains(expected);
        assertThatThrownBy(() -> load(yaml, true)).hasMessage(expected);
    }

    @Test
    void sg2_quota_anIcmpRuleWithAnyTypeAndASpecificCodeWarnsThatItMatchesNothing() {
        Path sg = write(dir, "sg.json", """
                {"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [
                  {"IpProtocol": "icmp", "FromPort": -1, "ToPort": 4, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]}
                """);
        LoadedWorld lw = new WorldLoader(new LoaderOptions(true)).load(List.of(sg));
        assertThat(lw.warnings()).contains(sg + ": SecurityGroups[0].IpPermissions[0].ToPort: ICMP type -1 (any) with code 4 matches nothing");
        String yaml = BASE + "groups: {sg-1: {vpc: vpc-1, ingress: [\"icmp -1:4 0.0.0.0/0\"]}}\n";
        assertThat(load(yaml, false).warnings()).contains(dir.resolve("w.yaml")
                + ": groups.sg-1.ingress[0]: ICMP type -1 (any) with code 4 matches nothing");
    }

    @Test
    void sg2_quota_withinQuotasNothingIsSaid() {
        String yaml = BASE + "groups: {sg-ok: {vpc: vpc-1, ingress: " + rules(60, 60) + "}}\n"
                + "enis: {eni-1: {subnet: subnet-a, ips: [10.0.1.5], groups: [sg-ok]}}\n";
        assertThat(load(yaml, true).warnings()).isEmpty();
    }
}
