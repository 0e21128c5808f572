package dev.dml4j.train.transform;

import ai.djl.ndarray.NDArray;
import java.util.Random;

/** TEMPORARY stand-in for branch data's class (removed before merging main). */
public interface Transform {
    /** Stand-in. */
    NDArray apply(NDArray chw, Random rng);
}
