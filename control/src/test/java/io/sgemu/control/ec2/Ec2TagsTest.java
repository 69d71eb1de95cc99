package io.sgemu.control.ec2;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/** CreateTags / DeleteTags / DescribeTags, TagSpecifications and tag filters, through {@link Ec2Api#handle}. */
@Timeout(60)
class Ec2TagsTest {
    private final ControlPlane plane = new ControlPlane(Ec2TestWorld.build(), null, p -> { });
    private final Ec2Api ec2 = new Ec2Api(plane, null);
    private final Ec2Answers api = new Ec2Answers(ec2);

    /** A taggable resource of the test world and the describe that lists its kind. */
    record Taggable(String id, String describe, String item) {
        @Override
        public String toString() {
            return id;
        }

        String itemId() {
            return item + "/" + switch (describe) {
                case "DescribeSecurityGroups" -> "groupId";
                case "DescribeNetworkInterfaces" -> "networkInterfaceId";
                case "DescribeNetworkAcls" -> "networkAclId";
                case "DescribeManagedPrefixLists" -> "prefixListId";
                case "DescribeVpcs" -> "vpcId";
                default -> "subnetId";
            };
        }
    }

    static Stream<Taggable> taggables() {
        return Stream.of(
                new Taggable("sg-default", "DescribeSecurityGroups", "securityGroupInfo/item"),
                new Taggable("eni-web", "DescribeNetworkInterfaces", "networkInterfaceSet/item"),
                new Taggable("acl-custom", "DescribeNetworkAcls", "networkAclSet/item"),
                new Taggable("pl-office", "DescribeManagedPrefixLists", "prefixListSet/item"),
                new Taggable("vpc-1", "DescribeVpcs", "vpcSet/item"),
                new Taggable("subnet-a", "DescribeSubnets", "subnetSet/item"));
    }

    private List<String> describeFiltered(Taggable t, String filter, String value) {
        return api.call(t.describe(), "Filter.1.Name", filter, "Filter.1.Value.1", value).texts(t.itemId());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("taggables")
    void createTags_showInTagSet_andTagFiltersSelectByThem(Taggable t) {
        api.call("CreateTags", "ResourceId.1", t.id(), "Tag.1.Key", "env", "Tag.1.Value", "prod", "Tag.2.Key", "bare");
        Ec2Answers.Answer a = api.call(t.describe());
        List<String> ids = a.texts(t.itemId());
        int at = ids.indexOf(t.id());
        assertThat(at).isNotNegative();
        List<String> keys = a.texts(t.item() + "/tagSet/item/key");
        List<String> values = a.texts(t.item() + "/tagSet/item/value");
        assertThat(keys).containsExactly("env", "bare");
        assertThat(values).as("a tag without a value has the empty value").containsExactly("prod", "");

        assertThat(describeFiltered(t, "tag:env", "prod")).containsExactly(t.id());
        assertThat(describeFiltered(t, "tag:env", "pr*")).containsExactly(t.id());
        assertThat(describeFiltered(t, "tag:env", "dev")).isEmpty();
        assertThat(describeFiltered(t, "tag:other", "*")).isEmpty();
        assertThat(describeFiltered(t, "tag-key", "bare")).containsExactly(t.id());
        assertThat(describeFiltered(t, "tag-key", "nope")).isEmpty();
        assertThat(api.call("DescribeTags", "Filter.1.Name", "resource-id", "Filter.1.Value.1", t.id())
                .texts("tagSet/item/key")).containsExactly("env", "bare");
    }

    @Test
    void describeTags_filtersByKeyValueAndResourceType() {
        api.call("CreateTags", "ResourceId.1", "sg-default", "ResourceId.2", "eni-web", "Tag.1.Key", "env", "Tag.1.Value", "prod");
        api.call("CreateTags", "ResourceId.1", "subnet-a", "Tag.1.Key", "env", "Tag.1.Value", "dev");
        Ec2Answers.Answer prod = api.call("DescribeTags", "Filter.1.Name", "value", "Filter.1.Value.1", "prod");
        assertThat(prod.texts("tagSet/item/resourceId")).containsExactly("eni-web", "sg-default");
        assertThat(prod.texts("tagSet/item/resourceType")).containsExactly("network-interface", "security-group");
        assertThat(api.call("DescribeTags", "Filter.1.Name", "resource-type", "Filter.1.Value.1", "subnet")
                .texts("tagSet/item/value")).containsExactly("dev");
        assertThat(api.call("DescribeTags", "Filter.1.Name", "key", "Filter.1.Value.1", "env").texts("tagSet/item")).hasSize(3);
        assertThat(api.error("DescribeTags", "Filter.1.Name", "colour", "Filter.1.Value.1", "x")).isEqualTo("InvalidParameterValue");
    }

    @Test
    void badIds_areRefused_andARefusedCallTagsNothing() {
        assertThat(api.error("CreateTags", "ResourceId.1", "i-0123456789abcdef0", "Tag.1.Key", "k")).isEqualTo("InvalidID");
        assertThat(api.error("CreateTags", "ResourceId.1", "nonsense", "Tag.1.Key", "k")).isEqualTo("InvalidID");
        assertThat(api.error("CreateTags", "ResourceId.1", "sg-nope", "Tag.1.Key", "k")).isEqualTo("InvalidGroup.NotFound");
        assertThat(api.error("CreateTags", "ResourceId.1", "eni-nope", "Tag.1.Key", "k"))
                .isEqualTo("InvalidNetworkInterfaceID.NotFound");
        assertThat(api.error("CreateTags", "ResourceId.1", "acl-nope", "Tag.1.Key", "k")).isEqualTo("InvalidNetworkAclID.NotFound");
        assertThat(api.error("CreateTags", "ResourceId.1", "pl-nope", "Tag.1.Key", "k")).isEqualTo("InvalidPrefixListID.NotFound");
        assertThat(api.error("CreateTags", "ResourceId.1", "vpc-nope", "Tag.1.Key", "k")).isEqualTo("InvalidVpcID.NotFound");
        assertThat(api.error("CreateTags", "ResourceId.1", "subnet-nope", "Tag.1.Key", "k")).isEqualTo("InvalidSubnetID.NotFound");
        assertThat(api.error("DeleteTags", "ResourceId.1", "sg-nope")).isEqualTo("InvalidGroup.NotFound");
        assertThat(api.error("CreateTags", "ResourceId.1", "sg-default", "ResourceId.2", "sg-nope", "Tag.1.Key", "k"))
                .isEqualTo("InvalidGroup.NotFound");
        assertThat(api.error("CreateTags", "Tag.1.Key", "k")).isEqualTo("MissingParameter");
        assertThat(api.error("CreateTags", "ResourceId.1", "sg-default")).isEqualTo("MissingParameter");
        assertThat(api.error("CreateTags", "ResourceId.1", "sg-default", "Tag.1.Key", "aws:owner"))
                .isEqualTo("InvalidParameterValue");
        assertThat(api.error("CreateTags", "ResourceId.1", "sg-default", "Tag.1.Key", "k".repeat(129)))
                .isEqualTo("InvalidParameterValue");
        assertThat(api.error("CreateTags", "ResourceId.1", "sg-default", "Tag.1.Key", "k", "Tag.1.Value", "v".repeat(257)))
                .isEqualTo("InvalidParameterValue");
        assertThat(api.call("DescribeTags").texts("tagSet/item")).as("nothing was tagged").isEmpty();
    }

    private static String[] tags(String resource, int from, int count) {
        List<String> p = new ArrayList<>(List.of("ResourceId.1", resource));
        for (int i = 0; i < count; i++) {
            p.add("Tag." + (i + 1) + ".Key");
            p.add("k" + (from + i));
        }
        return p.toArray(String[]::new);
    }

    @Test
    void fiftyTagsPerResource_theFiftyFirstIsTagLimitExceeded() {
        api.call("CreateTags", tags("sg-default", 0, 45));
        assertThat(api.error("CreateTags", tags("sg-default", 45, 6))).isEqualTo("TagLimitExceeded");
        assertThat(api.call("DescribeTags").texts("tagSet/item")).as("the refused call added none").hasSize(45);
        api.call("CreateTags", tags("sg-default", 40, 10)); // 5 overwritten, 5 new: 50
        assertThat(api.call("DescribeTags").texts("tagSet/item")).hasSize(50);
        assertThat(api.error("CreateTags", tags("sg-default", 50, 1))).isEqualTo("TagLimitExceeded");

        List<String> create = new ArrayList<>(List.of("GroupName", "many", "GroupDescription", "many", "VpcId", "vpc-1",
                "TagSpecification.1.ResourceType", "security-group"));
        for (int i = 1; i <= 51; i++) {
            create.addAll(List.of("TagSpecification.1.Tag." + i + ".Key", "k" + i));
        }
        int groups = plane.world().securityGroups().size();
        assertThat(api.error("CreateSecurityGroup", create.toArray(String[]::new))).isEqualTo("TagLimitExceeded");
        assertThat(plane.world().securityGroups()).as("no group was created").hasSize(groups);
    }

    @Test
    void deleteTags_byKey_byKeyAndValue_orAll() {
        api.call("CreateTags", "ResourceId.1", "eni-web", "Tag.1.Key", "a", "Tag.1.Value", "1", "Tag.2.Key", "b",
                "Tag.2.Value", "2", "Tag.3.Key", "c", "Tag.3.Value", "3");
        api.call("DeleteTags", "ResourceId.1", "eni-web", "Tag.1.Key", "a", "Tag.1.Value", "other");
        assertThat(api.call("DescribeTags").texts("tagSet/item/key")).as("a value that differs keeps the tag")
                .containsExactly("a", "b", "c");
        api.call("DeleteTags", "ResourceId.1", "eni-web", "Tag.1.Key", "a", "Tag.1.Value", "1", "Tag.2.Key", "b");
        assertThat(api.call("DescribeTags").texts("tagSet/item/key")).containsExactly("c");
        assertThat(api.call("DescribeNetworkInterfaces", "Filter.1.Name", "tag-key", "Filter.1.Value.1", "a")
                .texts("networkInterfaceSet/item")).isEmpty();
        api.call("DeleteTags", "ResourceId.1", "eni-web");
        assertThat(api.call("DescribeTags").texts("tagSet/item")).isEmpty();
    }

    @Test
    void tagSpecifications_tagTheCreatedResource_andItsDeletionDropsTheTags() {
        String[] spec = {"TagSpecification.1.Tag.1.Key", "Name", "TagSpecification.1.Tag.1.Value", "made"};
        Ec2Answers.Answer sg = api.call("CreateSecurityGroup", concat(spec, "GroupName", "app", "GroupDescription", "app",
                "VpcId", "vpc-1", "TagSpecification.1.ResourceType", "security-group"));
        String gid = sg.texts("groupId").get(0);
        assertThat(sg.texts("tagSet/item/value")).containsExactly("made");
        Ec2Answers.Answer eni = api.call("CreateNetworkInterface", concat(spec, "SubnetId", "subnet-b",
                "TagSpecification.1.ResourceType", "network-interface"));
        String eniId = eni.texts("networkInterface/networkInterfaceId").get(0);
        assertThat(eni.texts("networkInterface/tagSet/item/key")).containsExactly("Name");
        Ec2Answers.Answer acl = api.call("CreateNetworkAcl", concat(spec, "VpcId", "vpc-1",
                "TagSpecification.1.ResourceType", "network-acl"));
        String aclId = acl.texts("networkAcl/networkAclId").get(0);
        Ec2Answers.Answer pl = api.call("CreateManagedPrefixList", concat(spec, "PrefixListName", "p", "AddressFamily", "IPv4",
                "MaxEntries", "5", "TagSpecification.1.ResourceType", "prefix-list"));
        String plId = pl.texts("prefixList/prefixListId").get(0);
        assertThat(pl.texts("prefixList/tagSet/item/value")).containsExactly("made");
        assertThat(api.call("DescribeTags", "Filter.1.Name", "tag:Name", "Filter.1.Value.1", "made")
                .texts("tagSet/item/resourceId")).containsExactlyInAnyOrder(gid, eniId, aclId, plId);

        api.call("DeleteNetworkInterface", "NetworkInterfaceId", eniId);
        api.call("DeleteSecurityGroup", "GroupId", gid);
        api.call("DeleteNetworkAcl", "NetworkAclId", aclId);
        assertThat(api.call("DescribeTags").texts("tagSet/item/resourceId")).containsExactly(plId);
        for (String gone : List.of(eniId, gid, aclId)) {
            assertThat(ec2.tags().of(gone)).as("the tags of the deleted " + gone).isEmpty();
        }
        assertThat(ec2.tags().of(plId)).containsEntry("Name", "made");
    }

    @Test
    void aTagSpecificationForAnotherResourceType_isInvalidParameterValue_andCreatesNothing() {
        int groups = plane.world().securityGroups().size();
        assertThat(api.error("CreateSecurityGroup", "GroupName", "x", "GroupDescription", "x", "VpcId", "vpc-1",
                "TagSpecification.1.ResourceType", "network-interface", "TagSpecification.1.Tag.1.Key", "k"))
                .isEqualTo("InvalidParameterValue");
        assertThat(plane.world().securityGroups()).hasSize(groups);
        int enis = plane.world().networkInterfaces().size();
        assertThat(api.error("CreateNetworkInterface", "SubnetId", "subnet-a",
                "TagSpecification.1.ResourceType", "network-interface", "TagSpecification.1.Tag.1.Key", "aws:x"))
                .isEqualTo("InvalidParameterValue");
        assertThat(plane.world().networkInterfaces()).hasSize(enis);
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
