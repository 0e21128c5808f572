package dev.dml4j.cli;

import dev.dml4j.eval.KnnMetric;
import dev.dml4j.index.EmbeddingIndex;
import dev.dml4j.index.ExactIndex;
import dev.dml4j.index.Hit;
import dev.dml4j.index.HnswIndex;
import dev.dml4j.index.SyntheticGallery;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dml4j bench index}: builds an exact and an HNSW index over clustered synthetic embeddings
 * ({@link SyntheticGallery}: x = N(0, I) + 0.8·class centre), times building and querying both, and reports the
 * HNSW recall@k against exact search, for each efSearch given.
 */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = "Times exact vs HNSW index build and search on clustered synthetic data; prints recall@k.")
public final class BenchIndexCommand implements Runnable {
    @Option(names = "--n", description = "gallery size (default ${DEFAULT-VALUE})", defaultValue = "100000")
    int n;
    @Option(names = "--dim", description = "embedding size (default ${DEFAULT-VALUE})", defaultValue = "128")
    int dim;
    @Option(names = "--queries", description = "number of queries (default ${DEFAULT-VALUE})", defaultValue = "1000")
    int queries;
    @Option(names = "--k", description = "neighbours per query (default ${DEFAULT-VALUE})", defaultValue = "10")
    int k;
    @Option(names = "--classes", description = "number of classes (default: n / 100, at least 1)")
    Integer classes;
    @Option(names = "--metric", description = "euclidean, squared_euclidean, cosine or dot (default ${DEFAULT-VALUE})",
            defaultValue = "euclidean")
    String metricName;
    @Option(names = "--m", description = "HNSW M, neighbours per node (default ${DEFAULT-VALUE})", defaultValue = "16")
    int m;
    @Option(names = "--beam-width", description = "HNSW beam width / efConstruction (default ${DEFAULT-VALUE})",
            defaultValue = "100")
    int beamWidth;
    @Option(names = "--ef-search", split = ",", description = "HNSW efSearch values to try (default ${DEFAULT-VALUE})",
            defaultValue = "100")
    List<Integer> efSearch;
    @Option(names = "--build-threads", description = "threads building the HNSW graph; 1 is deterministic "
            + "(default ${DEFAULT-VALUE})", defaultValue = "1")
    int buildThreads;
    @Option(names = "--seed", description = "seed of the data and the graph (default ${DEFAULT-VALUE})",
            defaultValue = "42")
    long seed;
    @Option(names = "--save", description = "also save the HNSW index to this file and time save and load")
    Path save;
    @Option(names = "--load", description = "load the HNSW index from this file (saved by --save with the same --n, "
            + "--dim, --classes, --metric and --seed) instead of building it")
    Path load;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        if (n < 1 || dim < 1 || queries < 1 || k < 1 || (classes != null && classes < 1)) {
            throw new IllegalArgumentException("bench index: need --n, --dim, --queries, --k and --classes >= 1");
        }
        KnnMetric metric = KnnMetric.parse(metricName);
        PrintWriter out = spec == null ? new PrintWriter(System.out, true) : spec.commandLine().getOut();
        int numClasses = classes != null ? classes : Math.max(1, n / 100);
        out.printf("bench index: n=%d dim=%d classes=%d queries=%d k=%d metric=%s cpus=%d java=%s vector-module=%s%n",
                n, dim, numClasses, queries, k, metric, Runtime.getRuntime().availableProcessors(),
                Runtime.version().feature(), ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
        long t0 = System.nanoTime();
        SyntheticGallery data = new SyntheticGallery(numClasses, dim, seed);
        float[][] gallery = data.items(n, 0);
        long[] labels = data.labels(n, 0);
        float[][] q = data.items(queries, n);
        out.printf("data: %.1f s%n", seconds(t0));
        int warm = Math.min(queries, 100);
        float[][] warmQueries = Arrays.copyOf(q, warm);

        Hit[][] truth;
        try (ExactIndex exact = new ExactIndex(dim, metric)) {
            t0 = System.nanoTime();
            exact.add(gallery, labels);
            exact.search(warmQueries, k);
            out.printf("exact: build %.2f s (copy to the engine + warm-up of %d queries)%n", seconds(t0), warm);
            t0 = System.nanoTime();
            truth = exact.search(q, k);
            out.printf("exact: query %.3f ms/query (%d queries in one batch)%n", seconds(t0) * 1e3 / queries,
                    queries);
            out.flush();
        }
        try (HnswIndex hnsw = load != null ? loadHnsw(metric, out) : new HnswIndex(dim, metric, m, beamWidth,
                efSearch.get(0), seed)) {
            if (load == null) {
                hnsw.setBuildThreads(buildThreads);
                t0 = System.nanoTime();
                hnsw.add(gallery, labels);
                out.printf("hnsw M=%d beamWidth=%d: build %.1f s (%d thread%s)%n", m, beamWidth, seconds(t0),
                        buildThreads, buildThreads == 1 ? "" : "s");
            }
            out.flush();
            for (int ef : efSearch) {
                hnsw.setEfSearch(ef);
                hnsw.search(warmQueries, k);
                t0 = System.nanoTime();
                Hit[][] approx = hnsw.search(q, k);
                double ms = seconds(t0) * 1e3 / queries;
                out.printf("hnsw efSearch=%d: query %.3f ms/query, recall@%d vs exact %.4f%n", ef, ms, k,
                        HnswIndex.recall(approx, truth));
                out.flush();
            }
            if (save != null) {
                timeSaveLoad(hnsw, q, out);
            }
        }
    }

    /** The HNSW index of --load, checked to hold this run's gallery (same size, dimension, metric). */
    private HnswIndex loadHnsw(KnnMetric metric, PrintWriter out) {
        try {
            long t0 = System.nanoTime();
            EmbeddingIndex loaded = EmbeddingIndex.load(load);
            if (!(loaded instanceof HnswIndex h) || h.size() != n || h.dim() != dim || h.metric() != metric) {
                throw new IllegalArgumentException("bench index: " + load + " holds a " + loaded.getClass()
                        .getSimpleName() + " of " + loaded.size() + " x " + loaded.dim() + " " + loaded.metric()
                        + ", not an HnswIndex of this run's " + n + " x " + dim + " " + metric);
            }
            out.printf("hnsw M=%d beamWidth=%d: loaded from %s in %.1f s%n", h.m(), h.beamWidth(), load,
                    seconds(t0));
            return h;
        } catch (IOException e) {
            throw new IllegalArgumentException("bench index: cannot load " + load + ": " + e.getMessage(), e);
        }
    }

    private void timeSaveLoad(HnswIndex hnsw, float[][] q, PrintWriter out) {
        try {
            long t0 = System.nanoTime();
            hnsw.save(save);
            double saveS = seconds(t0);
            t0 = System.nanoTime();
            try (EmbeddingIndex loaded = EmbeddingIndex.load(save)) {
                double loadS = seconds(t0);
                boolean same = Arrays.deepEquals(hnsw.search(q, k), loaded.search(q, k));
                out.printf("hnsw file: %d MB, save %.1f s, load %.1f s, same answers after load: %s%n",
                        Files.size(save) >> 20, saveS, loadS, same);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("bench index: cannot save/load " + save + ": " + e.getMessage(), e);
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
