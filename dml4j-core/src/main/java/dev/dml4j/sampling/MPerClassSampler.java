package dev.dml4j.sampling;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * PML's {@code MPerClassSampler}: every batch holds {@code batchSize / m} distinct classes with {@code m} items
 * each. A class with fewer than {@code m} items is sampled with replacement (so its items repeat inside the
 * batch); a class with at least {@code m} items is sampled without replacement. One epoch is
 * {@code lengthBeforeNewIter} items, rounded down to a multiple of {@code batchSize}; each batch draws a fresh
 * random choice of classes.
 */
public final class MPerClassSampler implements BatchSampler {
    private final LabelIndex index;
    private final int m;
    private final int batchSize;
    private final long listSize;
    private final long seed;

    /**
     * @param labels the class label of every item of the data set
     * @param m items per class in a batch (PML {@code m}), ≥ 1
     * @param batchSize items per batch, a multiple of {@code m} and at most {@code m × number of classes}
     * @param lengthBeforeNewIter items per epoch (PML {@code length_before_new_iter}, default 100000), ≥ batchSize;
     *     rounded down to a multiple of batchSize
     * @param seed the run's seed; epoch e's batches depend only on (seed, e)
     */
    public MPerClassSampler(long[] labels, int m, int batchSize, long lengthBeforeNewIter, long seed) {
        if (labels == null || labels.length == 0) {
            throw new IllegalArgumentException("MPerClassSampler needs a non-empty label array");
        }
        if (m < 1) {
            throw new IllegalArgumentException("m (items per class) must be >= 1, got " + m);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (batchSize % m != 0) {
            throw new IllegalArgumentException("batchSize=" + batchSize + " is not a multiple of m=" + m
                    + ": m must divide batchSize without remainder (e.g. batchSize=" + (batchSize / m + 1) * m + ")");
        }
        this.index = LabelIndex.of(labels);
        long singlePass = (long) m * index.numClasses();
        if (singlePass < batchSize) {
            throw new IllegalArgumentException("m * (number of classes) = " + m + " * " + index.numClasses() + " = "
                    + singlePass + " < batchSize=" + batchSize + ": a batch needs batchSize/m = " + batchSize / m
                    + " distinct classes; lower batchSize or raise m");
        }
        if (lengthBeforeNewIter < batchSize) {
            throw new IllegalArgumentException("lengthBeforeNewIter=" + lengthBeforeNewIter + " < batchSize="
                    + batchSize + ": an epoch must hold at least one batch");
        }
        this.m = m;
        this.batchSize = batchSize;
        this.listSize = lengthBeforeNewIter - lengthBeforeNewIter % batchSize;
        this.seed = seed;
    }

    /** PML's defaults: {@code lengthBeforeNewIter} = 100000. */
    public MPerClassSampler(long[] labels, int m, int batchSize, long seed) {
        this(labels, m, batchSize, 100_000L, seed);
    }

    @Override
    public List<int[]> epochBatches(int epoch) {
        SplittableRandom rng = Seeds.stream(seed, epoch);
        int numBatches = batchesPerEpoch();
        int classesPerBatch = batchSize / m;
        int[] order = new int[index.numClasses()];
        List<int[]> out = new ArrayList<>(numBatches);
        for (int b = 0; b < numBatches; b++) {
            for (int c = 0; c < order.length; c++) {
                order[c] = c;
            }
            Seeds.shuffle(order, rng);
            int[] batch = new int[batchSize];
            for (int k = 0; k < classesPerBatch; k++) {
                int[] picked = Seeds.safeRandomChoice(index.positionsOf(order[k]), m, rng);
                System.arraycopy(picked, 0, batch, k * m, m);
            }
            out.add(batch);
        }
        return out;
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    /** The number of batches per epoch: lengthBeforeNewIter / batchSize (at least 1). */
    public int batchesPerEpoch() {
        return (int) Math.max(1, listSize / batchSize);
    }

    /** Items per class in a batch. */
    public int m() {
        return m;
    }

    /** The number of distinct classes in the labels. */
    public int numClasses() {
        return index.numClasses();
    }
}
