package dev.dml4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.dml4j.mining.BatchHardMiner;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.mining.Miner;
import dev.dml4j.mining.TripletMarginMiner;
import dev.dml4j.testing.GradCheck;
import org.junit.jupiter.api.Test;

/** 1,000 forward+backward steps leave no NDArray open that dml4j created. */
class NoLeakTest {
    static final int STEPS = Integer.getInteger("steps", 1000);

    @Test
    void thousandStepsOfLossAndMinerLeaveNoArrayOpen() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray[] b = batch(m, 64, 16, 1);
            assertNoArrayLeftOpen(m, b[0], b[1], new MetricLoss[] {new TripletMarginLoss(0.2), new ContrastiveLoss()},
                    new TripletMarginMiner(0.2, TripletMarginMiner.Type.SEMIHARD, null), STEPS);
        }
    }

    @Test
    void fastApBatchHardAndProxyLossesLeaveNoArrayOpen() {
        // the paths with their own temporaries: FastAP's in-place histograms and closed-form gradient, pair-by-pair
        // distances of few mined triplets, the Gram matrix with one backward product, proxy weights
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray[] b = batch(m, 32, 8, 2);
            MetricLoss[] losses = {new FastAPLoss(), new TripletMarginLoss(0.2), new ProxyNCALoss(8, 8, 1, null, null),
                new NormalizedSoftmaxLoss(8, 8, 0.05, null, null)};
            assertNoArrayLeftOpen(m, b[0], b[1], losses, new BatchHardMiner(), STEPS / 5);
            for (MetricLoss l : losses) {
                l.close();
            }
        }
    }

    /**
     * Runs {@code steps} training steps of the summed losses (the triplet loss on the miner's tuple) after one step
     * that lets lazily created arrays (gradient buffers) appear, and asserts that {@code m} holds as many arrays after
     * them as before.
     */
    private static void assertNoArrayLeftOpen(NDManager m, NDArray x, NDArray labels, MetricLoss[] losses, Miner miner,
            int steps) {
        x.setRequiresGradient(true);
        stepAll(x, labels, losses, miner);
        int before = m.getManagedArrays().size();
        for (int i = 0; i < steps; i++) {
            stepAll(x, labels, losses, miner);
        }
        int after = m.getManagedArrays().size();
        assertEquals(before, after, "arrays left open after " + steps + " steps: " + (after - before));
    }

    /** One step: mine, sum the losses (the triplet loss on the tuple), back-propagate, close what it made. */
    private static void stepAll(NDArray x, NDArray labels, MetricLoss[] losses, Miner miner) {
        try (IndicesTuple t = miner.mine(x, labels);
             GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray total = null;
            for (MetricLoss l : losses) {
                NDArray v = l instanceof TripletMarginLoss ? l.forward(x, labels, t) : l.forward(x, labels);
                NDArray sum = total == null ? v : total.add(v);
                if (total != null) {
                    total.close();
                    v.close();
                }
                total = sum;
            }
            dev.dml4j.util.Ops.backward(gc, total);
            total.close();
        }
        x.getGradient().close();
    }

    /** A float32 Gaussian batch [n, d] from a seed and its labels i / 4. */
    private static NDArray[] batch(NDManager m, int n, int d, long seed) {
        long[] lab = new long[n];
        for (int i = 0; i < n; i++) {
            lab[i] = i / 4;
        }
        return new NDArray[] {m.create(GradCheck.gaussian(n, d, seed)).toType(DataType.FLOAT32, false), m.create(lab)};
    }
}
