package dev.dml4j.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dml4j.eval.KnnMetric;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HnswIndexTest {
    static final int N = 10_000;
    static final int DIM = 32;

    /** Share of the exact 10 nearest (by exact search) that the HNSW index returns, over all queries. */
    static double recallAt10(EmbeddingIndex approx, EmbeddingIndex exact, float[][] queries) {
        return HnswIndex.recall(approx.search(queries, 10), exact.search(queries, 10));
    }

    @ParameterizedTest
    @EnumSource(value = KnnMetric.class, names = {"EUCLIDEAN", "COSINE"})
    void recallAt10OnClusteredData(KnnMetric metric) {
        SyntheticGallery data = new SyntheticGallery(100, DIM, 11);
        float[][] x = data.items(N, 0);
        long[] y = data.labels(N, 0);
        float[][] queries = data.items(200, N);
        try (HnswIndex hnsw = new HnswIndex(DIM, metric); ExactIndex exact = new ExactIndex(DIM, metric)) {
            hnsw.add(x, y);
            exact.add(x, y);
            double recall = recallAt10(hnsw, exact, queries);
            assertTrue(recall >= 0.9, metric + " recall@10 " + recall + " < 0.9");
            // hits carry exact distances and come nearest first
            Hit[] hits = hnsw.search(queries[0], 10);
            for (int j = 0; j < hits.length; j++) {
                assertEquals(BruteForce.distance(metric, queries[0], x[hits[j].index()]), hits[j].distance(), 1e-4);
                assertEquals(y[hits[j].index()], hits[j].label());
                if (j > 0) {
                    assertTrue(hits[j - 1].distance() <= hits[j].distance());
                }
            }
            // a tiny candidate list finds fewer true neighbours than the default one
            hnsw.setEfSearch(1);
            double low = recallAt10(hnsw, exact, queries);
            assertTrue(low < recall, "efSearch=1 recall " + low + " should be below efSearch=100 recall " + recall);
        }
    }

    @Test
    void incrementalAddKeepsRecallAndSameSeedGivesSameGraph() {
        SyntheticGallery data = new SyntheticGallery(50, DIM, 5);
        float[][] x = data.items(4000, 0);
        long[] y = data.labels(4000, 0);
        float[][] queries = data.items(100, 4000);
        try (HnswIndex twoBatches = new HnswIndex(DIM, KnnMetric.EUCLIDEAN);
             HnswIndex again = new HnswIndex(DIM, KnnMetric.EUCLIDEAN);
             ExactIndex exact = new ExactIndex(DIM, KnnMetric.EUCLIDEAN)) {
            for (HnswIndex h : new HnswIndex[] {twoBatches, again}) {
                h.add(Arrays.copyOf(x, 2500), Arrays.copyOf(y, 2500));
                h.add(Arrays.copyOfRange(x, 2500, 4000), Arrays.copyOfRange(y, 2500, 4000));
            }
            exact.add(x, y);
            assertEquals(4000, twoBatches.size());
            assertTrue(recallAt10(twoBatches, exact, queries) >= 0.9);
            Hit[][] a = twoBatches.search(queries, 10);
            Hit[][] b = again.search(queries, 10);
            for (int i = 0; i < queries.length; i++) {
                assertArrayEquals(a[i], b[i], "same data, order and seed must give the same answers");
            }
        }
    }

    @Test
    void concurrentBuildKeepsRecall() {
        SyntheticGallery data = new SyntheticGallery(50, DIM, 8);
        float[][] x = data.items(4000, 0);
        long[] y = data.labels(4000, 0);
        float[][] queries = data.items(100, 4000);
        try (HnswIndex h = new HnswIndex(DIM, KnnMetric.EUCLIDEAN); ExactIndex exact = new ExactIndex(DIM,
                KnnMetric.EUCLIDEAN)) {
            h.setBuildThreads(2);
            h.add(Arrays.copyOf(x, 3000), Arrays.copyOf(y, 3000));
            h.add(Arrays.copyOfRange(x, 3000, 4000), Arrays.copyOfRange(y, 3000, 4000));
            exact.add(x, y);
            assertEquals(4000, h.size());
            assertTrue(recallAt10(h, exact, queries) >= 0.9);
        }
        ExactIndexTest.assertMessage(() -> new HnswIndex(2, KnnMetric.DOT).setBuildThreads(0), "buildThreads");
    }

    @Test
    void recallCountsSharedIndices() {
        Hit[][] exact = {{hit(1), hit(2)}, {hit(3), hit(4)}};
        Hit[][] approx = {{hit(2), hit(9)}, {hit(4), hit(3)}};
        assertEquals(0.75, HnswIndex.recall(approx, exact), 0);
    }

    private static Hit hit(int index) {
        return new Hit(index, null, 0, 0f);
    }

    @Test
    void badParametersAreRejected() {
        ExactIndexTest.assertMessage(() -> new HnswIndex(8, KnnMetric.EUCLIDEAN, 1, 100, 100, 0), "M must be");
        ExactIndexTest.assertMessage(() -> new HnswIndex(8, KnnMetric.EUCLIDEAN, 16, 0, 100, 0), "beamWidth");
        ExactIndexTest.assertMessage(() -> new HnswIndex(8, KnnMetric.EUCLIDEAN, 16, 100, 0, 0), "efSearch");
        ExactIndexTest.assertMessage(() -> new HnswIndex(8, null), "metric must not be null");
    }
}
