package dev.dml4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.dml4j.testing.GradCheck;
import dev.dml4j.util.Components;
import dev.dml4j.util.Ops;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Center loss beyond its golden cases: gradients, the two ways of updating centers, scopes, memory, bad input. */
class CenterLossTest {
    static final int C = 4;
    static final int D = 3;
    static final long[] LABELS = {0, 1, 1, 2, 2, 2, 0, 1};

    @Test
    void gradientOfEmbeddingsMatchesFiniteDifferences() {
        for (CenterLoss.Reduction r : CenterLoss.Reduction.values()) {
            try (NDManager m = NDManager.newBaseManager();
                 CenterLoss loss = new CenterLoss(C, D, 0.5, r, CenterLoss.CenterUpdate.RULE, 1, 3, null)) {
                loss.setWeights(m.create(GradCheck.gaussian(C, D, 4)));
                NDArray labels = m.create(LABELS);
                GradCheck.check(x -> loss.forward(x, labels), GradCheck.gaussian(LABELS.length, D, 5), 1e-6, 1e-6,
                        1e-9);
            }
        }
    }

    @Test
    void gradientOfCentersMatchesFiniteDifferences() {
        double[][] x = GradCheck.gaussian(LABELS.length, D, 6);
        double[][] w = GradCheck.gaussian(C, D, 7);
        try (NDManager m = NDManager.newBaseManager();
             CenterLoss loss = new CenterLoss(C, D, 0.5, CenterLoss.Reduction.MEAN, CenterLoss.CenterUpdate.GRADIENT, 10,
                     0, null)) {
            NDArray emb = m.create(x);
            NDArray labels = m.create(LABELS);
            List<LossParameter> params = loss.parameters();
            assertEquals(1, params.size());
            assertEquals("centers", params.get(0).name());
            assertEquals(10, params.get(0).learningRateMultiplier());
            loss.setWeights(m.create(w));
            double[] analytic;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = loss.forward(emb, labels);
                Ops.backward(gc, out);
            }
            assertTrue(loss.parameters().get(0).value() == loss.getWeights(), "parameters() hands out the live centers");
            try (NDArray g = loss.getWeights().getGradient()) {
                analytic = g.toDoubleArray();
            }
            double eps = 1e-6;
            for (int i = 0; i < C; i++) {
                for (int j = 0; j < D; j++) {
                    double[][] plus = copy(w);
                    double[][] minus = copy(w);
                    plus[i][j] += eps;
                    minus[i][j] -= eps;
                    loss.setWeights(m.create(plus));
                    double fp = loss.forward(emb, labels).getDouble();
                    loss.setWeights(m.create(minus));
                    double fm = loss.forward(emb, labels).getDouble();
                    double numeric = (fp - fm) / (2 * eps);
                    assertEquals(numeric, analytic[i * D + j], 1e-8 + 1e-6 * Math.abs(numeric), "d/dc[" + i + "," + j + "]");
                }
            }
            // class 3 is absent from the batch: no gradient
            assertEquals(0, analytic[3 * D], 0);
        }
    }

    /** Under gradient training the rule may still be applied between steps, in place on the live parameter. */
    @Test
    void ruleUpdateWorksOnGradientTrainedCentersBetweenSteps() {
        try (NDManager m = NDManager.newBaseManager();
             CenterLoss loss = new CenterLoss(C, D, 0.5, CenterLoss.Reduction.MEAN, CenterLoss.CenterUpdate.GRADIENT, 1,
                     0, null)) {
            NDArray emb = m.create(GradCheck.gaussian(LABELS.length, D, 11)).toType(DataType.FLOAT32, false);
            NDArray labels = m.create(LABELS);
            NDArray live = loss.parameters().get(0).value();
            double before = loss.forward(emb, labels).getFloat();
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = loss.forward(emb, labels);
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> loss.updateCenters(emb, labels), "in place inside a collector");
                assertTrue(e.getMessage().contains("GradientCollector"), e.getMessage());
                Ops.backward(gc, out);
            }
            loss.updateCenters(emb, labels);
            assertTrue(live == loss.getWeights() && live.hasGradient(), "the same trainable array");
            assertTrue(loss.forward(emb, labels).getFloat() < before);
        }
    }

    private static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    @Test
    void ruleModeHasNoTrainableParametersAndMovesCentersToClassMeans() {
        double[][] x = GradCheck.gaussian(LABELS.length, D, 8);
        try (NDManager m = NDManager.newBaseManager();
             CenterLoss loss = new CenterLoss(C, D, 1.0, CenterLoss.Reduction.MEAN, CenterLoss.CenterUpdate.RULE, 1, 0,
                     null)) {
            assertTrue(loss.parameters().isEmpty(), "rule mode: the optimizer must not touch the centers");
            assertFalse(loss.getWeights().hasGradient(), "rule mode: the centers take no gradient");
            double[] absentBefore = loss.getWeights().get(3).toType(DataType.FLOAT64, false).toDoubleArray();
            NDArray emb = m.create(x);
            NDArray labels = m.create(LABELS);
            // the rule with α = 1 is c ← (c + Σx) / (1 + n): its fixed point is the class mean
            for (int i = 0; i < 200; i++) {
                loss.updateCenters(emb, labels);
            }
            double[] w = loss.getWeights().toType(DataType.FLOAT64, false).toDoubleArray();
            for (int c = 0; c < 3; c++) {
                for (int j = 0; j < D; j++) {
                    double sum = 0;
                    int n = 0;
                    for (int i = 0; i < LABELS.length; i++) {
                        if (LABELS[i] == c) {
                            sum += x[i][j];
                            n++;
                        }
                    }
                    assertEquals(sum / n, w[c * D + j], 1e-5, "center " + c + " converges to its class mean");
                }
            }
            double[] absentAfter = loss.getWeights().get(3).toType(DataType.FLOAT64, false).toDoubleArray();
            assertEquals(absentBefore[0], absentAfter[0], 0, "a class absent from the batch keeps its center");
        }
    }

    @Test
    void centersSurviveScopesAndUpdatesLeaveNoArrayOpen() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray emb = m.create(GradCheck.gaussian(LABELS.length, D, 9)).toType(DataType.FLOAT32, false);
            NDArray labels = m.create(LABELS);
            CenterLoss loss;
            try (NDScope scope = new NDScope()) {
                loss = new CenterLoss(C, D);
                loss.setWeights(m.create(GradCheck.gaussian(C, D, 10)).toType(DataType.FLOAT32, false));
            }
            try (loss) {
                double before = loss.forward(emb, labels).getFloat();
                emb.setRequiresGradient(true);
                step(loss, emb, labels);
                int arrays = m.getManagedArrays().size();
                int own = loss.getWeights().getManager().getManagedArrays().size();
                for (int i = 0; i < 30; i++) {
                    try (NDScope scope = new NDScope()) {
                        step(loss, emb, labels);
                    }
                }
                assertEquals(arrays, m.getManagedArrays().size(), "arrays left open in the caller's manager");
                assertEquals(own, loss.getWeights().getManager().getManagedArrays().size(),
                        "arrays left open in the loss's manager");
                double after = loss.forward(emb, labels).getFloat();
                assertTrue(after < before, "the rule pulled the centers towards the batch: " + before + " -> " + after);
            }
        }
    }

    private static void step(CenterLoss loss, NDArray emb, NDArray labels) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray out = loss.forward(emb, labels);
            Ops.backward(gc, out);
            out.close();
        }
        emb.getGradient().close();
        loss.updateCenters(emb, labels);
    }

    @Test
    void badInputIsRejectedClearly() {
        try (NDManager m = NDManager.newBaseManager(); CenterLoss loss = new CenterLoss(C, D)) {
            NDArray x = m.create(GradCheck.gaussian(LABELS.length, D, 1)).toType(DataType.FLOAT32, false);
            long[] tooBig = LABELS.clone();
            tooBig[2] = C;
            expect(() -> loss.forward(x, m.create(tooBig)), "label " + C, "num_classes=" + C);
            expect(() -> loss.updateCenters(x, m.create(tooBig)), "label " + C, "num_classes=" + C);
            long[] negative = LABELS.clone();
            negative[0] = -1;
            expect(() -> loss.forward(x, m.create(negative)), "label -1", "num_classes=" + C);
            double[][] nan = GradCheck.gaussian(LABELS.length, D, 1);
            nan[1][1] = Double.NaN;
            expect(() -> loss.updateCenters(m.create(nan), m.create(LABELS)), "NaN");
            expect(() -> loss.forward(m.create(GradCheck.gaussian(LABELS.length, D + 1, 1)), m.create(LABELS)),
                    "embedding_size=" + D);
            expect(() -> loss.setWeights(m.create(GradCheck.gaussian(C + 1, D, 1))), "shape");
            expect(() -> Components.create(MetricLoss.class, "CenterLoss",
                    Map.of("num_classes", C, "embedding_size", D, "reduction", "avg")), "reduction", "half_sum");
            expect(() -> Components.create(MetricLoss.class, "CenterLoss", Map.of("embedding_size", D)), "num_classes");
            expect(() -> new CenterLoss(C, D, 1.5, CenterLoss.Reduction.MEAN, CenterLoss.CenterUpdate.RULE, 1, 0, null),
                    "alpha");
        }
    }

    private static void expect(org.junit.jupiter.api.function.Executable call, String... mustMention) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String s : mustMention) {
            assertTrue(e.getMessage().contains(s), "message should mention '" + s + "': " + e.getMessage());
        }
    }

    @Test
    void keepsTheInputTypeAndReadsItsParameters() {
        try (NDManager m = NDManager.newBaseManager();
             CenterLoss loss = (CenterLoss) Components.create(MetricLoss.class, "CenterLoss", Map.of("num_classes", C,
                     "embedding_size", D, "reduction", "half_sum", "center_update", "gradient", "alpha", 0.2))) {
            assertEquals(CenterLoss.Reduction.HALF_SUM, loss.reduction());
            assertEquals(CenterLoss.CenterUpdate.GRADIENT, loss.centerUpdate());
            assertEquals(0.2, loss.alpha());
            for (DataType t : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
                NDArray x = m.create(GradCheck.gaussian(LABELS.length, D, 1)).toType(t, false);
                assertEquals(t, loss.forward(x, m.create(LABELS)).getDataType());
            }
        }
    }
}
