package io.sgemu.control.ec2;

import io.sgemu.control.api.AdminServer;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.SgRule;
import io.sgemu.dataplane.net.Cidr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AddPrefixListEntry;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.ManagedPrefixList;
import software.amazon.awssdk.services.ec2.model.NetworkAcl;
import software.amazon.awssdk.services.ec2.model.NetworkAclEntry;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.PrefixListEntry;
import software.amazon.awssdk.services.ec2.model.RemovePrefixListEntry;
import software.amazon.awssdk.services.ec2.model.RuleAction;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRuleRequest;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRuleUpdate;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ec2.model.Vpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every other action through the real SDK (which parses the answers by EC2's XML shapes): ENIs, NACLs,
 * subnets, VPCs, prefix lists, ModifySecurityGroupRules. The listener is loopback-only and has no
 * credentials, so the SDK's signature is accepted whatever the key.
 */
@Timeout(120)
class Ec2SdkResourcesTest {
    private ControlPlane plane;
    private AdminServer server;
    private Ec2Client ec2;

    @BeforeEach
    void start() throws Exception {
        plane = new ControlPlane(Ec2TestWorld.build(), "us-east-1", p -> { });
        Ec2Endpoint endpoint = new Ec2Endpoint(new Ec2Api(plane, "us-east-1"), null);
        server = AdminServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), w -> { }, () -> true, endpoint);
        ec2 = Ec2Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + server.port()))
                .region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("any", "thing")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @AfterEach
    void stop() {
        ec2.close();
        server.close();
    }

    private static String code(Throwable e) {
        return ((Ec2Exception) e).awsErrorDetails().errorCode();
    }

    @Test
    void networkInterfaces_createDescribeModifyDelete() {
        NetworkInterface created = ec2.createNetworkInterface(r -> r.subnetId("subnet-a").description("db")
                .groups("sg-default").privateIpAddress("10.0.1.50")).networkInterface();
        assertThat(created.networkInterfaceId()).startsWith("eni-");
        assertThat(created.privateIpAddress()).isEqualTo("10.0.1.50");
        assertThat(created.vpcId()).isEqualTo("vpc-1");
        assertThat(created.description()).isEqualTo("db");
        assertThat(created.groups()).extracting(g -> g.groupId()).containsExactly("sg-default");

        NetworkInterface auto = ec2.createNetworkInterface(r -> r.subnetId("subnet-a")).networkInterface();
        assertThat(auto.privateIpAddress()).as("the first free address after the reserved ones").isEqualTo("10.0.1.4");

        assertThatThrownBy(() -> ec2.createNetworkInterface(r -> r.subnetId("subnet-a").privateIpAddress("10.0.1.10")))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidIPAddress.InUse"));
        assertThatThrownBy(() -> ec2.createNetworkInterface(r -> r.subnetId("subnet-zz")))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidSubnetID.NotFound"));

        ec2.modifyNetworkInterfaceAttribute(r -> r.networkInterfaceId(created.networkInterfaceId())
                .connectionTrackingSpecification(c -> c.tcpEstablishedTimeout(3600).udpTimeout(45)));
        NetworkInterface after = ec2.describeNetworkInterfaces(r -> r.filters(f -> f.name("private-ip-address")
                .values("10.0.1.50"))).networkInterfaces().get(0);
        assertThat(after.connectionTrackingConfiguration().tcpEstablishedTimeout()).isEqualTo(3600);
        assertThat(after.connectionTrackingConfiguration().udpTimeout()).isEqualTo(45);
        assertThat(after.connectionTrackingConfiguration().udpStreamTimeout()).isEqualTo(180);
        assertThatThrownBy(() -> ec2.modifyNetworkInterfaceAttribute(r -> r.networkInterfaceId(created.networkInterfaceId())
                .connectionTrackingSpecification(c -> c.udpTimeout(5))))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidParameterValue"));

        assertThat(ec2.describeNetworkInterfaces(r -> r.filters(f -> f.name("subnet-id").values("subnet-a")))
                .networkInterfaces()).hasSize(4);
        ec2.deleteNetworkInterface(r -> r.networkInterfaceId(created.networkInterfaceId()));
        assertThat(plane.world().networkInterfaces()).doesNotContainKey(created.networkInterfaceId());
        assertThatThrownBy(() -> ec2.deleteNetworkInterface(r -> r.networkInterfaceId(created.networkInterfaceId())))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidNetworkInterfaceID.NotFound"));
    }

    @Test
    void securityGroups_deleteChecksDependents_andModifyRulesReplacesInPlace() {
        String gid = ec2.createSecurityGroup(r -> r.groupName("app").description("app").vpcId("vpc-1")).groupId();
        assertThatThrownBy(() -> ec2.createSecurityGroup(r -> r.groupName("app").description("again").vpcId("vpc-1")))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidGroup.Duplicate"));
        String ruleId = ec2.authorizeSecurityGroupIngress(r -> r.groupId(gid).ipPermissions(p -> p.ipProtocol("tcp")
                .fromPort(80).toPort(80).ipRanges(i -> i.cidrIp("10.0.0.0/8")))).securityGroupRules().get(0).securityGroupRuleId();

        ec2.modifySecurityGroupRules(r -> r.groupId(gid).securityGroupRules(SecurityGroupRuleUpdate.builder()
                .securityGroupRuleId(ruleId).securityGroupRule(SecurityGroupRuleRequest.builder().ipProtocol("udp")
                        .fromPort(53).toPort(53).prefixListId("pl-office").description("dns").build()).build()));
        SgRule modified = plane.world().securityGroups().get(gid).ingress().get(0);
        assertThat(modified.ruleId()).isEqualTo(ruleId);
        assertThat(modified.protocol()).isEqualTo(Protocols.UDP);
        assertThat(modified.fromPort()).isEqualTo(53);
        assertThat(modified.peer().toString()).isEqualTo("pl-office");
        assertThat(ec2.describeSecurityGroupRules(r -> r.securityGroupRuleIds(ruleId)).securityGroupRules().get(0).prefixListId())
                .isEqualTo("pl-office");
        assertThatThrownBy(() -> ec2.modifySecurityGroupRules(r -> r.groupId(gid).securityGroupRules(
                SecurityGroupRuleUpdate.builder().securityGroupRuleId("sgr-nope").securityGroupRule(
                        SecurityGroupRuleRequest.builder().ipProtocol("-1").cidrIpv4("0.0.0.0/0").build()).build())))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidSecurityGroupRuleId.NotFound"));

        ec2.modifyNetworkInterfaceAttribute(r -> r.networkInterfaceId("eni-client").groups(gid));
        assertThatThrownBy(() -> ec2.deleteSecurityGroup(r -> r.groupId(gid)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("DependencyViolation"));
        ec2.modifyNetworkInterfaceAttribute(r -> r.networkInterfaceId("eni-client").groups("sg-default"));
        assertThat(ec2.deleteSecurityGroup(r -> r.groupId(gid)).groupId()).isEqualTo(gid);
        assertThat(plane.world().securityGroups()).doesNotContainKey(gid);
        assertThatThrownBy(() -> ec2.deleteSecurityGroup(r -> r.groupId("sg-default")))
                .satisfies(e -> assertThat(code(e)).isEqualTo("CannotDelete"));
    }

    @Test
    void networkAcls_entriesAndAssociations() {
        NetworkAcl acl = ec2.createNetworkAcl(r -> r.vpcId("vpc-1")).networkAcl();
        assertThat(acl.networkAclId()).startsWith("acl-");
        assertThat(acl.isDefault()).isFalse();
        assertThat(acl.entries()).as("only the final deny entries").allSatisfy(e -> {
            assertThat(e.ruleNumber()).isEqualTo(32767);
            assertThat(e.ruleAction()).isEqualTo(RuleAction.DENY);
        });
        String id = acl.networkAclId();
        ec2.createNetworkAclEntry(r -> r.networkAclId(id).ruleNumber(100).egress(false).protocol("6")
                .ruleAction(RuleAction.ALLOW).cidrBlock("0.0.0.0/0").portRange(p -> p.from(443).to(443)));
        ec2.createNetworkAclEntry(r -> r.networkAclId(id).ruleNumber(110).egress(false).protocol("1")
                .ruleAction(RuleAction.ALLOW).cidrBlock("10.0.0.0/8").icmpTypeCode(t -> t.type(8).code(-1)));
        assertThatThrownBy(() -> ec2.createNetworkAclEntry(r -> r.networkAclId(id).ruleNumber(100).egress(false)
                .protocol("6").ruleAction(RuleAction.DENY).cidrBlock("0.0.0.0/0").portRange(p -> p.from(1).to(2))))
                .satisfies(e -> assertThat(code(e)).isEqualTo("NetworkAclEntryAlreadyExists"));
        ec2.replaceNetworkAclEntry(r -> r.networkAclId(id).ruleNumber(100).egress(false).protocol("6")
                .ruleAction(RuleAction.DENY).cidrBlock("0.0.0.0/0").portRange(p -> p.from(443).to(443)));

        NetworkAcl described = ec2.describeNetworkAcls(r -> r.networkAclIds(id)).networkAcls().get(0);
        NetworkAclEntry e100 = described.entries().stream().filter(e -> e.ruleNumber() == 100).findFirst().orElseThrow();
        assertThat(e100.ruleAction()).isEqualTo(RuleAction.DENY);
        assertThat(e100.protocol()).isEqualTo("6");
        assertThat(e100.portRange().from()).isEqualTo(443);
        assertThat(e100.egress()).isFalse();
        NetworkAclEntry e110 = described.entries().stream().filter(e -> e.ruleNumber() == 110).findFirst().orElseThrow();
        assertThat(e110.icmpTypeCode().type()).isEqualTo(8);
        assertThat(e110.icmpTypeCode().code()).isEqualTo(-1);

        String newAssoc = ec2.replaceNetworkAclAssociation(r -> r.associationId("aclassoc-b").networkAclId(id)).newAssociationId();
        assertThat(newAssoc).startsWith("aclassoc-");
        assertThat(plane.world().naclOf("subnet-b").id()).isEqualTo(id);
        NetworkAcl withSubnet = ec2.describeNetworkAcls(r -> r.filters(f -> f.name("association.subnet-id").values("subnet-b")))
                .networkAcls().get(0);
        assertThat(withSubnet.networkAclId()).isEqualTo(id);
        assertThat(withSubnet.associations()).singleElement().satisfies(a -> {
            assertThat(a.networkAclAssociationId()).isEqualTo(newAssoc);
            assertThat(a.subnetId()).isEqualTo("subnet-b");
        });
        assertThatThrownBy(() -> ec2.deleteNetworkAcl(r -> r.networkAclId(id)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("DependencyViolation"));
        ec2.deleteNetworkAclEntry(r -> r.networkAclId(id).ruleNumber(110).egress(false));
        assertThatThrownBy(() -> ec2.deleteNetworkAclEntry(r -> r.networkAclId(id).ruleNumber(110).egress(false)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidNetworkAclEntry.NotFound"));
        ec2.replaceNetworkAclAssociation(r -> r.associationId(newAssoc).networkAclId("acl-custom"));
        ec2.deleteNetworkAcl(r -> r.networkAclId(id));
        assertThat(plane.world().networkAcls()).doesNotContainKey(id);
        assertThatThrownBy(() -> ec2.describeNetworkAcls(r -> r.networkAclIds(id)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidNetworkAclID.NotFound"));
    }

    @Test
    void subnetsAndVpcs_describe() {
        List<Subnet> subnets = ec2.describeSubnets(r -> r.filters(f -> f.name("vpc-id").values("vpc-1"))).subnets();
        assertThat(subnets).extracting(Subnet::subnetId).containsExactlyInAnyOrder("subnet-a", "subnet-b");
        Subnet a = subnets.stream().filter(s -> s.subnetId().equals("subnet-a")).findFirst().orElseThrow();
        assertThat(a.cidrBlock()).isEqualTo("10.0.1.0/24");
        assertThat(a.availabilityZone()).isEqualTo("us-east-1a");
        assertThat(a.availableIpAddressCount()).as("256 less 5 reserved less 2 ENIs").isEqualTo(256 - 5 - 2);
        Vpc vpc = ec2.describeVpcs(r -> r.vpcIds("vpc-1")).vpcs().get(0);
        assertThat(vpc.cidrBlock()).isEqualTo("10.0.0.0/16");
        assertThat(vpc.ownerId()).isEqualTo(Ec2TestWorld.ACCOUNT);
        assertThat(vpc.cidrBlockAssociationSet()).extracting(c -> c.cidrBlock()).containsExactly("10.0.0.0/16");
        assertThatThrownBy(() -> ec2.describeVpcs(r -> r.filters(f -> f.name("no-such-filter").values("x"))))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidParameterValue"));
    }

    @Test
    void prefixLists_createModifyEntries() {
        ManagedPrefixList pl = ec2.createManagedPrefixList(r -> r.prefixListName("partners").addressFamily("IPv4")
                .maxEntries(3).entries(AddPrefixListEntry.builder().cidr("198.51.100.0/24").description("a").build()))
                .prefixList();
        assertThat(pl.prefixListId()).startsWith("pl-");
        assertThat(pl.version()).isEqualTo(1L);
        assertThat(pl.maxEntries()).isEqualTo(3);
        ManagedPrefixList modified = ec2.modifyManagedPrefixList(r -> r.prefixListId(pl.prefixListId()).currentVersion(1L)
                .addEntries(AddPrefixListEntry.builder().cidr("203.0.113.0/24").build())
                .removeEntries(RemovePrefixListEntry.builder().cidr("198.51.100.0/24").build())).prefixList();
        assertThat(modified.version()).isEqualTo(2L);
        assertThat(plane.world().prefixLists().get(pl.prefixListId()).entries())
                .containsExactly(Cidr.parse("203.0.113.0/24"));
        assertThatThrownBy(() -> ec2.modifyManagedPrefixList(r -> r.prefixListId(pl.prefixListId()).currentVersion(1L)
                .addEntries(AddPrefixListEntry.builder().cidr("192.0.2.0/24").build())))
                .satisfies(e -> assertThat(code(e)).isEqualTo("PrefixListVersionMismatch"));
        List<PrefixListEntry> entries = ec2.getManagedPrefixListEntries(r -> r.prefixListId("pl-office")).entries();
        assertThat(entries).extracting(PrefixListEntry::cidr).containsExactly("192.0.2.0/24");
        assertThat(ec2.describeManagedPrefixLists(r -> { }).prefixLists()).extracting(ManagedPrefixList::prefixListId)
                .containsExactly("pl-office", pl.prefixListId());
        assertThatThrownBy(() -> ec2.getManagedPrefixListEntries(r -> r.prefixListId("pl-nope")))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidPrefixListID.NotFound"));
    }

    @Test
    void textIsEscapedInTheXml_andComesBackAsItWasSent() {
        String description = "a <b> & \"c\" 'd' é漢";
        String gid = ec2.createSecurityGroup(r -> r.groupName("esc & <name>").description(description).vpcId("vpc-1")).groupId();
        ec2.authorizeSecurityGroupEgress(r -> r.groupId(gid).ipPermissions(p -> p.ipProtocol("udp").fromPort(53).toPort(53)
                .ipRanges(i -> i.cidrIp("10.0.0.2/32").description(description))));
        software.amazon.awssdk.services.ec2.model.SecurityGroup g =
                ec2.describeSecurityGroups(r -> r.groupIds(gid)).securityGroups().get(0);
        assertThat(g.description()).isEqualTo(description);
        assertThat(g.groupName()).isEqualTo("esc & <name>");
        assertThat(g.ipPermissionsEgress()).anySatisfy(p -> assertThat(p.ipRanges().get(0).description()).isEqualTo(description));
    }
}
