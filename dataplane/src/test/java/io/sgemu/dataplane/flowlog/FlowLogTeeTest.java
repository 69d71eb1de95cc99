package io.sgemu.dataplane.flowlog;

import static io.sgemu.dataplane.flowlog.Observations.SYN;
import static io.sgemu.dataplane.flowlog.Observations.seconds;
import static io.sgemu.dataplane.flowlog.Observations.tcp;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FlowLogTeeTest {

    private static final FlowLogEni ENI = new FlowLogEni("eni-1", "123456789012", null, null, null, "us-east-1", null);

    @Test
    void everySinkHearsEveryRecordAndEveryIntervalCloseInTheSameOrder() {
        CollectingFlowLogSink a = new CollectingFlowLogSink();
        CollectingFlowLogSink b = new CollectingFlowLogSink();
        FlowLogAggregator agg = new FlowLogAggregator(60, FlowLogTee.of(a, null, b));
        for (int i = 0; i < 5; i++) {
            agg.observe(tcp(ENI, false, "10.0.0.5", 40_000 + i, "10.0.1.9", 80, SYN, 60, seconds(1_000_000L + 45L * i)));
        }
        agg.finish();
        assertThat(a.records).hasSize(5);
        assertThat(b.records).isEqualTo(a.records);
        assertThat(a.intervalEnds).isNotEmpty();
        assertThat(b.intervalEnds).isEqualTo(a.intervalEnds);
        assertThat(b.closedBefore).isEqualTo(a.closedBefore);
    }

    @Test
    void noSinkIsNullAndOneSinkIsItself() {
        CollectingFlowLogSink a = new CollectingFlowLogSink();
        assertThat(FlowLogTee.of()).isNull();
        assertThat(FlowLogTee.of(null, null)).isNull();
        assertThat(FlowLogTee.of(null, a)).isSameAs(a);
    }
}
