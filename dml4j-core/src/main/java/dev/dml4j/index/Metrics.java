package dev.dml4j.index;

import dev.dml4j.eval.KnnMetric;
import org.apache.lucene.util.VectorUtil;

/** The index's distance between two vectors for each metric (smaller = closer), on Lucene's SIMD vector kernels. */
final class Metrics {
    private Metrics() {
    }

    /** Distance between {@code a} and {@code b}: ‖a−b‖, ‖a−b‖², 1 − cos(a, b) or −a·b. */
    static float distance(KnnMetric metric, float[] a, float[] b) {
        return switch (metric) {
            case EUCLIDEAN -> (float) Math.sqrt(VectorUtil.squareDistance(a, b));
            case SQUARED_EUCLIDEAN -> VectorUtil.squareDistance(a, b);
            case COSINE -> 1f - VectorUtil.cosine(a, b);
            case DOT -> -VectorUtil.dotProduct(a, b);
        };
    }
}
