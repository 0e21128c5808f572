package dev.dml4j.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dml4j.eval.KnnMetric;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class ExactIndexTest {

    @ParameterizedTest
    @EnumSource(KnnMetric.class)
    void matchesBruteForce(KnnMetric metric) {
        SyntheticGallery data = new SyntheticGallery(7, 16, 3);
        float[][] gallery = data.items(300, 0);
        float[][] queries = data.items(40, 300);
        try (ExactIndex index = new ExactIndex(16, metric, 64)) {
            index.add(java.util.Arrays.copyOf(gallery, 120), data.labels(120, 0));
            index.add(java.util.Arrays.copyOfRange(gallery, 120, 300), data.labels(180, 120));
            Hit[][] hits = index.search(queries, 10);
            for (int i = 0; i < queries.length; i++) {
                BruteForce.assertSameAsExact(gallery, queries[i], hits[i], 10, metric, 1e-4);
                for (Hit h : hits[i]) {
                    assertEquals(data.label(h.index()), h.label());
                    assertNull(h.id());
                }
            }
        }
    }

    static Stream<Arguments> backends() {
        Function<Integer, EmbeddingIndex> exact = d -> new ExactIndex(d, KnnMetric.EUCLIDEAN);
        Function<Integer, EmbeddingIndex> hnsw = d -> new HnswIndex(d, KnnMetric.EUCLIDEAN);
        return Stream.of(Arguments.of("exact", exact), Arguments.of("hnsw", hnsw));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void smallHandMadeGallery(String name, Function<Integer, EmbeddingIndex> make) {
        try (EmbeddingIndex index = make.apply(2)) {
            assertEquals(0, index.search(new float[] {0, 0}, 3).length, "empty index gives no hits");
            assertFalse(index.match(new float[] {0, 0}, 10).matched());
            index.add(new float[][] {{0, 0}, {3, 4}, {1, 0}}, new long[] {5, 6, 7}, new String[] {"a", "b", "c"});
            Hit[] hits = index.search(new float[] {0.9f, 0}, 5);
            assertEquals(3, hits.length, "k larger than the gallery gives the whole gallery");
            assertEquals("c", hits[0].id());
            assertEquals(7, hits[0].label());
            assertEquals(0.1f, hits[0].distance(), 1e-6);
            assertEquals("a", hits[1].id());
            assertEquals(0.9f, hits[1].distance(), 1e-6);
            assertEquals("b", hits[2].id());
            assertEquals(Math.hypot(2.1, 4), hits[2].distance(), 1e-5);
            Match yes = index.match(new float[] {3, 4.5f}, 0.5);
            assertTrue(yes.matched());
            assertEquals("b", yes.nearest().id());
            assertFalse(index.match(new float[] {3, 4.5f}, 0.49).matched());
            assertEquals(3, index.size());
            assertEquals(2, index.dim());
            assertEquals(6, index.label(1));
            assertEquals("b", index.id(1));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void badInputIsRejectedWithAClearMessage(String name, Function<Integer, EmbeddingIndex> make) {
        try (EmbeddingIndex index = make.apply(3)) {
            float[][] ok = {{1, 2, 3}};
            assertMessage(() -> index.add(new float[][] {{1, 2}}, new long[] {0}), "dimension is 3");
            assertMessage(() -> index.add(new float[][] {{1, Float.NaN, 3}}, new long[] {0}), "NaN");
            assertMessage(() -> index.add(new float[][] {{1, Float.POSITIVE_INFINITY, 3}}, new long[] {0}),
                    "finite");
            assertMessage(() -> index.add(ok, new long[] {0, 1}), "one label per vector");
            assertMessage(() -> index.add(ok, new long[] {0}, new String[] {"a", "b"}), "one id per vector");
            assertMessage(() -> index.add(ok, new long[] {0}, new String[] {null}), "ids[0] is null");
            assertEquals(0, index.size(), "a rejected add adds nothing");
            index.add(ok, new long[] {0});
            assertMessage(() -> index.search(ok, 0), "k must be >= 1");
            assertMessage(() -> index.search(new float[][] {{1, 2}}, 1), "dimension is 3");
            assertMessage(() -> index.search(new float[][] {{1, Float.NaN, 2}}, 1), "NaN");
            assertMessage(() -> index.match(ok[0], Double.NaN), "threshold is NaN");
        }
        assertMessage(() -> make.apply(0), "dim must be >= 1");
    }

    @Test
    void cosineRejectsZeroVectors() {
        try (ExactIndex index = new ExactIndex(2, KnnMetric.COSINE)) {
            assertMessage(() -> index.add(new float[][] {{0, 0}}, new long[] {1}), "zero vector");
        }
    }

    static void assertMessage(Runnable r, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should contain '"
                + fragment + "'");
    }
}
