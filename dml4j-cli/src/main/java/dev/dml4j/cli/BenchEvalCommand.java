package dev.dml4j.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.dml4j.eval.AccuracyCalculator;
import dev.dml4j.eval.ExactKnn;
import dev.dml4j.eval.KnnMetric;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dml4j bench eval}: wall time and peak memory of {@link AccuracyCalculator} (Precision@1, R-Precision,
 * MAP@R; k = max_bin_count; query = reference) on synthetic clustered embeddings: labels uniform over the classes,
 * x = N(0, 1) + 0.8 · centre of its class, centres ~ N(0, 1), float32, fixed seed. Prints {@code seconds <s>},
 * {@code peak_rss_mb <m>} (the process's VmHWM) and each metric, one per line.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Times AccuracyCalculator (P@1, R-Precision, MAP@R) on synthetic clustered embeddings.")
public final class BenchEvalCommand implements Runnable {
    /** Rows of the untimed warm-up run (JIT and engine start-up). */
    static final int WARMUP_ROWS = 4096;

    @Option(names = "--n", description = "number of embeddings (default ${DEFAULT-VALUE})", defaultValue = "60000")
    int n;
    @Option(names = "--dim", description = "embedding size (default ${DEFAULT-VALUE})", defaultValue = "128")
    int dim;
    @Option(names = "--classes", description = "number of classes (default ${DEFAULT-VALUE})", defaultValue = "12000")
    int classes;
    @Option(names = "--seed", description = "seed of the synthetic data (default ${DEFAULT-VALUE})", defaultValue = "0")
    long seed;
    @Option(names = "--block-size", description = "rows per k-NN block (default ${DEFAULT-VALUE})",
            defaultValue = "" + ExactKnn.DEFAULT_BLOCK_SIZE)
    int blockSize;
    @Option(names = "--metric", description = "k-NN metric: euclidean, squared_euclidean, cosine, dot "
            + "(default ${DEFAULT-VALUE})", defaultValue = "euclidean")
    String metric;
    @Option(names = "--no-warmup", description = "skip the untimed warm-up run on the first " + WARMUP_ROWS + " rows")
    boolean noWarmup;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        if (n < 2 || dim < 1 || classes < 1) {
            throw new IllegalArgumentException("bench eval: need --n >= 2, --dim >= 1 and --classes >= 1");
        }
        PrintWriter out = spec == null ? new PrintWriter(System.out, true) : spec.commandLine().getOut();
        AccuracyCalculator calc = AccuracyCalculator.builder()
                .include(AccuracyCalculator.PRECISION_AT_1, AccuracyCalculator.R_PRECISION,
                        AccuracyCalculator.MAP_AT_R)
                .knnMetric(KnnMetric.parse(metric)).blockSize(blockSize).build();
        long[] labels = new long[n];
        float[] x = synthetic(n, dim, classes, seed, labels);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray emb = m.create(x, new Shape(n, dim));
            if (!noWarmup) {
                int w = Math.min(n, WARMUP_ROWS);
                try (NDArray head = emb.get("0:" + w)) {
                    calc.getAccuracy(head, java.util.Arrays.copyOf(labels, w), null, null, true);
                }
            }
            long t0 = System.nanoTime();
            Map<String, Double> acc = calc.getAccuracy(emb, labels, null, null, true);
            double seconds = (System.nanoTime() - t0) / 1e9;
            out.printf("seconds %.3f%n", seconds);
            out.printf("peak_rss_mb %.1f%n", peakRssMb());
            for (Map.Entry<String, Double> e : acc.entrySet()) {
                out.printf("%s %.6f%n", e.getKey(), e.getValue());
            }
            out.flush();
        }
    }

    /** Row-major [n, d] float32: x = N(0, 1) + 0.8 · centre[label], centre ~ N(0, 1), labels uniform. */
    static float[] synthetic(int n, int d, int classes, long seed, long[] labelsOut) {
        Random r = new Random(seed);
        float[] centres = new float[classes * d];
        for (int i = 0; i < centres.length; i++) {
            centres[i] = (float) r.nextGaussian();
        }
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(classes);
            labelsOut[i] = c;
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) (r.nextGaussian() + 0.8 * centres[c * d + j]);
            }
        }
        return x;
    }

    /** The process's peak resident set size in MiB (VmHWM from /proc/self/status; NaN where unavailable). */
    static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String[] parts = line.trim().split("\\s+");
                    return Long.parseLong(parts[1]) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
