package io.sgemu.dataplane.flowlog;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A sink that writes records as text: the header line naming the fields (as S3 delivery writes it), then one
 * line per record, each ended by {@code \n}. It flushes at the end of every aggregation interval, so that a
 * reader of stdout sees an interval's records as soon as they are emitted.
 *
 * <p>I/O errors surface as {@link UncheckedIOException} (a sink cannot throw checked exceptions).
 * {@link #close()} closes the underlying writer; to leave a shared stream such as stdout open, call
 * {@link #flush()} instead.
 */
public final class FlowLogTextWriter implements FlowLogSink, Flushable, Closeable {

    private final Writer out;
    private final FlowLogFormat format;
    private final StringBuilder line = new StringBuilder(256);
    private long records;

    /** Writes the header line at once, then records as they come. */
    public FlowLogTextWriter(Writer out, FlowLogFormat format) {
        this(out, format, true);
    }

    /**
     * @param header whether to write the header line first (CloudWatch-style output has none)
     */
    public FlowLogTextWriter(Writer out, FlowLogFormat format, boolean header) {
        this.out = Objects.requireNonNull(out, "out");
        this.format = Objects.requireNonNull(format, "format");
        if (header) {
            write(format.header());
        }
    }

    /** UTF-8 text to a byte stream (a file, or stdout for {@code --flow-logs -}), with the header line. */
    public static FlowLogTextWriter to(OutputStream out, FlowLogFormat format) {
        return new FlowLogTextWriter(new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16),
                format, true);
    }

    @Override
    public void accept(FlowLogRecord r) {
        line.setLength(0);
        format.formatTo(r, line);
        write(line);
        records++;
    }

    @Override
    public void intervalClosed(long intervalEndSeconds) {
        flush();
    }

    /** Records written so far (the header not counted). */
    public long records() {
        return records;
    }

    private void write(CharSequence text) {
        try {
            out.append(text).append('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write flow-log records: " + e.getMessage(), e);
        }
    }

    @Override
    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write flow-log records: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write flow-log records: " + e.getMessage(), e);
        }
    }
}
