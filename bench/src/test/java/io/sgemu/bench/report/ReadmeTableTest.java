package io.sgemu.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReadmeTableTest {

    private static final String README = """
            # Title

            Text before.
            <!-- bench:begin -->
            | old | table |
            |---|---|
            <!-- bench:end -->
            Text after, with a <!-- comment --> of its own.
            """;

    @Test
    void replacesOnlyWhatLiesBetweenTheMarkers() {
        String updated = ReadmeTable.replace(README, "| measure | figure |\n|---|---|\n| a | 1 |\n");
        assertThat(updated).isEqualTo("""
                # Title

                Text before.
                <!-- bench:begin -->
                | measure | figure |
                |---|---|
                | a | 1 |
                <!-- bench:end -->
                Text after, with a <!-- comment --> of its own.
                """);
        assertThat(ReadmeTable.replace(updated, "| measure | figure |\n|---|---|\n| a | 1 |\n"))
                .as("replacing again with the same table changes nothing").isEqualTo(updated);
    }

    @Test
    void missingOrMisplacedMarkersAreClearErrors() {
        assertThatThrownBy(() -> ReadmeTable.replace("# no markers\n", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no <!-- bench:begin --> marker");
        assertThatThrownBy(() -> ReadmeTable.replace("<!-- bench:begin -->\n", "x"))
                .hasMessageContaining("no <!-- bench:end --> marker");
        assertThatThrownBy(() -> ReadmeTable.replace("<!-- bench:end -->\n<!-- bench:begin -->\n", "x"))
                .hasMessageContaining("comes before");
        assertThatThrownBy(() -> ReadmeTable.replace(README + README, "x"))
                .hasMessageContaining("more than one");
    }
}
