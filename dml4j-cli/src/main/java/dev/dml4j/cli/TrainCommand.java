package dev.dml4j.cli;

import dev.dml4j.loss.MetricLoss;
import dev.dml4j.loss.MultipleLosses;
import dev.dml4j.mining.Miner;
import dev.dml4j.sampling.ClassDisjointSplit;
import dev.dml4j.sampling.MPerClassSampler;
import dev.dml4j.train.OptimizerSpec;
import dev.dml4j.train.RetrievalEvaluator;
import dev.dml4j.train.Trainer;
import dev.dml4j.train.TrainerConfig;
import dev.dml4j.train.data.ImageDataset;
import dev.dml4j.train.model.EmbeddingModel;
import dev.dml4j.train.model.ModelSpec;
import dev.dml4j.train.optim.LearningRateSchedule;
import dev.dml4j.train.transform.Compose;
import dev.dml4j.train.transform.HorizontalFlip;
import dev.dml4j.train.transform.RandomResizedCrop;
import dev.dml4j.train.transform.Transform;
import dev.dml4j.util.ComponentSpec;
import dev.dml4j.util.Components;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dml4j train}: trains an embedding model on some classes and evaluates retrieval on unseen classes after
 * every epoch. Settings come from flags and/or a YAML/JSON file ({@code --config}; flags win). With no arguments
 * at all, {@code dml4j} runs this command with its defaults (the default job).
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
        description = {"Trains an embedding model and evaluates retrieval on held-out classes every epoch.",
            "Prints 'untrained: …' and 'trained: …' retrieval metrics as its last two lines."})
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML or JSON file with any of these options "
            + "(snake_case or kebab-case keys); flags given on the command line win")
    Path config;
    @Option(names = "--preset", paramLabel = "NAME", description = "default | center-loss-2d (2-D embeddings, "
            + "softmax vs softmax + center loss, writes two scatter plots)", defaultValue = "default")
    String preset;
    @Option(names = "--data", description = "data set: fashion-mnist (built in; default)", defaultValue = "fashion-mnist")
    String data;
    @Option(names = "--train-classes", paramLabel = "LIST", description = "classes to train on, e.g. 0-4 (default: "
            + "the first half of the classes)")
    String trainClasses;
    @Option(names = "--eval-classes", paramLabel = "LIST", description = "classes of the test split to evaluate on, "
            + "e.g. 5-9 (default: the second half, unseen in training)")
    String evalClasses;
    @Option(names = "--model", description = "backbone: small-cnn (default), resnet18, resnet50, torchscript",
            defaultValue = "small-cnn")
    String model;
    @Option(names = "--torchscript", paramLabel = "FILE", description = "TorchScript trunk for --model torchscript "
            + "(images [B,C,H,W] -> features [B,F])")
    String torchscript;
    @Option(names = "--embedding-size", description = "embedding size D (default ${DEFAULT-VALUE})", defaultValue = "64")
    int embeddingSize;
    @Option(names = "--pooling", description = "trunk pooling: avg (default) or max", defaultValue = "avg")
    String pooling;
    @Option(names = "--embedder-bn", arity = "0..1", description = "batch norm in the embedder head (default false)")
    boolean embedderBn;
    @Option(names = "--l2-normalize", arity = "0..1", description = "L2-normalise embeddings (default false)")
    boolean l2Normalize;
    @Option(names = "--loss", paramLabel = "SPEC", description = "loss by reference name with snake_case parameters, "
            + "e.g. TripletMarginLoss:margin=0.1, or JSON {\"class\":…,\"params\":{…}}; repeat for a weighted sum "
            + "(default MultiSimilarityLoss)")
    List<String> losses;
    @Option(names = "--loss-weights", split = ",", paramLabel = "W", description = "one weight per --loss (default 1 "
            + "each), e.g. 1,0.01")
    List<Double> lossWeights;
    @Option(names = "--miner", paramLabel = "SPEC", description = "miner, e.g. MultiSimilarityMiner:epsilon=0.1 "
            + "(default), or none")
    String miner = DEFAULT_MINER;
    @Option(names = "--augment", description = "training augmentation: none (default), flip (horizontal, p = 0.5) "
            + "or crop-flip (random resized crop, scale 0.5-1, then flip)", defaultValue = "none")
    String augment;
    @Option(names = "--m-per-class", description = "samples per class in a batch; batch / m classes per batch (default ${DEFAULT-VALUE})",
            defaultValue = "16")
    int mPerClass;
    @Option(names = "--batch", description = "batch size (default ${DEFAULT-VALUE})", defaultValue = "80")
    int batch;
    @Option(names = "--samples-per-epoch", description = "training images per epoch (default ${DEFAULT-VALUE})",
            defaultValue = "12800")
    long samplesPerEpoch;
    @Option(names = "--epochs", description = "epochs (default ${DEFAULT-VALUE})", defaultValue = "3")
    int epochs;
    @Option(names = "--optimizer", description = "sgd | adam (default) | adamw | rmsprop", defaultValue = "adam")
    String optimizer;
    @Option(names = "--lr-trunk", description = "trunk learning rate (default ${DEFAULT-VALUE})", defaultValue = "1e-3")
    double lrTrunk;
    @Option(names = "--lr-embedder", description = "embedder learning rate (default ${DEFAULT-VALUE})",
            defaultValue = "1e-3")
    double lrEmbedder;
    @Option(names = "--lr-loss", description = "learning rate of the losses' weights, times each weight's own "
            + "multiplier (default ${DEFAULT-VALUE})", defaultValue = "1e-3")
    double lrLoss;
    @Option(names = "--weight-decay", description = "weight decay of every optimizer (default: the optimizer's)")
    Double weightDecay;
    @Option(names = "--schedule", description = "constant (default) | step | cosine", defaultValue = "constant")
    String schedule;
    @Option(names = "--step-epochs", description = "epochs between decays of --schedule step (default "
            + "${DEFAULT-VALUE})", defaultValue = "10")
    int stepEpochs;
    @Option(names = "--gamma", description = "decay factor of --schedule step (default ${DEFAULT-VALUE})",
            defaultValue = "0.1")
    double gamma;
    @Option(names = "--warmup-steps", description = "linear warm-up steps (default 0)", defaultValue = "0")
    long warmupSteps;
    @Option(names = "--seed", description = "seed of weights, batches and augmentation (default ${DEFAULT-VALUE})",
            defaultValue = "0")
    long seed;
    @Option(names = "--out", paramLabel = "DIR", description = "output folder: model.dml4j, best-model.dml4j, "
            + "checkpoint.bin, metrics.jsonl (default runs/<preset>)")
    Path out;
    @Option(names = "--resume", arity = "0..1", description = "continue from <out>/checkpoint.bin")
    boolean resume;
    @Option(names = "--checkpoint-every", description = "also checkpoint every N steps (default 0: at epoch ends)",
            defaultValue = "0")
    int checkpointEvery;
    @Option(names = "--early-stop", paramLabel = "METRIC", description = "stop when this metric (e.g. "
            + "precision_at_1) has not improved for --patience epochs")
    String earlyStop;
    @Option(names = "--patience", description = "epochs without improvement before stopping (default "
            + "${DEFAULT-VALUE})", defaultValue = "3")
    int patience;
    @Option(names = "--eval-batch", description = "batch size when embedding for evaluation (default "
            + "${DEFAULT-VALUE})", defaultValue = "500")
    int evalBatch;
    @Option(names = "--progress", arity = "0..1", description = "progress bar on stderr (default: when it is a "
            + "terminal)")
    Boolean progress;

    @Spec
    CommandSpec spec;

    /** Default miner of the default job. */
    static final String DEFAULT_MINER = "MultiSimilarityMiner:epsilon=0.1";

    /** Default loss of the default job. */
    static final String DEFAULT_LOSS = "MultiSimilarityLoss";

    @Override
    public Integer call() throws IOException {
        checkNames();
        String p = preset.trim().toLowerCase(Locale.ROOT);
        if (p.equals("center-loss-2d")) {
            return new CenterLoss2dPreset(this).run();
        }
        if (!p.equals("default")) {
            throw new IllegalArgumentException("unknown preset '" + preset + "'; use default or center-loss-2d");
        }
        Path dir = out != null ? out : Path.of("runs", "default");
        Run r = train(losses == null ? List.of(DEFAULT_LOSS) : losses, lossWeights, embeddingSize, dir, true);
        PrintWriter w = writer();
        w.println("untrained: " + metricsLine(r.untrained()));
        w.println("trained: " + metricsLine(r.trained()));
        w.flush();
        return 0;
    }

    /** Fails fast, before any data is read, on unknown loss or miner names and on unreadable files. */
    private void checkNames() throws IOException {
        for (String a : losses == null ? List.of(DEFAULT_LOSS) : losses) {
            String name = ComponentArgs.parse(a, "--loss").className();
            if (!(Components.find(name) != null && MetricLoss.class.isAssignableFrom(Components.find(name)))) {
                throw new IllegalArgumentException("unknown loss '" + name + "' (use a reference name such as "
                        + "TripletMarginLoss, MultiSimilarityLoss, ContrastiveLoss, ProxyAnchorLoss, CenterLoss)");
            }
        }
        if (miner != null && !miner.equalsIgnoreCase("none")) {
            String name = ComponentArgs.parse(miner, "--miner").className();
            if (!(Components.find(name) != null && Miner.class.isAssignableFrom(Components.find(name)))) {
                throw new IllegalArgumentException("unknown miner '" + name + "' (use a reference name such as "
                        + "MultiSimilarityMiner, TripletMarginMiner, BatchHardMiner, or none)");
            }
        }
        if (torchscript != null && !Files.isRegularFile(Path.of(torchscript))) {
            throw new IOException("TorchScript file not found: " + Path.of(torchscript).toAbsolutePath());
        }
        transform(augment, new int[] {1, 2, 2});
        if (batch < 2 || mPerClass < 1 || batch % mPerClass != 0) {
            throw new IllegalArgumentException("--batch " + batch + " must be >= 2 and a multiple of --m-per-class "
                    + mPerClass);
        }
    }

    PrintWriter writer() {
        return spec == null ? new PrintWriter(System.out, true) : spec.commandLine().getOut();
    }

    /** What one training run measured. */
    record Run(Map<String, Double> untrained, Map<String, Double> trained, Trainer.Result result, Path out) {
    }

    /**
     * The data of a run: training items, evaluation items (unseen classes, test split) and the test items of the
     * training classes (for feature plots).
     */
    record Data(ImageDataset train, ImageDataset eval, ImageDataset evalSeen) {
    }

    /** Opens the training items (classes to train on, train split) and the evaluation items (unseen, test split). */
    Data data() throws IOException {
        ImageDataset trainAll = DataOptions.open(data, "train");
        ImageDataset testAll = DataOptions.open(data, "test");
        ImageDataset tr;
        ImageDataset ev;
        Set<Long> trainSet;
        if (trainClasses == null) {
            tr = trainAll.subset(ClassDisjointSplit.firstHalf(trainAll.labels()).trainIndices(),
                    trainAll.name() + " first half of the classes");
            trainSet = classesOf(tr);
        } else {
            trainSet = DataOptions.classes(trainClasses);
            tr = DataOptions.onlyClasses(trainAll, trainSet);
        }
        if (evalClasses == null) {
            ev = testAll.subset(ClassDisjointSplit.firstHalf(testAll.labels()).testIndices(),
                    testAll.name() + " second half of the classes");
        } else {
            ev = DataOptions.onlyClasses(testAll, DataOptions.classes(evalClasses));
        }
        return new Data(tr, ev, DataOptions.onlyClasses(testAll, trainSet));
    }

    private static Set<Long> classesOf(ImageDataset d) {
        Set<Long> s = new TreeSet<>();
        for (long l : d.labels()) {
            s.add(l);
        }
        return s;
    }

    /** Builds everything from the options, measures the untrained model, trains, and measures again. */
    Run train(List<String> lossArgs, List<Double> weights, int dim, Path dir, boolean measureUntrained)
            throws IOException {
        if (!resume && Files.isRegularFile(dir.resolve(Trainer.LOG))) {
            Files.delete(dir.resolve(Trainer.LOG)); // a fresh run starts a fresh log
        }
        Data d = data();
        int[] shape = DataOptions.shape(d.train());
        Set<Long> trainSet = classesOf(d.train());
        int numClasses = (int) (trainSet.stream().mapToLong(Long::longValue).max().orElse(0) + 1);
        ModelSpec ms = new ModelSpec(model, torchscript, shape[0], shape[1], shape[2], dim, pooling, embedderBn,
                l2Normalize, null);
        MetricLoss loss = buildLoss(lossArgs, weights, numClasses, dim);
        Miner mn = miner == null || miner.equalsIgnoreCase("none") ? null
                : Components.create(Miner.class, ComponentArgs.parse(miner, "--miner"));
        Transform transform = transform(augment, shape);
        MPerClassSampler sampler = new MPerClassSampler(d.train().labels(), mPerClass, batch, samplesPerEpoch, seed);
        RetrievalEvaluator evaluator = new RetrievalEvaluator(d.eval(), evalBatch);
        Map<String, Object> opts = weightDecay == null ? Map.of() : Map.of("weight_decay", weightDecay);
        TrainerConfig cfg = new TrainerConfig(epochs, new OptimizerSpec(optimizer, lrTrunk, opts),
                new OptimizerSpec(optimizer, lrEmbedder, opts), new OptimizerSpec(optimizer, lrLoss, opts),
                new LearningRateSchedule(schedule, stepEpochs, gamma, warmupSteps), seed, dir, checkpointEvery,
                earlyStop, patience, progress != null ? progress : System.console() != null);
        System.err.printf("dml4j train: %s on %s (%d images, classes %s), evaluating on %s (%d images); out %s%n",
                ms.backbone(), d.train().name(), d.train().size(), trainSet, d.eval().name(), d.eval().size(), dir);
        try (EmbeddingModel m = EmbeddingModel.create(ms, seed);
             Trainer t = new Trainer(m, loss, mn, d.train(), sampler, transform, evaluator, cfg, System.err)) {
            Map<String, Double> before = measureUntrained && !resume ? evaluator.evaluate(m) : Map.of();
            if (!before.isEmpty()) {
                System.err.println("untrained: " + metricsLine(before));
            }
            Trainer.Result r = t.fit(resume);
            return new Run(before, r.lastMetrics(), r, dir);
        } finally {
            loss.close();
        }
    }

    /** The training augmentation named by {@code --augment} for images of shape [C, H, W] (null: none). */
    static Transform transform(String name, int[] shape) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "none" -> null;
            case "flip" -> new HorizontalFlip();
            case "crop-flip" -> Compose.of(new RandomResizedCrop(shape[1], shape[2], 0.5, 1.0, 3.0 / 4, 4.0 / 3),
                    new HorizontalFlip());
            default -> throw new IllegalArgumentException("unknown --augment '" + name + "'; use none, flip or "
                    + "crop-flip");
        };
    }

    /** Builds the loss: one, or a weighted {@link MultipleLosses}; weighted losses get class count and size. */
    static MetricLoss buildLoss(List<String> lossArgs, List<Double> weights, int numClasses, int dim) {
        if (weights != null && weights.size() != lossArgs.size()) {
            throw new IllegalArgumentException("--loss-weights has " + weights.size() + " values but there are "
                    + lossArgs.size() + " losses");
        }
        List<MetricLoss> built = new ArrayList<>();
        for (String a : lossArgs) {
            ComponentSpec s = ComponentArgs.withSizes(ComponentArgs.parse(a, "--loss"), numClasses, dim);
            built.add(Components.create(MetricLoss.class, s));
        }
        if (built.size() == 1 && (weights == null || weights.get(0) == 1.0)) {
            return built.get(0);
        }
        double[] w = weights == null ? null : weights.stream().mapToDouble(Double::doubleValue).toArray();
        return new MultipleLosses(built, null, w);
    }

    /** {@code precision_at_1=… r_precision=… map_at_r=…} with 4 decimals. */
    static String metricsLine(Map<String, Double> m) {
        if (m.isEmpty()) {
            return "(not measured: resumed run)";
        }
        return String.format(Locale.ROOT, "precision_at_1=%.4f r_precision=%.4f map_at_r=%.4f",
                m.get("precision_at_1"), m.get("r_precision"), m.get("mean_average_precision_at_r"));
    }
}
