package dev.dml4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** ExactKnn against a float64 brute-force search: every metric, blocks that do not divide N, ties, bad input. */
class ExactKnnTest {

    static float[][] gaussian(Random rnd, int n, int d) {
        float[][] x = new float[n][d];
        for (float[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) rnd.nextGaussian();
            }
        }
        return x;
    }

    /** Brute force in float64: the metric's key for every pair, sorted by (key, index). */
    static KnnResult bruteForce(float[][] q, float[][] r, int k, KnnMetric metric, boolean excludeSelf) {
        int nq = q.length;
        long[][] idx = new long[nq][];
        float[][] val = new float[nq][];
        for (int i = 0; i < nq; i++) {
            int avail = r.length - (excludeSelf ? 1 : 0);
            int kk = Math.min(k, avail);
            double[] keys = new double[avail];
            int[] ids = new int[avail];
            int n = 0;
            for (int j = 0; j < r.length; j++) {
                if (excludeSelf && j == i) {
                    continue;
                }
                keys[n] = key(q[i], r[j], metric);
                ids[n++] = j;
            }
            ExactKnn.sortByKeyThenIndex(keys, ids, n);
            idx[i] = new long[kk];
            val[i] = new float[kk];
            for (int j = 0; j < kk; j++) {
                idx[i][j] = ids[j];
                double v = metric == KnnMetric.EUCLIDEAN ? Math.sqrt(keys[j])
                        : metric.isSimilarity() ? -keys[j] : keys[j];
                val[i][j] = (float) v;
            }
        }
        return new KnnResult(idx, val);
    }

    static double key(float[] a, float[] b, KnnMetric metric) {
        double dot = 0;
        double aa = 0;
        double bb = 0;
        double sq = 0;
        for (int j = 0; j < a.length; j++) {
            dot += (double) a[j] * b[j];
            aa += (double) a[j] * a[j];
            bb += (double) b[j] * b[j];
            sq += ((double) a[j] - b[j]) * ((double) a[j] - b[j]);
        }
        return switch (metric) {
            case EUCLIDEAN, SQUARED_EUCLIDEAN -> sq;
            case COSINE -> 0.0 - dot / (Math.max(Math.sqrt(aa), 1e-12) * Math.max(Math.sqrt(bb), 1e-12));
            case DOT -> 0.0 - dot;
        };
    }

    static void assertSame(KnnResult expected, KnnResult actual) {
        assertEquals(expected.numQueries(), actual.numQueries());
        for (int i = 0; i < expected.numQueries(); i++) {
            assertArrayEquals(expected.indices()[i], actual.indices()[i], "indices of query " + i);
            for (int j = 0; j < expected.distances()[i].length; j++) {
                float e = expected.distances()[i][j];
                assertEquals(e, actual.distances()[i][j], 1e-5 * Math.max(1, Math.abs(e)), "value " + i + "," + j);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(KnnMetric.class)
    void matchesBruteForceSeparateSets(KnnMetric metric) {
        Random rnd = new Random(1);
        float[][] q = gaussian(rnd, 53, 7);
        float[][] r = gaussian(rnd, 97, 7);
        // block sizes that do not divide either count, one larger than both
        for (int bs : new int[] {1, 10, 31, 32, 200}) {
            assertSame(bruteForce(q, r, 6, metric, false), ExactKnn.search(q, r, 6, metric, false, bs));
        }
    }

    @ParameterizedTest
    @EnumSource(KnnMetric.class)
    void matchesBruteForceSameSetSymmetricPath(KnnMetric metric) {
        Random rnd = new Random(2);
        float[][] x = gaussian(rnd, 77, 5);
        for (int bs : new int[] {8, 13, 32, 77, 100}) {
            assertSame(bruteForce(x, x, 9, metric, true), ExactKnn.search(x, x, 9, metric, true, bs));
            assertSame(bruteForce(x, x, 4, metric, false), ExactKnn.search(x, x, 4, metric, false, bs));
        }
    }

    @ParameterizedTest
    @EnumSource(KnnMetric.class)
    void largeBlocksScannedByTwoThreadsMatchBruteForce(KnnMetric metric) {
        // blocks of 256 rows are split between two scanning threads; 700 is not a multiple of 256
        Random rnd = new Random(8);
        float[][] x = gaussian(rnd, 700, 12);
        float[][] q = gaussian(rnd, 300, 12);
        assertSame(bruteForce(x, x, 15, metric, true), ExactKnn.search(x, x, 15, metric, true, 256));
        assertSame(bruteForce(q, x, 15, metric, false), ExactKnn.search(q, x, 15, metric, false, 256));
    }

    @ParameterizedTest
    @EnumSource(KnnMetric.class)
    void engineArraysMatchJavaArrays(KnnMetric metric) {
        Random rnd = new Random(3);
        float[][] q = gaussian(rnd, 40, 6);
        float[][] r = gaussian(rnd, 61, 6);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray qa = m.create(flat(q), new Shape(40, 6));
            NDArray ra = m.create(flat(r), new Shape(61, 6)).toType(DataType.FLOAT64, false);
            assertSame(bruteForce(q, r, 5, metric, false), ExactKnn.search(qa, ra, 5, metric, false, 16));
            assertSame(bruteForce(q, q, 5, metric, true), ExactKnn.search(qa, qa, 5, metric, true, 16));
        }
    }

    @Test
    void duplicatesAndTiesGoToTheSmallerIndex() {
        // 30 copies of the same point plus distinct ones: every copy ties; the smallest indices must win
        Random rnd = new Random(4);
        float[][] r = gaussian(rnd, 60, 4);
        for (int i = 10; i < 40; i++) {
            r[i] = r[5].clone();
        }
        float[][] q = {r[5].clone(), r[0].clone()};
        KnnResult res = ExactKnn.search(q, r, 7, KnnMetric.EUCLIDEAN, false, 16);
        assertArrayEquals(new long[] {5, 10, 11, 12, 13, 14, 15}, res.indices()[0]);
        assertSame(bruteForce(q, r, 7, KnnMetric.EUCLIDEAN, false), res);
        for (KnnMetric m : KnnMetric.values()) {
            assertSame(bruteForce(r, r, 12, m, true), ExactKnn.search(r, r, 12, m, true, 7));
        }
    }

    @Test
    void allIdenticalPointsFallBackToThresholdPass() {
        float[][] x = new float[25][3];
        for (float[] row : x) {
            Arrays.fill(row, 0.5f);
        }
        KnnResult res = ExactKnn.search(x, x, 3, KnnMetric.SQUARED_EUCLIDEAN, true, 4);
        assertArrayEquals(new long[] {1, 2, 3}, res.indices()[0]);
        assertArrayEquals(new long[] {0, 1, 2}, res.indices()[7]);
        assertArrayEquals(new long[] {0, 1, 3}, res.indices()[2]);
    }

    @Test
    void kLargerThanReferenceGivesAllReferences() {
        Random rnd = new Random(5);
        float[][] q = gaussian(rnd, 4, 3);
        float[][] r = gaussian(rnd, 6, 3);
        KnnResult res = ExactKnn.search(q, r, 50, KnnMetric.EUCLIDEAN, false, 2);
        assertEquals(6, res.k());
        assertSame(bruteForce(q, r, 50, KnnMetric.EUCLIDEAN, false), res);
        KnnResult self = ExactKnn.search(r, r, 50, KnnMetric.EUCLIDEAN, true, 4);
        assertEquals(5, self.k());
        for (int i = 0; i < r.length; i++) {
            final int row = i;
            assertTrue(Arrays.stream(self.indices()[i]).noneMatch(j -> j == row), "self excluded");
        }
        // a single reference that is the query itself leaves no neighbour
        float[][] one = gaussian(rnd, 1, 3);
        assertEquals(0, ExactKnn.search(one, one, 3, KnnMetric.EUCLIDEAN, true, 4).k());
    }

    @Test
    void badInputSaysWhatIsWrong() {
        float[][] q = {{1, 2}, {3, 4}};
        float[][] r = {{1, 2, 3}};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExactKnn.search(q, r, 1, KnnMetric.EUCLIDEAN, false, 4));
        assertTrue(e.getMessage().contains("embedding size"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ExactKnn.search(q, q, 0, KnnMetric.EUCLIDEAN, false, 4));
        assertTrue(e.getMessage().contains("k must be"), e.getMessage());
        float[][] nan = {{1, Float.NaN}};
        e = assertThrows(IllegalArgumentException.class,
                () -> ExactKnn.search(nan, q, 1, KnnMetric.EUCLIDEAN, false, 4));
        assertTrue(e.getMessage().contains("finite"), e.getMessage());
        float[][] ragged = {{1, 2}, {3}};
        assertThrows(IllegalArgumentException.class, () -> ExactKnn.search(ragged, q, 1, KnnMetric.DOT, false, 4));
        // excludeSelf pairs query row i with reference row i: more queries than references cannot be
        e = assertThrows(IllegalArgumentException.class,
                () -> ExactKnn.search(q, new float[][] {{1, 2}}, 1, KnnMetric.DOT, true, 4));
        assertTrue(e.getMessage().contains("excludeSelf"), e.getMessage());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray bad = m.create(new float[] {1, Float.POSITIVE_INFINITY}, new Shape(1, 2));
            e = assertThrows(IllegalArgumentException.class,
                    () -> ExactKnn.search(bad, bad, 1, KnnMetric.EUCLIDEAN, false, 4));
            assertTrue(e.getMessage().contains("infinite"), e.getMessage());
        }
    }

    @Test
    void noEngineArrayLeaks() {
        try (NDManager m = NDManager.newBaseManager()) {
            Random rnd = new Random(6);
            NDArray x = m.create(flat(gaussian(rnd, 50, 4)), new Shape(50, 4));
            int before = m.getManagedArrays().size();
            for (int rep = 0; rep < 3; rep++) {
                ExactKnn.search(x, x, 3, KnnMetric.COSINE, true, 7);
            }
            assertEquals(before, m.getManagedArrays().size(), "arrays left in the caller's manager");
        }
    }

    static float[] flat(float[][] x) {
        int d = x[0].length;
        float[] f = new float[x.length * d];
        for (int i = 0; i < x.length; i++) {
            System.arraycopy(x[i], 0, f, i * d, d);
        }
        return f;
    }
}
