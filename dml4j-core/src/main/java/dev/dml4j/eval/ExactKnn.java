package dev.dml4j.eval;

import ai.djl.ndarray.NDArray;

/** TEMPORARY stand-in until the eval branch lands (brute force on the host; deleted at merge). */
public final class ExactKnn {
    /** Default rows per block. */
    public static final int DEFAULT_BLOCK_SIZE = 2048;

    private ExactKnn() {
    }

    /** Brute-force k-NN; values: EUCLIDEAN, SQUARED_EUCLIDEAN distances, COSINE and DOT similarities. */
    public static KnnResult search(NDArray query, NDArray reference, int k, KnnMetric metric, boolean excludeSelf,
            int blockSize) {
        int q = (int) query.getShape().get(0);
        int r = (int) reference.getShape().get(0);
        int d = (int) query.getShape().get(1);
        float[] qa = query.toFloatArray();
        float[] ra = reference.toFloatArray();
        int kk = Math.min(k, r);
        long[][] idx = new long[q][kk];
        float[][] dist = new float[q][kk];
        for (int i = 0; i < q; i++) {
            double[] all = new double[r];
            Integer[] order = new Integer[r];
            for (int j = 0; j < r; j++) {
                double dot = 0;
                double nq = 0;
                double nr = 0;
                double sq = 0;
                for (int c = 0; c < d; c++) {
                    double a = qa[i * d + c];
                    double b = ra[j * d + c];
                    dot += a * b;
                    nq += a * a;
                    nr += b * b;
                    sq += (a - b) * (a - b);
                }
                all[j] = switch (metric) {
                    case EUCLIDEAN -> Math.sqrt(sq);
                    case SQUARED_EUCLIDEAN -> sq;
                    case COSINE -> -(dot / Math.sqrt(nq * nr));
                    case DOT -> -dot;
                };
                order[j] = j;
            }
            java.util.Arrays.sort(order, (x, y) -> all[x] != all[y] ? Double.compare(all[x], all[y]) : x - y);
            for (int t = 0; t < kk; t++) {
                idx[i][t] = order[t];
                dist[i][t] = (float) (metric.isSimilarity() ? -all[order[t]] : all[order[t]]);
            }
        }
        return new KnnResult(idx, dist);
    }
}
