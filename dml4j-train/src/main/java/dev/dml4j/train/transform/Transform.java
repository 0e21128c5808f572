package dev.dml4j.train.transform;

import ai.djl.ndarray.NDArray;
import java.util.Random;

/**
 * An image transform with torchvision's semantics on one float32 image [C, H, W] (C = 1 or 3). Random transforms
 * draw only from the given {@code rng}, so a seeded rng reproduces them. The result lives in the input's manager
 * and may be the input itself (e.g. a flip that did not fire); a transform never closes its input: free both by
 * closing the manager (the batch loader uses one scratch manager per batch).
 */
@FunctionalInterface
public interface Transform {

    /** Transforms one image [C, H, W]. */
    NDArray apply(NDArray chw, Random rng);

    /** This transform followed by {@code next}. */
    default Transform andThen(Transform next) {
        return Compose.of(this, next);
    }

    /** The transform that returns its input. */
    static Transform identity() {
        return (x, rng) -> x;
    }
}
