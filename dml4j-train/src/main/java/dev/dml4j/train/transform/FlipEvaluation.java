package dev.dml4j.train.transform;

import ai.djl.ndarray.NDArray;
import java.util.function.Function;

/**
 * Flip evaluation (test-time augmentation): the embedding of an image is the mean of the embeddings of the image
 * and of its left–right mirror, optionally L2-normalised after averaging.
 */
public final class FlipEvaluation {
    private FlipEvaluation() {
    }

    /** The mean of {@code model(images)} and {@code model(mirror(images))}, not normalised. */
    public static NDArray embed(Function<NDArray, NDArray> model, NDArray images) {
        return embed(model, images, false);
    }

    /**
     * @param model maps images [B, C, H, W] to embeddings [B, D]
     * @param images a batch [B, C, H, W]
     * @param normalize whether to divide each averaged embedding by its L2 norm (floored at 1e-12, as PyTorch's
     *     {@code F.normalize})
     * @return embeddings [B, D] in the model output's manager; the intermediate arrays are freed
     */
    public static NDArray embed(Function<NDArray, NDArray> model, NDArray images, boolean normalize) {
        if (images == null || images.getShape().dimension() != 4) {
            throw new IllegalArgumentException("FlipEvaluation expects a batch [B, C, H, W], got "
                    + (images == null ? "null" : images.getShape()));
        }
        NDArray mean;
        try (NDArray mirrored = HorizontalFlip.mirror(images);
             NDArray a = model.apply(images);
             NDArray b = model.apply(mirrored);
             NDArray sum = a.add(b)) {
            if (!a.getShape().equals(b.getShape())) {
                throw new IllegalArgumentException("the model gave embeddings of shape " + a.getShape()
                        + " for the images but " + b.getShape() + " for their mirrors");
            }
            mean = sum.div(2);
        }
        if (!normalize) {
            return mean;
        }
        try (NDArray m = mean;
             NDArray norm = m.norm(new int[] {-1}, true);
             NDArray floor = norm.maximum(1e-12f)) {
            return m.div(floor);
        }
    }
}
