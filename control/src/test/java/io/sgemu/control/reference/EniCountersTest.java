package io.sgemu.control.reference;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The per-ENI counters that the replay summary prints. */
class EniCountersTest extends EvaluatorTestSupport {

    @Test
    void countersCountPacketsAndBytesPerStageOnTheEniOfTheStage() {
        t.sg("sg-a").allOut();
        t.sg("sg-c").in("tcp", 5432, 5432, "sg-a");

        run(Packet.tcp(s(0), A, 40000, C, 5432, SYN, 60));
        run(Packet.tcp(s(1), A, 40001, C, 80, SYN, 100));

        EniCounters a = counters("eni-a");
        assertThat(a.stage(Stage.SG_EGRESS)).isEqualTo(new EniCounters.StageCounts(2, 160, 0, 0));
        assertThat(a.stage(Stage.NACL_EGRESS)).isEqualTo(new EniCounters.StageCounts(2, 160, 0, 0));
        assertThat(a.stage(Stage.SG_INGRESS)).isEqualTo(EniCounters.StageCounts.ZERO);
        EniCounters c = counters("eni-c");
        assertThat(c.stage(Stage.NACL_INGRESS)).isEqualTo(new EniCounters.StageCounts(2, 160, 0, 0));
        assertThat(c.stage(Stage.SG_INGRESS)).isEqualTo(new EniCounters.StageCounts(1, 60, 1, 100));
    }

    @Test
    void countersListEveryEniOfTheWorldSortedById() {
        assertThat(ev().counters().keySet()).containsExactly("eni-a", "eni-b", "eni-c");
        assertThat(counters("eni-b").trackedConnections()).isZero();
        assertThat(counters("eni-b").conntrackAllowanceAvailable()).isEqualTo(-1);
    }

    @Test
    void countersOfAnEniThatLeftTheWorldStayButItsConnectionsGo() {
        t.sg("sg-a").in("tcp", 22, 22, "203.0.113.0/24");
        run(tcp(0, EXT, 40000, A, 22, SYN));
        t.removeEni("eni-a");
        applyChanges();

        EniCounters a = counters("eni-a");
        assertThat(a.acceptedPackets(Stage.SG_INGRESS)).isEqualTo(1);
        assertThat(a.trackedConnections()).isZero();
        // Back in the world: the connection did not survive the removal.
        t.eni("eni-a", "subnet-a", A, "sg-a");
        t.sg("sg-a").clearIn();
        applyChanges();
        assertThat(run(tcp(1, EXT, 40000, A, 22, ACK)).rejected()).isTrue();
    }
}
