package dev.dml4j.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.dml4j.train.Trainer;
import dev.dml4j.train.model.EmbeddingModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code dml4j train --preset center-loss-2d}: the Center-loss paper's feature-plot experiment (Wen et al. 2016,
 * figures 2 and 3) on the built-in data: a small CNN with a 2-D embedding is trained twice on the training classes,
 * once with a softmax loss alone and once with softmax + λ·center loss, and the 2-D features of the test items of
 * those classes are drawn, one colour per class, to {@code softmax.png} and {@code softmax-center.png}. Retrieval on
 * the unseen classes is printed for both.
 */
final class CenterLoss2dPreset {
    /**
     * The plain softmax loss of the paper (a linear classifier W·x without bias and cross-entropy): L-Softmax with
     * angle multiplier m = 1 is exactly that.
     */
    static final String SOFTMAX = "LargeMarginSoftmaxLoss:margin=1";
    /** Center loss of the preset (centers updated by the paper's rule, α = 0.5). */
    static final String CENTER = "CenterLoss:alpha=0.5";
    /** λ, the weight of the center loss. */
    static final double LAMBDA = 1.0;

    private final TrainCommand cmd;

    CenterLoss2dPreset(TrainCommand cmd) {
        this.cmd = cmd;
    }

    int run() throws IOException {
        Path dir = cmd.out != null ? cmd.out : Path.of("runs", "center-loss-2d");
        if (TrainCommand.DEFAULT_MINER.equals(cmd.miner)) {
            cmd.miner = "none"; // classification losses use every item of the batch
        }
        List<String> centerLosses = cmd.losses != null ? cmd.losses : List.of(SOFTMAX, CENTER);
        List<Double> centerWeights = cmd.lossWeights != null ? cmd.lossWeights : List.of(1.0, LAMBDA);
        TrainCommand.Run soft = cmd.train(List.of(centerLosses.get(0)), null, 2, dir.resolve("softmax"), false);
        double[] softSpread = new double[1];
        Path softPng = plot(soft, dir.resolve("softmax.png"), "softmax loss", softSpread);
        TrainCommand.Run center = cmd.train(centerLosses, centerWeights, 2, dir.resolve("softmax-center"), false);
        double[] centerSpread = new double[1];
        Path centerPng = plot(center, dir.resolve("softmax-center.png"),
                "softmax + " + centerWeights.get(1) + " x center loss", centerSpread);
        PrintWriter w = cmd.writer();
        w.println("plots: " + softPng + " " + centerPng);
        w.println(String.format(java.util.Locale.ROOT, "spread (mean distance to the class mean / mean distance "
                + "between class means): softmax=%.3f softmax+center=%.3f", softSpread[0], centerSpread[0]));
        w.println("softmax: " + TrainCommand.metricsLine(soft.trained()));
        w.println("softmax+center: " + TrainCommand.metricsLine(center.trained()));
        w.flush();
        return 0;
    }

    private Path plot(TrainCommand.Run run, Path png, String title, double[] spread) throws IOException {
        TrainCommand.Data d = cmd.data();
        try (EmbeddingModel m = EmbeddingModel.load(run.out().resolve(Trainer.MODEL));
             NDManager mgr = NDManager.newBaseManager()) {
            NDArray e = m.embed(d.evalSeen(), cmd.evalBatch, mgr);
            float[] flat = e.toFloatArray();
            float[][] xy = new float[flat.length / 2][2];
            for (int i = 0; i < xy.length; i++) {
                xy[i][0] = flat[2 * i];
                xy[i][1] = flat[2 * i + 1];
            }
            spread[0] = spread(xy, d.evalSeen().labels());
            ScatterPlot.write(png, xy, d.evalSeen().labels(), fashionNames(),
                    title + " - 2-D features of " + d.evalSeen().name());
        }
        return png;
    }

    /**
     * How tight the classes are relative to how far apart they lie: the mean distance of a point to its class mean,
     * divided by the mean distance between two class means (scale-free; smaller = tighter clusters).
     */
    static double spread(float[][] xy, long[] labels) {
        java.util.Map<Long, double[]> sums = new java.util.TreeMap<>();
        for (int i = 0; i < xy.length; i++) {
            double[] s = sums.computeIfAbsent(labels[i], k -> new double[3]);
            s[0] += xy[i][0];
            s[1] += xy[i][1];
            s[2]++;
        }
        java.util.Map<Long, double[]> means = new java.util.TreeMap<>();
        sums.forEach((k, s) -> means.put(k, new double[] {s[0] / s[2], s[1] / s[2]}));
        double intra = 0;
        for (int i = 0; i < xy.length; i++) {
            double[] c = means.get(labels[i]);
            intra += Math.hypot(xy[i][0] - c[0], xy[i][1] - c[1]);
        }
        intra /= xy.length;
        java.util.List<double[]> cs = new java.util.ArrayList<>(means.values());
        double inter = 0;
        int pairs = 0;
        for (int a = 0; a < cs.size(); a++) {
            for (int b = a + 1; b < cs.size(); b++) {
                inter += Math.hypot(cs.get(a)[0] - cs.get(b)[0], cs.get(a)[1] - cs.get(b)[1]);
                pairs++;
            }
        }
        return pairs == 0 ? Double.NaN : intra / (inter / pairs);
    }

    private static java.util.Map<Long, String> fashionNames() {
        java.util.Map<Long, String> m = new java.util.HashMap<>();
        for (int i = 0; i < dev.dml4j.train.data.FashionMnist.CLASS_NAMES.size(); i++) {
            m.put((long) i, dev.dml4j.train.data.FashionMnist.CLASS_NAMES.get(i));
        }
        return m;
    }
}
