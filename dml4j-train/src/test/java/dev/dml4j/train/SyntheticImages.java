package dev.dml4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.dml4j.train.data.ImageDataset;
import java.util.Random;

/**
 * A synthetic labelled image set for tests: each class has a fixed random prototype image; an item is its class's
 * prototype plus Gaussian noise (deterministic per seed and index), clipped to [0, 1].
 */
final class SyntheticImages implements ImageDataset {
    private final int n;
    private final int classes;
    private final int c;
    private final int h;
    private final int w;
    private final float[][] prototypes;
    private final long seed;
    private final long noiseSeed;
    private final double noise;

    SyntheticImages(int n, int classes, int c, int h, int w, double noise, long seed) {
        this(n, classes, c, h, w, noise, seed, seed);
    }

    /** As above, with the noise drawn from {@code noiseSeed} (same classes, other items). */
    SyntheticImages(int n, int classes, int c, int h, int w, double noise, long seed, long noiseSeed) {
        this.noiseSeed = noiseSeed;
        this.n = n;
        this.classes = classes;
        this.c = c;
        this.h = h;
        this.w = w;
        this.noise = noise;
        this.seed = seed;
        Random r = new Random(seed);
        prototypes = new float[classes][c * h * w];
        for (float[] p : prototypes) {
            for (int i = 0; i < p.length; i++) {
                p[i] = r.nextFloat();
            }
        }
    }

    @Override
    public int size() {
        return n;
    }

    @Override
    public long label(int index) {
        return index % classes;
    }

    @Override
    public NDArray image(int index, NDManager manager) {
        Random r = new Random(noiseSeed * 31 + index);
        float[] p = prototypes[(int) label(index)];
        float[] v = new float[p.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.min(1, Math.max(0, p[i] + noise * r.nextGaussian()));
        }
        return manager.create(v, new Shape(c, h, w));
    }

    @Override
    public int channels() {
        return c;
    }

    @Override
    public String name() {
        return "synthetic";
    }
}
