package dev.dml4j.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.dml4j.util.Checks;

/**
 * Read access to the rows of an embedding matrix, either an engine array or a Java {@code float[][]}, in the two
 * forms {@link ExactKnn} needs: float32 blocks on the engine (for the GEMM) and float64 rows in the JVM (for the
 * exact re-ranking). Blocks are made on demand, so a huge matrix is never copied whole.
 */
abstract class RowSource {

    /** The number of rows. */
    abstract int count();

    /** The number of columns (the embedding size). */
    abstract int dim();

    /** Rows [from, to) as a float32 engine array on the source's device (a new array; caller closes it). */
    abstract NDArray block(NDManager m, int from, int to);

    /** Rows [from, to) as row-major float64 values. */
    abstract double[] rows(int from, int to);

    /** Largest matrix (values) copied to the JVM whole as float64: 2^25 doubles = 256 MiB. */
    static final long CACHE_LIMIT = 1L << 25;

    private double[] cache;

    /** Some rows in float64: row i of the selection starts at {@code data[offsets[i]]}. */
    record Rows(double[] data, int[] offsets) {
    }

    /**
     * Rows idx[0..n) in float64. When the whole matrix fits in {@link #CACHE_LIMIT} values it is copied to the JVM
     * once and the rows are read in place; otherwise they are gathered per call.
     */
    final Rows select(NDManager m, int[] idx, int n) {
        int d = dim();
        if (cache == null && (long) count() * d <= CACHE_LIMIT) {
            cache = new double[count() * d];
            int step = Math.max(1, (1 << 20) / Math.max(d, 1));
            for (int b = 0; b < count(); b += step) {
                int e = Math.min(count(), b + step);
                System.arraycopy(rows(b, e), 0, cache, b * d, (e - b) * d);
            }
        }
        int[] offsets = new int[n];
        if (cache != null) {
            for (int i = 0; i < n; i++) {
                offsets[i] = idx[i] * d;
            }
            return new Rows(cache, offsets);
        }
        for (int i = 0; i < n; i++) {
            offsets[i] = i * d;
        }
        return new Rows(gather(m, idx, n), offsets);
    }

    /** Rows idx[0..n) as row-major float64 values (a new array). */
    abstract double[] gather(NDManager m, int[] idx, int n);

    /** Whether both sources read the same matrix (query = reference: the symmetric path applies). */
    abstract boolean sameAs(RowSource other);

    /** A source over an engine array [N, D] (float32 or float64, checked finite). */
    static RowSource of(NDArray x, String name) {
        Checks.embeddings(x, name);
        return new Engine(x);
    }

    /** A source over a Java matrix [N][D] (rectangular, finite). */
    static RowSource of(float[][] x, String name) {
        if (x == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        int d = x.length == 0 ? 0 : x[0].length;
        for (int i = 0; i < x.length; i++) {
            if (x[i] == null || x[i].length != d) {
                throw new IllegalArgumentException(name + " row " + i + " has " + (x[i] == null ? "no" : x[i].length)
                        + " values but row 0 has " + d + "; every row must have the embedding size");
            }
            for (float v : x[i]) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException(name + " row " + i + " contains " + v
                            + "; embeddings must be finite");
                }
            }
        }
        return new Java(x);
    }

    /** An engine array read block by block. */
    private static final class Engine extends RowSource {
        private final NDArray x;

        Engine(NDArray x) {
            this.x = x;
        }

        @Override
        int count() {
            return Math.toIntExact(x.getShape().get(0));
        }

        @Override
        int dim() {
            return Math.toIntExact(x.getShape().get(1));
        }

        @Override
        NDArray block(NDManager m, int from, int to) {
            NDArray slice = x.get(new NDIndex("{}:{}", from, to));
            if (slice.getDataType() == DataType.FLOAT32) {
                return slice;
            }
            try (slice) {
                return slice.toType(DataType.FLOAT32, true);
            }
        }

        @Override
        double[] rows(int from, int to) {
            try (NDArray slice = x.get(new NDIndex("{}:{}", from, to));
                 NDArray d = slice.toType(DataType.FLOAT64, true)) {
                return d.toDoubleArray();
            }
        }

        @Override
        double[] gather(NDManager m, int[] idx, int n) {
            if (n == 0) {
                return new double[0];
            }
            long[] l = new long[n];
            for (int i = 0; i < n; i++) {
                l[i] = idx[i];
            }
            try (NDArray host = m.create(l);
                 NDArray i = host.toDevice(x.getDevice(), true);
                 NDArray g = x.get(i)) {
                if (g.getDataType() == DataType.FLOAT64) {
                    return g.toDoubleArray();
                }
                try (NDArray f = g.toType(DataType.FLOAT32, true)) {
                    float[] v = f.toFloatArray();
                    double[] out = new double[v.length];
                    for (int j = 0; j < v.length; j++) {
                        out[j] = v[j];
                    }
                    return out;
                }
            }
        }

        @Override
        boolean sameAs(RowSource other) {
            return other instanceof Engine e && e.x == x;
        }
    }

    /** A Java matrix; blocks are copied to the engine one at a time. */
    private static final class Java extends RowSource {
        private final float[][] x;

        Java(float[][] x) {
            this.x = x;
        }

        @Override
        int count() {
            return x.length;
        }

        @Override
        int dim() {
            return x.length == 0 ? 0 : x[0].length;
        }

        @Override
        NDArray block(NDManager m, int from, int to) {
            int d = dim();
            float[] flat = new float[(to - from) * d];
            for (int i = from; i < to; i++) {
                System.arraycopy(x[i], 0, flat, (i - from) * d, d);
            }
            return m.create(flat, new Shape(to - from, d));
        }

        @Override
        double[] rows(int from, int to) {
            int d = dim();
            double[] out = new double[(to - from) * d];
            for (int i = from; i < to; i++) {
                float[] r = x[i];
                int o = (i - from) * d;
                for (int j = 0; j < d; j++) {
                    out[o + j] = r[j];
                }
            }
            return out;
        }

        @Override
        double[] gather(NDManager m, int[] idx, int n) {
            int d = dim();
            double[] out = new double[n * d];
            for (int i = 0; i < n; i++) {
                float[] r = x[idx[i]];
                int o = i * d;
                for (int j = 0; j < d; j++) {
                    out[o + j] = r[j];
                }
            }
            return out;
        }

        @Override
        boolean sameAs(RowSource other) {
            return other instanceof Java j && j.x == x;
        }
    }
}
