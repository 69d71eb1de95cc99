package io.sgemu.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A line chart with markers, drawn with Java2D into a PNG (headless): title, axis captions with units,
 * linear, log10 or percentile axes, a legend, one colour and marker per series, and a gap in a series'
 * line where a point is missing (NaN). The layout is fixed at construction, so tests can ask where the
 * plot area and the axes are.
 */
public final class Plot {

    public static final int WIDTH = 960;
    public static final int HEIGHT = 540;
    public static final Color BACKGROUND = Color.WHITE;

    /** Colours that stay apart for colour-blind readers (Okabe and Ito), then black. */
    private static final Color[] COLOURS = {
        new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7),
        new Color(0xE69F00), new Color(0x56B4E9), new Color(0x8C7A00), new Color(0x000000)};
    private static final int MARKERS = 7;
    private static final int MAX_MARKED_POINTS = 40;
    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 17);
    private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final int LEGEND_MAX_TEXT = 260;

    /** One series: y[i] at x[i]; a NaN in either is no point. */
    public record Series(String name, double[] x, double[] y) {
    }

    private final String title;
    private final String xCaption;
    private final String yCaption;
    private final List<Series> series;
    private final Rectangle area;
    private final Scale xScale;
    private final Scale yScale;
    private final int legendX;

    public Plot(String title, String xCaption, Scale.Kind xKind, String yCaption, Scale.Kind yKind, List<Series> series) {
        this.title = title;
        this.xCaption = xCaption;
        this.yCaption = yCaption;
        this.series = List.copyOf(series);
        Scale x = scaleFor(xKind, series, true);
        Scale y = scaleFor(yKind, series, false);

        // Layout: measured with the fonts, on a scratch image, so that long tick labels and legend names fit.
        Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        FontMetrics tick = g.getFontMetrics(TICK_FONT);
        FontMetrics label = g.getFontMetrics(LABEL_FONT);
        int yTickWidth = y.ticks().stream().mapToInt(t -> tick.stringWidth(t.label())).max().orElse(0);
        int legendText = series.stream().mapToInt(s -> Math.min(LEGEND_MAX_TEXT, label.stringWidth(s.name()))).max().orElse(0);
        g.dispose();
        int left = 24 + label.getHeight() + yTickWidth + 8;
        int top = 54;
        int bottom = HEIGHT - (18 + tick.getHeight() + label.getHeight() + 12);
        int legendWidth = legendText + 44;
        int right = WIDTH - 16 - legendWidth;
        this.area = new Rectangle(left, top, right - left, bottom - top);
        this.legendX = right + 12;
        this.xScale = x.mapTo(area.x, area.x + area.width);
        this.yScale = y.mapTo(area.y + area.height, area.y);
    }

    /** The plot of a sweep: its axes as the CSV says, one series per column. */
    public static Plot of(Sweep sweep) {
        List<Series> series = new ArrayList<>();
        for (int s = 0; s < sweep.seriesNames().size(); s++) {
            series.add(new Series(sweep.seriesNames().get(s), sweep.xs(), sweep.ys()[s]));
        }
        return new Plot(sweep.title(), sweep.x().caption(), sweep.x().log() ? Scale.Kind.LOG : Scale.Kind.LINEAR,
                sweep.y().caption(), sweep.y().log() ? Scale.Kind.LOG : Scale.Kind.LINEAR, series);
    }

    /**
     * The percentile distribution of a latency histogram: x is 1/(1-p) on the percentile axis, y the
     * latency, log10 when the tail is more than fifty times the median (else the median would sit on the
     * floor). The 100% line has no place on that axis and is left out; its value is the maximum.
     */
    public static Plot percentiles(LatencyDistribution d) {
        List<LatencyDistribution.Point> pts = d.points().stream().filter(p -> p.percentile() < 1).toList();
        double[] x = new double[pts.size()];
        double[] y = new double[pts.size()];
        for (int i = 0; i < pts.size(); i++) {
            x[i] = 1 / (1 - pts.get(i).percentile());
            y[i] = pts.get(i).value();
        }
        double median = d.valueAt(0.5);
        double top = Arrays.stream(y).max().orElse(median);
        boolean log = median > 0 && top / median > 50 && Arrays.stream(y).allMatch(v -> v > 0);
        return new Plot(d.title(), "percentile", Scale.Kind.PERCENTILE, "latency (" + d.unit() + ")",
                log ? Scale.Kind.LOG : Scale.Kind.LINEAR, List.of(new Series(d.name(), x, y)));
    }

    private static Scale scaleFor(Scale.Kind kind, List<Series> series, boolean xAxis) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                double v = xAxis ? s.x()[i] : s.y()[i];
                double other = xAxis ? s.y()[i] : s.x()[i];
                if (Double.isFinite(v) && !Double.isNaN(other) && (kind == Scale.Kind.LINEAR || v > 0)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        boolean none = min > max;
        return switch (kind) {
            case LINEAR -> none ? Scale.linear(0, 1) : Scale.linear(min, max);
            case LOG -> none ? Scale.log(1, 10) : Scale.log(min, max);
            case PERCENTILE -> Scale.percentile(none ? 100 : max);
        };
    }

    /** Where the data are drawn, in image pixels. */
    public Rectangle plotArea() {
        return new Rectangle(area);
    }

    public Scale xScale() {
        return xScale;
    }

    public Scale yScale() {
        return yScale;
    }

    public BufferedImage render() {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            drawGrid(g);
            drawSeries(g);
            drawFrameAndLabels(g);
            drawLegend(g);
        } finally {
            g.dispose();
        }
        return image;
    }

    public byte[] png() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(render(), "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public void writePng(Path file) throws IOException {
        Files.write(file, png());
    }

    private void drawGrid(Graphics2D g) {
        g.setStroke(new BasicStroke(1f));
        for (Scale.Tick t : xScale.ticks()) {
            g.setColor(t.major() ? new Color(0xE2E2E2) : new Color(0xF2F2F2));
            double px = xScale.toPixel(t.value());
            g.draw(new Line2D.Double(px, area.y, px, area.y + area.height));
        }
        for (Scale.Tick t : yScale.ticks()) {
            g.setColor(t.major() ? new Color(0xE2E2E2) : new Color(0xF2F2F2));
            double py = yScale.toPixel(t.value());
            g.draw(new Line2D.Double(area.x, py, area.x + area.width, py));
        }
    }

    private void drawSeries(Graphics2D g) {
        java.awt.Shape clip = g.getClip();
        g.clip(new Rectangle(area.x - 6, area.y - 6, area.width + 12, area.height + 12));
        for (int s = 0; s < series.size(); s++) {
            Series ser = series.get(s);
            Color colour = COLOURS[s % COLOURS.length];
            Integer[] order = new Integer[ser.x().length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingDouble(i -> ser.x()[i]));
            g.setColor(colour);
            g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            Path2D.Double line = new Path2D.Double();
            boolean penDown = false;
            for (int i : order) {
                if (!drawable(ser, i)) {
                    penDown = false; // a missing cell breaks the line
                    continue;
                }
                double px = xScale.toPixel(ser.x()[i]);
                double py = yScale.toPixel(ser.y()[i]);
                if (penDown) {
                    line.lineTo(px, py);
                } else {
                    line.moveTo(px, py);
                    penDown = true;
                }
            }
            g.draw(line);
            g.setStroke(new BasicStroke(1.5f));
            for (int i : order) {
                // Dense series (a latency distribution's hundred lines) read better as a line alone.
                if (order.length <= MAX_MARKED_POINTS && drawable(ser, i)) {
                    marker(g, s % MARKERS, xScale.toPixel(ser.x()[i]), yScale.toPixel(ser.y()[i]));
                }
            }
        }
        g.setClip(clip);
    }

    private boolean drawable(Series s, int i) {
        return xScale.accepts(s.x()[i]) && yScale.accepts(s.y()[i]);
    }

    private static void marker(Graphics2D g, int kind, double x, double y) {
        double r = 4;
        Path2D.Double p = new Path2D.Double();
        switch (kind) {
            case 0 -> p.append(new java.awt.geom.Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r), false);
            case 1 -> p.append(new java.awt.geom.Rectangle2D.Double(x - r, y - r, 2 * r, 2 * r), false);
            case 2 -> polygon(p, x, y, r * 1.2, new double[]{-90, 30, 150});
            case 3 -> polygon(p, x, y, r * 1.3, new double[]{-90, 0, 90, 180});
            case 4 -> polygon(p, x, y, r * 1.2, new double[]{90, 210, 330});
            case 5 -> {
                p.moveTo(x - r, y - r);
                p.lineTo(x + r, y + r);
                p.moveTo(x - r, y + r);
                p.lineTo(x + r, y - r);
                g.draw(p);
                return;
            }
            default -> {
                p.moveTo(x - r, y);
                p.lineTo(x + r, y);
                p.moveTo(x, y - r);
                p.lineTo(x, y + r);
                g.draw(p);
                return;
            }
        }
        g.fill(p);
    }

    private static void polygon(Path2D.Double p, double x, double y, double r, double[] degrees) {
        for (int i = 0; i < degrees.length; i++) {
            double a = Math.toRadians(degrees[i]);
            if (i == 0) {
                p.moveTo(x + r * Math.cos(a), y + r * Math.sin(a));
            } else {
                p.lineTo(x + r * Math.cos(a), y + r * Math.sin(a));
            }
        }
        p.closePath();
    }

    private void drawFrameAndLabels(Graphics2D g) {
        g.setColor(new Color(0x555555));
        g.setStroke(new BasicStroke(1f));
        g.drawRect(area.x, area.y, area.width, area.height);

        g.setFont(TICK_FONT);
        FontMetrics tm = g.getFontMetrics();
        g.setColor(new Color(0x333333));
        for (Scale.Tick t : xScale.ticks()) {
            int px = (int) Math.round(xScale.toPixel(t.value()));
            g.drawLine(px, area.y + area.height, px, area.y + area.height + (t.major() ? 5 : 3));
            if (!t.label().isEmpty()) {
                g.drawString(t.label(), px - tm.stringWidth(t.label()) / 2, area.y + area.height + 6 + tm.getAscent());
            }
        }
        for (Scale.Tick t : yScale.ticks()) {
            int py = (int) Math.round(yScale.toPixel(t.value()));
            g.drawLine(area.x - (t.major() ? 5 : 3), py, area.x, py);
            if (!t.label().isEmpty()) {
                g.drawString(t.label(), area.x - 8 - tm.stringWidth(t.label()), py + tm.getAscent() / 2 - 1);
            }
        }

        g.setFont(LABEL_FONT);
        FontMetrics lm = g.getFontMetrics();
        g.drawString(xCaption, area.x + (area.width - lm.stringWidth(xCaption)) / 2,
                area.y + area.height + 8 + tm.getHeight() + lm.getAscent() + 4);
        AffineTransform saved = g.getTransform();
        g.translate(16 + lm.getAscent(), area.y + area.height / 2.0 + lm.stringWidth(yCaption) / 2.0);
        g.rotate(-Math.PI / 2);
        g.drawString(yCaption, 0, 0);
        g.setTransform(saved);

        g.setFont(TITLE_FONT);
        FontMetrics hm = g.getFontMetrics();
        g.setColor(Color.BLACK);
        String shown = fit(title, hm, WIDTH - 32);
        g.drawString(shown, (WIDTH - hm.stringWidth(shown)) / 2, 18 + hm.getAscent());
    }

    private void drawLegend(Graphics2D g) {
        g.setFont(LABEL_FONT);
        FontMetrics lm = g.getFontMetrics();
        int y = area.y + 8;
        for (int s = 0; s < series.size(); s++) {
            Color colour = COLOURS[s % COLOURS.length];
            int mid = y + lm.getHeight() / 2;
            g.setColor(colour);
            g.setStroke(new BasicStroke(2f));
            g.drawLine(legendX, mid, legendX + 26, mid);
            g.setStroke(new BasicStroke(1.5f));
            marker(g, s % MARKERS, legendX + 13, mid);
            g.setColor(Color.BLACK);
            g.drawString(fit(series.get(s).name(), lm, LEGEND_MAX_TEXT), legendX + 34, y + lm.getAscent());
            y += lm.getHeight() + 6;
        }
    }

    /** {@code text}, cut with an ellipsis to {@code width} pixels. */
    private static String fit(String text, FontMetrics m, int width) {
        if (m.stringWidth(text) <= width) {
            return text;
        }
        String t = text;
        while (!t.isEmpty() && m.stringWidth(t + "…") > width) {
            t = t.substring(0, t.length() - 1);
        }
        return t + "…";
    }
}
