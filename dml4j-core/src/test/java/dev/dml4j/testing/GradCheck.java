package dev.dml4j.testing;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.util.function.Function;

/**
 * Finite-difference gradient checks in float64: compares the autograd gradient of a scalar function with central
 * differences, entry by entry. For losses without a reference value.
 */
public final class GradCheck {
    private GradCheck() {
    }

    /**
     * Asserts that the autograd gradient of {@code f} at {@code x0} [rows][cols] matches central differences.
     *
     * @param f a scalar function of a float64 array (it may close nothing it did not create)
     * @param x0 the point
     * @param eps the finite-difference step (1e-6 is a good default in float64)
     * @param rel relative tolerance
     * @param abs absolute tolerance
     * @return the autograd gradient, flattened row-major (for further assertions)
     */
    public static double[] check(Function<NDArray, NDArray> f, double[][] x0, double eps, double rel, double abs) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(x0).toType(DataType.FLOAT64, false);
            x.setRequiresGradient(true);
            double[] analytic;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = f.apply(x);
                gc.backward(y);
            }
            try (NDArray g = x.getGradient()) {
                analytic = g.toDoubleArray();
            }
            int rows = x0.length;
            int cols = x0[0].length;
            StringBuilder bad = new StringBuilder();
            int nBad = 0;
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    double[][] plus = copy(x0);
                    double[][] minus = copy(x0);
                    plus[i][j] += eps;
                    minus[i][j] -= eps;
                    double numeric = (value(f, m, plus) - value(f, m, minus)) / (2 * eps);
                    double a = analytic[i * cols + j];
                    if (Math.abs(a - numeric) > abs + rel * Math.abs(numeric)) {
                        if (nBad++ < 5) {
                            bad.append(String.format(" [%d,%d] autograd %.10g numeric %.10g;", i, j, a, numeric));
                        }
                    }
                }
            }
            if (nBad > 0) {
                throw new AssertionError("gradient check failed at " + nBad + " of " + rows * cols + " entries:" + bad);
            }
            return analytic;
        }
    }

    /** The value of f at a point, as a double. */
    public static double value(Function<NDArray, NDArray> f, NDManager m, double[][] x) {
        try (NDManager sub = m.newSubManager()) {
            NDArray in = sub.create(x).toType(DataType.FLOAT64, false);
            NDArray y = f.apply(in);
            double v = y.toType(DataType.FLOAT64, false).getDouble();
            y.close();
            return v;
        }
    }

    private static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    /** Deterministic Gaussian test data [n][d] from a seed. */
    public static double[][] gaussian(int n, int d, long seed) {
        java.util.Random r = new java.util.Random(seed);
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = r.nextGaussian();
            }
        }
        return x;
    }
}
