package dev.dml4j.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HierarchicalSamplerTest {
    /** 4 super-classes × 6 classes × 5 items; class c belongs to super-class c / 6. */
    private static final long[] LABELS = new long[120];
    private static final long[] SUPER = new long[120];

    static {
        for (int i = 0; i < 120; i++) {
            LABELS[i] = (i * 7) % 24;
            SUPER[i] = LABELS[i] / 6;
        }
    }

    @Test
    void batchesComeFromTwoSuperClassesWithSamplesPerClassEach() {
        HierarchicalSampler s = new HierarchicalSampler(LABELS, SUPER, 16, 4, 3, 2, 1L);
        List<int[]> batches = s.epochBatches(0);
        assertEquals(6 * 3, batches.size(), "C(4,2) super pairs × 3 batches");
        assertEquals(18, s.batchesPerEpoch());
        Map<Set<Long>, Integer> pairs = new HashMap<>();
        for (int[] b : batches) {
            assertEquals(16, b.length);
            Map<Long, Integer> perClass = new HashMap<>();
            Map<Long, Integer> perSuper = new HashMap<>();
            for (int i : b) {
                perClass.merge(LABELS[i], 1, Integer::sum);
                perSuper.merge(SUPER[i], 1, Integer::sum);
            }
            assertEquals(2, perSuper.size());
            perSuper.values().forEach(n -> assertEquals(8, n));
            perClass.values().forEach(n -> assertEquals(4, n));
            assertEquals(Set.of(4), new HashSet<>(perClass.values()));
            pairs.merge(perSuper.keySet(), 1, Integer::sum);
        }
        assertEquals(6, pairs.size());
        pairs.values().forEach(n -> assertEquals(3, n));
    }

    @Test
    void allTakesEveryItemOfAClassAndSkipsClassesThatDoNotFit() {
        // super 0: classes of 3 and 2 items; super 1: one class of 4 items and one of 9 (never fits a slot of 4)
        long[] l = {0, 0, 0, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3};
        long[] sup = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
        HierarchicalSampler s = new HierarchicalSampler(l, sup, 8, HierarchicalSampler.ALL, 5, 2, 2L);
        for (int[] b : s.epochBatches(1)) {
            Set<Integer> distinct = new HashSet<>();
            Map<Long, Integer> perClass = new HashMap<>();
            for (int i : b) {
                distinct.add(i);
                perClass.merge(l[i], 1, Integer::sum);
            }
            assertEquals(b.length, distinct.size(), "ALL takes each item once");
            assertTrue(!perClass.containsKey(3L), "class 3 (9 items) never fits a slot of 4");
            assertEquals(4, perClass.get(2L));
            // super 0 fits either class 0 (3) or class 1 (2) first, then the other only if it still fits
            int fromSuper0 = perClass.getOrDefault(0L, 0) + perClass.getOrDefault(1L, 0);
            assertTrue(fromSuper0 == 3 || fromSuper0 == 2, "got " + perClass);
        }
    }

    @Test
    void smallClassesAreSampledWithReplacement() {
        long[] l = {0, 1, 1, 2, 3, 3};
        long[] sup = {0, 0, 0, 1, 1, 1};
        HierarchicalSampler s = new HierarchicalSampler(l, sup, 8, 2, 1, 2, 0L);
        int[] b = s.epochBatches(0).get(0);
        assertEquals(8, b.length);
        long zeros = java.util.Arrays.stream(b).filter(i -> i == 0).count();
        assertEquals(2, zeros, "the one item of class 0 appears twice");
    }

    @Test
    void deterministicPerSeedAndEpoch() {
        HierarchicalSampler a = new HierarchicalSampler(LABELS, SUPER, 12, 3, 7L);
        HierarchicalSampler b = new HierarchicalSampler(LABELS, SUPER, 12, 3, 7L);
        List<int[]> x = a.epochBatches(5);
        List<int[]> y = b.epochBatches(5);
        for (int k = 0; k < x.size(); k++) {
            assertArrayEquals(x.get(k), y.get(k));
        }
        assertTrue(!java.util.Arrays.equals(x.get(0), a.epochBatches(6).get(0))
                || !java.util.Arrays.equals(x.get(1), a.epochBatches(6).get(1)));
    }

    @Test
    void badParameters() {
        assertThrows(IllegalArgumentException.class, () -> new HierarchicalSampler(LABELS, SUPER, 15, 4, 1L));
        assertThrows(IllegalArgumentException.class, () -> new HierarchicalSampler(LABELS, SUPER, 16, 3, 1L));
        assertThrows(IllegalArgumentException.class,
                () -> new HierarchicalSampler(LABELS, SUPER, 16, 4, 4, 5, 1L));
        assertThrows(IllegalArgumentException.class,
                () -> new HierarchicalSampler(new long[] {0, 0}, new long[] {0, 1}, 4, 1, 1L));
        assertThrows(IllegalArgumentException.class,
                () -> new HierarchicalSampler(new long[] {0}, new long[] {0, 1}, 4, 1, 1L));
    }
}
