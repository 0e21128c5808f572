package dev.dml4j.eval;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Retrieval and clustering accuracy of embeddings, with the semantics of pytorch-metric-learning's
 * {@code AccuracyCalculator}: Precision@1, R-Precision, MAP@R, MAP@k ({@code mean_average_precision}: average
 * precision over the k nearest divided by the query's number R of same-label references), MRR,
 * Recall@K (the DML papers' definition: a query scores if any of its K nearest references has its label), NMI and
 * AMI.
 *
 * <ul>
 * <li>Query and reference may be the same set ({@code referenceIsQuery}: each query is excluded from its own
 * neighbours and its class counts one less) or different sets.</li>
 * <li>k defaults to the largest number of references sharing a query's label ("max_bin_count", minus one when the
 * reference is the query set), which R-Precision and MAP@R need.</li>
 * <li>Queries with no same-label reference ("lone" queries) are left out of every k-NN metric; a metric over no
 * query is 0.</li>
 * <li>avgOfAvgs averages per class first; returnPerClass adds each class's value as {@code <metric>/class=<label>}.</li>
 * <li>NMI and AMI compare the query labels with k-means clusters of the query embeddings (as many clusters as
 * query labels), or with cluster labels the caller gives.</li>
 * </ul>
 */
public final class AccuracyCalculator {
    /** Share of queries whose nearest reference has their label. */
    public static final String PRECISION_AT_1 = "precision_at_1";
    /** Share of the R nearest that have the query's label, R = number of same-label references. */
    public static final String R_PRECISION = "r_precision";
    /** Mean average precision over the R nearest (Musgrave et al., "A Metric Learning Reality Check"). */
    public static final String MAP_AT_R = "mean_average_precision_at_r";
    /** Mean average precision over the k nearest (MAP@k; the denominator is the number R of same-label references). */
    public static final String MAP = "mean_average_precision";
    /** Mean of 1 / rank of the first same-label reference within the k nearest (0 if none). */
    public static final String MRR = "mean_reciprocal_rank";
    /** Normalized mutual information of labels and clusters. */
    public static final String NMI = "NMI";
    /** Adjusted mutual information of labels and clusters. */
    public static final String AMI = "AMI";
    /** Prefix of the Recall@K metric names: {@code recall_at_<K>}. */
    public static final String RECALL_AT = "recall_at_";
    /** The default Recall@K list (the CUB-200 / Cars-196 protocol extended to 32). */
    public static final int[] DEFAULT_RECALL_KS = {1, 2, 4, 8, 16, 32};

    private static final Pattern RECALL = Pattern.compile("recall_at_([1-9][0-9]*)");
    private static final List<String> FIXED = List.of(PRECISION_AT_1, R_PRECISION, MAP_AT_R, MAP, MRR, NMI, AMI);
    private static final Set<String> KNN_METRICS = Set.of(PRECISION_AT_1, R_PRECISION, MAP_AT_R, MAP, MRR);

    private final List<String> metrics;
    private final Integer k;
    private final boolean kAll;
    private final KnnMetric knnMetric;
    private final boolean avgOfAvgs;
    private final boolean returnPerClass;
    private final long seed;
    private final int kmeansRestarts;
    private final int kmeansMaxIterations;
    private final int blockSize;

    private AccuracyCalculator(Builder b) {
        this.metrics = List.copyOf(b.resolveMetrics());
        this.k = b.k;
        this.kAll = b.kAll;
        this.knnMetric = b.knnMetric;
        this.avgOfAvgs = b.avgOfAvgs;
        this.returnPerClass = b.returnPerClass;
        this.seed = b.seed;
        this.kmeansRestarts = b.kmeansRestarts;
        this.kmeansMaxIterations = b.kmeansMaxIterations;
        this.blockSize = b.blockSize;
    }

    /** A builder with pytorch-metric-learning's defaults (every metric, k = max_bin_count, Euclidean). */
    public static Builder builder() {
        return new Builder();
    }

    /** The metric names this calculator reports, in output order. */
    public List<String> metrics() {
        return metrics;
    }

    /**
     * Every metric for engine embeddings.
     *
     * @param query            [Q, D] query embeddings
     * @param queryLabels      [Q] class labels of the queries
     * @param reference        [R, D] reference embeddings (may be null, or the query itself, when
     *                         {@code referenceIsQuery})
     * @param referenceLabels  [R] class labels of the references (ignored when {@code referenceIsQuery})
     * @param referenceIsQuery whether the reference set is the query set (each query excluded from its neighbours)
     * @return metric name → value (plus per-class entries when returnPerClass)
     */
    public Map<String, Double> getAccuracy(NDArray query, long[] queryLabels, NDArray reference,
            long[] referenceLabels, boolean referenceIsQuery) {
        return getAccuracy(query, queryLabels, reference, referenceLabels, referenceIsQuery, null);
    }

    /** As {@link #getAccuracy(NDArray, long[], NDArray, long[], boolean)}, with NMI/AMI against given clusters. */
    public Map<String, Double> getAccuracy(NDArray query, long[] queryLabels, NDArray reference,
            long[] referenceLabels, boolean referenceIsQuery, long[] clusterLabels) {
        NDArray ref = referenceIsQuery ? query : reference;
        long[] refLabels = referenceIsQuery ? queryLabels : referenceLabels;
        checkInputs(query == null ? -1 : query.getShape().get(0), queryLabels,
                ref == null ? -1 : ref.getShape().get(0), refLabels, referenceIsQuery, reference, query);
        return compute(queryLabels, refLabels, referenceIsQuery, clusterLabels,
                kk -> ExactKnn.search(query, ref, kk, knnMetric, referenceIsQuery, blockSize),
                () -> KMeans.builder().seed(seed).restarts(kmeansRestarts).maxIterations(kmeansMaxIterations)
                        .numClusters(distinct(queryLabels)).blockSize(blockSize).build().fit(query).labels());
    }

    /** Every metric for Java embeddings (see the NDArray form for the parameters). */
    public Map<String, Double> getAccuracy(float[][] query, long[] queryLabels, float[][] reference,
            long[] referenceLabels, boolean referenceIsQuery, long[] clusterLabels) {
        float[][] ref = referenceIsQuery ? query : reference;
        long[] refLabels = referenceIsQuery ? queryLabels : referenceLabels;
        checkInputs(query == null ? -1 : query.length, queryLabels, ref == null ? -1 : ref.length, refLabels,
                referenceIsQuery, reference, query);
        return compute(queryLabels, refLabels, referenceIsQuery, clusterLabels,
                kk -> ExactKnn.search(query, ref, kk, knnMetric, referenceIsQuery, blockSize),
                () -> KMeans.builder().seed(seed).restarts(kmeansRestarts).maxIterations(kmeansMaxIterations)
                        .numClusters(distinct(queryLabels)).blockSize(blockSize).build().fit(query).labels());
    }

    /**
     * The k-NN metrics from neighbours found elsewhere (e.g. an approximate index): {@code knn} rows are queries,
     * nearest first, with reference row indices (self already excluded when {@code referenceIsQuery}).
     */
    public Map<String, Double> getAccuracy(KnnResult knn, long[] queryLabels, long[] referenceLabels,
            boolean referenceIsQuery) {
        long[] refLabels = referenceIsQuery ? queryLabels : referenceLabels;
        checkInputs(knn.numQueries(), queryLabels, refLabels == null ? -1 : refLabels.length, refLabels,
                referenceIsQuery, null, null);
        List<String> knnOnly = metrics.stream().filter(m -> !m.equals(NMI) && !m.equals(AMI)).toList();
        return new Run(knnOnly, queryLabels, refLabels, referenceIsQuery).knnMetrics(kk -> knn, null);
    }

    /** NMI and AMI of labels against given cluster labels (keys {@code NMI}, {@code AMI}). */
    public static Map<String, Double> clusteringScores(long[] labels, long[] clusterLabels) {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put(NMI, ClusterScores.nmi(labels, clusterLabels));
        out.put(AMI, ClusterScores.ami(labels, clusterLabels));
        return out;
    }

    private static void checkInputs(long nq, long[] queryLabels, long nr, long[] refLabels, boolean refIsQuery,
            Object reference, Object query) {
        if (nq < 0) {
            throw new IllegalArgumentException("query embeddings must not be null");
        }
        if (queryLabels == null || queryLabels.length != nq) {
            throw new IllegalArgumentException("there are " + nq + " query embeddings but "
                    + (queryLabels == null ? "no" : queryLabels.length) + " query labels; give one label per row");
        }
        if (refIsQuery) {
            if (reference != null && reference != query) {
                throw new IllegalArgumentException("referenceIsQuery is true but a different reference was given; "
                        + "pass null (or the query itself) as reference, or set referenceIsQuery=false");
            }
            return;
        }
        if (nr < 0) {
            throw new IllegalArgumentException("reference embeddings must not be null when referenceIsQuery=false");
        }
        if (refLabels == null || refLabels.length != nr) {
            throw new IllegalArgumentException("there are " + nr + " reference embeddings but "
                    + (refLabels == null ? "no" : refLabels.length) + " reference labels; give one label per row");
        }
    }

    private static int distinct(long[] labels) {
        return (int) Arrays.stream(labels).distinct().count();
    }

    /** Finds the k nearest references for a given k. */
    @FunctionalInterface
    private interface KnnSearch {
        KnnResult search(int k);
    }

    /** Clusters the queries. */
    @FunctionalInterface
    private interface Clustering {
        long[] cluster();
    }

    private Map<String, Double> compute(long[] queryLabels, long[] refLabels, boolean refIsQuery,
            long[] clusterLabels, KnnSearch search, Clustering clustering) {
        if (clusterLabels != null && clusterLabels.length != queryLabels.length) {
            throw new IllegalArgumentException("there are " + queryLabels.length + " queries but "
                    + clusterLabels.length + " cluster labels; give one cluster label per query");
        }
        return new Run(metrics, queryLabels, refLabels, refIsQuery).knnMetrics(search, () -> {
            long[] clusters = clusterLabels != null ? clusterLabels : clustering.cluster();
            return clusters;
        });
    }

    /** One evaluation: label statistics, the neighbours' labels, and each metric. */
    private final class Run {
        private final List<String> wanted;
        private final long[] queryLabels;
        private final long[] refLabels;
        private final boolean refIsQuery;

        Run(List<String> wanted, long[] queryLabels, long[] refLabels, boolean refIsQuery) {
            this.wanted = wanted;
            this.queryLabels = queryLabels;
            this.refLabels = refLabels;
            this.refIsQuery = refIsQuery;
        }

        Map<String, Double> knnMetrics(KnnSearch search, Clustering clustering) {
            Map<String, Double> out = new LinkedHashMap<>();
            boolean needKnn = wanted.stream().anyMatch(m -> KNN_METRICS.contains(m) || RECALL.matcher(m).matches());
            if (needKnn) {
                knnPart(search, out);
            }
            if (clustering != null && (wanted.contains(NMI) || wanted.contains(AMI))) {
                long[] clusters = clustering.cluster();
                if (wanted.contains(NMI)) {
                    out.put(NMI, ClusterScores.nmi(queryLabels, clusters));
                }
                if (wanted.contains(AMI)) {
                    out.put(AMI, ClusterScores.ami(queryLabels, clusters));
                }
            }
            // output in the order the metrics were asked for
            Map<String, Double> ordered = new LinkedHashMap<>();
            for (String m : wanted) {
                if (out.containsKey(m)) {
                    ordered.put(m, out.get(m));
                }
            }
            for (Map.Entry<String, Double> e : out.entrySet()) {
                ordered.putIfAbsent(e.getKey(), e.getValue());
            }
            return ordered;
        }

        private void knnPart(KnnSearch search, Map<String, Double> out) {
            int nq = queryLabels.length;
            int self = refIsQuery ? 1 : 0;
            Map<Long, Integer> refCounts = new HashMap<>();
            for (long l : refLabels) {
                refCounts.merge(l, 1, Integer::sum);
            }
            // R per query: same-label references other than the query itself; lone queries have none
            int[] relevant = new int[nq];
            int maxBin = 0;
            List<Integer> kept = new ArrayList<>();
            for (int i = 0; i < nq; i++) {
                int count = refCounts.getOrDefault(queryLabels[i], 0);
                maxBin = Math.max(maxBin, count);
                relevant[i] = count - self;
                if (relevant[i] > 0) {
                    kept.add(i);
                }
            }
            int kMetric = kAll ? refLabels.length - self : k != null ? k : maxBin - self;
            List<Integer> recallKs = new ArrayList<>();
            for (String m : wanted) {
                Matcher mm = RECALL.matcher(m);
                if (mm.matches()) {
                    recallKs.add(Integer.parseInt(mm.group(1)));
                }
            }
            int kSearch = kMetric;
            for (int rk : recallKs) {
                kSearch = Math.max(kSearch, rk);
            }
            if (kept.isEmpty() || kSearch <= 0) {
                for (String m : wanted) {
                    if (KNN_METRICS.contains(m) || RECALL.matcher(m).matches()) {
                        out.put(m, 0.0);
                    }
                }
                return;
            }
            KnnResult knn = search.search(kSearch);
            if (knn.numQueries() != nq) {
                throw new IllegalArgumentException("the neighbour lists have " + knn.numQueries() + " rows but there are "
                        + nq + " queries");
            }
            int nk = kept.size();
            long[] keptLabels = new long[nk];
            // hits[q][j]: whether neighbour j of kept query q has its label
            boolean[][] hits = new boolean[nk][];
            for (int q = 0; q < nk; q++) {
                int i = kept.get(q);
                keptLabels[q] = queryLabels[i];
                long[] nb = knn.indices()[i];
                boolean[] h = new boolean[nb.length];
                for (int j = 0; j < nb.length; j++) {
                    if (nb[j] < 0 || nb[j] >= refLabels.length) {
                        throw new IllegalArgumentException("neighbour index " + nb[j] + " of query " + i
                                + " is outside the reference set of " + refLabels.length);
                    }
                    h[j] = refLabels[(int) nb[j]] == queryLabels[i];
                }
                hits[q] = h;
            }
            for (String m : wanted) {
                double[] perSample = new double[nk];
                Matcher rm = RECALL.matcher(m);
                if (rm.matches()) {
                    int rk = Integer.parseInt(rm.group(1));
                    for (int q = 0; q < nk; q++) {
                        perSample[q] = anyHit(hits[q], rk) ? 1 : 0;
                    }
                } else if (KNN_METRICS.contains(m)) {
                    for (int q = 0; q < nk; q++) {
                        boolean[] h = hits[q];
                        int cols = Math.min(kMetric, h.length);
                        perSample[q] = switch (m) {
                            case PRECISION_AT_1 -> h.length > 0 && h[0] ? 1 : 0;
                            case R_PRECISION -> rPrecision(h, Math.min(relevant[kept.get(q)], cols));
                            case MAP_AT_R -> averagePrecision(h, Math.min(relevant[kept.get(q)], cols),
                                    Math.min(relevant[kept.get(q)], cols));
                            case MAP -> averagePrecision(h, cols, relevant[kept.get(q)]);
                            case MRR -> reciprocalRank(h, cols);
                            default -> throw new IllegalStateException(m);
                        };
                    }
                } else {
                    continue;
                }
                out.put(m, average(perSample, keptLabels));
                if (returnPerClass) {
                    for (Map.Entry<Long, Double> e : perClass(perSample, keptLabels).entrySet()) {
                        out.put(m + "/class=" + e.getKey(), e.getValue());
                    }
                }
            }
        }

        private double average(double[] perSample, long[] labels) {
            if (!avgOfAvgs) {
                double s = 0;
                for (double v : perSample) {
                    s += v;
                }
                return s / perSample.length;
            }
            Map<Long, Double> pc = perClass(perSample, labels);
            double s = 0;
            for (double v : pc.values()) {
                s += v;
            }
            return s / pc.size();
        }
    }

    private static Map<Long, Double> perClass(double[] perSample, long[] labels) {
        Map<Long, double[]> acc = new TreeMap<>();
        for (int i = 0; i < perSample.length; i++) {
            double[] a = acc.computeIfAbsent(labels[i], x -> new double[2]);
            a[0] += perSample[i];
            a[1] += 1;
        }
        Map<Long, Double> out = new LinkedHashMap<>();
        for (Map.Entry<Long, double[]> e : acc.entrySet()) {
            out.put(e.getKey(), e.getValue()[0] / e.getValue()[1]);
        }
        return out;
    }

    private static boolean anyHit(boolean[] h, int upTo) {
        for (int j = 0; j < Math.min(upTo, h.length); j++) {
            if (h[j]) {
                return true;
            }
        }
        return false;
    }

    /** Hits among the first r neighbours, divided by r. */
    static double rPrecision(boolean[] h, int r) {
        int hits = 0;
        for (int j = 0; j < r; j++) {
            if (h[j]) {
                hits++;
            }
        }
        return (double) hits / r;
    }

    /**
     * Σ over hits j within the first {@code cols} neighbours of precision@j, divided by {@code denominator}: for
     * MAP@R the number of relevant places min(R, k), for MAP@k the number R of same-label references (so a query
     * whose R same-label references are not all within the k nearest cannot score 1).
     */
    static double averagePrecision(boolean[] h, int cols, int denominator) {
        double sum = 0;
        int hits = 0;
        for (int j = 0; j < cols; j++) {
            if (h[j]) {
                hits++;
                sum += (double) hits / (j + 1);
            }
        }
        return sum / denominator;
    }

    /** 1 / rank of the first hit within the first {@code cols} neighbours, 0 if none. */
    static double reciprocalRank(boolean[] h, int cols) {
        for (int j = 0; j < cols; j++) {
            if (h[j]) {
                return 1.0 / (j + 1);
            }
        }
        return 0;
    }

    /** Configures an {@link AccuracyCalculator}; every setting has pytorch-metric-learning's default. */
    public static final class Builder {
        private final Set<String> include = new LinkedHashSet<>();
        private final Set<String> exclude = new LinkedHashSet<>();
        private int[] recallKs = DEFAULT_RECALL_KS.clone();
        private Integer k;
        private boolean kAll;
        private KnnMetric knnMetric = KnnMetric.EUCLIDEAN;
        private boolean avgOfAvgs;
        private boolean returnPerClass;
        private long seed;
        private int kmeansRestarts = KMeans.DEFAULT_RESTARTS;
        private int kmeansMaxIterations = KMeans.DEFAULT_MAX_ITERATIONS;
        private int blockSize = ExactKnn.DEFAULT_BLOCK_SIZE;

        private Builder() {
        }

        /** Computes only these metrics (default: all; names as {@link #PRECISION_AT_1} etc., or recall_at_K). */
        public Builder include(String... names) {
            include.addAll(checkNames(names));
            return this;
        }

        /** Leaves these metrics out. */
        public Builder exclude(String... names) {
            exclude.addAll(checkNames(names));
            return this;
        }

        /** The K of the Recall@K metrics computed by default (default 1, 2, 4, 8, 16, 32). */
        public Builder recallAtK(int... ks) {
            for (int x : ks) {
                if (x < 1) {
                    throw new IllegalArgumentException("Recall@K needs K >= 1, got " + x);
                }
            }
            recallKs = ks.clone();
            return this;
        }

        /** The number of neighbours for MAP@k, MRR, R-Precision and MAP@R (default: max_bin_count). */
        public Builder k(int k) {
            if (k < 1) {
                throw new IllegalArgumentException("k must be >= 1, got " + k
                        + "; use k(\"max_bin_count\") for the largest class size");
            }
            this.k = k;
            this.kAll = false;
            return this;
        }

        /** k by name: "max_bin_count" (default), "all" (every reference, PML's k=None), or an integer. */
        public Builder k(String k) {
            String s = k == null ? "" : k.trim();
            if (s.equals("max_bin_count")) {
                this.k = null;
                this.kAll = false;
            } else if (s.equals("all") || s.equalsIgnoreCase("none")) {
                this.k = null;
                this.kAll = true;
            } else {
                try {
                    return k(Integer.parseInt(s));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("k must be an integer >= 1, \"max_bin_count\" or \"all\", got '"
                            + k + "'");
                }
            }
            return this;
        }

        /** How neighbours are found (default Euclidean, as PML's faiss flat L2 index). */
        public Builder knnMetric(KnnMetric metric) {
            if (metric == null) {
                throw new IllegalArgumentException("knnMetric must not be null");
            }
            this.knnMetric = metric;
            return this;
        }

        /** Average per class first, then over classes (default false). */
        public Builder avgOfAvgs(boolean v) {
            this.avgOfAvgs = v;
            return this;
        }

        /** Also report each class's value as {@code <metric>/class=<label>} (default false). */
        public Builder returnPerClass(boolean v) {
            this.returnPerClass = v;
            return this;
        }

        /** Seed of the k-means clustering for NMI/AMI (default 0). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** k-means restarts for NMI/AMI; the run with the lowest inertia wins (default {@value KMeans#DEFAULT_RESTARTS}). */
        public Builder kmeansRestarts(int restarts) {
            this.kmeansRestarts = EvalArgs.atLeastOne(restarts, "kmeansRestarts");
            return this;
        }

        /** Lloyd iterations per k-means run (default {@value KMeans#DEFAULT_MAX_ITERATIONS}). */
        public Builder kmeansMaxIterations(int iterations) {
            this.kmeansMaxIterations = EvalArgs.atLeastOne(iterations, "kmeansMaxIterations");
            return this;
        }

        /** Rows per block of the exact k-NN search (default {@value ExactKnn#DEFAULT_BLOCK_SIZE}). */
        public Builder blockSize(int rows) {
            this.blockSize = EvalArgs.atLeastOne(rows, "blockSize");
            return this;
        }

        /** The calculator. */
        public AccuracyCalculator build() {
            if (resolveMetrics().isEmpty()) {
                throw new IllegalArgumentException("include/exclude leave no metric to compute");
            }
            return new AccuracyCalculator(this);
        }

        private List<String> resolveMetrics() {
            List<String> all = new ArrayList<>();
            if (include.isEmpty()) {
                all.addAll(List.of(PRECISION_AT_1, R_PRECISION, MAP_AT_R, MAP, MRR));
                for (int x : recallKs) {
                    all.add(RECALL_AT + x);
                }
                all.add(NMI);
                all.add(AMI);
            } else {
                all.addAll(include);
            }
            all.removeAll(exclude);
            return all.stream().distinct().toList();
        }

        private static List<String> checkNames(String... names) {
            for (String n : names) {
                if (n == null || !(FIXED.contains(n) || RECALL.matcher(n).matches())) {
                    throw new IllegalArgumentException("unknown metric '" + n + "'; use one of " + FIXED
                            + " or recall_at_K (K >= 1)");
                }
            }
            return Arrays.asList(names);
        }
    }
}
