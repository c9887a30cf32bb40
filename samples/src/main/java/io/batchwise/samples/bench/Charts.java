package io.batchwise.samples.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The PNG charts (XChart, headless): rows/s per method, heap vs rows read, page time vs position, scaling. */
final class Charts {
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 600;

    private Charts() {
    }

    static void write(Path out, String prefix, Options options, List<Run> runs) throws IOException {
        List<Report.Summary> summaries = Report.summaries(runs);
        long n = options.rows();
        rowsPerSecond(out.resolve(prefix + "-rows-per-second.png"), summaries, n, options);
        heapVsRows(out.resolve(prefix + "-heap-vs-rows.png"), runs, n, options);
        if (options.scale() > 0) {
            scaling(out, summaries, options);
        } else {
            pageTime(out.resolve(prefix + "-page-time.png"), runs, n);
        }
    }

    /**
     * Median wall time of every read-ahead method and of the same walk without it, per latency and work
     * (one group of bars per variant), at the first table size.
     */
    static void readAhead(Path file, List<Run> runs) throws IOException {
        List<Report.Summary> summaries = Report.summaries(runs);
        if (summaries.isEmpty()) {
            return;
        }
        long n = summaries.get(0).tableRows();
        List<String> variants = summaries.stream().filter(s -> s.tableRows() == n).map(Report.Summary::variant)
                .distinct().toList();
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH + 200).height(HEIGHT)
                .title(String.format(Locale.ROOT, "Read-ahead: median time of a walk of %,d rows, by latency per"
                        + " direction and work per row", n))
                .xAxisTitle("latency / work per row").yAxisTitle("seconds").build();
        chart.getStyler().setLegendPosition(LegendPosition.OutsideE);
        chart.getStyler().setXAxisLabelRotation(20);
        boolean added = false;
        for (Method method : Method.values()) {
            boolean relevant = method.withoutReadAhead() != null || method == Method.SCROLL_CLEAR
                    || java.util.Arrays.stream(Method.values()).anyMatch(m -> m.withoutReadAhead() == method);
            if (!relevant) {
                continue;
            }
            List<Number> seconds = new ArrayList<>();
            boolean measured = false;
            for (String variant : variants) {
                Report.Summary s = summaries.stream().filter(x -> x.method() == method && x.tableRows() == n
                        && x.variant().equals(variant) && !x.measured().isEmpty()).findFirst().orElse(null);
                seconds.add(s == null ? 0 : s.medianWallSeconds());
                measured |= s != null;
            }
            if (measured) {
                chart.addSeries(method.id, variants, seconds);
                added = true;
            }
        }
        if (added) {
            save(chart, file);
        }
    }

    private static void rowsPerSecond(Path file, List<Report.Summary> summaries, long n, Options options) throws IOException {
        List<String> names = new ArrayList<>();
        List<Number> rates = new ArrayList<>();
        for (Report.Summary s : summaries) {
            if (s.tableRows() != n) {
                continue;
            }
            String outcome = s.outcome();
            String label = s.method().id + (outcome.equals("ok") ? "" : outcome.contains("OOM") ? " (OOM)"
                    : outcome.startsWith("capped") ? " (capped)" : " (" + outcome + ")");
            names.add(label);
            double rate = s.measured().isEmpty() ? 0 : s.medianRate();
            rates.add(rate / 1000.0);
        }
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(String.format(Locale.ROOT, "Rows per second, %,d rows, -Xmx%s (median of %d)", n, options.heap(), options.reps()))
                .xAxisTitle("method").yAxisTitle("thousand rows / s").build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setXAxisLabelRotation(35);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setLabelsFontColorAutomaticEnabled(false);
        chart.getStyler().setDecimalPattern("#,##0");
        chart.addSeries("rows/s", names, rates);
        save(chart, file);
    }

    private static void heapVsRows(Path file, List<Run> runs, long n, Options options) throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(String.format(Locale.ROOT, "Heap left after each collection while reading %,d rows, -Xmx%s (first repetition)", n, options.heap()))
                .xAxisTitle("rows handed to the caller (thousands)").yAxisTitle("live heap after GC (MB)").build();
        chart.getStyler().setLegendPosition(LegendPosition.OutsideE);
        chart.getStyler().setMarkerSize(0);
        chart.getStyler().setYAxisMin(0.0);
        Map<Method, Run> first = new LinkedHashMap<>();
        for (Run run : runs) {
            if (run.mode.equals("walk") && run.tableRows == n && run.trace != null) {
                first.putIfAbsent(run.method, run);
            }
        }
        for (Run run : first.values()) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (String line : Files.readAllLines(run.trace, StandardCharsets.UTF_8)) {
                String[] cells = line.split(",");
                if (cells.length == 4 && cells[0].equals("gc")) {
                    x.add(Long.parseLong(cells[2]) / 1000.0);
                    y.add(Long.parseLong(cells[3]) / 1048576.0);
                }
            }
            if (x.isEmpty()) {
                continue;
            }
            String label = run.method.id + (run.ok() ? "" : run.outcome().equals("oom") && run.rows() == 0
                    ? " (OOM before the first row)" : " (" + run.outcome() + ")");
            XYSeries series = chart.addSeries(label, x, y);
            series.setMarker(SeriesMarkers.NONE);
        }
        if (chart.getSeriesMap().isEmpty()) {
            chart.addSeries("no trace", new double[] {0}, new double[] {0});
        }
        save(chart, file);
    }

    private static void pageTime(Path file, List<Run> runs, long n) throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(String.format(Locale.ROOT, "Time of one %,d-row page at a position in %,d rows (median)", Method.PAGE, n))
                .xAxisTitle("position (% of the table)").yAxisTitle("ms per page").build();
        chart.getStyler().setLegendPosition(LegendPosition.InsideNW);
        chart.getStyler().setYAxisMin(0.0);
        Map<Method, List<Run>> byMethod = new LinkedHashMap<>();
        for (Run run : runs) {
            if (run.mode.equals("pages") && run.ok() && run.tableRows == n) {
                byMethod.computeIfAbsent(run.method, k -> new ArrayList<>()).add(run);
            }
        }
        for (Map.Entry<Method, List<Run>> e : byMethod.entrySet()) {
            double[] x = new double[Probe.PAGE_POSITIONS.length];
            double[] y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                String key = "page" + Math.round(Probe.PAGE_POSITIONS[i] * 100) + "Ms";
                x[i] = Probe.PAGE_POSITIONS[i] * 100;
                y[i] = Report.median(e.getValue().stream().mapToDouble(r -> r.number(key)).toArray());
            }
            chart.addSeries(e.getKey().id, x, y);
        }
        if (chart.getSeriesMap().isEmpty()) {
            chart.addSeries("no page timings", new double[] {0}, new double[] {0});
        }
        save(chart, file);
    }

    private static void scaling(Path out, List<Report.Summary> summaries, Options options) throws IOException {
        XYChart heap = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Retained heap at the last row vs table size, -Xmx" + options.heap())
                .xAxisTitle("rows in the table (millions)").yAxisTitle("retained heap (MB)").build();
        XYChart time = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Walk time vs table size").xAxisTitle("rows in the table (millions)").yAxisTitle("seconds").build();
        heap.getStyler().setLegendPosition(LegendPosition.InsideSE);
        time.getStyler().setLegendPosition(LegendPosition.InsideNW);
        heap.getStyler().setYAxisMin(0.0);
        time.getStyler().setYAxisMin(0.0);
        Map<Method, List<Report.Summary>> byMethod = new LinkedHashMap<>();
        for (Report.Summary s : summaries) {
            byMethod.computeIfAbsent(s.method(), k -> new ArrayList<>()).add(s);
        }
        for (Map.Entry<Method, List<Report.Summary>> e : byMethod.entrySet()) {
            List<Double> x = new ArrayList<>();
            List<Double> retained = new ArrayList<>();
            List<Double> seconds = new ArrayList<>();
            for (Report.Summary s : e.getValue()) {
                if (s.completed().isEmpty()) {
                    continue;
                }
                x.add(s.tableRows() / 1e6);
                retained.add(s.median("retainedEndMb"));
                seconds.add(s.medianWallSeconds());
            }
            if (!x.isEmpty()) {
                heap.addSeries(e.getKey().id, x, retained);
                time.addSeries(e.getKey().id, x, seconds);
            }
        }
        if (heap.getSeriesMap().isEmpty()) {
            heap.addSeries("nothing completed", new double[] {0}, new double[] {0});
            time.addSeries("nothing completed", new double[] {0}, new double[] {0});
        }
        save(heap, out.resolve("scaling-heap.png"));
        save(time, out.resolve("scaling-time.png"));
    }

    private static void save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path file) throws IOException {
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapFormat.PNG);
    }
}
