package dev.dml4j.train.transform;

import ai.djl.ndarray.NDArray;
import dev.dml4j.train.data.HostImage;
import java.util.Random;

/**
 * Base of the transforms computed in Java memory (resampling, cropping): the NDArray form copies the image out,
 * applies {@link #applyHost} and creates the result in the input's manager, device and data type.
 */
public abstract class HostTransform implements Transform {

    /** The transform's name in error messages. */
    protected abstract String who();

    @Override
    public final NDArray apply(NDArray chw, Random rng) {
        return ImageOps.viaHost(this, chw, rng, who());
    }

    @Override
    public final boolean supportsHost() {
        return true;
    }
}
