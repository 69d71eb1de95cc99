package io.sgemu.control.changes;

import static io.sgemu.control.aws.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sgemu.control.aws.Fixtures;
import io.sgemu.control.aws.WorldLoader;
import io.sgemu.control.model.ConnTrackConfig;
import io.sgemu.control.model.NaclEntry;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.PortRange;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.Cidr;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each action of a change log, applied and refused, and the errors of reading one. */
class ChangeLogTest {
    @TempDir
    Path dir;

    private World world;
    private Path log;

    @BeforeEach
    void world() {
        String yaml = Fixtures.YAML_TWIN.replace("\"tcp 22 sg-admin\"", "\"tcp 22 sg-admin sgr-ssh\"");
        world = new WorldLoader().load(List.of(write(dir, "world.yaml", yaml))).world();
        log = dir.resolve("changes.jsonl");
    }

    private List<Change> read(String... lines) {
        write(dir, "changes.jsonl", String.join("\n", lines) + "\n");
        return ChangeLog.read(log, world);
    }

    private World applyAll(String... lines) {
        World w = world;
        for (Change c : read(lines)) {
            w = c.apply(w);
        }
        return w;
    }

    private void assertFails(String message, String... lines) {
        write(dir, "changes.jsonl", String.join("\n", lines) + "\n");
        assertThatThrownBy(() -> ChangeLog.read(log, world)).isInstanceOf(ChangeLogException.class).hasMessage(message);
    }

    private static String line(double at, String action, String input) {
        return "{\"at\": " + at + ", \"action\": \"" + action + "\", \"input\": " + input + "}";
    }

    @Test
    void authorizeSecurityGroupIngressAddsOneRulePerPeer() {
        List<Change> changes = read(line(10, "AuthorizeSecurityGroupIngress", """
                {"GroupId": "sg-admin", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                  "IpRanges": [{"CidrIp": "198.51.100.0/24", "Description": "vpn"}], "UserIdGroupPairs": [{"GroupId": "sg-web"}]}]}
                """.replace("\n", " ")));
        assertThat(changes).singleElement().satisfies(c -> {
            assertThat(c.atNanos()).isEqualTo(10_000_000_000L);
            assertThat(c.line()).isEqualTo(1);
            assertThat(c.describe()).isEqualTo("AuthorizeSecurityGroupIngress sg-admin: tcp 22 from 198.51.100.0/24, tcp 22 from sg-web");
        });
        World w = changes.get(0).apply(world);
        assertThat(w.securityGroups().get("sg-admin").ingress()).containsExactly(
                new SgRule(null, false, Protocols.TCP, 22, 22, new Peer.CidrPeer(Cidr.parse("198.51.100.0/24")), "vpn", 0),
                new SgRule(null, false, Protocols.TCP, 22, 22, new Peer.GroupPeer("sg-web"), null, 1));
        assertThat(world.securityGroups().get("sg-admin").ingress()).as("the old world is unchanged").isEmpty();
    }

    @Test
    void authorizeSecurityGroupEgressAddsToTheOutboundRules() {
        World w = applyAll(line(1, "AuthorizeSecurityGroupEgress", "{\"GroupId\": \"sg-web\", \"IpPermissions\": "
                + "[{\"IpProtocol\": \"udp\", \"FromPort\": 53, \"ToPort\": 53, \"Ipv6Ranges\": [{\"CidrIpv6\": \"::/0\"}]}]}"));
        assertThat(w.securityGroups().get("sg-web").egress()).last()
                .isEqualTo(new SgRule(null, true, Protocols.UDP, 53, 53, new Peer.CidrPeer(Cidr.ALL_V6), null, 1));
    }

    @Test
    void authorizingAnExistingRuleIsRefusedAsEc2Does() {
        assertFails(log + ":1: AuthorizeSecurityGroupIngress: InvalidPermission.Duplicate: the rule tcp 443 from"
                        + " 0.0.0.0/0 already exists in sg-web",
                line(1, "AuthorizeSecurityGroupIngress", "{\"GroupId\": \"sg-web\", \"IpPermissions\": [{\"IpProtocol\": \"6\","
                        + " \"FromPort\": 443, \"ToPort\": 443, \"IpRanges\": [{\"CidrIp\": \"0.0.0.0/0\"}]}]}"));
    }

    @Test
    void authorizingOnAnUnknownGroupOrForAnUnknownPeerIsRefused() {
        String p = log.toString();
        assertFails(p + ":1: AuthorizeSecurityGroupIngress: InvalidGroup.NotFound: the security group sg-nope does not exist",
                line(1, "AuthorizeSecurityGroupIngress", "{\"GroupId\": \"sg-nope\", \"IpPermissions\": [{\"IpProtocol\": \"-1\","
                        + " \"IpRanges\": [{\"CidrIp\": \"0.0.0.0/0\"}]}]}"));
        assertFails(p + ":1: AuthorizeSecurityGroupIngress: InvalidGroup.NotFound: the security group sg-far does not exist",
                line(1, "AuthorizeSecurityGroupIngress", "{\"GroupId\": \"sg-web\", \"IpPermissions\": [{\"IpProtocol\": \"-1\","
                        + " \"UserIdGroupPairs\": [{\"GroupId\": \"sg-far\"}]}]}"));
        assertFails(p + ":1: AuthorizeSecurityGroupIngress: InvalidPrefixListID.NotFound: the prefix list pl-nope does not exist",
                line(1, "AuthorizeSecurityGroupIngress", "{\"GroupId\": \"sg-web\", \"IpPermissions\": [{\"IpProtocol\": \"-1\","
                        + " \"PrefixListIds\": [{\"PrefixListId\": \"pl-nope\"}]}]}"));
    }

    @Test
    void aGroupOfAnotherAccountMayBeAuthorized() {
        World w = applyAll(line(1, "AuthorizeSecurityGroupIngress", "{\"GroupId\": \"sg-web\", \"IpPermissions\": [{\"IpProtocol\":"
                + " \"-1\", \"UserIdGroupPairs\": [{\"GroupId\": \"sg-far\", \"UserId\": \"999988887777\"}]}]}"));
        assertThat(w.securityGroups().get("sg-web").ingress()).last().extracting(SgRule::peer).isEqualTo(new Peer.GroupPeer("sg-far"));
    }

    @Test
    void revokeSecurityGroupIngressRemovesTheMatchingRule() {
        World w = applyAll(line(5, "RevokeSecurityGroupIngress", "{\"GroupId\": \"sg-web\", \"IpPermissions\": [{\"IpProtocol\":"
                + " \"icmp\", \"FromPort\": 8, \"ToPort\": -1, \"IpRanges\": [{\"CidrIp\": \"10.0.0.0/8\", \"Description\": \"other\"}]}]}"));
        assertThat(w.securityGroups().get("sg-web").ingress()).extracting(SgRule::describe).containsExactly(
                "tcp 443 from 0.0.0.0/0", "tcp 443 from ::/0", "tcp 22 from pl-office", "tcp 22 from sg-admin");
    }

    @Test
    void revokingARuleThatDoesNotExistIsRefused() {
        assertFails(log + ":1: RevokeSecurityGroupIngress: InvalidPermission.NotFound: the inbound rule tcp 80 from"
                        + " 0.0.0.0/0 does not exist in sg-web",
                line(1, "RevokeSecurityGroupIngress", "{\"GroupId\": \"sg-web\", \"IpPermissions\": [{\"IpProtocol\": \"tcp\","
                        + " \"FromPort\": 80, \"ToPort\": 80, \"IpRanges\": [{\"CidrIp\": \"0.0.0.0/0\"}]}]}"));
    }

    @Test
    void revokeByRuleIdRemovesThatRuleAndAnUnknownIdIsRefused() {
        World w = applyAll(line(1, "RevokeSecurityGroupIngress", "{\"GroupId\": \"sg-web\", \"SecurityGroupRuleIds\": [\"sgr-ssh\"]}"));
        assertThat(w.securityGroups().get("sg-web").ingress()).noneMatch(r -> "sgr-ssh".equals(r.ruleId())).hasSize(4);
        assertFails(log + ":1: RevokeSecurityGroupEgress: InvalidSecurityGroupRuleId.NotFound: no outbound rule sgr-ssh in"
                        + " sg-web (it is an inbound rule)",
                line(1, "RevokeSecurityGroupEgress", "{\"GroupId\": \"sg-web\", \"SecurityGroupRuleIds\": [\"sgr-ssh\"]}"));
    }

    @Test
    void revokeSecurityGroupEgressRemovesAnOutboundRule() {
        World w = applyAll(line(1, "RevokeSecurityGroupEgress", "{\"GroupId\": \"sg-web\", \"IpPermissions\": [{\"IpProtocol\": \"-1\","
                + " \"IpRanges\": [{\"CidrIp\": \"0.0.0.0/0\"}]}]}"));
        assertThat(w.securityGroups().get("sg-web").egress()).isEmpty();
    }

    @Test
    void theOlderFlatFormOfTheRequestIsAccepted() {
        World w = applyAll(line(1, "AuthorizeSecurityGroupIngress",
                "{\"GroupName\": \"admin\", \"IpProtocol\": \"tcp\", \"FromPort\": 3389, \"ToPort\": 3389, \"CidrIp\": \"10.0.0.0/8\"}"));
        assertThat(w.securityGroups().get("sg-admin").ingress()).extracting(SgRule::describe).containsExactly("tcp 3389 from 10.0.0.0/8");
    }

    @Test
    void modifyNetworkInterfaceAttributeReplacesTheGroups() {
        World w = applyAll(line(1, "ModifyNetworkInterfaceAttribute", "{\"NetworkInterfaceId\": \"eni-web1\", \"Groups\": [\"sg-web\", \"sg-admin\"]}"));
        assertThat(w.networkInterfaces().get("eni-web1").groupIds()).containsExactly("sg-web", "sg-admin");
        assertThat(w.membersOf("sg-admin")).extracting(e -> e.id()).containsExactlyInAnyOrder("eni-web1", "eni-nat");
    }

    @Test
    void modifyNetworkInterfaceAttributeChangesOnlyTheTimeoutsItGives() {
        World w = applyAll(line(1, "ModifyNetworkInterfaceAttribute", "{\"NetworkInterfaceId\": \"eni-web1\","
                + " \"ConnectionTrackingSpecification\": {\"UdpTimeout\": 60}}"));
        assertThat(w.networkInterfaces().get("eni-web1").connTrack()).isEqualTo(new ConnTrackConfig(3600, 60, 120, 1000));
    }

    @Test
    void modifyNetworkInterfaceAttributeErrors() {
        assertFails(log + ":1: ModifyNetworkInterfaceAttribute: InvalidGroup.NotFound: the security group sg-nope does not exist",
                line(1, "ModifyNetworkInterfaceAttribute", "{\"NetworkInterfaceId\": \"eni-web1\", \"Groups\": [\"sg-nope\"]}"));
        assertFails(log + ":1: ModifyNetworkInterfaceAttribute: InvalidNetworkInterfaceID.NotFound: the network interface"
                        + " eni-nope does not exist",
                line(1, "ModifyNetworkInterfaceAttribute", "{\"NetworkInterfaceId\": \"eni-nope\", \"Groups\": [\"sg-web\"]}"));
        assertFails(log + ":1: ModifyNetworkInterfaceAttribute: input.ConnectionTrackingSpecification.TcpEstablishedTimeout:"
                        + " 10 s is out of the allowed range 60..432000 s",
                line(1, "ModifyNetworkInterfaceAttribute", "{\"NetworkInterfaceId\": \"eni-web1\","
                        + " \"ConnectionTrackingSpecification\": {\"TcpEstablishedTimeout\": 10}}"));
        assertFails(log + ":1: ModifyNetworkInterfaceAttribute: input.Groups: an interface needs at least one security group",
                line(1, "ModifyNetworkInterfaceAttribute", "{\"NetworkInterfaceId\": \"eni-web1\", \"Groups\": []}"));
    }

    @Test
    void attributesThatDoNotFilterAndDryRunsChangeNothing() {
        List<Change> cs = read(line(1, "ModifyNetworkInterfaceAttribute", "{\"NetworkInterfaceId\": \"eni-web1\", \"SourceDestCheck\": {\"Value\": false}}"),
                line(2, "RevokeSecurityGroupEgress", "{\"GroupId\": \"sg-web\", \"DryRun\": true, \"SecurityGroupRuleIds\": [\"sgr-x\"]}"));
        assertThat(cs.get(0).describe()).isEqualTo("ModifyNetworkInterfaceAttribute eni-web1: nothing to do (SourceDestCheck does not filter packets)");
        assertThat(cs.get(1).describe()).isEqualTo("RevokeSecurityGroupEgress sg-web: nothing to do (DryRun)");
        assertThat(cs.get(1).apply(cs.get(0).apply(world))).isEqualTo(world);
    }

    @Test
    void createNetworkAclEntryAddsAnEntry() {
        World w = applyAll(line(1, "CreateNetworkAclEntry", "{\"NetworkAclId\": \"acl-2\", \"RuleNumber\": 100, \"Protocol\": \"6\","
                + " \"RuleAction\": \"allow\", \"Egress\": false, \"CidrBlock\": \"10.0.1.0/24\", \"PortRange\": {\"From\": 5432, \"To\": 5432}}"));
        assertThat(w.networkAcls().get("acl-2").entries()).containsExactly(
                new NaclEntry(100, false, Protocols.TCP, true, Cidr.parse("10.0.1.0/24"), new PortRange(5432, 5432), -1, -1));
    }

    @Test
    void creatingAnEntryWhoseNumberExistsIsRefused() {
        assertFails(log + ":1: CreateNetworkAclEntry: NetworkAclEntryAlreadyExists: the ingress entry 100 of acl-1 already exists",
                line(1, "CreateNetworkAclEntry", "{\"NetworkAclId\": \"acl-1\", \"RuleNumber\": 100, \"Protocol\": \"-1\","
                        + " \"RuleAction\": \"deny\", \"Egress\": false, \"CidrBlock\": \"0.0.0.0/0\"}"));
        assertFails(log + ":1: CreateNetworkAclEntry: InvalidNetworkAclID.NotFound: the network ACL acl-nope does not exist",
                line(1, "CreateNetworkAclEntry", "{\"NetworkAclId\": \"acl-nope\", \"RuleNumber\": 100, \"Protocol\": \"-1\","
                        + " \"RuleAction\": \"deny\", \"Egress\": false, \"CidrBlock\": \"0.0.0.0/0\"}"));
    }

    @Test
    void replaceNetworkAclEntryReplacesInPlaceAndAMissingEntryIsRefused() {
        World w = applyAll(line(1, "ReplaceNetworkAclEntry", "{\"NetworkAclId\": \"acl-1\", \"RuleNumber\": 110, \"Protocol\": \"1\","
                + " \"RuleAction\": \"deny\", \"Egress\": false, \"CidrBlock\": \"0.0.0.0/0\", \"IcmpTypeCode\": {\"Type\": -1, \"Code\": -1}}"));
        assertThat(w.networkAcls().get("acl-1").entries().get(1))
                .isEqualTo(new NaclEntry(110, false, Protocols.ICMP, false, Cidr.ALL_V4, null, -1, -1));
        assertFails(log + ":1: ReplaceNetworkAclEntry: InvalidNetworkAclEntry.NotFound: there is no egress entry 110 of acl-1 to replace",
                line(1, "ReplaceNetworkAclEntry", "{\"NetworkAclId\": \"acl-1\", \"RuleNumber\": 110, \"Protocol\": \"-1\","
                        + " \"RuleAction\": \"deny\", \"Egress\": true, \"CidrBlock\": \"0.0.0.0/0\"}"));
    }

    @Test
    void deleteNetworkAclEntryRemovesItAndAMissingEntryIsRefused() {
        World w = applyAll(line(1, "DeleteNetworkAclEntry", "{\"NetworkAclId\": \"acl-1\", \"RuleNumber\": 100, \"Egress\": true}"));
        assertThat(w.networkAcls().get("acl-1").entries()).noneMatch(NaclEntry::egress).hasSize(3);
        assertFails(log + ":2: DeleteNetworkAclEntry: InvalidNetworkAclEntry.NotFound: there is no egress entry 100 of acl-1 to delete",
                line(1, "DeleteNetworkAclEntry", "{\"NetworkAclId\": \"acl-1\", \"RuleNumber\": 100, \"Egress\": true}"),
                line(2, "DeleteNetworkAclEntry", "{\"NetworkAclId\": \"acl-1\", \"RuleNumber\": 100, \"Egress\": true}"));
    }

    @Test
    void replaceNetworkAclAssociationMovesTheSubnet() {
        World w = applyAll(line(1, "ReplaceNetworkAclAssociation", "{\"AssociationId\": \"aclassoc-subnet-b\", \"NetworkAclId\": \"acl-1\"}"));
        assertThat(w.naclOf("subnet-b").id()).isEqualTo("acl-1");
        assertThat(w.networkAcls().get("acl-2").subnetIds()).isEmpty();
        assertThat(w.networkAcls().get("acl-1").associationIds()).containsEntry("subnet-b", "aclassoc-subnet-b");
    }

    @Test
    void replaceNetworkAclAssociationTakesTheNewIdFromTheRecordedOutputAndRefusesUnknownIds() {
        World w = applyAll("{\"at\": 1, \"action\": \"ReplaceNetworkAclAssociation\", \"input\": {\"AssociationId\": \"aclassoc-subnet-b\","
                        + " \"NetworkAclId\": \"acl-1\"}, \"output\": {\"NewAssociationId\": \"aclassoc-new\"}}",
                line(2, "ReplaceNetworkAclAssociation", "{\"AssociationId\": \"aclassoc-new\", \"NetworkAclId\": \"acl-2\"}"));
        assertThat(w.naclOf("subnet-b").id()).isEqualTo("acl-2");
        assertThat(w.networkAcls().get("acl-2").associationIds()).containsEntry("subnet-b", "aclassoc-new");
        assertFails(log + ":1: ReplaceNetworkAclAssociation: InvalidAssociationID.NotFound: the association aclassoc-x does not exist",
                line(1, "ReplaceNetworkAclAssociation", "{\"AssociationId\": \"aclassoc-x\", \"NetworkAclId\": \"acl-1\"}"));
        assertFails(log + ":1: ReplaceNetworkAclAssociation: InvalidNetworkAclID.NotFound: the network ACL acl-x does not exist",
                line(1, "ReplaceNetworkAclAssociation", "{\"AssociationId\": \"aclassoc-subnet-b\", \"NetworkAclId\": \"acl-x\"}"));
    }

    @Test
    void theCliSpellingOfActionsAndMemberNamesIsAccepted() {
        World w = applyAll(line(1, "authorize-security-group-ingress", "{\"groupId\": \"sg-admin\", \"ipPermissions\": [{\"ipProtocol\": \"tcp\","
                + " \"fromPort\": 22, \"toPort\": 22, \"ipRanges\": [{\"cidrIp\": \"10.0.0.0/8\"}]}]}"));
        assertThat(w.securityGroups().get("sg-admin").ingress()).extracting(SgRule::describe).containsExactly("tcp 22 from 10.0.0.0/8");
    }

    @Test
    void fractionalSecondsAreKeptToTheNanosecond() {
        List<Change> cs = read("{\"at\": 1700000000.123456789, \"action\": \"DeleteNetworkAclEntry\", \"input\":"
                + " {\"NetworkAclId\": \"acl-1\", \"RuleNumber\": 100, \"Egress\": true}}");
        assertThat(cs.get(0).atNanos()).isEqualTo(1_700_000_000_123_456_789L);
        assertThat(cs.get(0).at()).isEqualTo(1.700000000123456789e9);
    }

    @Test
    void badLinesFailTheWholeReadNamingTheLine() {
        String good = line(1, "DeleteNetworkAclEntry", "{\"NetworkAclId\": \"acl-1\", \"RuleNumber\": 100, \"Egress\": true}");
        write(dir, "changes.jsonl", good + "\n\n{\"at\": 2, \"action\": \n");
        assertThatThrownBy(() -> ChangeLog.read(log)).isInstanceOf(ChangeLogException.class)
                .hasMessageStartingWith(log + ":3: bad JSON (column ");
        assertFails(log + ":2: action: unknown action 'AuthorizeEverything' (known: AuthorizeSecurityGroupEgress,"
                        + " AuthorizeSecurityGroupIngress, CreateNetworkAclEntry, DeleteNetworkAclEntry, ModifyNetworkInterfaceAttribute,"
                        + " ReplaceNetworkAclAssociation, ReplaceNetworkAclEntry, RevokeSecurityGroupEgress, RevokeSecurityGroupIngress)",
                good, line(2, "AuthorizeEverything", "{}"));
        assertFails(log + ":1: AuthorizeSecurityGroupIngress: input.GroupId: missing",
                line(1, "AuthorizeSecurityGroupIngress", "{\"IpPermissions\": []}"));
        assertFails(log + ":1: AuthorizeSecurityGroupIngress: input.IpPermissions[0].IpRanges[0].CidrIp: '10.0.0/8' is not a"
                        + " CIDR block (bad address)",
                line(1, "AuthorizeSecurityGroupIngress", "{\"GroupId\": \"sg-web\", \"IpPermissions\": [{\"IpProtocol\": \"-1\","
                        + " \"IpRanges\": [{\"CidrIp\": \"10.0.0/8\"}]}]}"));
        assertFails(log + ":1: CreateNetworkAclEntry: input.RuleNumber: 32767 is not a rule number (1..32766)",
                line(1, "CreateNetworkAclEntry", "{\"NetworkAclId\": \"acl-1\", \"RuleNumber\": 32767, \"Protocol\": \"-1\","
                        + " \"RuleAction\": \"deny\", \"Egress\": false, \"CidrBlock\": \"0.0.0.0/0\"}"));
        assertFails(log + ":1: at: expected Unix seconds as a number, found the string 'noon'",
                "{\"at\": \"noon\", \"action\": \"DeleteNetworkAclEntry\", \"input\": {}}");
        assertFails(log + ":1: DeleteNetworkAclEntry: input: missing", "{\"at\": 1, \"action\": \"DeleteNetworkAclEntry\"}");
        assertFails(log + ":1: RevokeSecurityGroupIngress: input.IpPermissions: missing (or SecurityGroupRuleIds)",
                line(1, "RevokeSecurityGroupIngress", "{\"GroupId\": \"sg-web\"}"));
    }

    @Test
    void linesMustBeInTimeOrder() {
        String del = "{\"NetworkAclId\": \"acl-1\", \"RuleNumber\": 100, \"Egress\": true}";
        String cre = "{\"NetworkAclId\": \"acl-1\", \"RuleNumber\": 100, \"Protocol\": \"-1\", \"RuleAction\": \"allow\","
                + " \"Egress\": true, \"CidrBlock\": \"0.0.0.0/0\"}";
        assertFails(log + ":3: at 4.5 is before the previous change's 5 (lines must be in time order)",
                line(5, "DeleteNetworkAclEntry", del), line(5, "CreateNetworkAclEntry", cre), line(4.5, "DeleteNetworkAclEntry", del));
        assertThat(read(line(5, "DeleteNetworkAclEntry", del), line(5, "CreateNetworkAclEntry", cre))).hasSize(2);
    }

    @Test
    void changesAreCheckedAgainstTheWorldTheEarlierLinesLeaveAtReadTime() {
        String revoke = line(1, "RevokeSecurityGroupIngress", "{\"GroupId\": \"sg-web\", \"SecurityGroupRuleIds\": [\"sgr-ssh\"]}");
        write(dir, "changes.jsonl", revoke + "\n" + revoke.replace("\"at\": 1.0", "\"at\": 2.0") + "\n");
        assertThat(ChangeLog.read(log)).as("without a world, each line alone is fine").hasSize(2);
        assertThatThrownBy(() -> ChangeLog.read(log, world)).isInstanceOf(ChangeLogException.class)
                .hasMessage(log + ":2: RevokeSecurityGroupIngress: InvalidSecurityGroupRuleId.NotFound: no inbound rule sgr-ssh in sg-web");
    }

    @Test
    void aMissingChangeLogIsAnError() {
        assertThatThrownBy(() -> ChangeLog.read(dir.resolve("nope.jsonl"))).isInstanceOf(ChangeLogException.class)
                .hasMessage(dir.resolve("nope.jsonl") + ": no such file");
    }
}
