package io.sgemu.control.flowreplay;

import io.sgemu.dataplane.flowlog.FlowLogField;
import io.sgemu.dataplane.flowlog.FlowLogFormat;
import io.sgemu.dataplane.flowlog.FlowLogLine;
import io.sgemu.dataplane.flowlog.FlowLogParser;
import io.sgemu.dataplane.flowlog.FlowLogRecord;
import io.sgemu.dataplane.net.IpAddress;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

/**
 * Reads one flow-log file into a {@link FlowRecordTable}: plain text or gzip (told by the magic bytes 1f 8b,
 * not by the name), in the version 2 default format or in the format its header line gives. A header line
 * further down (S3 objects concatenated) switches the format for the lines after it.
 */
final class FlowLogFileReader {

    /** The fields a packet is made of; a format without one of them cannot be replayed. */
    static final List<FlowLogField> REQUIRED = List.of(FlowLogField.SRCADDR, FlowLogField.DSTADDR,
            FlowLogField.SRCPORT, FlowLogField.DSTPORT, FlowLogField.PROTOCOL, FlowLogField.PACKETS,
            FlowLogField.BYTES, FlowLogField.START, FlowLogField.END);

    private final FlowRecordTable table;
    private final FlowLogInputStats stats;
    private final Map<String, Integer> interfaces = new HashMap<>();

    FlowLogFileReader(FlowRecordTable table, FlowLogInputStats stats) {
        this.table = table;
        this.stats = stats;
    }

    /**
     * Reads the file's records into the table.
     *
     * @return null, or the message of a read error after which the rest of the file was lost (a gzip stream
     *         cut short or corrupt): the records before it are in the table
     * @throws FlowLogInputException when the file cannot be replayed at all
     */
    String read(Path file) throws FlowLogInputException {
        if (!Files.exists(file)) {
            throw new FlowLogInputException(file + ": no such flow-log file");
        }
        if (Files.isDirectory(file) || !Files.isReadable(file)) {
            throw new FlowLogInputException(file + ": cannot read the flow-log file");
        }
        stats.files++;
        int number = 0;
        try (InputStream in = open(file);
             BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
            FlowLogParser parser = null;
            String line;
            while (true) {
                try {
                    line = lines.readLine();
                } catch (IOException e) {
                    return file + ": read error after line " + number + " (" + e.getMessage()
                            + "); the records before it are replayed";
                }
                if (line == null) {
                    break;
                }
                number++;
                if (line.isBlank()) {
                    continue;
                }
                if (isHeader(line)) {
                    parser = new FlowLogParser(headerFormat(file, number, line));
                    continue;
                }
                if (parser == null) {
                    firstRecord(file, number, line);
                    parser = new FlowLogParser(FlowLogFormat.DEFAULT);
                }
                record(file, number, parser, line);
            }
        } catch (FlowLogInputException e) {
            throw e;
        } catch (IOException e) {
            throw new FlowLogInputException(file + ": cannot read the flow-log file: " + e.getMessage(), e);
        }
        return null;
    }

    /** Every field name: a line whose first word is one of them is a header (no field's value is a name). */
    private static final Set<String> FIELD_NAMES = Arrays.stream(FlowLogField.values()).map(FlowLogField::awsName)
            .collect(Collectors.toUnmodifiableSet());

    /** As {@link FlowLogParser#isHeader}, without an exception per record line (it costs more than the line). */
    static boolean isHeader(String line) {
        int from = 0;
        while (from < line.length() && Character.isWhitespace(line.charAt(from))) {
            from++;
        }
        int to = from;
        while (to < line.length() && !Character.isWhitespace(line.charAt(to))) {
            to++;
        }
        return FIELD_NAMES.contains(line.substring(from, to));
    }

    private static InputStream open(Path file) throws IOException {
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1F && b1 == 0x8B) {
            return new GZIPInputStream(in, 1 << 16);
        }
        return in;
    }

    private static FlowLogFormat headerFormat(Path file, int number, String line) throws FlowLogInputException {
        FlowLogFormat format;
        try {
            format = FlowLogFormat.fromHeader(line);
        } catch (IllegalArgumentException e) {
            throw new FlowLogInputException(file + ":" + number + ": bad flow-log header line: " + e.getMessage(), e);
        }
        List<String> missing = new ArrayList<>();
        for (FlowLogField f : REQUIRED) {
            if (!format.fields().contains(f)) {
                missing.add(f.awsName());
            }
        }
        if (!missing.isEmpty()) {
            throw new FlowLogInputException(file + ":" + number + ": the flow-log format lacks the field"
                    + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing)
                    + ", which replay needs to make packets (format: " + format.header() + ")");
        }
        return format;
    }

    /** A file without a header must start with a version 2 default-format record. */
    private static void firstRecord(Path file, int number, String line) throws FlowLogInputException {
        try {
            FlowLogLine parsed = new FlowLogParser(FlowLogFormat.DEFAULT).parse(line);
            if (!"2".equals(parsed.get(FlowLogField.VERSION))) {
                throw new IllegalArgumentException("version '" + parsed.get(FlowLogField.VERSION) + "' is not 2");
            }
            parsed.toRecord();
        } catch (IllegalArgumentException e) {
            throw new FlowLogInputException(file + ":" + number + ": neither a flow-log header line nor a record of "
                    + "the version 2 default format: " + e.getMessage(), e);
        }
    }

    private void record(Path file, int number, FlowLogParser parser, String line) {
        FlowLogRecord r;
        try {
            r = parse(parser.format(), line).toRecord();
        } catch (IllegalArgumentException e) {
            stats.badLine(file + ":" + number, e.getMessage());
            return;
        }
        switch (r.logStatus()) {
            case NODATA -> {
                stats.records++;
                stats.noData++;
                return;
            }
            case SKIPDATA -> {
                stats.records++;
                stats.skipData++;
                return;
            }
            default -> {
            }
        }
        String problem = check(r);
        IpAddress src = r.pktSrcaddr() != null ? r.pktSrcaddr() : r.srcaddr();
        IpAddress dst = r.pktDstaddr() != null ? r.pktDstaddr() : r.dstaddr();
        if (problem == null && src.family() != dst.family()) {
            problem = "source " + src + " and destination " + dst + " differ in family";
        }
        if (problem != null) {
            stats.badLine(file + ":" + number, problem);
            return;
        }
        stats.records++;
        int iface = FlowRecordTable.NO_INTERFACE;
        if (r.eni() != null && r.eni().interfaceId() != null) {
            iface = interfaces.computeIfAbsent(r.eni().interfaceId(), k -> interfaces.size());
        }
        table.add(src, dst, r.srcport(), r.dstport(), r.protocol(), r.tcpFlags(), r.packets(), r.bytes(), r.start(),
                r.end(), iface);
    }

    /**
     * As {@link FlowLogParser#parse} (fields split on runs of whitespace), without a regular expression per
     * line: a flow log has millions of lines.
     */
    static FlowLogLine parse(FlowLogFormat format, String line) {
        List<String> values = new ArrayList<>(format.fields().size());
        int n = line.length();
        int i = 0;
        while (i < n) {
            while (i < n && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            int from = i;
            while (i < n && !Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i > from) {
                values.add(line.substring(from, i));
            }
        }
        if (values.size() != format.fields().size()) {
            throw new IllegalArgumentException("the line has " + values.size() + " fields but the format has "
                    + format.fields().size() + " (" + format.header() + ")");
        }
        return new FlowLogLine(format, values);
    }

    /** What makes a record with status OK unusable, or null. */
    private static String check(FlowLogRecord r) {
        if (r.srcaddr() == null) {
            return "srcaddr is '-'";
        }
        if (r.dstaddr() == null) {
            return "dstaddr is '-'";
        }
        if (r.srcport() < 0 || r.dstport() < 0) {
            return "srcport/dstport is '-'";
        }
        if (r.protocol() < 0) {
            return "protocol is '-'";
        }
        if (r.packets() < 0 || r.bytes() < 0) {
            return "packets/bytes is '-'";
        }
        if (r.start() < 0 || r.end() < 0) {
            return "start/end is '-'";
        }
        if (r.end() < r.start()) {
            return "end " + r.end() + " is before start " + r.start();
        }
        if (r.end() > MAX_SECONDS) {
            return "end " + r.end() + " is out of range";
        }
        return null;
    }

    /** Times are kept in nanoseconds: the largest second that fits. */
    private static final long MAX_SECONDS = Long.MAX_VALUE / 1_000_000_000L - 1;
}
