package dev.dml4j.index;

import dev.dml4j.eval.KnnMetric;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TaskExecutor;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.util.FixedBitSet;
import org.apache.lucene.util.VectorUtil;
import org.apache.lucene.util.hnsw.HnswConcurrentMergeBuilder;
import org.apache.lucene.util.hnsw.HnswGraph;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.InitializedHnswGraphBuilder;
import org.apache.lucene.util.hnsw.OnHeapHnswGraph;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;

/**
 * Approximate search on a Hierarchical Navigable Small World graph (Malkov &amp; Yashunin 2018), built and searched
 * by Lucene's HNSW code ({@code HnswGraphBuilder}, {@code HnswGraphSearcher}) directly on the in-memory vectors.
 * For galleries too large for exact search; recall against exact search is measured by {@code dml4j bench index}.
 *
 * <p>Each {@link #add} links the new vectors into the graph (the first call builds it). A search collects
 * {@code max(k, efSearch)} candidates on the graph, then ranks them by their exact distance and keeps k. The
 * saved file holds the graph itself (no rebuild on load), so a loaded index answers exactly as the saved one.
 */
public final class HnswIndex extends StoredIndex {
    /** Default M: neighbours per node on the upper levels (2·M on level 0); Lucene's default, 16. */
    public static final int DEFAULT_M = HnswGraphBuilder.DEFAULT_MAX_CONN;
    /** Default beam width while building (the paper's efConstruction); Lucene's default, 100. */
    public static final int DEFAULT_BEAM_WIDTH = HnswGraphBuilder.DEFAULT_BEAM_WIDTH;
    /** Default candidate-list size while searching (the paper's ef); 100. */
    public static final int DEFAULT_EF_SEARCH = 100;
    /** Default seed of the random level assignment; 42. */
    public static final long DEFAULT_SEED = 42L;

    private final int m;
    private final int beamWidth;
    private final long seed;
    private volatile int efSearch;
    private int buildThreads = 1;
    /** 1/‖x‖ per item under COSINE (empty otherwise). */
    private float[] invNorms = new float[0];
    private PackedHnswGraph graph;

    /** An empty HNSW index with the defaults M=16, beamWidth=100, efSearch=100, seed=42. */
    public HnswIndex(int dim, KnnMetric metric) {
        this(dim, metric, DEFAULT_M, DEFAULT_BEAM_WIDTH, DEFAULT_EF_SEARCH, DEFAULT_SEED);
    }

    /**
     * An empty HNSW index.
     *
     * @param dim embedding size
     * @param metric distance used for search
     * @param m M: max neighbours per node on the upper levels, 2·M on level 0 (default 16)
     * @param beamWidth candidates kept while inserting a node, the paper's efConstruction (default 100)
     * @param efSearch candidates kept while searching, the paper's ef; searches use max(k, efSearch) (default 100)
     * @param seed seed of the random level assignment; the same data, order and seed give the same graph
     */
    public HnswIndex(int dim, KnnMetric metric, int m, int beamWidth, int efSearch, long seed) {
        this(new VectorStore(dim, metric), m, beamWidth, efSearch, seed);
    }

    HnswIndex(VectorStore store, int m, int beamWidth, int efSearch, long seed) {
        super(store);
        if (m < 2 || m > 512) {
            throw new IllegalArgumentException("M must be in [2, 512] (neighbours per node; default 16), got " + m);
        }
        if (beamWidth < 1 || beamWidth > 4096) {
            throw new IllegalArgumentException("beamWidth (efConstruction) must be in [1, 4096] (default 100), got "
                    + beamWidth);
        }
        this.m = m;
        this.beamWidth = beamWidth;
        this.seed = seed;
        setEfSearch(efSearch);
    }

    /** Sets the search candidate-list size ef (≥ 1): larger is slower and closer to exact. */
    public void setEfSearch(int efSearch) {
        if (efSearch < 1) {
            throw new IllegalArgumentException("efSearch must be >= 1 (default 100), got " + efSearch);
        }
        this.efSearch = efSearch;
    }

    /** The search candidate-list size ef. */
    public int efSearch() {
        return efSearch;
    }

    /** M: max neighbours per node on the upper levels. */
    public int m() {
        return m;
    }

    /** The construction beam width (efConstruction). */
    public int beamWidth() {
        return beamWidth;
    }

    /** The seed of the random level assignment. */
    public long seed() {
        return seed;
    }

    @Override
    public synchronized void add(float[][] vectors, long[] labels, String[] ids) {
        int before = store.size();
        store.add(vectors, labels, ids);
        int total = store.size();
        if (total == before) {
            return;
        }
        updateNorms(before);
        try {
            graph = PackedHnswGraph.of(buildThreads > 1 ? buildConcurrently(before, total) : build(before, total));
        } catch (IOException e) {
            store.truncate(before);
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            // e.g. OutOfMemoryError while linking: keep the store and the graph consistent
            store.truncate(before);
            throw e;
        }
    }

    /** Links nodes before..total−1 into the graph on this thread (deterministic). */
    private OnHeapHnswGraph build(int before, int total) throws IOException {
        HnswGraphBuilder builder;
        if (graph == null) {
            builder = HnswGraphBuilder.create(new Supplier(), m, beamWidth, seed, total);
        } else {
            FixedBitSet done = new FixedBitSet(total);
            done.set(0, before);
            // a different seed per batch, so new nodes do not repeat the first batch's level draws
            builder = InitializedHnswGraphBuilder.fromGraph(new Supplier(), m, beamWidth, seed + 31L * before,
                    graph.cursor(), IntStream.range(0, before).toArray(), done, total);
        }
        return builder.build(total);
    }

    /** Links nodes before..total−1 with {@code buildThreads} Lucene workers (the result depends on timing). */
    private OnHeapHnswGraph buildConcurrently(int before, int total) throws IOException {
        OnHeapHnswGraph start = InitializedHnswGraphBuilder.initGraph(m, graph == null ? HnswGraph.EMPTY
                : graph.cursor(), IntStream.range(0, before).toArray(), total);
        FixedBitSet done = new FixedBitSet(total);
        if (before > 0) {
            done.set(0, before);
        }
        ExecutorService pool = Executors.newFixedThreadPool(buildThreads, r -> {
            Thread t = new Thread(r, "dml4j-hnsw-build");
            t.setDaemon(true);
            return t;
        });
        try {
            return new HnswConcurrentMergeBuilder(new TaskExecutor(pool), buildThreads, new Supplier(), m, beamWidth,
                    start, done).build(total);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Sets how many threads link new vectors into the graph (default 1). One thread gives the same graph for the
     * same data, order and seed; more threads (Lucene's concurrent builder) build faster on idle cores but the
     * graph then depends on thread timing.
     */
    public void setBuildThreads(int buildThreads) {
        if (buildThreads < 1) {
            throw new IllegalArgumentException("buildThreads must be >= 1 (default 1), got " + buildThreads);
        }
        this.buildThreads = buildThreads;
    }

    /** Number of threads {@link #add} builds the graph with. */
    public int buildThreads() {
        return buildThreads;
    }

    /** Installs a graph read from a file (the store already holds its vectors). */
    void restore(PackedHnswGraph g) {
        updateNorms(0);
        graph = g;
    }

    PackedHnswGraph graph() {
        return graph;
    }

    private void updateNorms(int from) {
        if (store.metric() != KnnMetric.COSINE) {
            return;
        }
        invNorms = Arrays.copyOf(invNorms, store.size());
        for (int i = from; i < store.size(); i++) {
            invNorms[i] = invNorm(store.row(i));
        }
    }

    private static float invNorm(float[] v) {
        return (float) (1.0 / Math.sqrt(VectorUtil.dotProduct(v, v)));
    }

    @Override
    public Hit[][] search(float[][] queries, int k) {
        VectorStore.checkQueries(queries, k, dim(), metric());
        PackedHnswGraph g;
        float[] norms;
        synchronized (this) {
            g = graph;
            norms = invNorms;
        }
        Hit[][] out = new Hit[queries.length][];
        if (g == null) {
            Arrays.fill(out, new Hit[0]);
            return out;
        }
        int ef = Math.max(k, efSearch);
        IntStream.range(0, queries.length).parallel().forEach(i -> out[i] = searchOne(g, norms, queries[i], k, ef));
        return out;
    }

    private Hit[] searchOne(PackedHnswGraph g, float[] norms, float[] query, int k, int ef) {
        TopKnnCollector collector = new TopKnnCollector(ef, Integer.MAX_VALUE);
        try {
            HnswGraphSearcher.search(scorer(query, g.size, norms), collector, g.cursor(), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TopDocs top = collector.topDocs();
        Hit[] cand = new Hit[top.scoreDocs.length];
        for (int j = 0; j < cand.length; j++) {
            ScoreDoc sd = top.scoreDocs[j];
            cand[j] = new Hit(sd.doc, store.id(sd.doc), store.label(sd.doc),
                    Metrics.distance(metric(), query, store.row(sd.doc)));
        }
        Arrays.sort(cand, (a, b) -> a.distance() != b.distance() ? Float.compare(a.distance(), b.distance())
                : Integer.compare(a.index(), b.index()));
        return Arrays.copyOf(cand, Math.min(k, cand.length));
    }

    /**
     * Lucene's similarity score (higher = closer, monotone in the index distance): 1/(1+‖a−b‖²) for the Euclidean
     * metrics, (1+cos)/2 for COSINE, Lucene's scaled maximum-inner-product score for DOT.
     */
    private float score(float[] a, float invA, float[] b, float invB) {
        return switch (store.metric()) {
            case EUCLIDEAN, SQUARED_EUCLIDEAN -> 1f / (1f + VectorUtil.squareDistance(a, b));
            case COSINE -> Math.max(0f, (1f + VectorUtil.dotProduct(a, b) * invA * invB) / 2f);
            case DOT -> VectorUtil.scaleMaxInnerProductScore(VectorUtil.dotProduct(a, b));
        };
    }

    private RandomVectorScorer scorer(float[] query, int maxOrd, float[] norms) {
        boolean cos = store.metric() == KnnMetric.COSINE;
        float invQ = cos ? invNorm(query) : 1f;
        return new RandomVectorScorer() {
            @Override
            public float score(int node) {
                return HnswIndex.this.score(query, invQ, store.row(node), cos ? norms[node] : 1f);
            }

            @Override
            public int maxOrd() {
                return maxOrd;
            }
        };
    }

    /** Scores against gallery nodes for the graph builder (stateless, so copy() returns itself). */
    private final class Supplier implements RandomVectorScorerSupplier {
        @Override
        public RandomVectorScorer scorer(int ord) {
            return HnswIndex.this.scorer(store.row(ord), store.size(), invNorms);
        }

        @Override
        public RandomVectorScorerSupplier copy() {
            return this;
        }
    }

    /**
     * Recall of approximate hits against exact ones: the share of the exact top-k items (by index) that the
     * approximate top-k contains, over all queries (1 when there is nothing to find).
     */
    public static double recall(Hit[][] approx, Hit[][] exact) {
        if (approx.length != exact.length) {
            throw new IllegalArgumentException("recall needs the same queries: " + approx.length + " vs "
                    + exact.length + " hit lists");
        }
        long found = 0;
        long total = 0;
        for (int i = 0; i < exact.length; i++) {
            java.util.Set<Integer> truth = new java.util.HashSet<>();
            for (Hit h : exact[i]) {
                truth.add(h.index());
            }
            for (Hit h : approx[i]) {
                found += truth.contains(h.index()) ? 1 : 0;
            }
            total += exact[i].length;
        }
        return total == 0 ? 1 : (double) found / total;
    }

}
