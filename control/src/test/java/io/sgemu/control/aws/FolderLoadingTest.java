package io.sgemu.control.aws;

import static io.sgemu.control.aws.Fixtures.load;
import static io.sgemu.control.aws.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A folder stands for every world file below it, in sorted order; files of other calls are passed over. */
class FolderLoadingTest {
    @TempDir
    Path dir;

    @Test
    void aFolderIsReadRecursivelyAndOtherDescribeOutputIsPassedOverWithANote() {
        write(dir, "net/vpcs.json", Fixtures.VPCS);
        write(dir, "net/deeper/subnets.json", Fixtures.SUBNETS);
        write(dir, "net/acls.json", Fixtures.ACLS);
        write(dir, "sec/sgs.json", Fixtures.GROUPS);
        write(dir, "sec/pl.json", Fixtures.PREFIX_LISTS);
        write(dir, "enis.json", Fixtures.ENIS);
        write(dir, "README.txt", "not a world file");
        write(dir, "other/routes.json", "{\"RouteTables\": []}");
        write(dir, "other/instances.json", "{\"Reservations\": []}");
        write(dir, "other/flowlogs.json", "{\"FlowLogs\": []}");
        write(dir, "other/endpoints.json", "{\"VpcEndpoints\": []}");
        write(dir, "other/peering.json", "{\"VpcPeeringConnections\": []}");
        write(dir, "other/create.json", "{\"ClientToken\": \"x\", \"FlowLogIds\": []}");
        LoadedWorld lw = load(dir);
        assertThat(lw.world().networkInterfaces()).containsOnlyKeys("eni-web1", "eni-nat");
        assertThat(lw.world().subnets()).containsOnlyKeys("subnet-a", "subnet-b");
        Path o = dir.resolve("other");
        // notes come in sorted file order
        assertThat(lw.notes()).containsExactly(
                o.resolve("create.json") + ": ClientToken: passed over (not a security group, network ACL, interface, subnet, VPC or prefix list)",
                o.resolve("create.json") + ": FlowLogIds: passed over (not a security group, network ACL, interface, subnet, VPC or prefix list)",
                o.resolve("endpoints.json") + ": VpcEndpoints: passed over (not a security group, network ACL, interface, subnet, VPC or prefix list)",
                o.resolve("flowlogs.json") + ": FlowLogs: passed over (flow log definitions are given on the command line)",
                o.resolve("instances.json") + ": Reservations: passed over (describe-instances output; load describe-network-interfaces for the interfaces)",
                o.resolve("peering.json") + ": VpcPeeringConnections: passed over (not a security group, network ACL, interface, subnet, VPC or prefix list)",
                o.resolve("routes.json") + ": RouteTables: passed over (routes do not filter packets)");
        assertThat(lw.warnings()).isEmpty();
    }

    @Test
    void filesInAFolderAreReadInSortedOrderSoTheFirstDefinitionIsTheSortedFirst() {
        write(dir, "b.json", "{\"Vpcs\": [{\"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.1.0.0/16\"}]}");
        write(dir, "a.json", "{\"Vpcs\": [{\"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.0.0.0/16\"}]}");
        assertThatThrownBy(() -> load(dir)).hasMessage(dir.resolve("b.json") + ": Vpcs[0]: VPC vpc-1 differs from its"
                + " definition at " + dir.resolve("a.json") + ": Vpcs[0]");
    }

    @Test
    void jsonAndYamlFilesMergeAndAFileNamedTwiceIsReadOnce() {
        write(dir, "vpcs.json", Fixtures.VPCS);
        write(dir, "rest.yml", """
                subnets: {subnet-z: {vpc: vpc-1, cidr: 10.0.9.0/24}}
                groups: {sg-z: {vpc: vpc-1}}
                enis: {eni-z: {subnet: subnet-z, ips: [10.0.9.9], groups: [sg-z]}}
                """);
        LoadedWorld lw = new WorldLoader().load(List.of(dir, dir.resolve("vpcs.json")));
        assertThat(lw.world().networkInterfaces().get("eni-z").vpcId()).isEqualTo("vpc-1");
    }

    @Test
    void aFolderWithoutWorldFilesIsAnError() throws Exception {
        Files.createDirectories(dir.resolve("empty"));
        write(dir, "empty/notes.txt", "x");
        assertThatThrownBy(() -> load(dir.resolve("empty"))).isInstanceOf(WorldLoadException.class)
                .hasMessage(dir.resolve("empty") + ": no .json, .yaml or .yml file below this folder");
    }

    @Test
    void noPathAtAllIsAnError() {
        assertThatThrownBy(() -> new WorldLoader().load(List.of())).isInstanceOf(WorldLoadException.class)
                .hasMessage("no world given (files or folders of describe output or native YAML)");
    }

    @Test
    void anEmptyDocumentIsPassedOverWithANote() {
        Path p = write(dir, "empty.json", "{}");
        assertThat(load(p).notes()).containsExactly(p + ": passed over (an empty document)");
    }
}
