package dev.dml4j.regularize;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.distance.LpDistance;
import dev.dml4j.loss.ContrastiveLoss;
import dev.dml4j.loss.MetricLoss;
import dev.dml4j.reduce.SumReducer;
import dev.dml4j.testing.GradCheck;
import dev.dml4j.util.Components;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * LpRegularizer as an embedding regularizer on a loss, hand-computed. Batch: x0 = (0, 0) and x1 = (1, 0) of class 0,
 * x2 = (0, 2) of class 1. Contrastive loss on raw Euclidean distances (pos_margin 0, neg_margin 3): d01 = 1,
 * d02 = 2, d12 = √5; positive pairs (0,1), (1,0) lose 1 each; negative pairs lose 3 − 2 = 1 (twice) and 3 − √5
 * (twice); each part is averaged over its non-zero pairs: 1 + (2 + 2(3 − √5)) / 4 = 3 − √5 / 2.
 */
class LpRegularizerTest {
    static final double[][] X = {{0, 0}, {1, 0}, {0, 2}};
    static final long[] LABELS = {0, 0, 1};
    static final double CONTRASTIVE = 3 - Math.sqrt(5) / 2;

    private static double value(MetricLoss loss) {
        return value(loss, X, LABELS);
    }

    /** The loss of a float64 batch, as a double (shared with the other regularizer tests). */
    static double value(MetricLoss loss, double[][] x, long[] labels) {
        try (NDManager m = NDManager.newBaseManager()) {
            return loss.forward(m.create(x), m.create(labels)).toType(DataType.FLOAT64, false).getDouble();
        }
    }

    /** Contrastive loss on raw Euclidean distances, pos_margin 0, neg_margin 3. */
    static ContrastiveLoss contrastive() {
        return new ContrastiveLoss(0, 3, new LpDistance(false, 2, 1), null);
    }

    @Test
    void theLossWithoutRegularizer() {
        assertEquals(CONTRASTIVE, value(contrastive()), 1e-12);
    }

    @Test
    void meanL2NormTimesItsWeightIsAdded() {
        // mean ‖x‖₂ = (0 + 1 + 2) / 3 = 1, weight 0.25
        assertEquals(CONTRASTIVE + 0.25, value(contrastive().withEmbeddingRegularizer(new LpRegularizer(), 0.25)),
                1e-12);
    }

    @Test
    void powerAndOrderAndReducer() {
        // mean ‖x‖₂² = (0 + 1 + 4) / 3
        assertEquals(CONTRASTIVE + 5.0 / 3, value(contrastive().withEmbeddingRegularizer(new LpRegularizer(2, 2, null),
                1)), 1e-12);
        // Σ ‖x‖₁ over rows with a SumReducer: 0 + 1 + 2, weight 2
        assertEquals(CONTRASTIVE + 6, value(contrastive().withEmbeddingRegularizer(new LpRegularizer(1, 1,
                new SumReducer()), 2)), 1e-12);
        // L1 norm of a row with negative entries: (−1, 2) has ‖·‖₁ = 3, ‖·‖₂ = √5
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new double[][] {{-1, 2}});
            assertEquals(3, new LpRegularizer(1, 1, null).compute(x).getDouble(), 1e-12);
            assertEquals(Math.sqrt(5), new LpRegularizer().compute(x).getDouble(), 1e-12);
        }
    }

    @Test
    void builtFromReferenceNamesOnTheLoss() {
        MetricLoss loss = Components.create(MetricLoss.class, "ContrastiveLoss", Map.of("neg_margin", 3.0,
                "distance", Map.of("class", "LpDistance", "params", Map.of("normalize_embeddings", false)),
                "embedding_regularizer", Map.of("class", "LpRegularizer", "params", Map.of("power", 2)),
                "embedding_reg_weight", 0.5));
        assertEquals(CONTRASTIVE + 0.5 * 5.0 / 3, value(loss), 1e-12);
    }

    @Test
    void gradientOfLossPlusRegularizerMatchesFiniteDifferences() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray labels = m.create(new long[] {0, 0, 0, 1, 1, 1, 2, 2});
            MetricLoss loss = new ContrastiveLoss().withEmbeddingRegularizer(new LpRegularizer(2, 2, null), 0.3);
            GradCheck.check(x -> loss.forward(x, labels), GradCheck.gaussian(8, 4, 61), 1e-6, 1e-6, 1e-8);
            MetricLoss l1 = new ContrastiveLoss().withEmbeddingRegularizer(new LpRegularizer(1, 1, null), 0.3);
            GradCheck.check(x -> l1.forward(x, labels), GradCheck.gaussian(8, 4, 62), 1e-6, 1e-6, 1e-8);
        }
    }
}
