package dev.dml4j.index;

import dev.dml4j.eval.ExactKnn;
import dev.dml4j.eval.KnnMetric;
import dev.dml4j.eval.KnnResult;

/**
 * Exact search: every query is compared with every gallery item by {@link ExactKnn} (blocked matrix products and
 * top-k on the tensor engine, bounded memory, results re-ranked in float64 so they equal a brute-force search).
 * The gallery stays in the JVM and is copied to the engine's default device one block at a time per search. Needs
 * a DJL engine (e.g. PyTorch) on the class path.
 */
public final class ExactIndex extends StoredIndex {
    /** Default block size handed to {@link ExactKnn}: its own default (rows per block). */
    public static final int DEFAULT_BLOCK_SIZE = ExactKnn.DEFAULT_BLOCK_SIZE;

    private final int blockSize;

    /** An empty exact index of {@code dim}-dimensional vectors under {@code metric}, ExactKnn's default block size. */
    public ExactIndex(int dim, KnnMetric metric) {
        this(dim, metric, DEFAULT_BLOCK_SIZE);
    }

    /**
     * An empty exact index.
     *
     * @param dim embedding size
     * @param metric distance used for search
     * @param blockSize rows per block in the blocked k-NN (memory ~ blockSize² floats; default
     *     {@link ExactKnn#DEFAULT_BLOCK_SIZE})
     */
    public ExactIndex(int dim, KnnMetric metric, int blockSize) {
        this(new VectorStore(dim, metric), blockSize);
    }

    ExactIndex(VectorStore store, int blockSize) {
        super(store);
        if (blockSize < 1) {
            throw new IllegalArgumentException("blockSize must be >= 1, got " + blockSize);
        }
        this.blockSize = blockSize;
    }

    @Override
    public synchronized void add(float[][] vectors, long[] labels, String[] ids) {
        store.add(vectors, labels, ids);
    }

    /** The blocked k-NN's block size (rows). */
    public int blockSize() {
        return blockSize;
    }

    @Override
    public Hit[][] search(float[][] queries, int k) {
        VectorStore.checkQueries(queries, k, dim(), metric());
        float[][] gallery;
        synchronized (this) {
            gallery = store.rows();
        }
        Hit[][] out = new Hit[queries.length][];
        if (gallery.length == 0 || queries.length == 0) {
            java.util.Arrays.fill(out, new Hit[0]);
            return out;
        }
        KnnResult r = ExactKnn.search(queries, gallery, Math.min(k, gallery.length), metric(), false, blockSize);
        for (int i = 0; i < queries.length; i++) {
            Hit[] hits = new Hit[r.indices()[i].length];
            for (int j = 0; j < hits.length; j++) {
                int idx = (int) r.indices()[i][j];
                hits[j] = new Hit(idx, store.id(idx), store.label(idx), indexDistance(r.distances()[i][j]));
            }
            out[i] = hits;
        }
        return out;
    }

    /** ExactKnn's value as the index's distance: similarities s become 1 − s (COSINE) and −s (DOT). */
    private float indexDistance(float v) {
        return switch (metric()) {
            case EUCLIDEAN, SQUARED_EUCLIDEAN -> v;
            case COSINE -> 1f - v;
            case DOT -> -v;
        };
    }
}
