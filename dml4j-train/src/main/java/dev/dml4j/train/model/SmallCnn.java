package dev.dml4j.train.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import dev.dml4j.util.Checks;

/**
 * A small convolutional trunk for small images (28×28 grey, 32×32 colour; any size and channel count): per stage
 * a 3×3 convolution (padding 1), batch norm and ReLU, followed by 2×2 max pooling while the map is at least 2×2 —
 * except after the last stage, which ends in global average or max pooling and a flatten. Output: [B, last width].
 */
public final class SmallCnn {
    /** Default stage widths (filters per stage). */
    public static final int[] DEFAULT_WIDTHS = {32, 64, 128};

    private SmallCnn() {
    }

    /**
     * Builds the trunk.
     *
     * @param height input height in pixels (≥ 1)
     * @param width input width in pixels (≥ 1)
     * @param widths filters per stage (default {@link #DEFAULT_WIDTHS})
     * @param pooling the final global pooling
     * @return the trunk; its feature size is {@code widths[widths.length - 1]}
     */
    public static SequentialBlock build(int height, int width, int[] widths, Pooling pooling) {
        Checks.require(height >= 1 && width >= 1, "small-cnn needs an image of at least 1x1, got " + height + "x"
                + width);
        Checks.require(widths != null && widths.length > 0, "small-cnn needs at least one stage width");
        SequentialBlock b = new SequentialBlock();
        int h = height;
        int w = width;
        for (int i = 0; i < widths.length; i++) {
            Checks.require(widths[i] > 0, "small-cnn stage widths must be > 0, got " + widths[i]);
            b.add(Conv2d.builder().setFilters(widths[i]).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                    .build());
            b.add(BatchNorm.builder().build());
            b.add(Activation.reluBlock());
            if (i < widths.length - 1 && h >= 2 && w >= 2) {
                b.add(Pool.maxPool2dBlock(new Shape(2, 2)));
                h /= 2;
                w /= 2;
            }
        }
        b.add(pooling.block());
        b.add(Blocks.batchFlattenBlock());
        return b;
    }
}
