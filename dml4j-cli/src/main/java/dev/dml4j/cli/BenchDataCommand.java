package dev.dml4j.cli;

import ai.djl.ndarray.NDManager;
import dev.dml4j.sampling.MPerClassSampler;
import dev.dml4j.train.data.Batch;
import dev.dml4j.train.data.BatchLoader;
import dev.dml4j.train.data.ColorMode;
import dev.dml4j.train.data.FashionMnist;
import dev.dml4j.train.data.FileImageDataset;
import dev.dml4j.train.data.ImageDataset;
import dev.dml4j.train.transform.Compose;
import dev.dml4j.train.transform.HorizontalFlip;
import dev.dml4j.train.transform.Normalize;
import dev.dml4j.train.transform.RandomResizedCrop;
import dev.dml4j.train.transform.Transform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dml4j bench data}: batch-loading throughput (images per second) of the built-in Fashion-MNIST (raw, and with
 * RandomResizedCrop + flip + normalise) and of synthetic JPEG photos decoded from disk with the ImageNet-style
 * training transform, each without and with the background prefetch thread. Prints {@code <case> <images/s>}.
 */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Times batch loading (decode + transform + stack) and prints '<case> <images/s>'.")
public final class BenchDataCommand implements Runnable {
    @Option(names = "--batches", description = "timed batches per case (default ${DEFAULT-VALUE})", defaultValue = "40")
    int batches;
    @Option(names = "--batch", description = "batch size (default ${DEFAULT-VALUE})", defaultValue = "128")
    int batch;
    @Option(names = "--photos", description = "synthetic JPEG photos written for the photo case (default "
            + "${DEFAULT-VALUE})", defaultValue = "64")
    int photos;

    @Override
    public void run() {
        try {
            ImageDataset fm = FashionMnist.builtIn(true);
            Transform aug = Compose.of(new RandomResizedCrop(28, 28, 0.5, 1.0, 3.0 / 4, 4.0 / 3),
                    new HorizontalFlip(), new Normalize(Normalize.FASHION_MNIST_MEAN, Normalize.FASHION_MNIST_STD));
            Path dir = Files.createTempDirectory("dml4j-bench-photos");
            try {
                FileImageDataset photoSet = writePhotos(dir, photos);
                Transform photoAug = Compose.of(new RandomResizedCrop(224), new HorizontalFlip(), Normalize.imagenet());
                report("fashion_mnist_raw", fm, null, batches);
                report("fashion_mnist_rrc_flip_norm", fm, aug, batches);
                report("jpeg_500x375_rrc224_flip_norm", photoSet, photoAug, Math.max(2, batches / 8));
            } finally {
                try (var s = Files.walk(dir)) {
                    s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Times one case after a warm-up, first on the caller's thread, then with 2 batches prefetched. */
    private void report(String name, ImageDataset ds, Transform t, int n) {
        // m = 4 per class; data sets with few classes get smaller batches
        int classes = (int) java.util.Arrays.stream(ds.labels()).distinct().count();
        int b = Math.min(batch, 4 * classes);
        int warm = Math.max(2, n / 4);
        List<int[]> all = new MPerClassSampler(ds.labels(), 4, b, (long) b * (warm + n), 1L).epochBatches(0);
        try (NDManager m = NDManager.newBaseManager()) {
            time(ds, all.subList(0, warm), t, m, 0);
            for (int prefetch : new int[] {0, 2}) {
                System.out.printf("%s_prefetch%d %.0f%n", name, prefetch, time(ds, all.subList(warm, all.size()), t, m,
                        prefetch));
            }
        }
    }

    /** Images per second over the given batches. */
    private static double time(ImageDataset ds, List<int[]> batches, Transform t, NDManager m, int prefetch) {
        long start = System.nanoTime();
        int images = 0;
        try (BatchLoader.Stream s = BatchLoader.stream(ds, batches, t, 1L, m, prefetch)) {
            while (s.hasNext()) {
                try (Batch x = s.next()) {
                    images += x.size();
                }
            }
        }
        return images / ((System.nanoTime() - start) / 1e9);
    }

    /** Writes {@code n} random-texture 500×375 JPEGs in 8 class folders and lists them. */
    private static FileImageDataset writePhotos(Path dir, int n) throws IOException {
        Random rng = new Random(7);
        List<Path> paths = new ArrayList<>();
        long[] labels = new long[n];
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(500, 375, BufferedImage.TYPE_3BYTE_BGR);
            for (int y = 0; y < 375; y++) {
                for (int x = 0; x < 500; x++) {
                    img.setRGB(x, y, rng.nextInt(1 << 24) & 0x7f7f7f | ((x * 255 / 500) << 16));
                }
            }
            Path f = dir.resolve("p" + i + ".jpg");
            ImageIO.write(img, "jpg", f.toFile());
            paths.add(f);
            labels[i] = i % 8;
        }
        return new FileImageDataset(paths, labels, null, null, ColorMode.RGB, "synthetic-jpeg");
    }
}
