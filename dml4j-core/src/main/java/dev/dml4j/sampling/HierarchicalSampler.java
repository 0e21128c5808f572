package dev.dml4j.sampling;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * PML's {@code HierarchicalSampler} (after Cakir et al.'s "Deep Metric Learning to Rank" baseline code): every batch
 * draws from a tuple of {@code superClassesPerBatch} super-classes (e.g. SOP's 12 product categories), filling
 * {@code batchSize / superClassesPerBatch} slots per super-class with {@code samplesPerClass} items from each of
 * several randomly chosen classes of that super-class. An epoch has {@code batchesPerSuperTuple} batches for every
 * combination of super-classes, in random order. Within a super-class, classes are visited in random order and a
 * class whose items would overflow the slot is skipped (PML's behaviour); a class with fewer than
 * {@code samplesPerClass} items is sampled with replacement, otherwise without. A batch can therefore be shorter
 * than {@code batchSize} when a super-class has too few classes to fill its slot.
 */
public final class HierarchicalSampler implements BatchSampler {
    /** {@code samplesPerClass} value meaning "every item of each chosen class" (PML's {@code "all"}). */
    public static final int ALL = -1;

    private final int batchSize;
    private final int samplesPerClass;
    private final int batchesPerSuperTuple;
    private final int subBatchLen;
    private final long seed;
    /** per super-class (ascending), its classes' item positions (classes ascending). */
    private final List<int[][]> superClasses;
    private final List<int[]> superTuples;

    /**
     * @param labels the class label of every item
     * @param superLabels the super-class label of every item (each class must have one super-class)
     * @param batchSize items per batch, a multiple of superClassesPerBatch
     * @param samplesPerClass items per class in a batch (≥ 1, dividing batchSize / superClassesPerBatch), or
     *     {@link #ALL}
     * @param batchesPerSuperTuple batches per combination of super-classes per epoch (PML default 4)
     * @param superClassesPerBatch super-classes per batch (PML default 2)
     * @param seed the run's seed; epoch e's batches depend only on (seed, e)
     */
    public HierarchicalSampler(long[] labels, long[] superLabels, int batchSize, int samplesPerClass,
            int batchesPerSuperTuple, int superClassesPerBatch, long seed) {
        if (labels == null || superLabels == null || labels.length != superLabels.length || labels.length == 0) {
            throw new IllegalArgumentException("HierarchicalSampler needs one label and one super-label per item, got "
                    + (labels == null ? "null" : labels.length) + " labels and "
                    + (superLabels == null ? "null" : superLabels.length) + " super-labels");
        }
        if (superClassesPerBatch < 1) {
            throw new IllegalArgumentException("superClassesPerBatch must be >= 1, got " + superClassesPerBatch);
        }
        if (batchSize < 1 || batchSize % superClassesPerBatch != 0) {
            throw new IllegalArgumentException("batchSize=" + batchSize + " must be a positive multiple of"
                    + " superClassesPerBatch=" + superClassesPerBatch);
        }
        this.subBatchLen = batchSize / superClassesPerBatch;
        if (samplesPerClass != ALL && (samplesPerClass < 1 || subBatchLen % samplesPerClass != 0)) {
            throw new IllegalArgumentException("samplesPerClass=" + samplesPerClass + " must be >= 1 and divide"
                    + " batchSize / superClassesPerBatch = " + subBatchLen + " (or be HierarchicalSampler.ALL)");
        }
        if (batchesPerSuperTuple < 1) {
            throw new IllegalArgumentException("batchesPerSuperTuple must be >= 1, got " + batchesPerSuperTuple);
        }
        Map<Long, Long> superOf = new HashMap<>();
        TreeMap<Long, TreeMap<Long, List<Integer>>> tree = new TreeMap<>();
        for (int i = 0; i < labels.length; i++) {
            Long prev = superOf.putIfAbsent(labels[i], superLabels[i]);
            if (prev != null && prev != superLabels[i]) {
                throw new IllegalArgumentException("class " + labels[i] + " has two super-labels, " + prev + " and "
                        + superLabels[i] + " (item " + i + "): every class must belong to one super-class");
            }
            tree.computeIfAbsent(superLabels[i], k -> new TreeMap<>()).computeIfAbsent(labels[i],
                    k -> new ArrayList<>()).add(i);
        }
        if (tree.size() < superClassesPerBatch) {
            throw new IllegalArgumentException("superClassesPerBatch=" + superClassesPerBatch + " but the data have only "
                    + tree.size() + " super-classes");
        }
        List<int[][]> supers = new ArrayList<>();
        for (TreeMap<Long, List<Integer>> classes : tree.values()) {
            int[][] s = new int[classes.size()][];
            int c = 0;
            for (List<Integer> items : classes.values()) {
                s[c++] = items.stream().mapToInt(Integer::intValue).toArray();
            }
            supers.add(s);
        }
        this.superClasses = List.copyOf(supers);
        this.superTuples = combinations(supers.size(), superClassesPerBatch);
        this.batchSize = batchSize;
        this.samplesPerClass = samplesPerClass;
        this.batchesPerSuperTuple = batchesPerSuperTuple;
        this.seed = seed;
    }

    /** PML's defaults: batchesPerSuperTuple = 4, superClassesPerBatch = 2. */
    public HierarchicalSampler(long[] labels, long[] superLabels, int batchSize, int samplesPerClass, long seed) {
        this(labels, superLabels, batchSize, samplesPerClass, 4, 2, seed);
    }

    /** All k-element combinations of 0..n-1 in lexicographic order (Python's itertools.combinations). */
    private static List<int[]> combinations(int n, int k) {
        double count = 1;
        for (int i = 0; i < k; i++) {
            count = count * (n - i) / (i + 1);
        }
        if (count > 1_000_000) {
            throw new IllegalArgumentException("choosing " + k + " of " + n + " super-classes gives " + (long) count
                    + " combinations per epoch; lower superClassesPerBatch");
        }
        List<int[]> out = new ArrayList<>();
        int[] c = new int[k];
        for (int i = 0; i < k; i++) {
            c[i] = i;
        }
        while (true) {
            out.add(c.clone());
            int i = k - 1;
            while (i >= 0 && c[i] == n - k + i) {
                i--;
            }
            if (i < 0) {
                return out;
            }
            c[i]++;
            for (int j = i + 1; j < k; j++) {
                c[j] = c[j - 1] + 1;
            }
        }
    }

    @Override
    public List<int[]> epochBatches(int epoch) {
        SplittableRandom rng = Seeds.stream(seed, epoch);
        List<int[]> batches = new ArrayList<>(superTuples.size() * batchesPerSuperTuple);
        for (int[] tuple : superTuples) {
            for (int b = 0; b < batchesPerSuperTuple; b++) {
                int[] batch = new int[batchSize];
                int len = 0;
                for (int s : tuple) {
                    int[][] classes = superClasses.get(s);
                    int[] order = new int[classes.length];
                    for (int c = 0; c < order.length; c++) {
                        order[c] = c;
                    }
                    Seeds.shuffle(order, rng);
                    int sub = 0;
                    for (int c : order) {
                        if (sub >= subBatchLen) {
                            break;
                        }
                        int[] items = classes[c];
                        int n = samplesPerClass == ALL ? items.length : samplesPerClass;
                        if (sub + n > subBatchLen) {
                            continue;
                        }
                        System.arraycopy(Seeds.safeRandomChoice(items, n, rng), 0, batch, len, n);
                        len += n;
                        sub += n;
                    }
                }
                int[] full = java.util.Arrays.copyOf(batch, len);
                Seeds.shuffle(full, rng);
                batches.add(full);
            }
        }
        shuffle(batches, rng);
        return batches;
    }

    private static void shuffle(List<int[]> list, SplittableRandom rng) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int[] t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    /** The number of batches per epoch: batchesPerSuperTuple × C(super-classes, superClassesPerBatch). */
    public int batchesPerEpoch() {
        return superTuples.size() * batchesPerSuperTuple;
    }
}
