package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;

/**
 * A trainable array owned by a loss (proxies, class centers, W, a learnable β), handed to the trainer's optimizer.
 * The trainer gives it its own optimizer (or parameter group) with rate {@code baseRate × learningRateMultiplier}.
 *
 * @param name the parameter's name, e.g. {@code "proxies"} or {@code "beta"}
 * @param value the array; it requires gradient and lives in the loss's own manager (never in a per-call scope)
 * @param learningRateMultiplier suggested factor on the network's learning rate for this parameter (proxy losses
 *     usually want a much larger rate than the network: {@link #PROXY_LR_MULTIPLIER}; classifier-style weights
 *     such as ArcFace's W train with the network's rate: {@link #CLASSIFIER_LR_MULTIPLIER})
 */
public record LossParameter(String name, NDArray value, double learningRateMultiplier) {

    /** Suggested multiplier for proxies and centers (Proxy-Anchor, ProxyNCA, SoftTriple papers: about 100×). */
    public static final double PROXY_LR_MULTIPLIER = 100;

    /** Suggested multiplier for classifier-style weights (NormalizedSoftmax, ArcFace family, P2SGrad): 1×. */
    public static final double CLASSIFIER_LR_MULTIPLIER = 1;

    /** Checks the name and multiplier. */
    public LossParameter {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a loss parameter needs a name");
        }
        if (!(learningRateMultiplier > 0) || Double.isInfinite(learningRateMultiplier)) {
            throw new IllegalArgumentException("learningRateMultiplier of '" + name + "' must be a finite number > 0, got "
                    + learningRateMultiplier);
        }
    }
}
