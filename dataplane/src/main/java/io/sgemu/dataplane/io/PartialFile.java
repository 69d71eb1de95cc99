package io.sgemu.dataplane.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * An output file that only ever appears complete: bytes go to {@code .NAME.partial} in the same directory, and
 * {@link #close()} forces them to disk, renames the partial file over {@code NAME} in one atomic step and forces
 * the directory entry. A process killed while writing (SIGKILL, power loss) therefore leaves at most a
 * {@code .partial} file beside the outputs, never a truncated file under the final name; a reader that
 * lists or watches the directory sees a name only once its content is whole. {@code .partial} names start
 * with a dot so that globs such as {@code *.log.gz} skip them.
 *
 * <p>Closing always publishes: a run that stops on an error still publishes what it wrote, which its writers
 * leave as whole records. {@link #abandon()} discards the partial file instead. Not buffered: wrap it.
 */
public final class PartialFile extends OutputStream {

    /** The suffix of files still being written. */
    public static final String SUFFIX = ".partial";

    private final Path target;
    private final Path partial;
    private final FileChannel channel;
    private final ByteBuffer one = ByteBuffer.allocate(1);
    private boolean finished;

    private PartialFile(Path target, Path partial, FileChannel channel) {
        this.target = target;
        this.partial = partial;
        this.channel = channel;
    }

    /** Starts writing {@code target} (created with its parent directories; replaced when it exists, at close). */
    public static PartialFile create(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        if (Files.isDirectory(absolute)) {
            // as opening it would say; found now, not at the rename after all the work
            throw new FileSystemException(target.toString(), null, "Is a directory");
        }
        Path partial = partialName(absolute);
        FileChannel ch = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        return new PartialFile(target, partial, ch);
    }

    /** Writes {@code content} to {@code target} as one complete file (see the class comment). */
    public static void write(Path target, byte[] content) throws IOException {
        try (PartialFile f = create(target)) {
            f.write(content);
        }
    }

    /** Where the bytes of {@code target} wait until it is complete: {@code .NAME.partial} beside it. */
    public static Path partialName(Path target) {
        return target.resolveSibling("." + target.getFileName() + SUFFIX);
    }

    public Path target() {
        return target;
    }

    public Path partialPath() {
        return partial;
    }

    @Override
    public void write(int b) throws IOException {
        one.clear();
        one.put((byte) b).flip();
        writeFully(one);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        writeFully(ByteBuffer.wrap(b, off, len));
    }

    private void writeFully(ByteBuffer buf) throws IOException {
        if (finished) {
            throw new IOException(target + ": already closed");
        }
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }

    /** Forces the bytes to disk and publishes the file under its final name. */
    @Override
    public void close() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        try (channel) {
            channel.force(true);
        }
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // cannot happen within one directory on the file systems we know; a plain replace is the best left
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        }
        forceDirectory(target.toAbsolutePath().getParent());
    }

    /** Drops what was written: the partial file is deleted and the target left as it was. */
    public void abandon() {
        if (finished) {
            return;
        }
        finished = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // deleting it is what matters
        }
        try {
            Files.deleteIfExists(partial);
        } catch (IOException ignored) {
            // a stray .partial file is harmless: its name says what it is
        }
    }

    /** Makes a rename durable (Linux: fsync of the directory); ignored where directories cannot be opened. */
    static void forceDirectory(Path dir) {
        if (dir == null) {
            return;
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // the rename happened; only its durability across a power loss is not guaranteed here
        }
    }
}
