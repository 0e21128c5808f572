package dev.dml4j.train.data;

import dev.dml4j.sampling.ClassDisjointSplit;

/** The class-disjoint train/test convention shared by the CUB-200-2011 and Cars196 readers. */
final class BenchmarkSplits {
    private BenchmarkSplits() {
    }

    /** The first half of the classes (ascending id) for TRAIN, the rest for TEST, everything for ALL. */
    static FileImageDataset classDisjoint(FileImageDataset all, DataSplit split, String name) {
        if (split == DataSplit.ALL) {
            return all.subset(identity(all.size()), name);
        }
        ClassDisjointSplit s = ClassDisjointSplit.firstHalf(all.labels());
        return split == DataSplit.TRAIN ? all.subset(s.trainIndices(), name + "/train")
                : all.subset(s.testIndices(), name + "/test");
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }
}
