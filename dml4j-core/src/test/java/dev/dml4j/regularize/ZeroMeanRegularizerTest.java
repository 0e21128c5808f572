package dev.dml4j.regularize;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.distance.LpDistance;
import dev.dml4j.loss.ContrastiveLoss;
import dev.dml4j.loss.MetricLoss;
import dev.dml4j.reduce.SumReducer;
import org.junit.jupiter.api.Test;

/**
 * ZeroMeanRegularizer, hand-computed: each row's penalty is |Σ<sub>j</sub> x<sub>ij</sub>|. Rows (0, 0), (1, 0),
 * (0, 2), (−3, 1) sum to 0, 1, 2, −2: mean penalty (0 + 1 + 2 + 2) / 4 = 1.25, sum 5.
 */
class ZeroMeanRegularizerTest {
    static final double[][] X = {{0, 0}, {1, 0}, {0, 2}, {-3, 1}};
    static final long[] LABELS = {0, 0, 1, 1};

    private static double value(MetricLoss loss) {
        try (NDManager m = NDManager.newBaseManager()) {
            return loss.forward(m.create(X), m.create(LABELS)).toType(DataType.FLOAT64, false).getDouble();
        }
    }

    private static ContrastiveLoss contrastive() {
        return new ContrastiveLoss(0, 3, new LpDistance(false, 2, 1), null);
    }

    @Test
    void meanAbsoluteRowSumTimesItsWeightIsAdded() {
        double base = value(contrastive());
        assertEquals(base + 0.5 * 1.25, value(contrastive().withEmbeddingRegularizer(new ZeroMeanRegularizer(), 0.5)),
                1e-12);
    }

    @Test
    void sumReducer() {
        double base = value(contrastive());
        assertEquals(base + 5, value(contrastive().withEmbeddingRegularizer(new ZeroMeanRegularizer(new SumReducer()),
                1)), 1e-12);
    }
}
