package dev.dml4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Writes a PNG scatter plot of 2-D embeddings, one colour per class (as the Center-loss paper's feature plots). */
final class ScatterPlot {
    private ScatterPlot() {
    }

    /**
     * Writes the plot.
     *
     * @param png the output file (.png)
     * @param xy embeddings [N][2]
     * @param labels class of each row
     * @param names class id → display name (may miss ids)
     * @param title chart title
     */
    static void write(Path png, float[][] xy, long[] labels, Map<Long, String> names, String title) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Map<Long, double[][]> byClass = new TreeMap<>();
        Map<Long, Integer> counts = new TreeMap<>();
        for (long l : labels) {
            counts.merge(l, 1, Integer::sum);
        }
        for (Map.Entry<Long, Integer> e : counts.entrySet()) {
            byClass.put(e.getKey(), new double[2][e.getValue()]);
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (float[] p : xy) {
            lo = Math.min(lo, Math.min(p[0], p[1]));
            hi = Math.max(hi, Math.max(p[0], p[1]));
        }
        Map<Long, Integer> fill = new TreeMap<>();
        for (int i = 0; i < labels.length; i++) {
            int k = fill.merge(labels[i], 1, Integer::sum) - 1;
            byClass.get(labels[i])[0][k] = xy[i][0];
            byClass.get(labels[i])[1][k] = xy[i][1];
        }
        XYChart chart = new XYChartBuilder().width(800).height(800).title(title).xAxisTitle("feature 1")
                .yAxisTitle("feature 2").build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(3);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        // the same range on both axes, so distances look as they are (round clusters stay round)
        double pad = 0.05 * (hi - lo);
        chart.getStyler().setXAxisMin(lo - pad).setXAxisMax(hi + pad).setYAxisMin(lo - pad).setYAxisMax(hi + pad);
        for (Map.Entry<Long, double[][]> e : byClass.entrySet()) {
            String name = e.getKey() + " " + names.getOrDefault(e.getKey(), "");
            XYSeries s = chart.addSeries(name.trim(), e.getValue()[0], e.getValue()[1]);
            s.setMarker(SeriesMarkers.CIRCLE);
        }
        Path abs = png.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        String file = abs.toString();
        BitmapEncoder.saveBitmap(chart, file.endsWith(".png") ? file.substring(0, file.length() - 4) : file,
                BitmapEncoder.BitmapFormat.PNG);
    }
}
