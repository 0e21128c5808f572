package dev.dml4j.train.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each optimizer against updates computed by hand (in double) from its defining equations, over three steps. */
class OptimizersTest {
    private static final double[] W0 = {1.0, -2.0, 0.5};
    private static final double[][] GRADS = {{0.5, -1.0, 0.25}, {-0.3, 0.2, 0.1}, {0.8, 0.0, -0.6}};

    /** Runs three updates with the fixed gradients and returns the weights after each. */
    private static double[][] run(ParameterOptimizer opt, double lr) {
        double[][] out = new double[GRADS.length][];
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(toFloat(W0));
            w.setRequiresGradient(true);
            for (int s = 0; s < GRADS.length; s++) {
                NDArray g = m.create(toFloat(GRADS[s]));
                opt.update("w", w, g, lr);
                out[s] = toDouble(w.toFloatArray());
                assertArrayEquals(new float[W0.length], g.toFloatArray(), "the gradient is zeroed after the update");
            }
        }
        opt.close();
        return out;
    }

    @Test
    void rmspropPlainMatchesHandComputation() {
        double lr = 0.01;
        double alpha = 0.99;
        double eps = 1e-8;
        double[] w = W0.clone();
        double[] v = new double[3];
        double[][] expected = new double[3][];
        for (int s = 0; s < 3; s++) {
            for (int i = 0; i < 3; i++) {
                double g = GRADS[s][i];
                v[i] = alpha * v[i] + (1 - alpha) * g * g;
                w[i] -= lr * g / (Math.sqrt(v[i]) + eps);
            }
            expected[s] = w.clone();
        }
        assertClose(expected, run(new RmsProp(alpha, eps, 0, 0, false), lr));
        // first step by hand: v = 0.01 * 0.25, step = 0.01 * 0.5 / 0.05 = 0.1
        assertEquals(0.9, expected[0][0], 1e-6);
    }

    @Test
    void rmspropCenteredWithMomentumAndDecayMatchesHandComputation() {
        double lr = 0.05;
        double alpha = 0.9;
        double eps = 1e-6;
        double wd = 0.1;
        double mu = 0.5;
        double[] w = W0.clone();
        double[] v = new double[3];
        double[] gAvg = new double[3];
        double[] buf = new double[3];
        double[][] expected = new double[3][];
        for (int s = 0; s < 3; s++) {
            for (int i = 0; i < 3; i++) {
                double g = GRADS[s][i] + wd * w[i];
                v[i] = alpha * v[i] + (1 - alpha) * g * g;
                gAvg[i] = alpha * gAvg[i] + (1 - alpha) * g;
                double d = Math.sqrt(v[i] - gAvg[i] * gAvg[i]) + eps;
                buf[i] = mu * buf[i] + g / d;
                w[i] -= lr * buf[i];
            }
            expected[s] = w.clone();
        }
        assertClose(expected, run(new RmsProp(alpha, eps, wd, mu, true), lr));
    }

    @Test
    void sgdWithMomentumMatchesHandComputation() {
        double lr = 0.1;
        double mu = 0.9;
        double[] w = W0.clone();
        double[] b = new double[3];
        double[][] expected = new double[3][];
        for (int s = 0; s < 3; s++) {
            for (int i = 0; i < 3; i++) {
                b[i] = mu * b[i] + GRADS[s][i];
                w[i] -= lr * b[i];
            }
            expected[s] = w.clone();
        }
        assertClose(expected, run(new Sgd(mu, 0), lr));
    }

    @Test
    void plainSgdMatchesHandComputation() {
        double lr = 0.1;
        double[] w = W0.clone();
        double[][] expected = new double[3][];
        for (int s = 0; s < 3; s++) {
            for (int i = 0; i < 3; i++) {
                w[i] -= lr * GRADS[s][i];
            }
            expected[s] = w.clone();
        }
        assertClose(expected, run(new Sgd(0, 0), lr));
    }

    @Test
    void adamAndAdamWMatchHandComputation() {
        for (boolean decoupled : new boolean[] {false, true}) {
            double lr = 0.01;
            double b1 = 0.9;
            double b2 = 0.999;
            double eps = 1e-8;
            double wd = 0.1;
            double[] w = W0.clone();
            double[] m = new double[3];
            double[] v = new double[3];
            double[][] expected = new double[3][];
            for (int s = 0; s < 3; s++) {
                int t = s + 1;
                for (int i = 0; i < 3; i++) {
                    double g = GRADS[s][i] + (decoupled ? 0 : wd * w[i]);
                    m[i] = b1 * m[i] + (1 - b1) * g;
                    v[i] = b2 * v[i] + (1 - b2) * g * g;
                    double mHat = m[i] / (1 - Math.pow(b1, t));
                    double vHat = v[i] / (1 - Math.pow(b2, t));
                    if (decoupled) {
                        w[i] -= lr * wd * w[i];
                    }
                    w[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
                }
                expected[s] = w.clone();
            }
            assertClose(expected, run(new Adam(b1, b2, eps, wd, decoupled), lr));
        }
    }

    @Test
    void stateRoundTripsSoAResumedRunContinuesExactly() throws Exception {
        ParameterOptimizer a = new RmsProp(0.9, 1e-8, 0, 0.5, true);
        ParameterOptimizer b = Optimizers.create("rmsprop", Map.of("alpha", 0.9, "momentum", 0.5, "centered", true));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray wa = m.create(toFloat(W0));
            NDArray wb = m.create(toFloat(W0));
            a.update("w", wa, m.create(toFloat(GRADS[0])), 0.1);
            b.update("w", wb, m.create(toFloat(GRADS[0])), 0.1);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            a.writeState(new DataOutputStream(bytes));
            ParameterOptimizer restored = Optimizers.create("rmsprop",
                    Map.of("alpha", 0.9, "momentum", 0.5, "centered", true));
            restored.readState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            assertEquals(1, restored.steps("w"));
            restored.update("w", wa, m.create(toFloat(GRADS[1])), 0.1);
            b.update("w", wb, m.create(toFloat(GRADS[1])), 0.1);
            assertArrayEquals(wb.toFloatArray(), wa.toFloatArray());
            ParameterOptimizer other = new Adam(0.9, 0.999, 1e-8, 0, false);
            Exception e = assertThrows(java.io.IOException.class, () -> other.readState(
                    new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
            assertTrue(e.getMessage().contains("rmsprop"), e.getMessage());
            restored.close();
            other.close();
        }
        a.close();
        b.close();
    }

    @Test
    void badSettingsAreRejectedWithClearMessages() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Optimizers.create("adagrad", Map.of()))
                .getMessage().contains("sgd, adam, adamw, rmsprop"));
        assertThrows(IllegalArgumentException.class, () -> Optimizers.create("sgd", Map.of("momentun", 0.9)));
        assertThrows(IllegalArgumentException.class, () -> new RmsProp(1.5, 1e-8, 0, 0, false));
        try (ParameterOptimizer o = new Sgd(0, 0); NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(new float[] {1, 2});
            assertThrows(IllegalArgumentException.class, () -> o.update("w", w, m.create(new float[] {1}), 0.1));
            assertThrows(IllegalArgumentException.class, () -> o.update("w", w, m.create(new float[] {1, 1}),
                    Double.NaN));
        }
    }

    @Test
    void scheduleFactors() {
        LearningRateSchedule step = new LearningRateSchedule("step", 2, 0.5, 0);
        assertEquals(1, step.factor(1, 10, 100), 1e-12);
        assertEquals(0.25, step.factor(4, 10, 100), 1e-12);
        LearningRateSchedule cos = new LearningRateSchedule("cosine", 1, 1, 4);
        assertEquals(0.25 * 1, cos.factor(0, 0, 100), 1e-12);
        assertEquals(0.5, cos.factor(0, 50, 100), 1e-12);
        assertEquals(0, cos.factor(0, 100, 100), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule("linear", 1, 1, 0));
    }

    private static void assertClose(double[][] expected, double[][] actual) {
        for (int s = 0; s < expected.length; s++) {
            for (int i = 0; i < expected[s].length; i++) {
                assertEquals(expected[s][i], actual[s][i], 1e-5 + 1e-5 * Math.abs(expected[s][i]),
                        "step " + (s + 1) + " weight " + i);
            }
        }
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
