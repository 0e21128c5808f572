package dev.dml4j.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.DataType;
import java.util.SplittableRandom;

/**
 * Lloyd's k-means with k-means++ seeding (Arthur and Vassilvitskii 2007) and several seeded restarts; the run with
 * the lowest inertia (sum of squared distances to the assigned centroid) wins. The assignment step is an exact
 * nearest-centroid search on the engine ({@link ExactKnn}, squared Euclidean, ties to the smaller centroid index);
 * centroid updates run in float64 in the JVM. A run stops when no assignment changes or the inertia falls by less
 * than the tolerance (relative). An empty cluster is re-seeded with the point farthest from its centroid.
 * Deterministic for a given seed.
 *
 * <p>Cost: seeding is k sequential N × D matrix-vector products on the engine, each iteration one N × k GEMM.
 */
public final class KMeans {
    /** Default number of restarts. */
    public static final int DEFAULT_RESTARTS = 3;
    /** Default maximum Lloyd iterations per restart. */
    public static final int DEFAULT_MAX_ITERATIONS = 100;
    /** Default relative tolerance on the inertia decrease that ends a run. */
    public static final double DEFAULT_TOLERANCE = 1e-4;

    private final int numClusters;
    private final int restarts;
    private final int maxIterations;
    private final double tolerance;
    private final long seed;
    private final int blockSize;

    /** The clustering of a fit: a cluster per row, the centroids, their inertia and the iterations run. */
    public record Result(long[] labels, float[][] centroids, double inertia, int iterations) {
    }

    private KMeans(Builder b) {
        this.numClusters = b.numClusters;
        this.restarts = b.restarts;
        this.maxIterations = b.maxIterations;
        this.tolerance = b.tolerance;
        this.seed = b.seed;
        this.blockSize = b.blockSize;
    }

    /** A builder; numClusters must be set. */
    public static Builder builder() {
        return new Builder();
    }

    /** Clusters the rows of an engine array [N, D] (copied to the JVM once). */
    public Result fit(NDArray x) {
        dev.dml4j.util.Checks.embeddings(x, "k-means input");
        int n = Math.toIntExact(x.getShape().get(0));
        int d = Math.toIntExact(x.getShape().get(1));
        float[] flat;
        try (NDArray f = x.toType(DataType.FLOAT32, true)) {
            flat = f.toFloatArray();
        }
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = java.util.Arrays.copyOfRange(flat, i * d, (i + 1) * d);
        }
        return fit(rows);
    }

    /** Clusters the rows of a Java matrix [N][D]. */
    public Result fit(float[][] x) {
        RowSource.of(x, "k-means input");
        int n = x.length;
        if (numClusters > n) {
            throw new IllegalArgumentException("numClusters=" + numClusters + " is more than the " + n
                    + " points; use at most one cluster per point");
        }
        int d = x[0].length;
        float[] flat = new float[n * d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x[i], 0, flat, i * d, d);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray points = m.create(flat, new Shape(n, d));
            Result best = null;
            for (int r = 0; r < restarts; r++) {
                Result res = run(x, points, new SplittableRandom(seed + 0x9E3779B97F4A7C15L * r));
                if (best == null || res.inertia() < best.inertia()) {
                    best = res;
                }
            }
            return best;
        }
    }

    private Result run(float[][] x, NDArray points, SplittableRandom rnd) {
        int n = x.length;
        int d = x[0].length;
        float[][] centroids = seedPlusPlus(x, points, rnd);
        long[] labels = new long[n];
        java.util.Arrays.fill(labels, -1);
        double previous = Double.POSITIVE_INFINITY;
        int it = 0;
        while (it < maxIterations) {
            it++;
            KnnResult nearest = assign(points, centroids);
            boolean changed = false;
            double inertia = 0;
            double[][] sums = new double[numClusters][d];
            int[] counts = new int[numClusters];
            int farthest = 0;
            float farthestDist = -1;
            for (int i = 0; i < n; i++) {
                long c = nearest.indices()[i][0];
                float dist = nearest.distances()[i][0];
                changed |= labels[i] != c;
                labels[i] = c;
                inertia += dist;
                counts[(int) c]++;
                double[] s = sums[(int) c];
                for (int j = 0; j < d; j++) {
                    s[j] += x[i][j];
                }
                if (dist > farthestDist) {
                    farthestDist = dist;
                    farthest = i;
                }
            }
            for (int c = 0; c < numClusters; c++) {
                if (counts[c] == 0) {
                    // re-seed an empty cluster with the worst-served point
                    centroids[c] = x[farthest].clone();
                    changed = true;
                    continue;
                }
                for (int j = 0; j < d; j++) {
                    centroids[c][j] = (float) (sums[c][j] / counts[c]);
                }
            }
            boolean converged = !changed
                    || (previous != Double.POSITIVE_INFINITY && previous - inertia <= tolerance * previous);
            previous = inertia;
            if (converged) {
                break;
            }
        }
        // final assignment against the final centroids, so labels and centroids agree
        KnnResult nearest = assign(points, centroids);
        double inertia = 0;
        for (int i = 0; i < n; i++) {
            labels[i] = nearest.indices()[i][0];
            inertia += nearest.distances()[i][0];
        }
        return new Result(labels, centroids, inertia, it);
    }

    /** The nearest centroid of every point (exact, ties to the smaller centroid index). */
    private KnnResult assign(NDArray points, float[][] centroids) {
        int d = centroids[0].length;
        float[] flat = new float[centroids.length * d];
        for (int c = 0; c < centroids.length; c++) {
            System.arraycopy(centroids[c], 0, flat, c * d, d);
        }
        try (NDArray cents = points.getManager().create(flat, new Shape(centroids.length, d))) {
            return ExactKnn.search(points, cents, 1, KnnMetric.SQUARED_EUCLIDEAN, false, blockSize);
        }
    }

    /**
     * k-means++: the first centroid uniformly, each next one with probability ∝ squared distance to the nearest
     * chosen centroid. The distances to each new centroid come from one engine matrix-vector product
     * (‖x‖² − 2x·c + ‖c‖², float32; they only weight the sampling).
     */
    private float[][] seedPlusPlus(float[][] x, NDArray points, SplittableRandom rnd) {
        int n = x.length;
        float[][] centroids = new float[numClusters][];
        centroids[0] = x[rnd.nextInt(n)].clone();
        double[] minD2 = new double[n];
        java.util.Arrays.fill(minD2, Double.POSITIVE_INFINITY);
        float[] sqNorms;
        try (NDArray sq = points.square(); NDArray s = sq.sum(new int[] {1})) {
            sqNorms = s.toFloatArray();
        }
        for (int c = 1; c < numClusters; c++) {
            float[] last = centroids[c - 1];
            double lastSq = 0;
            for (float v : last) {
                lastSq += (double) v * v;
            }
            float[] dots;
            try (NDArray cv = points.getManager().create(last, new Shape(last.length, 1));
                 NDArray dv = points.matMul(cv)) {
                dots = dv.toFloatArray();
            }
            double total = 0;
            for (int i = 0; i < n; i++) {
                double s = Math.max(0, sqNorms[i] - 2.0 * dots[i] + lastSq);
                if (s < minD2[i]) {
                    minD2[i] = s;
                }
                total += minD2[i];
            }
            int pick;
            if (total <= 0) {
                pick = rnd.nextInt(n); // every point already coincides with a centroid
            } else {
                double target = rnd.nextDouble() * total;
                pick = n - 1;
                double acc = 0;
                for (int i = 0; i < n; i++) {
                    acc += minD2[i];
                    if (acc > target) {
                        pick = i;
                        break;
                    }
                }
            }
            centroids[c] = x[pick].clone();
        }
        return centroids;
    }

    /** Configures {@link KMeans}. */
    public static final class Builder {
        private int numClusters;
        private int restarts = DEFAULT_RESTARTS;
        private int maxIterations = DEFAULT_MAX_ITERATIONS;
        private double tolerance = DEFAULT_TOLERANCE;
        private long seed;
        private int blockSize = ExactKnn.DEFAULT_BLOCK_SIZE;

        private Builder() {
        }

        /** The number of clusters k (≥ 1; required). */
        public Builder numClusters(int k) {
            this.numClusters = EvalArgs.atLeastOne(k, "numClusters");
            return this;
        }

        /** Independent seeded runs; the lowest inertia wins (default {@value #DEFAULT_RESTARTS}). */
        public Builder restarts(int r) {
            this.restarts = EvalArgs.atLeastOne(r, "restarts");
            return this;
        }

        /** Maximum Lloyd iterations per run (default {@value #DEFAULT_MAX_ITERATIONS}). */
        public Builder maxIterations(int it) {
            this.maxIterations = EvalArgs.atLeastOne(it, "maxIterations");
            return this;
        }

        /** A run stops when the inertia falls by less than this fraction (default {@value #DEFAULT_TOLERANCE}). */
        public Builder tolerance(double tol) {
            if (!(tol >= 0) || Double.isInfinite(tol)) {
                throw new IllegalArgumentException("tolerance must be a finite number >= 0, got " + tol);
            }
            this.tolerance = tol;
            return this;
        }

        /** The seed of restart 0; restart r uses a seed derived from it (default 0). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Rows per block of the assignment search (default {@value ExactKnn#DEFAULT_BLOCK_SIZE}). */
        public Builder blockSize(int rows) {
            this.blockSize = EvalArgs.atLeastOne(rows, "blockSize");
            return this;
        }

        /** The configured k-means. */
        public KMeans build() {
            if (numClusters < 1) {
                throw new IllegalArgumentException("numClusters must be set (>= 1)");
            }
            return new KMeans(this);
        }
    }
}
