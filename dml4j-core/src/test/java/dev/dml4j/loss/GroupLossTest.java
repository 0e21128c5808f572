package dev.dml4j.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.dml4j.testing.GradCheck;
import dev.dml4j.util.Ops;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The Group Loss beyond its golden cases (its contract is not (embeddings, labels), so AllLossesPropertyTest leaves it
 * to this test): the tutorial's toy case, finite-difference gradients, degenerate batches, bad input, anchors,
 * permutation invariance and memory.
 */
class GroupLossTest {
    static final int C = 4;
    static final long[] LABELS = {0, 0, 1, 1, 1, 2, 2, 3, 3};
    static final long[] ANCHORS = {0, 2, 5, 7};

    /**
     * The tutorial's toy case: A (class 1) and B (class 2) are anchors, C is closer to B than to A but its prior
     * favours class 1; replicator dynamics moves C to class 2.
     */
    @Test
    void toyCaseMovesCToTheClassOfTheCloserAnchor() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray emb = m.create(new double[][] {{1, 0, 0, 0}, {0, 1, 0, 0}, {0.6, 1, 0, 0}});
            double[] w = GroupLoss.similarity(emb).toDoubleArray();
            assertTrue(w[2 * 3 + 1] > w[2 * 3 + 0], "C must be closer to B than to A: " + Arrays.toString(w));
            // priors: temperature 1, C's softmax favours class 1 (0.6 vs 0.4)
            NDArray logits = m.create(new double[][] {{0, 0, 0}, {0, 0, 0}, {-30, Math.log(0.6), Math.log(0.4)}});
            NDArray labels = m.create(new long[] {1, 2, 2});
            NDArray anchors = m.create(new long[] {0, 1});
            double previous = 0.4;
            for (int t = 0; t <= 3; t++) {
                try (GroupLoss.Result r = new GroupLoss(3, 1, t, 1, 1e-12).compute(emb, logits, labels, anchors)) {
                    double[] cRow = r.refinedProbabilities().get(2).toDoubleArray();
                    if (t == 0) {
                        assertTrue(cRow[1] > cRow[2], "the prior favours class 1: " + Arrays.toString(cRow));
                    } else {
                        assertTrue(cRow[2] > previous, "class 2's share grows each iteration: " + Arrays.toString(cRow));
                        previous = cRow[2];
                    }
                    double[] a = r.refinedProbabilities().get(0).toDoubleArray();
                    double[] b = r.refinedProbabilities().get(1).toDoubleArray();
                    assertArrayEquals(new double[] {0, 1, 0}, a, 1e-12, "anchor A stays one-hot");
                    assertArrayEquals(new double[] {0, 0, 1}, b, 1e-12, "anchor B stays one-hot");
                    if (t == 3) {
                        assertTrue(cRow[2] > cRow[1] && cRow[2] > 0.5, "C goes to class 2: " + Arrays.toString(cRow));
                    }
                }
            }
        }
    }

    /** The same toy case on a given similarity matrix, as the tutorial states it. */
    @Test
    void replicatorDynamicsOnTheTutorialMatrix() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(new double[][] {{1, 0, 0.2}, {0, 1, 0.8}, {0.2, 0.8, 1}});
            NDArray x0 = m.create(new double[][] {{1, 0}, {0, 1}, {0.6, 0.4}});
            // one step by hand: W X0 row C = 0.2·(1,0) + 0.8·(0,1) + (0.6,0.4) = (0.8, 1.2); ⊙ (0.6, 0.4) → (0.5, 0.5)
            assertArrayEquals(new double[] {0.5, 0.5},
                    GroupLoss.replicatorDynamics(w, x0, 1).get(2).toDoubleArray(), 1e-12);
            // second step: (0.2 + 0.5, 0.8 + 0.5) ⊙ (0.5, 0.5) → (0.35, 0.65)
            assertArrayEquals(new double[] {0.35, 0.65},
                    GroupLoss.replicatorDynamics(w, x0, 2).get(2).toDoubleArray(), 1e-12);
        }
    }

    @Test
    void gradientOfEmbeddingsMatchesFiniteDifferences() {
        double[][] x = GradCheck.gaussian(9, 5, 21);
        double[][] z = GradCheck.gaussian(9, C, 22);
        GroupLoss loss = new GroupLoss(C, 2, 3, 0.7, 1e-12);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(z);
            NDArray labels = m.create(LABELS);
            NDArray anchors = m.create(ANCHORS);
            GradCheck.check(e -> loss.forward(e, logits, labels, anchors), x, 1e-6, 1e-5, 1e-8);
        }
    }

    @Test
    void gradientOfLogitsMatchesFiniteDifferences() {
        double[][] x = GradCheck.gaussian(9, 5, 23);
        double[][] z = GradCheck.gaussian(9, C, 24);
        GroupLoss loss = new GroupLoss(C, 2, 3, 0.7, 1e-12);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray emb = m.create(x);
            NDArray labels = m.create(LABELS);
            NDArray anchors = m.create(ANCHORS);
            GradCheck.check(l -> loss.forward(emb, l, labels, anchors), z, 1e-6, 1e-5, 1e-8);
        }
    }

    @Test
    void degenerateBatchesAreFiniteWithGradient() {
        double[][] random = GradCheck.gaussian(8, 6, 7);
        double[][] same = new double[8][6];
        for (double[] row : same) {
            Arrays.fill(row, 0.3);
        }
        double[][] z = GradCheck.gaussian(8, C, 8);
        long[] all = {0, 1, 2, 3, 4, 5, 6, 7};
        check("N=1", new double[][] {random[0]}, new double[][] {z[0]}, new long[] {0}, new long[] {0});
        check("N=1 no anchor", new double[][] {random[0]}, new double[][] {z[0]}, new long[] {0}, new long[0]);
        check("one class", random, z, new long[] {1, 1, 1, 1, 1, 1, 1, 1}, new long[] {3});
        check("no anchors", random, z, new long[] {0, 0, 1, 1, 2, 2, 3, 3}, new long[0]);
        check("all anchors", random, z, new long[] {0, 0, 1, 1, 2, 2, 3, 3}, all);
        check("all-equal embeddings", same, z, new long[] {0, 0, 1, 1, 2, 2, 3, 3}, new long[] {0, 2});
        check("one dimension", new double[][] {{1}, {2}, {3}}, new double[][] {z[0], z[1], z[2]}, new long[] {0, 1, 1},
                new long[] {0});
        check("two items", new double[][] {random[0], random[1]}, new double[][] {z[0], z[1]}, new long[] {0, 1},
                new long[] {0});
        check("huge logits", random, scale(z, 1e4), new long[] {0, 0, 1, 1, 2, 2, 3, 3}, new long[] {0});
    }

    private static double[][] scale(double[][] a, double s) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = Arrays.stream(a[i]).map(v -> v * s).toArray();
        }
        return out;
    }

    static void check(String what, double[][] x, double[][] z, long[] labels, long[] anchors) {
        for (DataType type : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray emb = m.create(x).toType(type, false);
                NDArray logits = m.create(z).toType(type, false);
                emb.setRequiresGradient(true);
                logits.setRequiresGradient(true);
                double v;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray out = new GroupLoss(C).forward(emb, logits, m.create(labels), m.create(anchors));
                    assertEquals(type, out.getDataType(), what + ": loss keeps the input type");
                    v = out.toType(DataType.FLOAT64, false).getDouble();
                    Ops.backward(gc, out);
                }
                assertTrue(Double.isFinite(v), what + " (" + type + "): loss " + v);
                for (NDArray p : new NDArray[] {emb, logits}) {
                    try (NDArray g = p.getGradient()) {
                        for (double d : g.toType(DataType.FLOAT64, false).toDoubleArray()) {
                            assertTrue(Double.isFinite(d), what + " (" + type + "): non-finite gradient " + d + (p == emb ? " of embeddings" : " of logits"));
                        }
                    }
                }
            }
        }
    }

    @Test
    void badInputIsRejectedClearly() {
        GroupLoss loss = new GroupLoss(C);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(GradCheck.gaussian(9, 5, 1));
            NDArray z = m.create(GradCheck.gaussian(9, C, 2));
            NDArray lab = m.create(LABELS);
            NDArray anc = m.create(ANCHORS);
            long[] tooBig = LABELS.clone();
            tooBig[4] = C;
            expect(() -> loss.forward(x, z, m.create(tooBig), anc), "label " + C, "num_classes=" + C);
            long[] negative = LABELS.clone();
            negative[1] = -2;
            expect(() -> loss.forward(x, z, m.create(negative), anc), "label -2", "num_classes=" + C);
            double[][] nan = GradCheck.gaussian(9, 5, 1);
            nan[3][2] = Double.NaN;
            expect(() -> loss.forward(m.create(nan), z, lab, anc), "embeddings", "NaN");
            double[][] nanLogits = GradCheck.gaussian(9, C, 2);
            nanLogits[0][0] = Double.NaN;
            expect(() -> loss.forward(x, m.create(nanLogits), lab, anc), "logits", "NaN");
            expect(() -> loss.forward(x, m.create(GradCheck.gaussian(9, C + 1, 2)), lab, anc), "logits", "num_classes");
            expect(() -> loss.forward(x, z.toType(DataType.FLOAT32, false), lab, anc), "same data type");
            expect(() -> loss.forward(x, z, m.create(new long[] {0, 1}), anc), "labels");
            expect(() -> loss.forward(x, z, lab, m.create(new long[] {0, 9})), "anchor index 9");
            expect(() -> loss.forward(x, z, lab, m.create(new double[] {0, 1})), "anchors");
            expect(() -> new GroupLoss(C, 0, 1, 1, 1e-12), "temperature");
        }
    }

    private static void expect(org.junit.jupiter.api.function.Executable call, String... mustMention) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String s : mustMention) {
            assertTrue(e.getMessage().contains(s), "message should mention '" + s + "': " + e.getMessage());
        }
    }

    @Test
    void anchorsAreKPerClassAndReproducible() {
        long[] labels = {3, 3, 3, 3, 1, 1, 1, 0, 2, 2, 2, 2, 2};
        long[] a = GroupLoss.selectAnchors(labels, 2, 42);
        assertArrayEquals(a, GroupLoss.selectAnchors(labels, 2, 42), "same seed, same anchors");
        int[] perClass = new int[4];
        for (int i = 1; i < a.length; i++) {
            assertTrue(a[i] > a[i - 1], "sorted and distinct");
        }
        for (long i : a) {
            perClass[(int) labels[(int) i]]++;
        }
        assertArrayEquals(new int[] {1, 2, 2, 2}, perClass, "k per class, all of a smaller class");
        boolean differs = false;
        for (long seed = 0; seed < 20 && !differs; seed++) {
            differs = !Arrays.equals(a, GroupLoss.selectAnchors(labels, 2, seed));
        }
        assertTrue(differs, "the seed changes the draw");
        assertEquals(0, GroupLoss.selectAnchors(labels, 0, 1).length);
        try (NDManager m = NDManager.newBaseManager()) {
            assertArrayEquals(a, GroupLoss.selectAnchors(m.create(labels), 2, 42).toLongArray());
        }
    }

    @Test
    void permutingTheBatchDoesNotChangeTheLoss() {
        double[][] x = GradCheck.gaussian(9, 5, 31);
        double[][] z = GradCheck.gaussian(9, C, 32);
        int[] perm = {4, 0, 8, 2, 6, 1, 7, 3, 5};
        double[][] px = new double[9][];
        double[][] pz = new double[9][];
        long[] pl = new long[9];
        int[] inverse = new int[9];
        for (int i = 0; i < 9; i++) {
            px[i] = x[perm[i]];
            pz[i] = z[perm[i]];
            pl[i] = LABELS[perm[i]];
            inverse[perm[i]] = i;
        }
        long[] pa = Arrays.stream(ANCHORS).map(i -> inverse[(int) i]).toArray();
        GroupLoss loss = new GroupLoss(C, 3, 2, 1, 1e-12);
        try (NDManager m = NDManager.newBaseManager()) {
            double a = loss.forward(m.create(x), m.create(z), m.create(LABELS), m.create(ANCHORS)).getDouble();
            double b = loss.forward(m.create(px), m.create(pz), m.create(pl), m.create(pa)).getDouble();
            assertEquals(a, b, 1e-12 * Math.abs(a));
        }
    }

    @Test
    void manyStepsLeaveNoArrayOpen() {
        GroupLoss loss = new GroupLoss(C, 2, 3, 1, 1e-12);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(GradCheck.gaussian(9, 5, 1)).toType(DataType.FLOAT32, false);
            NDArray z = m.create(GradCheck.gaussian(9, C, 2)).toType(DataType.FLOAT32, false);
            NDArray lab = m.create(LABELS);
            NDArray anc = m.create(ANCHORS);
            x.setRequiresGradient(true);
            step(loss, x, z, lab, anc);
            int before = m.getManagedArrays().size();
            for (int i = 0; i < 50; i++) {
                step(loss, x, z, lab, anc);
            }
            assertEquals(before, m.getManagedArrays().size(), "arrays left open");
        }
    }

    private static void step(GroupLoss loss, NDArray x, NDArray z, NDArray lab, NDArray anc) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray out = loss.forward(x, z, lab, anc);
            Ops.backward(gc, out);
            out.close();
        }
        x.getGradient().close();
    }
}
