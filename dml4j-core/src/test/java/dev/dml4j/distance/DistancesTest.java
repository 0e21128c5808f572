package dev.dml4j.distance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.engine.Engine;
import ai.djl.training.GradientCollector;
import dev.dml4j.testing.GradCheck;
import dev.dml4j.util.Components;
import dev.dml4j.util.Ops;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every distance on a hand-computed 2 × 2 example: queries q0 = (3, 4), q1 = (1, 0); references r0 = (0, 2),
 * r1 = (−1, 0). L2-normalised: q̂0 = (0.6, 0.8), q̂1 = (1, 0), r̂0 = (0, 1), r̂1 = (−1, 0).
 */
class DistancesTest {
    static final double[][] Q = {{3, 4}, {1, 0}};
    static final double[][] R = {{0, 2}, {-1, 0}};
    static final double TOL = 1e-12;

    private static double[] matrix(Distance d) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray q = m.create(Q);
            NDArray r = m.create(R);
            double[] mat = d.pairwise(q, r).toType(DataType.FLOAT64, false).toDoubleArray();
            // row-wise values are the matrix's diagonal
            double[] rows = d.rowwise(q, r).toType(DataType.FLOAT64, false).toDoubleArray();
            assertArrayEquals(new double[] {mat[0], mat[3]}, rows, 1e-12, d + ": rowwise ≠ diagonal of pairwise");
            // float32 gives the same numbers to float32 precision
            double[] f32 = d.pairwise(q.toType(DataType.FLOAT32, false), r.toType(DataType.FLOAT32, false))
                    .toType(DataType.FLOAT64, false).toDoubleArray();
            assertArrayEquals(mat, f32, 1e-5 * (1 + java.util.Arrays.stream(mat).map(Math::abs).max().orElse(0)),
                    d + " in float32");
            return mat;
        }
    }

    @Test
    void euclideanRawNormalisedAndSquared() {
        LpDistance raw = new LpDistance(false, 2, 1);
        assertArrayEquals(new double[] {Math.sqrt(13), Math.sqrt(32), Math.sqrt(5), 2}, matrix(raw), TOL);
        LpDistance normalised = new LpDistance();
        assertArrayEquals(new double[] {Math.sqrt(0.4), Math.sqrt(3.2), Math.sqrt(2), 2}, matrix(normalised), TOL);
        assertArrayEquals(new double[] {13, 32, 5, 4}, matrix(new LpDistance(false, 2, 2)), 1e-10);
        assertArrayEquals(new double[] {0.4, 3.2, 2, 4}, matrix(new LpDistance(true, 2, 2)), 1e-12);
        assertFalse(raw.isInverted());
        assertFalse(normalised.isInverted());
    }

    @Test
    void manhattanRawAndL1Normalised() {
        assertArrayEquals(new double[] {5, 8, 3, 2}, matrix(new LpDistance(false, 1, 1)), TOL);
        // L1-normalised: q̂0 = (3/7, 4/7), q̂1 = (1, 0), r̂0 = (0, 1), r̂1 = (−1, 0)
        assertArrayEquals(new double[] {6.0 / 7, 2, 2, 2}, matrix(new LpDistance(true, 1, 1)), TOL);
    }

    @Test
    void dotProductRawAndNormalisedAndCosine() {
        DotProductSimilarity raw = new DotProductSimilarity();
        assertArrayEquals(new double[] {8, -3, 0, -1}, matrix(raw), TOL);
        assertArrayEquals(new double[] {0.8, -0.6, 0, -1}, matrix(new DotProductSimilarity(true, 1)), TOL);
        CosineSimilarity cos = new CosineSimilarity();
        assertArrayEquals(new double[] {0.8, -0.6, 0, -1}, matrix(cos), TOL);
        assertArrayEquals(new double[] {0.64, 0.36, 0, 1}, matrix(new CosineSimilarity(2)), TOL);
        assertTrue(raw.isInverted());
        assertTrue(cos.isInverted());
    }

    @Test
    void signalToNoiseRatio() {
        // Var(q − r) / Var(q) with unbiased variances over D = 2 dimensions: Var(v) = (v0 − v1)² / 2
        // raw: Var(q0) = 0.5; q0 − r0 = (3, 2) → 0.5; q0 − r1 = (4, 4) → 0; Var(q1) = 0.5; (1, −2) → 4.5; (2, 0) → 2
        SnrDistance raw = new SnrDistance(false, 1);
        assertArrayEquals(new double[] {1, 0, 9, 4}, matrix(raw), 1e-10);
        // normalised: Var(q̂0) = 0.02; q̂0 − r̂0 = (0.6, −0.2) → 0.32; q̂0 − r̂1 = (1.6, 0.8) → 0.32; Var(q̂1) = 0.5;
        // q̂1 − r̂0 = (1, −1) → 2; q̂1 − r̂1 = (2, 0) → 2
        assertArrayEquals(new double[] {16, 16, 4, 4}, matrix(new SnrDistance()), 1e-9);
        assertFalse(raw.isInverted());
    }

    @Test
    void aSetAgainstItselfAndTheSignOfTheMargin() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray q = m.create(Q);
            double[] self = new LpDistance().pairwise(q).toDoubleArray();
            assertEquals(0, self[0], 1e-7);
            assertEquals(0, self[3], 1e-7);
            assertEquals(Math.sqrt(0.8), self[1], TOL); // q̂0 − q̂1 = (−0.4, 0.8)
            NDArray x = m.create(new double[] {1, 5});
            NDArray y = m.create(new double[] {2, 2});
            // margin(x, y) > 0 when x is "farther" than y: x − y for distances, y − x for similarities
            assertArrayEquals(new double[] {-1, 3}, new LpDistance().margin(x, y).toDoubleArray(), TOL);
            assertArrayEquals(new double[] {1, -3}, new CosineSimilarity().margin(x, y).toDoubleArray(), TOL);
        }
    }

    @Test
    void normalisationIsSkippedWhenOffAndLeavesZeroRowsAtZero() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new double[][] {{3, 4}, {0, 0}});
            assertSame(x, new LpDistance(false, 2, 1).maybeNormalize(x));
            assertSame(x, new DotProductSimilarity().maybeNormalize(x));
            assertArrayEquals(new double[] {0.6, 0.8, 0, 0}, new LpDistance().maybeNormalize(x).toDoubleArray(), TOL);
            assertArrayEquals(new double[] {5, 0}, new LpDistance().norm(x).toDoubleArray(), TOL);
            assertArrayEquals(new double[] {7, 0}, new LpDistance(true, 1, 1).norm(x).toDoubleArray(), TOL);
            assertTrue(new LpDistance().normalizesEmbeddings());
            assertFalse(new DotProductSimilarity().normalizesEmbeddings());
        }
    }

    @Test
    void builtFromReferenceNames() {
        Distance d = Components.create(Distance.class, "LpDistance", Map.of("normalize_embeddings", false, "p", 1,
                "power", 2));
        assertArrayEquals(new double[] {25, 64, 9, 4}, matrix(d), 1e-10);
        Distance snr = Components.create(Distance.class, "SNRDistance", Map.of());
        assertTrue(snr instanceof SnrDistance);
        Distance dot = Components.create(Distance.class, "DotProductSimilarity", Map.of("normalize_embeddings", true));
        assertTrue(dot.isInverted() && dot.normalizesEmbeddings());
    }

    @Test
    void safeSqrtIsZeroWithZeroGradientAtAndBelowZero() {
        try (NDManager m = NDManager.newBaseManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray x = m.create(new double[] {-1, 0, 4, 0.25});
            x.setRequiresGradient(true);
            NDArray y = Ops.safeSqrt(x);
            assertArrayEquals(new double[] {0, 0, 2, 0.5}, y.toDoubleArray(), 0);
            gc.backward(y.sum());
            // d√x/dx = 1 / (2√x) above 0; 0 (not ∞ or NaN) at and below 0
            assertArrayEquals(new double[] {0, 0, 0.25, 1}, x.getGradient().toDoubleArray(), 0);
        }
    }

    @Test
    void euclideanGradientIsFiniteWithRepeatedRowsAndMatchesFiniteDifferences() {
        // rows 0 and 2 are equal: their distance (and every diagonal entry) is 0, where √ has no finite slope
        double[][] x = {{0.3, -1.2, 0.5}, {1.1, 0.4, -0.7}, {0.3, -1.2, 0.5}, {-0.6, 0.9, 0.2}};
        double[][] w = GradCheck.gaussian(4, 4, 7);
        for (LpDistance d : new LpDistance[] {new LpDistance(false, 2, 1), new LpDistance(false, 2, 2),
                new LpDistance(true, 2, 1), new LpDistance(true, 2, 2)}) {
            java.util.function.Function<NDArray, NDArray> f = e -> {
                NDArray mat = d.pairwise(e, null);
                return mat.mul(mat.getManager().create(w).toType(mat.getDataType(), false)).sum();
            };
            // central differences straddle the kink at 0 for the equal rows' pair, so compare away from it: the
            // autograd gradient must be finite everywhere and match differences wherever the function is smooth
            double[] g = GradCheck.check(e -> f.apply(e.add(e.getManager().create(new double[][] {{0, 0, 0},
                    {0, 0, 0}, {1e-3, 2e-3, -1e-3}, {0, 0, 0}}).toType(e.getDataType(), false))), x, 1e-6, 1e-5, 1e-8);
            for (double v : g) {
                assertTrue(Double.isFinite(v), d + ": gradient not finite");
            }
            try (NDManager m = NDManager.newBaseManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray e = m.create(x);
                e.setRequiresGradient(true);
                gc.backward(f.apply(e));
                for (double v : e.getGradient().toDoubleArray()) {
                    assertTrue(Double.isFinite(v), d + ": gradient at zero distance not finite");
                }
            }
        }
    }

    @Test
    void pairsEqualTheMatrixEntriesWithTheirGradients() {
        double[][] q = GradCheck.gaussian(5, 3, 11);
        double[][] r = GradCheck.gaussian(4, 3, 12);
        long[] rows = {0, 4, 2, 2, 1};
        long[] cols = {3, 0, 2, 1, 3};
        for (Distance d : new Distance[] {new LpDistance(), new LpDistance(false, 2, 1), new LpDistance(true, 2, 2),
                new LpDistance(false, 1, 1), new CosineSimilarity(), new DotProductSimilarity(),
                Components.create(Distance.class, "SNRDistance", Map.of())}) {
            for (boolean withRef : new boolean[] {false, true}) {
                double[][] fromMatrix = valueAndGradients(d, q, withRef ? r : null, rows, cols, true);
                double[][] fromPairs = valueAndGradients(d, q, withRef ? r : null, rows, cols, false);
                for (int k = 0; k < fromMatrix.length; k++) {
                    assertArrayEquals(fromMatrix[k], fromPairs[k], 1e-12, d + (withRef ? " with ref" : "")
                            + (k == 0 ? ": values" : ": gradient " + k));
                }
            }
        }
    }

    /** The picked values, the gradient of their weighted sum w.r.t. q, and (with a reference set) w.r.t. r. */
    private static double[][] valueAndGradients(Distance d, double[][] q0, double[][] r0, long[] rows, long[] cols,
            boolean viaMatrix) {
        try (NDManager m = NDManager.newBaseManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray q = m.create(q0);
            q.setRequiresGradient(true);
            NDArray r = r0 == null ? null : m.create(r0);
            if (r != null) {
                r.setRequiresGradient(true);
            }
            NDArray i = m.create(rows);
            NDArray j = m.create(cols);
            NDArray v = viaMatrix ? Ops.pick(d.pairwise(q, r), i, j) : d.pairs(q, r, i, j);
            gc.backward(v.mul(m.create(new double[] {1, -2, 3, 0.5, -1})).sum());
            return r == null ? new double[][] {v.toDoubleArray(), q.getGradient().toDoubleArray()}
                    : new double[][] {v.toDoubleArray(), q.getGradient().toDoubleArray(),
                            r.getGradient().toDoubleArray()};
        }
    }

    @Test
    void selfProductHasTheGramMatrixValuesBitForBitAndItsGradient() {
        double[][] x0 = GradCheck.gaussian(6, 4, 21);
        double[][] g0 = GradCheck.gaussian(6, 6, 22);
        for (double c : new double[] {1, 2}) {
            double[][] plain = gram(x0, g0, c, false);
            double[][] self = gram(x0, g0, c, true);
            assertArrayEquals(plain[0], self[0], 0, "values, c = " + c);
            assertArrayEquals(plain[1], self[1], 1e-12, "gradient, c = " + c);
        }
    }

    /** c·x·xᵀ and the gradient of Σ g ⊙ (c·x·xᵀ) w.r.t. x, by a plain product or {@link Ops#selfProduct}. */
    private static double[][] gram(double[][] x0, double[][] g0, double c, boolean self) {
        try (NDManager m = NDManager.newBaseManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray x = m.create(x0);
            x.setRequiresGradient(true);
            NDArray left = Ops.mul(x, c);
            NDArray v = self ? Ops.selfProduct(left, x) : left.matMul(x.transpose());
            gc.backward(v.mul(m.create(g0)).sum());
            return new double[][] {v.toDoubleArray(), x.getGradient().toDoubleArray()};
        }
    }
}
