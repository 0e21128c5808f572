package dev.dml4j.train.data;

import ai.djl.ndarray.NDArray;

/**
 * One training or evaluation batch.
 *
 * @param images float32 [B, C, H, W]
 * @param labels int64 [B]
 */
public record Batch(NDArray images, NDArray labels) implements AutoCloseable {

    /** The number of items B. */
    public int size() {
        return (int) labels.getShape().get(0);
    }

    /** Frees both arrays. */
    @Override
    public void close() {
        images.close();
        labels.close();
    }
}
