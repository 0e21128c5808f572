package dev.dml4j.regularize;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
        return LpRegularizerTest.value(loss, X, LABELS);
    }

    @Test
    void meanAbsoluteRowSumTimesItsWeightIsAdded() {
        double base = value(LpRegularizerTest.contrastive());
        assertEquals(base + 0.5 * 1.25, value(LpRegularizerTest.contrastive().withEmbeddingRegularizer(new ZeroMeanRegularizer(), 0.5)),
                1e-12);
    }

    @Test
    void sumReducer() {
        double base = value(LpRegularizerTest.contrastive());
        assertEquals(base + 5, value(LpRegularizerTest.contrastive().withEmbeddingRegularizer(new ZeroMeanRegularizer(new SumReducer()),
                1)), 1e-12);
    }
}
