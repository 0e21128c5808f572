package dev.dml4j.eval;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;

/** TEMPORARY stand-in for branch eval's class (removed before merging main). */
public final class AccuracyCalculator {
    /** Stand-in. */
    public Map<String, Double> getAccuracy(NDArray query, long[] ql, NDArray reference, long[] rl,
            boolean referenceIsQuery) {
        int d = (int) query.getShape().get(1);
        float[] q = query.toFloatArray();
        float[] r = reference.toFloatArray();
        int nq = ql.length;
        int nr = rl.length;
        normalize(q, d);
        normalize(r, d);
        double p1 = 0;
        double rp = 0;
        double map = 0;
        for (int i = 0; i < nq; i++) {
            double[] dist = new double[nr];
            Integer[] ord = new Integer[nr];
            int R = 0;
            for (int j = 0; j < nr; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    s += q[i * d + k] * r[j * d + k];
                }
                dist[j] = -s;
                ord[j] = j;
                if (rl[j] == ql[i] && !(referenceIsQuery && i == j)) {
                    R++;
                }
            }
            if (referenceIsQuery) {
                dist[i] = Double.POSITIVE_INFINITY;
            }
            java.util.Arrays.sort(ord, (a, b) -> Double.compare(dist[a], dist[b]));
            p1 += rl[ord[0]] == ql[i] ? 1 : 0;
            int hits = 0;
            double ap = 0;
            for (int t = 0; t < R; t++) {
                if (rl[ord[t]] == ql[i]) {
                    hits++;
                    ap += hits / (double) (t + 1);
                }
            }
            rp += R == 0 ? 0 : hits / (double) R;
            map += R == 0 ? 0 : ap / R;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("precision_at_1", p1 / nq);
        out.put("r_precision", rp / nq);
        out.put("mean_average_precision_at_r", map / nq);
        return out;
    }

    private static void normalize(float[] x, int d) {
        for (int i = 0; i < x.length / d; i++) {
            double s = 0;
            for (int k = 0; k < d; k++) {
                s += x[i * d + k] * x[i * d + k];
            }
            s = Math.sqrt(Math.max(s, 1e-24));
            for (int k = 0; k < d; k++) {
                x[i * d + k] /= s;
            }
        }
    }
}
