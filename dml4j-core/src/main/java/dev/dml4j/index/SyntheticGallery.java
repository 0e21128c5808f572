package dev.dml4j.index;

import java.util.SplittableRandom;

/**
 * Clustered synthetic embeddings for benchmarks and tests: class c has a centre μ_c ~ N(0, I); an item of class c
 * is x = z + 0.8·μ_c with z ~ N(0, I). Items are assigned to classes round-robin (item i has label i mod classes).
 * Deterministic for a given seed.
 */
public final class SyntheticGallery {
    /** Weight of the class centre in each item (0.8). */
    public static final double CENTRE_WEIGHT = 0.8;

    private final float[][] centres;
    private final SplittableRandom random;

    /**
     * A generator of {@code dim}-dimensional items from {@code classes} classes.
     *
     * @param classes number of classes (≥ 1)
     * @param dim embedding size (≥ 1)
     * @param seed seed of the class centres and items
     */
    public SyntheticGallery(int classes, int dim, long seed) {
        if (classes < 1 || dim < 1) {
            throw new IllegalArgumentException("need classes >= 1 and dim >= 1, got " + classes + " and " + dim);
        }
        random = new SplittableRandom(seed);
        centres = new float[classes][dim];
        for (float[] c : centres) {
            for (int j = 0; j < dim; j++) {
                c[j] = (float) random.nextGaussian();
            }
        }
    }

    /** The label of item {@code i}: i mod classes. */
    public long label(long i) {
        return i % centres.length;
    }

    /** {@code n} items with labels {@code first .. first+n−1} mod classes, the next draws of this generator. */
    public float[][] items(int n, long first) {
        int dim = centres[0].length;
        float[][] x = new float[n][dim];
        for (int i = 0; i < n; i++) {
            float[] c = centres[(int) label(first + i)];
            for (int j = 0; j < dim; j++) {
                x[i][j] = (float) (random.nextGaussian() + CENTRE_WEIGHT * c[j]);
            }
        }
        return x;
    }

    /** Labels of items {@code first .. first+n−1}. */
    public long[] labels(int n, long first) {
        long[] l = new long[n];
        for (int i = 0; i < n; i++) {
            l[i] = label(first + i);
        }
        return l;
    }
}
