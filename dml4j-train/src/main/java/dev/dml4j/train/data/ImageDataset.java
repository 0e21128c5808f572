package dev.dml4j.train.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A labelled image data set: the one interface every reader (IDX, image folder, CSV, CUB/Cars/SOP/In-Shop layouts)
 * implements and every sampler, split, trainer and evaluator consumes. Labels are class ids ≥ 0 (not necessarily
 * contiguous after a class-disjoint split).
 */
public interface ImageDataset {

    /** The number of items. */
    int size();

    /** The class id of item {@code index}. */
    long label(int index);

    /** All class ids, in item order (a fresh array). */
    default long[] labels() {
        long[] out = new long[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = label(i);
        }
        return out;
    }

    /**
     * Item {@code index} as a float32 image [C, H, W] with values in [0, 1], created in {@code manager} (before any
     * transform; sizes may differ between items for photo data sets).
     */
    NDArray image(int index, NDManager manager);

    /**
     * Item {@code index} in Java memory (same values as {@link #image}); the batch loader's fast path. The default
     * goes through {@link #image} with a temporary manager; readers override it to skip the engine.
     */
    default HostImage hostImage(int index) {
        try (NDManager m = NDManager.newBaseManager()) {
            return HostImage.of(image(index, m));
        }
    }

    /** The number of channels of every image (1 grey, 3 colour). */
    int channels();

    /** A short name for logs and reports, e.g. {@code fashion-mnist/train}. */
    String name();

    /** The items at the given positions, as a view (no copy of image data). */
    default ImageDataset subset(int[] indices, String name) {
        return new SubsetDataset(this, indices, name);
    }
}
