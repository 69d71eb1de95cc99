package io.sgemu.control.aws;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sgemu.control.model.Peer;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;
import io.sgemu.dataplane.testdata.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Second layer: every file of the shared AWS data loads, alone and merged per folder, or is rejected
 * with a precise reason. Runs when {@code SGEMU_SHARED_DATA} names the shared data folder.
 */
class SharedAwsDataTest {
    private Path cloudmapper;
    private Path cli;

    @TempDir
    Path tmp;

    @BeforeEach
    void sharedData() {
        Path aws = SharedData.directory().resolve("aws");
        cloudmapper = aws.resolve("cloudmapper-demo");
        cli = aws.resolve("cli-examples");
        assertThat(cloudmapper).isDirectory();
        assertThat(cli).isDirectory();
    }

    private static LoadedWorld load(Path... paths) {
        return new WorldLoader().load(List.of(paths));
    }

    private static void assertRejected(String reason, Path... paths) {
        assertThatThrownBy(() -> load(paths)).isInstanceOf(WorldLoadException.class).hasMessage(reason);
    }

    private static void assertPassedOver(Path file, String... keys) {
        LoadedWorld lw = load(file);
        World w = lw.world();
        assertThat(w.vpcs().size() + w.subnets().size() + w.securityGroups().size() + w.networkInterfaces().size()
                + w.networkAcls().size() + w.prefixLists().size()).as(file.toString()).isZero();
        for (String key : keys) {
            assertThat(lw.notes()).anyMatch(n -> n.startsWith(file + ": " + key + ": passed over"));
        }
    }

    @Test
    void theCloudmapperDemoFolderLoadsAsOneWorld() {
        LoadedWorld lw = load(cloudmapper);
        World w = lw.world();
        assertThat(w.vpcs()).containsOnlyKeys("vpc-12345678");
        assertThat(w.subnets()).hasSize(4);
        assertThat(w.securityGroups()).hasSize(8);
        assertThat(w.networkInterfaces()).containsOnlyKeys("eni-00000001");
        var eni = w.networkInterfaces().get("eni-00000001");
        assertThat(eni.primaryIpv4()).isEqualTo(IpAddress.parse("172.31.48.168"));
        assertThat(eni.publicIps()).containsEntry(IpAddress.parse("3.80.3.41"), IpAddress.parse("172.31.48.168"));
        assertThat(eni.groupIds()).containsExactly("sg-00000008");
        assertThat(eni.ownerId()).isEqualTo("653711331788");
        // the default group allows all inbound from itself
        SecurityGroup def = w.securityGroups().get("sg-00000001");
        assertThat(def.ingress()).singleElement().satisfies(r -> assertThat(r.peer()).isEqualTo(new Peer.GroupPeer("sg-00000001")));
        // no NACL in the dump: AWS's default one is supplied and covers all four subnets
        assertThat(w.naclOf("subnet-00000003").id()).isEqualTo("acl-default-vpc-12345678");
        assertThat(w.naclOf("subnet-00000003").subnetIds()).hasSize(4);
        Path dir = cloudmapper;
        assertThat(lw.warnings()).containsExactly(
                dir.resolve("ec2-describe-security-groups.json") + ": SecurityGroups[6].IpPermissions[0].IpRanges[1].CidrIp:"
                        + " 2.2.2.2/28 has host bits set; read as 2.2.2.0/28",
                dir.resolve("ec2-describe-network-interfaces.json") + ": NetworkInterfaces[0]: 172.31.48.168 of eni-00000001"
                        + " is outside its subnet subnet-00000001 (10.0.0.0/24)");
        assertThat(lw.notes()).hasSize(4).anyMatch(n -> n.startsWith(dir.resolve("ec2-describe-instances.json") + ": Reservations: passed over"))
                .anyMatch(n -> n.startsWith(dir.resolve("ec2-describe-vpc-endpoints.json") + ": VpcEndpoints: passed over"))
                .anyMatch(n -> n.startsWith(dir.resolve("ec2-describe-vpc-peering-connections.json") + ": VpcPeeringConnections: passed over"))
                .anyMatch(n -> n.contains("gets AWS's default NACL") || n.contains("get AWS's default NACL"));
    }

    @Test
    void eachCloudmapperFileAlone() {
        Path d = cloudmapper;
        assertPassedOver(d.resolve("ec2-describe-instances.json"), "Reservations");
        assertPassedOver(d.resolve("ec2-describe-vpc-endpoints.json"), "VpcEndpoints");
        assertPassedOver(d.resolve("ec2-describe-vpc-peering-connections.json"), "VpcPeeringConnections");
        Path enis = d.resolve("ec2-describe-network-interfaces.json");
        assertRejected(enis + ": NetworkInterfaces[0].SubnetId: subnet-00000001 is not a loaded subnet", enis);
        LoadedWorld sgs = load(d.resolve("ec2-describe-security-groups.json"));
        assertThat(sgs.world().securityGroups()).hasSize(8);
        assertThat(sgs.warnings()).contains(d.resolve("ec2-describe-security-groups.json")
                + ": SecurityGroups[0].VpcId: vpc-12345678 is not a loaded VPC (8 items name it)");
        assertThat(load(d.resolve("ec2-describe-subnets.json")).world().subnets()).hasSize(4);
        assertThat(load(d.resolve("ec2-describe-vpcs.json")).world().vpcs().get("vpc-12345678").ipv4Cidrs())
                .containsExactly(Cidr.parse("10.0.0.0/16"));
        // the interfaces load together with their subnets and VPC
        assertThat(load(enis, d.resolve("ec2-describe-subnets.json"), d.resolve("ec2-describe-vpcs.json"),
                d.resolve("ec2-describe-security-groups.json")).world().networkInterfaces()).hasSize(1);
    }

    @Test
    void theCliExamplesFolderIsRejectedBecauseOfItsQueryProjection() {
        assertRejected(cli.resolve("describe-security-groups.ex1.json")
                + ": is a --query projection (top level is an array), not describe output", cli);
    }

    @Test
    void withoutTheProjectionTheCliExamplesStillConflict() throws IOException {
        try (Stream<Path> files = Files.list(cli)) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().equals("describe-security-groups.ex1.json")) {
                    Files.copy(f, tmp.resolve(f.getFileName()));
                }
            }
        }
        // unrelated examples: two of them describe the same VPC with different owners
        assertRejected(tmp.resolve("describe-vpcs.ex2.json") + ": Vpcs[0]: VPC vpc-06e4ab6c6cEXAMPLE differs from its"
                + " definition at " + tmp.resolve("describe-vpcs.ex1.json") + ": Vpcs[1]", tmp);
    }

    @Test
    void cliExamplesOfCallsThatAreNotModelledArePassedOver() {
        assertPassedOver(cli.resolve("create-flow-logs.ex1.json"), "ClientToken", "FlowLogIds", "Unsuccessful");
        assertPassedOver(cli.resolve("describe-flow-logs.ex1.json"), "FlowLogs");
        assertPassedOver(cli.resolve("describe-security-group-references.ex1.json"), "SecurityGroupsReferenceSet");
    }

    @Test
    void cliExamplesOfInterfacesAndNaclsNameSubnetsNoExampleDefines() {
        Path e1 = cli.resolve("describe-network-interfaces.ex1.json");
        assertRejected(e1 + ": NetworkInterfaces[0].SubnetId: subnet-b61f49f0 is not a loaded subnet", e1);
        Path e2 = cli.resolve("describe-network-interfaces.ex2.json");
        assertRejected(e2 + ": NetworkInterfaces[0].SubnetId: subnet-31d6c219 is not a loaded subnet", e2);
        Path acl = cli.resolve("describe-network-acls.ex1.json");
        assertRejected(acl + ": NetworkAcls[0].Associations[0].SubnetId: subnet-0931fc2fa5EXAMPLE is not a loaded subnet", acl);
        Path projection = cli.resolve("describe-security-groups.ex1.json");
        assertRejected(projection + ": is a --query projection (top level is an array), not describe output", projection);
    }

    @Test
    void cliExamplesOfGroupsAndRulesLoad() {
        SecurityGroup g = load(cli.resolve("describe-security-groups.ex0-repaired.json")).world().securityGroups().get("sg-903004f8");
        assertThat(g.ingress()).extracting(r -> r.describe()).containsExactly("-1 all from sg-903004f8", "tcp 22 from 203.0.113.0/24");
        assertThat(g.ingress().get(1).description()).isEqualTo("Access from NY office");
        assertThat(g.egress()).extracting(r -> r.describe()).containsExactly("-1 all to 0.0.0.0/0");
        SecurityGroup r = load(cli.resolve("describe-security-group-rules.ex1.json"), cli.resolve("describe-security-group-rules.ex2.json"))
                .world().securityGroups().get("sg-1234567890abcdef0");
        assertThat(r.ingress()).extracting(x -> x.ruleId()).containsExactly("sgr-abcdef01234567890");
        assertThat(r.egress()).extracting(x -> x.ruleId()).containsExactly("sgr-bcdef01234567890a", "sgr-cdef01234567890ab");
        assertThat(load(cli.resolve("describe-security-group-rules.ex2.json")).world().securityGroups().get("sg-1234567890abcdef0")
                .egress()).hasSize(1);
    }

    @Test
    void cliExamplesOfVpcsSubnetsAndPrefixListsLoad() {
        assertThat(load(cli.resolve("describe-vpcs.ex1.json")).world().vpcs()).hasSize(2);
        assertThat(load(cli.resolve("describe-vpcs.ex2.json")).world().vpcs()).hasSize(1);
        Path s0 = cli.resolve("describe-subnets.ex0-repaired.json");
        Path s1 = cli.resolve("describe-subnets.ex1.json");
        assertThat(load(s0).world().subnets()).hasSize(2);
        assertThat(load(s1).world().subnets()).containsOnlyKeys("subnet-8EXAMPLE");
        assertThat(load(s0, s1).world().subnets()).as("the same subnet in both merges").hasSize(2);
        assertThat(load(cli.resolve("describe-prefix-lists.ex1.json")).world().prefixLists().get("pl-63a5400a").entries())
                .containsExactly(Cidr.parse("54.231.0.0/17"));
        Path managed = cli.resolve("describe-managed-prefix-lists.ex1.json");
        LoadedWorld ml = load(managed);
        assertThat(ml.world().prefixLists().get("pl-11223344556677aab").family()).isEqualTo(6);
        assertThat(ml.warnings()).contains(managed + ": PrefixLists[0]: prefix list pl-11223344556677aab has no entries"
                + " loaded (add the output of get-managed-prefix-list-entries): it matches nothing");
    }

    @Test
    void theEntriesExampleNamesNoListAndIsPassedOverAloneAndBesideTwoCandidateLists() {
        Path entries = cli.resolve("get-managed-prefix-list-entries.ex1.json");
        assertThat(load(entries).notes()).containsExactly(entries + ": Entries: passed over (get-managed-prefix-list-entries"
                + " output names no prefix list: put its id, pl-..., in the file name)");
        assertThat(load(cli.resolve("describe-managed-prefix-lists.ex1.json"), entries).notes()).containsExactly(entries
                + ": Entries: passed over (get-managed-prefix-list-entries output names no prefix list: put its id, pl-...,"
                + " in the file name; the folder defines 2 prefix lists without entries)");
    }
}
