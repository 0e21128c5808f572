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
    /** Softmax loss of the preset (normalised softmax, temperature 0.05). */
    static final String SOFTMAX = "NormalizedSoftmaxLoss";
    /** Center loss of the preset (centers updated by the paper's rule, α = 0.5). */
    static final String CENTER = "CenterLoss:alpha=0.5";
    /** λ, the weight of the center loss. */
    static final double LAMBDA = 0.1;

    private final TrainCommand cmd;

    CenterLoss2dPreset(TrainCommand cmd) {
        this.cmd = cmd;
    }

    int run() throws IOException {
        Path dir = cmd.out != null ? cmd.out : Path.of("runs", "center-loss-2d");
        if (cmd.miner != null && cmd.miner.equals("MultiSimilarityMiner:epsilon=0.1")) {
            cmd.miner = "none"; // classification losses use every item of the batch
        }
        List<String> centerLosses = cmd.losses != null ? cmd.losses : List.of(SOFTMAX, CENTER);
        List<Double> centerWeights = cmd.lossWeights != null ? cmd.lossWeights : List.of(1.0, LAMBDA);
        TrainCommand.Run soft = cmd.train(List.of(centerLosses.get(0)), null, 2, dir.resolve("softmax"), false);
        Path softPng = plot(soft, dir.resolve("softmax.png"), "softmax loss");
        TrainCommand.Run center = cmd.train(centerLosses, centerWeights, 2, dir.resolve("softmax-center"), false);
        Path centerPng = plot(center, dir.resolve("softmax-center.png"),
                "softmax + " + centerWeights.get(1) + " x center loss");
        PrintWriter w = cmd.writer();
        w.println("plots: " + softPng + " " + centerPng);
        w.println("softmax: " + TrainCommand.metricsLine(soft.trained()));
        w.println("softmax+center: " + TrainCommand.metricsLine(center.trained()));
        w.flush();
        return 0;
    }

    private Path plot(TrainCommand.Run run, Path png, String title) throws IOException {
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
            ScatterPlot.write(png, xy, d.evalSeen().labels(), TrainCommand.FASHION_NAMES,
                    title + " - 2-D features of " + d.evalSeen().name());
        }
        return png;
    }
}
