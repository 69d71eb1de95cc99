package io.sgemu.control.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** serve's flow-log file: whole lines only reach the file; a torn tail is cut at the next open, which appends. */
class FlowLogAppendFileTest {

    static final String HEADER = "version account-id interface-id";

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(longs = {4, 5, 6})
    void onlyWholeLinesReachTheFile_whateverTheWritesLookLike(long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        Path p = tmp.resolve("flow.log");
        StringBuilder all = new StringBuilder();
        try (FlowLogAppendFile f = FlowLogAppendFile.open(p, HEADER)) {
            assertThat(f.needsHeader()).isTrue();
            for (int i = 0; i < 200; i++) {
                String line = "2 123 eni-" + random.nextInt(1_000_000) + "\n";
                int cut = random.nextInt(line.length());
                f.write(line.substring(0, cut));
                if (random.nextInt(4) == 0) {
                    f.flush();
                    String onDisk = Files.readString(p);
                    assertThat(onDisk).as("seed " + seed).isEqualTo(all.toString());
                }
                f.write(line.substring(cut));
                all.append(line);
            }
        }
        assertThat(Files.readString(p)).as("seed " + seed).isEqualTo(all.toString());
    }

    @ParameterizedTest
    @ValueSource(longs = {7, 8})
    void aTornTailIsCut_andTheNextRunAppendsWithoutASecondHeader(long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        Path p = tmp.resolve("flow.log");
        String whole = HEADER + "\n2 123 eni-1\n2 123 eni-2\n";
        String torn = "2 123 eni-3".substring(0, 1 + random.nextInt(10));
        Files.writeString(p, whole + torn);
        try (FlowLogAppendFile f = FlowLogAppendFile.open(p, HEADER)) {
            assertThat(f.needsHeader()).isFalse();
            assertThat(f.cutBytes()).as("seed " + seed).isEqualTo(torn.getBytes(StandardCharsets.UTF_8).length);
            assertThat(f.keptBytes()).isEqualTo(whole.length());
            f.write("2 123 eni-4\n");
        }
        assertThat(Files.readString(p)).isEqualTo(whole + "2 123 eni-4\n");
        assertThat(FlowLogAppendFile.cutTornTail(p)).isZero();
    }

    @Test
    void aFileOfAnotherFormatIsNeverReplaced() throws IOException {
        Path p = tmp.resolve("flow.log");
        Files.writeString(p, "version srcaddr\n2 10.0.0.1\n");
        assertThatThrownBy(() -> FlowLogAppendFile.open(p, HEADER)).isInstanceOf(IOException.class)
                .hasMessageContaining("another format");
        assertThat(Files.readString(p)).isEqualTo("version srcaddr\n2 10.0.0.1\n");
    }

    @Test
    void aFileWithoutOneWholeLineStartsAfresh() throws IOException {
        Path p = tmp.resolve("flow.log");
        Files.writeString(p, "versi");
        try (FlowLogAppendFile f = FlowLogAppendFile.open(p, HEADER)) {
            assertThat(f.needsHeader()).isTrue();
            assertThat(f.cutBytes()).isEqualTo(5);
        }
        assertThat(Files.size(p)).isZero();
    }
}
