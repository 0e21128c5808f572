package dev.dml4j.sampling;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Item positions grouped by class label (PML's {@code get_labels_to_indices}): classes in ascending label order,
 * positions in item order. Shared by the samplers and the class-disjoint splits.
 */
public final class LabelIndex {
    private final long[] classes;
    private final int[][] indices;

    private LabelIndex(long[] classes, int[][] indices) {
        this.classes = classes;
        this.indices = indices;
    }

    /** Groups the positions of {@code labels} by label; labels may be any long values (negative ones included). */
    public static LabelIndex of(long[] labels) {
        if (labels == null) {
            throw new IllegalArgumentException("labels must not be null");
        }
        TreeMap<Long, List<Integer>> map = new TreeMap<>();
        for (int i = 0; i < labels.length; i++) {
            map.computeIfAbsent(labels[i], k -> new ArrayList<>()).add(i);
        }
        long[] classes = new long[map.size()];
        int[][] idx = new int[map.size()][];
        int c = 0;
        for (Map.Entry<Long, List<Integer>> e : map.entrySet()) {
            classes[c] = e.getKey();
            idx[c] = e.getValue().stream().mapToInt(Integer::intValue).toArray();
            c++;
        }
        return new LabelIndex(classes, idx);
    }

    /** The number of distinct classes. */
    public int numClasses() {
        return classes.length;
    }

    /** The distinct class labels in ascending order (a fresh array). */
    public long[] classes() {
        return classes.clone();
    }

    /** The label of class number {@code c} (0 ≤ c < numClasses, ascending label order). */
    public long classLabel(int c) {
        return classes[c];
    }

    /** The item positions of class number {@code c} (shared array: do not modify). */
    int[] positionsOf(int c) {
        return indices[c];
    }

    /** The item positions of class number {@code c} (a fresh array). */
    public int[] indicesOf(int c) {
        return indices[c].clone();
    }

    /** A map from class label to the number of items of that class, in ascending label order. */
    public Map<Long, Integer> counts() {
        Map<Long, Integer> out = new LinkedHashMap<>();
        for (int c = 0; c < classes.length; c++) {
            out.put(classes[c], indices[c].length);
        }
        return out;
    }
}
