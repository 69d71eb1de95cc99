package io.sgemu.dataplane.flowlog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;

import static io.sgemu.dataplane.flowlog.Observations.SYN;
import static io.sgemu.dataplane.flowlog.Observations.seconds;
import static io.sgemu.dataplane.flowlog.Observations.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class S3LayoutWriterTest {

    /** 2018-06-20T16:20:00Z, the time of AWS's example file name. */
    private static final long T1620 = 1_529_511_600L;

    private static final FlowLogEni ENI = new FlowLogEni("eni-1235b8ca123456789", "123456789012",
            "vpc-abcdefab012345678", null, null, "us-east-1", null);

    @TempDir
    Path root;

    private static String gunzip(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void fl6_s3LayoutPathAndGzip() throws IOException {
        S3LayoutWriter writer = new S3LayoutWriter(root, FlowLogFormat.DEFAULT, "fl-1234abcd", "999999999999", "eu-west-1");
        FlowLogAggregator agg = new FlowLogAggregator(60, writer);
        // end times 16:20:00 .. 16:24:59 share a file; 16:25:00 starts the next
        agg.observe(tcp(ENI, false, "10.0.0.5", 40000, "10.0.1.9", 80, SYN, 60, seconds(T1620)));
        agg.observe(tcp(ENI, false, "10.0.0.5", 40001, "10.0.1.9", 80, SYN, 60, seconds(T1620 + 299)));
        agg.observe(tcp(ENI, false, "10.0.0.5", 40002, "10.0.1.9", 80, SYN, 60, seconds(T1620 + 300)));
        assertThat(writer.writtenFiles()).as("the 16:20 window is written once the clock passes 16:25").hasSize(1);
        agg.finish();
        writer.close();

        List<Path> files = writer.writtenFiles();
        assertThat(files).hasSize(2);
        String first = root.relativize(files.get(0)).toString().replace('\\', '/');
        assertThat(first).matches("AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/06/20/"
                + "123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_[0-9a-f]{8}\\.log\\.gz");
        assertThat(root.relativize(files.get(1)).toString().replace('\\', '/')).contains("_20180620T1625Z_");

        String content = gunzip(files.get(0));
        assertThat(content.lines().toList()).containsExactly(
                FlowLogFormat.DEFAULT.header(),
                "2 123456789012 eni-1235b8ca123456789 10.0.0.5 10.0.1.9 40000 80 6 1 60 1529511600 1529511600 ACCEPT OK",
                "2 123456789012 eni-1235b8ca123456789 10.0.0.5 10.0.1.9 40001 80 6 1 60 1529511899 1529511899 ACCEPT OK");
        CRC32 crc = new CRC32();
        crc.update(content.getBytes(StandardCharsets.UTF_8));
        assertThat(first).endsWith("_" + String.format("%08x", crc.getValue()) + ".log.gz");
        try (Stream<Path> all = Files.walk(root)) {
            assertThat(all.filter(Files::isRegularFile).count()).isEqualTo(2);
        }
    }

    @Test
    void fl6_s3ObjectsPerAccountAndRegion_defaultsForEnisWithout() throws IOException {
        S3LayoutWriter writer = new S3LayoutWriter(root, FlowLogFormat.DEFAULT, "fl-1", "111111111111", "eu-west-1");
        writer.accept(FlowLogRecord.status(ENI, FlowLogRecord.LogStatus.NODATA, T1620, T1620 + 59));
        FlowLogEni bare = new FlowLogEni("eni-2", null, null, null, null, null, null);
        writer.accept(FlowLogRecord.status(bare, FlowLogRecord.LogStatus.NODATA, T1620, T1620 + 59));
        writer.close();
        assertThat(writer.writtenFiles()).extracting(p -> root.relativize(p).getName(1).toString())
                .containsExactly("111111111111", "123456789012");
        assertThat(root.relativize(writer.writtenFiles().get(0)).toString().replace('\\', '/'))
                .startsWith("AWSLogs/111111111111/vpcflowlogs/eu-west-1/2018/06/20/111111111111_vpcflowlogs_eu-west-1_fl-1_");
        assertThat(gunzip(writer.writtenFiles().get(0))).endsWith(" - NODATA\n");
    }

    @Test
    void fl6_s3SameRecordsGiveSameObject() throws IOException {
        Path other = Files.createDirectory(root.resolve("other"));
        Path mine = Files.createDirectory(root.resolve("mine"));
        byte[][] contents = new byte[2][];
        String[] names = new String[2];
        int i = 0;
        for (Path dir : List.of(mine, other)) {
            S3LayoutWriter writer = new S3LayoutWriter(dir, FlowLogFormat.DEFAULT, "fl-1", "111111111111", "eu-west-1");
            writer.accept(FlowLogRecord.status(ENI, FlowLogRecord.LogStatus.SKIPDATA, T1620 + 7, T1620 + 9));
            writer.close();
            contents[i] = Files.readAllBytes(writer.writtenFiles().get(0));
            names[i++] = writer.writtenFiles().get(0).getFileName().toString();
        }
        assertThat(names[0]).isEqualTo(names[1]);
        assertThat(contents[0]).isEqualTo(contents[1]);
    }

    @Test
    void fl6_s3UnsafePathPartsRejected() {
        assertThatThrownBy(() -> new S3LayoutWriter(root, FlowLogFormat.DEFAULT, "../x", "1", "r"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("flow-log id '../x'");
        S3LayoutWriter writer = new S3LayoutWriter(root, FlowLogFormat.DEFAULT, "fl-1", "1", "r");
        FlowLogEni evil = new FlowLogEni("eni-1", "1/../../etc", null, null, null, null, null);
        assertThatThrownBy(() -> writer.accept(FlowLogRecord.status(evil, FlowLogRecord.LogStatus.NODATA, 0, 1)))
                .hasMessageContaining("account '1/../../etc'");
    }
}
