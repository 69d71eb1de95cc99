package io.sgemu.control.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.dataplane.flowlog.FlowLogEni;
import io.sgemu.dataplane.flowlog.FlowLogRecord;
import io.sgemu.dataplane.net.IpAddress;
import org.junit.jupiter.api.Test;

/** The busiest flows kept from flow-log records: ranks, the bound on flows, the window of intervals. */
class TopTalkersTest {

    private static final FlowLogEni ENI = new FlowLogEni("eni-1", "123456789012", "vpc-1", "subnet-1", null, null, null);

    private static FlowLogRecord record(int srcport, long packets, FlowLogRecord.Action action) {
        return FlowLogRecord.builder().eni(ENI).srcaddr(IpAddress.parse("10.0.0.1")).dstaddr(IpAddress.parse("10.0.0.2"))
                .srcport(srcport).dstport(80).protocol(6).packets(packets).bytes(packets * 100).start(0).end(60)
                .action(action).logStatus(FlowLogRecord.LogStatus.OK).build();
    }

    @Test
    void ranksByPacketsAcrossIntervals_separatingAcceptedAndRejected() {
        TopTalkers top = new TopTalkers(100, 100, 3);
        top.accept(record(1, 5, FlowLogRecord.Action.ACCEPT));
        top.accept(record(2, 7, FlowLogRecord.Action.ACCEPT));
        top.accept(record(3, 1, FlowLogRecord.Action.REJECT));
        top.intervalClosed(60);
        top.accept(record(1, 5, FlowLogRecord.Action.ACCEPT)); // 10 in all: now ahead of port 2

        TopTalkers.Top t = top.top(10);

        assertThat(t.accepted()).extracting(x -> x.flow().srcport()).containsExactly(1, 2);
        assertThat(t.accepted().get(0).packets()).isEqualTo(10);
        assertThat(t.accepted().get(0).bytes()).isEqualTo(1000);
        assertThat(t.rejected()).extracting(x -> x.flow().srcport()).containsExactly(3);
        assertThat(top.top(1).accepted()).hasSize(1);
    }

    @Test
    void forgetsIntervalsBeyondTheWindow_andCountsFlowsBeyondTheBound() {
        TopTalkers top = new TopTalkers(2, 100, 2);
        top.accept(record(1, 1, FlowLogRecord.Action.ACCEPT));
        top.intervalClosed(60);
        top.accept(record(2, 1, FlowLogRecord.Action.ACCEPT));
        top.intervalClosed(120);
        top.accept(record(3, 1, FlowLogRecord.Action.ACCEPT));
        top.accept(record(4, 1, FlowLogRecord.Action.ACCEPT));
        top.accept(record(5, 1, FlowLogRecord.Action.ACCEPT)); // a third flow in the open interval: not kept
        top.intervalClosed(180);

        TopTalkers.Top t = top.top(10);

        assertThat(t.accepted()).extracting(x -> x.flow().srcport()).containsExactlyInAnyOrder(2, 3, 4);
        assertThat(t.untracked()).isEqualTo(1);
        assertThat(t.intervals()).isEqualTo(2);
    }

    @Test
    void aClosedIntervalKeepsOnlyItsBusiestFlows() {
        TopTalkers top = new TopTalkers(100, 1, 3);
        top.accept(record(1, 3, FlowLogRecord.Action.ACCEPT));
        top.accept(record(2, 9, FlowLogRecord.Action.ACCEPT));
        top.accept(record(3, 1, FlowLogRecord.Action.REJECT));
        top.intervalClosed(60);
        TopTalkers.Top t = top.top(10);
        assertThat(t.accepted()).extracting(x -> x.flow().srcport()).containsExactly(2);
        assertThat(t.rejected()).extracting(x -> x.flow().srcport()).containsExactly(3);
    }
}
