package io.sgemu.control.ec2;

import io.sgemu.control.model.PrefixList;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** MaxResults / NextToken on the Describe* actions, through {@link Ec2Api#handle} with plain form parameters. */
@Timeout(60)
class Ec2PaginationTest {
    /** More pages than any walk here needs: a walk that does not end is a failure, not a hang. */
    private static final int MAX_PAGES = 100;

    /** A paginated action: what it lists (path to each item's key), its MaxResults bounds, its required parameters. */
    record Paged(String action, String keys, int min, int max, String... params) {
        @Override
        public String toString() {
            return action;
        }
    }

    static Stream<Paged> pagedActions() {
        return Stream.of(
                new Paged("DescribeSecurityGroups", "securityGroupInfo/item/groupId", 5, 1000),
                new Paged("DescribeSecurityGroupRules", "securityGroupRuleSet/item/securityGroupRuleId", 5, 1000),
                new Paged("DescribeNetworkInterfaces", "networkInterfaceSet/item/networkInterfaceId", 5, 1000),
                new Paged("DescribeNetworkAcls", "networkAclSet/item/networkAclId", 5, 1000),
                new Paged("DescribeSubnets", "subnetSet/item/subnetId", 5, 1000),
                new Paged("DescribeVpcs", "vpcSet/item/vpcId", 5, 1000),
                new Paged("DescribeTags", "tagSet/item/key", 5, 1000),
                new Paged("DescribeManagedPrefixLists", "prefixListSet/item/prefixListId", 1, 100),
                new Paged("GetManagedPrefixListEntries", "entrySet/item/cidr", 1, 100, "PrefixListId", "pl-office"));
    }

    private static String[] with(String[] params, String... more) {
        String[] out = new String[params.length + more.length];
        System.arraycopy(params, 0, out, 0, params.length);
        System.arraycopy(more, 0, out, params.length, more.length);
        return out;
    }

    private static World withGroups(World w, int n) {
        for (int i = 0; i < n; i++) {
            w = w.withSecurityGroup(group(String.format("sg-%017x", i * 7919L + 1)));
        }
        return w;
    }

    private static SecurityGroup group(String id) {
        return new SecurityGroup(id, "g-" + id, "vpc-1", Ec2TestWorld.ACCOUNT, List.of(), List.of());
    }

    private static Ec2Answers answers(World w) {
        return new Ec2Answers(new Ec2Api(new ControlPlane(w, null, p -> { }), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pagedActions")
    void maxResultsOutsideAwsBounds_isInvalidParameterValue_insideIsAPage(Paged p) {
        Ec2Answers api = answers(Ec2TestWorld.build());
        api.call("CreateTags", "ResourceId.1", "sg-default", "Tag.1.Key", "a", "Tag.2.Key", "b");
        assertThat(api.error(p.action(), with(p.params(), "MaxResults", Integer.toString(p.min() - 1))))
                .isEqualTo("InvalidParameterValue");
        assertThat(api.error(p.action(), with(p.params(), "MaxResults", Integer.toString(p.max() + 1))))
                .isEqualTo("InvalidParameterValue");
        assertThat(api.error(p.action(), with(p.params(), "MaxResults", "ten"))).isEqualTo("InvalidParameterValue");
        List<String> all = api.call(p.action(), p.params()).texts(p.keys());
        assertThat(all).isNotEmpty();
        Ec2Answers.Answer atMin = api.call(p.action(), with(p.params(), "MaxResults", Integer.toString(p.min())));
        assertThat(atMin.texts(p.keys())).hasSize(Math.min(p.min(), all.size()));
        assertThat(atMin.nextToken() != null).as("a token exactly when more remain").isEqualTo(all.size() > p.min());
        Ec2Answers.Answer atMax = api.call(p.action(), with(p.params(), "MaxResults", Integer.toString(p.max())));
        assertThat(atMax.texts(p.keys())).containsExactlyInAnyOrderElementsOf(all);
        assertThat(atMax.nextToken()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pagedActions")
    void aTokenTheActionDidNotGive_isInvalidPaginationToken(Paged p) {
        Ec2Answers api = answers(withGroups(Ec2TestWorld.build(), 12));
        String other = p.action().equals("DescribeSecurityGroups") ? "DescribeNetworkInterfaces" : "DescribeSecurityGroups";
        api.call("CreateNetworkInterface", "SubnetId", "subnet-a");
        api.call("CreateNetworkInterface", "SubnetId", "subnet-a");
        api.call("CreateNetworkInterface", "SubnetId", "subnet-a");
        api.call("CreateNetworkInterface", "SubnetId", "subnet-a");
        String foreign = api.call(other, "MaxResults", "5").nextToken();
        assertThat(foreign).as("the other action has more than one page").isNotNull();
        assertThat(api.error(p.action(), with(p.params(), "NextToken", foreign))).isEqualTo("InvalidPaginationToken");
        assertThat(api.error(p.action(), with(p.params(), "NextToken", "!!not-base64!!"))).isEqualTo("InvalidPaginationToken");
        assertThat(api.error(p.action(), with(p.params(), "MaxResults", "5", "NextToken", "bm9wZQ")))
                .isEqualTo("InvalidPaginationToken");
    }

    @Test
    void withoutMaxResults_everyMatchInTheWorldsOrder_andNoToken() {
        World w = withGroups(Ec2TestWorld.build(), 30);
        Ec2Answers api = answers(w);
        Ec2Answers.Answer all = api.call("DescribeSecurityGroups");
        assertThat(all.texts("securityGroupInfo/item/groupId")).containsExactlyElementsOf(w.securityGroups().keySet());
        assertThat(all.nextToken()).isNull();
        assertThat(all.xml()).doesNotContain("nextToken");
    }

    @Test
    void pagesFollowTheIds_andTheLastPageHasNoToken() {
        World w = withGroups(Ec2TestWorld.build(), 10);
        Ec2Answers api = answers(w);
        List<String> sorted = new ArrayList<>(w.securityGroups().keySet());
        sorted.sort(null);
        Ec2Answers.Answer one = api.call("DescribeSecurityGroups", "MaxResults", "5");
        assertThat(one.texts("securityGroupInfo/item/groupId")).containsExactlyElementsOf(sorted.subList(0, 5));
        Ec2Answers.Answer two = api.call("DescribeSecurityGroups", "MaxResults", "5", "NextToken", one.nextToken());
        assertThat(two.texts("securityGroupInfo/item/groupId")).containsExactlyElementsOf(sorted.subList(5, 10));
        Ec2Answers.Answer three = api.call("DescribeSecurityGroups", "MaxResults", "5", "NextToken", two.nextToken());
        assertThat(three.texts("securityGroupInfo/item/groupId")).containsExactlyElementsOf(sorted.subList(10, 11));
        assertThat(three.nextToken()).isNull();
        assertThat(api.call("DescribeSecurityGroups", "NextToken", one.nextToken()).texts("securityGroupInfo/item/groupId"))
                .as("a token without MaxResults: the rest, up to the maximum page").containsExactlyElementsOf(sorted.subList(5, 11));
    }

    @Test
    void filtersApplyBeforePaging() {
        Ec2Answers api = answers(withGroups(Ec2TestWorld.build(), 20));
        List<String> seen = new ArrayList<>();
        String token = null;
        int guard = 0;
        do {
            Ec2Answers.Answer a = token == null
                    ? api.call("DescribeSecurityGroups", "MaxResults", "5", "Filter.1.Name", "group-name", "Filter.1.Value.1", "g-*")
                    : api.call("DescribeSecurityGroups", "MaxResults", "5", "Filter.1.Name", "group-name",
                            "Filter.1.Value.1", "g-*", "NextToken", token);
            List<String> page = a.texts("securityGroupInfo/item/groupId");
            assertThat(page).as("no empty page").isNotEmpty().hasSizeLessThanOrEqualTo(5);
            seen.addAll(page);
            token = a.nextToken();
        } while (token != null && ++guard < MAX_PAGES);
        assertThat(seen).hasSize(20).doesNotHaveDuplicates().doesNotContain("sg-default");
    }

    @Test
    void prefixListEntries_pageByOne() {
        List<Cidr> entries = List.of(Cidr.parse("192.0.2.0/24"), Cidr.parse("198.51.100.0/24"), Cidr.parse("203.0.113.0/24"));
        World w = Ec2TestWorld.build().withPrefixList(new PrefixList("pl-big", "big", IpAddress.V4, entries));
        Ec2Answers api = answers(w);
        List<String> seen = new ArrayList<>();
        int pages = 0;
        String token = null;
        int guard = 0;
        do {
            Ec2Answers.Answer a = token == null ? api.call("GetManagedPrefixListEntries", "PrefixListId", "pl-big", "MaxResults", "1")
                    : api.call("GetManagedPrefixListEntries", "PrefixListId", "pl-big", "MaxResults", "1", "NextToken", token);
            seen.addAll(a.texts("entrySet/item/cidr"));
            token = a.nextToken();
            pages++;
        } while (token != null && ++guard < MAX_PAGES);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyInAnyOrder("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24");
    }

    @Test
    void describeTags_pagesEveryTagOnce() {
        Ec2Answers api = answers(Ec2TestWorld.build());
        for (String id : List.of("sg-default", "eni-web", "vpc-1")) {
            api.call("CreateTags", "ResourceId.1", id, "Tag.1.Key", "k1", "Tag.2.Key", "k2", "Tag.3.Key", "k3",
                    "Tag.4.Key", "k4", "Tag.4.Value", "v4");
        }
        Set<String> seen = new HashSet<>();
        List<Integer> sizes = new ArrayList<>();
        String token = null;
        int guard = 0;
        do {
            Ec2Answers.Answer a = token == null ? api.call("DescribeTags", "MaxResults", "5")
                    : api.call("DescribeTags", "MaxResults", "5", "NextToken", token);
            List<String> ids = a.texts("tagSet/item/resourceId");
            List<String> keys = a.texts("tagSet/item/key");
            for (int i = 0; i < ids.size(); i++) {
                assertThat(seen.add(ids.get(i) + "/" + keys.get(i))).as("once: " + ids.get(i) + "/" + keys.get(i)).isTrue();
            }
            sizes.add(ids.size());
            token = a.nextToken();
        } while (token != null && ++guard < MAX_PAGES);
        assertThat(sizes).containsExactly(5, 5, 2);
        assertThat(seen).hasSize(12).contains("eni-web/k4", "vpc-1/k1", "sg-default/k3");
    }

    /**
     * Property: whatever groups are created and deleted between pages, a walk returns no group twice and
     * every group present from the first page to the last exactly once.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void pagingUnderChanges_everyGroupPresentThroughoutExactlyOnce(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        ControlPlane plane = new ControlPlane(withGroups(Ec2TestWorld.build(), rnd.nextInt(0, 60)), null, p -> { });
        Ec2Answers api = new Ec2Answers(new Ec2Api(plane, null));
        Set<String> present = new HashSet<>(plane.world().securityGroups().keySet());
        Map<String, Integer> returned = new HashMap<>();
        String size = Integer.toString(rnd.nextInt(5, 13));
        String token = null;
        int guard = 0;
        do {
            Ec2Answers.Answer a = token == null ? api.call("DescribeSecurityGroups", "MaxResults", size)
                    : api.call("DescribeSecurityGroups", "MaxResults", size, "NextToken", token);
            a.texts("securityGroupInfo/item/groupId").forEach(id -> returned.merge(id, 1, Integer::sum));
            token = a.nextToken();
            int changes = rnd.nextInt(0, 4);
            for (int i = 0; i < changes; i++) {
                List<String> ids = new ArrayList<>(plane.world().securityGroups().keySet());
                ids.remove("sg-default");
                if (rnd.nextBoolean() && !ids.isEmpty()) {
                    String gone = ids.get(rnd.nextInt(ids.size()));
                    plane.apply(w -> w.withoutSecurityGroup(gone));
                    present.remove(gone);
                } else {
                    String added = String.format("sg-%017x", rnd.nextLong(1L << 60));
                    plane.apply(w -> w.withSecurityGroup(group(added)));
                }
            }
        } while (token != null && ++guard < MAX_PAGES);
        assertThat(returned.values()).as("seed " + seed + ": no group twice").allMatch(n -> n == 1);
        assertThat(returned.keySet()).as("seed " + seed + ": every group present throughout").containsAll(present);
    }
}
