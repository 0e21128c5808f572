package dev.dml4j.index;

import dev.dml4j.eval.KnnMetric;
import java.util.Arrays;

/** The gallery both backends share: rows of float32 vectors with labels and optional ids, growable, validated. */
final class VectorStore {
    private final int dim;
    private final KnnMetric metric;
    private float[][] rows = new float[16][];
    private long[] labels = new long[16];
    private String[] ids = new String[16];
    private int size;

    /** An empty store of {@code dim}-dimensional vectors under {@code metric}. */
    VectorStore(int dim, KnnMetric metric) {
        if (dim < 1) {
            throw new IllegalArgumentException("dim must be >= 1 (the embedding size), got " + dim);
        }
        if (metric == null) {
            throw new IllegalArgumentException("metric must not be null: pick one of "
                    + Arrays.toString(KnnMetric.values()));
        }
        this.dim = dim;
        this.metric = metric;
    }

    int dim() {
        return dim;
    }

    KnnMetric metric() {
        return metric;
    }

    int size() {
        return size;
    }

    /** Row {@code i} itself (not a copy: callers must not modify it). */
    float[] row(int i) {
        return rows[checkIndex(i)];
    }

    long label(int i) {
        return labels[checkIndex(i)];
    }

    String id(int i) {
        return ids[checkIndex(i)];
    }

    /** Whether any item carries an id. */
    boolean hasIds() {
        for (int i = 0; i < size; i++) {
            if (ids[i] != null) {
                return true;
            }
        }
        return false;
    }

    private int checkIndex(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("item index " + i + " is outside [0, " + size + ")");
        }
        return i;
    }

    /** Validates then appends copies of the vectors (all-or-nothing: a bad row adds nothing). */
    void add(float[][] vectors, long[] newLabels, String[] newIds) {
        if (vectors == null || newLabels == null) {
            throw new IllegalArgumentException("vectors and labels must not be null");
        }
        if (newLabels.length != vectors.length) {
            throw new IllegalArgumentException("labels has " + newLabels.length + " entries but there are "
                    + vectors.length + " vectors: give exactly one label per vector");
        }
        if (newIds != null && newIds.length != vectors.length) {
            throw new IllegalArgumentException("ids has " + newIds.length + " entries but there are "
                    + vectors.length + " vectors: give one id per vector, or null for no ids");
        }
        for (int i = 0; i < vectors.length; i++) {
            checkVector(vectors[i], "vectors[" + i + "]", dim, metric);
            if (newIds != null && newIds[i] == null) {
                throw new IllegalArgumentException("ids[" + i + "] is null; give every vector an id, or pass null "
                        + "instead of the whole ids array");
            }
        }
        if ((long) size + vectors.length > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("an index holds at most " + (Integer.MAX_VALUE - 8) + " items");
        }
        ensureCapacity(size + vectors.length);
        for (int i = 0; i < vectors.length; i++) {
            rows[size] = vectors[i].clone();
            labels[size] = newLabels[i];
            ids[size] = newIds == null ? null : newIds[i];
            size++;
        }
    }

    /** Appends one already validated row (used when reading a file; takes ownership of {@code row}). */
    void append(float[] row, long label, String id) {
        ensureCapacity(size + 1);
        rows[size] = row;
        labels[size] = label;
        ids[size] = id;
        size++;
    }

    /** Drops the items from {@code n} on (undoes an add whose indexing failed). */
    void truncate(int n) {
        Arrays.fill(rows, n, size, null);
        Arrays.fill(ids, n, size, null);
        size = n;
    }

    private void ensureCapacity(int n) {
        if (n > rows.length) {
            int cap = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(n, rows.length * 2L));
            rows = Arrays.copyOf(rows, cap);
            labels = Arrays.copyOf(labels, cap);
            ids = Arrays.copyOf(ids, cap);
        }
    }

    /** The rows [size][dim] (a new outer array over the stored rows, which callers must not modify). */
    float[][] rows() {
        return Arrays.copyOf(rows, size);
    }

    /**
     * Checks one vector: not null, {@code dim} entries, all finite, and non-zero under COSINE.
     *
     * @throws IllegalArgumentException naming the vector and what to fix
     */
    static void checkVector(float[] v, String name, int dim, KnnMetric metric) {
        if (v == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        if (v.length != dim) {
            throw new IllegalArgumentException(name + " has " + v.length + " entries but the index dimension is "
                    + dim + "; embed with the same model the index was built with");
        }
        boolean zero = true;
        for (int j = 0; j < v.length; j++) {
            if (!Float.isFinite(v[j])) {
                throw new IllegalArgumentException(name + "[" + j + "] is " + v[j]
                        + "; vectors must be finite: check the network's output");
            }
            zero &= v[j] == 0f;
        }
        if (zero && metric == KnnMetric.COSINE) {
            throw new IllegalArgumentException(name + " is the zero vector, whose cosine distance is undefined; "
                    + "drop it or use a EUCLIDEAN metric");
        }
    }

    /** Checks a batch of queries and k ≥ 1. */
    static void checkQueries(float[][] queries, int k, int dim, KnnMetric metric) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1 (number of neighbours per query), got " + k);
        }
        if (queries == null) {
            throw new IllegalArgumentException("queries must not be null");
        }
        for (int i = 0; i < queries.length; i++) {
            checkVector(queries[i], "queries[" + i + "]", dim, metric);
        }
    }
}
