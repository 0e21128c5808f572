package dev.dml4j.train.transform;

import ai.djl.ndarray.NDArray;
import dev.dml4j.train.data.HostImage;
import java.util.Random;

/**
 * An image transform with torchvision's semantics on one float32 image [C, H, W] (C = 1 or 3). Random transforms
 * draw only from the given {@code rng}, so a seeded rng reproduces them. The result lives in the input's manager
 * and may be the input itself (e.g. a flip that did not fire); a transform never closes its input: free both by
 * closing the manager (the batch loader uses one scratch manager per batch).
 *
 * <p>Transforms may also work on images in Java memory ({@link #applyHost}); every built-in transform does, with
 * exactly the same results and random draws as its NDArray form, and the batch loader then decodes and augments a
 * whole batch without touching the tensor engine until the final stack. A lambda has only the NDArray form.
 */
@FunctionalInterface
public interface Transform {

    /** Transforms one image [C, H, W]. */
    NDArray apply(NDArray chw, Random rng);

    /** Whether {@link #applyHost} is implemented (false unless overridden). */
    default boolean supportsHost() {
        return false;
    }

    /**
     * The same transform on an image in Java memory, drawing the same random numbers as {@link #apply}; returns a
     * new image or the input itself. Only called when {@link #supportsHost()} is true.
     */
    default HostImage applyHost(HostImage image, Random rng) {
        throw new UnsupportedOperationException(getClass().getName() + " has no host-memory form; call apply(NDArray)");
    }

    /** This transform followed by {@code next}. */
    default Transform andThen(Transform next) {
        return Compose.of(this, next);
    }

    /** The transform that returns its input. */
    static Transform identity() {
        return new Transform() {
            @Override
            public NDArray apply(NDArray chw, Random rng) {
                return chw;
            }

            @Override
            public boolean supportsHost() {
                return true;
            }

            @Override
            public HostImage applyHost(HostImage image, Random rng) {
                return image;
            }

            @Override
            public String toString() {
                return "identity";
            }
        };
    }
}
