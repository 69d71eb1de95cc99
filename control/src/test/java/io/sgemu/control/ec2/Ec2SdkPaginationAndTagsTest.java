package io.sgemu.control.ec2;

import io.sgemu.control.api.AdminServer;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.World;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeNetworkInterfacesResponse;
import software.amazon.awssdk.services.ec2.model.DescribeSecurityGroupsResponse;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagDescription;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Pagination and tags through the real AWS SDK for Java v2: its paginators follow the emulator's tokens,
 * its tag shapes parse the emulator's tag sets, its exceptions carry the emulator's error codes.
 */
@Timeout(120)
class Ec2SdkPaginationAndTagsTest {
    /** More groups and ENIs than one page of 5 or 7 holds, and a count that is no multiple of either. */
    private static final int EXTRA = 31;

    private ControlPlane plane;
    private AdminServer server;
    private Ec2Client ec2;

    @BeforeEach
    void start() throws Exception {
        World w = Ec2TestWorld.build();
        for (int i = 0; i < EXTRA; i++) {
            w = w.withSecurityGroup(new SecurityGroup(String.format("sg-%017x", 1000 + i * 37L), "group-" + i, "vpc-1",
                    Ec2TestWorld.ACCOUNT, List.of(), List.of()));
            w = w.withNetworkInterface(Ec2TestWorld.eni(String.format("eni-%017x", 5000 + i * 53L), "subnet-b",
                    "10.0.2." + (10 + i)));
        }
        plane = new ControlPlane(w, "us-east-1", p -> { });
        Ec2Endpoint endpoint = new Ec2Endpoint(new Ec2Api(plane, "us-east-1"), null);
        server = AdminServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), x -> { }, () -> true, endpoint);
        ec2 = Ec2Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + server.port()))
                .region(Region.US_EAST_1)
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
        assertThat(e).isInstanceOf(Ec2Exception.class);
        return ((Ec2Exception) e).awsErrorDetails().errorCode();
    }

    private static int pages(int items, int size) {
        return (items + size - 1) / size;
    }

    @ParameterizedTest(name = "MaxResults {0}")
    @ValueSource(ints = {5, 7, 1000})
    void securityGroupPaginator_returnsEveryGroupExactlyOnce(int pageSize) {
        List<DescribeSecurityGroupsResponse> responses = new ArrayList<>();
        ec2.describeSecurityGroupsPaginator(r -> r.maxResults(pageSize)).forEach(responses::add);
        List<String> ids = responses.stream().flatMap(r -> r.securityGroups().stream())
                .map(software.amazon.awssdk.services.ec2.model.SecurityGroup::groupId).toList();
        int total = plane.world().securityGroups().size();
        assertThat(total).isEqualTo(EXTRA + 1);
        assertThat(ids).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(plane.world().securityGroups().keySet());
        assertThat(responses).as("pages of " + pageSize).hasSize(pages(total, pageSize));
        assertThat(responses).allSatisfy(r -> assertThat(r.securityGroups()).hasSizeLessThanOrEqualTo(pageSize));
    }

    @ParameterizedTest(name = "MaxResults {0}")
    @ValueSource(ints = {5, 7, 1000})
    void networkInterfacePaginator_returnsEveryEniExactlyOnce(int pageSize) {
        List<DescribeNetworkInterfacesResponse> responses = new ArrayList<>();
        ec2.describeNetworkInterfacesPaginator(r -> r.maxResults(pageSize)).forEach(responses::add);
        List<String> ids = responses.stream().flatMap(r -> r.networkInterfaces().stream())
                .map(NetworkInterface::networkInterfaceId).toList();
        int total = plane.world().networkInterfaces().size();
        assertThat(total).isEqualTo(EXTRA + 2);
        assertThat(ids).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(plane.world().networkInterfaces().keySet());
        assertThat(responses).as("pages of " + pageSize).hasSize(pages(total, pageSize));
    }

    @Test
    void pagingErrors_areSdkExceptionsWithEc2Codes() {
        assertThatThrownBy(() -> ec2.describeSecurityGroups(r -> r.maxResults(4)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidParameterValue"))
                .satisfies(e -> assertThat(((Ec2Exception) e).statusCode()).isEqualTo(400));
        assertThatThrownBy(() -> ec2.describeNetworkInterfaces(r -> r.maxResults(1001)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidParameterValue"));
        assertThatThrownBy(() -> ec2.describeSecurityGroups(r -> r.maxResults(5).nextToken("not-a-token")))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidPaginationToken"));
        String sgToken = ec2.describeSecurityGroups(r -> r.maxResults(5)).nextToken();
        assertThat(sgToken).isNotNull();
        assertThatThrownBy(() -> ec2.describeNetworkInterfaces(r -> r.maxResults(5).nextToken(sgToken)))
                .as("another action's token").satisfies(e -> assertThat(code(e)).isEqualTo("InvalidPaginationToken"));
    }

    private static Map<String, String> asMap(List<Tag> tags) {
        return tags.stream().collect(Collectors.toMap(Tag::key, Tag::value));
    }

    @Test
    void tags_fromCreateTagsAndTagSpecifications_showInDescribes_filter_andDelete() {
        String gid = ec2.createSecurityGroup(r -> r.groupName("web").description("web").vpcId("vpc-1")
                .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.SECURITY_GROUP)
                        .tags(Tag.builder().key("team").value("web").build()).build())).groupId();
        String eniId = ec2.createNetworkInterface(r -> r.subnetId("subnet-a").tagSpecifications(TagSpecification.builder()
                .resourceType(ResourceType.NETWORK_INTERFACE).tags(Tag.builder().key("team").value("db").build()).build()))
                .networkInterface().networkInterfaceId();
        ec2.createTags(r -> r.resources("sg-default", "eni-web", "acl-custom", "pl-office", "vpc-1", "subnet-a")
                .tags(Tag.builder().key("env").value("prod").build()));

        assertThat(asMap(ec2.describeSecurityGroups(r -> r.groupIds(gid)).securityGroups().get(0).tags()))
                .containsExactly(Map.entry("team", "web"));
        assertThat(asMap(ec2.describeSecurityGroups(r -> r.groupIds("sg-default")).securityGroups().get(0).tags()))
                .containsExactly(Map.entry("env", "prod"));
        assertThat(asMap(ec2.describeNetworkAcls(r -> r.networkAclIds("acl-custom")).networkAcls().get(0).tags()))
                .containsExactly(Map.entry("env", "prod"));
        assertThat(asMap(ec2.describeManagedPrefixLists(r -> r.prefixListIds("pl-office")).prefixLists().get(0).tags()))
                .containsExactly(Map.entry("env", "prod"));
        assertThat(asMap(ec2.describeVpcs(r -> r.vpcIds("vpc-1")).vpcs().get(0).tags())).containsExactly(Map.entry("env", "prod"));
        assertThat(asMap(ec2.describeSubnets(r -> r.subnetIds("subnet-a")).subnets().get(0).tags()))
                .containsExactly(Map.entry("env", "prod"));

        assertThat(ec2.describeSecurityGroups(r -> r.filters(f -> f.name("tag:env").values("prod"))).securityGroups())
                .extracting(software.amazon.awssdk.services.ec2.model.SecurityGroup::groupId).containsExactly("sg-default");
        assertThat(ec2.describeSecurityGroups(r -> r.filters(f -> f.name("tag-key").values("team"))).securityGroups())
                .extracting(software.amazon.awssdk.services.ec2.model.SecurityGroup::groupId).containsExactly(gid);
        assertThat(ec2.describeNetworkInterfaces(r -> r.filters(f -> f.name("tag:team").values("d*"))).networkInterfaces())
                .extracting(NetworkInterface::networkInterfaceId).containsExactly(eniId);
        assertThat(ec2.describeNetworkInterfaces(r -> r.filters(f -> f.name("tag:env").values("prod"))).networkInterfaces())
                .extracting(NetworkInterface::networkInterfaceId).containsExactly("eni-web");

        List<TagDescription> onEnis = ec2.describeTags(r -> r.filters(f -> f.name("resource-type").values("network-interface")))
                .tags();
        assertThat(onEnis).extracting(TagDescription::resourceId).containsExactlyInAnyOrder("eni-web", eniId);
        assertThat(onEnis).allSatisfy(t -> assertThat(t.resourceType()).isEqualTo(ResourceType.NETWORK_INTERFACE));
        List<TagDescription> all = new ArrayList<>();
        ec2.describeTagsPaginator(r -> r.maxResults(5)).tags().forEach(all::add);
        assertThat(all).hasSize(8);

        ec2.deleteTags(r -> r.resources("sg-default").tags(Tag.builder().key("env").build()));
        assertThat(ec2.describeSecurityGroups(r -> r.groupIds("sg-default")).securityGroups().get(0).tags()).isEmpty();
        assertThat(ec2.describeSecurityGroups(r -> r.filters(f -> f.name("tag:env").values("prod"))).securityGroups()).isEmpty();
        ec2.deleteNetworkInterface(r -> r.networkInterfaceId(eniId));
        assertThat(ec2.describeTags(r -> r.filters(f -> f.name("resource-id").values(eniId))).tags())
                .as("a deleted resource's tags are gone").isEmpty();
    }

    @Test
    void tagErrors_areSdkExceptionsWithEc2Codes() {
        assertThatThrownBy(() -> ec2.createTags(r -> r.resources("i-0123456789abcdef0").tags(t -> t.key("k").value("v"))))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidID"));
        assertThatThrownBy(() -> ec2.createTags(r -> r.resources("sg-0000000000000dead").tags(t -> t.key("k").value("v"))))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidGroup.NotFound"));
        assertThatThrownBy(() -> ec2.createTags(r -> r.resources("vpc-1").tags(t -> t.key("aws:cloudformation").value("v"))))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidParameterValue"));
        List<Tag> fiftyOne = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            fiftyOne.add(Tag.builder().key("k" + i).value("v").build());
        }
        assertThatThrownBy(() -> ec2.createTags(r -> r.resources("subnet-a").tags(fiftyOne)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("TagLimitExceeded"));
        ec2.createTags(r -> r.resources("subnet-a").tags(fiftyOne.subList(0, 50)));
        assertThat(ec2.describeSubnets(r -> r.subnetIds("subnet-a")).subnets().get(0).tags()).hasSize(50);
        assertThatThrownBy(() -> ec2.createSecurityGroup(r -> r.groupName("x").description("x").vpcId("vpc-1")
                .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.VPC).tags(t -> t.key("k")).build())))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidParameterValue"));
    }
}
