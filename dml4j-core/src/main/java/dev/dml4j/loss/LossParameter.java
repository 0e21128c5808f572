package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;

/**
 * A trainable array owned by a loss (proxies, class centers, W, a learnable β), handed to the trainer's optimizer.
 *
 * @param name the parameter's name, e.g. {@code "proxies"} or {@code "beta"}
 * @param value the array; it requires gradient and lives in the loss's own manager
 * @param learningRateMultiplier factor on the optimizer's base rate for this parameter (proxy losses often want
 *     much larger rates than the network; default 1)
 */
public record LossParameter(String name, NDArray value, double learningRateMultiplier) {
}
