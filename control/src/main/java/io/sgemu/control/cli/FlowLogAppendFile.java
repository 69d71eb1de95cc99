package io.sgemu.control.cli;

import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The flow-log file of {@code sgemu serve --flow-logs FILE}, which grows for as long as the service runs.
 *
 * <p><b>Crash safety: whole records, one write call each, and a torn tail cut on the next start.</b> Text is
 * held in memory and handed to the file only as whole lines ({@code \n}-ended records), in one
 * {@code write} call per flush (at the end of every aggregation interval, and whenever a megabyte has
 * gathered), then forced to disk. A process killed during such a call can leave only a part of that call's
 * last line at the end (Linux stops a write between pages when SIGKILL arrives); the next start of
 * {@code serve} with the same FILE cuts the file back to its last {@code \n}, checks that its header line is
 * the one of the current format, and appends after it. So a reader sees, at any time, the header and whole
 * records followed at worst by one torn line, which no later record follows.
 *
 * <p>Why not rotation into files renamed when closed (as every other output does with {@code .partial}
 * names)? The file keeps its one name and stays readable while it grows: {@code tail -f} and log shippers
 * follow it, and a restart continues it instead of replacing hours of records.
 */
final class FlowLogAppendFile extends Writer {

    /** Text gathered before it is written even though no flush came. */
    static final int FLUSH_CHARS = 1 << 20;

    private final Path path;
    private final FileChannel channel;
    private final StringBuilder pending = new StringBuilder(1 << 16);
    private final boolean needsHeader;
    private final long keptBytes;
    private final long cutBytes;

    private FlowLogAppendFile(Path path, FileChannel channel, boolean needsHeader, long keptBytes, long cutBytes) {
        this.path = path;
        this.channel = channel;
        this.needsHeader = needsHeader;
        this.keptBytes = keptBytes;
        this.cutBytes = cutBytes;
    }

    /**
     * Opens {@code path} for appending records of the format whose header line is {@code header}: a new file,
     * or an existing one whose torn tail is cut and whose header matches.
     *
     * @throws IOException when it cannot be written, or holds records of another format (never replaced silently)
     */
    static FlowLogAppendFile open(Path path, String header) throws IOException {
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        try {
            long cut = cutTornTail(ch);
            long kept = ch.size();
            if (kept > 0) {
                String first = firstLine(ch);
                if (!header.equals(first)) {
                    throw new IOException("it holds flow logs of another format (its first line is not the header of "
                            + "--flow-log-format); move it away or name another file");
                }
            }
            ch.position(kept);
            return new FlowLogAppendFile(path, ch, kept == 0, kept, cut);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Cuts {@code path} back to its last line end; answers how many bytes were cut. */
    static long cutTornTail(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return cutTornTail(ch);
        }
    }

    private static long cutTornTail(FileChannel ch) throws IOException {
        long size = ch.size();
        long end = size;
        ByteBuffer buf = ByteBuffer.allocate(8192);
        while (end > 0) {
            long from = Math.max(0, end - buf.capacity());
            buf.clear().limit((int) (end - from));
            readFully(ch, buf, from);
            for (int i = buf.limit() - 1; i >= 0; i--) {
                if (buf.get(i) == '\n') {
                    long keep = from + i + 1;
                    if (keep < size) {
                        ch.truncate(keep);
                        ch.force(true);
                    }
                    return size - keep;
                }
            }
            end = from;
        }
        if (size > 0) {
            ch.truncate(0); // not even the header line is whole
            ch.force(true);
        }
        return size;
    }

    private static String firstLine(FileChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(ch.size(), 1 << 16));
        readFully(ch, buf, 0);
        String s = new String(buf.array(), 0, buf.limit(), StandardCharsets.UTF_8);
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long at) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, at + buf.position());
            if (n < 0) {
                break;
            }
        }
        buf.flip();
    }

    /** Whether the file was empty, so the header line must come first. */
    boolean needsHeader() {
        return needsHeader;
    }

    /** Bytes of earlier runs kept (appended after). */
    long keptBytes() {
        return keptBytes;
    }

    /** Bytes of a torn last line cut at open. */
    long cutBytes() {
        return cutBytes;
    }

    Path path() {
        return path;
    }

    @Override
    public void write(char[] cbuf, int off, int len) throws IOException {
        pending.append(cbuf, off, len);
        if (pending.length() >= FLUSH_CHARS) {
            writeWholeLines(false);
        }
    }

    @Override
    public void write(String str, int off, int len) throws IOException {
        pending.append(str, off, off + len);
        if (pending.length() >= FLUSH_CHARS) {
            writeWholeLines(false);
        }
    }

    @Override
    public Writer append(CharSequence csq) throws IOException {
        pending.append(csq);
        if (pending.length() >= FLUSH_CHARS) {
            writeWholeLines(false);
        }
        return this;
    }

    /** Writes the whole lines gathered, in one call, and forces them to disk. */
    @Override
    public void flush() throws IOException {
        writeWholeLines(true);
    }

    private void writeWholeLines(boolean force) throws IOException {
        int end = pending.lastIndexOf("\n") + 1;
        if (end > 0) {
            ByteBuffer bytes = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(pending, 0, end));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            pending.delete(0, end);
        }
        if (force) {
            channel.force(false);
        }
    }

    /** Writes what is whole and closes; a line without its end (there is none from a flow-log writer) is dropped. */
    @Override
    public void close() throws IOException {
        if (!channel.isOpen()) {
            return;
        }
        try (channel) {
            flush();
        }
    }
}
