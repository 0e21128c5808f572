package dev.dml4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** k-means: recovers well-separated blobs, is deterministic per seed, keeps the best restart, rejects bad input. */
class KMeansTest {

    static float[][] blobs(Random rnd, int perBlob, int blobs, int d, long[] labelsOut) {
        float[][] x = new float[perBlob * blobs][d];
        for (int b = 0; b < blobs; b++) {
            float[] centre = new float[d];
            for (int j = 0; j < d; j++) {
                centre[j] = (float) (20 * rnd.nextGaussian());
            }
            for (int i = 0; i < perBlob; i++) {
                int row = b * perBlob + i;
                labelsOut[row] = b;
                for (int j = 0; j < d; j++) {
                    x[row][j] = centre[j] + (float) (0.5 * rnd.nextGaussian());
                }
            }
        }
        return x;
    }

    @Test
    void recoversSeparatedBlobs() {
        long[] y = new long[300];
        float[][] x = blobs(new Random(1), 30, 10, 6, y);
        KMeans.Result r = KMeans.builder().numClusters(10).seed(3).restarts(3).build().fit(x);
        assertEquals(1.0, ClusterScores.nmi(y, r.labels()), 1e-12);
        assertEquals(10, r.centroids().length);
        // the inertia is the sum of squared distances to the assigned centroids
        double inertia = 0;
        for (int i = 0; i < x.length; i++) {
            inertia += ExactKnnTest.key(x[i], r.centroids()[(int) r.labels()[i]], KnnMetric.SQUARED_EUCLIDEAN);
        }
        assertEquals(inertia, r.inertia(), 1e-4 * inertia);
    }

    @Test
    void deterministicAndBestRestartWins() {
        long[] y = new long[200];
        Random rnd = new Random(2);
        float[][] x = blobs(rnd, 20, 10, 4, y);
        for (float[] row : x) {
            for (int j = 0; j < row.length; j++) {
                row[j] += (float) (15 * rnd.nextGaussian()); // overlapping blobs: restarts differ
            }
        }
        KMeans.Result a = KMeans.builder().numClusters(10).seed(5).restarts(4).build().fit(x);
        KMeans.Result b = KMeans.builder().numClusters(10).seed(5).restarts(4).build().fit(x);
        assertArrayEquals(a.labels(), b.labels());
        KMeans.Result single = KMeans.builder().numClusters(10).seed(5).restarts(1).build().fit(x);
        assertTrue(a.inertia() <= single.inertia() + 1e-9, a.inertia() + " > " + single.inertia());
        // Lloyd iterations lower the inertia of the seeding (same seed, one iteration vs. until convergence)
        KMeans.Result once = KMeans.builder().numClusters(10).seed(5).restarts(1).maxIterations(1).build().fit(x);
        assertTrue(single.iterations() > 1, "stopped after " + single.iterations() + " iteration(s)");
        assertTrue(single.inertia() < once.inertia(), single.inertia() + " >= " + once.inertia());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray xa = m.create(ExactKnnTest.flat(x), new Shape(x.length, 4));
            assertArrayEquals(a.labels(),
                    KMeans.builder().numClusters(10).seed(5).restarts(4).build().fit(xa).labels());
        }
    }

    @Test
    void badInput() {
        assertThrows(IllegalArgumentException.class, () -> KMeans.builder().build());
        assertThrows(IllegalArgumentException.class, () -> KMeans.builder().numClusters(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KMeans.builder().numClusters(5).build().fit(new float[][] {{1}, {2}}));
        assertTrue(e.getMessage().contains("numClusters"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KMeans.builder().tolerance(Double.NaN));
    }
}
