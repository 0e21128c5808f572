package dev.dml4j.train.data;

import java.io.IOException;
import java.lang.ref.SoftReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017; Zalando, MIT licence): 70000 grey 28×28 images of 10 clothing
 * classes, the built-in default data of dml4j. The four original gzip IDX files ship in the repository under
 * {@code data/fashion-mnist/} (taken from Debian's {@code dataset-fashion-mnist} package), so nothing is downloaded.
 */
public final class FashionMnist {
    /** The class names, indexed by label. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** System property naming the repository root (set by the {@code ./dml4j} launcher and by surefire). */
    public static final String ROOT_PROPERTY = "dml4j.root";

    @SuppressWarnings("unchecked")
    private static final SoftReference<IdxDataset>[] CACHE = new SoftReference[2];

    private FashionMnist() {
    }

    /** The folder holding the four IDX files: {@code <dml4j.root>/data/fashion-mnist}. */
    public static Path directory() throws IOException {
        String root = System.getProperty(ROOT_PROPERTY);
        if (root == null || root.isBlank()) {
            throw new IOException("system property " + ROOT_PROPERTY + " is not set, so the built-in Fashion-MNIST"
                    + " copy cannot be found: run through ./dml4j (it sets it) or pass -D" + ROOT_PROPERTY
                    + "=<path of the dml4j repository>");
        }
        Path dir = Path.of(root).resolve("data").resolve("fashion-mnist");
        if (!Files.isDirectory(dir)) {
            throw new IOException("built-in Fashion-MNIST folder " + dir + " does not exist: " + ROOT_PROPERTY + "="
                    + root + " must point at the dml4j repository root (the folder holding data/fashion-mnist/)");
        }
        return dir;
    }

    /**
     * The training (60000 images) or test (10000 images) part of the shipped copy, grey [1, 28, 28], labels 0–9.
     * Loaded once per JVM and kept while memory allows (the data are immutable).
     */
    public static IdxDataset builtIn(boolean train) throws IOException {
        int slot = train ? 0 : 1;
        synchronized (CACHE) {
            IdxDataset cached = CACHE[slot] == null ? null : CACHE[slot].get();
            if (cached != null) {
                return cached;
            }
            Path dir = directory();
            String prefix = train ? "train" : "t10k";
            IdxDataset ds = IdxDataset.read(dir.resolve(prefix + "-images-idx3-ubyte.gz"),
                    dir.resolve(prefix + "-labels-idx1-ubyte.gz"), "fashion-mnist/" + (train ? "train" : "test"));
            CACHE[slot] = new SoftReference<>(ds);
            return ds;
        }
    }
}
