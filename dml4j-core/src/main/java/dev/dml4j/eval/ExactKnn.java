package dev.dml4j.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.dml4j.util.Checks;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Exact k-nearest-neighbour search by blocked matrix products on the engine, with memory bounded by the block size
 * rather than by Q × R.
 *
 * <p>How it works: query and reference are cut into blocks of {@code blockSize} rows. For each pair of blocks one
 * float32 GEMM gives a ranking key (smaller is nearer) — for the Euclidean metrics the full squared distance
 * ‖q‖² + ‖r‖² − 2q·r, fused into the GEMM by appending two columns ([−2q, 1, ‖q‖²]·[r, ‖r‖², 1]); for cosine and
 * dot the negated (normalised) inner product. Each query keeps a running list of its best {@code k + 8} candidates
 * in the JVM (O(Q·k) memory). Each block of keys is read in place (a direct view of the engine's memory) and every
 * entry is compared with its query's current worst candidate; the few that beat it are inserted (an engine top-k
 * per block measured several times slower). Two threads share the scan. When query and reference are the same
 * matrix, only the blocks above the diagonal are computed after the diagonal ones, and each serves both its row
 * block and its column block (half the GEMM work).
 *
 * <p>Exactness: the candidates are then re-ranked with the metric computed in float64 from the original rows, and
 * ties are broken by the smaller reference index. A rounding-error bound on the float32 key proves, per query, that
 * no reference outside the candidate list can be nearer than the k-th re-ranked one; a query for which the proof
 * fails (near-ties or duplicates at the k-th place) is searched again with a threshold that collects every
 * reference that might belong, so the result equals a float64 brute-force search in every case.
 */
public final class ExactKnn {
    /** The default number of rows per block: a 2,048 × 2,048 float32 block of keys is 16 MiB. */
    public static final int DEFAULT_BLOCK_SIZE = 2048;
    /** Candidates kept per query beyond k, so the exactness proof rarely needs a second pass. */
    static final int EXTRA_CANDIDATES = 8;
    /** Fewest rows per thread worth splitting a row scan for. */
    private static final int MIN_SPLIT_ROWS = 64;
    /** Largest matrix (values) whose GEMM operand is built whole: 2^24 floats = 64 MiB. */
    static final long OPERAND_CACHE_LIMIT = 1L << 24;
    /** float32 unit round-off. */
    private static final double UNIT_ROUNDOFF = 0x1p-24;
    /** Safety factor on the worst-case rounding bound of the float32 key. */
    private static final double BOUND_FACTOR = 8;
    /** The normalisation floor of cosine similarity (as {@code torch.nn.functional.normalize}). */
    private static final double NORM_EPS = 1e-12;


    private ExactKnn() {
    }

    /**
     * The k nearest references of every query row.
     *
     * @param query       [Q, D] float32 or float64 embeddings
     * @param reference   [R, D] embeddings; pass the same array as {@code query} for query = reference (this
     *                    halves the work)
     * @param k           neighbours per query (≥ 1); rows get min(k, available references) neighbours
     * @param metric      how closeness is measured
     * @param excludeSelf whether query row i is reference row i and must not be its own neighbour (needs Q ≤ R)
     * @param blockSize   rows per block (≥ 1); memory is O(blockSize² + Q·k), default {@link #DEFAULT_BLOCK_SIZE}
     * @return indices and metric values, nearest first, ties by smaller index
     */
    public static KnnResult search(NDArray query, NDArray reference, int k, KnnMetric metric, boolean excludeSelf,
            int blockSize) {
        RowSource q = RowSource.of(query, "query");
        RowSource r = reference == query ? q : RowSource.of(reference, "reference");
        if (reference != query && !query.getDevice().equals(reference.getDevice())) {
            throw new IllegalArgumentException("query is on " + query.getDevice() + " but reference is on "
                    + reference.getDevice() + "; move both to the same device");
        }
        try (NDManager m = query.getManager().newSubManager()) {
            return run(m, q, r, k, metric, excludeSelf, blockSize);
        }
    }

    /** {@link #search(NDArray, NDArray, int, KnnMetric, boolean, int)} with the default block size. */
    public static KnnResult search(NDArray query, NDArray reference, int k, KnnMetric metric, boolean excludeSelf) {
        return search(query, reference, k, metric, excludeSelf, DEFAULT_BLOCK_SIZE);
    }

    /**
     * The k nearest references of every query row, for Java matrices (copied to the engine one block at a time).
     *
     * @param query       [Q][D] embeddings
     * @param reference   [R][D] embeddings; pass the same array as {@code query} for query = reference
     * @param k           neighbours per query (≥ 1)
     * @param metric      how closeness is measured
     * @param excludeSelf whether query row i is reference row i and must not be its own neighbour (needs Q ≤ R)
     * @param blockSize   rows per block (≥ 1)
     * @return indices and metric values, nearest first, ties by smaller index
     */
    public static KnnResult search(float[][] query, float[][] reference, int k, KnnMetric metric,
            boolean excludeSelf, int blockSize) {
        RowSource q = RowSource.of(query, "query");
        RowSource r = reference == query ? q : RowSource.of(reference, "reference");
        try (NDManager m = NDManager.newBaseManager()) {
            return run(m, q, r, k, metric, excludeSelf, blockSize);
        }
    }

    private static KnnResult run(NDManager m, RowSource qs, RowSource rs, int k, KnnMetric metric,
            boolean excludeSelf, int blockSize) {
        if (metric == null) {
            throw new IllegalArgumentException("metric must not be null; use KnnMetric.EUCLIDEAN for the default");
        }
        Checks.require(k >= 1, "k must be >= 1, got " + k);
        Checks.require(blockSize >= 1, "blockSize must be >= 1, got " + blockSize + " (default "
                + DEFAULT_BLOCK_SIZE + ")");
        int nq = qs.count();
        int nr = rs.count();
        if (nq > 0 && nr > 0 && qs.dim() != rs.dim()) {
            throw new IllegalArgumentException("query has embedding size " + qs.dim() + " but reference has "
                    + rs.dim() + "; both must come from the same model");
        }
        if (excludeSelf && nq > nr) {
            throw new IllegalArgumentException("excludeSelf means query row i is reference row i, but there are " + nq
                    + " queries and only " + nr + " references; pass excludeSelf=false for separate sets");
        }
        int available = nr - (excludeSelf ? 1 : 0);
        int kEff = Math.min(k, Math.max(available, 0));
        long[][] outIdx = new long[nq][];
        float[][] outVal = new float[nq][];
        if (kEff == 0) {
            for (int i = 0; i < nq; i++) {
                outIdx[i] = new long[0];
                outVal[i] = new float[0];
            }
            return new KnnResult(outIdx, outVal);
        }
        Search s = new Search(m, qs, rs, kEff, metric, excludeSelf, blockSize, outIdx, outVal);
        try (NDScope scope = new NDScope()) {
            // every engine array of the search (some belong to the caller's manager) is closed here
            s.run();
        } finally {
            s.shutdown();
        }
        return new KnnResult(outIdx, outVal);
    }

    /** The state of one search: candidate lists and the blocked loops. */
    private static final class Search {
        private final NDManager m;
        private final RowSource qs;
        private final RowSource rs;
        private final int k;
        private final KnnMetric metric;
        private final boolean excludeSelf;
        private final int bs;
        private final int dim;
        private final int kc;
        private final long[][] outIdx;
        private final float[][] outVal;
        private final float[] candKey;
        private final int[] candIdx;
        private final int[] candCount;
        private double maxRefNorm;
        private NDArray fullQueryOp;
        private java.util.concurrent.ExecutorService helper;
        private NDArray fullReferenceOp;

        Search(NDManager m, RowSource qs, RowSource rs, int k, KnnMetric metric, boolean excludeSelf, int bs,
                long[][] outIdx, float[][] outVal) {
            this.m = m;
            this.qs = qs;
            this.rs = rs;
            this.k = k;
            this.metric = metric;
            this.excludeSelf = excludeSelf;
            this.bs = bs;
            this.dim = qs.dim();
            this.kc = Math.min(rs.count(), k + EXTRA_CANDIDATES + (excludeSelf ? 1 : 0));
            this.outIdx = outIdx;
            this.outVal = outVal;
            int nq = qs.count();
            this.candKey = new float[Math.multiplyExact(nq, kc)];
            this.candIdx = new int[nq * kc];
            this.candCount = new int[nq];
        }

        void run() {
            int nq = qs.count();
            int nr = rs.count();
            boolean symmetric = qs.sameAs(rs);
            maxRefNorm = maxNorm(rs);
            // operands of small matrices are built once (many small engine ops per block cost more than the GEMM's
            // share on a busy machine); large ones block by block
            if ((long) nq * (dim + 2) <= OPERAND_CACHE_LIMIT) {
                fullQueryOp = queryOperand(qs.block(m, 0, nq));
            }
            if ((long) nr * (dim + 2) <= OPERAND_CACHE_LIMIT) {
                fullReferenceOp = referenceOperand(rs.block(m, 0, nr));
            }
            if (symmetric) {
                // seed every query's candidate list from its own diagonal block, so that the thresholds of the
                // off-diagonal pass are finite from the start
                for (int b = 0; b < nq; b += bs) {
                    try (NDScope scope = new NDScope()) {
                        NDArray x = rs.block(m, b, Math.min(nq, b + bs));
                        int e = Math.min(nq, b + bs);
                        offerBelowThreshold(queryOperandBlock(b, e).matMul(referenceOperandBlock(b, e).transpose()),
                                b, b, false);
                    }
                }
            }
            for (int qb = 0; qb < nq; qb += bs) {
                int qe = Math.min(nq, qb + bs);
                try (NDScope outer = new NDScope()) {
                    NDArray qOp = queryOperandBlock(qb, qe);
                    for (int rb = symmetric ? qb + bs : 0; rb < nr; rb += bs) {
                        int re = Math.min(nr, rb + bs);
                        try (NDScope inner = new NDScope()) {
                            NDArray rOp = referenceOperandBlock(rb, re);
                            NDArray key = qOp.matMul(rOp.transpose());
                            key.get("0,0").toFloatArray();
                            // in the symmetric case the same keys seen column-wise are those of block rb's queries
                            offerBelowThreshold(key, qb, rb, symmetric);
                        }
                    }
                    finish(qb, qe, qOp);
                }
            }
        }

        /** Ends the helper thread, if one was started. */
        void shutdown() {
            if (helper != null) {
                helper.shutdownNow();
            }
        }

        /** The largest row norm of the reference (for the rounding bound). */
        private double maxNorm(RowSource src) {
            double best = 0;
            for (int b = 0; b < src.count(); b += bs) {
                try (NDScope scope = new NDScope()) {
                    NDArray x = src.block(m, b, Math.min(src.count(), b + bs));
                    NDArray sq = x.square().sum(new int[] {1});
                    best = Math.max(best, sq.max().toType(DataType.FLOAT64, false).getDouble());
                }
            }
            return Math.sqrt(best);
        }

        /** The left operand of query rows [from, to): a view of the whole-matrix operand when there is one. */
        private NDArray queryOperandBlock(int from, int to) {
            return fullQueryOp != null ? fullQueryOp.get(new NDIndex("{}:{}", from, to))
                    : queryOperand(qs.block(m, from, to));
        }

        /** The right operand of reference rows [from, to). */
        private NDArray referenceOperandBlock(int from, int to) {
            return fullReferenceOp != null ? fullReferenceOp.get(new NDIndex("{}:{}", from, to))
                    : referenceOperand(rs.block(m, from, to));
        }

        /** The left GEMM operand: [−2q, 1, ‖q‖²] (Euclidean), −q/‖q‖ (cosine) or −q (dot). */
        private NDArray queryOperand(NDArray q) {
            return switch (metric) {
                case EUCLIDEAN, SQUARED_EUCLIDEAN -> {
                    NDArray sq = q.square().sum(new int[] {1}, true);
                    yield NDArrays.concat(new NDList(q.mul(-2), sq.onesLike(), sq), 1);
                }
                case COSINE -> normalize(q).neg();
                case DOT -> q.neg();
            };
        }

        /** The right GEMM operand: [r, ‖r‖², 1] (Euclidean), r/‖r‖ (cosine) or r (dot). */
        private NDArray referenceOperand(NDArray r) {
            return switch (metric) {
                case EUCLIDEAN, SQUARED_EUCLIDEAN -> {
                    NDArray sq = r.square().sum(new int[] {1}, true);
                    yield NDArrays.concat(new NDList(r, sq, sq.onesLike()), 1);
                }
                case COSINE -> normalize(r);
                case DOT -> r;
            };
        }

        private static NDArray normalize(NDArray x) {
            NDArray norm = x.square().sum(new int[] {1}, true).sqrt().maximum(NORM_EPS);
            return x.div(norm);
        }

        /**
         * Offers the entries of a key block that are at most the current worst candidate of their row's query
         * (and, when {@code columnsToo}, of their column's query). After seeding only a small fraction of a block can
         * still enter a candidate list, so one pass of comparisons in the JVM over a direct view of the block
         * replaces a full top-k on the engine (measured several times slower).
         */
        private void offerBelowThreshold(NDArray key, int rowBase, int colBase, boolean columnsToo) {
            Shape s = key.getShape();
            int rows = Math.toIntExact(s.get(0));
            int cols = Math.toIntExact(s.get(1));
            // a direct view of the engine's memory (no copy); valid while key is open, i.e. for this call
            FloatBuffer a = key.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
            scanAll(a, rows, cols, rowBase, colBase, columnsToo);
        }

        /**
         * Compares every entry of a key block with its row's current threshold and, when {@code columnsToo}, with
         * its column's. Two threads take half of the rows each and insert row hits directly (each row is one
         * query's list); column hits are collected against the thresholds at the start of the block and inserted
         * afterwards, since both halves touch every column.
         */
        private void scanAll(FloatBuffer a, int rows, int cols, int rowBase, int colBase, boolean columnsToo) {
            float[] colThr = new float[cols];
            for (int j = 0; j < cols; j++) {
                colThr[j] = columnsToo ? threshold(colBase + j) : Float.NEGATIVE_INFINITY;
            }
            if (rows < 2 * MIN_SPLIT_ROWS) {
                scanRows(a, 0, rows, cols, rowBase, colBase, colThr).apply(this, rowBase, colBase);
                return;
            }
            int half = rows / 2;
            FloatBuffer view = a.duplicate();
            java.util.concurrent.Future<ColumnHits> first = helper().submit(
                    () -> scanRows(view, 0, half, cols, rowBase, colBase, colThr));
            ColumnHits second = scanRows(a, half, rows, cols, rowBase, colBase, colThr);
            ColumnHits firstHits;
            try {
                firstHits = first.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("k-NN search interrupted", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("k-NN block scan failed: " + e.getCause(), e.getCause());
            }
            firstHits.apply(this, rowBase, colBase);
            second.apply(this, rowBase, colBase);
        }

        /**
         * Scans rows [from, to): offers entries at most their row's threshold (row i is query rowBase + i) and
         * returns the entries at most their column's threshold {@code colThr} (read only).
         */
        private ColumnHits scanRows(FloatBuffer a, int from, int to, int cols, int rowBase, int colBase,
                float[] colThr) {
            float[] buf = new float[cols];
            ColumnHits hits = new ColumnHits();
            for (int i = from; i < to; i++) {
                a.get(i * cols, buf, 0, cols);
                int row = rowBase + i;
                float thr = threshold(row);
                for (int j = 0; j < cols; j++) {
                    float v = buf[j];
                    // one test per entry in the common case (no hit): the fastest form measured for the JIT
                    if (v <= thr || v <= colThr[j]) {
                        if (v <= thr) {
                            offer(row, v, colBase + j);
                            thr = threshold(row);
                        }
                        if (v <= colThr[j]) {
                            hits.add(i, j, v);
                        }
                    }
                }
            }
            return hits;
        }

        /** The thread that scans columns while the caller scans rows (started on first use, ended by run). */
        private java.util.concurrent.ExecutorService helper() {
            if (helper == null) {
                helper = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "dml4j-knn-scan");
                    t.setDaemon(true);
                    return t;
                });
            }
            return helper;
        }

        /** The worst candidate key of a query (+∞ while its list is not full): only keys ≤ this can enter. */
        private float threshold(int row) {
            return candCount[row] < kc ? Float.POSITIVE_INFINITY : candKey[row * kc + kc - 1];
        }

        /** Inserts (key, idx) into the row's sorted candidate list if it beats the worst one. */
        private void offer(int row, float key, int idx) {
            int base = row * kc;
            int n = candCount[row];
            if (n == kc) {
                float lk = candKey[base + kc - 1];
                if (key > lk || (key == lk && idx >= candIdx[base + kc - 1])) {
                    return;
                }
                n = kc - 1;
            } else {
                candCount[row] = n + 1;
            }
            int p = base + n;
            while (p > base && (candKey[p - 1] > key || (candKey[p - 1] == key && candIdx[p - 1] > idx))) {
                candKey[p] = candKey[p - 1];
                candIdx[p] = candIdx[p - 1];
                p--;
            }
            candKey[p] = key;
            candIdx[p] = idx;
        }

        /** Re-ranks the candidates of queries [qb, qe) exactly and proves (or restores) completeness. */
        private void finish(int qb, int qe, NDArray qOp) {
            double[] qRows = qs.rows(qb, qe);
            int[] flat = new int[(qe - qb) * kc];
            int n = 0;
            for (int row = qb; row < qe; row++) {
                for (int j = 0; j < candCount[row]; j++) {
                    flat[n++] = candIdx[row * kc + j];
                }
            }
            RowSource.Rows rRows = rs.select(m, flat, n);
            boolean complete = kc >= rs.count();
            List<Integer> redo = new ArrayList<>();
            List<Double> thresholds = new ArrayList<>();
            int pos = 0;
            double[] keys = new double[kc];
            int[] ids = new int[kc];
            for (int row = qb; row < qe; row++) {
                int c = candCount[row];
                int qo = (row - qb) * dim;
                int kept = 0;
                for (int j = 0; j < c; j++, pos++) {
                    int idx = flat[pos];
                    if (excludeSelf && idx == row) {
                        continue;
                    }
                    keys[kept] = exactKey(qRows, qo, rRows.data(), rRows.offsets()[pos]);
                    ids[kept++] = idx;
                }
                sortByKeyThenIndex(keys, ids, kept);
                double kth = keys[k - 1];
                if (!complete) {
                    double worst = candKey[row * kc + c - 1];
                    double eps = bound(qRows, qo);
                    if (!(worst - eps > kth)) {
                        redo.add(row);
                        thresholds.add(kth + eps);
                        continue;
                    }
                }
                store(row, keys, ids);
            }
            if (!redo.isEmpty()) {
                thresholdSearch(qb, qOp, redo, thresholds, qRows);
            }
        }

        /**
         * The second pass for queries whose candidate list could not be proven complete: every reference whose
         * float32 key is at most the threshold (k-th exact key + rounding bound) is re-ranked exactly.
         */
        private void thresholdSearch(int qb, NDArray qOp, List<Integer> rows, List<Double> thr, double[] qRows) {
            int f = rows.size();
            long[] local = new long[f];
            float[] t = new float[f];
            for (int i = 0; i < f; i++) {
                local[i] = rows.get(i) - qb;
                t[i] = Math.nextUp((float) (double) thr.get(i));
            }
            List<int[]> found = new ArrayList<>();
            int[] foundCount = new int[f];
            for (int i = 0; i < f; i++) {
                found.add(new int[16]);
            }
            try (NDScope scope = new NDScope()) {
                NDArray li = m.create(local).toDevice(qOp.getDevice(), false);
                NDArray sub = qOp.get(li);
                NDArray tArr = m.create(t, new Shape(f, 1)).toDevice(qOp.getDevice(), false);
                for (int rb = 0; rb < rs.count(); rb += bs) {
                    try (NDScope inner = new NDScope()) {
                        NDArray rOp = referenceOperandBlock(rb, Math.min(rs.count(), rb + bs));
                        NDArray key = sub.matMul(rOp.transpose());
                        long[] nz = key.lte(tArr).nonzero().toLongArray();
                        for (int p = 0; p < nz.length; p += 2) {
                            int i = (int) nz[p];
                            int[] list = found.get(i);
                            if (foundCount[i] == list.length) {
                                list = Arrays.copyOf(list, list.length * 2);
                                found.set(i, list);
                            }
                            list[foundCount[i]++] = rb + (int) nz[p + 1];
                        }
                    }
                }
            }
            for (int i = 0; i < f; i++) {
                int row = rows.get(i);
                int c = foundCount[i];
                int[] ids = found.get(i);
                RowSource.Rows rRows = rs.select(m, ids, c);
                double[] keys = new double[c];
                int[] kept = new int[c];
                int n = 0;
                int qo = (row - qb) * dim;
                for (int j = 0; j < c; j++) {
                    if (excludeSelf && ids[j] == row) {
                        continue;
                    }
                    keys[n] = exactKey(qRows, qo, rRows.data(), rRows.offsets()[j]);
                    kept[n++] = ids[j];
                }
                if (n < k) {
                    throw new IllegalStateException("exact k-NN threshold pass found " + n + " < k=" + k
                            + " references for query " + row + "; please report this with the data");
                }
                sortByKeyThenIndex(keys, kept, n);
                store(row, keys, kept);
            }
        }

        /** Writes the first k (exact key, index) pairs of a row as the metric's values. */
        private void store(int row, double[] keys, int[] ids) {
            long[] idx = new long[k];
            float[] val = new float[k];
            for (int j = 0; j < k; j++) {
                idx[j] = ids[j];
                val[j] = (float) value(keys[j]);
            }
            outIdx[row] = idx;
            outVal[row] = val;
        }

        /** The metric's value from its exact ranking key. */
        private double value(double key) {
            return switch (metric) {
                case EUCLIDEAN -> Math.sqrt(key);
                case SQUARED_EUCLIDEAN -> key;
                case COSINE, DOT -> -key;
            };
        }

        /** The ranking key (smaller is nearer) in float64 from the original rows. */
        private double exactKey(double[] q, int qo, double[] r, int ro) {
            switch (metric) {
                case EUCLIDEAN, SQUARED_EUCLIDEAN -> {
                    double s = 0;
                    for (int d = 0; d < dim; d++) {
                        double diff = q[qo + d] - r[ro + d];
                        s += diff * diff;
                    }
                    return s;
                }
                case COSINE -> {
                    double dot = 0;
                    double qq = 0;
                    double rr = 0;
                    for (int d = 0; d < dim; d++) {
                        dot += q[qo + d] * r[ro + d];
                        qq += q[qo + d] * q[qo + d];
                        rr += r[ro + d] * r[ro + d];
                    }
                    return 0.0 - dot / (Math.max(Math.sqrt(qq), NORM_EPS) * Math.max(Math.sqrt(rr), NORM_EPS));
                }
                default -> {
                    double dot = 0;
                    for (int d = 0; d < dim; d++) {
                        dot += q[qo + d] * r[ro + d];
                    }
                    return 0.0 - dot;
                }
            }
        }

        /** A bound on |float32 key − exact key| for one query (worst case, with a safety factor). */
        private double bound(double[] q, int qo) {
            double qq = 0;
            for (int d = 0; d < dim; d++) {
                qq += q[qo + d] * q[qo + d];
            }
            double qn = Math.sqrt(qq);
            double scale = switch (metric) {
                case EUCLIDEAN, SQUARED_EUCLIDEAN -> (qn + maxRefNorm) * (qn + maxRefNorm);
                case COSINE -> 2;
                case DOT -> 2 * qn * maxRefNorm;
            };
            return BOUND_FACTOR * (dim + 3) * UNIT_ROUNDOFF * scale + Double.MIN_NORMAL;
        }
    }

    /** Entries of a key block that may enter the list of their column's query: (row, column, key) triples. */
    private static final class ColumnHits {
        private int[] rows = new int[64];
        private int[] cols = new int[64];
        private float[] keys = new float[64];
        private int n;

        void add(int row, int col, float key) {
            if (n == rows.length) {
                rows = Arrays.copyOf(rows, 2 * n);
                cols = Arrays.copyOf(cols, 2 * n);
                keys = Arrays.copyOf(keys, 2 * n);
            }
            rows[n] = row;
            cols[n] = col;
            keys[n++] = key;
        }

        /** Offers each hit to its column's query (the final lists do not depend on the order of offers). */
        void apply(Search s, int rowBase, int colBase) {
            for (int p = 0; p < n; p++) {
                s.offer(colBase + cols[p], keys[p], rowBase + rows[p]);
            }
        }
    }

    /** Sorts the first n pairs by key, then by index (insertion sort for short lists). */
    static void sortByKeyThenIndex(double[] keys, int[] ids, int n) {
        if (n <= 64) {
            for (int i = 1; i < n; i++) {
                double kv = keys[i];
                int iv = ids[i];
                int j = i - 1;
                while (j >= 0 && (keys[j] > kv || (keys[j] == kv && ids[j] > iv))) {
                    keys[j + 1] = keys[j];
                    ids[j + 1] = ids[j];
                    j--;
                }
                keys[j + 1] = kv;
                ids[j + 1] = iv;
            }
            return;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            int c = Double.compare(keys[a], keys[b]);
            return c != 0 ? c : Integer.compare(ids[a], ids[b]);
        });
        double[] k2 = new double[n];
        int[] i2 = new int[n];
        for (int i = 0; i < n; i++) {
            k2[i] = keys[order[i]];
            i2[i] = ids[order[i]];
        }
        System.arraycopy(k2, 0, keys, 0, n);
        System.arraycopy(i2, 0, ids, 0, n);
    }
}
