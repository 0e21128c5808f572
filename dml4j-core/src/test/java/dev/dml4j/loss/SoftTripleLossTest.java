package dev.dml4j.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.dml4j.testing.GradCheck;
import org.junit.jupiter.api.Test;

/**
 * SoftTriple against a plain-Java computation of its definition (softmax over each class's centers, λ-scaled
 * cross-entropy with margin δ), before and after {@link SoftTripleLoss#mergeCenters} switched centers off.
 */
class SoftTripleLossTest {
    static final int C = 3;
    static final int K = 3;
    static final int D = 4;
    static final double LA = 20;
    static final double GAMMA = 0.1;
    static final double MARGIN = 0.01;

    @Test
    void lossEqualsTheDefinitionWithAllAndWithMergedCenters() {
        double[][] x = GradCheck.gaussian(6, D, 5);
        long[] labels = {0, 1, 2, 0, 1, 2};
        double[][] w = GradCheck.gaussian(C * K, D, 6);
        // class 1: centers 0 and 2 (rows 3 and 5) coincide, so merging switches center 2 off
        w[5] = w[3].clone();
        try (NDManager m = NDManager.newBaseManager();
             SoftTripleLoss loss = new SoftTripleLoss(C, D, K, LA, GAMMA, MARGIN, null, null)) {
            loss.setWeights(w);
            NDArray xs = m.create(x);
            NDArray lab = m.create(labels);
            boolean[] all = new boolean[C * K];
            java.util.Arrays.fill(all, true);
            assertEquals(definition(x, labels, w, all), loss.forward(xs, lab).getDouble(), 1e-9);

            assertArrayEquals(new int[] {3, 2, 3}, loss.mergeCenters(1e-6));
            boolean[] active = loss.activeCenters();
            assertEquals(false, active[5]);
            assertEquals(definition(x, labels, weightRows(loss), active), loss.forward(xs, lab).getDouble(), 1e-9);
        }
    }

    /** Mean over samples of −log softmax(λ(S − δ·onehot))[y], S_c = Σ_k softmax_k(s_ck/γ)·s_ck over active k. */
    private static double definition(double[][] x, long[] labels, double[][] w, boolean[] active) {
        double total = 0;
        for (int i = 0; i < x.length; i++) {
            double[] logits = new double[C];
            for (int c = 0; c < C; c++) {
                double max = Double.NEGATIVE_INFINITY;
                double[] s = new double[K];
                for (int k = 0; k < K; k++) {
                    s[k] = cos(x[i], w[c * K + k]);
                    if (active[c * K + k]) {
                        max = Math.max(max, s[k] / GAMMA);
                    }
                }
                double z = 0;
                double weighted = 0;
                for (int k = 0; k < K; k++) {
                    if (active[c * K + k]) {
                        double e = Math.exp(s[k] / GAMMA - max);
                        z += e;
                        weighted += e * s[k];
                    }
                }
                logits[c] = LA * (weighted / z - (c == labels[i] ? MARGIN : 0));
            }
            double max = Double.NEGATIVE_INFINITY;
            for (double l : logits) {
                max = Math.max(max, l);
            }
            double z = 0;
            for (double l : logits) {
                z += Math.exp(l - max);
            }
            total += -(logits[(int) labels[i]] - max - Math.log(z));
        }
        return total / x.length;
    }

    private static double[][] weightRows(SoftTripleLoss loss) {
        double[] flat = loss.getWeights().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
        double[][] rows = new double[C * K][D];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(flat, r * D, rows[r], 0, D);
        }
        return rows;
    }

    private static double cos(double[] a, double[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int j = 0; j < a.length; j++) {
            ab += a[j] * b[j];
            aa += a[j] * a[j];
            bb += b[j] * b[j];
        }
        return ab / (Math.sqrt(aa) * Math.sqrt(bb));
    }
}
