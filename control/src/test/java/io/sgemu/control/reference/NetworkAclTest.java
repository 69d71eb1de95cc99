package io.sgemu.control.reference;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SEMANTICS.md section 4: network ACLs. The groups allow everything, so only the NACLs decide. */
class NetworkAclTest extends EvaluatorTestSupport {

    @BeforeEach
    void openGroups() {
        for (String g : new String[] {"sg-a", "sg-b", "sg-c"}) {
            t.sg(g).in("-1", -1, -1, "0.0.0.0/0").in("-1", -1, -1, "::/0").allOut().out("-1", -1, -1, "::/0");
        }
    }

    /** A custom NACL on subnet-a (initially without entries: denies everything). */
    private TestWorld.Acl aclA() {
        return t.nacl("acl-a", "vpc-1", false, "subnet-a");
    }

    @Test
    void nacl4_firstMatchByRuleNumberNotFileOrder() {
        aclA().in(200, "tcp", true, "0.0.0.0/0", null).in(100, "tcp", false, "203.0.113.0/24", null)
                .out(100, "-1", true, "0.0.0.0/0", null);

        Verdict v = run(tcp(0, EXT, 40000, A, 22, SYN));
        assertThat(v.rejected()).isTrue();
        assertThat(v.stage()).isEqualTo(Stage.NACL_INGRESS);
        assertThat(v.reason()).isEqualTo("acl-a entry 100: 100 deny tcp from 203.0.113.0/24");
        Verdict other = run(tcp(0, EXT2, 40000, A, 22, SYN));
        assertThat(other.accepted()).isTrue();
        assertThat(other.trace()).filteredOn(d -> d.stage() == Stage.NACL_INGRESS).singleElement()
                .extracting(StageDecision::decidedBy).isEqualTo("acl-a entry 200: 200 allow tcp from 0.0.0.0/0");
    }

    @Test
    void nacl4_noMatchingEntryIsDefaultDeny() {
        aclA().in(100, "udp", true, "0.0.0.0/0", null);

        Verdict v = run(tcp(0, EXT, 40000, A, 22, SYN));
        assertThat(v.stage()).isEqualTo(Stage.NACL_INGRESS);
        assertThat(v.reason()).isEqualTo("acl-a default deny (*)");
    }

    @Test
    void nacl4_newCustomNaclDeniesEverything() {
        aclA();
        assertThat(run(tcp(0, A, 40000, EXT, 443, SYN)).stage()).isEqualTo(Stage.NACL_EGRESS);
        assertThat(run(udp(0, EXT, 40000, A, 443)).stage()).isEqualTo(Stage.NACL_INGRESS);
    }

    @Test
    void nacl4_ipv4EntryNeverMatchesIpv6() {
        aclA().in(100, "-1", true, "0.0.0.0/0", null).out(100, "-1", true, "0.0.0.0/0", null);
        Verdict v6 = run(tcp(0, EXT6, 40000, A6, 22, SYN));
        assertThat(v6.stage()).isEqualTo(Stage.NACL_INGRESS);
        assertThat(v6.reason()).isEqualTo("acl-a default deny (*)");

        aclA().in(101, "-1", true, "::/0", null);
        applyChanges();
        assertThat(run(tcp(1, EXT6, 40001, A6, 22, SYN)).accepted()).isTrue();
    }

    @Test
    void nacl4_ingressMatchesSourceEgressMatchesDestination() {
        aclA().in(100, "-1", true, "203.0.113.0/24", null).out(100, "-1", true, "198.51.100.0/24", null);

        assertThat(run(udp(0, EXT, 40000, A, 5000)).accepted()).as("in from 203.0.113.5").isTrue();
        assertThat(run(udp(0, EXT2, 40000, A, 5000)).stage()).as("in from 198.51.100.7").isEqualTo(Stage.NACL_INGRESS);
        assertThat(run(udp(0, A, 40000, EXT2, 5000)).accepted()).as("out to 198.51.100.7").isTrue();
        assertThat(run(udp(0, A, 40000, EXT, 5000)).stage()).as("out to 203.0.113.5").isEqualTo(Stage.NACL_EGRESS);
    }

    @Test
    void nacl4_portRangeIsTheDestinationPortInBothDirections() {
        aclA().in(100, "tcp", true, "0.0.0.0/0", "22").out(100, "tcp", true, "0.0.0.0/0", "1024-65535");

        assertThat(run(tcp(0, EXT, 40000, A, 22, SYN)).accepted()).isTrue();
        assertThat(run(tcp(0.1, A, 22, EXT, 40000, SYN_ACK)).accepted()).as("reply to an ephemeral port").isTrue();
        assertThat(run(tcp(1, EXT, 22, A, 40000, SYN)).stage()).as("source port 22 is not matched")
                .isEqualTo(Stage.NACL_INGRESS);
        assertThat(run(tcp(1, A, 40000, EXT, 80, SYN)).stage()).as("egress to port 80")
                .isEqualTo(Stage.NACL_EGRESS);
    }

    @Test
    void nacl4_icmpTypeAndCode() {
        aclA().icmp(100, false, "icmp", true, "0.0.0.0/0", 8, -1).icmp(110, false, "icmp", true, "0.0.0.0/0", 3, 4)
                .out(100, "-1", true, "0.0.0.0/0", null);

        assertThat(run(echo(0, EXT, A, true, 1)).accepted()).as("echo request").isTrue();
        assertThat(run(Packet.icmp(0, EXT, A, 3, 4, 56)).accepted()).as("3/4").isTrue();
        assertThat(run(Packet.icmp(0, EXT, A, 3, 3, 56)).stage()).as("3/3").isEqualTo(Stage.NACL_INGRESS);
        assertThat(run(Packet.icmp(0, EXT, A, 11, 0, 56)).stage()).as("11/0").isEqualTo(Stage.NACL_INGRESS);

        aclA().icmp(120, false, "icmp", true, "0.0.0.0/0", -1, -1);
        applyChanges();
        assertThat(run(Packet.icmp(0, EXT, A, 11, 0, 56)).accepted()).as("any type").isTrue();
    }

    @Test
    void nacl4_otherProtocolEntryIgnoresPorts() {
        aclA().in(100, "47", true, "0.0.0.0/0", null).out(100, "-1", true, "0.0.0.0/0", null);
        assertThat(run(Packet.other(0, 47, EXT, A, 100)).accepted()).isTrue();
        assertThat(run(Packet.other(0, 50, EXT, A, 100)).stage()).isEqualTo(Stage.NACL_INGRESS);
    }

    @Test
    void nacl4_statelessReplyNeedsItsOwnEntry() {
        aclA().in(100, "tcp", true, "0.0.0.0/0", "22");
        t.sg("sg-a").clearIn().clearOut().in("tcp", 22, 22, "203.0.113.0/24");

        assertThat(run(tcp(0, EXT, 40000, A, 22, SYN)).accepted()).isTrue();
        // The group's tracked connection would let the reply out; the NACL has no egress entry.
        Verdict reply = run(tcp(0.1, A, 22, EXT, 40000, SYN_ACK));
        assertThat(reply.stage()).isEqualTo(Stage.NACL_EGRESS);
        assertThat(reply.trace().get(0).decidedBy()).isEqualTo(ReferenceEvaluator.CONNTRACK);
    }

    @Test
    void nacl4_sameSubnetTrafficNeverMeetsNacl() {
        aclA(); // denies everything
        Verdict v = run(tcp(0, A, 40000, B, 22, SYN));
        assertThat(v.accepted()).isTrue();
        assertThat(v.trace()).extracting(StageDecision::stage, StageDecision::decidedBy).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Stage.SG_EGRESS, "sg-a rule #0: -1 all to 0.0.0.0/0"),
                org.assertj.core.groups.Tuple.tuple(Stage.NACL_EGRESS, "same subnet: no NACL"),
                org.assertj.core.groups.Tuple.tuple(Stage.NACL_INGRESS, "same subnet: no NACL"),
                org.assertj.core.groups.Tuple.tuple(Stage.SG_INGRESS, "sg-b rule #0: -1 all from 0.0.0.0/0"));
        assertThat(counters("eni-a").acceptedPackets(Stage.NACL_EGRESS)).as("not a stage met").isZero();
    }

    @Test
    void nacl4_defaultNaclCoversSubnetsNoOtherNaclNames() {
        t.nacl("acl-b", "vpc-1", false, "subnet-b"); // denies everything on subnet-b
        assertThat(run(udp(0, EXT, 40000, A, 5000)).accepted()).as("subnet-a: the default NACL").isTrue();
        Verdict v = run(udp(0, EXT, 40000, C, 5000));
        assertThat(v.stage()).isEqualTo(Stage.NACL_INGRESS);
        assertThat(v.reason()).isEqualTo("acl-b default deny (*)");
    }

    @Test
    void nacl4_subnetWithoutAnyNaclBehavesAsAwsDefaultAllowAll() {
        TestWorld bare = standardWorld();
        bare.sg("sg-a").in("-1", -1, -1, "0.0.0.0/0");
        // standardWorld() has a default NACL; rebuild the world without any.
        var w = bare.build();
        var noNacl = new io.sgemu.control.model.World(w.vpcs(), w.subnets(), java.util.Map.of(), w.securityGroups(),
                w.networkInterfaces(), w.prefixLists());
        Verdict v = new ReferenceEvaluator(noNacl, EvaluatorSettings.DEFAULT).evaluate(udp(0, EXT, 40000, A, 5000));
        assertThat(v.accepted()).isTrue();
        assertThat(v.trace().get(0)).isEqualTo(new StageDecision(Stage.NACL_INGRESS, "eni-a", true,
                "subnet-a has no network ACL: default allows all"));
    }

    @Test
    void nacl4_egressOfSourceSubnetThenIngressOfDestinationSubnet() {
        aclA().out(100, "-1", true, "0.0.0.0/0", null);
        t.nacl("acl-b", "vpc-1", false, "subnet-b").in(100, "-1", true, "10.0.1.0/24", null);

        Verdict v = run(tcp(0, A, 40000, C, 5432, SYN));
        assertThat(v.accepted()).isTrue();
        assertThat(v.trace()).extracting(StageDecision::stage, StageDecision::eniId).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Stage.SG_EGRESS, "eni-a"),
                org.assertj.core.groups.Tuple.tuple(Stage.NACL_EGRESS, "eni-a"),
                org.assertj.core.groups.Tuple.tuple(Stage.NACL_INGRESS, "eni-c"),
                org.assertj.core.groups.Tuple.tuple(Stage.SG_INGRESS, "eni-c"));
        // The reply: subnet-b has no egress entry.
        assertThat(run(tcp(0.1, C, 5432, A, 40000, SYN_ACK)).stage()).isEqualTo(Stage.NACL_EGRESS);
    }
}
