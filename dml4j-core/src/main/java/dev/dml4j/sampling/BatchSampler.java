package dev.dml4j.sampling;

import java.util.List;

/**
 * Produces the batches of one epoch as arrays of item positions. The result depends only on the sampler's
 * configuration, its seed and the epoch number, so a run resumed at epoch e continues exactly as it would have.
 */
public interface BatchSampler {

    /** The batches of epoch {@code epoch} (0-based), each an array of item positions (fresh arrays). */
    List<int[]> epochBatches(int epoch);

    /** The nominal number of items per batch (some samplers may emit a shorter last batch; see each class). */
    int batchSize();

    /**
     * Consecutive batches 0..size-1 in item order, the last one possibly shorter: for embedding a whole data set
     * (evaluation), where order matters and nothing is random.
     */
    static List<int[]> inOrder(int size, int batchSize) {
        if (size < 0 || batchSize < 1) {
            throw new IllegalArgumentException("inOrder needs size >= 0 and batchSize >= 1, got size=" + size
                    + ", batchSize=" + batchSize);
        }
        List<int[]> out = new java.util.ArrayList<>();
        for (int start = 0; start < size; start += batchSize) {
            int n = Math.min(batchSize, size - start);
            int[] b = new int[n];
            for (int i = 0; i < n; i++) {
                b[i] = start + i;
            }
            out.add(b);
        }
        return out;
    }
}
