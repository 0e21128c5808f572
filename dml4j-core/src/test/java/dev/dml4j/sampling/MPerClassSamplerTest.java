package dev.dml4j.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MPerClassSamplerTest {

    /** 10 classes with 20 items each, shuffled positions. */
    private static long[] balancedLabels() {
        long[] l = new long[200];
        for (int i = 0; i < l.length; i++) {
            l[i] = (i * 7L) % 10;
        }
        return l;
    }

    @Test
    void everyBatchHasBatchSizeOverMClassesWithMDistinctItemsEach() {
        long[] labels = balancedLabels();
        MPerClassSampler s = new MPerClassSampler(labels, 4, 32, 1000, 1L);
        List<int[]> batches = s.epochBatches(0);
        assertEquals(1000 / 32, batches.size());
        assertEquals(31, s.batchesPerEpoch());
        for (int[] b : batches) {
            assertEquals(32, b.length);
            Map<Long, Set<Integer>> byClass = new HashMap<>();
            for (int i : b) {
                byClass.computeIfAbsent(labels[i], k -> new HashSet<>()).add(i);
            }
            assertEquals(8, byClass.size(), "batchSize / m classes per batch");
            for (Set<Integer> items : byClass.values()) {
                assertEquals(4, items.size(), "m distinct items per class when the class is large enough");
            }
        }
    }

    @Test
    void classesWithFewerThanMItemsAreSampledWithReplacement() {
        // class 0 has 2 items, class 1 has 1 item, class 2 has 10
        long[] labels = {0, 0, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2};
        MPerClassSampler s = new MPerClassSampler(labels, 4, 12, 12 * 5, 3L);
        List<int[]> batches = s.epochBatches(0);
        assertEquals(5, batches.size());
        for (int[] b : batches) {
            Map<Long, Integer> count = new HashMap<>();
            Map<Long, Set<Integer>> distinct = new HashMap<>();
            for (int i : b) {
                count.merge(labels[i], 1, Integer::sum);
                distinct.computeIfAbsent(labels[i], k -> new HashSet<>()).add(i);
            }
            assertEquals(Map.of(0L, 4, 1L, 4, 2L, 4), count);
            assertTrue(distinct.get(0L).size() <= 2);
            assertEquals(Set.of(2), distinct.get(1L), "a one-item class repeats its only item m times");
            assertEquals(4, distinct.get(2L).size());
        }
    }

    @Test
    void sameSeedAndEpochGiveSameBatchesOtherEpochsDiffer() {
        long[] labels = balancedLabels();
        MPerClassSampler a = new MPerClassSampler(labels, 2, 10, 100, 42L);
        MPerClassSampler b = new MPerClassSampler(labels, 2, 10, 100, 42L);
        List<int[]> e3a = a.epochBatches(3);
        a.epochBatches(4); // calls in between must not change what epoch 3 gives
        List<int[]> e3b = b.epochBatches(3);
        assertEquals(e3a.size(), e3b.size());
        for (int k = 0; k < e3a.size(); k++) {
            assertArrayEquals(e3a.get(k), e3b.get(k));
        }
        assertFalse(java.util.Arrays.equals(e3a.get(0), a.epochBatches(4).get(0))
                && java.util.Arrays.equals(e3a.get(1), a.epochBatches(4).get(1)), "epochs must differ");
        MPerClassSampler c = new MPerClassSampler(labels, 2, 10, 100, 43L);
        assertFalse(java.util.Arrays.equals(e3a.get(0), c.epochBatches(3).get(0))
                && java.util.Arrays.equals(e3a.get(1), c.epochBatches(3).get(1)), "seeds must differ");
    }

    @Test
    void classesAreDrawnUniformly() {
        long[] labels = balancedLabels();
        MPerClassSampler s = new MPerClassSampler(labels, 2, 4, 4 * 5000, 9L);
        int[] perClass = new int[10];
        for (int[] b : s.epochBatches(0)) {
            for (int i : b) {
                perClass[(int) labels[i]]++;
            }
        }
        // 20000 draws over 10 classes: 2000 each, binomial sd of about 2·sqrt(5000·0.2·0.8)
        for (int c : perClass) {
            assertTrue(Math.abs(c - 2000) < 300, "class count " + c + " far from 2000");
        }
    }

    @Test
    void epochLengthIsRoundedDownToWholeBatches() {
        MPerClassSampler s = new MPerClassSampler(balancedLabels(), 2, 8, 30, 0L);
        assertEquals(3, s.epochBatches(0).size());
        MPerClassSampler one = new MPerClassSampler(balancedLabels(), 2, 8, 8, 0L);
        assertEquals(1, one.epochBatches(0).size());
    }

    @Test
    void badParametersAreRejectedWithClearMessages() {
        long[] labels = balancedLabels();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MPerClassSampler(labels, 3, 10, 100, 0L));
        assertTrue(e.getMessage().contains("multiple of m"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MPerClassSampler(labels, 2, 22, 100, 0L));
        assertTrue(e.getMessage().contains("number of classes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MPerClassSampler(labels, 0, 10, 100, 0L));
        assertThrows(IllegalArgumentException.class, () -> new MPerClassSampler(labels, 2, 10, 5, 0L));
        assertThrows(IllegalArgumentException.class, () -> new MPerClassSampler(new long[0], 2, 2, 5, 0L));
    }
}
