package io.sgemu.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultCsvReaderTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void sweepHasItsTitleAxesNotesSeriesAndGaps() throws IOException {
        Path file = write("conntrack-hit.csv", """
                # title: Conntrack hit against live entries
                # x: live entries (entries) log
                # y: hit latency (ns)
                # note: first note
                # note: second note
                x,sgemu IPv4,"baseline, a HashMap"
                1000,30.5,60
                1000000,,400
                """);
        Sweep s = (Sweep) ResultCsvReader.read(file);
        assertThat(s.name()).isEqualTo("conntrack-hit");
        assertThat(s.title()).isEqualTo("Conntrack hit against live entries");
        assertThat(s.x()).isEqualTo(new AxisSpec("live entries", "entries", true));
        assertThat(s.y()).isEqualTo(new AxisSpec("hit latency", "ns", false));
        assertThat(s.notes()).containsExactly("first note", "second note");
        assertThat(s.seriesNames()).containsExactly("sgemu IPv4", "baseline, a HashMap");
        assertThat(s.xs()).containsExactly(1000, 1000000);
        assertThat(s.ys()[0][0]).isEqualTo(30.5);
        assertThat(s.ys()[0][1]).as("an empty cell is no point").isNaN();
        assertThat(s.ys()[1]).containsExactly(60, 400);
    }

    @Test
    void shortRowsLeaveTheLastSeriesWithoutPointsAndTheTitleDefaultsToTheName() throws IOException {
        Sweep s = (Sweep) ResultCsvReader.read(write("plain.csv", "x,a,b\n1,2\n2,3,4\n"));
        assertThat(s.title()).isEqualTo("plain");
        assertThat(s.ys()[1][0]).isNaN();
        assertThat(s.ys()[1][1]).isEqualTo(4);
    }

    @Test
    void axisSpecReadsLabelUnitAndLog() {
        assertThat(AxisSpec.parse("packets per second (pps) log")).isEqualTo(new AxisSpec("packets per second", "pps", true));
        assertThat(AxisSpec.parse("rules (count)")).isEqualTo(new AxisSpec("rules", "count", false));
        assertThat(AxisSpec.parse("catalog")).as("'log' inside a word is not the log flag")
                .isEqualTo(new AxisSpec("catalog", "", false));
        assertThat(AxisSpec.parse("  ")).isNull();
    }

    @Test
    void ratioTableComputesAMissingRatioAndTakesTheCommandLine() throws IOException {
        RatioTable t = (RatioTable) ResultCsvReader.read(write("vs-tcpdump.csv", """
                # kind: ratio
                # title: Replay against tcpdump
                # command: scripts/bench-capture-replay
                measure,sgemu,baseline,ratio
                replay (Mpps),1.5,3.0,
                decode,37 ns,40 ns,0.93x
                """));
        assertThat(t.title()).isEqualTo("Replay against tcpdump");
        assertThat(t.rows()).containsExactly(
                new RatioTable.Row("replay (Mpps)", "1.5", "3.0", "0.5x", "scripts/bench-capture-replay"),
                new RatioTable.Row("decode", "37 ns", "40 ns", "0.93x", "scripts/bench-capture-replay"));
    }

    @Test
    void aRatioTableWithAUnitColumnShowsTheUnitWithTheFigures() throws IOException {
        RatioTable t = (RatioTable) ResultCsvReader.read(write("rules-ratios.csv", """
                # kind: ratio
                # title: Verdict vs rules per ENI
                measure,sgemu,baseline,ratio,unit
                throughput vs reference,1.17,0.00055,2113,Mpps
                """));
        assertThat(t.rows()).containsExactly(
                new RatioTable.Row("throughput vs reference", "1.17 Mpps", "0.00055 Mpps", "2113", ""));
    }

    @Test
    void aCellThatIsNotANumberNamesFileLineAndColumn() throws IOException {
        Path file = write("bad.csv", "# title: t\n# x: a (b)\n# y: c (d)\nx,s1,s2\n1,2,3\n2,three,4\n");
        assertThatThrownBy(() -> ResultCsvReader.read(file))
                .isInstanceOf(ReportInputException.class)
                .hasMessageContaining("bad.csv:6")
                .hasMessageContaining("s1")
                .hasMessageContaining("'three' is not a number");
    }

    @Test
    void aRowLongerThanTheHeaderIsAnError() throws IOException {
        Path file = write("long.csv", "x,s1\n1,2\n2,3,4\n");
        assertThatThrownBy(() -> ResultCsvReader.read(file)).hasMessageStartingWith("long.csv:3: 3 cells but the header (line 1) has 2");
    }

    @Test
    void aNonPositiveValueOnALogAxisIsAnError() throws IOException {
        Path file = write("log.csv", "# y: latency (ns) log\nx,s\n1,5\n2,0\n");
        assertThatThrownBy(() -> ResultCsvReader.read(file)).hasMessageContaining("log.csv:4").hasMessageContaining("log axis");
    }

    @Test
    void aFileWithoutHeaderOrWithABadAxisOrKindIsAnError() throws IOException {
        Path noHeader = write("empty.csv", "# title: nothing\n");
        assertThatThrownBy(() -> ResultCsvReader.read(noHeader)).hasMessageContaining("empty.csv:1").hasMessageContaining("no header");
        Path badAxis = write("axis.csv", "# title: t\n# x: (ns)\nx,s\n");
        assertThatThrownBy(() -> ResultCsvReader.read(badAxis)).hasMessageContaining("axis.csv:2").hasMessageContaining("<label> (<unit>)");
        Path badKind = write("kind.csv", "# kind: pie\nx,s\n");
        assertThatThrownBy(() -> ResultCsvReader.read(badKind)).hasMessageContaining("kind.csv").hasMessageContaining("pie");
        Path badRatio = write("ratio.csv", "# kind: ratio\nmeasure,ours,theirs\n");
        assertThatThrownBy(() -> ResultCsvReader.read(badRatio)).hasMessageContaining("ratio.csv:2").hasMessageContaining("measure,sgemu,baseline,ratio");
        Path quote = write("quote.csv", "x,\"open\n");
        assertThatThrownBy(() -> ResultCsvReader.read(quote)).hasMessageContaining("quote.csv:1").hasMessageContaining("quoted");
    }
}
