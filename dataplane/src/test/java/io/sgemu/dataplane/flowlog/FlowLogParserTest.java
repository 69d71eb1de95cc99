package io.sgemu.dataplane.flowlog;

import io.sgemu.dataplane.flowlog.FlowLogRecord.Action;
import io.sgemu.dataplane.flowlog.FlowLogRecord.FlowDirection;
import io.sgemu.dataplane.flowlog.FlowLogRecord.LogStatus;
import io.sgemu.dataplane.flowlog.FlowLogRecord.TrafficType;
import io.sgemu.dataplane.net.IpAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

import static io.sgemu.dataplane.flowlog.Observations.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlowLogParserTest {

    static LongStream seeds() {
        return LongStream.range(0, 30).map(i -> 0xF10_0000L + 104_729 * i);
    }

    private static String pick(SplittableRandom rnd, String... options) {
        return options[rnd.nextInt(options.length)];
    }

    private static IpAddress address(SplittableRandom rnd) {
        if (rnd.nextInt(4) == 0) {
            return null;
        }
        return rnd.nextBoolean() ? IpAddress.v4(rnd.nextInt()) : IpAddress.v6(rnd.nextLong(), rnd.nextLong() & 0xFFFF);
    }

    private static int number(SplittableRandom rnd, int bound) {
        return rnd.nextInt(5) == 0 ? FlowLogRecord.ABSENT : rnd.nextInt(bound);
    }

    private static FlowLogRecord randomRecord(SplittableRandom rnd) {
        FlowLogEni eni = rnd.nextInt(6) == 0 ? null : new FlowLogEni(
                pick(rnd, "eni-1235b8ca123456789", null), pick(rnd, "123456789010", "unknown", null),
                pick(rnd, "vpc-abcdefab012345678", null), pick(rnd, "subnet-aaaaaaaa012345678", null),
                pick(rnd, "i-01234567890123456", null), pick(rnd, "ap-southeast-2", null), pick(rnd, "apse2-az3", null));
        return FlowLogRecord.builder()
                .eni(eni)
                .srcaddr(address(rnd)).dstaddr(address(rnd))
                .srcport(number(rnd, 65536)).dstport(number(rnd, 65536)).protocol(number(rnd, 256))
                .packets(rnd.nextInt(5) == 0 ? FlowLogRecord.ABSENT : rnd.nextLong(1L << 40))
                .bytes(rnd.nextInt(5) == 0 ? FlowLogRecord.ABSENT : rnd.nextLong(1L << 50))
                .start(rnd.nextLong(1L << 33)).end(rnd.nextLong(1L << 33))
                .action(rnd.nextInt(3) == 0 ? null : Action.values()[rnd.nextInt(2)])
                .logStatus(LogStatus.values()[rnd.nextInt(3)])
                .tcpFlags(number(rnd, 32))
                .type(rnd.nextInt(4) == 0 ? null : TrafficType.values()[rnd.nextInt(3)])
                .pktSrcaddr(address(rnd)).pktDstaddr(address(rnd))
                .sublocationType(pick(rnd, null, "outpost", "wavelength", "localzone"))
                .sublocationId(pick(rnd, null, "op-0123456789abcdef0"))
                .pktSrcAwsService(pick(rnd, null, "S3", "AMAZON", "EC2"))
                .pktDstAwsService(pick(rnd, null, "S3", "ROUTE53"))
                .flowDirection(rnd.nextInt(3) == 0 ? null : FlowDirection.values()[rnd.nextInt(2)])
                .trafficPath(rnd.nextInt(3) == 0 ? FlowLogRecord.ABSENT : 1 + rnd.nextInt(8))
                .build();
    }

    private static FlowLogFormat randomFormat(SplittableRandom rnd) {
        List<FlowLogField> all = new ArrayList<>(Arrays.asList(FlowLogField.values()));
        for (int i = all.size() - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            all.set(i, all.set(j, all.get(i)));
        }
        return FlowLogFormat.of(all.subList(0, 1 + rnd.nextInt(all.size())).toArray(new FlowLogField[0]));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void fl6_parsedLinesFormatBackToTheSameLine(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < 50; i++) {
            FlowLogFormat format = randomFormat(rnd);
            FlowLogParser parser = rnd.nextBoolean() ? new FlowLogParser(format) : FlowLogParser.forHeader(format.header());
            FlowLogRecord r = randomRecord(rnd);
            String line = format.format(r);
            FlowLogLine parsed = parser.parse(line);
            assertThat(String.join(" ", parsed.values())).as("seed %d", seed).isEqualTo(line);
            assertThat(format.format(parsed.toRecord())).as("seed %d: %s", seed, format).isEqualTo(line);
            // with every field in the format, the record itself comes back
            FlowLogFormat full = FlowLogFormat.of(FlowLogField.values());
            FlowLogRecord back = new FlowLogParser(full).parse(full.format(r)).toRecord();
            assertThat(back).as("seed %d", seed).isEqualTo(normalised(r));
        }
    }

    /** What a printed record can say: an ENI of only nulls prints as no ENI at all. */
    private static FlowLogRecord normalised(FlowLogRecord r) {
        FlowLogEni e = r.eni();
        boolean empty = e == null || (e.interfaceId() == null && e.accountId() == null && e.vpcId() == null
                && e.subnetId() == null && e.instanceId() == null && e.region() == null && e.azId() == null);
        return empty ? r.toBuilder().eni(null).build() : r;
    }

    @Test
    void fl6_parserGivesFieldValuesByName() {
        FlowLogParser p = new FlowLogParser(FlowLogFormat.DEFAULT);
        FlowLogLine line = p.parse(
                "2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK");
        assertThat(line.get(FlowLogField.DSTPORT)).isEqualTo("3389");
        assertThat(line.get(FlowLogField.ACTION)).isEqualTo("REJECT");
        assertThat(line.get(FlowLogField.VPC_ID)).isNull();
        FlowLogRecord r = line.toRecord();
        assertThat(r.srcaddr()).isEqualTo(ip("172.31.9.69"));
        assertThat(r.action()).isEqualTo(Action.REJECT);
        assertThat(r.eni().interfaceId()).isEqualTo("eni-1235b8ca123456789");
        assertThat(r.eni().vpcId()).isNull();
        assertThat(r.packets()).isEqualTo(20);
    }

    @Test
    void fl6_parserRejectsWrongFieldCountsAndValues() {
        FlowLogParser p = new FlowLogParser(FlowLogFormat.parse("${srcaddr} ${srcport} ${action}"));
        assertThatThrownBy(() -> p.parse("10.0.0.1 80"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 fields but the format has 3");
        assertThatThrownBy(() -> p.parse("10.0.0.1 http ACCEPT").toRecord())
                .hasMessageContaining("srcport 'http'");
        assertThatThrownBy(() -> p.parse("10.0.0.1 70000 ACCEPT").toRecord())
                .hasMessageContaining("srcport '70000'");
        assertThatThrownBy(() -> p.parse("10.0.0.300 80 ACCEPT").toRecord())
                .hasMessageContaining("srcaddr '10.0.0.300' is not an IP address");
        assertThatThrownBy(() -> p.parse("10.0.0.1 80 ALLOW").toRecord())
                .hasMessageContaining("action 'ALLOW'");
    }

    @Test
    void fl6_parserSplitsOnRunsOfSpaces_formatWritesSingleSpaces() {
        FlowLogParser p = new FlowLogParser(FlowLogFormat.parse("${srcport} ${dstport} ${pkt-srcaddr}"));
        FlowLogLine line = p.parse("5001 43638  10.0.0.62");
        assertThat(line.values()).containsExactly("5001", "43638", "10.0.0.62");
        assertThat(p.format().format(line.toRecord())).isEqualTo("5001 43638 10.0.0.62");
    }

    @Test
    void fl6_readAllTakesTheHeaderLineOrTheGivenFormat() throws IOException {
        String withHeader = "instance-id interface-id srcaddr\n- eni-1235b8ca123456789 10.0.1.5\n\n"
                + "i-01234567890123456 eni-1111aaaa2222bbbb3 203.0.113.5\n";
        List<FlowLogLine> lines = FlowLogParser.readAll(new StringReader(withHeader), FlowLogFormat.DEFAULT);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).format().header()).isEqualTo("instance-id interface-id srcaddr");
        assertThat(lines.get(1).toRecord().eni().instanceId()).isEqualTo("i-01234567890123456");
        assertThat(lines.get(0).toRecord().eni().instanceId()).isNull();

        String noHeader = "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA\n";
        List<FlowLogLine> v2 = FlowLogParser.readAll(new StringReader(noHeader), FlowLogFormat.DEFAULT);
        assertThat(v2.get(0).toRecord().logStatus()).isEqualTo(LogStatus.NODATA);

        assertThatThrownBy(() -> FlowLogParser.readAll(new StringReader("srcaddr dstaddr\n10.0.0.1 10.0.0.2\n10.0.0.1\n"),
                FlowLogFormat.DEFAULT)).hasMessageStartingWith("flow-log line 3:");
        assertThat(FlowLogParser.isHeader("version account-id")).isTrue();
        assertThat(FlowLogParser.isHeader("2 123456789010")).isFalse();
    }
}
