package dev.dml4j.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.dml4j.loss.CenterLoss;
import dev.dml4j.loss.CrossBatchMemory;
import dev.dml4j.loss.LossParameter;
import dev.dml4j.loss.MetricLoss;
import dev.dml4j.loss.MultipleLosses;
import dev.dml4j.loss.WeightedLoss;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.mining.Miner;
import dev.dml4j.sampling.BatchSampler;
import dev.dml4j.train.data.Batch;
import dev.dml4j.train.data.BatchLoader;
import dev.dml4j.train.data.ImageDataset;
import dev.dml4j.train.model.EmbeddingModel;
import dev.dml4j.train.optim.ParameterOptimizer;
import dev.dml4j.train.transform.Transform;
import dev.dml4j.util.ArrayIO;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Ops;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The training loop: batches from a {@link BatchSampler} (e.g. M per class), the model's embeddings, an optional
 * miner, a loss (one, or several with weights via {@link MultipleLosses}), back-propagation, and separate optimizers
 * and learning rates for the trunk, the embedder and the losses' own weights. Center losses whose centers follow the
 * paper's rule are updated after each step. After every epoch: evaluation (e.g. retrieval on held-out classes),
 * JSON-lines log, best model, early stopping, and an atomic checkpoint; {@link #fit(boolean)} with resume continues
 * from the last checkpoint exactly (batches and transform randomness depend only on seed, epoch and batch index).
 *
 * <p>Memory: each step runs in a sub-manager of the model's manager and an {@code NDScope}, so every array a step
 * creates is freed; the optimizer update runs after the scope (its state must outlive the step). One trainer at a
 * time per JVM (DJL allows one {@code GradientCollector}).
 */
public final class Trainer implements AutoCloseable {
    private static final int MAGIC = 0x444d4c43; // "DMLC"
    /** 2: adds the queues of cross-batch memories (version 1 files still load, with empty queues). */
    private static final int VERSION = 2;
    /** File names inside the output folder. */
    public static final String CHECKPOINT = "checkpoint.bin";
    /** The final model. */
    public static final String MODEL = "model.dml4j";
    /** The model of the best evaluation. */
    public static final String BEST_MODEL = "best-model.dml4j";
    /** The metrics log. */
    public static final String LOG = "metrics.jsonl";

    private final EmbeddingModel model;
    private final MetricLoss loss;
    private final Miner miner;
    private final ImageDataset train;
    private final BatchSampler sampler;
    private final Transform transform;
    private final Evaluator evaluator;
    private final TrainerConfig cfg;
    private final ParameterOptimizer trunkOpt;
    private final ParameterOptimizer embedderOpt;
    private final ParameterOptimizer lossOpt;
    private final List<CenterLoss> ruleCenterLosses = new ArrayList<>();
    private final List<WeightedLoss> weighted = new ArrayList<>();
    /** Cross-batch memories among the losses: their queues are part of the checkpoint. */
    private final List<CrossBatchMemory> memories = new ArrayList<>();
    private final PrintStream console;

    private int epoch;
    private int batchInEpoch;
    private long step;
    private double best = Double.NEGATIVE_INFINITY;
    private int bestEpoch = -1;
    private int sinceBest;
    private Map<String, Double> lastMetrics = Map.of();
    private Map<String, Double> bestMetrics = Map.of();
    private double lastLoss = Double.NaN;

    /** What a run did. */
    public record Result(int epochsRun, long steps, Map<String, Double> lastMetrics, Map<String, Double> bestMetrics,
            int bestEpoch, boolean stoppedEarly, double imagesPerSecond, double lastLoss) {
    }

    /**
     * @param model the network (trained in place)
     * @param loss the loss (a {@link MultipleLosses} for weighted sums such as softmax + λ·center loss)
     * @param miner mines each batch before the loss, or null (all pairs/triplets)
     * @param train the training items
     * @param sampler the batches of each epoch (positions in {@code train})
     * @param transform augmentation of each training image, or null
     * @param evaluator scores the model after each epoch, or null
     * @param cfg optimizers, schedule, seed, output
     * @param console where progress lines go (null: stderr)
     */
    public Trainer(EmbeddingModel model, MetricLoss loss, Miner miner, ImageDataset train, BatchSampler sampler,
            Transform transform, Evaluator evaluator, TrainerConfig cfg, PrintStream console) {
        Checks.require(model != null && loss != null && train != null && sampler != null && cfg != null,
                "Trainer needs a model, a loss, training data, a sampler and a config");
        Checks.require(cfg.earlyStopMetric() == null || evaluator != null, "early stopping on '"
                + cfg.earlyStopMetric() + "' needs an evaluation set");
        this.model = model;
        this.loss = loss;
        this.miner = miner;
        this.train = train;
        this.sampler = sampler;
        this.transform = transform;
        this.evaluator = evaluator;
        this.cfg = cfg;
        this.console = console == null ? System.err : console;
        this.trunkOpt = cfg.trunk().build();
        this.embedderOpt = cfg.embedder().build();
        this.lossOpt = cfg.lossWeights().build();
        collect(loss);
    }

    private void collect(MetricLoss l) {
        if (l instanceof MultipleLosses ml) {
            for (MetricLoss sub : ml.losses()) {
                collect(sub);
            }
            return;
        }
        if (l instanceof CenterLoss c && c.centerUpdate() == CenterLoss.CenterUpdate.RULE) {
            ruleCenterLosses.add(c);
        }
        if (l instanceof WeightedLoss w) {
            weighted.add(w);
        }
        if (l instanceof CrossBatchMemory c) {
            memories.add(c);
        }
    }

    /** Trains from scratch (or from the checkpoint in the output folder when {@code resume}); see the class doc. */
    public Result fit(boolean resume) throws IOException {
        Path out = cfg.outDir();
        if (resume) {
            Checks.require(out != null, "--resume needs the output folder of the run to resume");
            Path ck = out.resolve(CHECKPOINT);
            if (!Files.isRegularFile(ck)) {
                throw new IOException("no checkpoint to resume from: " + ck.toAbsolutePath() + " does not exist");
            }
            loadCheckpoint(ck);
            console.printf("resuming from %s: epoch %d, batch %d, step %d%n", ck, epoch + 1, batchInEpoch, step);
        }
        boolean stoppedEarly = false;
        double imagesPerSecond = Double.NaN;
        try (MetricsLog log = out == null ? null : new MetricsLog(out.resolve(LOG))) {
            if (log != null && resume) {
                log.write(record("resume", Map.of()));
            }
            long totalSteps = estimateTotalSteps();
            while (epoch < cfg.epochs()) {
                List<int[]> batches = sampler.epochBatches(epoch);
                Checks.require(!batches.isEmpty(), "the sampler gave no batch for epoch " + epoch + " (data set "
                        + train.name() + " has " + train.size() + " items; batch size " + sampler.batchSize() + ")");
                long images = 0;
                long t0 = System.nanoTime();
                try (ProgressBar bar = cfg.progress() ? progressBar(batches.size()) : null) {
                    if (bar != null) {
                        bar.stepTo(batchInEpoch);
                    }
                    for (; batchInEpoch < batches.size(); batchInEpoch++) {
                        int[] b = batches.get(batchInEpoch);
                        double factor = cfg.schedule().factor(epoch, step, totalSteps);
                        double l = step(b, batchRandom(epoch, batchInEpoch), factor);
                        step++;
                        images += b.length;
                        double ips = images / ((System.nanoTime() - t0) / 1e9);
                        if (log != null) {
                            Map<String, Object> r = new LinkedHashMap<>();
                            r.put("loss", l);
                            r.put("lr_factor", factor);
                            r.put("images_per_s", ips);
                            log.write(record("step", r));
                        }
                        if (bar != null) {
                            bar.step();
                            bar.setExtraMessage(String.format(" loss=%.4f %.0f img/s", l, ips));
                        }
                        if (out != null && cfg.checkpointEverySteps() > 0 && step % cfg.checkpointEverySteps() == 0
                                && batchInEpoch + 1 < batches.size()) {
                            batchInEpoch++;
                            saveCheckpoint(out.resolve(CHECKPOINT));
                            batchInEpoch--;
                        }
                    }
                }
                imagesPerSecond = images / ((System.nanoTime() - t0) / 1e9);
                batchInEpoch = 0;
                epoch++;
                if (evaluator != null) {
                    lastMetrics = evaluator.evaluate(model);
                    if (log != null) {
                        log.write(record("eval", lastMetrics));
                    }
                    console.printf("epoch %d/%d: loss=%.4f %.0f img/s %s%n", epoch, cfg.epochs(), lastLoss,
                            imagesPerSecond, format(lastMetrics));
                    stoppedEarly = trackBest(out);
                } else {
                    console.printf("epoch %d/%d: loss=%.4f %.0f img/s%n", epoch, cfg.epochs(), lastLoss,
                            imagesPerSecond);
                }
                if (out != null) {
                    saveCheckpoint(out.resolve(CHECKPOINT));
                }
                if (stoppedEarly) {
                    console.printf("early stop: %s did not improve for %d epochs (best %.4f at epoch %d)%n",
                            cfg.earlyStopMetric(), cfg.patience(), best, bestEpoch);
                    break;
                }
            }
        }
        if (out != null) {
            model.save(out.resolve(MODEL));
        }
        return new Result(epoch, step, lastMetrics, bestMetrics, bestEpoch, stoppedEarly, imagesPerSecond, lastLoss);
    }

    private long estimateTotalSteps() {
        return (long) cfg.epochs() * sampler.epochBatches(0).size();
    }

    private boolean trackBest(Path out) throws IOException {
        String key = cfg.earlyStopMetric();
        if (key == null) {
            bestMetrics = lastMetrics;
            bestEpoch = epoch;
            return false;
        }
        Double v = lastMetrics.get(key);
        Checks.require(v != null, "early-stopping metric '" + key + "' is not among the evaluation metrics "
                + lastMetrics.keySet());
        if (v > best) {
            best = v;
            bestEpoch = epoch;
            bestMetrics = lastMetrics;
            sinceBest = 0;
            if (out != null) {
                model.save(out.resolve(BEST_MODEL));
            }
            return false;
        }
        sinceBest++;
        return sinceBest >= cfg.patience();
    }

    private Map<String, Object> record(String type, Map<String, ?> values) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("type", type);
        r.put("epoch", epoch);
        r.put("step", step);
        r.putAll(values);
        return r;
    }

    private static String format(Map<String, Double> m) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Double> e : m.entrySet()) {
            sb.append(sb.length() == 0 ? "" : " ").append(e.getKey()).append('=')
                    .append(String.format(java.util.Locale.ROOT, "%.4f", e.getValue()));
        }
        return sb.toString();
    }

    private ProgressBar progressBar(int n) {
        return new ProgressBarBuilder().setTaskName("epoch " + (epoch + 1) + "/" + cfg.epochs()).setInitialMax(n)
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(console))
                .setUpdateIntervalMillis(500).continuousUpdate().build();
    }

    /** The randomness of one batch's transforms: a function of seed, epoch and batch index only. */
    private Random batchRandom(int e, int b) {
        return new Random(cfg.seed() * 0x9E3779B97F4A7C15L + e * 1_000_003L + b);
    }

    /**
     * One training step on the items at {@code indices}: forward, mine, loss, backward, optimizer updates, center
     * updates. Every array the step creates is freed before it returns.
     *
     * @param indices positions in the training set
     * @param rng randomness of the transforms
     * @param lrFactor the schedule's factor on every group's base rate
     * @return the loss value
     */
    public double step(int[] indices, Random rng, double lrFactor) {
        double value;
        try (NDManager sm = model.manager().newSubManager()) {
            Batch batch = BatchLoader.load(train, indices, transform, rng, sm);
            NDArray kept = null;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                try (NDScope scope = new NDScope()) {
                    NDArray emb = model.forward(batch.images(), true);
                    IndicesTuple tuple = miner == null ? null : miner.mine(emb, batch.labels());
                    NDArray l = loss.forward(emb, batch.labels(), tuple);
                    value = l.toType(DataType.FLOAT64, false).getDouble();
                    if (!Double.isFinite(value)) {
                        throw new IllegalStateException("the loss became " + value + " at epoch " + (epoch + 1)
                                + ", step " + step + ": lower the learning rates or check the loss parameters");
                    }
                    Ops.backward(gc, l);
                    if (!ruleCenterLosses.isEmpty()) {
                        kept = emb.stopGradient();
                        NDScope.unregister(kept);
                        kept.attach(sm);
                    }
                }
            }
            update(trunkOpt, model.trunkParameters(), cfg.trunk().learningRate() * lrFactor);
            update(embedderOpt, model.embedderParameters(), cfg.embedder().learningRate() * lrFactor);
            List<LossParameter> lp = loss.parameters();
            for (int i = 0; i < lp.size(); i++) {
                LossParameter p = lp.get(i);
                applyUpdate(lossOpt, "loss." + i + "." + p.name(), p.value(),
                        cfg.lossWeights().learningRate() * lrFactor * p.learningRateMultiplier());
            }
            for (CenterLoss c : ruleCenterLosses) {
                c.updateCenters(kept, batch.labels());
            }
        }
        lastLoss = value;
        return value;
    }

    private static void update(ParameterOptimizer opt, List<EmbeddingModel.NamedParameter> params, double lr) {
        for (EmbeddingModel.NamedParameter p : params) {
            applyUpdate(opt, p.id(), p.array(), lr);
        }
    }

    private static void applyUpdate(ParameterOptimizer opt, String id, NDArray w, double lr) {
        try (NDArray g = w.getGradient()) {
            opt.update(id, w, g, lr);
        }
    }

    /** Writes the whole training state atomically (see {@link AtomicFiles}). */
    public void saveCheckpoint(Path file) throws IOException {
        AtomicFiles.write(file, this::writeState);
    }

    private void writeState(DataOutputStream out) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeLong(cfg.seed());
        out.writeInt(epoch);
        out.writeInt(batchInEpoch);
        out.writeLong(step);
        out.writeDouble(best);
        out.writeInt(bestEpoch);
        out.writeInt(sinceBest);
        out.writeDouble(lastLoss);
        writeMetrics(out, lastMetrics);
        writeMetrics(out, bestMetrics);
        model.write(out);
        out.writeInt(weighted.size());
        for (WeightedLoss w : weighted) {
            ArrayIO.write(out, w.getWeights());
        }
        List<LossParameter> params = loss.parameters();
        out.writeInt(params.size());
        for (LossParameter p : params) {
            ArrayIO.write(out, p.value());
        }
        trunkOpt.writeState(out);
        embedderOpt.writeState(out);
        lossOpt.writeState(out);
        out.writeInt(memories.size());
        for (CrossBatchMemory c : memories) {
            c.writeState(out);
        }
    }

    private static void writeMetrics(DataOutputStream out, Map<String, Double> m) throws IOException {
        out.writeInt(m.size());
        for (Map.Entry<String, Double> e : m.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeDouble(e.getValue());
        }
    }

    private static Map<String, Double> readMetrics(DataInputStream in) throws IOException {
        int n = in.readInt();
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            m.put(in.readUTF(), in.readDouble());
        }
        return m;
    }

    /** Restores the state written by {@link #saveCheckpoint} (same model, losses and optimizers). */
    public void loadCheckpoint(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != MAGIC) {
                throw new IOException(file + " is not a dml4j checkpoint (bad magic number)");
            }
            int v = in.readInt();
            if (v != VERSION && v != 1) {
                throw new IOException("unsupported checkpoint version " + v + " in " + file);
            }
            long seed = in.readLong();
            if (seed != cfg.seed()) {
                throw new IOException("the checkpoint was trained with seed " + seed + " but this run has seed "
                        + cfg.seed() + ": resume with the same settings");
            }
            epoch = in.readInt();
            batchInEpoch = in.readInt();
            step = in.readLong();
            best = in.readDouble();
            bestEpoch = in.readInt();
            sinceBest = in.readInt();
            lastLoss = in.readDouble();
            lastMetrics = readMetrics(in);
            bestMetrics = readMetrics(in);
            model.readParameters(in);
            int n = in.readInt();
            if (n != weighted.size()) {
                throw new IOException("the checkpoint holds weights of " + n + " losses but this run has "
                        + weighted.size() + ": resume with the same losses");
            }
            for (WeightedLoss w : weighted) {
                try (NDManager m = NDManager.newBaseManager(); NDArray a = ArrayIO.read(in, m)) {
                    w.setWeights(a);
                }
            }
            // other trainable loss parameters (e.g. MarginLoss's beta), copied into the live arrays
            List<LossParameter> params = loss.parameters();
            int np = in.readInt();
            if (np != params.size()) {
                throw new IOException("the checkpoint holds " + np + " loss parameters but this run's losses have "
                        + params.size() + ": resume with the same losses");
            }
            for (LossParameter p : params) {
                try (NDManager m = NDManager.newBaseManager(); NDArray a = ArrayIO.read(in, m)) {
                    if (!a.getShape().equals(p.value().getShape())) {
                        throw new IOException("loss parameter '" + p.name() + "' has shape " + a.getShape()
                                + " in the checkpoint but " + p.value().getShape() + " in this run");
                    }
                    p.value().set(a.toType(p.value().getDataType(), false).toByteBuffer());
                }
            }
            trunkOpt.readState(in);
            embedderOpt.readState(in);
            lossOpt.readState(in);
            if (v >= 2) { // version 1 did not save cross-batch memories: their queues start empty
                int nm = in.readInt();
                if (nm != memories.size()) {
                    throw new IOException("the checkpoint holds " + nm + " cross-batch memories but this run's "
                            + "losses have " + memories.size() + ": resume with the same losses");
                }
                for (CrossBatchMemory c : memories) {
                    c.readState(in);
                }
            }
        } catch (java.io.EOFException e) {
            throw new IOException("checkpoint " + file + " is truncated", e);
        }
    }

    /** Epochs completed so far. */
    public int epoch() {
        return epoch;
    }

    /** Steps run so far. */
    public long steps() {
        return step;
    }

    /** Frees the optimizers' state (the model and losses belong to the caller). */
    @Override
    public void close() {
        trunkOpt.close();
        embedderOpt.close();
        lossOpt.close();
    }
}
