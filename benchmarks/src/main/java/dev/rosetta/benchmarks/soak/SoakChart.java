package dev.rosetta.benchmarks.soak;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.ToDoubleFunction;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTitleAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws a soak's samples as one PNG: stacked panels over a shared time axis (minutes since the
 * producers started): memory, GC, CPU, connections and threads, throughput, and the route's
 * rollout percentages; every route change is a thin vertical line through all panels.
 */
final class SoakChart {
    private static final double MIB = 1024.0 * 1024;
    /** The file next to soak.csv that {@link #redraw} reads the titles from. */
    static final String TITLES = "chart.properties";

    private static final Color[] COLORS = {
        new Color(0x1f77b4),
        new Color(0xd62728),
        new Color(0x2ca02c),
        new Color(0xff7f0e),
        new Color(0x9467bd),
        new Color(0x17becf),
        new Color(0x8c564b),
        new Color(0xe377c2)
    };

    private SoakChart() {}

    static void write(
            Path png,
            String title,
            List<String> subtitles,
            List<Sample> samples,
            List<String> readers,
            List<RouteOperator.Event> events,
            double producersStoppedAt)
            throws IOException {
        NumberAxis time = new NumberAxis("minutes since the producers started");
        time.setAutoRangeIncludesZero(true);
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(time);
        plot.setGap(8);

        XYPlot memory = panel("memory (MiB)");
        lines(
                memory,
                0,
                false,
                series("heap used", samples, s -> s.heapUsed() / MIB),
                series("RSS (VmRSS)", samples, s -> s.rss() / MIB),
                series("old gen after GC (jvm_gc_live_data_size)", samples, s -> s.liveDataAfterGc() / MIB),
                series("non-heap used", samples, s -> s.nonHeapUsed() / MIB),
                series("metaspace", samples, s -> s.metaspaceUsed() / MIB),
                series("Netty frame pool, direct", samples, s -> s.nettyDirect() / MIB),
                series("JDK direct buffers", samples, s -> s.directBuffers() / MIB));
        XYSeries live = new XYSeries("live heap after forced full GC", false, true);
        samples.stream().filter(Sample::forced).forEach(s -> live.add(s.seconds() / 60, s.forcedGcLiveHeap() / MIB));
        memory.setDataset(1, new XYSeriesCollection(live));
        XYLineAndShapeRenderer points = new XYLineAndShapeRenderer(false, true);
        points.setSeriesPaint(0, Color.BLACK);
        points.setSeriesShape(0, new Ellipse2D.Double(-4, -4, 8, 8));
        memory.setRenderer(1, points);
        // the heap's saw-tooth is context; the lines that must stay flat are drawn over it
        memory.getRenderer(0).setSeriesPaint(0, new Color(0xb0c4de));
        memory.getRenderer(0).setSeriesStroke(0, new BasicStroke(1f));
        legend(memory);

        XYPlot gc = panel("GC pause, ms per s");
        lines(gc, 0, false, rate("pause time (ms per s, over a minute)", samples, s -> s.gcPauseSeconds() * 1000, 60));
        secondAxis(gc, "GCs per minute", rate("GCs per minute", samples, s -> s.gcCount() * 60, 60));
        legend(gc);

        XYPlot cpu = panel("Rosetta CPU, % of a core");
        lines(cpu, 0, false, rate("Rosetta process CPU (%, over 30 s)", samples, s -> s.cpuSeconds() * 100, 30));
        secondAxis(cpu, "load average", series("machine load average (1 min)", samples, Sample::load1));
        legend(cpu);

        XYPlot conns = panel("connections, threads");
        lines(
                conns,
                0,
                false,
                series("client connections open", samples, Sample::connectionsActive),
                series("Rosetta threads", samples, Sample::threads));
        legend(conns);

        XYPlot throughput = panel("records/s (over 30 s)");
        XYSeries[] rates = new XYSeries[3 + readers.size()];
        rates[0] = rate("acknowledged to producers", samples, s -> s.acked(), 30);
        rates[1] = rate("Rosetta produce (rosetta_records_total)", samples, Sample::rosettaProduceRecords, 30);
        rates[2] = rate("Rosetta consume, all groups", samples, Sample::rosettaConsumeRecords, 30);
        for (int i = 0; i < readers.size(); i++) {
            int k = i;
            rates[3 + i] = rate("read by " + readers.get(i), samples, s -> s.consumed()[k], 30);
        }
        lines(throughput, 0, false, rates);
        legend(throughput);

        XYPlot route = panel("v2 share (%)");
        XYSeries produce = new XYSeries("produce: stored as v2");
        XYSeries consume = new XYSeries("consume, group without override: read as v2");
        produce.add(0, 0);
        consume.add(0, 0);
        for (RouteOperator.Event e : events) {
            if (e.ok()) {
                produce.add(e.seconds() / 60, e.produceV2Percent());
                consume.add(e.seconds() / 60, e.consumeV2Percent());
            }
        }
        double end = samples.isEmpty() ? 0 : samples.get(samples.size() - 1).seconds() / 60;
        produce.add(end, produce.getY(produce.getItemCount() - 1));
        consume.add(end, consume.getY(consume.getItemCount() - 1));
        XYSeriesCollection routeData = new XYSeriesCollection();
        routeData.addSeries(produce);
        routeData.addSeries(consume);
        route.setDataset(routeData);
        XYStepRenderer steps = new XYStepRenderer();
        steps.setSeriesPaint(0, COLORS[0]);
        steps.setSeriesPaint(1, COLORS[1]);
        steps.setSeriesStroke(0, new BasicStroke(2f));
        steps.setSeriesStroke(
                1, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6f, 3f}, 0f));
        route.setRenderer(steps);
        ((NumberAxis) route.getRangeAxis()).setRange(-5, 110);
        legend(route);

        for (XYPlot p : List.of(memory, gc, cpu, conns, throughput, route)) {
            for (RouteOperator.Event e : events) {
                ValueMarker m = new ValueMarker(
                        e.seconds() / 60, e.ok() ? new Color(0, 0, 0, 40) : Color.RED, new BasicStroke(1f));
                p.addDomainMarker(m);
            }
            if (!Double.isNaN(producersStoppedAt)) {
                ValueMarker stop = new ValueMarker(
                        producersStoppedAt / 60,
                        Color.DARK_GRAY,
                        new BasicStroke(
                                1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {4f, 4f}, 0f));
                p.addDomainMarker(stop);
            }
        }
        plot.add(memory, 5);
        plot.add(gc, 2);
        plot.add(cpu, 2);
        plot.add(conns, 2);
        plot.add(throughput, 3);
        plot.add(route, 2);

        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, false);
        for (String subtitle : subtitles) {
            chart.addSubtitle(new TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 11)));
        }
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        // opaque RGB, highest compression: the chart goes into the repository, and an alpha channel only adds bytes
        BufferedImage image = chart.createBufferedImage(1200, 1500, BufferedImage.TYPE_INT_RGB, null);
        try (OutputStream out = Files.newOutputStream(png)) {
            ChartUtils.writeBufferedImageAsPNG(out, image, false, 9);
        }
    }

    private static XYPlot panel(String label) {
        NumberAxis axis = new NumberAxis(label);
        axis.setAutoRangeIncludesZero(true);
        axis.setUpperMargin(0.22); // room for the legend drawn over the top of the panel
        axis.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        XYPlot p = new XYPlot(new XYSeriesCollection(), null, axis, new XYLineAndShapeRenderer(true, false));
        p.setBackgroundPaint(Color.WHITE);
        p.setDomainGridlinePaint(new Color(0xdddddd));
        p.setRangeGridlinePaint(new Color(0xdddddd));
        p.setOutlinePaint(Color.GRAY);
        return p;
    }

    private static void lines(XYPlot plot, int index, boolean shapes, XYSeries... series) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, shapes);
        for (int i = 0; i < series.length; i++) {
            data.addSeries(series[i]);
            r.setSeriesPaint(i, COLORS[i % COLORS.length]);
            r.setSeriesStroke(i, new BasicStroke(1.4f));
        }
        plot.setDataset(index, data);
        plot.setRenderer(index, r);
    }

    private static void secondAxis(XYPlot plot, String label, XYSeries series) {
        NumberAxis axis = new NumberAxis(label);
        axis.setAutoRangeIncludesZero(true);
        axis.setUpperMargin(0.22);
        axis.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        plot.setRangeAxis(1, axis);
        plot.setDataset(1, new XYSeriesCollection(series));
        plot.mapDatasetToRangeAxis(1, 1);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        Paint paint = new Color(0x999999);
        r.setSeriesPaint(0, paint);
        r.setSeriesStroke(0, new BasicStroke(1f)); // thin and grey: context for the panel's own line
        plot.setRenderer(1, r);
    }

    private static void legend(XYPlot plot) {
        LegendTitle legend = new LegendTitle(plot);
        legend.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        legend.setBackgroundPaint(new Color(255, 255, 255, 215));
        legend.setFrame(new BlockBorder(new Color(0xcccccc)));
        legend.setPosition(RectangleEdge.TOP);
        legend.setItemLabelPadding(new RectangleInsets(1, 2, 1, 6));
        plot.addAnnotation(new XYTitleAnnotation(0.005, 0.995, legend, RectangleAnchor.TOP_LEFT));
    }

    /** A figure over time, without the samples right after a forced GC (their heap is at its floor). */
    private static XYSeries series(String name, List<Sample> samples, ToDoubleFunction<Sample> value) {
        XYSeries s = new XYSeries(name, false, true);
        for (Sample sample : samples) {
            double v = sample.forced() ? Double.NaN : value.applyAsDouble(sample);
            if (!Double.isNaN(v)) {
                s.add(sample.seconds() / 60, v);
            }
        }
        return s;
    }

    /**
     * The per-second rate of a cumulative figure over the last {@code window} seconds (at least one
     * sample interval), drawn at the end of the window. Samples right after a forced GC are left out:
     * they split an interval.
     */
    private static XYSeries rate(String name, List<Sample> all, ToDoubleFunction<Sample> cumulative, double window) {
        XYSeries s = new XYSeries(name, false, true);
        List<Sample> samples = all.stream().filter(x -> !x.forced()).toList();
        int from = 0;
        for (int i = 1; i < samples.size(); i++) {
            Sample b = samples.get(i);
            while (from + 1 < i && b.seconds() - samples.get(from + 1).seconds() >= window) {
                from++;
            }
            Sample a = samples.get(from);
            double dt = b.seconds() - a.seconds();
            double dv = cumulative.applyAsDouble(b) - cumulative.applyAsDouble(a);
            if (dt > 0 && !Double.isNaN(dv)) {
                s.add(b.seconds() / 60, dv / dt);
            }
        }
        return s;
    }

    /** The chart's titles, reader names and end, next to the CSV files, so that {@link #redraw} can draw it again. */
    static void saveTitles(Path file, String title, List<String> subtitles, List<String> readers, double stoppedAt)
            throws IOException {
        Properties p = new Properties();
        p.setProperty("title", title);
        for (int i = 0; i < subtitles.size(); i++) {
            p.setProperty("subtitle." + (i + 1), subtitles.get(i));
        }
        p.setProperty("readers", String.join("|", readers));
        p.setProperty("producersStoppedAt", Double.toString(stoppedAt));
        try (Writer w = Files.newBufferedWriter(file)) {
            p.store(w, "titles of soak.png (Soak --redraw DIR draws it again from the CSV files)");
        }
    }

    /** Draws {@code dir/soak.png} again from the files a soak left in {@code dir}. */
    static Path redraw(Path dir) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve(TITLES))) {
            p.load(r);
        }
        List<String> subtitles = new ArrayList<>();
        for (int i = 1; p.getProperty("subtitle." + i) != null; i++) {
            subtitles.add(p.getProperty("subtitle." + i));
        }
        Path png = dir.resolve("soak.png");
        write(
                png,
                p.getProperty("title", "Rosetta soak"),
                subtitles,
                SoakCsv.readSamples(dir.resolve("soak.csv")),
                List.of(p.getProperty("readers", "").split("\\|")),
                SoakCsv.readRouteChanges(dir.resolve("route-changes.csv")),
                Double.parseDouble(p.getProperty("producersStoppedAt", "NaN")));
        return png;
    }
}
