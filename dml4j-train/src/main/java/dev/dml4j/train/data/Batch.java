package dev.dml4j.train.data;

import ai.djl.ndarray.NDArray;

/** TEMPORARY stand-in for branch data's class (removed before merging main). */
public record Batch(NDArray images, NDArray labels) {
}
