package dev.dml4j.eval;

import static dev.dml4j.eval.AccuracyCalculator.AMI;
import static dev.dml4j.eval.AccuracyCalculator.MAP;
import static dev.dml4j.eval.AccuracyCalculator.MAP_AT_R;
import static dev.dml4j.eval.AccuracyCalculator.MRR;
import static dev.dml4j.eval.AccuracyCalculator.NMI;
import static dev.dml4j.eval.AccuracyCalculator.PRECISION_AT_1;
import static dev.dml4j.eval.AccuracyCalculator.R_PRECISION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * AccuracyCalculator on 1-D toy sets whose neighbour lists are worked out by hand in the comments, plus the edge
 * cases: lone queries, classes of size 1, reference ≠ query, k larger than the reference, avg of avgs, per class.
 */
class AccuracyCalculatorTest {
    private static final double EPS = 1e-12;

    // reference: 0 (A=0), 1 (A), 2 (B=1), 10 (B), 11 (C=2)
    private static final float[][] REF = {{0}, {1}, {2}, {10}, {11}};
    private static final long[] REF_LABELS = {0, 0, 1, 1, 2};
    // queries: 0.4 (A) → neighbours 0,1,2,3,4 = A A B B C; 1.4 (B) → 1,2,0,3,4 = A B A B C;
    // 0.9 (A) → 1,0,2,3,4 = A A B B C; 5 (label 7, absent from the reference: a lone query)
    private static final float[][] QUERY = {{0.4f}, {1.4f}, {0.9f}, {5f}};
    private static final long[] QUERY_LABELS = {0, 1, 0, 7};

    private static AccuracyCalculator.Builder knnOnly() {
        return AccuracyCalculator.builder().exclude(NMI, AMI);
    }

    @Test
    void separateSetsWithLoneQueryHandComputed() {
        Map<String, Double> a = knnOnly().build().getAccuracy(QUERY, QUERY_LABELS, REF, REF_LABELS, false, null);
        // k = max_bin_count = 2 (classes A and B have 2 references); the lone query (label 7) is left out
        assertEquals((1 + 0 + 1) / 3.0, a.get(PRECISION_AT_1), EPS);
        assertEquals((1 + 0.5 + 1) / 3.0, a.get(R_PRECISION), EPS);
        // MAP@R: q0 (1/1 + 2/2)/2 = 1, q1 (1/2)/2 = 0.25, q2 = 1
        assertEquals((1 + 0.25 + 1) / 3.0, a.get(MAP_AT_R), EPS);
        assertEquals((1 + 0.25 + 1) / 3.0, a.get(MAP), EPS);
        assertEquals((1 + 0.5 + 1) / 3.0, a.get(MRR), EPS);
        assertEquals((1 + 0 + 1) / 3.0, a.get("recall_at_1"), EPS);
        assertEquals(1.0, a.get("recall_at_2"), EPS);
        assertEquals(1.0, a.get("recall_at_32"), EPS);
    }

    @Test
    void explicitKAndKLargerThanReference() {
        Map<String, Double> a = knnOnly().k(4).build().getAccuracy(QUERY, QUERY_LABELS, REF, REF_LABELS, false, null);
        // MAP@4 divides by R = 2: q1 hits at ranks 2 and 4 → (1/2 + 2/4) / 2 = 0.5
        assertEquals((1 + 0.5 + 1) / 3.0, a.get(MAP), EPS);
        // R-Precision still looks at the first R = 2 only
        assertEquals((1 + 0.5 + 1) / 3.0, a.get(R_PRECISION), EPS);
        Map<String, Double> big = knnOnly().k(100).build().getAccuracy(QUERY, QUERY_LABELS, REF, REF_LABELS, false,
                null);
        assertEquals(a.get(MAP), big.get(MAP), EPS, "all 5 references are within k=100 and k=4 alike");
        assertEquals(a.get(MRR), big.get(MRR), EPS);
    }

    @Test
    void avgOfAvgsAndPerClass() {
        Map<String, Double> a = knnOnly().avgOfAvgs(true).returnPerClass(true).build()
                .getAccuracy(QUERY, QUERY_LABELS, REF, REF_LABELS, false, null);
        // class A: queries 0 and 2 (P@1 = 1, 1); class B: query 1 (P@1 = 0)
        assertEquals((1 + 0) / 2.0, a.get(PRECISION_AT_1), EPS);
        assertEquals(1.0, a.get(PRECISION_AT_1 + "/class=0"), EPS);
        assertEquals(0.0, a.get(PRECISION_AT_1 + "/class=1"), EPS);
        assertTrue(!a.containsKey(PRECISION_AT_1 + "/class=7"), "the lone class has no entry");
        assertEquals((1 + 0.25) / 2.0, a.get(MAP_AT_R), EPS);
    }

    @Test
    void sameSourceExcludesSelfAndSingletonClasses() {
        // 0 (A), 0.5 (A), 3 (B, alone), 10 (C, alone): only the two A's count, and each finds the other
        float[][] x = {{0}, {0.5f}, {3}, {10}};
        long[] y = {0, 0, 1, 2};
        Map<String, Double> a = knnOnly().build().getAccuracy(x, y, null, null, true, null);
        assertEquals(1.0, a.get(PRECISION_AT_1), EPS);
        assertEquals(1.0, a.get(R_PRECISION), EPS);
        assertEquals(1.0, a.get(MAP_AT_R), EPS);
        // with x as a separate reference the nearest of each query is itself
        Map<String, Double> sep = knnOnly().build().getAccuracy(x, y, x.clone(), y, false, null);
        assertEquals(1.0, sep.get(PRECISION_AT_1), EPS);
    }

    @Test
    void noQueryLabelInReferenceGivesZeros() {
        Map<String, Double> a = knnOnly().build().getAccuracy(QUERY, new long[] {5, 6, 7, 8}, REF, REF_LABELS,
                false, null);
        for (double v : a.values()) {
            assertEquals(0.0, v);
        }
        assertEquals(5 + AccuracyCalculator.DEFAULT_RECALL_KS.length, a.size());
    }

    @Test
    void engineArraysAndPrecomputedNeighboursAgreeWithJavaArrays() {
        Random rnd = new Random(7);
        int n = 120;
        float[][] x = ExactKnnTest.gaussian(rnd, n, 8);
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            y[i] = rnd.nextInt(9);
            x[i][0] += 2 * y[i];
        }
        AccuracyCalculator calc = knnOnly().build();
        Map<String, Double> java = calc.getAccuracy(x, y, null, null, true, null);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray xa = m.create(ExactKnnTest.flat(x), new Shape(n, 8));
            assertEquals(java, calc.getAccuracy(xa, y, null, null, true));
        }
        KnnResult knn = ExactKnn.search(x, x, 40, KnnMetric.EUCLIDEAN, true, 32);
        assertEquals(java, calc.getAccuracy(knn, y, null, true));
    }

    @Test
    void clusteringMetricsUseGivenClustersOrKMeans() {
        long[] labels = {0, 0, 0, 1, 1, 1};
        long[] clusters = {0, 0, 1, 1, 2, 2};
        float[][] x = {{0}, {0.1f}, {0.2f}, {5}, {5.1f}, {5.2f}};
        AccuracyCalculator calc = AccuracyCalculator.builder().include(NMI, AMI).build();
        Map<String, Double> given = calc.getAccuracy(x, labels, null, null, true, clusters);
        assertEquals(ClusterScores.nmi(labels, clusters), given.get(NMI), EPS);
        assertEquals(ClusterScores.ami(labels, clusters), given.get(AMI), EPS);
        // k-means with 2 clusters separates the two groups exactly
        Map<String, Double> km = calc.getAccuracy(x, labels, null, null, true, null);
        assertEquals(1.0, km.get(NMI), EPS);
        assertEquals(1.0, km.get(AMI), EPS);
    }

    @Test
    void badInputSaysWhatIsWrong() {
        AccuracyCalculator calc = knnOnly().build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> calc.getAccuracy(QUERY, new long[] {1, 2}, REF, REF_LABELS, false, null));
        assertTrue(e.getMessage().contains("query labels"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> calc.getAccuracy(QUERY, QUERY_LABELS, REF, new long[] {1}, false, null));
        assertTrue(e.getMessage().contains("reference labels"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> calc.getAccuracy(QUERY, QUERY_LABELS, REF, REF_LABELS, true, null));
        assertTrue(e.getMessage().contains("referenceIsQuery"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AccuracyCalculator.builder().include("precision_at_2"));
        assertTrue(e.getMessage().contains("unknown metric"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AccuracyCalculator.builder().k("many"));
        assertTrue(e.getMessage().contains("max_bin_count"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AccuracyCalculator.builder().k(0));
        assertThrows(IllegalArgumentException.class,
                () -> AccuracyCalculator.builder().include(NMI).exclude(NMI).build());
    }
}
