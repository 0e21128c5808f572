package dev.dml4j.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.dml4j.eval.ExactKnn;
import dev.dml4j.eval.KnnMetric;
import dev.dml4j.eval.KnnResult;
import dev.dml4j.train.data.ImageDataset;
import dev.dml4j.train.model.EmbeddingModel;
import dev.dml4j.train.model.ModelSpec;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dml4j search}: the k nearest neighbours of one image in a gallery, by Euclidean distance between
 * embeddings (exact search). The query is an item of a data set ({@code --query-index}) or an image file
 * ({@code --image}, scaled to the model's input size).
 */
@Command(name = "search", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
        description = {"Finds the nearest neighbours of an image in a gallery (the --data/--split/--classes items).",
            "Prints 'rank index label distance' per neighbour."})
public final class SearchCommand implements Callable<Integer> {
    @Mixin
    ModelOptions gallery;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Query query;

    /** Where the query comes from. */
    static final class Query {
        @Option(names = "--query-index", paramLabel = "I", description = "item I of the --query-split of the data set")
        Integer index;
        @Option(names = "--image", paramLabel = "FILE", description = "an image file (PNG, JPEG, …)")
        Path image;
    }

    @Option(names = "--query-split", description = "split of --query-index: train or test (default ${DEFAULT-VALUE})",
            defaultValue = "test")
    String querySplit;
    @Option(names = {"-k", "--k"}, description = "neighbours to show (default ${DEFAULT-VALUE})", defaultValue = "5")
    int k;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (k < 1) {
            throw new IllegalArgumentException("-k must be >= 1, got " + k);
        }
        PrintWriter w = spec.commandLine().getOut();
        try (EmbeddingModel m = EmbeddingModel.load(gallery.model); NDManager mgr = NDManager.newBaseManager()) {
            ImageDataset g = gallery.dataset();
            NDArray img;
            String what;
            if (query.index != null) {
                ImageDataset qs = DataOptions.open(gallery.data, querySplit);
                if (query.index < 0 || query.index >= qs.size()) {
                    throw new IllegalArgumentException("--query-index " + query.index + " is outside [0, " + qs.size()
                            + ") of " + qs.name());
                }
                img = qs.image(query.index, mgr);
                what = qs.name() + " item " + query.index + " (label " + qs.label(query.index) + ")";
            } else {
                img = readImage(query.image, m.spec(), mgr);
                what = query.image.toString();
            }
            NDArray q = m.forward(img.expandDims(0), false);
            NDArray ref = m.embed(g, gallery.batch, mgr);
            KnnResult knn = ExactKnn.search(q, ref, k, KnnMetric.EUCLIDEAN, false);
            w.println("# query " + what + "; gallery " + g.name() + " (" + g.size() + " items)");
            for (int r = 0; r < knn.indices()[0].length; r++) {
                int i = (int) knn.indices()[0][r];
                w.println(String.format(Locale.ROOT, "%d %d %d %.6f", r + 1, i, g.label(i), knn.distances()[0][r]));
            }
        }
        w.flush();
        return 0;
    }

    /** Reads an image file as [C, H, W] in [0, 1], scaled to the model's size, grey or RGB as the model wants. */
    static NDArray readImage(Path file, ModelSpec spec, NDManager mgr) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("image file not found: " + file.toAbsolutePath());
        }
        BufferedImage src = ImageIO.read(file.toFile());
        if (src == null) {
            throw new IOException(file + " is not an image this JVM can read (use PNG or JPEG)");
        }
        int h = spec.height();
        int wd = spec.width();
        BufferedImage scaled = new BufferedImage(wd, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D gr = scaled.createGraphics();
        gr.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        gr.drawImage(src, 0, 0, wd, h, null);
        gr.dispose();
        int c = spec.channels();
        float[] v = new float[c * h * wd];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < wd; x++) {
                int rgb = scaled.getRGB(x, y);
                float r = ((rgb >> 16) & 0xff) / 255f;
                float gg = ((rgb >> 8) & 0xff) / 255f;
                float b = (rgb & 0xff) / 255f;
                if (c == 1) {
                    v[y * wd + x] = 0.299f * r + 0.587f * gg + 0.114f * b;
                } else {
                    for (int ch = 0; ch < c; ch++) {
                        v[ch * h * wd + y * wd + x] = ch == 0 ? r : ch == 1 ? gg : b;
                    }
                }
            }
        }
        if (c != 1 && c != 3) {
            throw new IllegalArgumentException("--image works with grey (1) or colour (3) models; this one has " + c
                    + " channels");
        }
        return mgr.create(v, new Shape(c, h, wd));
    }

}
