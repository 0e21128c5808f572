package dev.dml4j.cli;

import dev.dml4j.loss.MetricLoss;
import dev.dml4j.mining.Miner;
import dev.dml4j.sampling.MPerClassSampler;
import dev.dml4j.train.OptimizerSpec;
import dev.dml4j.train.Trainer;
import dev.dml4j.train.TrainerConfig;
import dev.dml4j.train.data.ImageDataset;
import dev.dml4j.train.model.EmbeddingModel;
import dev.dml4j.train.model.ModelSpec;
import dev.dml4j.util.Components;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dml4j bench train}: training throughput (images/s) of the small CNN on the built-in Fashion-MNIST classes
 * 0–4 (M-per-class batches, multi-similarity loss and miner, Adam), and the process's resident memory
 * (RSS) after warm-up and at the end, to show that native memory stays flat over a long run.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
        description = {"Training throughput of the small CNN and resident memory at start and end.",
            "Prints 'images_per_s <x>', 'rss_mb_start <y>', 'rss_mb_end <z>'."})
public final class BenchTrainCommand implements Callable<Integer> {
    @Option(names = "--steps", description = "timed training steps (default ${DEFAULT-VALUE})", defaultValue = "200")
    int steps;
    @Option(names = "--warmup", description = "untimed steps first (default ${DEFAULT-VALUE})", defaultValue = "20")
    int warmup;
    @Option(names = "--batch", description = "batch size (default ${DEFAULT-VALUE})", defaultValue = "80")
    int batch;
    @Option(names = "--m-per-class", description = "samples per class (default ${DEFAULT-VALUE})", defaultValue = "16")
    int m;
    @Option(names = "--embedding-size", description = "embedding size (default ${DEFAULT-VALUE})", defaultValue = "64")
    int dim;
    @Option(names = "--loss", description = "loss spec (default ${DEFAULT-VALUE})",
            defaultValue = TrainCommand.DEFAULT_LOSS)
    String loss;
    @Option(names = "--miner", description = "miner spec or none (default ${DEFAULT-VALUE})",
            defaultValue = "MultiSimilarityMiner:epsilon=0.1")
    String miner;
    @Option(names = "--report-every", description = "print RSS and the Java heap's committed size every N steps "
            + "(default 0: never)", defaultValue = "0")
    int reportEvery;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (steps < 1 || warmup < 0) {
            throw new IllegalArgumentException("bench train: need --steps >= 1 and --warmup >= 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        ImageDataset all = DataOptions.open("fashion-mnist", "train");
        ImageDataset train = DataOptions.onlyClasses(all, DataOptions.classes("0-4"));
        int[] shape = DataOptions.shape(train);
        MPerClassSampler sampler = new MPerClassSampler(train.labels(), m, batch, (long) batch * (steps + warmup), 0);
        List<int[]> batches = sampler.epochBatches(0);
        Miner mn = miner.equalsIgnoreCase("none") ? null
                : Components.create(Miner.class, ComponentArgs.parse(miner, "--miner"));
        TrainerConfig cfg = new TrainerConfig(1, new OptimizerSpec("adam", 1e-4, null),
                new OptimizerSpec("adam", 1e-4, null), new OptimizerSpec("adam", 1e-4, null), null, 0, null, 0, null,
                1, false);
        try (MetricLoss l = TrainCommand.buildLoss(List.of(loss), null, 5, dim);
             EmbeddingModel model = EmbeddingModel.create(ModelSpec.smallCnn(shape[0], shape[1], shape[2], dim), 0);
             Trainer t = new Trainer(model, l, mn, train, sampler, null, null, cfg, System.err)) {
            for (int i = 0; i < warmup; i++) {
                t.step(batches.get(i), new Random(i), 1);
            }
            long rssStart = rssKb();
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                t.step(batches.get(warmup + i), new Random(i), 1);
                if (reportEvery > 0 && (i + 1) % reportEvery == 0) {
                    Runtime rt = Runtime.getRuntime();
                    out.printf(Locale.ROOT, "step %d rss_mb %.1f java_heap_committed_mb %.1f%n", i + 1,
                            rssKb() / 1024.0, rt.totalMemory() / 1048576.0);
                    out.flush();
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            long rssEnd = rssKb();
            out.printf(Locale.ROOT, "steps %d batch %d threads %s%n", steps, batch,
                    System.getProperty("ai.djl.pytorch.num_threads", "default"));
            out.printf(Locale.ROOT, "images_per_s %.1f%n", steps * (double) batch / secs);
            out.printf(Locale.ROOT, "rss_mb_start %.1f%n", rssStart / 1024.0);
            out.printf(Locale.ROOT, "rss_mb_end %.1f%n", rssEnd / 1024.0);
            out.flush();
        }
        return 0;
    }

    /** The process's resident set size in KiB (Linux /proc/self/status), or -1 where unavailable. */
    static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // not Linux
        }
        return -1;
    }
}
