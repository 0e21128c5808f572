package dev.dml4j.index;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dml4j.eval.KnnMetric;
import java.util.Arrays;
import java.util.Comparator;

/** Test reference: k-NN by sorting every double-precision distance, and a comparison that tolerates float ties. */
final class BruteForce {
    private BruteForce() {
    }

    /** Distance in double precision, in the index convention. */
    static double distance(KnnMetric metric, float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        double sq = 0;
        for (int j = 0; j < a.length; j++) {
            dot += (double) a[j] * b[j];
            na += (double) a[j] * a[j];
            nb += (double) b[j] * b[j];
            sq += ((double) a[j] - b[j]) * ((double) a[j] - b[j]);
        }
        return switch (metric) {
            case EUCLIDEAN -> Math.sqrt(sq);
            case SQUARED_EUCLIDEAN -> sq;
            case COSINE -> 1 - dot / Math.sqrt(na * nb);
            case DOT -> -dot;
        };
    }

    /** Indices of the k nearest gallery rows to q, nearest first, ties by index. */
    static int[] knn(float[][] gallery, float[] q, int k, KnnMetric metric) {
        double[] d = new double[gallery.length];
        Integer[] order = new Integer[gallery.length];
        for (int i = 0; i < gallery.length; i++) {
            d[i] = distance(metric, q, gallery[i]);
            order[i] = i;
        }
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> d[i]).thenComparingInt(i -> i));
        return Arrays.stream(order).limit(k).mapToInt(Integer::intValue).toArray();
    }

    /**
     * Asserts that hits equal the exact answer: same distance per rank (relative tolerance tol), same index except
     * where two reference distances are within tol of each other (a float32 near-tie may swap them).
     */
    static void assertSameAsExact(float[][] gallery, float[] q, Hit[] hits, int k, KnnMetric metric, double tol) {
        int[] ref = knn(gallery, q, Math.min(k, gallery.length), metric);
        assertEquals(ref.length, hits.length, "number of hits");
        for (int r = 0; r < ref.length; r++) {
            double want = distance(metric, q, gallery[ref[r]]);
            double scale = Math.max(1, Math.abs(want));
            assertEquals(want, hits[r].distance(), tol * scale, "distance at rank " + r);
            boolean nearTie = (r > 0 && Math.abs(distance(metric, q, gallery[ref[r - 1]]) - want) < tol * scale)
                    || (r + 1 < ref.length && Math.abs(distance(metric, q, gallery[ref[r + 1]]) - want) < tol * scale);
            if (!nearTie) {
                assertEquals(ref[r], hits[r].index(), "index at rank " + r);
            }
        }
    }
}
