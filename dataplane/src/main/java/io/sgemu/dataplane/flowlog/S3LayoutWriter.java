package io.sgemu.dataplane.flowlog;

import io.sgemu.dataplane.io.PartialFile;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;

/**
 * A sink that lays records out under a root folder the way VPC Flow Logs delivers them to an S3 bucket
 * (SEMANTICS.md section 6):
 * <pre>
 * AWSLogs/{account}/vpcflowlogs/{region}/YYYY/MM/DD/{account}_vpcflowlogs_{region}_{flow-log-id}_{YYYYMMDDTHHmmZ}_{hash}.log.gz
 * </pre>
 * Each object is gzip-compressed UTF-8 text: the header line naming the fields, then one line per record.
 *
 * <p><b>Which records share an object.</b> AWS publishes a file every 5 minutes holding "the flow log records
 * with an end time between 16:20:00 and 16:24:59" for a file stamped {@code 20180620T1620Z}. So here: one object
 * per account, region and 5-minute window of the records' {@code end} (UTC, aligned to multiples of 300 s);
 * the name's timestamp and the date folders are the window's start. The account and region are the logging
 * ENI's, or the defaults given when the ENI has none. Records keep the order in which they were accepted.
 *
 * <p><b>When objects are written.</b> A window's object is written once the aggregator reports (through
 * {@link #intervalClosed}) that no record ending in it can follow, and all remaining ones at {@link #close()}.
 *
 * <p><b>The hash.</b> AWS's is an opaque hex string; here it is the CRC-32 of the uncompressed content as 8
 * lower-case hex digits, so the same records give the same file name and bytes (gzip headers carry no time).
 * Not done: AWS's 75 MB cap per object.
 */
public final class S3LayoutWriter implements FlowLogSink, Closeable {

    /** AWS publishes flow-log files at 5-minute intervals. */
    public static final int DELIVERY_WINDOW_SECONDS = 300;

    private static final Pattern SAFE_SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'");
    private static final DateTimeFormatter DATE_FOLDERS = DateTimeFormatter.ofPattern("yyyy/MM/dd");

    private final Path root;
    private final FlowLogFormat format;
    private final String flowLogId;
    private final String defaultAccount;
    private final String defaultRegion;
    private final Map<ObjectKey, StringBuilder> pending = new TreeMap<>(ObjectKey.ORDER);
    private final List<Path> written = new ArrayList<>();

    /**
     * @param root           the folder that plays the bucket (and optional prefix)
     * @param flowLogId      e.g. {@code fl-1234abcd}
     * @param defaultAccount account for records whose ENI names none
     * @param defaultRegion  region for records whose ENI names none
     */
    public S3LayoutWriter(Path root, FlowLogFormat format, String flowLogId, String defaultAccount,
                          String defaultRegion) {
        this.root = Objects.requireNonNull(root, "root");
        this.format = Objects.requireNonNull(format, "format");
        this.flowLogId = checkSegment("flow-log id", flowLogId);
        this.defaultAccount = checkSegment("account", defaultAccount);
        this.defaultRegion = checkSegment("region", defaultRegion);
    }

    @Override
    public void accept(FlowLogRecord r) {
        long end = r.end() != FlowLogRecord.ABSENT ? r.end() : r.start();
        if (end == FlowLogRecord.ABSENT) {
            throw new IllegalArgumentException("a flow-log record without start and end cannot be delivered by time");
        }
        FlowLogEni eni = r.eni();
        String account = eni == null || eni.accountId() == null ? defaultAccount : checkSegment("account", eni.accountId());
        String region = eni == null || eni.region() == null ? defaultRegion : checkSegment("region", eni.region());
        long window = Math.floorDiv(end, DELIVERY_WINDOW_SECONDS) * DELIVERY_WINDOW_SECONDS;
        StringBuilder text = pending.computeIfAbsent(new ObjectKey(window, account, region),
                k -> new StringBuilder(4096).append(format.header()).append('\n'));
        format.formatTo(r, text);
        text.append('\n');
    }

    /** Writes the objects of every window that ends at or before {@code intervalEndSeconds}. */
    @Override
    public void intervalClosed(long intervalEndSeconds) {
        Iterator<Map.Entry<ObjectKey, StringBuilder>> it = pending.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<ObjectKey, StringBuilder> e = it.next();
            if (e.getKey().window() + DELIVERY_WINDOW_SECONDS > intervalEndSeconds) {
                break; // sorted by window first
            }
            writeObject(e.getKey(), e.getValue());
            it.remove();
        }
    }

    /** Writes every object still pending. */
    @Override
    public void close() {
        for (Map.Entry<ObjectKey, StringBuilder> e : pending.entrySet()) {
            writeObject(e.getKey(), e.getValue());
        }
        pending.clear();
    }

    /** The objects written so far, in order of writing. */
    public List<Path> writtenFiles() {
        return List.copyOf(written);
    }

    /** The path relative to the root of an object of that account, region, window start and content hash. */
    public static String objectPath(String account, String region, String flowLogId, long windowStartSeconds,
                                    String hash) {
        ZonedDateTime t = Instant.ofEpochSecond(windowStartSeconds).atZone(ZoneOffset.UTC);
        return "AWSLogs/" + account + "/vpcflowlogs/" + region + "/" + DATE_FOLDERS.format(t) + "/"
                + account + "_vpcflowlogs_" + region + "_" + flowLogId + "_" + STAMP.format(t) + "_" + hash + ".log.gz";
    }

    private void writeObject(ObjectKey key, StringBuilder text) {
        byte[] content = text.toString().getBytes(StandardCharsets.UTF_8);
        CRC32 crc = new CRC32();
        crc.update(content);
        String hash = String.format("%08x", crc.getValue());
        Path file = root.resolve(objectPath(key.account(), key.region(), flowLogId, key.window(), hash));
        try {
            // under a .partial name until complete: a crash never leaves a torn object under a final name
            try (OutputStream out = new GZIPOutputStream(PartialFile.create(file), 1 << 16)) {
                out.write(content);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write flow-log object " + file + ": " + e.getMessage(), e);
        }
        written.add(file);
    }

    private static String checkSegment(String what, String value) {
        if (value == null || !SAFE_SEGMENT.matcher(value).matches()) {
            throw new IllegalArgumentException("the " + what + " '" + value + "' cannot be part of a flow-log object"
                    + " path (letters, digits, '.', '_' and '-' only)");
        }
        return value;
    }

    private record ObjectKey(long window, String account, String region) {
        static final Comparator<ObjectKey> ORDER = Comparator.comparingLong(ObjectKey::window)
                .thenComparing(ObjectKey::account).thenComparing(ObjectKey::region);
    }
}
