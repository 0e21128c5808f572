package dev.dml4j.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dml4j.eval.KnnMetric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IndexFileTest {
    static final int DIM = 12;

    @TempDir
    Path dir;

    static Stream<Arguments> backends() {
        BiFunction<Integer, KnnMetric, EmbeddingIndex> exact = ExactIndex::new;
        BiFunction<Integer, KnnMetric, EmbeddingIndex> hnsw = (d, m) -> new HnswIndex(d, m, 8, 40, 30, 7);
        return Stream.of(Arguments.of("exact", exact), Arguments.of("hnsw", hnsw));
    }

    /** An index of 600 clustered items (ids on all but every 7th), added in two batches. */
    static EmbeddingIndex filled(BiFunction<Integer, KnnMetric, EmbeddingIndex> make, KnnMetric metric) {
        SyntheticGallery data = new SyntheticGallery(20, DIM, 9);
        EmbeddingIndex index = make.apply(DIM, metric);
        index.add(data.items(400, 0), data.labels(400, 0));
        String[] ids = new String[200];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = "img-" + (400 + i) + "-é";
        }
        index.add(data.items(200, 400), data.labels(200, 400), ids);
        return index;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void roundTripGivesIdenticalSearchResults(String name, BiFunction<Integer, KnnMetric, EmbeddingIndex> make)
            throws IOException {
        for (KnnMetric metric : KnnMetric.values()) {
            Path file = dir.resolve(name + "-" + metric + ".idx");
            float[][] queries = new SyntheticGallery(20, DIM, 10).items(50, 0);
            try (EmbeddingIndex saved = filled(make, metric)) {
                saved.save(file);
                try (EmbeddingIndex loaded = EmbeddingIndex.load(file)) {
                    assertEquals(saved.getClass(), loaded.getClass());
                    assertEquals(metric, loaded.metric());
                    assertEquals(DIM, loaded.dim());
                    assertEquals(saved.size(), loaded.size());
                    for (int i = 0; i < saved.size(); i++) {
                        assertArrayEquals(saved.vector(i), loaded.vector(i));
                        assertEquals(saved.label(i), loaded.label(i));
                        assertEquals(saved.id(i), loaded.id(i));
                    }
                    Hit[][] a = saved.search(queries, 10);
                    Hit[][] b = loaded.search(queries, 10);
                    for (int q = 0; q < queries.length; q++) {
                        assertArrayEquals(a[q], b[q], name + " " + metric + " query " + q);
                    }
                }
            }
        }
    }

    @Test
    void hnswParametersAndLaterAddsSurviveTheRoundTrip() throws IOException {
        Path file = dir.resolve("h.idx");
        SyntheticGallery data = new SyntheticGallery(20, DIM, 1);
        try (HnswIndex h = new HnswIndex(DIM, KnnMetric.EUCLIDEAN, 12, 60, 25, 99)) {
            h.add(data.items(300, 0), data.labels(300, 0));
            h.save(file);
            HnswIndex loaded = assertInstanceOf(HnswIndex.class, EmbeddingIndex.load(file));
            assertEquals(12, loaded.m());
            assertEquals(60, loaded.beamWidth());
            assertEquals(25, loaded.efSearch());
            assertEquals(99, loaded.seed());
            float[][] more = data.items(200, 300);
            h.add(more, data.labels(200, 300));
            loaded.add(more, data.labels(200, 300));
            float[][] q = data.items(20, 500);
            assertTrue(Arrays.deepEquals(h.search(q, 5), loaded.search(q, 5)),
                    "adding to a loaded index gives the same graph as adding to the original");
        }
    }

    @Test
    void emptyIndexesRoundTrip() throws IOException {
        for (EmbeddingIndex empty : new EmbeddingIndex[] {new ExactIndex(4, KnnMetric.DOT),
                new HnswIndex(4, KnnMetric.COSINE)}) {
            Path file = dir.resolve("empty.idx");
            empty.save(file);
            try (EmbeddingIndex loaded = EmbeddingIndex.load(file)) {
                assertEquals(0, loaded.size());
                assertEquals(empty.metric(), loaded.metric());
                assertEquals(0, loaded.search(new float[] {1, 2, 3, 4}, 3).length);
            }
        }
    }

    /** The bytes of a saved {@link #filled} index. */
    private byte[] savedBytes(BiFunction<Integer, KnnMetric, EmbeddingIndex> make, KnnMetric metric)
            throws IOException {
        Path file = dir.resolve("ok.idx");
        try (EmbeddingIndex index = filled(make, metric)) {
            index.save(file);
        }
        return Files.readAllBytes(file);
    }

    /** Writes {@code content} to a file, asserts that loading it throws an IOException, and returns its message. */
    private String loadFails(byte[] content, String what) throws IOException {
        Path f = dir.resolve("bad.idx");
        Files.write(f, content);
        return assertThrows(IOException.class, () -> EmbeddingIndex.load(f), what).getMessage();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void everyFlippedByteIsDetected(String name, BiFunction<Integer, KnnMetric, EmbeddingIndex> make)
            throws IOException {
        byte[] good = savedBytes(make, KnnMetric.COSINE);
        // every byte of the header and trailer, and a spread of positions through vectors, labels, ids and graph
        for (int pos = 0; pos < good.length; pos += pos < 40 || pos > good.length - 40 ? 1 : 97) {
            byte[] bad = good.clone();
            bad[pos] ^= (byte) 0x10;
            String msg = loadFails(bad, "flipped byte " + pos);
            assertTrue(msg.contains("corrupt") || msg.contains("not a dml4j index") || msg.contains("version")
                    || msg.contains("truncated"), "byte " + pos + ": " + msg);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void truncatedFilesAreDetected(String name, BiFunction<Integer, KnnMetric, EmbeddingIndex> make)
            throws IOException {
        byte[] good = savedBytes(make, KnnMetric.EUCLIDEAN);
        for (int len : new int[] {0, 5, 20, 40, good.length / 3, good.length / 2, good.length - 5, good.length - 1}) {
            String msg = loadFails(Arrays.copyOf(good, len), "length " + len);
            assertTrue(msg.contains("truncated") || msg.contains("too short"), "length " + len + ": " + msg);
        }
        String msg = loadFails(Arrays.copyOf(good, good.length + 1), "one byte appended");
        assertTrue(msg.contains("after the checksum"), msg);
    }

    @Test
    void foreignAndMissingFilesGiveClearErrors() throws IOException {
        Path foreign = dir.resolve("foreign.idx");
        Files.writeString(foreign, "this is not an index file, just some text of sufficient length");
        IOException e = assertThrows(IOException.class, () -> EmbeddingIndex.load(foreign));
        assertTrue(e.getMessage().contains("not a dml4j index"), e.getMessage());
        e = assertThrows(IOException.class, () -> EmbeddingIndex.load(dir.resolve("missing.idx")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void saveReplacesAnExistingFileAndLeavesNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("sub/dir/replace.idx");
        try (ExactIndex a = new ExactIndex(2, KnnMetric.EUCLIDEAN)) {
            a.add(new float[][] {{1, 2}}, new long[] {1});
            a.save(file);
            a.add(new float[][] {{3, 4}}, new long[] {2});
            a.save(file);
        }
        try (EmbeddingIndex loaded = EmbeddingIndex.load(file); Stream<Path> files = Files.list(file.getParent())) {
            assertEquals(2, loaded.size());
            assertEquals(1, files.count());
        }
    }
}
