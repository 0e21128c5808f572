package dev.dml4j.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.dml4j.regularize.LpRegularizer;
import dev.dml4j.testing.GradCheck;
import dev.dml4j.util.Ops;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Regression test for freed Java-backed tensors in the autograd graph (docs/djl-memory.md): the gradient must be the
 * same whether or not garbage collection frees and reuses direct buffers between forward and backward. Before the
 * fix, scalars made by {@code NDArray.mul(Number)} etc. were freed by the GC and backward read the reused memory.
 */
class FreedScalarRegressionTest {
    @Test
    void gradientsAreUnchangedByGarbageCollectionBetweenForwardAndBackward() throws Exception {
        List<MetricLoss> losses = List.of(new AngularLoss(), new CircleLoss(), new MultiSimilarityLoss(),
                new TripletMarginLoss(0.2), new NtXentLoss(), new LiftedStructureLoss(),
                new ContrastiveLoss().withEmbeddingRegularizer(new LpRegularizer(), 1.0));
        for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
            for (MetricLoss loss : losses) {
                double[] quiet = gradient(loss, type, false);
                double[] churned = gradient(loss, type, true);
                assertArrayEquals(quiet, churned, 0.0,
                        loss.getClass().getSimpleName() + " " + type + ": gradient changed by a GC before backward");
            }
        }
    }

    private static double[] gradient(MetricLoss loss, DataType type, boolean churn) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(GradCheck.gaussian(32, 8, 3)).toType(type, true);
            long[] lab = new long[32];
            for (int i = 0; i < lab.length; i++) {
                lab[i] = i / 4;
            }
            NDArray labels = m.create(lab);
            x.setRequiresGradient(true);
            List<ByteBuffer> filler = null;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray l = loss.forward(x, labels);
                if (churn) {
                    filler = churnDirectMemory();
                }
                Ops.backward(gc, l);
                l.close();
            }
            double[] g = x.getGradient().toType(DataType.FLOAT64, true).toDoubleArray();
            if (filler != null) {
                filler.clear();
            }
            return g;
        }
    }

    /**
     * Runs the GC so that the cleaners of unreachable direct buffers free their memory, then allocates many small
     * direct buffers filled with a junk pattern, which take over the freed blocks; returns them (kept alive until
     * after backward).
     */
    private static List<ByteBuffer> churnDirectMemory() throws InterruptedException {
        List<ByteBuffer> keep = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(30);
            for (int i = 0; i < 4000; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(4 << (i % 6));
                while (b.hasRemaining()) {
                    b.put((byte) 0x7f);
                }
                keep.add(b);
            }
        }
        return keep;
    }
}
