package io.sgemu.control.aws;

import static io.sgemu.control.aws.Fixtures.load;
import static io.sgemu.control.aws.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sgemu.control.model.World;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SEMANTICS.md section 1, the world: what the loader holds every world to. */
class WorldClausesTest {

    @TempDir
    Path dir;

    private static final String HEAD = """
            vpcs: {vpc-1: {cidrs: [10.0.0.0/16, "2600:1f18::/56"]}}
            subnets: {subnet-a: {vpc: vpc-1, cidr: 10.0.1.0/24, ipv6-cidr: "2600:1f18:0:1::/64"}}
            """;

    @Test
    void s1_subnetHasExactlyOneNacl_theVpcDefaultUnlessAssociatedOtherwise() {
        World w = load(write(dir, "w.yaml", HEAD + """
                nacls:
                  acl-d: {vpc: vpc-1, default: true, ingress: ["100 allow -1 all 0.0.0.0/0"], egress: []}
                  acl-x: {vpc: vpc-1, ingress: [], egress: []}
                """)).world();
        assertThat(w.naclOf("subnet-a").id()).isEqualTo("acl-d");
        World moved = load(write(dir, "m.yaml", HEAD + """
                nacls:
                  acl-d: {vpc: vpc-1, default: true, ingress: [], egress: []}
                  acl-x: {vpc: vpc-1, subnets: [subnet-a], ingress: [], egress: []}
                """)).world();
        assertThat(moved.naclOf("subnet-a").id()).isEqualTo("acl-x");
    }

    /** AWS allows 1..16 groups on an ENI; like every quota, more is a warning (the emulator tests scale), an error when strict. */
    @Test
    void s1_eniHasOneToSixteenGroups() {
        String groups = IntStream.range(0, 17).mapToObj(i -> "sg-" + i + ": {vpc: vpc-1}").collect(Collectors.joining(", "));
        String ids = IntStream.range(0, 17).mapToObj(i -> "sg-" + i).collect(Collectors.joining(", "));
        Path tooMany = write(dir, "w.yaml", HEAD + "groups: {" + groups + "}\n"
                + "enis: {eni-1: {subnet: subnet-a, ips: [10.0.1.5], groups: [" + ids + "]}}\n");
        assertThat(load(tooMany).warnings()).anyMatch(m -> m.contains("w.yaml") && m.contains("eni-1 has 17 security groups")
                && m.contains("maximum of 16"));
        assertThatThrownBy(() -> new WorldLoader(new LoaderOptions(true)).load(java.util.List.of(tooMany)))
                .isInstanceOf(WorldLoadException.class).hasMessageContaining("maximum of 16");
        Path none = write(dir, "n.yaml", HEAD + "enis: {eni-1: {subnet: subnet-a, ips: [10.0.1.5], groups: []}}\n");
        assertThat(load(none).warnings()).anyMatch(m -> m.contains("eni-1") && m.contains("no security group"));
    }

    @Test
    void s1_eniHasPrimaryAndSecondaryPrivateIpv4Ipv6AndPublicIp() {
        World w = load(write(dir, "w.yaml", HEAD + """
                groups: {sg-a: {vpc: vpc-1}}
                enis:
                  eni-1: {subnet: subnet-a, ips: [10.0.1.5, 10.0.1.6], ipv6: ["2600:1f18:0:1::5"], public-ip: 54.1.2.3, groups: [sg-a]}
                """)).world();
        var eni = w.networkInterfaces().get("eni-1");
        assertThat(eni.primaryIpv4()).hasToString("10.0.1.5");
        assertThat(eni.secondaryIpv4()).extracting(Object::toString).containsExactly("10.0.1.6");
        assertThat(eni.ipv6()).extracting(Object::toString).containsExactly("2600:1f18:0:1::5");
        assertThat(eni.publicIps()).containsEntry(io.sgemu.dataplane.net.IpAddress.parse("54.1.2.3"), eni.primaryIpv4());
        assertThat(eni.vpcId()).isEqualTo("vpc-1");
    }

    @Test
    void s1_prefixListIsASetOfCidrsOfOneFamily() {
        Path mixed = write(dir, "w.yaml", HEAD + "prefix-lists: {pl-1: {cidrs: [10.0.0.0/8, \"2600::/16\"]}}\n");
        assertThatThrownBy(() -> load(mixed)).isInstanceOf(WorldLoadException.class)
                .hasMessageContaining("prefix-lists.pl-1");
    }
}
