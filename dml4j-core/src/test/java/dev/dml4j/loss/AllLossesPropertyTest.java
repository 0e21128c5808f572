package dev.dml4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.dml4j.testing.ClassScan;
import dev.dml4j.testing.GradCheck;
import dev.dml4j.util.Components;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Properties every loss in {@code dev.dml4j.loss} must have, found by scanning the package so that a new loss is
 * covered without being listed: degenerate batches give finite values and gradients; bad input gives a clear
 * IllegalArgumentException; the loss is invariant to permuting the batch.
 */
class AllLossesPropertyTest {
    static final int NUM_CLASSES = 8;
    static final int DIM = 6;

    /** Parameters a loss needs beyond its defaults; every other loss is built with {@code {}}. */
    static final Map<String, Map<String, Object>> REQUIRED = Map.ofEntries(
            Map.entry("RankedListLoss", Map.of("margin", 0.4, "Tn", 10.0)),
            Map.entry("P2SGradLoss", Map.of("descriptors_dim", DIM, "num_classes", NUM_CLASSES)),
            Map.entry("MarginLoss", Map.of()),
            Map.entry("CrossBatchMemory", Map.of("loss", Map.of("class", "ContrastiveLoss"), "embedding_size", DIM,
                    "memory_size", 16)),
            Map.entry("MultipleLosses", Map.of("losses", List.of(Map.of("class", "ContrastiveLoss"),
                    Map.of("class", "TripletMarginLoss")))),
            Map.entry("SelfSupervisedLoss", Map.of("loss", Map.of("class", "TripletMarginLoss"))));

    /** Losses whose contract is not (embeddings, labels): tested by their own tests. */
    static final Map<String, String> OTHER_CONTRACT = Map.of(
            "GroupLoss", "needs classifier logits and anchors: GroupLossTest",
            "VicRegLoss", "self-supervised, two views, no labels: its own tests",
            "SelfSupervisedLoss", "two views, no labels: its own tests");

    /** Losses whose value depends on the batch order by definition (as the reference's): no permutation test. */
    static final Map<String, String> ORDER_DEPENDENT = Map.of(
            "NPairsLoss", "uses the first positive pair of each label in pair order",
            "InstanceLoss", "its cross-entropy target is a column position (the label's rank)");

    static List<Class<?>> lossClasses() throws Exception {
        return ClassScan.publicConcreteSubclasses(MetricLoss.class);
    }

    static MetricLoss build(Class<?> c) {
        String name = c.getSimpleName();
        Map<String, Object> params = REQUIRED.get(name);
        if (params == null && WeightedLoss.class.isAssignableFrom(c)) {
            params = Map.of("num_classes", NUM_CLASSES, "embedding_size", DIM);
        }
        return Components.create(MetricLoss.class, name, params == null ? Map.of() : params);
    }

    @TestFactory
    List<DynamicTest> degenerateBatchesAreFiniteWithGradient() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Class<?> c : lossClasses()) {
            if (OTHER_CONTRACT.containsKey(c.getSimpleName())) {
                continue;
            }
            tests.add(DynamicTest.dynamicTest(c.getSimpleName(), () -> {
                double[][] random = GradCheck.gaussian(8, DIM, 7);
                double[][] same = new double[8][DIM];
                for (double[] row : same) {
                    java.util.Arrays.fill(row, 0.3);
                }
                check(c, "N=1", new double[][] {random[0]}, new long[] {0});
                check(c, "one class", random, new long[] {1, 1, 1, 1, 1, 1, 1, 1});
                check(c, "no positives", random, new long[] {0, 1, 2, 3, 4, 5, 6, 7});
                check(c, "all-equal embeddings", same, new long[] {0, 0, 1, 1, 2, 2, 3, 3});
                check(c, "two items", new double[][] {random[0], random[1]}, new long[] {0, 1});
            }));
        }
        return tests;
    }

    private static void check(Class<?> c, String what, double[][] x, long[] labels) {
        for (DataType type : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
            try (NDManager m = NDManager.newBaseManager(); MetricLoss loss = build(c)) {
                NDArray emb = m.create(x).toType(type, false);
                NDArray lab = m.create(labels);
                emb.setRequiresGradient(true);
                double v;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray out = loss.forward(emb, lab);
                    assertEquals(new Shape(), out.getShape(), c.getSimpleName() + " " + what + ": loss must be a scalar");
                    v = out.toType(DataType.FLOAT64, false).getDouble();
                    gc.backward(out);
                }
                assertTrue(Double.isFinite(v), c.getSimpleName() + " " + what + " (" + type + "): loss " + v);
                try (NDArray g = emb.getGradient()) {
                    for (double d : g.toType(DataType.FLOAT64, false).toDoubleArray()) {
                        assertTrue(Double.isFinite(d), c.getSimpleName() + " " + what + " (" + type
                                + "): non-finite gradient " + d);
                    }
                }
            }
        }
    }

    @TestFactory
    List<DynamicTest> badInputIsRejectedClearly() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Class<?> c : lossClasses()) {
            if (OTHER_CONTRACT.containsKey(c.getSimpleName())) {
                continue;
            }
            tests.add(DynamicTest.dynamicTest(c.getSimpleName(), () -> {
                try (NDManager m = NDManager.newBaseManager(); MetricLoss loss = build(c)) {
                    double[][] x = GradCheck.gaussian(8, DIM, 3);
                    NDArray lab = m.create(new long[] {0, 0, 1, 1, 2, 2, 3, 3});
                    double[][] withNan = GradCheck.gaussian(8, DIM, 3);
                    withNan[2][1] = Double.NaN;
                    expect(() -> loss.forward(m.create(withNan), lab), "NaN");
                    double[][] withInf = GradCheck.gaussian(8, DIM, 3);
                    withInf[5][0] = Double.POSITIVE_INFINITY;
                    expect(() -> loss.forward(m.create(withInf), lab), "infinite");
                    expect(() -> loss.forward(m.create(x), m.create(new long[] {0, 1, 2})), "labels");
                    expect(() -> loss.forward(m.create(new double[] {1, 2, 3}), m.create(new long[] {0, 1, 2})),
                            "2-D");
                    expect(() -> loss.forward(m.create(x), lab, null, m.create(x), null), "refLabels");
                }
            }));
        }
        return tests;
    }

    private static void expect(org.junit.jupiter.api.function.Executable call, String mustMention) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(mustMention), "message should mention '" + mustMention + "': " + e.getMessage());
    }

    @TestFactory
    List<DynamicTest> permutingTheBatchDoesNotChangeTheLoss() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Class<?> c : lossClasses()) {
            if (OTHER_CONTRACT.containsKey(c.getSimpleName()) || c.getSimpleName().equals("CrossBatchMemory")
                    || ORDER_DEPENDENT.containsKey(c.getSimpleName())) {
                continue;
            }
            tests.add(DynamicTest.dynamicTest(c.getSimpleName(), () -> {
                double[][] x = GradCheck.gaussian(12, DIM, 11);
                long[] labels = {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3};
                int[] perm = {5, 0, 9, 2, 11, 7, 1, 4, 10, 3, 8, 6};
                double[][] px = new double[12][];
                long[] pl = new long[12];
                for (int i = 0; i < 12; i++) {
                    px[i] = x[perm[i]];
                    pl[i] = labels[perm[i]];
                }
                double a = value(c, x, labels);
                double b = value(c, px, pl);
                assertTrue(Math.abs(a - b) <= 1e-9 + 1e-9 * Math.abs(a),
                        c.getSimpleName() + ": loss changed under permutation: " + a + " vs " + b);
            }));
        }
        return tests;
    }

    private static double value(Class<?> c, double[][] x, long[] labels) {
        try (NDManager m = NDManager.newBaseManager(); MetricLoss loss = build(c)) {
            if (loss instanceof WeightedLoss wl) {
                // the same weights in both runs
                double[][] w = GradCheck.gaussian((int) wl.getWeights().getShape().get(0),
                        (int) wl.getWeights().getShape().get(1), 5);
                wl.setWeights(m.create(w));
            }
            return loss.forward(m.create(x), m.create(labels)).toType(DataType.FLOAT64, false).getDouble();
        }
    }
}
