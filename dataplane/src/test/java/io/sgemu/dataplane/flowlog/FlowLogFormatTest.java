package io.sgemu.dataplane.flowlog;

import io.sgemu.dataplane.flowlog.FlowLogRecord.Action;
import io.sgemu.dataplane.flowlog.FlowLogRecord.FlowDirection;
import io.sgemu.dataplane.flowlog.FlowLogRecord.LogStatus;
import io.sgemu.dataplane.flowlog.FlowLogRecord.TrafficType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.sgemu.dataplane.flowlog.Observations.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlowLogFormatTest {

    private static final FlowLogEni ENI = new FlowLogEni("eni-1235b8ca123456789", "123456789010",
            "vpc-abcdefab012345678", "subnet-aaaaaaaa012345678", "i-01234567890123456", "us-east-1", "use1-az1");

    private static FlowLogRecord acceptedSsh() {
        return FlowLogRecord.builder().eni(ENI).srcaddr(ip("172.31.16.139")).dstaddr(ip("172.31.16.21"))
                .srcport(20641).dstport(22).protocol(6).packets(20).bytes(4249).start(1418530010).end(1418530070)
                .action(Action.ACCEPT).logStatus(LogStatus.OK).tcpFlags(19).type(TrafficType.IPV4)
                .pktSrcaddr(ip("172.31.16.139")).pktDstaddr(ip("172.31.16.21"))
                .flowDirection(FlowDirection.EGRESS).build();
    }

    @Test
    void fl6_defaultFormatIsVersion2FieldsInAwsOrder() {
        assertThat(FlowLogFormat.DEFAULT.header()).isEqualTo(
                "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status");
        assertThat(FlowLogFormat.DEFAULT.version()).isEqualTo(2);
        // the AWS documentation's first example record, built from its parts
        assertThat(FlowLogFormat.DEFAULT.format(acceptedSsh())).isEqualTo(
                "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK");
    }

    @ParameterizedTest(name = "{0} -> version {1}")
    @CsvSource(delimiter = '|', value = {
            "${srcaddr} ${dstaddr}|2",
            "${version} ${srcaddr} ${tcp-flags}|3",
            "${vpc-id} ${srcaddr} ${region}|4",
            "${srcaddr} ${az-id} ${sublocation-type} ${sublocation-id}|4",
            "${version} ${vpc-id} ${az-id} ${flow-direction}|5",
            "${traffic-path}|5",
            "${pkt-src-aws-service}|5",
            "${instance-id}|3",
    })
    void fl6_recordVersionIsHighestFieldVersion(String format, int version) {
        FlowLogFormat f = FlowLogFormat.parse(format);
        assertThat(f.version()).isEqualTo(version);
        if (f.fields().contains(FlowLogField.VERSION)) {
            // the version field prints the format's version, whatever the record
            int at = f.fields().indexOf(FlowLogField.VERSION);
            assertThat(f.format(acceptedSsh()).split(" ")[at]).isEqualTo(Integer.toString(version));
        }
    }

    @Test
    void fl6_fieldVersionsAreThoseOfTheAwsTable() {
        assertThat(FlowLogField.byName("log-status").version()).isEqualTo(2);
        assertThat(FlowLogField.byName("pkt-dstaddr").version()).isEqualTo(3);
        assertThat(FlowLogField.byName("type").version()).isEqualTo(3);
        assertThat(FlowLogField.byName("sublocation-id").version()).isEqualTo(4);
        assertThat(FlowLogField.byName("traffic-path").version()).isEqualTo(5);
        assertThat(FlowLogField.values()).hasSize(29);
    }

    @Test
    void fl6_unknownFieldIsNamedWithTheKnownFields() {
        assertThatThrownBy(() -> FlowLogFormat.parse("${srcaddr} ${dst-addr}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'dst-addr'")
                .hasMessageContaining("known fields: version account-id interface-id")
                .hasMessageContaining("traffic-path");
    }

    @Test
    void fl6_fieldsOfLaterVersionsAreRejectedAsUnsupported() {
        assertThatThrownBy(() -> FlowLogFormat.parse("${srcaddr} ${ecs-task-id}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'ecs-task-id'")
                .hasMessageContaining("after 5");
        assertThatThrownBy(() -> FlowLogFormat.parse("${reject-reason}"))
                .hasMessageContaining("'reject-reason'");
    }

    @Test
    void fl6_malformedFormatsAreRejectedClearly() {
        assertThatThrownBy(() -> FlowLogFormat.parse("${srcaddr} dstaddr"))
                .hasMessageContaining("'dstaddr' is not of the form ${field}");
        assertThatThrownBy(() -> FlowLogFormat.parse("  "))
                .hasMessageContaining("at least one field");
        assertThatThrownBy(() -> FlowLogFormat.parse("${srcaddr} ${srcaddr}"))
                .hasMessageContaining("'srcaddr' appears twice");
    }

    @Test
    void fl6_headerLineNamesFields() {
        FlowLogFormat f = FlowLogFormat.parse("${version} ${vpc-id} ${pkt-srcaddr} ${flow-direction} ${log-status}");
        assertThat(f.header()).isEqualTo("version vpc-id pkt-srcaddr flow-direction log-status");
        assertThat(FlowLogFormat.fromHeader(f.header())).isEqualTo(f);
        assertThat(FlowLogFormat.parse(f.awsSyntax())).isEqualTo(f);
    }

    @Test
    void fl6_missingFieldIsDash() {
        FlowLogFormat f = FlowLogFormat.parse("${srcport} ${tcp-flags} ${pkt-src-aws-service} ${traffic-path}"
                + " ${sublocation-type} ${action} ${flow-direction} ${srcaddr} ${packets} ${type}");
        FlowLogRecord bare = FlowLogRecord.builder().build();
        assertThat(f.format(bare)).isEqualTo("- - - - - - - - - -");
        // an ENI with no instance (requester-managed, e.g. a NAT gateway) prints '-' for instance-id
        FlowLogEni natGw = new FlowLogEni("eni-1235b8ca123456789", "123456789010", null, null, null, null, null);
        FlowLogFormat g = FlowLogFormat.parse("${instance-id} ${interface-id} ${vpc-id} ${region} ${az-id}");
        assertThat(g.format(FlowLogRecord.builder().eni(natGw).build())).isEqualTo("- eni-1235b8ca123456789 - - -");
    }

    @Test
    void fl6_statusRecordsPrintAsAwsSkipDataForm() {
        FlowLogEni eni = new FlowLogEni("eni-11111111aaaaaaaaa", "123456789010", null, null, null, null, null);
        FlowLogRecord skip = FlowLogRecord.status(eni, LogStatus.SKIPDATA, 1431280876, 1431280934);
        assertThat(FlowLogFormat.DEFAULT.format(skip))
                .isEqualTo("2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA");
        assertThatThrownBy(() -> FlowLogRecord.status(eni, LogStatus.OK, 1, 2))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fl6_v5FieldsPrintAsAws() {
        FlowLogFormat f = FlowLogFormat.parse("${version} ${type} ${pkt-dstaddr} ${pkt-dst-aws-service}"
                + " ${traffic-path} ${flow-direction} ${tcp-flags}");
        FlowLogRecord r = acceptedSsh().toBuilder().pktDstaddr(ip("52.95.128.179")).pktDstAwsService("S3")
                .trafficPath(8).tcpFlags(3).build();
        assertThat(f.format(r)).isEqualTo("5 IPv4 52.95.128.179 S3 8 egress 3");
        FlowLogRecord v6 = r.toBuilder().type(TrafficType.IPV6).pktDstaddr(ip("2001:db8:1234:a102:3304:8879:34cf:4071"))
                .flowDirection(FlowDirection.INGRESS).trafficPath(FlowLogRecord.ABSENT).build();
        assertThat(f.format(v6)).isEqualTo("5 IPv6 2001:db8:1234:a102:3304:8879:34cf:4071 S3 - ingress 3");
    }
}
