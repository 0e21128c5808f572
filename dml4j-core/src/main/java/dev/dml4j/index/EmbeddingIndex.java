package dev.dml4j.index;

import dev.dml4j.eval.KnnMetric;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A gallery of labelled embeddings to search: add vectors with labels (and optional string ids), find the top-k
 * nearest to a query, decide match / no match by a distance threshold (calibrate one with
 * {@link ThresholdCalibrator}), and save to / load from one checksummed file.
 *
 * <p>Distances are "smaller = closer" for every metric: {@code EUCLIDEAN} ‖q−x‖, {@code SQUARED_EUCLIDEAN}
 * ‖q−x‖², {@code COSINE} 1 − cos(q, x) (in [0, 2]), {@code DOT} −q·x. Hits come nearest first, ties by insertion
 * index.
 *
 * <p>Backends: {@link ExactIndex} (exact blocked k-NN on the tensor engine) and {@link HnswIndex} (approximate,
 * Lucene's HNSW graph). Not thread-safe for concurrent {@code add}; concurrent searches are fine.
 */
public interface EmbeddingIndex extends AutoCloseable {

    /** Adds vectors [n][dim] with one label each; the items get indices size() .. size()+n−1 and no ids. */
    default void add(float[][] vectors, long[] labels) {
        add(vectors, labels, null);
    }

    /**
     * Adds vectors [n][dim] with one label each and optional ids (null, or one non-null string per vector).
     *
     * @throws IllegalArgumentException on a dimension mismatch, NaN/infinite entries, a zero vector under COSINE,
     *     or label/id arrays of the wrong length
     */
    void add(float[][] vectors, long[] labels, String[] ids);

    /** Number of items in the index. */
    int size();

    /** Embedding size every vector must have. */
    int dim();

    /** The metric that defines distances (see the class comment for each metric's distance). */
    KnnMetric metric();

    /** The label of item {@code index}. */
    long label(int index);

    /** The id of item {@code index}, or null when it was added without ids. */
    String id(int index);

    /** A copy of the vector of item {@code index}. */
    float[] vector(int index);

    /**
     * The {@code min(k, size())} nearest items to each query, nearest first.
     *
     * @param queries [Q][dim] finite vectors
     * @param k number of neighbours per query, ≥ 1
     * @return one array of hits per query
     */
    Hit[][] search(float[][] queries, int k);

    /** The {@code min(k, size())} nearest items to one query, nearest first. */
    default Hit[] search(float[] query, int k) {
        return search(new float[][] {query}, k)[0];
    }

    /**
     * Match / no match: the query matches when its nearest item's distance is ≤ {@code threshold} (a distance in
     * this index's metric, e.g. from {@link ThresholdCalibrator#thresholdAtFmr}).
     */
    default Match match(float[] query, double threshold) {
        if (Double.isNaN(threshold)) {
            throw new IllegalArgumentException("threshold is NaN; give a distance threshold in the index's metric ("
                    + metric() + "), e.g. one calibrated by ThresholdCalibrator");
        }
        if (size() == 0) {
            return new Match(false, null, threshold);
        }
        Hit nearest = search(query, 1)[0];
        return new Match(nearest.distance() <= threshold, nearest, threshold);
    }

    /** Writes the index to one checksummed file (atomically: a temporary file then a rename). */
    void save(Path file) throws IOException;

    /** Frees native memory the backend may hold; the index must not be used afterwards. */
    @Override
    default void close() {
    }

    /**
     * Reads an index written by {@link #save}: an {@link ExactIndex} or {@link HnswIndex}, whichever was saved.
     *
     * @throws IOException if the file is missing, not an index file, of an unknown version, truncated or corrupt
     *     (checksum mismatch) — never a partly read index
     */
    static EmbeddingIndex load(Path file) throws IOException {
        return IndexFile.read(file);
    }
}
