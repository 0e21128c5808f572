package dev.dml4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.distance.LpDistance;
import dev.dml4j.testing.GradCheck;
import org.junit.jupiter.api.Test;

/**
 * Ranked list loss beyond its golden case: the reference's smoothed weighted means (denominator + N·1e-5) by hand,
 * pairs at distance 0, large temperatures, gradients and bad parameters.
 */
class RankedListLossTest {

    /** Raw (unnormalised) Euclidean distance, so 1-D points give distances by hand. */
    private static final LpDistance RAW = new LpDistance(false, 2, 1);

    private static double value(RankedListLoss loss, double[][] x, long[] labels, DataType type) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray out = loss.forward(m.create(x).toType(type, false), m.create(labels));
            assertEquals(type, out.getDataType());
            return out.toType(DataType.FLOAT64, false).getDouble();
        }
    }

    /** The reference's weighted mean: Σ w·v / (Σ w + n·1e-5), with w = exp(t·v). */
    private static double smoothedMean(double t, int n, double... violations) {
        double num = 0;
        double den = n * RankedListLoss.EPS;
        for (double v : violations) {
            num += Math.exp(t * v) * v;
            den += Math.exp(t * v);
        }
        return num / den;
    }

    /**
     * Points 0 and 1.0 (class 0) and 1.1 (class 1), margin 0.4 (α = 1.2, positive bound 0.8), Tn 10: every weighted
     * mean's denominator carries + 3·1e-5, so an anchor whose only violating negative is at α − 0.1 gives
     * 0.1·e/(e + 3e-5), not 0.1; the anchor without violating positives gets 0 (no NaN).
     */
    @Test
    void weightedMeansCarryTheReferenceSmoothingTerm() {
        double[][] x = {{0}, {1.0}, {1.1}};
        long[] labels = {0, 0, 1};
        RankedListLoss loss = new RankedListLoss(0.4, 10, 0.5, null, 0, RAW, null);
        double anchor0 = 0.5 * smoothedMean(0, 3, 0.2) + 0.5 * smoothedMean(10, 3, 0.1);
        double anchor1 = 0.5 * smoothedMean(0, 3, 0.2) + 0.5 * smoothedMean(10, 3, 1.1);
        double anchor2 = 0.5 * 0 + 0.5 * smoothedMean(10, 3, 0.1, 1.1);
        double expected = (anchor0 + anchor1 + anchor2) / 3;
        assertEquals(expected, value(loss, x, labels, DataType.FLOAT64), 1e-13);
        double unsmoothed = (0.5 * 0.2 + 0.5 * 0.1 + 0.5 * 0.2 + 0.5 * 1.1 + 0.5 * smoothedMean(10, 0, 0.1, 1.1)) / 3;
        assertTrue(Math.abs(expected - unsmoothed) > 1e-6, "the case must tell the two formulations apart");
    }

    /**
     * α − margin &lt; 0 makes every positive a violation, but (as in the reference) a positive at distance 0 gets no
     * weight: anchors 0 and 1 coincide, so each has the single positive at 0.5 (violation 0.7).
     */
    @Test
    void pairsAtDistanceZeroAreNotWeighted() {
        double[][] x = {{0}, {0}, {0.5}, {5}};
        long[] labels = {0, 0, 0, 1};
        RankedListLoss loss = new RankedListLoss(0.5, 10, 0.5, 0.3, 0, RAW, null);
        double coinciding = 0.5 * smoothedMean(0, 4, 0.7);
        double third = 0.5 * smoothedMean(0, 4, 0.7, 0.7);
        assertEquals((2 * coinciding + third) / 4, value(loss, x, labels, DataType.FLOAT64), 1e-13);
    }

    /**
     * Tn = 1000 overflows exp(Tn·(α − d)) even in float64 (Tn·1.1 = 1100); the factored-out row maximum keeps the
     * loss finite and equal to its exact value, in float32 as well.
     */
    @Test
    void largeTemperaturesDoNotOverflow() {
        double[][] x = {{0}, {1.0}, {1.1}};
        long[] labels = {0, 0, 1};
        RankedListLoss loss = new RankedListLoss(0.4, 1000, 0.5, null, 0, RAW, null);
        // exp(1000·0.1)/(exp(1000·0.1) + 3e-5) is 1 to double precision, and so are the other negative weights
        double expected = (0.5 * smoothedMean(0, 3, 0.2) + 0.5 * 0.1 + 0.5 * smoothedMean(0, 3, 0.2) + 0.5 * 1.1
                + 0.5 * 1.1) / 3;
        assertEquals(expected, value(loss, x, labels, DataType.FLOAT64), 1e-12);
        assertEquals(expected, value(loss, x, labels, DataType.FLOAT32), 1e-6);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        long[] labels = {0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 3, 3};
        RankedListLoss loss = new RankedListLoss(0.4, 10, 0.3, null, 2, null, null);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray lab = m.create(labels);
            GradCheck.check(e -> loss.forward(e, lab), GradCheck.gaussian(labels.length, 4, 7), 1e-6, 1e-6, 1e-9);
        }
    }

    @Test
    void badParametersAreRejectedClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RankedListLoss(0.4, 10, 0.5, null, Double.POSITIVE_INFINITY, null, null));
        assertTrue(e.getMessage().contains("Tp"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RankedListLoss(0.4, 10, 1.5, null, 0, null, null));
        assertTrue(e.getMessage().contains("imbalance"), e.getMessage());
    }
}
