package dev.dml4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dml4j.loss.CenterLoss;
import dev.dml4j.loss.ContrastiveLoss;
import dev.dml4j.loss.CrossBatchMemory;
import dev.dml4j.loss.MetricLoss;
import dev.dml4j.loss.MultipleLosses;
import dev.dml4j.loss.NormalizedSoftmaxLoss;
import dev.dml4j.mining.Miner;
import dev.dml4j.sampling.MPerClassSampler;
import dev.dml4j.train.model.EmbeddingModel;
import dev.dml4j.train.model.ModelSpec;
import dev.dml4j.train.optim.LearningRateSchedule;
import dev.dml4j.train.transform.Transform;
import dev.dml4j.util.Components;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    private static final int CLASSES = 6;
    private static final ModelSpec SPEC = new ModelSpec("small-cnn", null, 1, 8, 8, 8, "avg", false, false,
            new int[] {16, 32});
    private final SyntheticImages train = new SyntheticImages(240, CLASSES, 1, 8, 8, 0.45, 1);
    private final SyntheticImages heldOut = new SyntheticImages(120, CLASSES, 1, 8, 8, 0.45, 1, 2);
    private final PrintStream quiet = new PrintStream(new ByteArrayOutputStream());

    @TempDir
    Path tmp;

    private static TrainerConfig config(int epochs, Path out, int checkpointEvery) {
        return new TrainerConfig(epochs, new OptimizerSpec("adam", 1e-2, null), new OptimizerSpec("adam", 1e-2, null),
                new OptimizerSpec("sgd", 0.5, Map.of("momentum", 0.0)), LearningRateSchedule.constant(), 5, out,
                checkpointEvery, null, 3, false);
    }

    private MPerClassSampler sampler() {
        return new MPerClassSampler(train.labels(), 4, 24, 240, 11);
    }

    private static MetricLoss triplet() {
        return Components.create(MetricLoss.class, "TripletMarginLoss", Map.of("margin", 0.1));
    }

    private static Miner msMiner() {
        return Components.create(Miner.class, "MultiSimilarityMiner", Map.of("epsilon", 0.1));
    }

    @Test
    void trainingImprovesRetrievalAndWritesLogAndModels() throws IOException {
        Path out = tmp.resolve("run");
        RetrievalEvaluator ev = new RetrievalEvaluator(heldOut, 64);
        try (EmbeddingModel m = EmbeddingModel.create(SPEC, 0)) {
            double before = ev.evaluate(m).get("precision_at_1");
            try (Trainer t = new Trainer(m, triplet(), msMiner(), train, sampler(), null, ev, config(4, out, 0),
                    quiet)) {
                Trainer.Result r = t.fit(false);
                double after = r.lastMetrics().get("precision_at_1");
                assertTrue(after > before + 0.15, "P@1 " + before + " -> " + after);
                assertEquals(40, r.steps());
                assertEquals(4, r.epochsRun());
                assertTrue(r.imagesPerSecond() > 0);
            }
        }
        List<String> log = Files.readAllLines(out.resolve(Trainer.LOG));
        assertEquals(40, log.stream().filter(l -> l.contains("\"type\":\"step\"")).count());
        assertEquals(4, log.stream().filter(l -> l.contains("\"type\":\"eval\"")
                && l.contains("\"precision_at_1\"")).count());
        assertTrue(log.get(0).contains("\"loss\"") && log.get(0).contains("\"images_per_s\""), log.get(0));
        assertTrue(Files.isRegularFile(out.resolve(Trainer.MODEL)));
        assertTrue(Files.isRegularFile(out.resolve(Trainer.CHECKPOINT)));
        try (java.util.stream.Stream<Path> files = Files.list(out)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp file left");
        }
    }

    /** Weights of the model after a run, as one flat array. */
    private static float[] weights(EmbeddingModel m) {
        List<Float> all = new ArrayList<>();
        for (EmbeddingModel.NamedParameter p : m.parameters()) {
            for (float f : p.array().toFloatArray()) {
                all.add(f);
            }
        }
        float[] out = new float[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i);
        }
        return out;
    }

    private float[] uninterrupted(Path out) throws IOException {
        try (EmbeddingModel m = EmbeddingModel.create(SPEC, 0);
             Trainer t = new Trainer(m, triplet(), msMiner(), train, sampler(), null, null, config(2, out, 0), quiet)) {
            t.fit(false);
            return weights(m);
        }
    }

    @Test
    void resumeAfterAnEpochContinuesExactly() throws IOException {
        float[] reference = uninterrupted(tmp.resolve("a"));
        Path b = tmp.resolve("b");
        try (EmbeddingModel m = EmbeddingModel.create(SPEC, 0);
             Trainer t = new Trainer(m, triplet(), msMiner(), train, sampler(), null, null, config(1, b, 0), quiet)) {
            t.fit(false);
        }
        try (EmbeddingModel m = EmbeddingModel.create(SPEC, 99); // other initial weights: all must come from the file
             Trainer t = new Trainer(m, triplet(), msMiner(), train, sampler(), null, null, config(2, b, 0), quiet)) {
            Trainer.Result r = t.fit(true);
            assertEquals(20, r.steps());
            assertArrayEquals(reference, weights(m));
        }
    }

    @Test
    void crashMidEpochThenResumeFromTheStepCheckpointContinuesExactly() throws IOException {
        float[] reference = uninterrupted(tmp.resolve("a"));
        Path c = tmp.resolve("c");
        int[] calls = {0};
        Transform crashAfter14Steps = (x, rng) -> {
            if (++calls[0] > 14 * 24) {
                throw new IllegalStateException("simulated crash");
            }
            return x;
        };
        try (EmbeddingModel m = EmbeddingModel.create(SPEC, 0);
             Trainer t = new Trainer(m, triplet(), msMiner(), train, sampler(), crashAfter14Steps, null,
                     config(2, c, 4), quiet)) {
            assertThrows(IllegalStateException.class, () -> t.fit(false));
        }
        try (EmbeddingModel m = EmbeddingModel.create(SPEC, 0);
             Trainer t = new Trainer(m, triplet(), msMiner(), train, sampler(), null, null, config(2, c, 4), quiet)) {
            t.loadCheckpoint(c.resolve(Trainer.CHECKPOINT));
            assertEquals(12, t.steps(), "the last checkpoint before the crash is at step 12");
            Trainer.Result r = t.fit(true);
            assertEquals(20, r.steps());
            assertArrayEquals(reference, weights(m));
        }
        assertTrue(Files.readString(c.resolve(Trainer.LOG)).contains("\"type\":\"resume\""));
    }

    @Test
    void softmaxPlusCenterLossTrainsClassifierWeightsAndMovesCenters() throws IOException {
        NormalizedSoftmaxLoss softmax = (NormalizedSoftmaxLoss) Components.create(MetricLoss.class,
                "NormalizedSoftmaxLoss", Map.of("num_classes", CLASSES, "embedding_size", 8));
        CenterLoss center = new CenterLoss(CLASSES, 8);
        MultipleLosses loss = new MultipleLosses(List.of(softmax, center), null, new double[] {1, 0.1});
        try (EmbeddingModel m = EmbeddingModel.create(SPEC, 0);
             Trainer t = new Trainer(m, loss, null, train, sampler(), null, null, config(1, null, 0), quiet)) {
            float[] w0 = softmax.getWeights().toFloatArray();
            float[] c0 = center.getWeights().toFloatArray();
            Trainer.Result r = t.fit(false);
            assertTrue(Double.isFinite(r.lastLoss()));
            assertFalse(java.util.Arrays.equals(w0, softmax.getWeights().toFloatArray()), "softmax W trained");
            assertFalse(java.util.Arrays.equals(c0, center.getWeights().toFloatArray()), "centers moved by the rule");
        } finally {
            loss.close();
            softmax.close();
            center.close();
        }
    }

    /** Softmax + λ·center loss (class weights trained by gradient, centers by rule) for {@code epochs}. */
    private float[][] softmaxCenterRun(Path out, int epochs, boolean resume) throws IOException {
        NormalizedSoftmaxLoss softmax = (NormalizedSoftmaxLoss) Components.create(MetricLoss.class,
                "NormalizedSoftmaxLoss", Map.of("num_classes", CLASSES, "embedding_size", 8));
        CenterLoss center = new CenterLoss(CLASSES, 8);
        try (MultipleLosses loss = new MultipleLosses(List.of(softmax, center), null, new double[] {1, 0.1});
             EmbeddingModel m = EmbeddingModel.create(SPEC, 0);
             Trainer t = new Trainer(m, loss, null, train, sampler(), null, null, config(epochs, out, 0), quiet)) {
            t.fit(resume);
            return new float[][] {weights(m), softmax.getWeights().toFloatArray(), center.getWeights().toFloatArray()};
        }
    }

    @Test
    void resumeRestoresLossWeightsAndCentersExactly() throws IOException {
        float[][] reference = softmaxCenterRun(tmp.resolve("a"), 2, false);
        softmaxCenterRun(tmp.resolve("b"), 1, false);
        float[][] resumed = softmaxCenterRun(tmp.resolve("b"), 2, true);
        assertArrayEquals(reference[0], resumed[0], "model");
        assertArrayEquals(reference[1], resumed[1], "softmax class weights");
        assertArrayEquals(reference[2], resumed[2], "centers");
    }

    /** Margin loss with a learnt β (a loss parameter that is not a class-weight matrix) for {@code epochs}. */
    private float[][] marginRun(Path out, int epochs, boolean resume) throws IOException {
        try (MetricLoss loss = Components.create(MetricLoss.class, "MarginLoss", Map.of("learn_beta", true));
             EmbeddingModel m = EmbeddingModel.create(SPEC, 0);
             Trainer t = new Trainer(m, loss, null, train, sampler(), null, null, config(epochs, out, 0), quiet)) {
            t.fit(resume);
            return new float[][] {weights(m), loss.parameters().get(0).value().toFloatArray()};
        }
    }

    /** Contrastive loss against a cross-batch memory of 60 embeddings (batches of 24: it wraps) for {@code epochs}. */
    private float[][] memoryRun(Path out, int epochs, boolean resume) throws IOException {
        try (CrossBatchMemory loss = new CrossBatchMemory(new ContrastiveLoss(), SPEC.embeddingSize(), 60, null);
             EmbeddingModel m = EmbeddingModel.create(SPEC, 0);
             Trainer t = new Trainer(m, loss, null, train, sampler(), null, null, config(epochs, out, 0), quiet)) {
            t.fit(resume);
            java.io.ByteArrayOutputStream queue = new java.io.ByteArrayOutputStream();
            loss.writeState(new java.io.DataOutputStream(queue));
            byte[] q = queue.toByteArray();
            float[] asFloats = new float[q.length];
            for (int i = 0; i < q.length; i++) {
                asFloats[i] = q[i];
            }
            return new float[][] {weights(m), asFloats};
        }
    }

    @Test
    void resumeRestoresTheCrossBatchMemoryQueueExactly() throws IOException {
        float[][] reference = memoryRun(tmp.resolve("a"), 2, false);
        memoryRun(tmp.resolve("b"), 1, false);
        float[][] resumed = memoryRun(tmp.resolve("b"), 2, true);
        assertArrayEquals(reference[0], resumed[0], "model");
        assertArrayEquals(reference[1], resumed[1], "queue (rows, labels, position)");
    }

    @Test
    void resumeRestoresOtherLossParametersExactly() throws IOException {
        float[][] reference = marginRun(tmp.resolve("a"), 2, false);
        float[][] afterOne = marginRun(tmp.resolve("b"), 1, false);
        assertFalse(java.util.Arrays.equals(afterOne[1], reference[1]), "beta keeps learning in epoch 2");
        float[][] resumed = marginRun(tmp.resolve("b"), 2, true);
        assertArrayEquals(reference[0], resumed[0], "model");
        assertArrayEquals(reference[1], resumed[1], "beta");
    }

    @Test
    void memoryStaysFlat() throws IOException {
        try (EmbeddingModel m = EmbeddingModel.create(SPEC, 0);
             Trainer t = new Trainer(m, triplet(), msMiner(), train, sampler(), null, null, config(1, null, 0), quiet)) {
            List<int[]> batches = sampler().epochBatches(0);
            t.step(batches.get(0), new java.util.Random(0), 1);
            int arrays = m.manager().getManagedArrays().size();
            for (int i = 1; i < batches.size(); i++) {
                t.step(batches.get(i), new java.util.Random(i), 1);
            }
            assertEquals(arrays, m.manager().getManagedArrays().size(), "arrays left behind by training steps");
        }
    }

    @Test
    void earlyStoppingStopsAfterPatienceAndKeepsTheBest() throws IOException {
        double[] scores = {0.5, 0.7, 0.6, 0.65, 0.4, 0.9};
        int[] call = {0};
        Evaluator ev = model -> Map.of("precision_at_1", scores[call[0]++]);
        TrainerConfig cfg = new TrainerConfig(6, new OptimizerSpec("sgd", 0.01, null), new OptimizerSpec("sgd", 0.01,
                null), new OptimizerSpec("sgd", 0.01, null), null, 0, tmp.resolve("es"), 0, "precision_at_1", 2,
                false);
        try (EmbeddingModel m = EmbeddingModel.create(SPEC, 0);
             Trainer t = new Trainer(m, triplet(), null, train, sampler(), null, ev, cfg, quiet)) {
            Trainer.Result r = t.fit(false);
            assertTrue(r.stoppedEarly());
            assertEquals(4, r.epochsRun());
            assertEquals(2, r.bestEpoch());
            assertEquals(0.7, r.bestMetrics().get("precision_at_1"));
            assertTrue(Files.isRegularFile(tmp.resolve("es").resolve(Trainer.BEST_MODEL)));
        }
    }

    @Test
    void badUseGivesClearErrors() throws IOException {
        try (EmbeddingModel m = EmbeddingModel.create(SPEC, 0)) {
            try (Trainer t = new Trainer(m, triplet(), null, train, sampler(), null, null,
                    config(1, tmp.resolve("empty"), 0), quiet)) {
                assertTrue(assertThrows(IOException.class, () -> t.fit(true)).getMessage().contains("no checkpoint"));
            }
            TrainerConfig cfg = new TrainerConfig(1, new OptimizerSpec("sgd", 0.01, null), new OptimizerSpec("sgd",
                    0.01, null), new OptimizerSpec("sgd", 0.01, null), null, 0, null, 0, "recall_at_1000", 2, false);
            try (Trainer t = new Trainer(m, triplet(), null, train, sampler(), null,
                    model -> Map.of("precision_at_1", 1.0), cfg, quiet)) {
                assertTrue(assertThrows(IllegalArgumentException.class, () -> t.fit(false)).getMessage()
                        .contains("recall_at_1000"));
            }
            assertThrows(IllegalArgumentException.class, () -> new OptimizerSpec("adam", -1, null));
            assertThrows(IllegalArgumentException.class, () -> new Trainer(m, triplet(), null, train, sampler(), null,
                    null, cfg, quiet));
        }
    }
}
