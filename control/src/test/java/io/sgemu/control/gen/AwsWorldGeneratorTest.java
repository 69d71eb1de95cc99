package io.sgemu.control.gen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sgemu.control.aws.LoadedWorld;
import io.sgemu.control.aws.WorldJsonWriter;
import io.sgemu.control.aws.WorldLoader;
import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.World;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AwsWorldGeneratorTest {

    @TempDir
    Path tmp;

    static LongStream seeds() {
        return new SplittableRandom(77).longs(12);
    }

    /** Settings within AWS's quotas, drawn from the seed. */
    static AwsWorldSettings settings(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int vpcs = 1 + r.nextInt(3);
        int groupsPerEni = 1 + r.nextInt(5);
        int groups = vpcs * groupsPerEni + r.nextInt(10);
        return new AwsWorldSettings(vpcs, 1 + r.nextInt(5), r.nextInt(30), groups, r.nextInt(40), groupsPerEni,
                r.nextDouble(0.5), r.nextDouble(0.5), r.nextDouble(0.3), 1 + r.nextInt(4), 1 + r.nextInt(5),
                r.nextInt(21), r.nextBoolean(), seed);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void aGeneratedWorldLoadsWithItsExactSize(long seed) throws IOException {
        AwsWorldSettings s = settings(seed);
        GeneratedWorld g = AwsWorldGenerator.generate(s);
        new WorldJsonWriter(7).write(g.world(), tmp.resolve("w"));
        LoadedWorld loaded = new WorldLoader().load(List.of(tmp.resolve("w")));
        World w = loaded.world();
        String what = "seed " + seed + ", " + s;

        assertThat(w).as(what).isEqualTo(g.world());
        // only quota warnings (a prefix list counts as its entries against the 60 rules); never a broken world
        assertThat(loaded.warnings()).as(what).allSatisfy(t -> assertThat(t).contains("beyond"));
        assertThat(w.vpcs()).as(what).hasSize(s.vpcs());
        assertThat(w.subnets()).as(what).hasSize(s.vpcs() * s.subnetsPerVpc());
        assertThat(w.networkInterfaces()).as(what).hasSize((int) s.enis());
        assertThat(w.securityGroups()).as(what).hasSize(s.groups());
        long total = 0;
        for (SecurityGroup sg : w.securityGroups().values()) {
            assertThat(sg.ingress().size() + sg.egress().size()).as(what + ", " + sg.id()).isEqualTo(s.rulesPerGroup());
            total += sg.ingress().size() + sg.egress().size();
            for (SgRule rule : sg.ingress()) {
                if (rule.peer() instanceof Peer.GroupPeer p) {
                    assertThat(w.securityGroups().get(p.groupId()).vpcId()).as(what).isEqualTo(sg.vpcId());
                }
            }
        }
        assertThat(total).as(what).isEqualTo((long) s.groups() * s.rulesPerGroup());
        for (NetworkInterface e : w.networkInterfaces().values()) {
            assertThat(e.groupIds()).as(what).hasSize(s.groupsPerEni()).doesNotHaveDuplicates();
            assertThat(e.groupIds()).as(what).allSatisfy(id -> assertThat(w.securityGroups().get(id).vpcId()).isEqualTo(e.vpcId()));
            assertThat(e.ipv6().isEmpty()).as(what).isEqualTo(!s.ipv6());
        }
        for (String subnet : w.subnets().keySet()) {
            NetworkAcl acl = w.naclOf(subnet);
            assertThat(acl.entries()).as(what).hasSize(s.naclEntries() == 0 ? (s.ipv6() ? 4 : 2) : 2 * s.naclEntries());
        }
        assertThat(w.prefixLists()).as(what).hasSize(s.prefixLists());
        assertThat(w.prefixLists().values()).as(what).allSatisfy(p -> assertThat(p.entries()).hasSize(s.prefixListEntries()));
    }

    @Test
    void theTiersReferenceEachOther() {
        World w = AwsWorldGenerator.generate(new AwsWorldSettings(1, 3, 5, 9, 30, 2, 0.2, 0.5, 0.1, 2, 3, 5, false, 3)).world();
        int references = 0;
        for (SecurityGroup sg : w.securityGroups().values()) {
            String tier = sg.name().substring(0, sg.name().indexOf('-'));
            for (SgRule r : sg.ingress()) {
                if (r.peer() instanceof Peer.GroupPeer p) {
                    String peerTier = w.securityGroups().get(p.groupId()).name();
                    String expected = switch (tier) {
                        case "web", "app" -> "web-";
                        default -> "app-";
                    };
                    assertThat(peerTier).as("%s admits %s", sg.name(), peerTier).startsWith(expected);
                    references++;
                }
            }
        }
        assertThat(references).isGreaterThan(50);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void theSameSeedIsTheSameBytesAndAnotherSeedIsNot(long seed) throws IOException {
        AwsWorldSettings s = settings(seed);
        write(s, "a");
        write(s, "b");
        AwsWorldSettings other = new AwsWorldSettings(s.vpcs(), s.subnetsPerVpc(), s.enisPerSubnet(), s.groups(),
                s.rulesPerGroup(), s.groupsPerEni(), s.egressShare(), s.referenceShare(), s.prefixListShare(),
                s.prefixLists(), s.prefixListEntries(), s.naclEntries(), s.ipv6(), seed + 1);
        write(other, "c");
        assertThat(contents("b")).as("seed %d", seed).isEqualTo(contents("a"));
        assertThat(contents("c")).as("seed %d against %d", seed, seed + 1).isNotEqualTo(contents("a"));
    }

    private void write(AwsWorldSettings s, String name) throws IOException {
        new WorldJsonWriter(5).write(AwsWorldGenerator.generate(s).world(), tmp.resolve(name));
    }

    private List<String> contents(String name) throws IOException {
        Path dir = tmp.resolve(name);
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.add(dir.relativize(f) + "\n" + Files.readString(f));
            }
        }
        return out;
    }

    @Test
    void beyondTheQuotasItWarnsAndStillLoads() throws IOException {
        GeneratedWorld g = AwsWorldGenerator.generate(new AwsWorldSettings(1, 2, 3, 20, 200, 17, 0.5, 0.2, 0.1, 2, 3, 25, true, 9));
        assertThat(String.join("\n", g.warnings())).contains("100 rules in one direction", "17 groups per ENI",
                "maximum 16", "1700 rules", "25 network ACL entries");
        new WorldJsonWriter().write(g.world(), tmp.resolve("big"));
        LoadedWorld loaded = new WorldLoader().load(List.of(tmp.resolve("big")));
        assertThat(loaded.world().networkInterfaces().values()).allSatisfy(e -> assertThat(e.groupIds()).hasSize(17));
        assertThat(loaded.warnings()).anySatisfy(t -> assertThat(t).contains("17 security groups"));
    }

    @Test
    void badSettingsSayWhichOption() {
        assertThatThrownBy(() -> new AwsWorldSettings(0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0, false, 1))
                .hasMessageContaining("--vpcs must be at least 1");
        assertThatThrownBy(() -> new AwsWorldSettings(1, 1, 1, 1, 1, 1, 1.5, 0, 0, 0, 1, 0, false, 1))
                .hasMessageContaining("--egress-share");
        assertThatThrownBy(() -> new AwsWorldSettings(1, 1, 1, 1, 1, 1, 0, 0, 0.2, 0, 1, 0, false, 1))
                .hasMessageContaining("--prefix-lists");
        assertThatThrownBy(() -> AwsWorldGenerator.generate(new AwsWorldSettings(2, 1, 1, 3, 1, 2, 0, 0, 0, 0, 1, 0, false, 1)))
                .hasMessageContaining("--groups-per-eni 2");
        assertThatThrownBy(() -> AwsWorldGenerator.generate(new AwsWorldSettings(65, 512, 252, 65, 1, 1, 0, 0, 0, 0, 1, 0, false, 1)))
                .hasMessageContaining("do not fit in 10.0.0.0/8");
    }
}
