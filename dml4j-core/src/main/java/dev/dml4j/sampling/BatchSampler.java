package dev.dml4j.sampling;

import java.util.List;

/** TEMPORARY stand-in for branch data's class (removed before merging main). */
public interface BatchSampler {
    /** Batches of one epoch. */
    List<int[]> epochBatches(int epoch);

    /** Batch size. */
    int batchSize();
}
