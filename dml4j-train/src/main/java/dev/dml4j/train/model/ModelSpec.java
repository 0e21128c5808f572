package dev.dml4j.train.model;

import dev.dml4j.util.Checks;
import java.util.Locale;

/**
 * What network to build: enough to rebuild a saved model from its file alone (it is stored in the file's header).
 *
 * @param backbone {@code small-cnn}, {@code resnet18}, {@code resnet50} or {@code torchscript}
 * @param torchscript path of the TorchScript file for {@code torchscript} (else null)
 * @param channels image channels (1 grey, 3 colour)
 * @param height image height in pixels
 * @param width image width in pixels
 * @param embeddingSize D, the embedding size (2 for plots)
 * @param pooling global pooling of the trunk ({@code avg} or {@code max}; not used by {@code torchscript})
 * @param batchNorm batch norm after the embedder's linear layer
 * @param l2Normalize L2-normalise the embeddings
 * @param widths stage widths of {@code small-cnn} (null: {@link SmallCnn#DEFAULT_WIDTHS})
 */
public record ModelSpec(String backbone, String torchscript, int channels, int height, int width, int embeddingSize,
        String pooling, boolean batchNorm, boolean l2Normalize, int[] widths) {

    /** The backbone names. */
    public static final String BACKBONES = "small-cnn, resnet18, resnet50, torchscript";

    /** Checks the values and normalises names. */
    public ModelSpec {
        backbone = backbone == null ? "small-cnn" : backbone.trim().toLowerCase(Locale.ROOT);
        Checks.require(backbone.equals("small-cnn") || backbone.equals("resnet18") || backbone.equals("resnet50")
                || backbone.equals("torchscript"), "unknown model '" + backbone + "'; use one of " + BACKBONES);
        Checks.require(!backbone.equals("torchscript") || (torchscript != null && !torchscript.isBlank()),
                "model torchscript needs the path of a TorchScript file (--torchscript FILE)");
        Checks.require(channels >= 1 && height >= 1 && width >= 1, "image shape must be positive, got " + channels
                + "x" + height + "x" + width);
        Checks.require(embeddingSize >= 1, "embedding size must be >= 1, got " + embeddingSize);
        pooling = Pooling.parse(pooling == null ? "avg" : pooling).name().toLowerCase(Locale.ROOT);
        widths = widths == null ? null : widths.clone();
    }

    /** A small CNN for images of the given shape with average pooling and no head extras. */
    public static ModelSpec smallCnn(int channels, int height, int width, int embeddingSize) {
        return new ModelSpec("small-cnn", null, channels, height, width, embeddingSize, "avg", false, false, null);
    }
}
