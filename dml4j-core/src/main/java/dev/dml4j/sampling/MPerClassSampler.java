package dev.dml4j.sampling;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** TEMPORARY stand-in for branch data's class (removed before merging main). */
public final class MPerClassSampler implements BatchSampler {
    private final Map<Long, List<Integer>> byClass = new HashMap<>();
    private final List<Long> classes;
    private final int m;
    private final int batchSize;
    private final long length;
    private final long seed;

    /** Stand-in. */
    public MPerClassSampler(long[] labels, int m, int batchSize, long lengthBeforeNewIter, long seed) {
        for (int i = 0; i < labels.length; i++) {
            byClass.computeIfAbsent(labels[i], k -> new ArrayList<>()).add(i);
        }
        classes = new ArrayList<>(byClass.keySet());
        java.util.Collections.sort(classes);
        if (batchSize % m != 0 || batchSize / m > classes.size()) {
            throw new IllegalArgumentException("bad m/batch");
        }
        this.m = m;
        this.batchSize = batchSize;
        this.length = lengthBeforeNewIter;
        this.seed = seed;
    }

    @Override
    public List<int[]> epochBatches(int epoch) {
        Random r = new Random(seed * 1000003L + epoch);
        List<int[]> out = new ArrayList<>();
        for (long n = 0; n + batchSize <= length; n += batchSize) {
            List<Long> cs = new ArrayList<>(classes);
            java.util.Collections.shuffle(cs, r);
            int[] b = new int[batchSize];
            int k = 0;
            for (int c = 0; c < batchSize / m; c++) {
                List<Integer> items = byClass.get(cs.get(c));
                for (int j = 0; j < m; j++) {
                    b[k++] = items.get(r.nextInt(items.size()));
                }
            }
            out.add(b);
        }
        return out;
    }

    @Override
    public int batchSize() {
        return batchSize;
    }
}
