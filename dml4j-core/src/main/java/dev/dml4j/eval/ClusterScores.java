package dev.dml4j.eval;

import java.util.Arrays;

/**
 * Agreement between class labels and cluster labels: normalized and adjusted mutual information (NMI, AMI), both
 * with the arithmetic-mean normalisation {(H(U) + H(V)) / 2} that scikit-learn uses by default and that
 * pytorch-metric-learning's AccuracyCalculator reports. AMI subtracts the exact expected mutual information under
 * the permutation model (hypergeometric sum, Vinh, Epps and Bailey 2010). Natural logarithms throughout.
 */
public final class ClusterScores {
    private static final double EPS = Math.ulp(1.0);

    private ClusterScores() {
    }

    /** The contingency table of two labelings, as row sums, column sums and the nonzero cells. */
    record Contingency(int n, int[] rowSums, int[] colSums, int[] cellRow, int[] cellCol, int[] cellCount) {
    }

    /** Normalized mutual information MI / ((H(labels) + H(clusters)) / 2); 1 when both have a single group. */
    public static double nmi(long[] labels, long[] clusters) {
        Contingency c = contingency(labels, clusters);
        if (trivialMatch(c)) {
            return 1.0;
        }
        double mi = mutualInfo(c);
        if (mi == 0) {
            return 0.0;
        }
        double normalizer = (entropy(c.rowSums, c.n) + entropy(c.colSums, c.n)) / 2;
        return mi / Math.max(normalizer, EPS);
    }

    /**
     * Adjusted mutual information (MI − E[MI]) / ((H(labels) + H(clusters)) / 2 − E[MI]); 1 for identical
     * partitions, about 0 for independent ones (can be negative).
     */
    public static double ami(long[] labels, long[] clusters) {
        Contingency c = contingency(labels, clusters);
        if (trivialMatch(c)) {
            return 1.0;
        }
        double mi = mutualInfo(c);
        double emi = expectedMutualInfo(c.rowSums, c.colSums, c.n);
        double normalizer = (entropy(c.rowSums, c.n) + entropy(c.colSums, c.n)) / 2;
        double denominator = normalizer - emi;
        // the normaliser is never below E[MI] mathematically; keep the sign when rounding says otherwise
        denominator = denominator < 0 ? Math.min(denominator, -EPS) : Math.max(denominator, EPS);
        return (mi - emi) / denominator;
    }

    /** Both labelings put everything in one group (or there is no sample): a perfect match by convention. */
    private static boolean trivialMatch(Contingency c) {
        return c.rowSums.length == c.colSums.length && c.rowSums.length <= 1;
    }

    /** The contingency table of two labelings of the same samples (any long values as labels). */
    static Contingency contingency(long[] labels, long[] clusters) {
        if (labels == null || clusters == null) {
            throw new IllegalArgumentException("labels and cluster labels must not be null");
        }
        if (labels.length != clusters.length) {
            throw new IllegalArgumentException("there are " + labels.length + " labels but " + clusters.length
                    + " cluster labels; give one cluster label per sample");
        }
        int n = labels.length;
        int[] u = denseIds(labels);
        int[] v = denseIds(clusters);
        int nu = 0;
        int nv = 0;
        for (int i = 0; i < n; i++) {
            nu = Math.max(nu, u[i] + 1);
            nv = Math.max(nv, v[i] + 1);
        }
        int[] rowSums = new int[nu];
        int[] colSums = new int[nv];
        long[] codes = new long[n];
        for (int i = 0; i < n; i++) {
            rowSums[u[i]]++;
            colSums[v[i]]++;
            codes[i] = (long) u[i] * nv + v[i];
        }
        Arrays.sort(codes);
        int cells = 0;
        for (int i = 0; i < n; i++) {
            if (i == 0 || codes[i] != codes[i - 1]) {
                cells++;
            }
        }
        int[] cr = new int[cells];
        int[] cc = new int[cells];
        int[] cn = new int[cells];
        int p = -1;
        for (int i = 0; i < n; i++) {
            if (i == 0 || codes[i] != codes[i - 1]) {
                p++;
                cr[p] = (int) (codes[i] / nv);
                cc[p] = (int) (codes[i] % nv);
            }
            cn[p]++;
        }
        return new Contingency(n, rowSums, colSums, cr, cc, cn);
    }

    /** Maps arbitrary labels to 0..G−1 in order of their sorted values. */
    static int[] denseIds(long[] labels) {
        long[] sorted = labels.clone();
        Arrays.sort(sorted);
        int g = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                sorted[g++] = sorted[i];
            }
        }
        long[] unique = Arrays.copyOf(sorted, g);
        int[] out = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            out[i] = Arrays.binarySearch(unique, labels[i]);
        }
        return out;
    }

    /** Mutual information of the table in nats; terms below machine epsilon count as 0 and the sum is clipped at 0. */
    static double mutualInfo(Contingency c) {
        double n = c.n;
        double logN = Math.log(n);
        double mi = 0;
        for (int p = 0; p < c.cellCount.length; p++) {
            double nij = c.cellCount[p];
            double pij = nij / n;
            double term = pij * (Math.log(nij) - logN)
                    + pij * (-Math.log((double) c.rowSums[c.cellRow[p]] * c.colSums[c.cellCol[p]]) + 2 * logN);
            if (Math.abs(term) >= EPS) {
                mi += term;
            }
        }
        return Math.max(mi, 0.0);
    }

    /** Entropy in nats of a grouping given its group sizes (0 for a single group). */
    static double entropy(int[] sizes, int n) {
        int groups = 0;
        for (int s : sizes) {
            if (s > 0) {
                groups++;
            }
        }
        if (groups <= 1) {
            return 0.0;
        }
        double logN = Math.log(n);
        double h = 0;
        for (int s : sizes) {
            if (s > 0) {
                h -= ((double) s / n) * (Math.log(s) - logN);
            }
        }
        return h;
    }

    /**
     * Expected mutual information of two groupings with the given group sizes under random permutation (the
     * hypergeometric model): Σ_ij Σ_nij (nij/N) log(N·nij / (ai·bj)) · P(nij | ai, bj, N).
     */
    static double expectedMutualInfo(int[] a, int[] b, int n) {
        if (a.length <= 1 || b.length <= 1) {
            return 0.0;
        }
        double[] lf = LogFactorial.table(n);
        double logN = Math.log(n);
        double emi = 0;
        for (int ai : a) {
            for (int bj : b) {
                int start = Math.max(1, ai + bj - n);
                int end = Math.min(ai, bj);
                double fixed = lf[ai] + lf[bj] + lf[n - ai] + lf[n - bj] - lf[n];
                double logAb = Math.log(ai) + Math.log(bj);
                for (int nij = start; nij <= end; nij++) {
                    double logP = fixed - lf[nij] - lf[ai - nij] - lf[bj - nij] - lf[n - ai - bj + nij];
                    emi += ((double) nij / n) * (logN + Math.log(nij) - logAb) * Math.exp(logP);
                }
            }
        }
        return emi;
    }
}
