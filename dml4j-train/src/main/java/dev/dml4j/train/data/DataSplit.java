package dev.dml4j.train.data;

/** Which part of a benchmark to read: the training classes, the test classes, or everything. */
public enum DataSplit {
    /** The training part (for class-disjoint benchmarks: the training classes). */
    TRAIN,
    /** The test part (for class-disjoint benchmarks: the unseen test classes). */
    TEST,
    /** Every item. */
    ALL
}
