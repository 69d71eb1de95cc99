package io.sgemu.dataplane.flowlog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Reads flow-log lines of a known format back into field values ({@link FlowLogLine}), for tests and for
 * replaying flow logs. {@code parser.parse(format.format(r)).toRecord()} prints as the same line again.
 *
 * <p><b>Decision:</b> fields are split on runs of whitespace, not single spaces, so that hand-edited lines
 * (AWS's own documentation has one with a double space) still read; {@link FlowLogFormat#format} always
 * writes single spaces, so such a line comes back with its spaces normalised.
 */
public final class FlowLogParser {

    private final FlowLogFormat format;

    public FlowLogParser(FlowLogFormat format) {
        this.format = Objects.requireNonNull(format, "format");
    }

    /** A parser for lines under a header line (bare field names, as S3 objects begin). */
    public static FlowLogParser forHeader(String headerLine) {
        return new FlowLogParser(FlowLogFormat.fromHeader(headerLine));
    }

    public FlowLogFormat format() {
        return format;
    }

    /**
     * Splits one line into its fields.
     *
     * @throws IllegalArgumentException when the line has more or fewer fields than the format
     */
    public FlowLogLine parse(String line) {
        String t = line.strip();
        String[] values = t.isEmpty() ? new String[0] : t.split("\\s+");
        if (values.length != format.fields().size()) {
            throw new IllegalArgumentException("flow-log line has " + values.length + " fields but the format has "
                    + format.fields().size() + " (" + format.header() + "): " + line);
        }
        return new FlowLogLine(format, Arrays.asList(values));
    }

    /**
     * Reads a whole log: when its first line is a header (its first word is a field name), that header gives
     * the format, else {@code formatWithoutHeader} does. Blank lines are skipped.
     *
     * @throws IllegalArgumentException naming the line number of a line that does not parse
     */
    public static List<FlowLogLine> readAll(Reader in, FlowLogFormat formatWithoutHeader) throws IOException {
        BufferedReader r = in instanceof BufferedReader b ? b : new BufferedReader(in);
        List<FlowLogLine> lines = new ArrayList<>();
        FlowLogParser parser = null;
        String line;
        int number = 0;
        while ((line = r.readLine()) != null) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            try {
                if (parser == null) {
                    if (isHeader(line)) {
                        parser = forHeader(line);
                        continue;
                    }
                    parser = new FlowLogParser(formatWithoutHeader);
                }
                lines.add(parser.parse(line));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("flow-log line " + number + ": " + e.getMessage(), e);
            }
        }
        return lines;
    }

    /** True when the line's first word names a flow-log field: no field's value is a field name. */
    public static boolean isHeader(String line) {
        String t = line.strip();
        String first = t.split("\\s+", 2)[0];
        try {
            FlowLogField.byName(first);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
