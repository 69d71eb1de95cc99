package io.sgemu.control.aws;

import static io.sgemu.control.aws.Fixtures.load;
import static io.sgemu.control.aws.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every validation error names the file and the path in the document of the bad value. */
class WorldValidationTest {
    @TempDir
    Path dir;

    private void assertLoadFails(String message, Path... paths) {
        assertThatThrownBy(() -> load(paths)).isInstanceOf(WorldLoadException.class).hasMessage(message);
    }

    /** The fixture world with one file replaced by {@code text}, loaded as a folder. */
    private void assertWorldWithFails(String file, String text, String pathAndProblem) {
        Fixtures.writeDescribeWorld(dir);
        write(dir, file, text);
        assertLoadFails(dir.resolve(file) + ": " + pathAndProblem, dir);
    }

    private static String group(String permission) {
        return """
                {"GroupId": "sg-%d", "IpPermissions": [%s]}
                """.formatted(permission.hashCode() & 0xffff, permission);
    }

    @Test
    void aPortOutOfRangeNamesFileAndPath() {
        Path sg = write(dir, "sg.json", "{\"SecurityGroups\": [" + group("") + "," + group("{\"IpProtocol\": \"tcp\"}".replace("tcp", "-1"))
                + "," + group("{\"IpProtocol\": \"tcp\", \"FromPort\": 70000, \"ToPort\": 70000, \"IpRanges\": [{\"CidrIp\": \"0.0.0.0/0\"}]}")
                + "]}");
        assertLoadFails(sg + ": SecurityGroups[2].IpPermissions[0].FromPort: 70000 is not a port", sg);
    }

    @Test
    void aPortRangeFromAboveToIsAnError() {
        Path sg = write(dir, "sg.json", "{\"SecurityGroups\": [" + group(
                "{\"IpProtocol\": \"udp\", \"FromPort\": 443, \"ToPort\": 80, \"IpRanges\": [{\"CidrIp\": \"0.0.0.0/0\"}]}") + "]}");
        assertLoadFails(sg + ": SecurityGroups[0].IpPermissions[0].ToPort: 80 is below FromPort 443", sg);
    }

    @Test
    void tcpWithoutPortsIsAnError() {
        Path sg = write(dir, "sg.json", "{\"SecurityGroups\": [" + group(
                "{\"IpProtocol\": \"tcp\", \"IpRanges\": [{\"CidrIp\": \"0.0.0.0/0\"}]}") + "]}");
        assertLoadFails(sg + ": SecurityGroups[0].IpPermissions[0].FromPort: missing (tcp and udp rules need a port range)", sg);
    }

    @Test
    void icmpTypeAndCodeMustBeWithinMinusOneTo255() {
        Path sg = write(dir, "sg.json", "{\"SecurityGroups\": [" + group(
                "{\"IpProtocol\": \"icmp\", \"FromPort\": 300, \"ToPort\": 0, \"IpRanges\": [{\"CidrIp\": \"0.0.0.0/0\"}]}") + "]}");
        assertLoadFails(sg + ": SecurityGroups[0].IpPermissions[0].FromPort: 300 is not an ICMP type (-1..255)", sg);
        Path sg2 = write(dir, "sg2.json", "{\"SecurityGroups\": [" + group(
                "{\"IpProtocol\": \"icmpv6\", \"FromPort\": 1, \"ToPort\": -2, \"Ipv6Ranges\": [{\"CidrIpv6\": \"::/0\"}]}") + "]}");
        assertLoadFails(sg2 + ": SecurityGroups[0].IpPermissions[0].ToPort: -2 is not an ICMP code (-1..255)", sg2);
    }

    @Test
    void aBadProtocolIsAnError() {
        Path sg = write(dir, "sg.json", "{\"SecurityGroups\": [" + group(
                "{\"IpProtocol\": \"tpc\", \"FromPort\": 1, \"ToPort\": 2, \"IpRanges\": [{\"CidrIp\": \"0.0.0.0/0\"}]}") + "]}");
        assertLoadFails(sg + ": SecurityGroups[0].IpPermissions[0].IpProtocol: 'tpc' is not a protocol", sg);
    }

    @Test
    void badCidrsAndCidrsOfTheWrongFamilyAreErrors() {
        Path sg = write(dir, "sg.json", "{\"SecurityGroups\": [" + group(
                "{\"IpProtocol\": \"-1\", \"IpRanges\": [{\"CidrIp\": \"10.0.0/8\"}]}") + "]}");
        assertLoadFails(sg + ": SecurityGroups[0].IpPermissions[0].IpRanges[0].CidrIp: '10.0.0/8' is not a CIDR block (bad address)", sg);
        Path sg2 = write(dir, "sg2.json", "{\"SecurityGroups\": [" + group(
                "{\"IpProtocol\": \"-1\", \"IpRanges\": [{\"CidrIp\": \"::/0\"}]}") + "]}");
        assertLoadFails(sg2 + ": SecurityGroups[0].IpPermissions[0].IpRanges[0].CidrIp: '::/0' is not an IPv4 CIDR block", sg2);
    }

    @Test
    void cidrsWithHostBitsLoadWithAWarning() {
        Path sg = write(dir, "sg.json", "{\"SecurityGroups\": [" + group(
                "{\"IpProtocol\": \"-1\", \"IpRanges\": [{\"CidrIp\": \"10.1.2.3/8\"}]}") + "]}");
        assertThat(load(sg).warnings()).contains(sg + ": SecurityGroups[0].IpPermissions[0].IpRanges[0].CidrIp: 10.1.2.3/8"
                + " has host bits set; read as 10.0.0.0/8");
    }

    @Test
    void timeoutsOutsideTheirAllowedRangesAreErrors() {
        assertWorldWithFails("enis.json", Fixtures.ENIS.replace("\"UdpTimeout\": 45", "\"UdpTimeout\": 90"),
                "NetworkInterfaces[0].ConnectionTrackingConfiguration.UdpTimeout: 90 s is out of the allowed range 30..60 s");
    }

    @Test
    void tcpEstablishedAndUdpStreamTimeoutsAreCheckedToo() {
        assertWorldWithFails("enis.json", Fixtures.ENIS.replace("\"TcpEstablishedTimeout\": 3600", "\"TcpEstablishedTimeout\": 59"),
                "NetworkInterfaces[0].ConnectionTrackingConfiguration.TcpEstablishedTimeout: 59 s is out of the allowed range 60..432000 s");
    }

    @Test
    void anInterfaceNamingAnUnknownGroupIsAnError() {
        assertWorldWithFails("enis.json", Fixtures.ENIS.replace("{\"GroupId\": \"sg-admin\"}", "{\"GroupId\": \"sg-nope\"}"),
                "NetworkInterfaces[1].Groups[0].GroupId: sg-nope is not a loaded security group");
    }

    @Test
    void aRuleReferencingAnUnknownGroupOfTheSameAccountIsAnError() {
        assertWorldWithFails("sgs.json", Fixtures.GROUPS.replace("{\"GroupId\": \"sg-admin\", \"UserId\"", "{\"GroupId\": \"sg-nope\", \"UserId\""),
                "SecurityGroups[0].IpPermissions[1].UserIdGroupPairs[0].GroupId: sg-nope is not a loaded security group");
    }

    @Test
    void aRuleReferencingAGroupOfAnotherAccountIsKeptWithAWarning() {
        Fixtures.writeDescribeWorld(dir);
        write(dir, "sgs.json", Fixtures.GROUPS.replace("{\"GroupId\": \"sg-admin\", \"UserId\": \"111122223333\"}",
                "{\"GroupId\": \"sg-far\", \"UserId\": \"999988887777\"}"));
        LoadedWorld lw = load(dir);
        assertThat(lw.world().securityGroups().get("sg-web").ingress()).anySatisfy(r ->
                assertThat(r.peer()).hasToString("sg-far"));
        assertThat(lw.warnings()).contains(dir.resolve("sgs.json") + ": SecurityGroups[0].IpPermissions[1].UserIdGroupPairs[0]"
                + ".GroupId: sg-far belongs to account 999988887777, which is not loaded: the rule matches nothing");
    }

    @Test
    void anInterfaceInAnUnknownSubnetIsAnError() {
        assertWorldWithFails("enis.json", Fixtures.ENIS.replace("\"SubnetId\": \"subnet-a\"", "\"SubnetId\": \"subnet-zz\""),
                "NetworkInterfaces[0].SubnetId: subnet-zz is not a loaded subnet");
    }

    @Test
    void anInterfaceInAnUnknownVpcIsAnError() {
        assertWorldWithFails("enis.json", Fixtures.ENIS.replace("\"VpcId\": \"vpc-1\", \"InterfaceType\": \"natGateway\"",
                        "\"VpcId\": \"vpc-zz\", \"InterfaceType\": \"natGateway\""),
                "NetworkInterfaces[1].VpcId: vpc-zz is not a loaded VPC");
    }

    @Test
    void anInterfaceWhoseVpcIsNotItsSubnetsIsAnError() {
        Fixtures.writeDescribeWorld(dir);
        write(dir, "vpc2.json", "{\"Vpcs\": [{\"VpcId\": \"vpc-2\", \"CidrBlock\": \"10.2.0.0/16\"}]}");
        write(dir, "enis.json", Fixtures.ENIS.replace("\"VpcId\": \"vpc-1\", \"InterfaceType\": \"natGateway\"",
                "\"VpcId\": \"vpc-2\", \"InterfaceType\": \"natGateway\""));
        assertLoadFails(dir.resolve("enis.json") + ": NetworkInterfaces[1]: eni-nat is in vpc-2 but its subnet subnet-b is in vpc-1", dir);
    }

    @Test
    void aNaclAssociatedWithAnUnknownSubnetIsAnError() {
        assertWorldWithFails("acls.json", Fixtures.ACLS.replace("\"SubnetId\": \"subnet-b\"", "\"SubnetId\": \"subnet-zz\""),
                "NetworkAcls[1].Associations[0].SubnetId: subnet-zz is not a loaded subnet");
    }

    @Test
    void aSubnetAssociatedWithTwoNaclsIsAnError() {
        assertWorldWithFails("acls.json", Fixtures.ACLS.replace("\"SubnetId\": \"subnet-b\"", "\"SubnetId\": \"subnet-a\""),
                "NetworkAcls[1].Associations[0].SubnetId: subnet-a is associated with both acl-1 and acl-2 (a subnet has exactly one network ACL)");
    }

    @Test
    void aRuleNamingAnUnknownPrefixListIsAnError() {
        Fixtures.writeDescribeWorld(dir);
        write(dir, "pl.json", "{\"ManagedPrefixLists\": []}");
        assertLoadFails(dir.resolve("sgs.json") + ": SecurityGroups[0].IpPermissions[1].PrefixListIds[0].PrefixListId:"
                + " pl-office is not a loaded prefix list", dir);
    }

    @Test
    void theSameIdWithDifferentContentInTwoFilesIsAnErrorNamingBoth() {
        Fixtures.writeDescribeWorld(dir);
        write(dir, "vpcs2.json", "{\"Vpcs\": [{\"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.7.0.0/16\"}]}");
        assertLoadFails(dir.resolve("vpcs2.json") + ": Vpcs[0]: VPC vpc-1 differs from its definition at "
                + dir.resolve("vpcs.json") + ": Vpcs[0]", dir);
    }

    @Test
    void theSameIdWithTheSameContentInTwoFilesMerges() {
        Fixtures.writeDescribeWorld(dir);
        write(dir, "sub/sgs-again.json", Fixtures.GROUPS);
        assertThat(load(dir).world().securityGroups()).hasSize(2);
    }

    @Test
    void missingRequiredFieldsNameTheirPath() {
        Path sg = write(dir, "sg.json", "{\"SecurityGroups\": [{\"GroupName\": \"x\"}]}");
        assertLoadFails(sg + ": SecurityGroups[0].GroupId: missing", sg);
        assertWorldWithFails("acls.json", Fixtures.ACLS.replace("\"Egress\": false, \"CidrBlock\": \"10.0.0.0/8\"", "\"CidrBlock\": \"10.0.0.0/8\""),
                "NetworkAcls[0].Entries[1].Egress: missing");
    }

    @Test
    void naclEntryValuesAreChecked() {
        assertWorldWithFails("acls.json", Fixtures.ACLS.replace("{\"From\": 443, \"To\": 443}", "{\"From\": 443, \"To\": 80}"),
                "NetworkAcls[0].Entries[0].PortRange.To: 80 is below From 443");
    }

    @Test
    void naclRuleActionMustBeAllowOrDeny() {
        assertWorldWithFails("acls.json", Fixtures.ACLS.replaceFirst("\"RuleAction\": \"allow\"", "\"RuleAction\": \"permit\""),
                "NetworkAcls[0].Entries[0].RuleAction: 'permit' is not a rule action (allow or deny)");
    }

    @Test
    void naclRuleNumbersAreUniquePerDirection() {
        assertWorldWithFails("acls.json", Fixtures.ACLS.replace("\"RuleNumber\": 110", "\"RuleNumber\": 100"),
                "NetworkAcls[0].Entries[1].RuleNumber: rule 100 ingress is also at NetworkAcls[0].Entries[0]");
    }

    @Test
    void naclIcmpTypeIsChecked() {
        assertWorldWithFails("acls.json", Fixtures.ACLS.replace("{\"Type\": 8, \"Code\": -1}", "{\"Type\": 256, \"Code\": -1}"),
                "NetworkAcls[0].Entries[1].IcmpTypeCode.Type: 256 is not an ICMP type (-1..255)");
    }

    @Test
    void aBadAllowanceTagIsAnError() {
        assertWorldWithFails("enis.json", Fixtures.ENIS.replace("\"Value\": \"1000\"", "\"Value\": \"lots\""),
                "NetworkInterfaces[0].TagSet[0].Value: 'lots' is not a number of connections (0 = unlimited)");
    }

    @Test
    void twoPrimaryAddressesAreAnError() {
        assertWorldWithFails("enis.json", Fixtures.ENIS.replace("\"PrivateIpAddress\": \"10.0.1.11\", \"Primary\": false",
                        "\"PrivateIpAddress\": \"10.0.1.11\", \"Primary\": true"),
                "NetworkInterfaces[0].PrivateIpAddresses[1].Primary: a second primary address (10.0.1.10 is primary)");
    }

    @Test
    void aJsonSyntaxErrorNamesFileLineAndColumn() {
        Path bad = write(dir, "bad.json", "{\"Vpcs\": [\n  {\"VpcId\": \"vpc-1\",}\n]}");
        assertThatThrownBy(() -> load(bad)).isInstanceOf(WorldLoadException.class)
                .hasMessageStartingWith(bad + ": line 2, column 21: JSON syntax error: ");
    }

    @Test
    void aDuplicateKeyIsASyntaxError() {
        Path bad = write(dir, "dup.json", "{\"Vpcs\": [],\n \"Vpcs\": []}");
        assertThatThrownBy(() -> load(bad)).isInstanceOf(WorldLoadException.class)
                .hasMessageStartingWith(bad + ": line 2, column ").hasMessageContaining("Duplicate field 'Vpcs'");
    }

    @Test
    void aQueryProjectionIsRejectedWithItsReason() {
        Path arr = write(dir, "names.json", "[{\"Name\": \"a\", \"ID\": \"sg-1\"}]");
        assertLoadFails(arr + ": is a --query projection (top level is an array), not describe output", arr);
        Path str = write(dir, "str.json", "\"sg-1\"");
        assertLoadFails(str + ": top level is the string 'sg-1', not describe output", str);
    }

    @Test
    void emptyAndMissingFilesAreErrors() {
        Path empty = write(dir, "empty.json", "  \n");
        assertLoadFails(empty + ": is empty", empty);
        Path none = dir.resolve("none.json");
        assertLoadFails(none + ": no such file or folder", none);
    }

    @Test
    void aWorldWithoutInterfacesLoadsWithAWarning() {
        Path vpcs = write(dir, "vpcs.json", Fixtures.VPCS);
        LoadedWorld lw = load(vpcs);
        assertThat(lw.world().vpcs()).containsKey("vpc-1");
        assertThat(lw.warnings()).containsExactly("no network interface loaded: there is nothing to filter");
    }

    @Test
    void aGroupInAVpcThatIsNotLoadedIsAWarningNamingHowManyItemsNameIt() {
        Path sgs = write(dir, "sgs.json", Fixtures.GROUPS.replace("\"PrefixListIds\": [{\"PrefixListId\": \"pl-office\"}]", "\"PrefixListIds\": []"));
        assertThat(load(sgs).warnings()).contains(sgs + ": SecurityGroups[0].VpcId: vpc-1 is not a loaded VPC (2 items name it)");
    }

    @Test
    void anAddressOutsideItsSubnetIsAWarning() {
        Fixtures.writeDescribeWorld(dir);
        write(dir, "enis.json", Fixtures.ENIS.replace("10.0.2.5", "172.31.0.5"));
        assertThat(load(dir).warnings()).contains(dir.resolve("enis.json") + ": NetworkInterfaces[1]: 172.31.0.5 of eni-nat"
                + " is outside its subnet subnet-b (10.0.2.0/24)");
    }

    @Test
    void paginatedOutputIsWarnedAbout() {
        Path sgs = write(dir, "sgs.json", "{\"SecurityGroups\": [], \"NextToken\": \"abc\"}");
        assertThat(load(sgs).warnings()).contains(sgs + ": NextToken: the output is one page of several; later pages are missing");
    }

    @Test
    void aFileThatIsNotUtf8IsAnError() throws Exception {
        Path bin = dir.resolve("bin.json");
        Files.write(bin, new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, 0x7b});
        assertThatThrownBy(() -> load(bin)).isInstanceOf(WorldLoadException.class).hasMessageStartingWith(bin + ": ");
    }
}
