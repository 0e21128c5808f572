package dev.dml4j.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.dml4j.distance.CosineSimilarity;
import dev.dml4j.loss.MetricLoss;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.mining.Miner;
import dev.dml4j.util.Components;
import dev.dml4j.util.Ops;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dml4j bench losses}: median forward+backward time of each loss (with its miner where one is named) on a
 * synthetic M-per-class batch: L2-normalised float32 Gaussian embeddings with a fixed seed. Losses are built by
 * reference name, so a case whose class does not exist in this build is skipped silently. Prints
 * {@code <case> <median ms>} per case. Each case is warmed up for at least {@code --warmup-seconds} seconds (default 5) before timing.
 * The extra case {@value #FLOOR}, run only when named with {@code --case}, times what every cosine proxy loss must do
 * and no loss can avoid: normalise the batch and C proxies, multiply them, and back-propagate through both.
 */
@Command(name = "losses", mixinStandardHelpOptions = true,
        description = "Times forward+backward of each loss (with its miner) and prints '<case> <median ms>'.")
public final class BenchLossesCommand implements Runnable {
    /** Warm-up repetitions before timing (at least this many; also at least a quarter of --reps). */
    static final int WARMUP = 3;
    /** The case name of the machine's floor for cosine proxy losses (see the class comment). */
    static final String FLOOR = "cosine_floor";

    @Option(names = "--batch", description = "batch size (default ${DEFAULT-VALUE})", defaultValue = "256")
    int batch;
    @Option(names = "--dim", description = "embedding size (default ${DEFAULT-VALUE})", defaultValue = "128")
    int dim;
    @Option(names = "--per-class", description = "samples per class (default ${DEFAULT-VALUE})", defaultValue = "4")
    int perClass;
    @Option(names = "--reps", description = "timed repetitions after warm-up (default ${DEFAULT-VALUE})",
            defaultValue = "20")
    int reps;
    /**
     * Warm-up time per case: the JVM compiles the engine-call paths only after many calls. With 3–5 warm-up steps the
     * first cases were timed partly interpreted (2–3× slower); with 1 s, FastAP run alone still measured 5.5–9 ms
     * against ~2 ms in steady state, so the default is 5 s.
     */
    @Option(names = "--warmup-seconds", description = "minimum warm-up per case, in seconds (default ${DEFAULT-VALUE})",
            defaultValue = "5")
    double warmupSeconds;
    /**
     * libtorch intra-op threads. The reference's timings were taken with 2 threads on 2 cores; measured on such a
     * machine (docs/benchmarks.md), 2 threads made the heavier cases (contrastive, multi-similarity, FastAP) faster
     * and the small proxy losses no faster or slower, and runs at 2 threads vary more, so the launcher's default of 1
     * stays the default here.
     */
    @Option(names = "--threads", description = "libtorch intra-op threads (default: DML4J_THREADS, else 1; the "
            + "reference's timings used 2; takes effect when the engine starts with this command)")
    Integer threads;
    @Option(names = "--seed", description = "seed of the synthetic batch (default ${DEFAULT-VALUE})", defaultValue = "0")
    long seed;
    @Option(names = "--case", description = "run only these cases (comma-separated; default: all; "
            + "cosine_floor adds the cosine-matrix floor)", split = ",")
    List<String> only;

    @Spec
    CommandSpec spec;

    /** One benchmark case: a loss by reference name with parameters, and an optional miner. */
    record Case(String name, String loss, Map<String, Object> lossParams, String miner,
            Map<String, Object> minerParams) {
    }

    /** The cases, in output order; proxy losses get num_classes and embedding_size from the batch. */
    static List<Case> cases(int numClasses, int dim) {
        Map<String, Object> proxy = Map.of("num_classes", numClasses, "embedding_size", dim);
        List<Case> c = new ArrayList<>();
        c.add(new Case("contrastive", "ContrastiveLoss", Map.of(), null, null));
        c.add(new Case("triplet_all", "TripletMarginLoss", Map.of(), null, null));
        c.add(new Case("triplet_semihard_miner", "TripletMarginLoss", Map.of("margin", 0.2), "TripletMarginMiner",
                Map.of("margin", 0.2, "type_of_triplets", "semihard")));
        c.add(new Case("triplet_batchhard", "TripletMarginLoss", Map.of("margin", 0.2), "BatchHardMiner", Map.of()));
        c.add(new Case("multi_similarity_miner", "MultiSimilarityLoss", Map.of(), "MultiSimilarityMiner",
                Map.of("epsilon", 0.1)));
        c.add(new Case("ntxent", "NTXentLoss", Map.of(), null, null));
        c.add(new Case("circle", "CircleLoss", Map.of(), null, null));
        c.add(new Case("fastap", "FastAPLoss", Map.of(), null, null));
        c.add(new Case("proxy_anchor", "ProxyAnchorLoss", proxy, null, null));
        c.add(new Case("proxy_nca", "ProxyNCALoss", proxy, null, null));
        c.add(new Case("soft_triple", "SoftTripleLoss", proxy, null, null));
        c.add(new Case("arcface", "ArcFaceLoss", proxy, null, null));
        c.add(new Case("normalized_softmax", "NormalizedSoftmaxLoss", proxy, null, null));
        return c;
    }

    @Override
    public void run() {
        if (batch < 2 || dim < 1 || perClass < 1 || reps < 1) {
            throw new IllegalArgumentException("bench losses: need --batch >= 2, --dim >= 1, --per-class >= 1 and "
                    + "--reps >= 1");
        }
        if (batch % perClass != 0) {
            throw new IllegalArgumentException("bench losses: --batch " + batch + " is not a multiple of --per-class "
                    + perClass);
        }
        int numClasses = batch / perClass;
        if (threads != null) {
            if (threads < 1) {
                throw new IllegalArgumentException("bench losses: --threads must be >= 1, got " + threads);
            }
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        }
        String n = System.getProperty("ai.djl.pytorch.num_threads", "default");
        System.err.println("bench losses: " + n + " libtorch thread(s), batch " + batch + " x " + dim + ", "
                + perClass + " per class, median of " + reps + " steps after >= " + warmupSeconds + " s warm-up");
        PrintWriter out = spec == null ? new PrintWriter(System.out, true) : spec.commandLine().getOut();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = syntheticBatch(m, batch, dim, seed);
            long[] lab = new long[batch];
            for (int i = 0; i < batch; i++) {
                lab[i] = i / perClass;
            }
            NDArray labels = m.create(lab);
            x.setRequiresGradient(true);
            if (only != null && only.contains(FLOOR)) {
                out.printf("%s %.3f%n", FLOOR, timeFloor(x, numClasses));
                out.flush();
            }
            for (Case c : cases(numClasses, dim)) {
                if ((only != null && !only.contains(c.name())) || Components.find(c.loss()) == null
                        || (c.miner() != null && Components.find(c.miner()) == null)) {
                    continue;
                }
                double ms = time(c, x, labels);
                out.printf("%s %.3f%n", c.name(), ms);
                out.flush();
            }
        }
    }

    /** L2-normalised Gaussian rows [n, d], float32, from a fixed seed. */
    static NDArray syntheticBatch(NDManager m, int n, int d, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n * d];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            double[] row = new double[d];
            for (int j = 0; j < d; j++) {
                row[j] = r.nextGaussian();
                norm += row[j] * row[j];
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < d; j++) {
                v[i * d + j] = (float) (row[j] / norm);
            }
        }
        return m.create(v, new ai.djl.ndarray.types.Shape(n, d)).toType(DataType.FLOAT32, false);
    }

    /** The median over {@code reps} timed forward+backward steps, in milliseconds, after warm-up. */
    private double time(Case c, NDArray x, NDArray labels) {
        try (MetricLoss loss = Components.create(MetricLoss.class, c.loss(), new LinkedHashMap<>(c.lossParams()))) {
            Miner miner = c.miner() == null ? null
                    : Components.create(Miner.class, c.miner(), new LinkedHashMap<>(c.minerParams()));
            return median(() -> step(loss, miner, x, labels));
        }
    }

    /** The median forward+backward time of Σ normalize(x)·normalize(P)ᵀ with C trainable proxies P, in ms. */
    private double timeFloor(NDArray x, int numClasses) {
        try (NDManager m = x.getManager().newSubManager()) {
            NDArray proxies = syntheticBatch(m, numClasses, (int) x.getShape().get(1), seed + 1);
            proxies.setRequiresGradient(true);
            CosineSimilarity cosine = new CosineSimilarity();
            Runnable step = () -> {
                try (NDScope scope = new NDScope();
                     GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    Ops.backward(gc, cosine.pairwise(x, proxies).sum());
                }
            };
            return median(step);
        }
    }

    /** Runs {@code step} for the warm-up, then times {@code reps} runs and returns their median in ms. */
    private double median(Runnable step) {
        int warm = Math.max(WARMUP, reps / 4);
        long warmUntil = System.nanoTime() + (long) (warmupSeconds * 1e9);
        for (int i = 0; i < warm || System.nanoTime() < warmUntil; i++) {
            step.run();
        }
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            step.run();
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(t);
        return reps % 2 == 1 ? t[reps / 2] : (t[reps / 2 - 1] + t[reps / 2]) / 2;
    }

    /**
     * One training step's loss work: mine, forward, backward; every array it makes is closed (the tuple and the loss
     * value leave the miner's and the loss's own scopes, so they are closed here).
     */
    private static void step(MetricLoss loss, Miner miner, NDArray x, NDArray labels) {
        try (NDScope scope = new NDScope();
             GradientCollector gc = Engine.getInstance().newGradientCollector();
             IndicesTuple t = miner == null ? null : miner.mine(x, labels);
             NDArray value = loss.forward(x, labels, t)) {
            Ops.backward(gc, value);
        }
    }
}
