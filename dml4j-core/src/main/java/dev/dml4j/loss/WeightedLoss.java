package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;

/**
 * A loss that owns a row-per-proxy weight matrix [rows, D] (proxies, class weights W, centers). Rows follow the
 * reference layout (SoftTriple: row {@code c * centersPerClass + k} is center k of class c).
 */
public interface WeightedLoss {

    /** The weight matrix [rows, D] (live: it is the trainable array). */
    NDArray getWeights();

    /** Replaces the weights with a copy of {@code rowPerProxy} [rows, D], cast to the loss's dtype and device. */
    void setWeights(NDArray rowPerProxy);
}
