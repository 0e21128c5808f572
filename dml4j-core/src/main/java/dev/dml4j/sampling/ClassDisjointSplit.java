package dev.dml4j.sampling;

import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A class-disjoint train/test split, the deep-metric-learning convention: no class of the test set is seen in
 * training (CUB-200: classes 1–100 train, 101–200 test; Cars196: 1–98 / 99–196).
 *
 * @param trainIndices positions of the training items, ascending
 * @param testIndices positions of the test items, ascending
 * @param trainClasses the training classes
 * @param testClasses the test classes (disjoint from trainClasses; together they cover every label)
 */
public record ClassDisjointSplit(int[] trainIndices, int[] testIndices, SortedSet<Long> trainClasses,
        SortedSet<Long> testClasses) {

    /** Validates and freezes the split (class sets become unmodifiable). */
    public ClassDisjointSplit {
        trainClasses = Collections.unmodifiableSortedSet(new TreeSet<>(trainClasses));
        testClasses = Collections.unmodifiableSortedSet(new TreeSet<>(testClasses));
        for (Long c : trainClasses) {
            if (testClasses.contains(c)) {
                throw new IllegalArgumentException("class " + c + " is in both the train and the test classes");
            }
        }
    }

    /**
     * The first half of the classes (in ascending label order) to train, the rest to test; with an odd number of
     * classes training gets the extra one (ceil(n/2) classes). Needs at least 2 classes.
     */
    public static ClassDisjointSplit firstHalf(long[] labels) {
        LabelIndex idx = LabelIndex.of(labels);
        int n = idx.numClasses();
        if (n < 2) {
            throw new IllegalArgumentException("a class-disjoint split needs at least 2 classes, got " + n);
        }
        Set<Long> train = new TreeSet<>();
        for (int c = 0; c < (n + 1) / 2; c++) {
            train.add(idx.classLabel(c));
        }
        return withTrainClasses(labels, train);
    }

    /**
     * Items whose label is in {@code trainClasses} to train, all others to test. Every given train class must occur
     * in the labels, and at least one class must be left for testing.
     */
    public static ClassDisjointSplit withTrainClasses(long[] labels, Set<Long> trainClasses) {
        if (labels == null) {
            throw new IllegalArgumentException("labels must not be null");
        }
        if (trainClasses == null || trainClasses.isEmpty()) {
            throw new IllegalArgumentException("trainClasses must name at least one class");
        }
        SortedSet<Long> present = new TreeSet<>();
        for (long l : labels) {
            present.add(l);
        }
        for (Long c : trainClasses) {
            if (!present.contains(c)) {
                throw new IllegalArgumentException("train class " + c + " does not occur in the labels (classes "
                        + describe(present) + ")");
            }
        }
        SortedSet<Long> test = new TreeSet<>(present);
        test.removeAll(trainClasses);
        if (test.isEmpty()) {
            throw new IllegalArgumentException("every class is a train class: a class-disjoint split needs at least"
                    + " one test class");
        }
        int[][] parts = partition(labels, trainClasses);
        return new ClassDisjointSplit(parts[0], parts[1], new TreeSet<>(trainClasses), test);
    }

    /** Item positions split by class membership: {positions whose label is in {@code classes}, all others}. */
    static int[][] partition(long[] labels, Set<Long> classes) {
        int nIn = 0;
        for (long l : labels) {
            if (classes.contains(l)) {
                nIn++;
            }
        }
        int[] in = new int[nIn];
        int[] out = new int[labels.length - nIn];
        int a = 0;
        int b = 0;
        for (int i = 0; i < labels.length; i++) {
            if (classes.contains(labels[i])) {
                in[a++] = i;
            } else {
                out[b++] = i;
            }
        }
        return new int[][] {in, out};
    }

    /** A short description of a class set for messages: its size and range. */
    static String describe(SortedSet<Long> classes) {
        return classes.isEmpty() ? "none" : classes.size() + " classes, " + classes.first() + ".." + classes.last();
    }

    /** A copy of the training item positions. */
    @Override
    public int[] trainIndices() {
        return trainIndices.clone();
    }

    /** A copy of the test item positions. */
    @Override
    public int[] testIndices() {
        return testIndices.clone();
    }

    @Override
    public String toString() {
        return "ClassDisjointSplit[train=" + trainIndices.length + " items, " + describe(trainClasses) + "; test="
                + testIndices.length + " items, " + describe(testClasses) + "]";
    }
}
