package io.sgemu.dataplane.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A file appears under its name only once whole; until then its bytes are in {@code .NAME.partial}. */
class PartialFileTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void theNameAppearsOnlyAtClose_withEveryByte_andReplacesAnOldFileInOneStep(long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        Path target = tmp.resolve("sub/dir/out.bin");
        Files.createDirectories(target.getParent());
        Files.writeString(target, "old");
        byte[] content = new byte[1 + random.nextInt(1 << 20)];
        random.nextBytes(content);
        PartialFile f = PartialFile.create(target);
        int at = 0;
        while (at < content.length) {
            int n = Math.min(content.length - at, 1 + random.nextInt(70_000));
            f.write(content, at, n);
            at += n;
            assertThat(Files.readString(target)).as("seed " + seed + ": the old file until close").isEqualTo("old");
        }
        assertThat(f.partialPath()).isEqualTo(target.getParent().resolve(".out.bin.partial").toAbsolutePath());
        assertThat(Files.size(f.partialPath())).isEqualTo(content.length);
        f.close();
        assertThat(Files.readAllBytes(target)).as("seed " + seed).isEqualTo(content);
        assertThat(f.partialPath()).doesNotExist();
        f.close(); // closing twice publishes once
        assertThat(Files.readAllBytes(target)).isEqualTo(content);
    }

    @Test
    void abandonLeavesNothing_andTheOldFileAsItWas() throws IOException {
        Path target = tmp.resolve("a.txt");
        Files.writeString(target, "kept");
        PartialFile f = PartialFile.create(target);
        f.write(new byte[] {1, 2, 3});
        f.abandon();
        assertThat(Files.readString(target)).isEqualTo("kept");
        try (var s = Files.list(tmp)) {
            assertThat(s.toList()).containsExactly(target);
        }
        assertThatThrownBy(() -> f.write(1)).isInstanceOf(IOException.class);
    }

    @Test
    void aDirectoryIsRefusedAtOnce() {
        assertThatThrownBy(() -> PartialFile.create(tmp)).isInstanceOf(IOException.class).hasMessageContaining("directory");
    }
}
