package io.sgemu.control.aws;

import static io.sgemu.control.aws.Fixtures.load;
import static io.sgemu.control.aws.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.control.model.ConnTrackConfig;
import io.sgemu.control.model.NaclEntry;
import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.PortRange;
import io.sgemu.control.model.PrefixList;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.Subnet;
import io.sgemu.control.model.Vpc;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How each piece of describe output maps onto the model. */
class AwsDescribeMappingTest {
    @TempDir
    Path dir;

    private World world() {
        return load(Fixtures.writeDescribeWorld(dir)).world();
    }

    private static Cidr cidr(String s) {
        return Cidr.parse(s);
    }

    private static IpAddress ip(String s) {
        return IpAddress.parse(s);
    }

    @Test
    void ipPermissionsAreFlattenedIntoOneRulePerPeerInIpRangesIpv6RangesPrefixListsGroupsOrder() {
        SecurityGroup web = world().securityGroups().get("sg-web");
        assertThat(web.name()).isEqualTo("web");
        assertThat(web.vpcId()).isEqualTo("vpc-1");
        assertThat(web.ownerId()).isEqualTo("111122223333");
        assertThat(web.ingress()).containsExactly(
                new SgRule(null, false, Protocols.TCP, 443, 443, new Peer.CidrPeer(Cidr.ALL_V4), null, 0),
                new SgRule(null, false, Protocols.TCP, 443, 443, new Peer.CidrPeer(Cidr.ALL_V6), null, 1),
                new SgRule(null, false, Protocols.TCP, 22, 22, new Peer.PrefixListPeer("pl-office"), null, 2),
                new SgRule(null, false, Protocols.TCP, 22, 22, new Peer.GroupPeer("sg-admin"), null, 3),
                new SgRule(null, false, Protocols.ICMP, 8, -1, new Peer.CidrPeer(cidr("10.0.0.0/8")), null, 4));
        assertThat(web.egress()).containsExactly(
                new SgRule(null, true, Protocols.ALL, -1, -1, new Peer.CidrPeer(Cidr.ALL_V4), null, 0));
    }

    @Test
    void absentPortsMeanMinusOneAndPortlessProtocolsIgnoreTheirPortsAndDescriptionsAreKept() {
        write(dir, "sg.json", """
                {"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [
                  {"IpProtocol": "icmpv6", "Ipv6Ranges": [{"CidrIpv6": "::/0", "Description": "ping6"}]},
                  {"IpProtocol": "47", "FromPort": 5, "ToPort": 9, "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "gre"}]},
                  {"IpProtocol": "-1", "PrefixListIds": [{"PrefixListId": "pl-1", "Description": "plist"}]}]}],
                 "PrefixLists": [{"PrefixListId": "pl-1", "PrefixListName": "com.amazonaws.us-east-1.s3", "Cidrs": ["54.231.0.0/17"]}]}
                """);
        List<SgRule> in = load(dir.resolve("sg.json")).world().securityGroups().get("sg-1").ingress();
        assertThat(in).containsExactly(
                new SgRule(null, false, Protocols.ICMPV6, -1, -1, new Peer.CidrPeer(Cidr.ALL_V6), "ping6", 0),
                new SgRule(null, false, 47, -1, -1, new Peer.CidrPeer(cidr("10.0.0.0/8")), "gre", 1),
                new SgRule(null, false, Protocols.ALL, -1, -1, new Peer.PrefixListPeer("pl-1"), "plist", 2));
    }

    @Test
    void securityGroupRulesReplaceTheFlattenedRulesOfTheirGroupAndDirectionOnly() {
        Fixtures.writeDescribeWorld(dir);
        write(dir, "rules.json", """
                {"SecurityGroupRules": [
                  {"SecurityGroupRuleId": "sgr-1", "GroupId": "sg-web", "GroupOwnerId": "111122223333", "IsEgress": false,
                   "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "CidrIpv4": "0.0.0.0/0", "Description": "http"},
                  {"SecurityGroupRuleId": "sgr-2", "GroupId": "sg-web", "GroupOwnerId": "111122223333", "IsEgress": false,
                   "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "ReferencedGroupInfo": {"GroupId": "sg-admin", "UserId": "111122223333"}},
                  {"SecurityGroupRuleId": "sgr-3", "GroupId": "sg-web", "GroupOwnerId": "111122223333", "IsEgress": false,
                   "IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "CidrIpv6": "::/0"},
                  {"SecurityGroupRuleId": "sgr-4", "GroupId": "sg-web", "GroupOwnerId": "111122223333", "IsEgress": false,
                   "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "PrefixListId": "pl-office"}]}
                """);
        LoadedWorld lw = load(dir);
        SecurityGroup web = lw.world().securityGroups().get("sg-web");
        assertThat(web.ingress()).containsExactly(
                new SgRule("sgr-1", false, Protocols.TCP, 80, 80, new Peer.CidrPeer(Cidr.ALL_V4), "http", 0),
                new SgRule("sgr-2", false, Protocols.TCP, 22, 22, new Peer.GroupPeer("sg-admin"), null, 1),
                new SgRule("sgr-3", false, Protocols.UDP, 53, 53, new Peer.CidrPeer(Cidr.ALL_V6), null, 2),
                new SgRule("sgr-4", false, Protocols.TCP, 22, 22, new Peer.PrefixListPeer("pl-office"), null, 3));
        // the outbound rules came only from describe-security-groups and stay
        assertThat(web.egress()).hasSize(1);
        assertThat(web.name()).isEqualTo("web");
        assertThat(lw.notes()).contains(dir.resolve("rules.json") + ": SecurityGroupRules[0]: the inbound rules of sg-web"
                + " come from describe-security-group-rules and replace those of describe-security-groups (they carry rule ids)");
    }

    @Test
    void aGroupKnownOnlyFromSecurityGroupRulesIsCreatedAndTheSameRuleInTwoFilesIsMergedOnce() {
        String rule = """
                {"SecurityGroupRules": [{"SecurityGroupRuleId": "sgr-9", "GroupId": "sg-x", "GroupOwnerId": "111122223333",
                  "IsEgress": true, "IpProtocol": "-1", "FromPort": -1, "ToPort": -1, "CidrIpv4": "0.0.0.0/0"}]}
                """;
        LoadedWorld lw = load(write(dir, "a.json", rule), write(dir, "b.json", rule));
        SecurityGroup x = lw.world().securityGroups().get("sg-x");
        assertThat(x).isEqualTo(new SecurityGroup("sg-x", null, null, "111122223333", List.of(),
                List.of(new SgRule("sgr-9", true, Protocols.ALL, -1, -1, new Peer.CidrPeer(Cidr.ALL_V4), null, 0))));
        assertThat(lw.notes()).contains(dir.resolve("a.json")
                + ": SecurityGroupRules[0]: security group sg-x is known only from describe-security-group-rules (its name and VPC are unknown)");
    }

    @Test
    void networkInterfacesMapAddressesGroupsTypeInstanceConnTrackAndTheAllowanceTag() {
        World w = world();
        NetworkInterface web = w.networkInterfaces().get("eni-web1");
        assertThat(web).isEqualTo(new NetworkInterface("eni-web1", "subnet-a", "vpc-1", "111122223333", "us-east-1a",
                "interface", "i-1", ip("10.0.1.10"), List.of(ip("10.0.1.11")), List.of(ip("2600:1f18:aaaa:bb01::10")),
                Map.of(ip("54.1.2.3"), ip("10.0.1.10"), ip("54.1.2.4"), ip("10.0.1.11")), List.of("sg-web"),
                new ConnTrackConfig(3600, 45, 120, 1000)));
    }

    @Test
    void anInterfaceWithoutOwnerZoneOrTimeoutsTakesThemFromItsSubnetAndTheDefaults() {
        NetworkInterface nat = world().networkInterfaces().get("eni-nat");
        assertThat(nat.ownerId()).isEqualTo("111122223333");
        assertThat(nat.availabilityZone()).isEqualTo("us-east-1b");
        assertThat(nat.interfaceType()).isEqualTo("natGateway");
        assertThat(nat.tracksEveryFlow()).isTrue();
        assertThat(nat.instanceId()).isNull();
        assertThat(nat.publicIps()).isEmpty();
        assertThat(nat.connTrack()).isEqualTo(ConnTrackConfig.DEFAULT);
    }

    @Test
    void networkAclsMapEntriesDropTheAsteriskRulesAndKeepAssociationIds() {
        World w = world();
        NetworkAcl acl1 = w.networkAcls().get("acl-1");
        assertThat(acl1.isDefault()).isTrue();
        assertThat(acl1.entries()).containsExactly(
                new NaclEntry(100, false, Protocols.TCP, true, Cidr.ALL_V4, new PortRange(443, 443), -1, -1),
                new NaclEntry(110, false, Protocols.ICMP, true, cidr("10.0.0.0/8"), null, 8, -1),
                new NaclEntry(120, false, Protocols.ALL, false, Cidr.ALL_V6, null, -1, -1),
                new NaclEntry(100, true, Protocols.ALL, true, Cidr.ALL_V4, null, -1, -1));
        assertThat(acl1.subnetIds()).containsExactly("subnet-a");
        assertThat(acl1.associationIds()).containsExactly(Map.entry("subnet-a", "aclassoc-a1"));
        NetworkAcl acl2 = w.networkAcls().get("acl-2");
        assertThat(acl2.isDefault()).as("a NACL printed without IsDefault is not the default").isFalse();
        assertThat(acl2.entries()).isEmpty();
        assertThat(w.naclOf("subnet-b")).isEqualTo(acl2);
    }

    @Test
    void subnetsAndVpcsMapTheirCidrsSkippingDisassociatedBlocks() {
        World w = world();
        assertThat(w.subnets().get("subnet-a")).isEqualTo(new Subnet("subnet-a", "vpc-1", cidr("10.0.1.0/24"),
                cidr("2600:1f18:aaaa:bb01::/64"), "us-east-1a", "use1-az1", "111122223333"));
        assertThat(w.subnets().get("subnet-b").ipv6Cidr()).isNull();
        assertThat(w.vpcs().get("vpc-1")).isEqualTo(new Vpc("vpc-1", "111122223333",
                List.of(cidr("10.0.0.0/16"), cidr("10.1.0.0/16")), List.of(cidr("2600:1f18:aaaa:bb00::/56"))));
    }

    @Test
    void managedPrefixListsCarryTheirEntriesAndAwsManagedListsTheirCidrs() {
        write(dir, "pl.json", """
                {"PrefixLists": [{"PrefixListId": "pl-s3", "PrefixListName": "com.amazonaws.us-east-1.s3",
                                  "Cidrs": ["54.231.0.0/17", "52.216.0.0/15"]},
                                 {"PrefixListId": "pl-v6", "PrefixListName": "v6", "AddressFamily": "IPv6",
                                  "Entries": [{"Cidr": "2600:1f18::/32"}]}]}
                """);
        World w = load(dir.resolve("pl.json")).world();
        assertThat(w.prefixLists().get("pl-s3")).isEqualTo(new PrefixList("pl-s3", "com.amazonaws.us-east-1.s3", 4,
                List.of(cidr("54.231.0.0/17"), cidr("52.216.0.0/15"))));
        assertThat(w.prefixLists().get("pl-v6")).isEqualTo(new PrefixList("pl-v6", "v6", 6, List.of(cidr("2600:1f18::/32"))));
    }

    @Test
    void entriesOfGetManagedPrefixListEntriesAttachToTheListNamedInTheFileName() {
        write(dir, "lists.json", """
                {"PrefixLists": [{"PrefixListId": "pl-0aa", "PrefixListName": "a", "AddressFamily": "IPv4"},
                                 {"PrefixListId": "pl-0bb", "PrefixListName": "b", "AddressFamily": "IPv4"}]}
                """);
        write(dir, "entries-pl-0bb.json", """
                {"Entries": [{"Cidr": "10.0.0.0/16", "Description": "vpc-a"}, {"Cidr": "10.2.0.0/16"}]}
                """);
        LoadedWorld lw = load(dir);
        assertThat(lw.world().prefixLists().get("pl-0bb").entries()).containsExactly(cidr("10.0.0.0/16"), cidr("10.2.0.0/16"));
        assertThat(lw.world().prefixLists().get("pl-0bb").name()).isEqualTo("b");
        assertThat(lw.world().prefixLists().get("pl-0aa").entries()).isEmpty();
        assertThat(lw.warnings()).contains(dir.resolve("lists.json") + ": PrefixLists[0]: prefix list pl-0aa has no entries"
                + " loaded (add the output of get-managed-prefix-list-entries): it matches nothing");
    }

    @Test
    void entriesWithoutAListIdInTheirNameAttachToTheOnlyListWithoutEntriesInTheirFolder() {
        write(dir, "lists.json", """
                {"PrefixLists": [{"PrefixListId": "pl-0aa", "PrefixListName": "a", "AddressFamily": "IPv4"},
                                 {"PrefixListId": "pl-s3", "PrefixListName": "s3", "Cidrs": ["54.231.0.0/17"]}]}
                """);
        write(dir, "entries.json", """
                {"Entries": [{"Cidr": "10.0.0.0/16"}]}
                """);
        LoadedWorld lw = load(dir);
        assertThat(lw.world().prefixLists().get("pl-0aa").entries()).containsExactly(cidr("10.0.0.0/16"));
        assertThat(lw.notes()).contains(dir.resolve("entries.json") + ": Entries: read as the entries of pl-0aa");
    }

    @Test
    void entriesThatNameNoListArePassedOverWithANote() {
        Path entries = write(dir, "entries.json", """
                {"Entries": [{"Cidr": "10.0.0.0/16"}]}
                """);
        LoadedWorld lw = load(entries);
        assertThat(lw.world().prefixLists()).isEmpty();
        assertThat(lw.notes()).containsExactly(entries + ": Entries: passed over (get-managed-prefix-list-entries output"
                + " names no prefix list: put its id, pl-..., in the file name)");
    }

    @Test
    void aSubnetNoNaclNamesIsGivenItsVpcsDefaultNaclWithASyntheticAssociationId() {
        Fixtures.writeDescribeWorld(dir);
        write(dir, "subnets.json", Fixtures.SUBNETS.replace("""
                  {"SubnetId": "subnet-b\"""", """
                  {"SubnetId": "subnet-c", "VpcId": "vpc-1", "CidrBlock": "10.0.3.0/24"},
                  {"SubnetId": "subnet-b\""""));
        LoadedWorld lw = load(dir);
        NetworkAcl acl1 = lw.world().networkAcls().get("acl-1");
        assertThat(acl1.subnetIds()).containsExactly("subnet-a", "subnet-c");
        assertThat(acl1.associationIds()).containsEntry("subnet-c", "aclassoc-subnet-c");
        assertThat(lw.notes()).contains(dir.resolve("subnets.json") + ": no network ACL names subnet-c: it uses the"
                + " default NACL acl-1 of vpc-1");
    }

    @Test
    void aVpcWithoutAnyLoadedNaclGetsAwsDefaultNaclAllowingAllBothWays() {
        write(dir, "vpcs.json", Fixtures.VPCS);
        write(dir, "subnets.json", Fixtures.SUBNETS);
        LoadedWorld lw = load(dir);
        NetworkAcl def = lw.world().naclOf("subnet-a");
        assertThat(def.id()).isEqualTo("acl-default-vpc-1");
        assertThat(def.isDefault()).isTrue();
        assertThat(def.subnetIds()).containsExactly("subnet-a", "subnet-b");
        assertThat(def.entries()).extracting(NaclEntry::describe).containsExactlyInAnyOrder(
                "100 allow -1 from 0.0.0.0/0", "101 allow -1 from ::/0", "100 allow -1 to 0.0.0.0/0", "101 allow -1 to ::/0");
        assertThat(lw.notes()).contains(dir.resolve("subnets.json") + ": no network ACL of vpc-1 is loaded: subnet-a,"
                + " subnet-b get AWS's default NACL acl-default-vpc-1 (rules 100 and 101 allow all, both ways)");
    }

    @Test
    void noDefaultSecurityGroupIsInvented() {
        World w = world();
        assertThat(w.securityGroups()).containsOnlyKeys("sg-web", "sg-admin");
    }

    @Test
    void anIpv6OnlyInterfaceHasNoPrimaryIpv4() {
        Fixtures.writeDescribeWorld(dir);
        write(dir, "enis.json", """
                {"NetworkInterfaces": [{"NetworkInterfaceId": "eni-6", "SubnetId": "subnet-a", "VpcId": "vpc-1",
                  "PrivateIpAddresses": [], "Ipv6Addresses": [{"Ipv6Address": "2600:1f18:aaaa:bb01::6"}],
                  "Groups": [{"GroupId": "sg-web"}]}]}
                """);
        NetworkInterface e = load(dir).world().networkInterfaces().get("eni-6");
        assertThat(e.primaryIpv4()).isNull();
        assertThat(e.privateAddresses()).containsExactly(ip("2600:1f18:aaaa:bb01::6"));
    }

    @Test
    void theCliYamlOutputOfDescribeIsReadLikeItsJson() {
        write(dir, "vpcs.yaml", """
                Vpcs:
                - VpcId: vpc-1
                  OwnerId: '111122223333'
                  CidrBlock: 10.0.0.0/16
                """);
        assertThat(load(dir.resolve("vpcs.yaml")).world().vpcs().get("vpc-1").ipv4Cidrs()).containsExactly(cidr("10.0.0.0/16"));
    }
}
