package io.sgemu.control.flowreplay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sgemu.control.model.World;
import io.sgemu.dataplane.flowlog.FlowLogField;
import io.sgemu.dataplane.flowlog.FlowLogFormat;
import io.sgemu.dataplane.flowlog.FlowLogLine;
import io.sgemu.dataplane.flowlog.FlowLogParser;
import io.sgemu.dataplane.flowlog.FlowLogRecord;
import io.sgemu.dataplane.net.IpAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Second layer: every flow-log file of the shared test data ({@code $SGEMU_SHARED_DATA/flowlogs}) either
 * replays without error against an allow-all world owning its addresses, making exactly the packets of
 * its records (NODATA/SKIPDATA and second loggings left out), or, when its format lacks a field packets
 * are made of, is refused naming exactly the missing fields.
 */
class SharedFlowLogsTest {

    static Path flowLogs() {
        String dir = System.getenv("SGEMU_SHARED_DATA");
        Assumptions.assumeTrue(dir != null && !dir.isBlank(), "SGEMU_SHARED_DATA is not set");
        Path p = Path.of(dir, "flowlogs");
        assertThat(p).as("SGEMU_SHARED_DATA has a flowlogs folder").isDirectory();
        return p;
    }

    static List<Path> files() throws IOException {
        try (Stream<Path> s = Files.walk(flowLogs())) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().endsWith(".md")).sorted()
                    .toList();
        }
    }

    static Reader open(Path p) throws IOException {
        InputStream in = Files.newInputStream(p);
        byte[] head = Files.readAllBytes(p);
        if (head.length > 1 && (head[0] & 0xFF) == 0x1F && (head[1] & 0xFF) == 0x8B) {
            in = new GZIPInputStream(in);
        }
        return new InputStreamReader(in, StandardCharsets.UTF_8);
    }

    static FlowLogFormat format(Path p) throws IOException {
        try (Reader r = open(p)) {
            String first = new java.io.BufferedReader(r).lines().filter(l -> !l.isBlank()).findFirst().orElse("");
            return FlowLogParser.isHeader(first) ? FlowLogFormat.fromHeader(first) : FlowLogFormat.DEFAULT;
        }
    }

    @Test
    void everySharedFlowLogReplaysOrIsRefusedNamingTheMissingFields() throws IOException {
        List<Path> files = files();
        assertThat(files).as("shared flow logs").isNotEmpty();
        int replayed = 0;
        for (Path file : files) {
            List<FlowLogLine> lines;
            try (Reader r = open(file)) {
                lines = FlowLogParser.readAll(r, FlowLogFormat.DEFAULT);
            }
            assertThat(lines).as(file + " parses").isNotEmpty();
            FlowLogFormat format = format(file);
            List<String> missing = FlowLogFileReader.REQUIRED.stream().filter(f -> !format.fields().contains(f))
                    .map(FlowLogField::awsName).toList();
            if (!missing.isEmpty()) {
                assertThatThrownBy(() -> FlowLogFrameSource.open(List.of(file), true)).as(file.toString())
                        .isInstanceOf(FlowLogInputException.class).hasMessageStartingWith(file + ":1: ")
                        .hasMessageContaining(String.join(", ", missing));
                continue;
            }
            // The packets to expect, from the records as the dataplane's own parser reads them.
            Set<IpAddress> addresses = new LinkedHashSet<>();
            Map<List<Object>, String> firstInterface = new HashMap<>();
            long packets = 0;
            for (FlowLogLine l : lines) {
                FlowLogRecord rec = l.toRecord();
                if (rec.logStatus() != FlowLogRecord.LogStatus.OK) {
                    continue;
                }
                IpAddress src = Objects.requireNonNullElse(rec.pktSrcaddr(), rec.srcaddr());
                IpAddress dst = Objects.requireNonNullElse(rec.pktDstaddr(), rec.dstaddr());
                addresses.add(src);
                addresses.add(dst);
                List<Object> key = List.of(src, dst, rec.srcport(), rec.dstport(), rec.protocol(), rec.start(),
                        rec.end(), rec.packets(), rec.bytes());
                String iface = rec.eni() == null ? null : rec.eni().interfaceId();
                String first = firstInterface.putIfAbsent(key, iface == null ? "" : iface);
                boolean duplicate = first != null && iface != null && !first.isEmpty() && !first.equals(iface);
                if (!duplicate) {
                    packets += rec.packets();
                }
            }
            World world = AllowAllWorld.of(new ArrayList<>(addresses));
            for (Replays.Engine engine : Replays.ENGINES) {
                try (FlowLogFrameSource source = FlowLogFrameSource.open(List.of(file), true)) {
                    Replays.Outcome o = Replays.run(engine, world, source, FlowLogFormat.DEFAULT, 600);
                    String what = file + ", " + engine;
                    assertThat(source.stats().badLines()).as(what).isZero();
                    assertThat(o.result().captureError).as(what).isNull();
                    assertThat(o.result().frames).as(what + ": frames").isEqualTo(packets);
                    assertThat(o.result().accepted).as(what + ": all accepted by an allow-all world")
                            .isEqualTo(packets);
                }
            }
            replayed++;
        }
        assertThat(replayed).as("some shared flow logs have every field packets need").isPositive();
    }
}
