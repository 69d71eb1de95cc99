package io.sgemu.dataplane.flowlog;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.FilterWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static io.sgemu.dataplane.flowlog.Observations.ACK;
import static io.sgemu.dataplane.flowlog.Observations.SYN;
import static io.sgemu.dataplane.flowlog.Observations.eni;
import static io.sgemu.dataplane.flowlog.Observations.seconds;
import static io.sgemu.dataplane.flowlog.Observations.tcp;
import static org.assertj.core.api.Assertions.assertThat;

class FlowLogTextWriterTest {

    private static final long T0 = 1_699_999_800L;

    @Test
    void fl6_textWriterWritesHeaderThenOneLinePerRecord() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FlowLogFormat format = FlowLogFormat.parse("${version} ${interface-id} ${srcport} ${packets} ${tcp-flags} ${log-status}");
        FlowLogTextWriter writer = FlowLogTextWriter.to(bytes, format);
        FlowLogAggregator agg = new FlowLogAggregator(60, writer);
        FlowLogEni a = eni("eni-aaaaaaaaaaaaaaaaa");
        agg.observe(tcp(a, false, "10.0.0.5", 40000, "10.0.1.9", 80, SYN, 60, seconds(T0 + 1)));
        agg.observe(tcp(a, false, "10.0.0.5", 40000, "10.0.1.9", 80, ACK, 52, seconds(T0 + 2)));
        agg.observe(tcp(a, false, "10.0.0.5", 40001, "10.0.1.9", 80, SYN, 60, seconds(T0 + 61)));
        agg.finish();
        writer.close();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("""
                version interface-id srcport packets tcp-flags log-status
                3 eni-aaaaaaaaaaaaaaaaa 40000 2 2 OK
                3 eni-aaaaaaaaaaaaaaaaa 40001 1 2 OK
                """);
        assertThat(writer.records()).isEqualTo(2);
    }

    @Test
    void fl6_textWriterFlushesAtEveryIntervalEnd_headerOptional() {
        AtomicInteger flushes = new AtomicInteger();
        StringWriter text = new StringWriter();
        Writer counting = new FilterWriter(text) {
            @Override
            public void flush() {
                flushes.incrementAndGet();
            }
        };
        FlowLogTextWriter writer = new FlowLogTextWriter(counting, FlowLogFormat.DEFAULT, false);
        FlowLogAggregator agg = new FlowLogAggregator(60, writer);
        FlowLogEni a = eni("eni-aaaaaaaaaaaaaaaaa");
        agg.observe(tcp(a, false, "10.0.0.5", 40000, "10.0.1.9", 80, SYN, 60, seconds(T0 + 1)));
        assertThat(flushes.get()).isZero();
        agg.advanceTo(seconds(T0 + 60));
        assertThat(flushes.get()).isEqualTo(1);
        assertThat(text.toString()).isEqualTo("2 123456789010 eni-aaaaaaaaaaaaaaaaa 10.0.0.5 10.0.1.9 40000 80 6 1 60 "
                + (T0 + 1) + " " + (T0 + 1) + " ACCEPT OK\n");
    }
}
