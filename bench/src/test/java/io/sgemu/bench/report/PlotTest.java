package io.sgemu.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PlotTest {

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    private static final int BG = Plot.BACKGROUND.getRGB();

    private static Plot lineAt100(double[] ys) {
        return new Plot("A known line", "size (entries)", Scale.Kind.LOG, "time (ns)", Scale.Kind.LINEAR,
                List.of(new Plot.Series("flat", new double[]{10, 100, 1000, 10000}, ys)));
    }

    @Test
    void theImageHasItsSizeAndDataInsideThePlotArea() throws IOException {
        Plot plot = lineAt100(new double[]{100, 100, 100, 100});
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(plot.png()));

        assertThat(image.getWidth()).isEqualTo(Plot.WIDTH);
        assertThat(image.getHeight()).isEqualTo(Plot.HEIGHT);
        Rectangle area = plot.plotArea();
        assertThat(new Rectangle(0, 0, Plot.WIDTH, Plot.HEIGHT).contains(area)).isTrue();
        assertThat(area.width).isGreaterThan(Plot.WIDTH / 2);
        assertThat(area.height).isGreaterThan(Plot.HEIGHT / 2);
        int drawn = 0;
        for (int x = area.x + 2; x < area.x + area.width - 2; x++) {
            for (int y = area.y + 2; y < area.y + area.height - 2; y++) {
                if (image.getRGB(x, y) != BG) {
                    drawn++;
                }
            }
        }
        assertThat(drawn).as("grid and data inside the plot area").isGreaterThan(500);
    }

    @Test
    void theSeriesIsDrawnWhereTheScalesMapItsPoints() {
        Plot plot = lineAt100(new double[]{100, 100, 100, 100});
        BufferedImage image = plot.render();
        // Half way between the points at 100 and 1000: on the line, in the first series' colour (blue-ish).
        int x = (int) Math.round(plot.xScale().toPixel(Math.sqrt(100 * 1000.0)));
        int y = (int) Math.round(plot.yScale().toPixel(100));
        assertThat(isSeriesColour(image.getRGB(x, y))).as("pixel at (%d,%d)", x, y).isTrue();
        // The same column well above the line has no series colour.
        assertThat(isSeriesColour(image.getRGB(x, y - 40))).isFalse();
        // Decade ticks of the log x axis fall on the pixels the mapping gives (the plot area's edges here).
        assertThat(plot.xScale().toPixel(10)).isEqualTo(plot.plotArea().x);
        assertThat(plot.xScale().toPixel(10000)).isEqualTo(plot.plotArea().x + plot.plotArea().width);
        assertThat(plot.xScale().toPixel(100) - plot.xScale().toPixel(10))
                .isCloseTo(plot.plotArea().width / 3.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void aMissingPointLeavesAGapInTheLine() {
        Plot plot = lineAt100(new double[]{100, 100, Double.NaN, 100});
        BufferedImage image = plot.render();
        int y = (int) Math.round(plot.yScale().toPixel(100));
        int beforeGap = (int) Math.round(plot.xScale().toPixel(Math.sqrt(10 * 100.0)));
        int inGap = (int) Math.round(plot.xScale().toPixel(Math.sqrt(1000 * 10000.0)));
        assertThat(isSeriesColour(image.getRGB(beforeGap, y))).isTrue();
        assertThat(isSeriesColour(image.getRGB(inGap, y))).as("no line from 100 to 10000 across the missing 1000").isFalse();
    }

    @Test
    void percentilePlotUsesThePercentileAxisAndLeavesOutTheHundredPercentLine() {
        LatencyDistribution d = new LatencyDistribution("lat", "Latency", "µs", List.of(
                new LatencyDistribution.Point(10, 0.0, 1), new LatencyDistribution.Point(12, 0.5, 50),
                new LatencyDistribution.Point(20, 0.99, 99), new LatencyDistribution.Point(30, 1.0, 100)), 13, 30, 100);
        Plot plot = Plot.percentiles(d);
        assertThat(plot.xScale().kind()).isEqualTo(Scale.Kind.PERCENTILE);
        assertThat(plot.yScale().kind()).as("a tail under fifty times the median stays linear").isEqualTo(Scale.Kind.LINEAR);
        assertThat(plot.xScale().ticks().stream().map(Scale.Tick::label).filter(l -> !l.isEmpty()).toList())
                .containsExactly("50%", "90%", "99%");
        BufferedImage image = plot.render();
        int x = (int) Math.round(plot.xScale().toPixel(2));
        int y = (int) Math.round(plot.yScale().toPixel(12));
        assertThat(isSeriesColour(image.getRGB(x, y))).isTrue();
    }

    /** The first series' colour (0x0072B2), give or take antialiasing. */
    private static boolean isSeriesColour(int rgb) {
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        return b > 120 && r < 90 && b - r > 80 && b - g > 20;
    }
}
