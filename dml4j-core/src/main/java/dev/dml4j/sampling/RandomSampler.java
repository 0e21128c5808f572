package dev.dml4j.sampling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Plain shuffled batches (PyTorch's {@code RandomSampler} + {@code BatchSampler}): each epoch is a fresh permutation
 * of all items cut into batches of {@code batchSize}; the last, shorter batch is kept or dropped.
 */
public final class RandomSampler implements BatchSampler {
    private final int size;
    private final int batchSize;
    private final boolean dropLast;
    private final long seed;

    /**
     * @param size the number of items in the data set, ≥ 1
     * @param batchSize items per batch, ≥ 1
     * @param dropLast whether to drop the last batch when it is shorter than batchSize (PyTorch {@code drop_last})
     * @param seed the run's seed; epoch e's batches depend only on (seed, e)
     */
    public RandomSampler(int size, int batchSize, boolean dropLast, long seed) {
        if (size < 1) {
            throw new IllegalArgumentException("RandomSampler needs at least one item, got size=" + size);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (dropLast && batchSize > size) {
            throw new IllegalArgumentException("batchSize=" + batchSize + " > size=" + size
                    + " with dropLast: every batch would be dropped; lower batchSize or set dropLast=false");
        }
        this.size = size;
        this.batchSize = batchSize;
        this.dropLast = dropLast;
        this.seed = seed;
    }

    @Override
    public List<int[]> epochBatches(int epoch) {
        int[] perm = new int[size];
        for (int i = 0; i < size; i++) {
            perm[i] = i;
        }
        Seeds.shuffle(perm, Seeds.stream(seed, epoch));
        List<int[]> out = new ArrayList<>();
        for (int start = 0; start < size; start += batchSize) {
            int end = Math.min(size, start + batchSize);
            if (dropLast && end - start < batchSize) {
                break;
            }
            out.add(Arrays.copyOfRange(perm, start, end));
        }
        return out;
    }

    @Override
    public int batchSize() {
        return batchSize;
    }
}
