package dev.dml4j.train.transform;

import ai.djl.ndarray.NDArray;
import dev.dml4j.train.data.HostImage;
import java.util.Random;

/**
 * Mirrors the image left–right with probability {@code p} (torchvision's {@code RandomHorizontalFlip}, default
 * p = 0.5); one uniform draw per call.
 */
public final class HorizontalFlip implements Transform {
    private final double p;

    /** @param p the flip probability in [0, 1] (torchvision default 0.5) */
    public HorizontalFlip(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("flip probability p must be in [0, 1], got " + p);
        }
        this.p = p;
    }

    /** p = 0.5. */
    public HorizontalFlip() {
        this(0.5);
    }

    @Override
    public NDArray apply(NDArray chw, Random rng) {
        ImageChecks.chw(chw, "HorizontalFlip");
        ImageChecks.rng(rng, "HorizontalFlip");
        return rng.nextDouble() < p ? mirror(chw) : chw;
    }

    @Override
    public boolean supportsHost() {
        return true;
    }

    @Override
    public HostImage applyHost(HostImage image, Random rng) {
        ImageChecks.rng(rng, "HorizontalFlip");
        return rng.nextDouble() < p ? mirror(image) : image;
    }

    /** The left–right mirror of an image in Java memory. */
    public static HostImage mirror(HostImage image) {
        float[] src = image.pixels();
        float[] out = new float[src.length];
        int w = image.width();
        for (int row = 0; row < image.channels() * image.height(); row++) {
            int off = row * w;
            for (int x = 0; x < w; x++) {
                out[off + x] = src[off + w - 1 - x];
            }
        }
        return new HostImage(out, image.channels(), image.height(), w);
    }

    /** The left–right mirror of a [C, H, W] or [B, C, H, W] array (the last axis reversed). */
    public static NDArray mirror(NDArray x) {
        return x.flip(x.getShape().dimension() - 1);
    }

    @Override
    public String toString() {
        return "HorizontalFlip(p=" + p + ")";
    }
}
