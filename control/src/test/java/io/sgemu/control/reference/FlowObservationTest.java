package io.sgemu.control.reference;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.dataplane.flowlog.FlowLogEni;
import io.sgemu.dataplane.flowlog.FlowObservation;
import org.junit.jupiter.api.Test;

/** SEMANTICS.md section 6, the per-ENI side: what each ENI logs of a packet. */
class FlowObservationTest extends EvaluatorTestSupport {

    private static FlowObservation on(Verdict v, String eniId) {
        return v.observations().stream().filter(o -> o.eni().interfaceId().equals(eniId)).findFirst().orElseThrow(
                () -> new AssertionError("no observation on " + eniId + " in " + v.observations()));
    }

    private void aToCAllowed() {
        t.sg("sg-a").allOut();
        t.sg("sg-c").in("tcp", 5432, 5432, "sg-a").allOut();
    }

    @Test
    void fl6_bothEnisLogAcceptWhenAllStagesPass() {
        aToCAllowed();
        Verdict v = run(tcp(0, A, 40000, C, 5432, SYN));

        assertThat(v.observations()).hasSize(2);
        FlowObservation a = on(v, "eni-a");
        assertThat(a.ingress()).isFalse();
        assertThat(a.accept()).isTrue();
        FlowObservation c = on(v, "eni-c");
        assertThat(c.ingress()).isTrue();
        assertThat(c.accept()).isTrue();
    }

    @Test
    void fl6_rejectAtStageOneOrTwoLogsRejectOnSourceAndNothingOnDestination() {
        t.sg("sg-c").in("tcp", 5432, 5432, "sg-a");
        Verdict sg = run(tcp(0, A, 40000, C, 5432, SYN));
        assertThat(sg.stage()).isEqualTo(Stage.SG_EGRESS);
        assertThat(sg.observations()).singleElement().satisfies(o -> {
            assertThat(o.eni().interfaceId()).isEqualTo("eni-a");
            assertThat(o.ingress()).isFalse();
            assertThat(o.accept()).isFalse();
        });

        t.sg("sg-a").allOut();
        t.nacl("acl-a", "vpc-1", false, "subnet-a");
        applyChanges();
        Verdict nacl = run(tcp(1, A, 40001, C, 5432, SYN));
        assertThat(nacl.stage()).isEqualTo(Stage.NACL_EGRESS);
        assertThat(nacl.observations()).singleElement().satisfies(o -> assertThat(o.accept()).isFalse());
    }

    @Test
    void fl6_rejectAtStageThreeOrFourLogsAcceptOnSourceRejectOnDestination() {
        t.sg("sg-a").allOut();
        Verdict v = run(tcp(0, A, 40000, C, 5432, SYN));
        assertThat(v.stage()).isEqualTo(Stage.SG_INGRESS);
        assertThat(on(v, "eni-a").accept()).isTrue();
        assertThat(on(v, "eni-c").accept()).isFalse();
        assertThat(on(v, "eni-c").ingress()).isTrue();
    }

    @Test
    void fl6_naclDroppedReplyLogsRejectOnDroppingEni() {
        aToCAllowed();
        // subnet-b lets the request in but no reply out.
        t.nacl("acl-b", "vpc-1", false, "subnet-b").in(100, "-1", true, "0.0.0.0/0", null);
        assertThat(run(tcp(0, A, 40000, C, 5432, SYN)).accepted()).isTrue();

        Verdict reply = run(tcp(0.1, C, 5432, A, 40000, SYN_ACK));
        assertThat(reply.stage()).isEqualTo(Stage.NACL_EGRESS);
        assertThat(reply.observations()).singleElement().satisfies(o -> {
            assertThat(o.eni().interfaceId()).isEqualTo("eni-c");
            assertThat(o.ingress()).isFalse();
            assertThat(o.accept()).isFalse();
        });

        // Now the reply leaves subnet-b but subnet-a's NACL drops it on the way in: eni-a logs the REJECT.
        t.nacl("acl-b", "vpc-1", false, "subnet-b").out(100, "-1", true, "0.0.0.0/0", null);
        t.nacl("acl-a", "vpc-1", false, "subnet-a").out(100, "-1", true, "0.0.0.0/0", null);
        applyChanges();
        Verdict reply2 = run(tcp(0.2, C, 5432, A, 40000, SYN_ACK));
        assertThat(reply2.stage()).isEqualTo(Stage.NACL_INGRESS);
        assertThat(on(reply2, "eni-c").accept()).isTrue();
        assertThat(on(reply2, "eni-a").accept()).isFalse();
        assertThat(on(reply2, "eni-a").ingress()).isTrue();
    }

    @Test
    void fl6_allowanceRefusalLogsRejectOnTheRefusingEni() {
        t.sg("sg-a").allOut();
        t.sg("sg-c").in("tcp", 5432, 5432, "10.0.1.0/24");
        t.eni("eni-c").maxTracked(1);
        run(tcp(0, A, 40000, C, 5432, SYN));

        Verdict v = run(tcp(0, A, 40001, C, 5432, SYN));
        assertThat(v.stage()).isEqualTo(Stage.CONNTRACK_ALLOWANCE);
        assertThat(on(v, "eni-a").accept()).isTrue();
        assertThat(on(v, "eni-c").accept()).isFalse();
    }

    @Test
    void fl6_secondaryAddressLoggedAsPrimaryPacketAddressesKept() {
        t.eni("eni-a").secondary("10.0.1.11");
        t.eni("eni-c").secondary("10.0.2.31");
        t.sg("sg-a").in("tcp", 22, 22, "0.0.0.0/0").allOut();
        t.sg("sg-c").in("tcp", 22, 22, "0.0.0.0/0");

        FlowObservation in = on(run(tcp(0, EXT, 40000, "10.0.1.11", 22, SYN)), "eni-a");
        assertThat(in.dstaddr()).isEqualTo(TestWorld.ip(A));
        assertThat(in.pktDstaddr()).isEqualTo(TestWorld.ip("10.0.1.11"));
        assertThat(in.srcaddr()).isEqualTo(TestWorld.ip(EXT));

        // From eni-a's secondary to eni-c's secondary: each ENI rewrites only its own address.
        Verdict v = run(tcp(1, "10.0.1.11", 40000, "10.0.2.31", 22, SYN));
        FlowObservation a = on(v, "eni-a");
        assertThat(a.srcaddr()).isEqualTo(TestWorld.ip(A));
        assertThat(a.dstaddr()).isEqualTo(TestWorld.ip("10.0.2.31"));
        FlowObservation c = on(v, "eni-c");
        assertThat(c.srcaddr()).isEqualTo(TestWorld.ip("10.0.1.11"));
        assertThat(c.dstaddr()).isEqualTo(TestWorld.ip(C));
        assertThat(c.pktSrcaddr()).isEqualTo(TestWorld.ip("10.0.1.11"));
        assertThat(c.pktDstaddr()).isEqualTo(TestWorld.ip("10.0.2.31"));
    }

    @Test
    void fl6_publicIpLoggedAsThePrivateAddressItMapsTo() {
        t.eni("eni-a").publicIp("54.0.0.1");
        t.sg("sg-a").in("tcp", 22, 22, "0.0.0.0/0");

        FlowObservation o = on(run(tcp(0, EXT, 40000, "54.0.0.1", 22, SYN)), "eni-a");
        assertThat(o.dstaddr()).isEqualTo(TestWorld.ip(A));
        assertThat(o.pktDstaddr()).isEqualTo(TestWorld.ip("54.0.0.1"));
    }

    @Test
    void fl6_tupleFlagsBytesAndTimeOfTheObservation() {
        t.sg("sg-a").allOut();
        FlowObservation o = on(run(Packet.tcp(s(12.5), A, 40000, EXT, 443, SYN, 1500)), "eni-a");
        assertThat(o.srcport()).isEqualTo(40000);
        assertThat(o.dstport()).isEqualTo(443);
        assertThat(o.protocol()).isEqualTo(6);
        assertThat(o.tcpFlags()).isEqualTo(SYN);
        assertThat(o.bytes()).isEqualTo(1500);
        assertThat(o.timeNanos()).isEqualTo(s(12.5));

        FlowObservation u = on(run(udp(13, A, 40000, EXT, 5000)), "eni-a");
        assertThat(u.tcpFlags()).isZero();
        assertThat(u.srcport()).isEqualTo(40000);
    }

    @Test
    void fl6_icmpRecordsCarryPortsZero() {
        t.sg("sg-a").allOut();
        FlowObservation o = on(run(echo(0, A, EXT, true, 4242)), "eni-a");
        assertThat(o.srcport()).isZero();
        assertThat(o.dstport()).isZero();
        assertThat(o.protocol()).isEqualTo(1);
        assertThat(o.tcpFlags()).isZero();
    }

    @Test
    void fl6_eniFieldsComeFromTheEniItsSubnetAndVpc() {
        t.eni("eni-a").instance("i-0123").owner("999988887777");
        t.eni("eni-c").owner(null);
        t.sg("sg-a").allOut();

        FlowLogEni a = on(run(udp(0, A, 1, EXT, 2)), "eni-a").eni();
        assertThat(a).isEqualTo(new FlowLogEni("eni-a", "999988887777", "vpc-1", "subnet-a", "i-0123", "us-east-1", "use1-az1"));
        FlowLogEni c = on(run(udp(0, EXT, 1, C, 2)), "eni-c").eni();
        assertThat(c.accountId()).as("no ENI owner: the VPC's").isEqualTo(TestWorld.ACCOUNT);
        assertThat(c.instanceId()).isNull();
        assertThat(c.azId()).isEqualTo("use1-az2");
    }

    @Test
    void fl6_regionSettingOverridesTheDerivedRegion() {
        settings = EvaluatorSettings.DEFAULT.withRegion("eu-west-3");
        t.sg("sg-a").allOut();
        assertThat(on(run(udp(0, A, 1, EXT, 2)), "eni-a").eni().region()).isEqualTo("eu-west-3");
    }

    @Test
    void fl6_regionIsTheAvailabilityZoneWithoutItsZoneLetter() {
        assertThat(AddressBook.regionOf("us-east-1a")).isEqualTo("us-east-1");
        assertThat(AddressBook.regionOf("ap-southeast-2c")).isEqualTo("ap-southeast-2");
        assertThat(AddressBook.regionOf("us-gov-west-1b")).isEqualTo("us-gov-west-1");
        assertThat(AddressBook.regionOf("us-west-2-lax-1a")).isEqualTo("us-west-2");
        assertThat(AddressBook.regionOf(null)).isNull();
    }

    @Test
    void fl6_skippedPacketsAreNotLogged() {
        Verdict v = run(tcp(0, A, 40000, "169.254.169.254", 80, SYN));
        assertThat(v.observations()).isEmpty();
    }
}
