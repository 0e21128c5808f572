package dev.dml4j.train.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * One image in Java memory: float pixels [C, H, W], row-major per channel, normally in [0, 1] (after
 * {@code Normalize}, standardised values). Decoding and the built-in transforms work on it without the tensor
 * engine, which keeps per-image work off libtorch's thread pool; the batch loader makes one tensor per batch.
 *
 * @param pixels C·H·W values (not copied: treat as immutable once built)
 * @param channels C ≥ 1
 * @param height H ≥ 1
 * @param width W ≥ 1
 */
public record HostImage(float[] pixels, int channels, int height, int width) {

    /** Checks that the sizes are positive and match the pixel count. */
    public HostImage {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("image sizes must be positive, got [" + channels + ", " + height + ", "
                    + width + "]");
        }
        if (pixels == null || (long) channels * height * width != pixels.length) {
            throw new IllegalArgumentException("image [" + channels + ", " + height + ", " + width + "] needs "
                    + (long) channels * height * width + " pixels, got " + (pixels == null ? "null" : pixels.length));
        }
    }

    /** The pixels of a [C, H, W] array (copied to Java memory as float32). */
    public static HostImage of(NDArray chw) {
        long[] s = chw.getShape().getShape();
        if (s.length != 3) {
            throw new IllegalArgumentException("expected one image [C, H, W], got shape " + chw.getShape());
        }
        float[] f;
        if (chw.getDataType() == DataType.FLOAT32) {
            f = chw.toFloatArray();
        } else {
            try (NDArray c = chw.toType(DataType.FLOAT32, true)) {
                f = c.toFloatArray();
            }
        }
        return new HostImage(f, (int) s[0], (int) s[1], (int) s[2]);
    }

    /** The image as a float32 [C, H, W] array in {@code manager}. */
    public NDArray toNDArray(NDManager manager) {
        return manager.create(pixels, shape());
    }

    /** The shape [C, H, W]. */
    public Shape shape() {
        return new Shape(channels, height, width);
    }
}
