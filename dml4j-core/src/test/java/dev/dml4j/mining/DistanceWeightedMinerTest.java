package dev.dml4j.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.distance.CosineSimilarity;
import dev.dml4j.testing.GradCheck;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * DistanceWeightedMiner is random, so it is checked by its distribution: over many draws with a fixed seed, the
 * negatives chosen for each anchor follow the weights 1 / q(max(d, cutoff)) with q(d) ∝ d^(n−2) (1 − d²/4)^((n−3)/2),
 * zero at d ≥ nonzero_loss_cutoff (as the reference computes them), and positives are uniform among the anchor's
 * other class members. The expected probabilities are computed here from the definition, in plain Java.
 */
class DistanceWeightedMinerTest {
    static final int D = 6;
    static final int PER_CLASS = 8;
    static final long[] LABELS = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2};
    static final double CUTOFF = 0.5;
    static final double NONZERO = 1.4;

    /** Unit-norm test points; some negatives are closer than the cutoff, some beyond the non-zero-loss cutoff. */
    static double[][] points() {
        double[][] x = GradCheck.gaussian(LABELS.length, D, 21);
        double[][] centers = GradCheck.gaussian(3, D, 22);
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < D; j++) {
                x[i][j] = centers[(int) LABELS[i]][j] + 0.9 * x[i][j];
            }
        }
        Random r = new Random(23);
        for (int j = 0; j < D; j++) {
            x[20][j] = x[0][j] + 0.05 * r.nextGaussian(); // class 2, next to anchor 0: clipped at the cutoff
            x[12][j] = -x[0][j] + 0.05 * r.nextGaussian(); // class 1, opposite anchor 0: beyond 1.4, never drawn
        }
        for (double[] row : x) {
            double n = 0;
            for (double v : row) {
                n += v * v;
            }
            n = Math.sqrt(n);
            for (int j = 0; j < D; j++) {
                row[j] /= n;
            }
        }
        return x;
    }

    /** The reference's sampling probabilities [N][N] (rows sum to 1, or are all 0 when nothing can be drawn). */
    static double[][] expectedProbabilities(double[][] x) {
        int n = x.length;
        double[][] p = new double[n][n];
        for (int a = 0; a < n; a++) {
            double total = 0;
            for (int j = 0; j < n; j++) {
                double d = dist(x[a], x[j]);
                if (LABELS[j] == LABELS[a] || d >= NONZERO) {
                    continue;
                }
                double c = Math.max(d, CUTOFF);
                double q = Math.pow(c, D - 2) * Math.pow(1 - c * c / 4, (D - 3) / 2.0);
                p[a][j] = 1 / q;
                total += p[a][j];
            }
            for (int j = 0; j < n; j++) {
                p[a][j] = total > 0 ? p[a][j] / total : 0;
            }
        }
        return p;
    }

    static double dist(double[] u, double[] v) {
        double s = 0;
        for (int j = 0; j < u.length; j++) {
            s += (u[j] - v[j]) * (u[j] - v[j]);
        }
        return Math.sqrt(s);
    }

    @Test
    void testPointsCoverAllThreeRegionsOfTheWeight() {
        double[][] x = points();
        int clipped = 0;
        int beyond = 0;
        int between = 0;
        for (int a = 0; a < x.length; a++) {
            for (int j = 0; j < x.length; j++) {
                if (LABELS[a] != LABELS[j]) {
                    double d = dist(x[a], x[j]);
                    if (d < CUTOFF) {
                        clipped++;
                    } else if (d >= NONZERO) {
                        beyond++;
                    } else {
                        between++;
                    }
                }
            }
        }
        assertTrue(clipped > 0 && beyond > 0 && between > 50, clipped + " clipped, " + beyond + " beyond, " + between
                + " between: the data does not exercise the weight's regions");
    }

    @Test
    void weightsAreTheReferenceWeights() {
        double[][] x = points();
        double[][] expected = expectedProbabilities(x);
        try (NDManager m = NDManager.newBaseManager()) {
            DistanceWeightedMiner miner = new DistanceWeightedMiner();
            double[] w;
            try (NDArray weights = miner.weights(m.create(x), m.create(LABELS), null, null)) {
                w = weights.toType(DataType.FLOAT64, false).toDoubleArray();
            }
            int n = x.length;
            for (int a = 0; a < n; a++) {
                double total = 0;
                for (int j = 0; j < n; j++) {
                    total += w[a * n + j];
                }
                for (int j = 0; j < n; j++) {
                    double got = total > 0 ? w[a * n + j] / total : 0;
                    assertEquals(expected[a][j], got, 1e-9, "probability of negative " + j + " for anchor " + a);
                }
            }
        }
    }

    @Test
    void drawnNegativesAndPositivesFollowTheDistribution() {
        double[][] x = points();
        double[][] expected = expectedProbabilities(x);
        int n = x.length;
        long[][] negCount = new long[n][n];
        long[][] posCount = new long[n][n];
        int calls = 120;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray emb = m.create(x);
            NDArray labels = m.create(LABELS);
            DistanceWeightedMiner miner = new DistanceWeightedMiner(CUTOFF, NONZERO, 7, null);
            for (int call = 0; call < calls; call++) {
                try (IndicesTuple t = miner.mine(emb, labels)) {
                    IndicesTuple.Triplets tr = (IndicesTuple.Triplets) t;
                    long[] a = tr.a().toLongArray();
                    long[] p = tr.p().toLongArray();
                    long[] ng = tr.n().toLongArray();
                    int[] perAnchor = new int[n];
                    for (int k = 0; k < a.length; k++) {
                        int ai = (int) a[k];
                        assertEquals(LABELS[ai], LABELS[(int) p[k]], "positive of another class");
                        assertNotEquals(a[k], p[k], "the anchor is its own positive");
                        assertNotEquals(LABELS[ai], LABELS[(int) ng[k]], "negative of the anchor's class");
                        assertTrue(expected[ai][(int) ng[k]] > 0, "negative " + ng[k] + " of anchor " + ai
                                + " has zero weight (beyond the non-zero-loss cutoff) but was drawn");
                        negCount[ai][(int) ng[k]]++;
                        posCount[ai][(int) p[k]]++;
                        perAnchor[ai]++;
                    }
                    for (int ai = 0; ai < n; ai++) {
                        // as the reference: as many triplets per anchor as its class has members; none when every
                        // negative is beyond the non-zero-loss cutoff
                        assertEquals(drawable(expected[ai]) ? PER_CLASS : 0, perAnchor[ai], "triplets of anchor " + ai);
                    }
                }
            }
        }
        // pooled chi-square over every anchor: negatives by the weights, positives uniform over the other members
        double chi2 = 0;
        int df = 0;
        double maxDev = 0;
        for (int a = 0; a < n; a++) {
            if (!drawable(expected[a])) {
                continue;
            }
            long draws = (long) PER_CLASS * calls;
            int cells = 0;
            for (int j = 0; j < n; j++) {
                double e = expected[a][j] * draws;
                if (e > 0) {
                    chi2 += (negCount[a][j] - e) * (negCount[a][j] - e) / e;
                    cells++;
                    maxDev = Math.max(maxDev, Math.abs(negCount[a][j] - e) / Math.sqrt(e));
                }
                if (LABELS[j] == LABELS[a] && j != a) {
                    double ep = draws / (PER_CLASS - 1.0);
                    chi2 += (posCount[a][j] - ep) * (posCount[a][j] - ep) / ep;
                    cells++;
                }
            }
            df += cells - 2;
        }
        double bound = chiSquareQuantile(df, 3.719); // upper 1e-4 tail
        assertTrue(chi2 < bound, "chi-square " + chi2 + " with " + df + " degrees of freedom exceeds " + bound);
        assertTrue(maxDev < 4.5, "a negative's count is " + maxDev + " standard deviations from its expectation");
        // and the test has power: uniform negatives would be rejected by far
        double uniformChi2 = 0;
        for (int a = 0; a < n; a++) {
            int k = 0;
            for (int j = 0; j < n; j++) {
                k += expected[a][j] > 0 ? 1 : 0;
            }
            for (int j = 0; j < n; j++) {
                if (expected[a][j] > 0) {
                    double e = (double) PER_CLASS * calls / k;
                    uniformChi2 += (negCount[a][j] - e) * (negCount[a][j] - e) / e;
                }
            }
        }
        assertTrue(uniformChi2 > 10 * bound, "the draws are not distinguishable from uniform: " + uniformChi2);
    }

    private static boolean drawable(double[] row) {
        for (double v : row) {
            if (v > 0) {
                return true;
            }
        }
        return false;
    }

    /** Wilson–Hilferty approximation of the chi-square quantile for a standard-normal quantile z. */
    static double chiSquareQuantile(int df, double z) {
        double h = 2.0 / (9 * df);
        return df * Math.pow(1 - h + z * Math.sqrt(h), 3);
    }

    @Test
    void sameSeedSameTriplets() {
        double[][] x = points();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray emb = m.create(x);
            NDArray labels = m.create(LABELS);
            try (IndicesTuple.Triplets a = (IndicesTuple.Triplets) new DistanceWeightedMiner(CUTOFF, NONZERO, 3, null)
                    .mine(emb, labels);
                 IndicesTuple.Triplets b = (IndicesTuple.Triplets) new DistanceWeightedMiner(CUTOFF, NONZERO, 3, null)
                    .mine(emb, labels)) {
                assertTrue(java.util.Arrays.equals(a.n().toLongArray(), b.n().toLongArray()));
                assertTrue(java.util.Arrays.equals(a.p().toLongArray(), b.p().toLongArray()));
            }
        }
    }

    @Test
    void referenceSetTripletsAreValid() {
        double[][] x = points();
        double[][] ref = GradCheck.gaussian(12, D, 31);
        long[] refLabels = {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3};
        try (NDManager m = NDManager.newBaseManager()) {
            DistanceWeightedMiner miner = new DistanceWeightedMiner(CUTOFF, 2.0, 5, null);
            try (IndicesTuple.Triplets t = (IndicesTuple.Triplets) miner.mine(m.create(x), m.create(LABELS),
                    m.create(ref), m.create(refLabels))) {
                long[] a = t.a().toLongArray();
                long[] p = t.p().toLongArray();
                long[] ng = t.n().toLongArray();
                assertEquals(LABELS.length * 3, a.length, "3 reference members per class: 3 triplets per anchor");
                for (int k = 0; k < a.length; k++) {
                    assertEquals(LABELS[(int) a[k]], refLabels[(int) p[k]]);
                    assertNotEquals(LABELS[(int) a[k]], refLabels[(int) ng[k]]);
                }
            }
        }
    }

    @Test
    void onlyTheUnitSphereDistanceIsAccepted() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DistanceWeightedMiner(CUTOFF, NONZERO, 0, new CosineSimilarity()));
        assertTrue(e.getMessage().contains("LpDistance"), e.getMessage());
    }
}
