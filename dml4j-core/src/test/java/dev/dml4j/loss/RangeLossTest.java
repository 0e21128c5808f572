package dev.dml4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.dml4j.testing.GradCheck;
import dev.dml4j.util.Components;
import dev.dml4j.util.Ops;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Range loss beyond its golden cases: hand-computed small batches, singleton classes, gradients, memory. */
class RangeLossTest {

    private static double[] terms(RangeLoss loss, double[][] x, long[] labels) {
        try (NDManager m = NDManager.newBaseManager();
             RangeLoss.Terms t = loss.terms(m.create(x), m.create(labels))) {
            return new double[] {t.intra().getDouble(), t.inter().getDouble(),
                    loss.forward(m.create(x), m.create(labels)).getDouble()};
        }
    }

    /**
     * 1-D points by hand: class 0 at 0, 1, 3 (squared distances 1, 9, 4: the two largest are 9 and 4, harmonic mean
     * 2 / (1/9 + 1/4) = 72/13); class 1 is a single point at 10 (no pair: no intra term); class means 4/3 and 10 are
     * (26/3)² apart, so inter = 100 − 676/9.
     */
    @Test
    void smallBatchByHandWithASingletonClass() {
        double[] t = terms(new RangeLoss(2, 100, 0.5, 2), new double[][] {{0}, {1}, {3}, {10}}, new long[] {0, 0, 0, 1});
        assertEquals(72.0 / 13, t[0], 1e-12);
        assertEquals(100 - 676.0 / 9, t[1], 1e-12);
        assertEquals(0.5 * 72.0 / 13 + 2 * (100 - 676.0 / 9), t[2], 1e-12);
    }

    /** A class with fewer pairs than k uses the pairs it has: two points 5 apart give 25. */
    @Test
    void classWithFewerPairsThanKUsesAllItsPairs() {
        double[] t = terms(new RangeLoss(3, 0, 1, 1), new double[][] {{0, 0}, {3, 4}, {9, 9}}, new long[] {4, 4, 7});
        assertEquals(25, t[0], 1e-12);
        assertEquals(0, t[1], 0, "margin 0: inter is inactive");
    }

    @Test
    void fewerThanTwoClassesGiveNoInterTerm() {
        double[] t = terms(new RangeLoss(2, 1000, 1, 1), GradCheck.gaussian(5, 3, 1), new long[] {2, 2, 2, 2, 2});
        assertEquals(0, t[1], 0);
        assertTrue(t[0] > 0);
    }

    @Test
    void onlySingletonClassesGiveNoIntraTerm() {
        double[] t = terms(new RangeLoss(2, 1000, 1, 1), GradCheck.gaussian(4, 3, 2), new long[] {0, 1, 2, 3});
        assertEquals(0, t[0], 0);
        assertTrue(t[1] > 0);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        long[] labels = {0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 3};
        RangeLoss loss = new RangeLoss(2, 30, 0.7, 1.3);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray lab = m.create(labels);
            GradCheck.check(x -> loss.forward(x, lab), GradCheck.gaussian(labels.length, 5, 3), 1e-6, 1e-6, 1e-8);
        }
    }

    @Test
    void keepsTheInputTypeAndLeavesNoArrayOpen() {
        RangeLoss loss = (RangeLoss) Components.create(MetricLoss.class, "RangeLoss",
                Map.of("k", 3, "margin", 25.0, "distance", "squared_euclidean"));
        assertEquals(3, loss.k());
        try (NDManager m = NDManager.newBaseManager()) {
            long[] labels = {0, 0, 0, 1, 1, 1, 2, 2};
            NDArray lab = m.create(labels);
            for (DataType t : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
                NDArray x = m.create(GradCheck.gaussian(labels.length, 4, 4)).toType(t, false);
                x.setRequiresGradient(true);
                step(loss, x, lab);
                int before = m.getManagedArrays().size();
                for (int i = 0; i < 30; i++) {
                    step(loss, x, lab);
                }
                assertEquals(before, m.getManagedArrays().size(), "arrays left open");
                assertEquals(t, loss.forward(x, lab).getDataType());
            }
        }
    }

    private static void step(RangeLoss loss, NDArray x, NDArray lab) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray out = loss.forward(x, lab);
            Ops.backward(gc, out);
            out.close();
        }
        x.getGradient().close();
    }

    @Test
    void badInputIsRejectedClearly() {
        RangeLoss loss = new RangeLoss();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(GradCheck.gaussian(4, 3, 1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> loss.forward(x, m.create(new long[] {0, -1, 1, 1})));
            assertTrue(e.getMessage().contains("label -1"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Components.create(MetricLoss.class, "RangeLoss",
                    Map.of("distance", "cosine")));
            assertTrue(e.getMessage().contains("squared_euclidean"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new RangeLoss(0, 1, 1, 1));
        }
    }
}
