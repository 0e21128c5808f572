package dev.dml4j.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.dml4j.distance.CosineSimilarity;
import dev.dml4j.distance.Distance;
import dev.dml4j.distance.LpDistance;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.mining.Tuples;
import dev.dml4j.testing.GradCheck;
import dev.dml4j.util.Ops;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Proxy-Anchor has two ways to the same numbers: with a bounded similarity (cosine) one exponential without a max
 * taken out; otherwise the reference's stable log-sum-exp with the largest kept exponent taken out. Both must agree,
 * and the guarded one must stay finite and exact where plain exponentials would overflow.
 */
class ProxyAnchorLossTest {
    static final long[] LABELS = {0, 0, 0, 1, 1, 2, 2, 2, 2, 4, 4, 1, 0}; // class 3 and 5 have no sample
    static final int CLASSES = 6;
    static final int DIM = 5;

    /** Cosine similarity that does not admit its bound, so the loss takes the guarded path. */
    static final class UnboundedCosine extends CosineSimilarity {
        @Override
        public double bound() {
            return Double.POSITIVE_INFINITY;
        }
    }

    @Test
    void boundedAndGuardedPathsAgree() {
        for (DataType type : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
            for (boolean mined : new boolean[] {false, true}) {
                for (double[] marginAlpha : new double[][] {{0.1, 32}, {0.2, 16}, {-0.3, 4}}) {
                    try (NDManager m = NDManager.newBaseManager();
                         ProxyAnchorLoss fast = new ProxyAnchorLoss(CLASSES, DIM, marginAlpha[0], marginAlpha[1], null,
                                 null);
                         ProxyAnchorLoss guarded = new ProxyAnchorLoss(CLASSES, DIM, marginAlpha[0], marginAlpha[1],
                                 new UnboundedCosine(), null)) {
                        guarded.setWeights(fast.getWeights());
                        NDArray x = m.create(GradCheck.gaussian(LABELS.length, DIM, 3)).toType(type, false);
                        NDArray labels = m.create(LABELS);
                        IndicesTuple t = mined ? Tuples.randomTriplets(labels, null, 2, new Random(5)) : null;
                        double[] a = lossAndGradients(x, fast, labels, t);
                        double[] b = lossAndGradients(x, guarded, labels, t);
                        double tol = type == DataType.FLOAT64 ? 1e-10 : 2e-4;
                        String what = type + (mined ? " with miner weights" : "") + " margin " + marginAlpha[0]
                                + " alpha " + marginAlpha[1];
                        assertEquals(b[0], a[0], tol * Math.max(1, Math.abs(b[0])), what + ": loss");
                        assertArrayEquals(b, a, tol * Math.max(1, maxAbs(b)), what + ": gradients");
                    }
                }
            }
        }
    }

    @Test
    void pathChoiceFollowsTheDistanceBound() {
        assertEquals(1, new CosineSimilarity().bound());
        assertEquals(2, new LpDistance().bound());
        assertEquals(4, new LpDistance(true, 2, 2).bound());
        assertEquals(Double.POSITIVE_INFINITY, new LpDistance(false, 2, 1).bound());
        assertEquals(Double.POSITIVE_INFINITY, new dev.dml4j.distance.DotProductSimilarity().bound());
    }

    /**
     * Raw Euclidean distances of spread-out embeddings with α = 32 give exponents in the hundreds: e^z overflows
     * float64's range only in the sum, so the loss must take the largest exponent out, as a direct double-precision
     * evaluation of the formula does.
     */
    @Test
    void largeExponentsStayFiniteAndExact() {
        double alpha = 32;
        double margin = 0.1;
        double[][] x = GradCheck.gaussian(LABELS.length, DIM, 11);
        for (double[] row : x) {
            for (int j = 0; j < row.length; j++) {
                row[j] *= 30;
            }
        }
        try (NDManager m = NDManager.newBaseManager();
             ProxyAnchorLoss loss = new ProxyAnchorLoss(CLASSES, DIM, margin, alpha, new LpDistance(false, 2, 1), null)) {
            double[][] w = GradCheck.gaussian(CLASSES, DIM, 12);
            loss.setWeights(w);
            NDArray labels = m.create(LABELS);
            double[] got = lossAndGradients(m.create(x), loss, labels, null);
            assertEquals(expected(x, w, LABELS, alpha, margin), got[0], 1e-9 * Math.abs(got[0]));
            for (double g : got) {
                assertTrue(Double.isFinite(g), "gradient must stay finite");
            }
        }
    }

    /** The guarded path's gradient by finite differences (raw Euclidean distances: no bound), with miner weights. */
    @Test
    void guardedPathGradientMatchesFiniteDifferences() {
        try (NDManager m = NDManager.newBaseManager();
             ProxyAnchorLoss loss = new ProxyAnchorLoss(CLASSES, DIM, 0.1, 4, new LpDistance(false, 2, 1), null)) {
            loss.setWeights(GradCheck.gaussian(CLASSES, DIM, 21));
            NDArray labels = m.create(LABELS);
            for (boolean mined : new boolean[] {false, true}) {
                IndicesTuple t = mined ? Tuples.randomTriplets(labels, null, 2, new Random(9)) : null;
                GradCheck.check(x -> loss.forward(x, labels, t), GradCheck.gaussian(LABELS.length, DIM, 22), 1e-6,
                        1e-5, 1e-8);
            }
        }
    }

    /** The Proxy-Anchor loss for Euclidean distances, evaluated in plain double precision. */
    private static double expected(double[][] x, double[][] w, long[] labels, double alpha, double margin) {
        double pos = 0;
        double neg = 0;
        int withPositives = 0;
        for (int c = 0; c < w.length; c++) {
            java.util.List<Double> pz = new java.util.ArrayList<>();
            java.util.List<Double> nz = new java.util.ArrayList<>();
            for (int i = 0; i < x.length; i++) {
                double d = 0;
                for (int j = 0; j < x[i].length; j++) {
                    d += (x[i][j] - w[c][j]) * (x[i][j] - w[c][j]);
                }
                d = Math.sqrt(d);
                if (labels[i] == c) {
                    pz.add(alpha * (d - margin));
                } else {
                    nz.add(-alpha * (d + margin));
                }
            }
            if (!pz.isEmpty()) {
                withPositives++;
            }
            pos += logOnePlusSumExp(pz);
            neg += logOnePlusSumExp(nz);
        }
        return pos / withPositives + neg / w.length;
    }

    private static double logOnePlusSumExp(java.util.List<Double> z) {
        double mx = 0;
        for (double v : z) {
            mx = Math.max(mx, v);
        }
        double s = Math.exp(-mx);
        for (double v : z) {
            s += Math.exp(v - mx);
        }
        return Math.log(s) + mx;
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double d : v) {
            m = Math.max(m, Math.abs(d));
        }
        return m;
    }

    /** {loss, ∂loss/∂x..., ∂loss/∂proxies...} in double precision. */
    private static double[] lossAndGradients(NDArray x, ProxyAnchorLoss loss, NDArray labels, IndicesTuple t) {
        Function<NDArray, NDArray> f = g -> loss.forward(g, labels, t);
        try (NDArray g = x.duplicate()) {
            g.setRequiresGradient(true);
            double value;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector(); NDArray l = f.apply(g)) {
                value = l.toType(DataType.FLOAT64, false).getDouble();
                Ops.backward(gc, l);
            }
            double[] gx;
            double[] gw;
            try (NDArray gr = g.getGradient(); NDArray grw = loss.getWeights().getGradient()) {
                gx = gr.toType(DataType.FLOAT64, false).toDoubleArray();
                gw = grw.toType(DataType.FLOAT64, false).toDoubleArray();
                grw.subi(grw);
            }
            double[] out = new double[1 + gx.length + gw.length];
            out[0] = value;
            System.arraycopy(gx, 0, out, 1, gx.length);
            System.arraycopy(gw, 0, out, 1 + gx.length, gw.length);
            return out;
        }
    }
}
