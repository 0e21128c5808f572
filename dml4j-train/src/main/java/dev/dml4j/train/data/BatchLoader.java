package dev.dml4j.train.data;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.dml4j.sampling.Seeds;
import dev.dml4j.train.transform.Transform;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Turns item positions into {@link Batch}es: reads each image, applies the transform and stacks the results into
 * [B, C, H, W] float32 with int64 labels. {@link #load} does one batch on the caller's thread; {@link #stream} walks
 * a list of batches, optionally decoding ahead on one background thread (photo decoding is slow), with exactly the
 * same output either way.
 */
public final class BatchLoader {
    private BatchLoader() {
    }

    /**
     * Loads one batch.
     *
     * @param ds the data set
     * @param indices item positions in {@code ds} (B ≥ 1; repeats allowed)
     * @param t the per-image transform, or null for none (then all images must already have the same size)
     * @param rng the random source of the transform (ignored when t is null)
     * @param m the manager (and so the device) that owns the batch; the caller closes the batch
     */
    public static Batch load(ImageDataset ds, int[] indices, Transform t, Random rng, NDManager m) {
        Host h = loadHost(ds, indices, t, rng, m);
        return h.toBatch(m);
    }

    /**
     * Iterates over {@code batches} in order. Batch number b uses the transform rng
     * {@code Seeds.random(seed, b)}, so the result depends only on (ds, batches, t, seed), not on timing; pass
     * {@code Seeds.derive(runSeed, epoch)} as {@code seed} to vary augmentation per epoch.
     *
     * @param prefetch how many batches to prepare ahead on one background thread (0 = load on the caller's
     *     thread; 2 is plenty)
     * @param m the manager that owns every returned batch; close each batch after use, and the stream when done
     */
    public static Stream stream(ImageDataset ds, List<int[]> batches, Transform t, long seed, NDManager m,
            int prefetch) {
        if (prefetch < 0) {
            throw new IllegalArgumentException("prefetch must be >= 0 batches, got " + prefetch);
        }
        return new Stream(ds, List.copyOf(batches), t, seed, m, prefetch);
    }

    /** A batch still in host memory: pixels [B·C·H·W], its shape and labels. */
    private record Host(float[] pixels, Shape shape, long[] labels) {
        Batch toBatch(NDManager m) {
            NDArray images = m.create(pixels, shape);
            NDArray lab = m.create(labels);
            return new Batch(images, lab);
        }
    }

    private static Host loadHost(ImageDataset ds, int[] indices, Transform t, Random rng, NDManager parent) {
        if (indices == null || indices.length == 0) {
            throw new IllegalArgumentException("a batch needs at least one item position");
        }
        Stacker st = new Stacker(ds, indices.length);
        if (t == null || t.supportsHost()) {
            // decode and augment in Java memory: no tensor-engine call per image
            for (int k = 0; k < indices.length; k++) {
                int i = st.check(indices[k]);
                HostImage img = ds.hostImage(i);
                st.add(k, i, t == null ? img : t.applyHost(img, rng));
            }
        } else {
            try (NDManager scratch = parent.newSubManager(Device.cpu())) {
                for (int k = 0; k < indices.length; k++) {
                    int i = st.check(indices[k]);
                    NDArray img = ds.image(i, scratch);
                    NDArray out = t.apply(img, rng);
                    st.add(k, i, HostImage.of(out));
                    if (out != img) {
                        out.close();
                    }
                    img.close();
                }
            }
        }
        return st.host();
    }

    /** Copies same-sized images into one [B, C, H, W] buffer, with clear errors for bad positions and sizes. */
    private static final class Stacker {
        private final ImageDataset ds;
        private final long[] labels;
        private float[] pixels;
        private HostImage first;

        Stacker(ImageDataset ds, int b) {
            this.ds = ds;
            this.labels = new long[b];
        }

        int check(int i) {
            if (i < 0 || i >= ds.size()) {
                throw new IllegalArgumentException("item position " + i + " outside [0, " + ds.size() + ") of "
                        + ds.name());
            }
            return i;
        }

        void add(int k, int i, HostImage img) {
            labels[k] = ds.label(i);
            int n = img.pixels().length;
            if (first == null) {
                if ((long) n * labels.length > Integer.MAX_VALUE - 16) {
                    throw new IllegalArgumentException("batch of " + labels.length + " images of shape " + img.shape()
                            + " is too large for one array; lower the batch size or resize the images");
                }
                first = img;
                pixels = new float[n * labels.length];
            } else if (first.channels() != img.channels() || first.height() != img.height()
                    || first.width() != img.width()) {
                throw new IllegalArgumentException("images in one batch differ in size: " + first.shape() + " vs "
                        + img.shape() + " (item " + i + " of " + ds.name() + "); add a transform that gives one size,"
                        + " e.g. ResizeCenterCrop or RandomResizedCrop");
            }
            System.arraycopy(img.pixels(), 0, pixels, k * n, n);
        }

        Host host() {
            return new Host(pixels, new Shape(labels.length, first.channels(), first.height(), first.width()), labels);
        }
    }

    /** An ordered walk over a list of batches, optionally prepared ahead on one background thread. */
    public static final class Stream implements Iterator<Batch>, AutoCloseable {
        private static final Object END = new Object();
        private final ImageDataset ds;
        private final List<int[]> batches;
        private final Transform t;
        private final long seed;
        private final NDManager m;
        private final BlockingQueue<Object> queue;
        private final Thread worker;
        private volatile boolean closed;
        private int next;

        private Stream(ImageDataset ds, List<int[]> batches, Transform t, long seed, NDManager m, int prefetch) {
            this.ds = ds;
            this.batches = batches;
            this.t = t;
            this.seed = seed;
            this.m = m;
            if (prefetch == 0) {
                queue = null;
                worker = null;
            } else {
                queue = new ArrayBlockingQueue<>(prefetch);
                worker = new Thread(this::produce, "dml4j-batch-prefetch");
                worker.setDaemon(true);
                worker.start();
            }
        }

        private void produce() {
            try (NDManager bg = NDManager.newBaseManager(Device.cpu(), m.getEngine().getEngineName())) {
                for (int b = 0; b < batches.size() && !closed; b++) {
                    Host h = loadHost(ds, batches.get(b), t, Seeds.random(seed, b), bg);
                    while (!closed && !queue.offer(h, 100, TimeUnit.MILLISECONDS)) {
                        // wait for the consumer
                    }
                }
                offerFinal(END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                offerFinal(e);
            }
        }

        private void offerFinal(Object o) {
            try {
                while (!closed && !queue.offer(o, 100, TimeUnit.MILLISECONDS)) {
                    // wait for the consumer
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** The number of batches in the walk. */
        public int size() {
            return batches.size();
        }

        @Override
        public boolean hasNext() {
            return !closed && next < batches.size();
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException("no more batches (" + batches.size() + " in this stream)");
            }
            int b = next++;
            if (queue == null) {
                return loadHost(ds, batches.get(b), t, Seeds.random(seed, b), m).toBatch(m);
            }
            Object o;
            try {
                o = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for batch " + b, e);
            }
            if (o instanceof Host h) {
                return h.toBatch(m);
            }
            close();
            if (o instanceof RuntimeException e) {
                throw e;
            }
            if (o instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException("batch prefetch thread ended early at batch " + b);
        }

        /** Stops the background thread (if any); batches already returned stay valid. */
        @Override
        public void close() {
            closed = true;
            if (worker != null) {
                worker.interrupt();
                try {
                    worker.join(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
