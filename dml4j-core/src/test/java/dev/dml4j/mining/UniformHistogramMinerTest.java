package dev.dml4j.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.dml4j.testing.GradCheck;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * UniformHistogramMiner: the distances of all positive (and, separately, all negative) pairs are cut into equal bins
 * between their minimum and maximum; every populated bin contributes exactly pos_per_bin (neg_per_bin) pairs, drawn
 * uniformly with replacement among its members; empty bins contribute none. Distances and bins are recomputed here
 * in plain Java (normalised Euclidean, the miner's default).
 */
class UniformHistogramMinerTest {
    static final int D = 4;
    static final long[] LABELS = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3};
    static final int BINS = 6;
    static final int POS = 3;
    static final int NEG = 5;

    /** The pairs of one side: anchors, others, and the bin of every pair of that side in the batch. */
    record Side(List<int[]> pairs, int[] bins) {
    }

    static Side side(double[][] x, boolean positive) {
        List<int[]> pairs = new ArrayList<>();
        List<Double> d = new ArrayList<>();
        for (int a = 0; a < x.length; a++) {
            for (int b = 0; b < x.length; b++) {
                if (a != b && (LABELS[a] == LABELS[b]) == positive) {
                    pairs.add(new int[] {a, b});
                    d.add(dist(unit(x[a]), unit(x[b])));
                }
            }
        }
        double min = d.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = d.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        int[] bins = new int[d.size()];
        for (int k = 0; k < bins.length; k++) {
            bins[k] = Math.min(BINS - 1, (int) Math.floor((d.get(k) - min) / (max - min) * BINS));
        }
        return new Side(pairs, bins);
    }

    static double[] unit(double[] v) {
        double n = Math.sqrt(java.util.Arrays.stream(v).map(t -> t * t).sum());
        return java.util.Arrays.stream(v).map(t -> t / n).toArray();
    }

    static double dist(double[] u, double[] v) {
        double s = 0;
        for (int j = 0; j < u.length; j++) {
            s += (u[j] - v[j]) * (u[j] - v[j]);
        }
        return Math.sqrt(s);
    }

    /** Index of (a, b) in a side's pair list, or -1. */
    static int indexOf(Side s, long a, long b) {
        for (int k = 0; k < s.pairs().size(); k++) {
            if (s.pairs().get(k)[0] == a && s.pairs().get(k)[1] == b) {
                return k;
            }
        }
        return -1;
    }

    @Test
    void everyPopulatedBinGivesItsQuotaOfValidPairsUniformly() {
        double[][] x = GradCheck.gaussian(LABELS.length, D, 41);
        Side pos = side(x, true);
        Side neg = side(x, false);
        int calls = 60;
        long[] posHits = new long[pos.pairs().size()];
        long[] negHits = new long[neg.pairs().size()];
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray emb = m.create(x);
            NDArray labels = m.create(LABELS);
            UniformHistogramMiner miner = new UniformHistogramMiner(BINS, POS, NEG, 9, null);
            for (int call = 0; call < calls; call++) {
                try (IndicesTuple.Pairs t = (IndicesTuple.Pairs) miner.mine(emb, labels)) {
                    checkSide("positive", pos, t.a1().toLongArray(), t.p().toLongArray(), POS, posHits, true);
                    checkSide("negative", neg, t.a2().toLongArray(), t.n().toLongArray(), NEG, negHits, false);
                }
            }
        }
        // within each bin every member is equally likely: pooled chi-square over the bins' members
        double chi2 = 0;
        int df = 0;
        for (Object[] s : new Object[][] {{pos, posHits, POS}, {neg, negHits, NEG}}) {
            Side side = (Side) s[0];
            long[] hits = (long[]) s[1];
            int quota = (Integer) s[2];
            for (int b = 0; b < BINS; b++) {
                int members = 0;
                for (int bin : side.bins()) {
                    members += bin == b ? 1 : 0;
                }
                if (members < 2) {
                    continue;
                }
                double e = (double) quota * calls / members;
                for (int k = 0; k < hits.length; k++) {
                    if (side.bins()[k] == b) {
                        chi2 += (hits[k] - e) * (hits[k] - e) / e;
                    }
                }
                df += members - 1;
            }
        }
        double h = 2.0 / (9 * df);
        double bound = df * Math.pow(1 - h + 3.719 * Math.sqrt(h), 3); // upper 1e-4 tail (Wilson–Hilferty)
        assertTrue(chi2 < bound, "within-bin choice is not uniform: chi-square " + chi2 + " with " + df
                + " degrees of freedom, bound " + bound);
    }

    private static void checkSide(String what, Side side, long[] a, long[] b, int quota, long[] hits,
            boolean positive) {
        int[] perBin = new int[BINS];
        for (int k = 0; k < a.length; k++) {
            assertNotEquals(a[k], b[k], what + " pair of an item with itself");
            assertEquals(positive, LABELS[(int) a[k]] == LABELS[(int) b[k]], what + " pair with wrong labels: ("
                    + a[k] + ", " + b[k] + ")");
            int idx = indexOf(side, a[k], b[k]);
            assertTrue(idx >= 0);
            perBin[side.bins()[idx]]++;
            hits[idx]++;
        }
        boolean[] populated = new boolean[BINS];
        for (int bin : side.bins()) {
            populated[bin] = true;
        }
        for (int bin = 0; bin < BINS; bin++) {
            assertEquals(populated[bin] ? quota : 0, perBin[bin], what + " pairs drawn from bin " + bin);
        }
    }

    @Test
    void aBatchWithoutPositivesGivesNoPositivePairsButStillNegatives() {
        try (NDManager m = NDManager.newBaseManager()) {
            UniformHistogramMiner miner = new UniformHistogramMiner(4, 2, 2, 0, null);
            try (IndicesTuple.Pairs t = (IndicesTuple.Pairs) miner.mine(m.create(GradCheck.gaussian(4, D, 1)),
                    m.create(new long[] {0, 1, 2, 3}))) {
                assertEquals(0, t.numPos());
                assertTrue(t.numNeg() > 0 && t.numNeg() <= 4 * 2);
            }
        }
    }
}
