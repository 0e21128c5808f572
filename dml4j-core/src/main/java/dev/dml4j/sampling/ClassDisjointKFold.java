package dev.dml4j.sampling;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Class-disjoint k-fold cross-validation on the training classes, the "reality check" protocol (Musgrave et al.,
 * 2020): the classes (not the items) are shuffled with the seed (or kept in ascending order, {@link #contiguous}) and
 * cut into k folds of near-equal class count;
 * fold f validates on its classes and trains on the classes of the other folds. Every class is in exactly one
 * validation fold.
 */
public final class ClassDisjointKFold {

    /**
     * One fold of the cross-validation.
     *
     * @param fold the fold number, 0 ≤ fold &lt; k
     * @param trainIndices positions of the items whose class is not in this fold, ascending
     * @param valIndices positions of the items whose class is in this fold, ascending
     * @param valClasses the classes validated in this fold
     */
    public record Fold(int fold, int[] trainIndices, int[] valIndices, SortedSet<Long> valClasses) {
        /** Freezes the class set. */
        public Fold {
            valClasses = Collections.unmodifiableSortedSet(new TreeSet<>(valClasses));
        }

        /** A copy of the training item positions. */
        @Override
        public int[] trainIndices() {
            return trainIndices.clone();
        }

        /** A copy of the validation item positions. */
        @Override
        public int[] valIndices() {
            return valIndices.clone();
        }

        @Override
        public String toString() {
            return "Fold[" + fold + ": train=" + trainIndices.length + " items, val=" + valIndices.length + " items, "
                    + ClassDisjointSplit.describe(valClasses) + "]";
        }
    }

    private final long[] labels;
    private final List<SortedSet<Long>> foldClasses;

    /**
     * @param labels the labels of the items to cross-validate (usually the training half of a class-disjoint split)
     * @param k the number of folds, 2 ≤ k ≤ number of classes (the reality-check protocol uses 4)
     * @param seed the seed of the class shuffle
     */
    public ClassDisjointKFold(long[] labels, int k, long seed) {
        this(labels, k, seed, true);
    }

    /**
     * Folds of consecutive classes in ascending label order, without shuffling (fold 0 validates the lowest
     * classes): the deterministic variant, for protocols that partition the sorted class list.
     *
     * @param labels the labels of the items to cross-validate
     * @param k the number of folds, 2 ≤ k ≤ number of classes
     */
    public static ClassDisjointKFold contiguous(long[] labels, int k) {
        return new ClassDisjointKFold(labels, k, 0L, false);
    }

    private ClassDisjointKFold(long[] labels, int k, long seed, boolean shuffle) {
        LabelIndex idx = LabelIndex.of(labels);
        if (k < 2) {
            throw new IllegalArgumentException("k-fold cross-validation needs k >= 2 folds, got k=" + k);
        }
        if (idx.numClasses() < k) {
            throw new IllegalArgumentException("k=" + k + " folds need at least " + k + " classes, the labels have "
                    + idx.numClasses() + ": lower k");
        }
        this.labels = labels.clone();
        int[] order = new int[idx.numClasses()];
        for (int c = 0; c < order.length; c++) {
            order[c] = c;
        }
        if (shuffle) {
            Seeds.shuffle(order, Seeds.stream(seed, 0));
        }
        // contiguous runs of the shuffled class list: fold sizes differ by at most one class
        List<SortedSet<Long>> folds = new ArrayList<>(k);
        int n = order.length;
        for (int f = 0; f < k; f++) {
            SortedSet<Long> s = new TreeSet<>();
            for (int p = (int) ((long) f * n / k); p < (int) ((long) (f + 1) * n / k); p++) {
                s.add(idx.classLabel(order[p]));
            }
            folds.add(Collections.unmodifiableSortedSet(s));
        }
        this.foldClasses = List.copyOf(folds);
    }

    /** The number of folds. */
    public int k() {
        return foldClasses.size();
    }

    /** Fold {@code f} (0 ≤ f &lt; k): its training and validation item positions. */
    public Fold fold(int f) {
        if (f < 0 || f >= k()) {
            throw new IllegalArgumentException("fold " + f + " outside [0, " + k() + ")");
        }
        SortedSet<Long> val = foldClasses.get(f);
        int[][] parts = ClassDisjointSplit.partition(labels, val);
        return new Fold(f, parts[1], parts[0], val);
    }

    /** All k folds in order. */
    public List<Fold> folds() {
        List<Fold> out = new ArrayList<>(k());
        for (int f = 0; f < k(); f++) {
            out.add(fold(f));
        }
        return out;
    }
}
