package dev.dml4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * 1,000,000 × 128 reference embeddings (512 MB as float32): the blocked search keeps its working memory far below
 * the Q × R distance matrix (4 GB here) and still returns the exact neighbours (checked by brute force on a few
 * queries).
 */
@Tag("slow")
class ExactKnnLargeTest {
    private static final int N = 1_000_000;
    private static final int D = 128;
    private static final int Q = 1000;

    @Test
    void millionReferencesWithBoundedMemory() throws IOException {
        SplittableRandom rnd = new SplittableRandom(42);
        float[] ref = new float[N * D];
        for (int i = 0; i < ref.length; i++) {
            ref[i] = (float) (2 * rnd.nextDouble() - 1);
        }
        float[][] query = new float[Q][D];
        for (float[] row : query) {
            for (int j = 0; j < D; j++) {
                row[j] = (float) (2 * rnd.nextDouble() - 1);
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray r = m.create(ref, new Shape(N, D));
            NDArray q = m.create(ExactKnnTest.flat(query), new Shape(Q, D));
            long before = peakRssMb();
            KnnResult res = ExactKnn.search(q, r, 10, KnnMetric.EUCLIDEAN, false, ExactKnn.DEFAULT_BLOCK_SIZE);
            long grown = peakRssMb() - before;
            // the full distance matrix alone would be Q × R × 4 bytes = 4,000 MB
            assertTrue(grown < 1000, "peak RSS grew by " + grown + " MB during the search");
            assertEquals(Q, res.numQueries());
            for (int qi : new int[] {0, 499, 999}) {
                assertArrayEquals(bruteForce(query[qi], ref, 10), res.indices()[qi], "query " + qi);
            }
        }
    }

    /** The 10 nearest rows of a flat [N, D] matrix by float64 squared distance, ties to the smaller index. */
    private static long[] bruteForce(float[] q, float[] ref, int k) {
        double[] best = new double[k];
        int[] ids = new int[k];
        java.util.Arrays.fill(best, Double.POSITIVE_INFINITY);
        for (int i = 0; i < N; i++) {
            double s = 0;
            int o = i * D;
            for (int j = 0; j < D; j++) {
                double d = (double) q[j] - ref[o + j];
                s += d * d;
            }
            if (s < best[k - 1]) {
                int p = k - 1;
                while (p > 0 && best[p - 1] > s) {
                    best[p] = best[p - 1];
                    ids[p] = ids[p - 1];
                    p--;
                }
                best[p] = s;
                ids[p] = i;
            }
        }
        long[] out = new long[k];
        for (int i = 0; i < k; i++) {
            out[i] = ids[i];
        }
        return out;
    }

    /** Peak resident set size of this process in MiB (VmHWM). */
    private static long peakRssMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.trim().split("\\s+")[1]) / 1024;
            }
        }
        throw new IOException("no VmHWM in /proc/self/status");
    }
}
