package dev.dml4j.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.dml4j.distance.CosineSimilarity;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.mining.Tuples;
import dev.dml4j.reduce.MeanReducer;
import dev.dml4j.reduce.PerAnchorReducer;
import dev.dml4j.reduce.SumReducer;
import dev.dml4j.reduce.ThresholdReducer;
import dev.dml4j.testing.GradCheck;
import dev.dml4j.util.Ops;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Without a tuple, contrastive and triplet losses work on the whole matrix with masks (no pair or triplet lists);
 * with the explicit list of all pairs or all triplets they take the list path. Both must give the same loss and
 * gradient (float64), for every reducer kind, swap and smooth variants, unbalanced classes and a reference set.
 */
class MatrixPathTest {
    static final long[] LABELS = {0, 0, 0, 1, 1, 2, 2, 2, 2, 3, 4, 4, 1, 0};
    static final long[] REF_LABELS = {1, 0, 2, 2, 5, 0, 4};

    @Test
    void contrastiveMatrixPathEqualsPairList() {
        List<MetricLoss> losses = List.of(new ContrastiveLoss(), new ContrastiveLoss(0.3, 0.9, null, null),
                new ContrastiveLoss(0.1, 0.7, new CosineSimilarity(), new MeanReducer()),
                new ContrastiveLoss(0, 1, null, new PerAnchorReducer()),
                new ContrastiveLoss(0, 1, null, new ThresholdReducer(0.2, 0.9)));
        for (MetricLoss loss : losses) {
            compare(loss, (l, r) -> Tuples.allPairs(l, r));
        }
    }

    @Test
    void tripletMatrixPathEqualsTripletList() {
        List<MetricLoss> losses = List.of(new TripletMarginLoss(), new TripletMarginLoss(0.3),
                new TripletMarginLoss(0.2, true, false, TripletMarginLoss.ALL, null, null),
                new TripletMarginLoss(0.2, false, true, TripletMarginLoss.ALL, null, new MeanReducer()),
                new TripletMarginLoss(0.1, false, false, TripletMarginLoss.ALL, new CosineSimilarity(),
                        new SumReducer()),
                new TripletMarginLoss(0.4, false, false, TripletMarginLoss.ALL, null, new ThresholdReducer(0.1, null)));
        for (MetricLoss loss : losses) {
            compare(loss, (l, r) -> Tuples.allTriplets(l, r));
        }
    }

    /** Loss and gradient without a tuple vs with the list of all tuples, on the batch and with a reference set. */
    private static void compare(MetricLoss loss, BiFunction<NDArray, NDArray, IndicesTuple> all) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(GradCheck.gaussian(LABELS.length, 5, 7));
            NDArray ref = m.create(GradCheck.gaussian(REF_LABELS.length, 5, 8));
            NDArray labels = m.create(LABELS);
            NDArray refLabels = m.create(REF_LABELS);
            for (boolean withRef : new boolean[] {false, true}) {
                NDArray r = withRef ? ref : null;
                NDArray rl = withRef ? refLabels : null;
                double[] matrix = lossAndGradient(x, g -> loss.forward(g, labels, null, r, rl));
                double[] list;
                try (IndicesTuple t = all.apply(labels, rl)) {
                    list = lossAndGradient(x, g -> loss.forward(g, labels, t, r, rl));
                }
                String what = loss + (withRef ? " with a reference set" : "");
                assertEquals(list[0], matrix[0], 1e-12 * Math.max(1, Math.abs(list[0])), what + ": loss");
                assertArrayEquals(list, matrix, 1e-12, what + ": gradient");
            }
        }
    }

    /** {loss, ∂loss/∂x...} of f at x (float64). */
    private static double[] lossAndGradient(NDArray x, java.util.function.Function<NDArray, NDArray> f) {
        try (NDArray g = x.duplicate()) {
            g.setRequiresGradient(true);
            double value;
            double[] grad;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector(); NDArray l = f.apply(g)) {
                value = l.getDouble();
                Ops.backward(gc, l);
            }
            try (NDArray gr = g.getGradient()) {
                grad = gr.toDoubleArray();
            }
            double[] out = new double[grad.length + 1];
            out[0] = value;
            System.arraycopy(grad, 0, out, 1, grad.length);
            return out;
        }
    }
}
