package io.sgemu.control.flowreplay;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What reading the flow-log input found: counts for the summary and the first bad lines for warnings. */
public final class FlowLogInputStats {

    /** How many bad lines are kept word for word ({@link #badLineExamples}); the rest are only counted. */
    public static final int BAD_LINE_EXAMPLES = 5;

    int files;
    long records;
    long noData;
    long skipData;
    long badLines;
    long duplicates;
    long bytesAdjusted;
    long packets;
    private final List<String> badLineExamples = new ArrayList<>();

    void badLine(String fileAndLine, String message) {
        badLines++;
        if (badLineExamples.size() < BAD_LINE_EXAMPLES) {
            badLineExamples.add(fileAndLine + ": " + message);
        }
    }

    /** Files read. */
    public int files() {
        return files;
    }

    /** Records read: lines that parsed into a usable record, NODATA and SKIPDATA records and duplicates included. */
    public long records() {
        return records;
    }

    /** Records with log-status NODATA (no packets made). */
    public long noData() {
        return noData;
    }

    /** Records with log-status SKIPDATA (no packets made). */
    public long skipData() {
        return skipData;
    }

    /** Lines that could not be read as a record of their file's format, skipped. */
    public long badLines() {
        return badLines;
    }

    /** Records dropped as the same flow logged by another interface. */
    public long duplicates() {
        return duplicates;
    }

    /**
     * Records whose bytes cannot be shared among their packets within the packet sizes IP allows: fewer than
     * the minimal headers (packets are sent at the minimal size, so they carry more bytes than the record
     * says) or more than the largest packets (packets are sent at the largest size).
     */
    public long bytesAdjusted() {
        return bytesAdjusted;
    }

    /** Packets to synthesize: the sum of {@code packets} over the records replayed. */
    public long packets() {
        return packets;
    }

    /** The first {@value #BAD_LINE_EXAMPLES} bad lines, each as {@code file:line: what is wrong}. */
    public List<String> badLineExamples() {
        return Collections.unmodifiableList(badLineExamples);
    }

    /** One line for the replay summary. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("flow-log input: ").append(records).append(" records from ").append(files)
                .append(files == 1 ? " file" : " files").append(" (NODATA ").append(noData).append(", SKIPDATA ")
                .append(skipData).append("), bad lines skipped: ").append(badLines).append(", duplicates removed: ")
                .append(duplicates).append(", packets synthesized: ").append(packets);
        if (bytesAdjusted > 0) {
            sb.append(", records whose bytes could not be matched: ").append(bytesAdjusted);
        }
        return sb.toString();
    }
}
