package io.sgemu.control.aws;

import static io.sgemu.control.aws.Fixtures.load;
import static io.sgemu.control.aws.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sgemu.control.model.NaclEntry;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.Cidr;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The native YAML format maps onto the same model as describe output. */
class NativeYamlTest {
    @TempDir
    Path dir;

    private static final String HEAD = """
            vpcs: {vpc-1: {cidrs: [10.0.0.0/16]}}
            subnets: {subnet-a: {vpc: vpc-1, cidr: 10.0.1.0/24}}
            """;

    @Test
    void aYamlWorldAndItsJsonTwinLoadToEqualWorlds() {
        Path yaml = write(dir.resolve("y"), "world.yaml", Fixtures.YAML_TWIN);
        Path json = Fixtures.writeDescribeWorld(dir.resolve("j"));
        write(json, "acls.json", Fixtures.ACLS.replace("aclassoc-a1", "aclassoc-subnet-a").replace("aclassoc-b1", "aclassoc-subnet-b"));
        World fromYaml = load(yaml).world();
        World fromJson = load(json).world();
        assertThat(fromYaml).isEqualTo(fromJson);
        assertThat(fromYaml.networkInterfaces()).hasSize(2);
    }

    @Test
    void sg2_newGroupHasNoInboundRulesAndOneOutboundRuleToAll_emptyListMeansNone() {
        Path y = write(dir, "w.yaml", HEAD + "groups: {sg-a: {vpc: vpc-1}, sg-b: {vpc: vpc-1, egress: []}}\n");
        World w = load(y).world();
        assertThat(w.securityGroups().get("sg-a").egress()).containsExactly(
                new SgRule(null, true, Protocols.ALL, -1, -1, new Peer.CidrPeer(Cidr.ALL_V4), null, 0));
        assertThat(w.securityGroups().get("sg-a").ingress()).isEmpty();
        assertThat(w.securityGroups().get("sg-b").egress()).isEmpty();
    }

    @Test
    void sg2_defaultGroupAllowsAllInboundFromItselfAndAllOutbound_ipv6WhereTheVpcHasIt() {
        Path y = write(dir, "w.yaml", """
                vpcs: {vpc-1: {cidrs: [10.0.0.0/16]}, vpc-6: {cidrs: [10.1.0.0/16, "2600:1f18::/56"]}}
                subnets: {subnet-a: {vpc: vpc-1, cidr: 10.0.1.0/24}}
                groups: {sg-d1: {vpc: vpc-1, default: true}, sg-d6: {vpc: vpc-6, default: true}}
                """);
        World w = load(y).world();
        assertThat(w.securityGroups().get("sg-d1").ingress()).containsExactly(
                new SgRule(null, false, Protocols.ALL, -1, -1, new Peer.GroupPeer("sg-d1"), null, 0));
        assertThat(w.securityGroups().get("sg-d1").egress()).extracting(SgRule::peer)
                .containsExactly(new Peer.CidrPeer(Cidr.ALL_V4));
        assertThat(w.securityGroups().get("sg-d6").egress()).extracting(SgRule::peer)
                .containsExactly(new Peer.CidrPeer(Cidr.ALL_V4), new Peer.CidrPeer(Cidr.ALL_V6));
    }

    @Test
    void ruleLinesMayCarryARuleId() {
        Path y = write(dir, "w.yaml", HEAD + "groups: {sg-a: {vpc: vpc-1, ingress: [\"udp 53 10.0.0.0/8 sgr-0abc\"]}}\n");
        assertThat(load(y).world().securityGroups().get("sg-a").ingress().get(0).ruleId()).isEqualTo("sgr-0abc");
    }

    @Test
    void theAccountIsTheOwnerOfWhatHasNoOwnerOfItsOwn() {
        Path y = write(dir, "w.yaml", "account: \"123456789012\"\n" + HEAD
                + "groups: {sg-a: {vpc: vpc-1, owner: \"999999999999\"}}\n"
                + "enis: {eni-1: {subnet: subnet-a, ips: [10.0.1.5], groups: [sg-a]}}\n");
        World w = load(y).world();
        assertThat(w.networkInterfaces().get("eni-1").ownerId()).isEqualTo("123456789012");
        assertThat(w.securityGroups().get("sg-a").ownerId()).isEqualTo("999999999999");
        assertThat(w.vpcs().get("vpc-1").ownerId()).isEqualTo("123456789012");
    }

    private void assertYamlFails(String yaml, String pathAndProblem) {
        Path y = write(dir, "w.yaml", yaml);
        assertThatThrownBy(() -> load(y)).isInstanceOf(WorldLoadException.class).hasMessage(y + ": " + pathAndProblem);
    }

    @Test
    void errorsNameTheFileAndTheYamlPath() {
        assertYamlFails(HEAD + "groups: {sg-a: {vpc: vpc-1, ingress: [\"tcp 22 0.0.0.0/0\", \"tcp 70000 0.0.0.0/0\"]}}\n",
                "groups.sg-a.ingress[1]: 'tcp 70000 0.0.0.0/0': 70000 is not a port");
        assertYamlFails(HEAD + "groups: {sg-a: {vpc: vpc-1, ingress: [\"tcp 22\"]}}\n",
                "groups.sg-a.ingress[0]: 'tcp 22' is not a rule (PROTOCOL PORTS PEER [sgr-id], e.g. 'tcp 443 0.0.0.0/0')");
        assertYamlFails(HEAD + "groups: {sg-a: {vpc: vpc-1, ingress: [\"tcp 22 sg-zz\"]}}\n",
                "groups.sg-a.ingress[0]: sg-zz is not a loaded security group");
        assertYamlFails(HEAD + "groups: {sg-a: {vpc: vpc-1, ingress: [\"gre all 10.0.0.0/8\"]}}\n",
                "groups.sg-a.ingress[0]: 'gre all 10.0.0.0/8': 'gre' is not a protocol");
        assertYamlFails(HEAD + "groups: {sg-a: {vpc: vpc-1, ingress: [\"47 1-2 10.0.0.0/8\"]}}\n",
                "groups.sg-a.ingress[0]: '47 1-2 10.0.0.0/8': protocol 47 has no ports: write 'all'");
        assertYamlFails(HEAD + "groups: {sg-a: {vpc: vpc-1, ingress: [\"icmp 8:300 10.0.0.0/8\"]}}\n",
                "groups.sg-a.ingress[0]: 'icmp 8:300 10.0.0.0/8': 300 is not an ICMP code (-1..255)");
        assertYamlFails(HEAD + "groups: {sg-a: {vpc: vpc-1, ingress: [\"tcp 22 10.0.0.300/8\"]}}\n",
                "groups.sg-a.ingress[0]: 'tcp 22 10.0.0.300/8': '10.0.0.300/8' is not a CIDR block (bad address)"
                        + " (a peer is a CIDR, sg-... or pl-...)");
        assertYamlFails(HEAD + "nacls: {acl-1: {vpc: vpc-1, ingress: [\"0 allow tcp 22 0.0.0.0/0\"]}}\n",
                "nacls.acl-1.ingress[0]: '0 allow tcp 22 0.0.0.0/0': '0' is not a rule number (1..32766)");
        assertYamlFails(HEAD + "nacls: {acl-1: {vpc: vpc-1, ingress: [\"100 permit tcp 22 0.0.0.0/0\"]}}\n",
                "nacls.acl-1.ingress[0]: '100 permit tcp 22 0.0.0.0/0': 'permit' is not allow or deny");
        assertYamlFails(HEAD + "nacls: {acl-1: {vpc: vpc-1, subnets: [subnet-zz]}}\n",
                "nacls.acl-1.subnets[0]: subnet-zz is not a loaded subnet");
        assertYamlFails(HEAD + "enis: {eni-1: {subnet: subnet-a, ips: [10.0.1.5], conntrack: {udp: 10}}}\n",
                "enis.eni-1.conntrack.udp: 10 s is out of the allowed range 30..60 s");
        assertYamlFails(HEAD + "enis: {eni-1: {subnet: subnet-zz, ips: [10.0.1.5]}}\n",
                "enis.eni-1.subnet: subnet-zz is not a loaded subnet");
        assertYamlFails(HEAD + "enis: {eni-1: {subnet: subnet-a, ips: [10.0.1.5], public-ips: {54.0.0.1: 10.0.1.6}}}\n",
                "enis.eni-1.public-ips.54.0.0.1: 10.0.1.6 is not one of the interface's ips");
        assertYamlFails("subnets: {subnet-a: {vpc: vpc-zz, cidr: 10.0.1.0/24}}\n",
                "subnets.subnet-a.vpc: vpc-zz is not a loaded VPC");
    }

    @Test
    void anUnquotedAccountIdIsAnErrorSinceYamlWouldDropItsLeadingZero() {
        assertYamlFails("account: 123456789012\n" + HEAD,
                "account: write the account id in quotes: YAML reads it as the number 123456789012, which loses leading zeros");
    }

    @Test
    void anUnknownKeyIsAnErrorThatListsTheKnownOnes() {
        assertYamlFails(HEAD + "enis: {eni-1: {subnet: subnet-a, ip: [10.0.1.5]}}\n",
                "enis.eni-1.ip: unknown key (expected one of conntrack, groups, instance, ips, ipv6, owner, public-ip,"
                        + " public-ips, subnet, type)");
    }

    @Test
    void aYamlSyntaxErrorNamesLineAndColumn() {
        Path y = write(dir, "w.yaml", "vpcs:\n  vpc-1: {cidrs: [10.0.0.0/16]\nsubnets: {}\n");
        assertThatThrownBy(() -> load(y)).isInstanceOf(WorldLoadException.class)
                .hasMessageStartingWith(y + ": line ").hasMessageContaining("YAML syntax error");
    }

    @Test
    void aDuplicateYamlKeyIsAnError() {
        Path y = write(dir, "w.yaml", "vpcs:\n  vpc-1: {cidrs: [10.0.0.0/16]}\n  vpc-1: {cidrs: [10.1.0.0/16]}\n");
        assertThatThrownBy(() -> load(y)).isInstanceOf(WorldLoadException.class).hasMessageContaining("Duplicate field 'vpc-1'");
    }

    static Stream<Long> seeds() {
        return new SplittableRandom(7L).longs(40).boxed();
    }

    /** A random rule written as a YAML line and as an IpPermission reads to the same SgRule. */
    @ParameterizedTest
    @MethodSource("seeds")
    void aRandomRuleReadsTheSameFromYamlAndFromJson(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        String[] protocols = {"tcp", "udp", "icmp", "icmpv6", "-1", "47"};
        String proto = protocols[rnd.nextInt(protocols.length)];
        int from = -1;
        int to = -1;
        String ports = "all";
        if (proto.equals("tcp") || proto.equals("udp")) {
            from = rnd.nextInt(65536);
            to = rnd.nextInt(from, 65536);
            ports = from + "-" + to;
        } else if (proto.startsWith("icmp")) {
            from = rnd.nextInt(-1, 256);
            to = from == -1 ? -1 : rnd.nextInt(-1, 256);
            ports = from + ":" + to;
        }
        boolean v6 = proto.equals("icmpv6") || rnd.nextBoolean();
        String peer = v6 ? "2600:1f18:" + Integer.toHexString(rnd.nextInt(65536)) + "::/" + rnd.nextInt(32, 65)
                : rnd.nextInt(1, 224) + "." + rnd.nextInt(256) + ".0.0/16";
        boolean egress = rnd.nextBoolean();
        Path y = write(dir, "r.yaml", HEAD + "groups: {sg-r: {vpc: vpc-1, " + (egress ? "egress" : "ingress")
                + ": [\"" + proto + " " + ports + " " + peer + "\"]" + (egress ? "" : ", egress: []") + "}}\n");
        String range = v6 ? "\"Ipv6Ranges\": [{\"CidrIpv6\": \"" + peer + "\"}]" : "\"IpRanges\": [{\"CidrIp\": \"" + peer + "\"}]";
        String perm = "[{\"IpProtocol\": \"" + proto + "\", \"FromPort\": " + from + ", \"ToPort\": " + to + ", " + range + "}]";
        Path j = write(dir, "r.json", "{\"SecurityGroups\": [{\"GroupId\": \"sg-r\", \"VpcId\": \"vpc-1\", \""
                + (egress ? "IpPermissionsEgress" : "IpPermissions") + "\": " + perm + "}],"
                + " \"Vpcs\": [{\"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.0.0.0/16\"}],"
                + " \"Subnets\": [{\"SubnetId\": \"subnet-a\", \"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.0.1.0/24\"}]}");
        World a = load(y).world();
        World b = load(j).world();
        assertThat(a.securityGroups().get("sg-r")).as("seed %d: %s %s %s", seed, proto, ports, peer)
                .isEqualTo(b.securityGroups().get("sg-r"));
    }

    /** A random NACL entry written as a YAML line and as a describe entry reads to the same NaclEntry. */
    @ParameterizedTest
    @MethodSource("seeds")
    void aRandomNaclEntryReadsTheSameFromYamlAndFromJson(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        String[][] protocols = {{"tcp", "6"}, {"udp", "17"}, {"icmp", "1"}, {"-1", "-1"}, {"50", "50"}};
        String[] proto = protocols[rnd.nextInt(protocols.length)];
        int number = rnd.nextInt(1, 32767);
        boolean allow = rnd.nextBoolean();
        boolean egress = rnd.nextBoolean();
        String cidr = rnd.nextInt(1, 224) + "." + rnd.nextInt(256) + ".0.0/16";
        String ports = "all";
        List<String> extra = new ArrayList<>();
        if (proto[0].equals("tcp") || proto[0].equals("udp")) {
            int from = rnd.nextInt(65536);
            int to = rnd.nextInt(from, 65536);
            ports = from + "-" + to;
            extra.add("\"PortRange\": {\"From\": " + from + ", \"To\": " + to + "}");
        } else if (proto[0].equals("icmp")) {
            int type = rnd.nextInt(-1, 256);
            int code = rnd.nextInt(-1, 256);
            ports = type + ":" + code;
            extra.add("\"IcmpTypeCode\": {\"Type\": " + type + ", \"Code\": " + code + "}");
        }
        Path y = write(dir, "n.yaml", HEAD + "nacls: {acl-1: {vpc: vpc-1, default: true, subnets: [subnet-a], "
                + (egress ? "egress" : "ingress") + ": [\"" + number + " " + (allow ? "allow" : "deny") + " " + proto[0]
                + " " + ports + " " + cidr + "\"]}}\n");
        extra.add("\"RuleNumber\": " + number);
        extra.add("\"Protocol\": \"" + proto[1] + "\"");
        extra.add("\"RuleAction\": \"" + (allow ? "allow" : "deny") + "\"");
        extra.add("\"Egress\": " + egress);
        extra.add("\"CidrBlock\": \"" + cidr + "\"");
        Path j = write(dir, "n.json", "{\"NetworkAcls\": [{\"NetworkAclId\": \"acl-1\", \"VpcId\": \"vpc-1\", \"IsDefault\": true,"
                + " \"Associations\": [{\"SubnetId\": \"subnet-a\"}], \"Entries\": [{" + String.join(", ", extra) + "}]}],"
                + " \"Vpcs\": [{\"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.0.0.0/16\"}],"
                + " \"Subnets\": [{\"SubnetId\": \"subnet-a\", \"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.0.1.0/24\"}]}");
        NaclEntry a = load(y).world().networkAcls().get("acl-1").entries().get(0);
        NaclEntry b = load(j).world().networkAcls().get("acl-1").entries().get(0);
        assertThat(a).as("seed %d: %s", seed, a).isEqualTo(b);
    }

    @Test
    void theFormatDocumentationsExampleLoads() throws Exception {
        // The documentation lies at docs/world-yaml.md of the project; tests run in the control module.
        String md = java.nio.file.Files.readString(Path.of("..", "docs", "world-yaml.md"));
        int start = md.indexOf("```yaml\n");
        int end = md.indexOf("```", start + 8);
        Path y = write(dir, "example.yaml", md.substring(start + 8, end));
        LoadedWorld lw = load(y);
        assertThat(lw.world().networkInterfaces()).isNotEmpty();
        assertThat(lw.warnings()).isEmpty();
    }
}
